package sample

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

func TestYearSteps(t *testing.T) {
	for year, want := range map[string]int{"2025-2026": 0, "2026-2027": 1, "2030-2031": 5, "2055-2056": MaxSteps} {
		if got, err := YearSteps(year); err != nil || got != want {
			t.Errorf("YearSteps(%q) = %d, %v; want %d", year, got, err, want)
		}
	}
	for year, msg := range map[string]string{
		"2026/2027": "写法不对", "2026-2028": "写法不对", "": "写法不对", "２026-2027": "写法不对", "2026-27": "写法不对",
		"2024-2025": "最早为 2025-2026 学年", "1999-2000": "最早为 2025-2026 学年",
		"2056-2057": "最晚为 2055-2056 学年",
	} {
		if _, err := YearSteps(year); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("YearSteps(%q): %v, want an error saying %s", year, err, msg)
		}
		if year == "" {
			continue // Run's default year
		}
		if _, err := Run(context.Background(), program(t), Options{N: 1, Year: year, Dir: t.TempDir(), ViaLibreOffice: 0}); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("Run in %q: %v, want an error saying %s", year, err, msg)
		}
	}
}

// Schools of later years pass every check, are the same schools, and their
// 上学年 is the 本学年 of the year before, exactly, at every input row of the
// indicator sheets; the majors go on (a new one may open).
func TestNextYearGoesOn(t *testing.T) {
	p := program(t)
	opened, grew := 0, 0
	for seed := uint64(1); seed <= 2; seed++ {
		for i := 0; i < 150; i++ {
			s := generate(t, p, seed, i)
			for k := 1; k <= 3; k++ {
				n, err := NextYear(p, seed, s)
				if err != nil {
					t.Fatal(err)
				}
				if f := failures(p, n.Book); len(f) > 0 {
					t.Fatalf("seed %d school %d in %s: %d checks fail: %v", seed, i, n.Year, len(f), f)
				}
				if n.Name != s.Name || n.Code != s.Code || n.Year != yearText(baseFirst+k) {
					t.Fatalf("school %d: %s %s %s after %s %s %s", i, n.Name, n.Code, n.Year, s.Name, s.Code, s.Year)
				}
				if got := n.Book.Get("basic", report.Key{Field: "school_year"}).Text; got != n.Year {
					t.Fatalf("school %d of %s says 学年 %s", i, n.Year, got)
				}
				same := 0
				priorRows(p, func(sh *spec.Sheet, _ int, f *spec.Field) {
					prev := n.Book.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColPrev})
					cur := s.Book.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColCur})
					if !prev.Equal(cur) || prev.IsEmpty() {
						t.Errorf("school %d %s: %s.%s.prev = %q, last year's 本学年 %q", i, n.Year, sh.Key, f.Key, prev, cur)
					}
					if prev.Equal(n.Book.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColCur})) {
						same++
					}
				})
				if same > 40 {
					t.Errorf("school %d %s: %d rows kept last year's figure: the year does not move", i, n.Year, same)
				}
				names := func(b *report.Book) (out []string) {
					for _, r := range b.Rows("majors") {
						out = append(out, r["name"].Text)
					}
					return out
				}
				was, now := names(s.Book), names(n.Book)
				if len(now) < len(was) || !slices.Equal(now[:len(was)], was) {
					t.Fatalf("school %d: majors %v after %v", i, now, was)
				}
				if len(now) > len(was) {
					opened++
				}
				if n.Book.Get("students", report.Key{Field: "enrolled", Col: spec.ColCur}).Num.GreaterThan(s.Book.Get("students", report.Key{Field: "enrolled", Col: spec.ColCur}).Num) {
					grew++
				}
				s = n
			}
		}
	}
	if opened == 0 || grew < 200 || grew > 700 {
		t.Errorf("%d new majors, %d of 900 schools grew", opened, grew)
	}
	a, err := GenerateYear(p, 4, 7, "2027-2028")
	if err != nil {
		t.Fatal(err)
	}
	b, err := NextYear(p, 4, generate(t, p, 4, 7))
	if err == nil {
		b, err = NextYear(p, 4, b)
	}
	if err != nil || !reflect.DeepEqual(a, b) {
		t.Errorf("GenerateYear differs from stepping twice (%v)", err)
	}
	last, err := GenerateYear(p, 4, 7, yearText(baseFirst+MaxSteps))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NextYear(p, 4, last); err == nil || !strings.Contains(err.Error(), "最晚为") {
		t.Errorf("a year after the last: %v", err)
	}
	if _, err := NextYear(p, 4, &School{Year: "2025"}); err == nil {
		t.Error("NextYear of a school of no year")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Two corpora made apart, of 2025-2026 and 2026-2027, read back by the real
// reader: every school's 上学年 of 2026-2027 is the 本学年 its 2025-2026 file
// holds, exactly, except at the cells the manifest lists, each of which
// really differs by what the manifest says; slips and the other mistakes
// behind differences are both there.
func TestCrossYearCorpus(t *testing.T) {
	p := program(t)
	const n, seed, inject = 60, 6, 60 // seed 6: 6 slips in 2026-2027
	last, this := t.TempDir(), t.TempDir()
	ml, err := Run(context.Background(), p, Options{N: n, Seed: seed, Inject: inject, Dir: last, ViaLibreOffice: 0})
	if err != nil {
		t.Fatal(err)
	}
	mt, err := Run(context.Background(), p, Options{N: n, Seed: seed, Inject: inject, Dir: this, Year: "2026-2027", ViaLibreOffice: 0})
	if err != nil {
		t.Fatal(err)
	}
	if mt.SchoolYear != "2026-2027" || mt.PriorYear != "2025-2026" || ml.PriorYear != "" {
		t.Fatalf("years %s / %s, prior %s", mt.SchoolYear, ml.SchoolYear, mt.PriorYear)
	}
	causes := map[string]int{}
	checked, clean := 0, 0
	for i, f := range mt.Files {
		l := ml.Files[i]
		if f.Code != l.Code || f.Name != l.Name || f.File != l.File || f.PriorFile != l.File {
			t.Fatalf("school %d: %s %s %s (prior %s) after %s", i, f.Code, f.Name, f.File, f.PriorFile, l.File)
		}
		rt, rl := readSample(t, p, this, f.File), readSample(t, p, last, l.File)
		if got := rt.Book.Get("basic", report.Key{Field: "school_year"}).Text; got != "2026-2027" {
			t.Errorf("%s: 学年 %q", f.File, got)
		}
		listed := map[string]CrossYearDiff{}
		for _, d := range f.CrossYear {
			listed[d.Key] = d
			causes[d.Cause]++
		}
		priorRows(p, func(sh *spec.Sheet, _ int, fd *spec.Field) {
			now := rt.Book.Get(sh.Key, report.Key{Field: fd.Key, Col: spec.ColPrev})
			was := rl.Book.Get(sh.Key, report.Key{Field: fd.Key, Col: spec.ColCur})
			key := report.ColAddr(sh.Key, fd.Key, spec.ColPrev).String()
			checked++
			d, ok := listed[key]
			delete(listed, key)
			switch {
			case !ok && !now.Equal(was):
				t.Errorf("%s %s (%s): 上学年 %q, last year's 本学年 %q, not in the manifest", f.File, key, now.Cell, now, was)
			case ok && now.Equal(was):
				t.Errorf("%s %s: listed as differing (%+v) but both read %q", f.File, key, d, now)
			case ok && (d.Prior != was.String() || d.Value != now.String() || d.Sheet != now.Cell.Sheet || d.Cell != now.Cell.Ref):
				t.Errorf("%s %s: listed %+v, read %q at %s, last year %q", f.File, key, d, now, now.Cell, was)
			case ok:
				j := slices.IndexFunc(f.Mistakes, func(m Mistake) bool { return m.Key == key })
				if j < 0 || f.Mistakes[j].Kind != d.Cause {
					t.Errorf("%s %s: cause %s is not among the file's mistakes %+v", f.File, key, d.Cause, f.Mistakes)
				}
			}
		})
		for key := range listed {
			t.Errorf("%s: %s listed, but it is no input 上学年 cell", f.File, key)
		}
		var within []Mistake
		for _, m := range f.Mistakes {
			switch m.Kind {
			case CrossYear:
				k := slices.IndexFunc(f.CrossYear, func(c CrossYearDiff) bool { return c.Key == m.Key })
				if k < 0 {
					t.Errorf("%s: slip %+v is not among the differences", f.File, m)
					continue
				}
				if d := f.CrossYear[k]; m.Original != d.Prior || m.Injected != d.Value || m.Slip == "" || d.Cause != CrossYear || m.Rule != RuleCrossYear {
					t.Errorf("%s: slip %+v, difference %+v", f.File, m, d)
				}
			default:
				within = append(within, m)
			}
		}
		s, err := GenerateYear(p, seed, i, "2026-2027")
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Mistakes) == 0 {
			clean++
			if fails := failures(p, rt.Book); len(fails) > 0 || len(rt.Notes) > 0 || len(rt.Overwritten) > 0 {
				t.Errorf("%s is meant to be clean: %v %+v %+v", f.File, fails, rt.Notes, rt.Overwritten)
			}
			compareBooks(t, s.Book, rt.Book)
		}
		checkMistakes(t, p, s, rt, within) // inherited ones too: caught in the 上学年 column
	}
	if checked < 100*n || causes[CrossYear] == 0 || len(causes) < 3 || clean < n/3 {
		t.Errorf("%d cells compared, differences by cause %v, %d clean files", checked, causes, clean)
	}
	if cells, slips := mt.CrossYear(); slips != causes[CrossYear] || cells < slips {
		t.Errorf("Manifest.CrossYear() = %d, %d; causes %v", cells, slips, causes)
	}
	inherited := 0
	for _, f := range mt.Files {
		for _, m := range f.Mistakes {
			if m.Kind == Inherited {
				inherited++
			}
		}
	}
	if inherited == 0 {
		t.Error("no 本学年 mistake of 2025-2026 was carried into 2026-2027")
	}

	var back Manifest
	data, _ := os.ReadFile(filepath.Join(this, ManifestJSON))
	if err := json.Unmarshal(data, &back); err != nil || back.PriorYear != "2025-2026" || !bytes.Equal(mustJSON(t, back.Files), mustJSON(t, mt.Files)) {
		t.Errorf("manifest.json: %v, prior year %q", err, back.PriorYear)
	}
}

// A later year's corpus is the same bytes run after run, whatever the number
// of workers, and its 上学年 agrees with the year before made apart.
func TestLaterYearIsDeterministic(t *testing.T) {
	p := program(t)
	a, b, before := t.TempDir(), t.TempDir(), t.TempDir()
	opt := Options{N: 5, Seed: 2, Inject: 6, Year: "2027-2028", ViaLibreOffice: 0}
	for _, run := range []struct {
		dir     string
		workers int
		year    string
	}{{a, 1, "2027-2028"}, {b, 3, "2027-2028"}, {before, 2, "2026-2027"}} {
		o := opt
		o.Dir, o.Workers, o.Year = run.dir, run.workers, run.year
		if _, err := Run(context.Background(), p, o); err != nil {
			t.Fatal(err)
		}
	}
	names, _ := os.ReadDir(a)
	if len(names) != 7 {
		t.Fatalf("%d files, want 5 workbooks and 2 manifests", len(names))
	}
	var m Manifest
	data, _ := os.ReadFile(filepath.Join(a, ManifestJSON))
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		x, _ := os.ReadFile(filepath.Join(a, n.Name()))
		y, err := os.ReadFile(filepath.Join(b, n.Name()))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs of one seed (%v)", n.Name(), err)
		}
		if !strings.HasSuffix(n.Name(), ".xlsx") {
			continue
		}
		now, was := readSample(t, p, a, n.Name()), readSample(t, p, before, n.Name())
		i := slices.IndexFunc(m.Files, func(f File) bool { return f.File == n.Name() })
		differ := 0
		priorRows(p, func(sh *spec.Sheet, _ int, f *spec.Field) {
			if !now.Book.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColPrev}).Equal(was.Book.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColCur})) {
				differ++
			}
		})
		if differ != len(m.Files[i].CrossYear) {
			t.Errorf("%s: %d cells of 上学年 differ from the 2026-2027 corpus, the manifest lists %d", n.Name(), differ, len(m.Files[i].CrossYear))
		}
	}
}

// The README tells how to make a later year's corpus and what its manifest
// holds.
func TestReadmeTellsYear(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"nianbao sample --year YYYY-YYYY", "[--year YYYY-YYYY]", "`sample.BaseYear`", "2025-2026 is the base year",
		"`" + CrossYear + "`", "`" + Inherited + "`", "`prior_file`", "`prior_year`", "`" + SlipTransposed + "`", "`" + SlipTenfold + "`",
		"`" + SlipPrevCopied + "`", "`" + SlipNeighbour + "`", "sample/years_test.go"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("README.md does not say %q", want)
		}
	}
	if BaseYear != "2025-2026" || MaxSteps != 30 {
		t.Errorf("README.md says the base year is 2025-2026 and years go 30 on: now %s, %d", BaseYear, MaxSteps)
	}
}

// Every kind of mistake that changes a 本学年 value comes back next year as
// an inherited mistake in the 上学年, caught by the check it names; slips
// are of every kind, and each changes the 上学年 as it says.
func TestInheritedAndSlips(t *testing.T) {
	p := program(t)
	const n = 300
	deals := dealYears(n, 3*n, 5, 2)
	rules, slips := map[string]int{}, map[string]int{}
	for i := 0; i < n; i++ {
		cur, prior, err := schoolYears(p, 5, i, 2, deals)
		if err != nil {
			t.Fatal(err)
		}
		fails := failures(p, cur.written)
		for _, m := range cur.mistakes {
			key, _ := report.ParseAddr(m.Key)
			was := prior.written.Get(key.Sheet, report.Key{Field: key.Field, Col: spec.ColCur})
			now := cur.written.Get(key.Sheet, report.Key{Field: key.Field, Col: key.Col})
			switch m.Kind {
			case Inherited:
				rules[m.Rule]++
				right := cur.s.Book.Get(key.Sheet, report.Key{Field: key.Field, Col: key.Col})
				if key.Col != spec.ColPrev || !now.Equal(was) || m.Injected != was.String() || m.Original != right.String() || right.Equal(was) {
					t.Errorf("school %d: %+v: written %q, last year %q, right %q", i, m, now, was, right)
				}
				if !slices.ContainsFunc(fails, func(f string) bool { return strings.HasPrefix(f, m.Rule+" ") }) {
					t.Errorf("school %d: %+v is not caught (failures %v)", i, m, fails)
				}
			case CrossYear:
				slips[m.Slip]++
				if key.Col != spec.ColPrev || now.Equal(was) || m.Original != was.String() || m.Injected != now.String() {
					t.Errorf("school %d: %+v: written %q, last year %q", i, m, now, was)
				}
				if m.Slip == SlipPrevCopied && !now.Equal(prior.written.Get(key.Sheet, report.Key{Field: key.Field, Col: spec.ColPrev})) {
					t.Errorf("school %d: %+v is not last year's 上学年", i, m)
				}
				if m.Slip == SlipTenfold && !now.Num.Equal(was.Num.Mul(decimal.NewFromInt(10))) {
					t.Errorf("school %d: %+v is not ten times", i, m)
				}
			}
		}
	}
	if len(rules) < 5 || len(slips) != 4 {
		t.Errorf("inherited mistakes by rule %v, slips by kind %v", rules, slips)
	}
}
