package serve

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/consolidate"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/schools"
	"github.com/nianbao/nianbao/sheets/intake"
	"github.com/nianbao/nianbao/store"
	"github.com/nianbao/nianbao/validate"
	"github.com/shopspring/decimal"
)

// decisions are the store's submissions of a school's year: file → decision.
func (e *env) decisions(code, year string) map[string]string {
	e.t.Helper()
	rows, err := e.db.Query(e.store.q(`SELECT "文件", "采用情况" FROM v_submissions WHERE "学校标识码" = ? AND "学年" = ?`), code, year)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var f, d string
		if err := rows.Scan(&f, &d); err != nil {
			e.t.Fatal(err)
		}
		out[f] = d
	}
	return out
}

// accepted is the file of the school's one accepted submission of the year
// (failing when there is not exactly one).
func (e *env) accepted(code, year string) string {
	e.t.Helper()
	var got []string
	for f, d := range e.decisions(code, year) {
		if d == store.DecisionAccepted {
			got = append(got, f)
		}
	}
	if len(got) != 1 {
		e.t.Fatalf("school %s, %s: accepted %v, want one (%v)", code, year, got, e.decisions(code, year))
	}
	return got[0]
}

// inputSum is what v_values holds of a school's typed numbers: how many
// and their sum.
func (e *env) inputSum(code string) (int, float64) {
	e.t.Helper()
	var n int
	var sum string
	if err := e.db.QueryRow(e.store.q(`SELECT COUNT(*), CAST(COALESCE(SUM("值"), 0) AS TEXT) FROM v_values
		WHERE "学校标识码" = ? AND "填报值" = 1 AND "值" IS NOT NULL`), code).Scan(&n, &sum); err != nil {
		e.t.Fatal(err)
	}
	f, err := strconv.ParseFloat(sum, 64)
	if err != nil {
		e.t.Fatal(err)
	}
	return n, f
}

// bookSum is the same of a generated school's data: how many typed numbers
// and their sum.
func bookSum(b *report.Book) (int, float64) {
	n, sum := 0, decimal.Zero
	add := func(v report.Value) {
		if v.Kind == report.Number {
			n++
			sum = sum.Add(v.Num)
		}
	}
	for _, sh := range b.Sheets {
		for _, v := range sh.Values {
			add(v)
		}
		for _, row := range sh.Rows {
			for _, v := range row {
				add(v)
			}
		}
	}
	f, _ := sum.Float64()
	return n, f
}

func near(a, b float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= 1e-6*(1+max(a, -a, b, -b))
}

// TestUploadsInStore: every upload through serve is a submission of the
// store in its transaction; the one serve uses is the store's accepted one
// (after resubmission, lock and re-opening), so v_values holds exactly its
// values, last year's figures (store.Prior) are the web upload's, the
// store alone consolidates to serve's 汇总.xlsx, and a later consolidate
// --db run over files leaves the superseded uploads out.
func TestUploadsInStore(t *testing.T) {
	e := newEnv(t, 3, nil)
	ctx := context.Background()
	year := sample.SchoolYear
	s0, s1 := e.schools[0], e.schools[1]
	e.submit(0, 3)
	first, _ := e.store.Submissions(ctx, s0.Code)
	e.submit(0, 0) // corrected: the one used
	e.submit(1, 2)
	subs, _ := e.store.Submissions(ctx, s0.Code)
	if len(subs) != 2 {
		t.Fatalf("%d uploads", len(subs))
	}
	newest, older := webFile(s0.Code, subs[0].ID, ".xlsx"), webFile(s0.Code, first[0].ID, ".xlsx")
	if d := e.decisions(s0.Code, year); len(d) != 2 || d[newest] != store.DecisionAccepted || d[older] != store.DecisionSuperseded {
		t.Fatalf("the store's submissions of school 0: %v", d)
	}
	// (a) v_values: the used upload's typed numbers, once
	wantN, wantSum := bookSum(s0.Book)
	t.Logf("school 0's upload: %d typed numbers, sum %v", wantN, wantSum)
	if n, sum := e.inputSum(s0.Code); n != wantN || !near(sum, wantSum) {
		t.Errorf("v_values of school 0: %d numbers summing to %v; its upload holds %d summing to %v", n, sum, wantN, wantSum)
	}
	var why string
	e.db.QueryRow(e.store.q(`SELECT "原因" FROM v_submissions WHERE "文件" = ?`), older).Scan(&why)
	if !strings.Contains(why, newest) {
		t.Errorf("why the first upload is superseded: %q", why)
	}

	// lock the first (with mistakes): it is accepted, v_values holds it
	b := e.client()
	e.login(b)
	_, _, csrf := e.get(b, "/bureau/school/"+s0.Code+"/")
	if resp, _ := e.post(b, "/bureau/school/"+s0.Code+"/lock", map[string]string{"csrf": csrf, "id": fmt.Sprint(first[0].ID)}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("lock: %d", resp.StatusCode)
	}
	if got := e.accepted(s0.Code, year); got != older {
		t.Errorf("locked on %s, the store accepts %s", older, got)
	}
	var lockedWB int64
	e.db.QueryRow(e.store.q(`SELECT workbook_id FROM submissions WHERE file = ?`), older).Scan(&lockedWB)
	var inValues int
	e.db.QueryRow(e.store.q(`SELECT COUNT(DISTINCT "文件") FROM v_values WHERE "学校标识码" = ?`), s0.Code).Scan(&inValues)
	if inValues != 1 {
		t.Errorf("v_values holds %d files of school 0", inValues)
	}
	e.post(b, "/bureau/school/"+s0.Code+"/unlock", map[string]string{"csrf": csrf})
	if got := e.accepted(s0.Code, year); got != newest {
		t.Errorf("re-opened, the store accepts %s, not the newest %s", got, newest)
	}
	if n, sum := e.inputSum(s0.Code); n != wantN || !near(sum, wantSum) {
		t.Errorf("v_values of school 0 after re-opening: %d, %v", n, sum)
	}

	// (b) next year's figures of last year are the web upload's
	prior, id, err := e.store.st.Prior(ctx, e.prog.Spec.ID, s0.Code, "2026-2027")
	if err != nil || prior == nil {
		t.Fatalf("Prior: %v %v", prior, err)
	}
	if prior.Year != year || prior.File != newest || id == 0 || id == lockedWB {
		t.Errorf("Prior: year %s, file %s, workbook %d", prior.Year, prior.File, id)
	}
	checked := 0
	for a, v := range prior.Values {
		want := s0.Book.Get(a.Sheet, report.Key{Field: a.Field, Col: "cur"})
		if want.String() == "" {
			continue
		}
		if v.String() != want.String() && !(v.Kind == report.Number && want.Kind == report.Number && v.Num.Equal(want.Num)) {
			t.Errorf("Prior %s: %q, the upload's %q", a, v.String(), want.String())
		}
		checked++
	}
	if checked < 20 {
		t.Errorf("Prior holds %d of the upload's 本学年 values", checked)
	}

	// a 说明 of school 1's warning: the store's workbook follows
	warned, w := e.warned(1)
	c := e.client()
	loc := fmt.Sprintf("/s/%s/sub/%d/", e.tokens[s1.Code], warned.ID)
	_, _, scsrf := e.get(c, loc)
	if resp, body := e.post(c, loc+"explain", map[string]string{"csrf": scsrf, "rule": w.Rule, "sheet": w.Sheet, "cell": w.Cell, "text": "本年度合并了分校区"}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("explain: %d %s", resp.StatusCode, body)
	}
	var explained int
	var text string
	e.db.QueryRow(e.store.q(`SELECT w.explained, f.explanation FROM submissions s JOIN workbooks w ON w.id = s.workbook_id
		JOIN findings f ON f.workbook_id = w.id WHERE s.file = ? AND f.rule = ? AND f.cell = ?`), webFile(s1.Code, warned.ID, ".xlsx"), w.Rule, w.Cell).Scan(&explained, &text)
	if explained != warned.Counts.Explained+1 || text != "本年度合并了分校区" {
		t.Errorf("the store after a 说明: %d explained (serve had %d before), explanation %q", explained, warned.Counts.Explained, text)
	}

	// (c) the store alone consolidates to serve's 汇总.xlsx
	resp, err := b.Get(e.ts.URL + "/bureau/region.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	fromServe, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var expected []schools.School
	for i, s := range e.schools {
		expected = append(expected, schools.School{Line: i + 2, Name: s.Name, Code: s.Code, Year: year, Fields: e.fields(s)})
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "汇总.xlsx")
	sink, err := consolidate.NewWorkbook(out, e.prog.Spec.Title+" · 汇总", false)
	if err != nil {
		t.Fatal(err)
	}
	hash := func(path string) (string, int64, error) { return intake.Hash(path, intake.Limits{}) }
	pipe := &validate.Pipeline{Program: e.prog, Read: testReader(e.prog), Lang: "zh"}
	sum, err := consolidate.Run(ctx, e.prog, nil, consolidate.Options{Pipeline: pipe, Expected: expected, Store: e.store.st, Hash: hash, Workers: 1}, sink)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Schools != 2 || sum.Missing != 1 || sum.Duplicates != 0 || len(sum.Submissions) != 2 {
		t.Errorf("consolidate --db: %d schools, %d missing, %d duplicates, %d files", sum.Schools, sum.Missing, sum.Duplicates, len(sum.Submissions))
	}
	fromStore, _ := os.ReadFile(out)
	if !bytes.Equal(fromServe, fromStore) {
		t.Errorf("汇总.xlsx from the store alone (%d bytes) differs from serve's (%d bytes)", len(fromStore), len(fromServe))
	}

	// a later consolidate --db over files: school 2's workbook (sent by
	// mail) and school 1's too; school 0's superseded upload stays out
	in := filepath.Join(dir, "收到的文件")
	os.Mkdir(in, 0o755)
	var mailed []string
	for _, i := range []int{1, 2} {
		f := filepath.Join(in, fmt.Sprintf("学校%d.xlsx", i))
		os.WriteFile(f, e.workbook(i, 0), 0o644)
		mailed = append(mailed, f)
	}
	sink, err = consolidate.NewWorkbook(filepath.Join(dir, "汇总2.xlsx"), "汇总", false)
	if err != nil {
		t.Fatal(err)
	}
	sum, err = consolidate.Run(ctx, e.prog, mailed, consolidate.Options{Pipeline: pipe, Expected: expected, Store: e.store.st, Hash: hash, Workers: 1, Roots: []string{in}}, sink)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, s := range sum.Submissions {
		files = append(files, s.File+"="+s.Status)
		if s.File == older {
			t.Errorf("the superseded upload %s is in the run: %s %s", older, s.Status, s.Error)
		}
	}
	if sum.Schools != 3 || sum.Missing != 0 || sum.Duplicates != 1 || len(sum.Submissions) != 4 {
		t.Errorf("consolidate --db over files: %d schools, %d missing, %d duplicates; %v", sum.Schools, sum.Missing, sum.Duplicates, files)
	}
	for _, s := range e.schools {
		e.accepted(s.Code, year)
	}
	if d := e.decisions(s0.Code, year); d[older] != store.DecisionSuperseded || d[newest] != store.DecisionAccepted {
		t.Errorf("school 0 after the run over files: %v", d)
	}
	// serve's next upload of school 1 is used again: the file it beat
	// becomes a duplicate
	e.submit(1, 0)
	latest, _ := e.store.Submissions(ctx, s1.Code)
	if got := e.accepted(s1.Code, year); got != webFile(s1.Code, latest[0].ID, ".xlsx") {
		t.Errorf("school 1 uploads again: the store accepts %s", got)
	}
	if d := e.decisions(s1.Code, year); d["学校1.xlsx"] != store.DecisionDuplicate {
		t.Errorf("school 1's file after its new upload: %v", d)
	}
}

// TestStoreEarlier: uploads stored before serve wrote them into the store
// go in at the next start, the one used accepted.
func TestStoreEarlier(t *testing.T) {
	e := newEnv(t, 2, nil)
	ctx := context.Background()
	year := sample.SchoolYear
	e.submit(0, 2)
	e.submit(0, 0)
	e.submit(1, 1)
	// as a database of before migration 00003 holds them
	for _, q := range []string{`UPDATE serve_submissions SET store_submission = NULL`, `DELETE FROM submissions`,
		`DELETE FROM cell_values`, `DELETE FROM findings`, `DELETE FROM workbooks`} {
		if _, err := e.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	n, err := e.srv.StoreEarlier(ctx)
	if err != nil || n != 3 {
		t.Fatalf("StoreEarlier: %d, %v", n, err)
	}
	subs, _ := e.store.Submissions(ctx, e.schools[0].Code)
	if got := e.accepted(e.schools[0].Code, year); got != webFile(e.schools[0].Code, subs[0].ID, ".xlsx") {
		t.Errorf("school 0's newest upload is used; the store accepts %s", got)
	}
	e.accepted(e.schools[1].Code, year)
	wantN, wantSum := bookSum(e.schools[0].Book)
	if n, sum := e.inputSum(e.schools[0].Code); n != wantN || !near(sum, wantSum) {
		t.Errorf("v_values of school 0: %d numbers summing to %v; its upload holds %d summing to %v", n, sum, wantN, wantSum)
	}
	if n, err := e.srv.StoreEarlier(ctx); err != nil || n != 0 {
		t.Errorf("StoreEarlier again: %d, %v", n, err)
	}
}

// TestConcurrentUploadsOneSchool: uploads of one school at once leave the
// store one accepted upload, the newest, the others superseded.
func TestConcurrentUploadsOneSchool(t *testing.T) {
	const n = 8
	e := newEnv(t, 1, nil)
	code, tok := e.schools[0].Code, e.tokens[e.schools[0].Code]
	c := e.client()
	_, _, csrf := e.get(c, "/s/"+tok+"/")
	data := e.workbook(0, 0)
	done := make(chan int, n)
	for range n {
		go func() {
			body, ctype := multipartBody(t, csrf, "a.xlsx", data)
			resp, err := c.Post(e.ts.URL+"/s/"+tok+"/upload", ctype, body)
			if err != nil {
				done <- 0
				return
			}
			resp.Body.Close()
			done <- resp.StatusCode
		}()
	}
	for range n {
		if code := <-done; code != http.StatusSeeOther {
			t.Errorf("an upload: %d", code)
		}
	}
	subs, _ := e.store.Submissions(context.Background(), code)
	if len(subs) != n {
		t.Fatalf("%d uploads stored of %d", len(subs), n)
	}
	if got := e.accepted(code, sample.SchoolYear); got != webFile(code, subs[0].ID, ".xlsx") {
		t.Errorf("the store accepts %s, not the newest", got)
	}
	superseded := 0
	for _, d := range e.decisions(code, sample.SchoolYear) {
		if d == store.DecisionSuperseded {
			superseded++
		}
	}
	if superseded != n-1 {
		t.Errorf("%d superseded of %d", superseded, n-1)
	}
}

// TestWrongYearUpload: with the 学年 collected set, an upload of another
// year is superseded in the store (the school's right one accepted) and
// cannot be locked.
func TestWrongYearUpload(t *testing.T) {
	e := newEnv(t, 1, func(c *Config) { c.Year = sample.SchoolYear })
	ctx := context.Background()
	code := e.schools[0].Code
	e.submit(0, 0)
	right, _ := e.store.Submissions(ctx, code)
	// the same school's workbook of the year before
	data := recode(t, e.workbook(0, 0), sample.SchoolYear, "2024-2025")
	c := e.client()
	tok := e.tokens[code]
	_, _, csrf := e.get(c, "/s/"+tok+"/")
	if resp, body := e.upload(c, tok, csrf, "去年.xlsx", data); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	subs, _ := e.store.Submissions(ctx, code)
	if len(subs) != 2 || subs[0].Year != "2024-2025" {
		t.Fatalf("uploads: %+v", subs)
	}
	wrong := webFile(code, subs[0].ID, ".xlsx")
	if got := e.accepted(code, sample.SchoolYear); got != webFile(code, right[0].ID, ".xlsx") {
		t.Errorf("the store accepts %s, not the upload of %s", got, sample.SchoolYear)
	}
	var decision, why string
	e.db.QueryRow(e.store.q(`SELECT "采用情况", "原因" FROM v_submissions WHERE "文件" = ?`), wrong).Scan(&decision, &why)
	if decision != store.DecisionSuperseded || !strings.Contains(why, "2024-2025") {
		t.Errorf("the upload of 2024-2025: %s %q", decision, why)
	}
	b := e.client()
	e.login(b)
	_, _, bcsrf := e.get(b, "/bureau/school/"+code+"/")
	if resp, body := e.post(b, "/bureau/school/"+code+"/lock", map[string]string{"csrf": bcsrf, "id": fmt.Sprint(subs[0].ID)}); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "不能锁定") {
		t.Errorf("locking the upload of another year: %d", resp.StatusCode)
	}
}
