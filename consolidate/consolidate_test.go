package consolidate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/internal/realclients"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/schools"
	"github.com/nianbao/nianbao/sheets/intake"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/spec"
	"github.com/nianbao/nianbao/templates"
	"github.com/nianbao/nianbao/validate"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

func program(t testing.TB) *formula.Program {
	t.Helper()
	p, err := templates.Default("zh")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// corpus writes n generated schools of a seed into dir and returns them.
func corpus(t testing.TB, p *formula.Program, dir string, seed uint64, n int) []*sample.School {
	t.Helper()
	var out []*sample.School
	for i := 0; i < n; i++ {
		s, err := sample.Generate(p, seed, i)
		if err != nil {
			t.Fatal(err)
		}
		writeSchool(t, p, s, filepath.Join(dir, sample.FileName(s)), nil)
		out = append(out, s)
	}
	return out
}

func writeSchool(t testing.TB, p *formula.Program, s *sample.School, path string, raw []workbook.RawCell) {
	t.Helper()
	var buf bytes.Buffer
	if err := workbook.WriteFilled(p, s.Book, &buf, workbook.FillOptions{Raw: raw}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func files(t testing.TB, dir string) []string {
	names, err := filepath.Glob(filepath.Join(dir, "*.xlsx"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no workbooks in %s", dir)
	}
	return names
}

// pipeline is the per-file step as the commands wire it: the workbook
// reader and the annotated-copy writer.
func pipeline(p *formula.Program) *validate.Pipeline {
	rd := reader.New(p)
	return &validate.Pipeline{Program: p, Annotate: workbook.WriteAnnotated,
		Read: func(ctx context.Context, path string) (*report.Report, []byte, error) {
			r, data, err := rd.ReadFile(ctx, path, reader.FileOptions{})
			if err != nil {
				return nil, nil, errors.New(intake.LocalMessage(err, "zh"))
			}
			return r, data, nil
		},
		Release: intake.Release} // as the command's
}

func run(t testing.TB, p *formula.Program, in []string, opt Options, out string) *Summary {
	t.Helper()
	if opt.Pipeline == nil {
		opt.Pipeline = pipeline(p)
	}
	sink, err := NewWorkbook(out, "汇总", true)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), p, in, opt, sink)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func rows(t testing.TB, path, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rs, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// Every cell of 汇总 for 500 schools equals an independent recomputation from
// the generated data: inputs summed (or averaged with their weights) here in
// plain decimal loops, rates and 生均 then computed from those sums.
func TestRegionTotals(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	n := 500
	if testing.Short() {
		n = 60
	}
	schoolsList := corpus(t, p, dir, 31, n)
	out := filepath.Join(t.TempDir(), "汇总.xlsx")
	sum := run(t, p, files(t, dir), Options{}, out)
	if sum.Schools != n || sum.Passed != n {
		t.Fatalf("%d schools consolidated, %d passed, want %d", sum.Schools, sum.Passed, n)
	}

	// the independent region
	want := report.New()
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		if sh.Kind != spec.KindIndicator {
			continue
		}
		for _, f := range sh.Rows {
			if !f.Input() {
				continue
			}
			for _, col := range []string{spec.ColPrev, spec.ColCur} {
				var sum, wsum, w decimal.Decimal
				for _, s := range schoolsList {
					v := s.Book.Get(sh.Key, report.Key{Field: f.Key, Col: col})
					if f.Weight == nil {
						sum = sum.Add(v.Num)
						continue
					}
					ref := p.Expr(f.Weight).Refs[0]
					wt := s.Book.Get(ref.Sheet, report.Key{Field: ref.Field, Col: col})
					wsum, w = wsum.Add(wt.Num.Mul(v.Num)), w.Add(wt.Num)
				}
				if f.Weight != nil {
					sum = wsum.DivRound(w, 20).Round(int32(f.Places()))
				}
				want.Set(sh.Key, report.Key{Field: f.Key, Col: col}, report.Num(sum))
			}
		}
	}
	derived := p.Compute(want)
	// a few rates by hand, so that the computation itself is checked too
	enrolled := want.Get("students", report.Key{Field: "enrolled", Col: "cur"}).Num
	employed := want.Get("destinations", report.Key{Field: "employed", Col: "cur"}).Num
	graduates := want.Get("destinations", report.Key{Field: "graduates", Col: "cur"}).Num
	fulltime := want.Get("teachers", report.Key{Field: "fulltime", Col: "cur"}).Num
	byHand := map[string]decimal.Decimal{
		"destinations.employment_rate.cur": employed.Mul(decimal.NewFromInt(100)).DivRound(graduates, 2),
		"teachers.ratio.cur":               enrolled.DivRound(fulltime, 1),
		"finance.per_fiscal.cur":           want.Get("finance", report.Key{Field: "fiscal", Col: "cur"}).Num.DivRound(enrolled, 2),
	}

	got := rows(t, out, SheetRegion)
	if fmt.Sprint(got[0]) != "[指标 单位 上学年 本学年 增减 增减(%) 填报学校数 说明]" {
		t.Fatalf("汇总 header %v", got[0])
	}
	checked, handChecked := 0, 0
	r := 1
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		if sh.Kind != spec.KindIndicator {
			continue
		}
		if !strings.HasPrefix(got[r][0], sh.Title) {
			t.Fatalf("row %d: %q, want the title of %s", r+1, got[r][0], sh.Key)
		}
		r++
		for _, f := range sh.Rows {
			row := got[r]
			if row[0] != f.Label {
				t.Fatalf("row %d: %q, want %s", r+1, row[0], f.Label)
			}
			cell := func(c int) string {
				if c < len(row) {
					return row[c]
				}
				return ""
			}
			var years [2]report.Value
			for c, col := range []string{spec.ColPrev, spec.ColCur} {
				k := report.Key{Field: f.Key, Col: col}
				w := want.Get(sh.Key, k)
				if !f.Input() {
					w = derived.Get(sh.Key, k)
				}
				years[c] = w
				cell := cell(2 + c)
				if w.IsEmpty() != (cell == "") || (cell != "" && !decimal.RequireFromString(cell).Equal(w.Num)) {
					t.Errorf("汇总 %s %s: %q, want %s", f.Label, col, cell, w)
				}
				if h, ok := byHand[sh.Key+"."+f.Key+"."+col]; ok {
					handChecked++
					if !h.Equal(decimal.RequireFromString(cell)) {
						t.Errorf("%s.%s.%s: %s, by hand %s", sh.Key, f.Key, col, cell, h)
					}
				}
				checked++
			}
			// 增减 and 增减(%): exact, the percentage rounded to 2 decimals
			// and empty when 上学年 is 0 or empty
			var change, pct string
			if !years[0].IsEmpty() && !years[1].IsEmpty() {
				d := years[1].Num.Sub(years[0].Num)
				change = d.String()
				if !years[0].Num.IsZero() {
					pct = d.Mul(decimal.NewFromInt(100)).DivRound(years[0].Num, 2).String()
				}
			}
			if cell(4) != change || cell(5) != pct {
				t.Errorf("汇总 %s: 增减 %q 增减(%%) %q, want %q %q", f.Label, cell(4), cell(5), change, pct)
			}
			if f.Input() && f.Numeric() && cell(6) != fmt.Sprint(n) {
				t.Errorf("汇总 %s: 填报学校数 %q, want %d", f.Label, cell(6), n)
			}
			checked += 2
			r++
		}
		r++ // the blank line
	}
	if checked < 300 || handChecked != len(byHand) {
		t.Errorf("only %d cells checked (%d by hand)", checked, handChecked)
	}

	// 学校指标: the total row is the region's figures
	ind := rows(t, out, SheetIndicators)
	if len(ind) != n+2 || !strings.HasPrefix(ind[n+1][1], "合计") {
		t.Fatalf("学校指标 has %d rows", len(ind))
	}
	if ind[n+1][2] != enrolled.String() {
		t.Errorf("学校指标 total 在校生 %s, want %s", ind[n+1][2], enrolled)
	}
}

// The same files in another order, read by another number of workers, give
// the same bytes.
func TestDeterministic(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 5, 12)
	in := files(t, dir)
	a := filepath.Join(t.TempDir(), "a.xlsx")
	b := filepath.Join(t.TempDir(), "b.xlsx")
	run(t, p, in, Options{Workers: 1}, a)
	shuffled := slices.Clone(in)
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	run(t, p, shuffled, Options{Workers: 3}, b)
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	if len(x) == 0 || !bytes.Equal(x, y) {
		t.Error("shuffled input gave different bytes")
	}
}

// A corrupt file, an encrypted one, a second version of a school, a file of
// another school year and a missing school are all reported; the rest is
// consolidated, nothing counted twice.
func TestBadFilesAndDuplicates(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	list := corpus(t, p, dir, 8, 10)
	clean := filepath.Join(t.TempDir(), "clean.xlsx")
	run(t, p, files(t, dir), Options{}, clean)

	// a newer version of school 3 (more students, a later 填报日期)
	s3 := list[3]
	newer := filepath.Join(dir, "第二版_"+sample.FileName(s3))
	s3.Book.Set("basic", report.Key{Field: "fill_date"}, report.Str("2026-12-01"))
	writeSchool(t, p, s3, newer, nil)
	// the older one says it is older
	old := filepath.Join(dir, sample.FileName(s3))
	if err := os.WriteFile(filepath.Join(dir, "坏.xlsx"), []byte("PK\x03\x04 truncated"), 0o644); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(old)
	enc, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.SaveAs(filepath.Join(dir, "加密.xlsx"), excelize.Options{Password: "mima"}); err != nil {
		t.Fatal(err)
	}
	enc.Close()
	other, err := sample.Generate(p, 8, 50)
	if err != nil {
		t.Fatal(err)
	}
	other.Book.Set("basic", report.Key{Field: "school_year"}, report.Str("2024-2025"))
	writeSchool(t, p, other, filepath.Join(dir, "去年.xlsx"), nil)

	expected := []schools.School{{Name: "未交学校", Code: "4199999999"}, {Name: list[0].Name, Code: list[0].Code}}
	out := filepath.Join(t.TempDir(), "汇总.xlsx")
	sum := run(t, p, files(t, dir), Options{Expected: expected}, out)
	if sum.Schools != 10 || sum.Unreadable != 2 || sum.Duplicates != 1 || sum.WrongYear != 1 || sum.Missing != 1 {
		t.Errorf("summary %+v", *sum)
	}
	status := rows(t, out, SheetStatus)
	text := fmt.Sprint(status)
	for _, want := range []string{"坏.xlsx", "加密.xlsx", "文件已加密", "重复（未采用）", "学年不符", "未提交", "4199999999"} {
		if !strings.Contains(text, want) {
			t.Errorf("提交情况 does not say %q:\n%s", want, text)
		}
	}
	// every file's status is a key of the validate pipeline, written in words
	for _, sub := range sum.Submissions {
		word := validate.StatusText(sub.Status, "zh")
		if word == sub.Status {
			t.Errorf("%s: status %q is not one of validate's keys", sub.File, sub.Status)
		}
		found := false
		for _, r := range status {
			found = found || len(r) > 4 && r[2] == sub.File && r[4] == word
		}
		if !found {
			t.Errorf("%s: 提交情况 does not say %q", sub.File, word)
		}
	}
	// the list column and whom to ask, from the fields with a contact role
	for _, r := range status {
		for len(r) < 15 {
			r = append(r, "")
		}
		switch r[0] {
		case "4199999999":
			if r[5] != "未提交" {
				t.Errorf("a listed school that sent nothing: %v", r)
			}
		case list[0].Code:
			basic := func(k string) string { return list[0].Book.Get("basic", report.Key{Field: k}).String() }
			if r[5] != "" || r[10] != basic("filler") || r[11] != basic("phone") || r[12] != basic("email") || r[13] != basic("fill_date") || r[10] == "" {
				t.Errorf("listed school %s: %v", list[0].Code, r)
			}
		case list[1].Code:
			if r[5] != "不在名单中" {
				t.Errorf("a school not on the list is not marked: %v", r)
			}
		}
	}
	var dupRow []string
	for _, r := range status {
		if len(r) > 4 && r[4] == validate.StatusText(validate.StatusDuplicate, "zh") {
			dupRow = r
		}
	}
	if dupRow == nil || dupRow[2] != old || !strings.Contains(dupRow[len(dupRow)-1], newer) {
		t.Errorf("the older version should be the one not used: %v", dupRow)
	}
	// --prefer: the named file wins over the newer one
	preferred := run(t, p, files(t, dir), Options{Prefer: []string{old}}, filepath.Join(t.TempDir(), "p.xlsx"))
	for _, s := range preferred.Submissions {
		if (s.File == newer) != (s.Status == validate.StatusDuplicate) {
			t.Errorf("with --prefer %s: %s is %s", old, s.File, s.Status)
		}
	}
	// --year: only last year's file is consolidated, the others are refused by year
	lastYear := run(t, p, files(t, dir), Options{Year: "2024-2025"}, filepath.Join(t.TempDir(), "y.xlsx"))
	if lastYear.Schools != 1 || lastYear.WrongYear != 11 || lastYear.Year != "2024-2025" {
		t.Errorf("with --year 2024-2025: %+v", *lastYear)
	}

	// totals: the same as the ten clean files (school 3 counted once)
	a, b := rows(t, clean, SheetRegion), rows(t, out, SheetRegion)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("汇总 changed when bad files and a duplicate were added")
	}
}

// Plain files for analysts: the same tables as CSV and JSON.
func TestCSVAndJSON(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 9, 4)
	for _, format := range []string{"csv", "json"} {
		out := filepath.Join(t.TempDir(), format)
		sink, err := NewFiles(out, format, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Run(context.Background(), p, files(t, dir), Options{Pipeline: pipeline(p)}, sink); err != nil {
			t.Fatal(err)
		}
		names, _ := filepath.Glob(filepath.Join(out, "*."+format))
		// 汇总, 报告摘要, 图表, 学校指标, 提交情况, 审核结果, 学校数据, and per
		// list its details and its pivots
		want := 7 + len(indicatorSheets(p.Spec)) // and each indicator table school by school
		for _, sh := range listSheets(p.Spec) {
			want += 1 + len(pivotsOf(sh))
		}
		if len(names) != want {
			t.Errorf("%s: %d files", format, len(names))
		}
		data, err := os.ReadFile(filepath.Join(out, SheetIndicators+"."+format))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "合计（4 所学校）") {
			t.Errorf("%s 学校指标 has no total row:\n%s", format, data)
		}
		if data, err := os.ReadFile(filepath.Join(out, SheetDigest+"."+format)); err != nil || !strings.Contains(string(data), "全区 4 所中职学校") {
			t.Errorf("%s 报告摘要: %v\n%s", format, err, data)
		}
		if leftovers, _ := filepath.Glob(filepath.Join(out, ".*")); len(leftovers) > 0 {
			t.Errorf("temporary files left: %v", leftovers)
		}
	}
}

// LibreOffice opens the consolidated workbook; openpyxl reads every sheet,
// also in read-only mode.
func TestRealClientsOpenConsolidated(t *testing.T) {
	realclients.Python(t)
	realclients.Soffice(t)
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 10, 6)
	out := filepath.Join(t.TempDir(), "汇总.xlsx")
	run(t, p, files(t, dir), Options{}, out)
	got := string(realclients.RunPython(t, "testdata/read_all.py", out))
	for _, sheet := range []string{SheetRegion, SheetIndicators, SheetStatus, SheetFindings, "专业结构明细"} {
		if !strings.Contains(got, sheet+" ") {
			t.Errorf("openpyxl did not read %s:\n%s", sheet, got)
		}
	}
	if strings.Contains(got, " 0 rows") {
		t.Errorf("a sheet looks empty to openpyxl:\n%s", got)
	}
	saved := realclients.Convert(t, out, filepath.Join(t.TempDir(), "lo"))
	if a, b := rows(t, out, SheetRegion), rows(t, saved, SheetRegion); len(a) != len(b) || a[2][3] != b[2][3] {
		t.Errorf("LibreOffice saved a different 汇总: %v vs %v", a[2], b[2])
	}
}

// openpyxl sees what printing needs on every sheet (print titles, A4 one
// page wide, a footer, frozen header) and a number format on every numeric
// cell of 汇总 and 学校指标.
func TestRealClientsFormatsAndPrint(t *testing.T) {
	realclients.Python(t)
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 12, 5)
	out := filepath.Join(t.TempDir(), "汇总.xlsx")
	run(t, p, files(t, dir), Options{By: []string{"所在地区"}}, out)
	got := string(realclients.RunPython(t, "testdata/print_setup.py", out, SheetRegion, SheetIndicators, SheetGroups, SheetSchoolData))
	if strings.Contains(got, "PROBLEM") || !strings.Contains(got, "checked ") || strings.Contains(got, "checked 0 cells") {
		t.Errorf("openpyxl:\n%s", got)
	}
}
