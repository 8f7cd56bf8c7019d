package consolidate

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nianbao/nianbao/internal/pgtest"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/sheets/intake"
	"github.com/nianbao/nianbao/spec"
	"github.com/nianbao/nianbao/store"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

func openStore(t *testing.T, target string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func withStore(st *store.Store) Options {
	return Options{Store: st, Hash: func(path string) (string, int64, error) { return intake.Hash(path, intake.Limits{}) }}
}

func same(t *testing.T, what, a, b string) {
	t.Helper()
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	if len(x) == 0 || !bytes.Equal(x, y) {
		t.Errorf("%s: %s and %s differ", what, filepath.Base(a), filepath.Base(b))
	}
}

// TestStoreIncremental: the workbook from the files, from the files with a
// store, from the store alone, and after a second run that reads nothing
// but the changed file, is the same byte for byte — on SQLite and on a
// real PostgreSQL.
func TestStoreIncremental(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			p := program(t)
			dir := t.TempDir()
			list := corpus(t, p, dir, 21, 8)
			// a duplicate (older 填报日期), an unreadable file, a file of another year
			dup := *list[2]
			dup.Book = list[2].Book.Clone()
			dup.Book.Set("basic", report.Key{Field: "fill_date"}, report.Str("2025-01-01"))
			writeSchool(t, p, &dup, filepath.Join(dir, "旧版_"+sample.FileName(list[2])), nil)
			os.WriteFile(filepath.Join(dir, "坏.xlsx"), []byte("PK\x03\x04 truncated"), 0o644)
			other, _ := sample.Generate(p, 21, 40)
			other.Book.Set("basic", report.Key{Field: "school_year"}, report.Str("2024-2025"))
			writeSchool(t, p, other, filepath.Join(dir, "去年.xlsx"), nil)

			out := t.TempDir()
			target := pgtest.Backends(t)[backend](t)
			st := openStore(t, target)
			opt := withStore(st)
			opt.Roots = []string{dir}
			plain := run(t, p, files(t, dir), Options{Roots: []string{dir}}, filepath.Join(out, "plain.xlsx"))
			first := run(t, p, files(t, dir), opt, filepath.Join(out, "db1.xlsx"))
			if first.Read != 11 || first.Reused != 0 || first.Files != plain.Files || first.Duplicates != 1 || first.Unreadable != 1 || first.WrongYear != 1 {
				t.Fatalf("first run: %+v", first)
			}
			same(t, "files with a store", filepath.Join(out, "plain.xlsx"), filepath.Join(out, "db1.xlsx"))
			second := run(t, p, files(t, dir), opt, filepath.Join(out, "db2.xlsx"))
			if second.Read != 1 || second.Reused != 10 { // the unreadable one is tried again
				t.Fatalf("second run read %d, reused %d", second.Read, second.Reused)
			}
			same(t, "second run", filepath.Join(out, "plain.xlsx"), filepath.Join(out, "db2.xlsx"))
			alone := run(t, p, nil, withStore(st), filepath.Join(out, "db3.xlsx"))
			if alone.Year != plain.Year || alone.Read != 0 {
				t.Fatalf("from the store alone: %+v", alone)
			}
			same(t, "store alone", filepath.Join(out, "plain.xlsx"), filepath.Join(out, "db3.xlsx"))

			// one school sends a corrected file under the same name
			list[5].Book.Set("basic", report.Key{Field: "fill_date"}, report.Str("2026-10-01"))
			writeSchool(t, p, list[5], filepath.Join(dir, sample.FileName(list[5])), nil)
			changed := run(t, p, files(t, dir), opt, filepath.Join(out, "db4.xlsx"))
			if changed.Read != 2 || changed.Reused != 9 {
				t.Fatalf("after one change: read %d, reused %d", changed.Read, changed.Reused)
			}
			run(t, p, files(t, dir), Options{Roots: []string{dir}}, filepath.Join(out, "plain2.xlsx"))
			same(t, "after one change", filepath.Join(out, "plain2.xlsx"), filepath.Join(out, "db4.xlsx"))
			run(t, p, nil, withStore(st), filepath.Join(out, "db5.xlsx"))
			same(t, "store alone after one change", filepath.Join(out, "plain2.xlsx"), filepath.Join(out, "db5.xlsx"))

			// the analyst's view gives 汇总's totals: every input row of every
			// indicator table, 本学年 and 上学年
			region := changed.Region
			checked := 0
			for i := range p.Spec.Sheets {
				sh := &p.Spec.Sheets[i]
				if sh.Kind != spec.KindIndicator {
					continue
				}
				for j := range sh.Rows {
					f := &sh.Rows[j]
					if !f.Input() || f.Weight != nil || (f.Type != spec.TypeInteger && f.Type != spec.TypeDecimal) {
						continue
					}
					for col, name := range map[string]string{spec.ColCur: p.Spec.Columns.Cur, spec.ColPrev: p.Spec.Columns.Prev} {
						want := region.Values[report.ColAddr(sh.Key, f.Key, col)]
						var got *string
						// in SQLite decimals are summed as floating point: rounded to
						// the field's places, as the README says
						err := st.DB().QueryRow(st.Rebind(`SELECT CAST(ROUND(SUM("值"), MAX("小数位")) AS TEXT) FROM v_values WHERE "学年" = '2025-2026' AND "表" = ? AND "指标" = ? AND "列" = ?`),
							sh.Name, f.Label, name).Scan(&got)
						if err != nil {
							t.Fatal(err)
						}
						g := ""
						if got != nil {
							d, _ := decimal.NewFromString(*got)
							g = d.String()
						}
						if g != want.String() {
							t.Errorf("%s %s %s: v_values sums to %q, 汇总 has %q", sh.Name, f.Label, name, g, want.String())
						}
						checked++
					}
				}
			}
			if checked < 40 {
				t.Fatalf("only %d rows compared", checked)
			}
			// what the analyst's view holds is what was used
			var n int
			if err := st.DB().QueryRow(`SELECT COUNT(DISTINCT "学校标识码") FROM v_values WHERE "学年" = '2025-2026'`).Scan(&n); err != nil || n != changed.Schools {
				t.Fatalf("v_values has %d schools (%v); the workbook %d", n, err, changed.Schools)
			}
		})
	}
}

// TestStoreConcurrentRuns: two consolidations of one folder into one store
// at once neither duplicate nor lose a submission.
func TestStoreConcurrentRuns(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			p := program(t)
			dir := t.TempDir()
			corpus(t, p, dir, 22, 12)
			target := pgtest.Backends(t)[backend](t)
			openStore(t, target) // the schema first
			// two runs at once, each with its own handle (t.Fatal only here,
			// in the test's goroutine)
			var wg sync.WaitGroup
			sums := make([]*Summary, 2)
			errs := make([]error, 2)
			for i := range sums {
				opt := withStore(openStore(t, target))
				opt.Roots, opt.Workers, opt.Pipeline = []string{dir}, 2, pipeline(p)
				sink, err := NewWorkbook(filepath.Join(t.TempDir(), "out.xlsx"), "汇总", true)
				if err != nil {
					t.Fatal(err)
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					sums[i], errs[i] = Run(context.Background(), p, files(t, dir), opt, sink)
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			st := openStore(t, target)
			var wbs, subs, accepted int
			st.DB().QueryRow(`SELECT COUNT(*) FROM workbooks`).Scan(&wbs)
			st.DB().QueryRow(`SELECT COUNT(*) FROM submissions`).Scan(&subs)
			st.DB().QueryRow(`SELECT COUNT(*) FROM submissions WHERE decision = 'accepted'`).Scan(&accepted)
			if wbs != 12 || subs != 12 || accepted != 12 || sums[0].Schools != 12 || sums[1].Schools != 12 {
				t.Fatalf("workbooks %d, submissions %d, accepted %d; runs %d and %d schools", wbs, subs, accepted, sums[0].Schools, sums[1].Schools)
			}
		})
	}
}

// TestStoreOtherSpec: workbooks read with another spec are not used as if
// read with this one: the run says which files to consolidate again, and
// consolidating them again reads them with this spec.
func TestStoreOtherSpec(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 23, 3)
	st := openStore(t, filepath.Join(t.TempDir(), "x.db"))
	opt := withStore(st)
	opt.Roots = []string{dir}
	run(t, p, files(t, dir), opt, filepath.Join(t.TempDir(), "a.xlsx"))

	q := program(t)
	q.Spec.Title += "（修订）"
	sink, _ := NewWorkbook(filepath.Join(t.TempDir(), "b.xlsx"), "汇总", true)
	o := withStore(st)
	o.Pipeline = pipeline(q)
	_, err := Run(context.Background(), q, nil, o, sink)
	if err == nil || !strings.Contains(err.Error(), "按另一版本的规格读取") || !strings.Contains(err.Error(), "重新汇总") {
		t.Fatalf("err = %v", err)
	}
	o.Roots = []string{dir}
	if sum := run(t, q, files(t, dir), o, filepath.Join(t.TempDir(), "c.xlsx")); sum.Read != 3 || sum.Schools != 3 {
		t.Fatalf("consolidated again: %+v", sum)
	}
}

// TestTwoYears is how a bureau's second year goes: year 1 consolidated
// into a store, then year 2; the cross-year check of year 2 (its 上学年
// against the 本学年 stored for year 1) finds exactly the cells where the
// generated corpus says they differ — every injected slip among them —
// and no other.
func TestTwoYears(t *testing.T) {
	p := program(t)
	st := openStore(t, filepath.Join(t.TempDir(), "nianbao.db"))
	lookup := func(ctx context.Context, r *report.Report) (*report.PriorYear, error) {
		code := r.Book.Get("basic", report.Key{Field: "school_code"}).String()
		year := r.Book.Get("basic", report.Key{Field: "school_year"}).String()
		py, _, err := st.Prior(ctx, p.Spec.ID, code, year)
		return py, err
	}
	var manifest *sample.Manifest
	var first string // 全日制在校生数 of 汇总 in year 1
	dirs := map[string]string{}
	for _, year := range []string{"2025-2026", "2026-2027"} {
		dirs[year] = filepath.Join(t.TempDir(), year)
		m, err := sample.Run(context.Background(), p, sample.Options{N: 40, Seed: 5, Dir: dirs[year], Year: year, Inject: 12})
		if err != nil {
			t.Fatal(err)
		}
		manifest = m
	}
	// year 2 arrives first: nothing to compare with yet; once year 1 is
	// stored, year 2's files are read again (their check used no last year)
	early := withStore(st)
	early.Roots, early.Pipeline = []string{dirs["2026-2027"]}, pipeline(p)
	early.Pipeline.Prior = lookup
	run(t, p, files(t, dirs["2026-2027"]), early, filepath.Join(t.TempDir(), "早.xlsx"))
	for _, year := range []string{"2025-2026", "2026-2027"} {
		dir := dirs[year]
		opt := withStore(st)
		opt.Roots = []string{dir}
		opt.Pipeline = pipeline(p)
		opt.Pipeline.Prior = lookup
		out := filepath.Join(t.TempDir(), "汇总.xlsx")
		sum := run(t, p, files(t, dir), opt, out)
		if sum.Year != year || sum.Schools != 40 || sum.Read != 40 {
			t.Fatalf("%s: %+v", year, sum)
		}
		// 历年: from the second year on, both years side by side
		if year == "2025-2026" {
			f, err := excelize.OpenFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if i, _ := f.GetSheetIndex(SheetHistory); i >= 0 {
				t.Fatal("a 历年 sheet in the first year")
			}
			f.Close()
			first = sum.Region.Values[report.ColAddr("students", "enrolled", "cur")].String()
			continue
		}
		hist := rows(t, out, SheetHistory)
		if len(hist) < 3 || !strings.Contains(strings.Join(hist[0], " "), "2025-2026") || !strings.Contains(strings.Join(hist[0], " "), "2026-2027") {
			t.Fatalf("历年 of the second year: %v", hist)
		}
		if hist[2][0] != "全日制在校生数" || hist[2][2] != first || first == "" {
			t.Errorf("历年 shows 2025-2026's 全日制在校生数 as %v; 汇总 of that year had %s", hist[2], first)
		}
	}
	want := map[string]bool{}
	slips := 0
	for _, f := range manifest.Files {
		for _, d := range f.CrossYear {
			want[f.File+" "+d.Sheet+"!"+d.Cell] = true
			if d.Cause == sample.CrossYear {
				slips++
			}
		}
	}
	if slips == 0 || len(want) == 0 {
		t.Fatalf("the corpus has no cross-year slips (%d differences)", len(want))
	}
	rows, err := st.DB().Query(`SELECT s.file, f.sheet, f.cell, f.message FROM findings f JOIN workbooks w ON w.id = f.workbook_id
		JOIN submissions s ON s.workbook_id = w.id WHERE s.year = '2026-2027' AND f.rule = 'cross_year'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]bool{}
	for rows.Next() {
		var file, sheet, cell, msg string
		rows.Scan(&file, &sheet, &cell, &msg)
		k := file + " " + sheet + "!" + cell
		got[k] = true
		if !want[k] {
			t.Errorf("a cross-year finding the corpus does not have: %s %s", k, msg)
		}
		if !strings.Contains(msg, "2025-2026 学年报送的本学年数") {
			t.Errorf("%s: the message does not name last year: %s", k, msg)
		}
	}
	for k := range want {
		if !got[k] {
			t.Errorf("not found: the cross-year difference at %s", k)
		}
	}
	// none in year 1: there is no year before it in the store
	var n int
	st.DB().QueryRow(`SELECT COUNT(*) FROM findings f JOIN submissions s ON s.workbook_id = f.workbook_id WHERE s.year = '2025-2026' AND f.rule = 'cross_year'`).Scan(&n)
	if n != 0 {
		t.Errorf("%d cross-year findings in the first year", n)
	}
	t.Logf("%d cross-year differences (%d slips), all found", len(want), slips)
}
