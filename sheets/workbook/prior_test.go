package workbook

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/internal/realclients"
	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// testPrior is a school's last year: the 本学年 of every input row of random
// inputs, plus values whose text matters (a trailing zero, more decimals
// than the row shows).
func testPrior(t *testing.T, p *formula.Program) *report.PriorYear {
	t.Helper()
	book := testkit.RandomInputs(p, 4)
	prior := &report.PriorYear{Year: "2024-2025", File: "某校2024.xlsx", Values: map[report.Addr]report.Value{}}
	for _, sh := range p.Spec.Sheets {
		for _, f := range sh.YearRows() {
			if !f.Input() {
				continue
			}
			v := book.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColCur})
			if v.IsEmpty() && sh.Kind == spec.KindIndicator {
				continue
			}
			if v.IsEmpty() { // the rows below a list: random inputs leave them out
				v = report.Int(7)
				if f.Type == spec.TypeDecimal || f.Type == spec.TypePercent {
					v = report.Num(decimal.RequireFromString("12.5"))
				}
			}
			prior.Values[report.ColAddr(sh.Key, f.Key, spec.ColCur)] = v
		}
	}
	prior.Values[report.ColAddr("assets", "equipment_value", spec.ColCur)] = report.Num(decimal.RequireFromString("197.40"))
	prior.Values[report.ColAddr("assets", "land_area", spec.ColCur)] = report.Num(decimal.RequireFromString("12345.678"))
	prior.Values[report.ColAddr("students", "retention", spec.ColCur)] = report.Num(decimal.RequireFromString("96.35"))
	prior.Values[report.ColAddr("students", "enrolled", spec.ColCur)] = report.Int(2301)
	delete(prior.Values, report.ColAddr("students", "dropouts", spec.ColCur)) // not reported last year
	return prior
}

func priorTemplate(t *testing.T, p *formula.Program, prior *report.PriorYear) []byte {
	t.Helper()
	var buf bytes.Buffer
	opt := TemplateOptions{Prior: prior, Prefill: map[string]string{"school_name": "某市职业中专", "school_code": "4141010001", "school_year": "2025-2026"}}
	if err := WriteTemplate(p, &buf, opt); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A prefilled template reads back with 上学年 equal to last year's 本学年,
// exactly, and nothing else filled but the school's identity; each
// prefilled cell is light lavender, unlocked and noted; 填报说明 says from
// which year and file.
func TestPriorPrefill(t *testing.T) {
	p := testkit.DefaultProgram(t)
	prior := testPrior(t, p)
	data := priorTemplate(t, p, prior)
	r, err := reader.ReadBytes(p, "某市职业中专.xlsx", data, reader.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkPriorRead(t, p, prior, r)
	for k, want := range map[string]string{"school_name": "某市职业中专", "school_code": "4141010001", "school_year": "2025-2026"} {
		if got := r.Book.Get("basic", report.Key{Field: k}); got.String() != want {
			t.Errorf("basic.%s = %q, want %q", k, got, want)
		}
	}

	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	comments := map[string]string{}
	for _, sh := range p.Spec.Sheets {
		cs, err := f.GetComments(sh.Name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			comments[sh.Name+"!"+c.Cell] = c.Text + paragraphs(c)
		}
	}
	n := 0
	for _, c := range priorCellsOf(t, p, prior) {
		n++
		id, err := f.GetCellStyle(c.Sheet, c.Ref)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Fill.Color) != 1 || !strings.EqualFold(st.Fill.Color[0], "#"+priorFill) && !strings.EqualFold(st.Fill.Color[0], priorFill) {
			t.Errorf("%s: fill %v, want %s", c, st.Fill.Color, priorFill)
		}
		if st.Protection == nil || st.Protection.Locked {
			t.Errorf("%s: locked", c)
		}
		if !strings.Contains(comments[c.String()], "已按 2024-2025 学年报送的本学年数预填，如有更正请直接修改") {
			t.Errorf("%s: note %q", c, comments[c.String()])
		}
		delete(comments, c.String())
	}
	if len(comments) > 0 {
		t.Errorf("notes on cells not prefilled: %v", comments)
	}
	// 上学年 cells left empty (dropouts) stay white input cells
	id, _ := f.GetCellStyle("学生情况", "C11")
	if st, _ := f.GetStyle(id); st == nil || len(st.Fill.Color) != 1 || !strings.Contains(strings.ToUpper(st.Fill.Color[0]), inputFill) {
		t.Errorf("an empty 上学年 is not a white input cell: %+v", st)
	}

	rows, err := f.GetRows(report.GuideSheet)
	if err != nil {
		t.Fatal(err)
	}
	var guide []string
	for _, row := range rows {
		guide = append(guide, strings.Join(row, ""))
	}
	text := strings.Join(guide, "\n")
	for _, want := range []string{
		"浅紫色单元格为预填的“上学年”数，未锁定：如有更正请直接修改",
		"本工作簿的“上学年”数已按 2024-2025 学年报送的“本学年”数预填，共 " + strconv.Itoa(n) + " 个单元格（学校资产 ",
		"学生情况 9 项",
		"，取自文件 某校2024.xlsx。",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("填报说明 lacks %q:\n%s", want, text)
		}
	}
}

// priorCellsOf is where the template puts each value of prior.
func priorCellsOf(t *testing.T, p *formula.Program, prior *report.PriorYear) []report.Cell {
	t.Helper()
	var out []report.Cell
	for _, sh := range p.Spec.Sheets {
		for _, f := range sh.YearRows() {
			if v := prior.Values[report.ColAddr(sh.Key, f.Key, spec.ColCur)]; v.IsEmpty() || !f.Input() {
				continue
			}
			name, cell, err := layout.CellOf(p, 0, sh.Key, report.Key{Field: f.Key, Col: spec.ColPrev}, -1)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, report.Cell{Sheet: name, Ref: cell})
		}
	}
	if len(out) < 30 {
		t.Fatalf("only %d prefilled cells", len(out))
	}
	return out
}

// checkPriorRead: every 上学年 read equals last year's 本学年 exactly, every
// 本学年 is empty.
func checkPriorRead(t *testing.T, p *formula.Program, prior *report.PriorYear, r *report.Report) {
	t.Helper()
	if len(r.Problems) > 0 {
		t.Errorf("problems reading: %+v", r.Problems)
	}
	for _, sh := range p.Spec.Sheets {
		for _, f := range sh.YearRows() {
			if !f.Input() {
				continue
			}
			want := prior.Values[report.ColAddr(sh.Key, f.Key, spec.ColCur)]
			got := r.Book.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColPrev})
			if !got.Equal(want) || (want.Kind == report.Number && got.Num.String() != want.Num.String()) {
				t.Errorf("%s.%s 上学年 = %q, want %q", sh.Key, f.Key, got, want)
			}
			if cur := r.Book.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColCur}); !cur.IsEmpty() {
				t.Errorf("%s.%s 本学年 = %q, want empty", sh.Key, f.Key, cur)
			}
		}
	}
}

// Last year's data of another year than the one before the template's
// 学年, or a text for a number, is refused.
func TestPriorRefused(t *testing.T) {
	p := testkit.DefaultProgram(t)
	prior := testPrior(t, p)
	prior.Year = "2023-2024"
	opt := TemplateOptions{Prior: prior, Prefill: map[string]string{"school_year": "2025-2026"}}
	const otherYear = "上一学年的数据是 2023-2024 学年的，而模板为 2025-2026 学年（上一学年应为 2024-2025）"
	if err := WriteTemplate(p, &bytes.Buffer{}, opt); err == nil || err.Error() != otherYear {
		t.Errorf("another year: %v", err)
	}
	if err := CheckTemplateOptions(p, opt); err == nil || err.Error() != otherYear {
		t.Errorf("another year, checked before writing: %v", err)
	}
	prior = testPrior(t, p)
	prior.Values[report.ColAddr("students", "enrolled", spec.ColCur)] = report.Str("两千")
	const wrongKind = "上一学年数据中 students.enrolled.cur（学生情况 全日制在校生数）的值“两千”与该行的类型不符"
	if err := WriteTemplate(p, &bytes.Buffer{}, TemplateOptions{Prior: prior}); err == nil || err.Error() != wrongKind {
		t.Errorf("a text for a count: %v", err)
	}
	if err := CheckTemplateOptions(p, TemplateOptions{Prior: prior}); err == nil || err.Error() != wrongKind {
		t.Errorf("a text for a count, checked before writing: %v", err)
	}
	if err := CheckTemplateOptions(p, TemplateOptions{Prior: testPrior(t, p), Prefill: map[string]string{"school_year": "2025-2026"}}); err != nil {
		t.Errorf("a fitting prior refused: %v", err)
	}
}

// A template without Prior has no lavender cell and no such line in 填报说明
// (the template's golden dump holds the rest).
func TestNoPriorNoPrefill(t *testing.T) {
	p := testkit.DefaultProgram(t)
	var buf bytes.Buffer
	if err := WriteTemplate(p, &buf, TemplateOptions{Prior: &report.PriorYear{Year: "2024-2025"}}); err != nil {
		t.Fatal(err)
	}
	if dump := dumpWorkbook(t, buf.Bytes()); strings.Contains(strings.ToUpper(dump), priorFill) || strings.Contains(dump, "浅紫色") {
		t.Error("an empty PriorYear prefilled something")
	}
}

// openpyxl sees the prefilled values, fill, unlocked cells and notes; after
// LibreOffice opens and saves the workbook the reader still reads every
// 上学年 exactly.
func TestPriorPrefillRealClients(t *testing.T) {
	realclients.Python(t)
	realclients.Soffice(t)
	p := testkit.DefaultProgram(t)
	prior := testPrior(t, p)
	dir := t.TempDir()
	path := filepath.Join(dir, "某市职业中专.xlsx")
	if err := os.WriteFile(path, priorTemplate(t, p, prior), 0o644); err != nil {
		t.Fatal(err)
	}
	cells := priorCellsOf(t, p, prior)
	var ask [][2]string
	for _, c := range cells {
		ask = append(ask, [2]string{c.Sheet, c.Ref})
	}
	js, _ := json.Marshal(ask)
	saved := realclients.Convert(t, path, filepath.Join(dir, "lo"))
	for _, file := range []string{path, saved} {
		var seen []struct {
			Sheet, Cell, Fill, Comment string
			Value                      *string
			Locked                     bool
		}
		if err := json.Unmarshal(realclients.RunPython(t, "testdata/prior.py", file, string(js)), &seen); err != nil {
			t.Fatal(err)
		}
		for i, s := range seen {
			if s.Value == nil || !strings.HasSuffix(strings.ToUpper(s.Fill), priorFill) || s.Locked || !strings.Contains(s.Comment, "已按 2024-2025 学年报送的本学年数预填") {
				t.Errorf("%s: openpyxl sees %s!%s value %v fill %q locked %v note %q", filepath.Base(file), s.Sheet, s.Cell, s.Value, s.Fill, s.Locked, s.Comment)
			}
			if i > 20 && t.Failed() {
				t.FailNow()
			}
		}
	}
	data, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	r, err := reader.ReadBytes(p, "lo.xlsx", data, reader.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkPriorRead(t, p, prior, r)
}

func paragraphs(c excelize.Comment) string {
	var b strings.Builder
	for _, p := range c.Paragraph {
		b.WriteString(p.Text)
	}
	return b.String()
}
