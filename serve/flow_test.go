package serve

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nianbao/nianbao/consolidate"
	"github.com/nianbao/nianbao/internal/pgtest"
	"github.com/nianbao/nianbao/schools"
	"github.com/nianbao/nianbao/validate"
)

// recode is a workbook with one school code put for another in every part
// (the code is text in a cell; nothing else has its ten digits); the other
// parts are copied as they are.
func recode(t testing.TB, data []byte, from, to string) []byte {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		part, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Contains(part, []byte(from)) {
			raw, err := f.OpenRaw()
			if err != nil {
				t.Fatal(err)
			}
			w, err := zw.CreateRaw(&f.FileHeader)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(w, raw)
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(bytes.ReplaceAll(part, []byte(from), []byte(to)))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// TestPostgres runs the tests that matter most for a province's server on
// a real PostgreSQL.
func TestPostgres(t *testing.T) {
	pgtest.URL(t) // skips (or fails under NIANBAO_REAL_CLIENTS=1) without PostgreSQL
	testOnPostgres = true
	defer func() { testOnPostgres = false }()
	t.Run("Explain", TestExplainCountsAndResubmit)
	t.Run("OtherSchool", TestOtherSchoolsTokenIs404)
	t.Run("Region", TestRegionEqualsConsolidate)
	t.Run("Lock", TestLock)
	t.Run("Load", TestConcurrentUploads)
	t.Run("InStore", TestUploadsInStore)
	t.Run("Shared", TestSharedAcrossProcesses)
	t.Run("StoreEarlier", TestStoreEarlier)
	t.Run("OneSchool", TestConcurrentUploadsOneSchool)
	t.Run("WrongYear", TestWrongYearUpload)
}

// TestExplainCountsAndResubmit: a 说明 makes a warning explained (counted,
// kept for the next submission), a corrected file passes and is the one used.
func TestExplainCountsAndResubmit(t *testing.T) {
	e := newEnv(t, 1, nil)
	ctx := context.Background()
	loc := e.submit(0, 0)
	subs, _ := e.store.Submissions(ctx, e.schools[0].Code)
	if len(subs) != 1 || subs[0].Status != validate.StatusPassed {
		t.Fatalf("a clean school: %+v", subs)
	}
	// a warning of the school's own making: find a sample mistake that warns
	warned, w := e.warned(0)
	c := e.client()
	loc = fmt.Sprintf("/s/%s/sub/%d/", e.tokens[e.schools[0].Code], warned.ID)
	_, _, csrf := e.get(c, loc)
	resp, body := e.post(c, loc+"explain", map[string]string{"csrf": csrf, "rule": w.Rule, "sheet": w.Sheet, "cell": w.Cell, "text": "本年度合并了分校区"})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("explain: %d %s", resp.StatusCode, body)
	}
	after, _ := e.store.Submission(ctx, warned.ID)
	if after.Counts.Explained != warned.Counts.Explained+1 {
		t.Errorf("explained %d → %d", warned.Counts.Explained, after.Counts.Explained)
	}
	_, page, _ := e.get(c, loc)
	if !strings.Contains(page, "本年度合并了分校区") || !strings.Contains(page, "已说明") {
		t.Error("the 说明 is not on the page")
	}
	// a 说明 for a finding that is not there is refused
	if resp, _ := e.post(c, loc+"explain", map[string]string{"csrf": csrf, "rule": "nothing", "sheet": w.Sheet, "cell": "ZZ999", "text": "x"}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a 说明 of no warning: %d", resp.StatusCode)
	}
	// the corrected file passes and is used
	e.submit(0, 0)
	subs, _ = e.store.Submissions(ctx, e.schools[0].Code)
	if subs[0].Status != validate.StatusPassed {
		t.Errorf("the corrected file: %s", subs[0].Status)
	}
	_, page, _ = e.get(c, fmt.Sprintf("/s/%s/", e.tokens[e.schools[0].Code]))
	if !strings.Contains(page, "教育局采用这一份") || !strings.Contains(page, `class="pass-box"`) {
		t.Error("the school's page does not show the corrected file as passed and used")
	}
}

func TestLock(t *testing.T) {
	e := newEnv(t, 1, nil)
	ctx := context.Background()
	code := e.schools[0].Code
	e.submit(0, 2)
	subs, _ := e.store.Submissions(ctx, code)
	c := e.client()
	tok := e.tokens[code]
	_, _, scsrf := e.get(c, "/s/"+tok+"/") // the form's token, before the form goes away
	b := e.client()
	e.login(b)
	_, _, csrf := e.get(b, "/bureau/school/"+code+"/")
	if resp, _ := e.post(b, "/bureau/school/"+code+"/lock", map[string]string{"csrf": csrf, "id": fmt.Sprint(subs[0].ID)}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("lock: %d", resp.StatusCode)
	}
	_, page, _ := e.get(c, "/s/"+tok+"/")
	if !strings.Contains(page, "已锁定") {
		t.Error("the school's page does not say it is locked")
	}
	if resp, body := e.upload(c, tok, scsrf, "a.xlsx", e.workbook(0, 0)); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "a.xlsx：本校的报表已由教育局锁定") {
		t.Errorf("upload while locked: %d", resp.StatusCode)
	}
	e.post(b, "/bureau/school/"+code+"/unlock", map[string]string{"csrf": csrf})
	if resp, _ := e.upload(c, tok, scsrf, "a.xlsx", e.workbook(0, 0)); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("upload after re-opening: %d", resp.StatusCode)
	}
	// another school's submission cannot be locked for this one
	if resp, _ := e.post(b, "/bureau/school/0000000000/lock", map[string]string{"csrf": csrf, "id": fmt.Sprint(subs[0].ID)}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("locking a submission for another school: %d", resp.StatusCode)
	}
}

// TestRegionEqualsConsolidate: 汇总.xlsx from the bureau's page is
// consolidate's over the submissions used, byte for byte.
func TestRegionEqualsConsolidate(t *testing.T) {
	e := newEnv(t, 3, nil)
	ctx := context.Background()
	e.submit(0, 3)
	e.submit(0, 0) // corrected: the one used
	e.submit(1, 2)
	// school 2 sends nothing
	b := e.client()
	e.login(b)
	resp, err := b.Get(e.ts.URL + "/bureau/region.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "%E6%B1%87%E6%80%BB.xlsx") {
		t.Fatalf("region: %d %v", resp.StatusCode, resp.Header)
	}
	// the same by consolidate itself
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.MkdirAll(filepath.Join(in, "网上填报"), 0o755)
	var files []string
	var expected []schools.School
	for i, s := range e.schools {
		expected = append(expected, schools.School{Line: i + 2, Name: s.Name, Code: s.Code, Year: "2025-2026", Fields: e.fields(s)})
		subs, _ := e.store.Submissions(ctx, s.Code)
		if len(subs) == 0 {
			continue
		}
		data, _ := e.store.Data(ctx, subs[0].ID)
		f := filepath.Join(in, "网上填报", fmt.Sprintf("%s_%d.xlsx", s.Code, subs[0].ID))
		os.WriteFile(f, data, 0o644)
		files = append(files, f)
	}
	out := filepath.Join(dir, "汇总.xlsx")
	sink, err := consolidate.NewWorkbook(out, e.prog.Spec.Title+" · 汇总", false)
	if err != nil {
		t.Fatal(err)
	}
	pipe := &validate.Pipeline{Program: e.prog, Read: testReader(e.prog), Lang: "zh"}
	sum, err := consolidate.Run(ctx, e.prog, files, consolidate.Options{Pipeline: pipe, Expected: expected, Roots: []string{in}, Workers: 1}, sink)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Schools != 2 || sum.Missing != 1 {
		t.Errorf("consolidate: %d schools, %d missing", sum.Schools, sum.Missing)
	}
	want, _ := os.ReadFile(out)
	if !bytes.Equal(got, want) {
		t.Errorf("汇总.xlsx from the page (%d bytes) differs from consolidate's (%d bytes)", len(got), len(want))
	}
}

// TestConcurrentUploads: 200 uploads at once over loopback, each school's
// own, all stored once and validated, none lost, none duplicated.
func TestConcurrentUploads(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short: 200 uploads")
	}
	const n = 200
	start := time.Now()
	e := newEnv(t, n, func(c *Config) { c.Workers = 2 })
	made := time.Now()
	data := make([][]byte, n)
	for i := range n {
		// school 0's workbooks (a third clean, the others with one or two
		// mistakes), made school i's by its code
		data[i] = recode(t, e.workbook(0, i%3), e.schools[0].Code, e.schools[i].Code)
	}
	t.Logf("%d schools in %s, their workbooks in %s", n, made.Sub(start).Round(time.Millisecond), time.Since(made).Round(time.Millisecond))
	start = time.Now()
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := e.client()
			tok := e.tokens[e.schools[i].Code]
			resp, err := c.Get(e.ts.URL + "/s/" + tok + "/")
			if err != nil {
				t.Error(err)
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			csrf := csrfRE.FindStringSubmatch(string(body))[1]
			mp, ctype := multipartBody(t, csrf, fmt.Sprintf("%d.xlsx", i), data[i])
			req, _ := http.NewRequestWithContext(t.Context(), "POST", e.ts.URL+"/s/"+tok+"/upload", mp)
			req.Header.Set("Content-Type", ctype)
			resp, err = c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	t.Logf("%d concurrent uploads in %s", n, time.Since(start).Round(time.Millisecond))
	subs, err := e.store.Submissions(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != n {
		t.Fatalf("%d submissions stored, want %d", len(subs), n)
	}
	byCode := map[string]*Submission{}
	for _, s := range subs {
		if byCode[s.School] != nil {
			t.Errorf("school %s stored twice", s.School)
		}
		byCode[s.School] = s
	}
	for i, s := range e.schools {
		if codes[i] != http.StatusSeeOther {
			t.Errorf("upload %d: %d", i, codes[i])
		}
		sub := byCode[s.Code]
		if sub == nil {
			t.Errorf("school %s: nothing stored", s.Code)
			continue
		}
		sum := sha256.Sum256(data[i])
		if sub.Hash != hex.EncodeToString(sum[:]) || sub.Size != int64(len(data[i])) {
			t.Errorf("school %s: stored bytes are not the upload", s.Code)
		}
		if clean := i%3 == 0; clean != (sub.Status == validate.StatusPassed) {
			t.Errorf("school %s (mistakes: %d): %s", s.Code, i%3, sub.Status)
		}
	}
}

// TestRegionFiles: the same tables as CSV and JSON files in a .zip.
func TestRegionFiles(t *testing.T) {
	e := newEnv(t, 2, nil)
	e.submit(0, 0)
	b := e.client()
	e.login(b)
	for _, format := range []string{"csv", "json"} {
		resp, err := b.Get(e.ts.URL + "/bureau/region-" + format + ".zip")
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if resp.StatusCode != 200 || err != nil {
			t.Fatalf("%s: %d %v", format, resp.StatusCode, err)
		}
		names := map[string]bool{}
		for _, f := range zr.File {
			names[f.Name] = true
		}
		for _, want := range []string{"汇总_" + format + "/汇总." + format, "汇总_" + format + "/提交情况." + format} {
			if !names[want] {
				t.Errorf("%s: no %s in %v", format, want, names)
			}
		}
	}
	// and only for the bureau
	if code, _, _ := e.get(e.client(), "/bureau/region-csv.zip"); code != http.StatusSeeOther {
		t.Errorf("without a login: %d", code)
	}
}
