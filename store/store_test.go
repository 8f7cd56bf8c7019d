package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/nianbao/nianbao/internal/pgtest"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/validate"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// each runs a test on every backend: a SQLite file and a real PostgreSQL.
func each(t *testing.T, fn func(t *testing.T, target string)) {
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) { fn(t, pgtest.Backends(t)[name](t)) })
	}
}

func open(t *testing.T, target string) *Store {
	t.Helper()
	s, err := Open(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func workbook(code, year, hash string, enrolled string) *Workbook {
	return &Workbook{ListRows: map[string]int{"majors": 2, "courses": 0}, Fingerprint: "fp1", SpecID: "zz", Spec: "1", Hash: hash, Size: 10, Code: code, Name: "学校" + code,
		Year: year, FillDate: "2025-09-01", Status: validate.StatusWarnings, Counts: validate.Counts{Warnings: 1},
		RecordFormat: 1, Record: []byte("rec-" + hash),
		Values: []Value{
			{Sheet: "students", Field: "enrolled", Col: "cur", Row: -1, Addr: "students.enrolled.cur", SheetName: "学生情况", Item: "在校生", Column: "本学年", Unit: "人", Cell: "学生情况!D5", Text: enrolled, Number: true, Input: true},
			{Sheet: "students", Field: "enrolled", Col: "prev", Row: -1, Addr: "students.enrolled.prev", SheetName: "学生情况", Item: "在校生", Column: "上学年", Unit: "人", Cell: "学生情况!C5", Text: "100", Number: true, Input: true},
			{Sheet: "students", Field: "ratio", Col: "cur", Row: -1, Addr: "students.ratio.cur", SheetName: "学生情况", Item: "生师比", Column: "本学年", Cell: "学生情况!D9", Text: "12.345678901234567890", Number: true, Input: true},
			{Sheet: "basic", Field: "name", Row: -1, Addr: "basic.name", SheetName: "基本信息", Item: "学校名称", Cell: "基本信息!C3", Text: "学校" + code},
		},
		Findings: []validate.Finding{{Severity: "warning", Rule: "r1", Sheet: "学生情况", Cell: "D5", Message: "偏大"}},
	}
}

func TestStore(t *testing.T) {
	each(t, func(t *testing.T, target string) {
		ctx := context.Background()
		s := open(t, target)
		a, b := workbook("1001", "2024-2025", "h1", "2301"), workbook("1002", "2024-2025", "h2", "880")
		if err := s.AddWorkbooks(ctx, []*Workbook{a, b}); err != nil {
			t.Fatal(err)
		}
		again := workbook("1001", "2024-2025", "h1", "2301")
		if err := s.AddWorkbooks(ctx, []*Workbook{again}); err != nil {
			t.Fatal(err)
		}
		if again.ID != a.ID || a.ID == b.ID || a.ID == 0 {
			t.Fatalf("ids: a %d, again %d, b %d", a.ID, again.ID, b.ID)
		}
		known, err := s.Known(ctx, "fp1")
		if err != nil || !reflect.DeepEqual(known, map[string]Known{"h1": {a.ID, "1001", "2024-2025", 0}, "h2": {b.ID, "1002", "2024-2025", 0}}) {
			t.Fatalf("Known = %v, %v", known, err)
		}
		if k, _ := s.Known(ctx, "fp2"); len(k) != 0 {
			t.Fatalf("another spec's fingerprint knows %v", k)
		}
		if err := s.Receive(ctx, "2024-2025", map[string]int64{"甲/a.xlsx": a.ID, "b.xlsx": b.ID}); err != nil {
			t.Fatal(err)
		}
		subs, err := s.Submissions(ctx, "2024-2025")
		if err != nil || len(subs) != 2 || subs[0].File != "b.xlsx" || subs[1].Workbook.Code != "1001" || subs[1].Workbook.Counts.Warnings != 1 || subs[1].Workbook.ListRows["majors"] != 2 {
			t.Fatalf("Submissions = %+v, %v", subs, err)
		}
		f, rec, err := s.Record(ctx, a.ID)
		if err != nil || f != 1 || string(rec) != "rec-h1" {
			t.Fatalf("Record = %d %q %v", f, rec, err)
		}
		if err := s.Decide(ctx, map[int64][2]string{subs[0].ID: {"accepted", ""}, subs[1].ID: {"accepted", ""}}); err != nil {
			t.Fatal(err)
		}
		// the analyst's views: sums are exact, the long decimal kept
		var total string
		if err := s.db.QueryRow(`SELECT CAST(SUM("值") AS TEXT) FROM v_values WHERE "学年" = '2024-2025' AND "指标" = '在校生' AND "列" = '本学年'`).Scan(&total); err != nil || total != "3181" {
			t.Fatalf("sum over v_values = %q, %v", total, err)
		}
		var exact string
		if err := s.db.QueryRow(`SELECT "文本" FROM v_values WHERE "指标" = '生师比' AND "学校标识码" = '1001'`).Scan(&exact); err != nil || exact != "12.345678901234567890" {
			t.Fatalf("exact text = %q, %v", exact, err)
		}
		var key string
		if err := s.db.QueryRow(`SELECT "键" FROM v_values WHERE "指标" = '在校生' AND "列" = '本学年' AND "学校标识码" = '1001'`).Scan(&key); err != nil || key != "students.enrolled.cur" {
			t.Fatalf("键 = %q, %v", key, err)
		}
		var n int
		if err := s.db.QueryRow(`SELECT COUNT(*) FROM v_submissions WHERE "采用情况" = 'accepted'`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("v_submissions accepted = %d, %v", n, err)
		}
		// a changed file under the same name points to its new workbook, undecided
		c := workbook("1001", "2024-2025", "h3", "2310")
		if err := s.AddWorkbooks(ctx, []*Workbook{c}); err != nil {
			t.Fatal(err)
		}
		if err := s.Receive(ctx, "2024-2025", map[string]int64{"甲/a.xlsx": c.ID, "b.xlsx": b.ID}); err != nil {
			t.Fatal(err)
		}
		subs, _ = s.Submissions(ctx, "2024-2025")
		if len(subs) != 2 || subs[1].Workbook.ID != c.ID || subs[1].Decision != "" || subs[0].Decision != "accepted" {
			t.Fatalf("after the change: %+v", subs)
		}
		s.Decide(ctx, map[int64][2]string{subs[1].ID: {"accepted", ""}})
		// last year's 本学年 for the next year's check
		p, pid, err := s.Prior(ctx, "zz", "1001", "2025-2026")
		if err != nil || p == nil || p.Year != "2024-2025" || p.File != "甲/a.xlsx" || pid != c.ID {
			t.Fatalf("Prior = %+v, %v", p, err)
		}
		v := p.Values[report.ColAddr("students", "enrolled", "cur")]
		if v.String() != "2310" || v.Cell.String() != "学生情况!D5" || len(p.Values) != 2 {
			t.Fatalf("Prior values = %v", p.Values)
		}
		if p, _, err := s.Prior(ctx, "zz", "1003", "2025-2026"); p != nil || err != nil {
			t.Fatalf("Prior of a school with nothing = %v, %v", p, err)
		}
		// a file unreadable once (no LibreOffice here) is read again and replaced
		u := workbook("", "", "h9", "1")
		u.Status, u.Error, u.Values, u.Findings = validate.StatusUnreadable, "无法转换", nil, nil
		s.AddWorkbooks(ctx, []*Workbook{u})
		if k, _ := s.Known(ctx, "fp1"); k["h9"].ID != 0 {
			t.Fatal("an unreadable workbook is known: it would never be read again")
		}
		r := workbook("1009", "2024-2025", "h9", "5")
		if err := s.AddWorkbooks(ctx, []*Workbook{r}); err != nil || r.ID != u.ID {
			t.Fatalf("re-read: %v, id %d want %d", err, r.ID, u.ID)
		}
		if k, _ := s.Known(ctx, "fp1"); k["h9"].ID != u.ID {
			t.Fatal("the re-read workbook is not known")
		}
		// Accepted: what next year's checks compare with; a workbook checked
		// against another year's workbook is read again and replaced
		acc, err := s.Accepted(ctx, "zz")
		if err != nil || acc[[2]string{"1001", "2024-2025"}] != c.ID || acc[[2]string{"1002", "2024-2025"}] != b.ID {
			t.Fatalf("Accepted = %v, %v", acc, err)
		}
		again2 := workbook("1002", "2024-2025", "h2", "881")
		again2.PriorID = 77
		if err := s.AddWorkbooks(ctx, []*Workbook{again2}); err != nil || again2.ID != b.ID {
			t.Fatalf("re-checked: %v, id %d", err, again2.ID)
		}
		var text string
		var nv int
		s.db.QueryRow(s.q(`SELECT v.value FROM cell_values v JOIN value_labels l ON l.id = v.label_id WHERE v.workbook_id = ? AND l.field_key = 'enrolled' AND l.col_key = 'cur'`), b.ID).Scan(&text)
		s.db.QueryRow(s.q(`SELECT COUNT(*) FROM cell_values WHERE workbook_id = ?`), b.ID).Scan(&nv)
		if k, _ := s.Known(ctx, "fp1"); k["h2"].PriorID != 77 || text != "881" || nv != 4 {
			t.Fatalf("after re-checking: prior %d, value %q, %d values", k["h2"].PriorID, text, nv)
		}
		ys, err := s.Years(ctx)
		if err != nil || !reflect.DeepEqual(ys, []string{"2024-2025"}) {
			t.Fatalf("Years = %v %v", ys, err)
		}
	})
}

func TestRegion(t *testing.T) {
	each(t, func(t *testing.T, target string) {
		ctx := context.Background()
		s := open(t, target)
		for _, y := range []RegionYear{
			{Year: "2025-2026", Schools: 3, Values: map[string]string{"students.enrolled.cur": "3310", "basic.note": "x"}, Numbers: map[string]bool{"students.enrolled.cur": true}},
			{Year: "2024-2025", Schools: 2, Values: map[string]string{"students.enrolled.cur": "3181"}, Numbers: map[string]bool{"students.enrolled.cur": true}},
			{Year: "2025-2026", Schools: 4, Values: map[string]string{"students.enrolled.cur": "4000"}, Numbers: map[string]bool{"students.enrolled.cur": true}},
		} {
			if err := s.SetRegion(ctx, "zz", y); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Region(ctx, "zz")
		if err != nil || len(got) != 2 || got[0].Year != "2024-2025" || got[1].Schools != 4 || got[1].Values["students.enrolled.cur"] != "4000" || len(got[1].Values) != 1 {
			t.Fatalf("Region = %+v, %v", got, err)
		}
	})
}

// TestConcurrentRuns: two processes' worth of handles storing overlapping
// files at once never duplicate or lose one.
func TestConcurrentRuns(t *testing.T) {
	each(t, func(t *testing.T, target string) {
		ctx := context.Background()
		open(t, target) // the schema, so that both handles find it
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for r := 0; r < 2; r++ {
			wg.Add(1)
			go func(r int) {
				defer wg.Done()
				s, err := Open(ctx, target)
				if err != nil {
					errs[r] = err
					return
				}
				defer s.Close()
				for i := 0; i < 40; i++ {
					w := workbook(fmt.Sprint(2000+i), "2024-2025", fmt.Sprint("h", i), "1")
					if err := s.AddWorkbooks(ctx, []*Workbook{w}); err != nil {
						errs[r] = err
						return
					}
					if err := s.Receive(ctx, "2024-2025", map[string]int64{fmt.Sprint(i, ".xlsx"): w.ID}); err != nil {
						errs[r] = err
						return
					}
				}
			}(r)
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		s := open(t, target)
		var wbs, subs, vals int
		s.db.QueryRow(`SELECT COUNT(*) FROM workbooks`).Scan(&wbs)
		s.db.QueryRow(`SELECT COUNT(*) FROM submissions`).Scan(&subs)
		s.db.QueryRow(`SELECT COUNT(*) FROM cell_values`).Scan(&vals)
		if wbs != 40 || subs != 40 || vals != 160 {
			t.Fatalf("workbooks %d, submissions %d, values %d; want 40, 40, 160", wbs, subs, vals)
		}
	})
}

// TestSchemaSame: both backends' migrations make the same tables and
// columns.
func TestSchemaSame(t *testing.T) {
	ctx := context.Background()
	lite := open(t, filepath.Join(t.TempDir(), "x.db"))
	pg := open(t, pgtest.URL(t))
	cols := func(s *Store, query string) []string {
		rows, err := s.db.QueryContext(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var tbl, col string
			if err := rows.Scan(&tbl, &col); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(tbl, "goose") && !strings.HasPrefix(tbl, "sqlite_") {
				out = append(out, tbl+"."+col)
			}
		}
		sort.Strings(out)
		return out
	}
	a := cols(lite, `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type IN ('table', 'view')`)
	b := cols(pg, `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`)
	if !reflect.DeepEqual(a, b) || len(a) < 60 {
		t.Fatalf("schemas differ:\nsqlite   %v\npostgres %v", a, b)
	}
}

func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	wb := filepath.Join(dir, "年报.xlsx")
	os.WriteFile(wb, []byte("PK\x03\x04 not a database"), 0o644)
	for target, want := range map[string]string{
		wb:                                  "不是 SQLite 数据库文件",
		dir:                                 "是文件夹",
		filepath.Join(dir, "no", "x.db"):    "不存在",
		"":                                  "没有给出数据库",
		"postgres://u:secret@127.0.0.1:1/x": "无法连接数据库 postgres://u:xxxxx@127.0.0.1:1/x",
	} {
		_, err := Open(context.Background(), target)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q) = %v; want %q", target, err, want)
		}
	}
	if b, _ := os.ReadFile(wb); string(b) != "PK\x03\x04 not a database" {
		t.Fatal("the workbook given as --db was written to")
	}
}
