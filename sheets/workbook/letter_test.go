package workbook

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/realclients"
	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/report"
	"github.com/xuri/excelize/v2"
)

// annotatedTemplate is the annotated copy of a blank template with an error
// on 学生情况 and a warning on 学校资产.
func annotatedTemplate(t *testing.T) []byte {
	t.Helper()
	p := testkit.DefaultProgram(t)
	var tpl bytes.Buffer
	if err := WriteTemplate(p, &tpl, TemplateOptions{}); err != nil {
		t.Fatal(err)
	}
	l := report.Letter{School: "某某职业学校", Year: "2025-2026", Date: "2026-01-05", Marks: []report.Mark{
		{Severity: "error", Label: "错误", Rule: "students.enrolled_eq", Cells: []string{"学生情况!D3", "学生情况!D4"},
			Message: "在校生合计应等于各年级之和", Row: "在校生", Column: "本学年", Reported: "1200", Expected: "331"},
		{Severity: "warning", Label: "警告", Rule: "assets.land_change", Cells: []string{"学校资产!D3"},
			Message: "占地面积比上学年变化过大，请核实", Row: "占地面积", Column: "本学年", Reported: "90000", Expected: "10000 ± 50%"},
	}}
	var out bytes.Buffer
	if err := WriteAnnotated(tpl.Bytes(), l, &out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// The 审核结果 sheet reads as a letter: title with school and year, the date
// and counts, what to do, the findings in words; rule ids only in a hidden
// column; printed A4 portrait one page wide with its header repeated.
func TestResultSheetIsALetter(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(annotatedTemplate(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const sh = report.ResultSheet
	rows, err := f.GetRows(sh)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 {
		t.Fatalf("%d rows, want title, counts, what to do, header and 2 findings: %q", len(rows), rows)
	}
	for _, want := range []string{"某某职业学校", "2025-2026", "审核结果"} {
		if !strings.Contains(rows[0][0], want) {
			t.Errorf("title %q lacks %q", rows[0][0], want)
		}
	}
	if want := "审核日期：2026-01-05　　共 2 项：错误 1 项，警告 1 项，提示 0 项"; rows[1][0] != want {
		t.Errorf("counts %q, want %q", rows[1][0], want)
	}
	if !strings.Contains(rows[2][0], "改正") || !strings.Contains(rows[2][0], "说明") || !strings.Contains(rows[2][0], "交回") {
		t.Errorf("what to do: %q", rows[2][0])
	}
	want := []string{"1", "错误", "学生情况", "在校生", "本学年", "D3", "在校生合计应等于各年级之和", "1200", "331", "", "students.enrolled_eq"}
	if got := rows[4]; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("first finding\n got %q\nwant %q", got, want)
	}
	ruleID := regexp.MustCompile(`[a-z_]+\.[a-z_]+`)
	for c := 1; c <= len(rows[3]); c++ {
		visible, err := f.GetColVisible(sh, colName(c))
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			if c <= len(row) && visible && ruleID.MatchString(row[c-1]) {
				t.Errorf("visible %s shows a rule id: %q", cellName(c, r+1), row[c-1])
			}
			if !visible && rows[3][c-1] != "规则编号" {
				t.Errorf("column %s (%s) is hidden", colName(c), rows[3][c-1])
			}
		}
	}
	if dim, err := f.GetSheetDimension(sh); err != nil || dim != "A1:K6" {
		t.Errorf("dimension %q (%v), want A1:K6", dim, err)
	}
	pl, err := f.GetPageLayout(sh)
	if err != nil || *pl.Size != 9 || *pl.Orientation != "portrait" || *pl.FitToWidth != 1 || *pl.FitToHeight != 0 {
		t.Errorf("page layout %+v (%v)", pl, err)
	}
	if props, err := f.GetSheetProps(sh); err != nil || props.FitToPage == nil || !*props.FitToPage {
		t.Errorf("审核结果 does not fit to page (%v)", err)
	}
	if hf, err := f.GetHeaderFooter(sh); err != nil || !strings.Contains(hf.OddFooter, "&P") {
		t.Errorf("footer %+v (%v)", hf, err)
	}
}

// Every sheet's print titles point at that sheet's own rows once 审核结果 is
// put first (excelize's MoveSheet keeps each name's sheet index, so they
// pointed at the next sheet's header).
func TestAnnotatedPrintTitlesStayOnTheirSheet(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(annotatedTemplate(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	titles := 0
	for _, dn := range f.GetDefinedName() {
		if dn.Name != "_xlnm.Print_Titles" {
			continue
		}
		titles++
		if !strings.HasPrefix(dn.RefersTo, quoteSheet(dn.Scope)+"!") {
			t.Errorf("the print titles of %s are %s", dn.Scope, dn.RefersTo)
		}
	}
	if titles < 20 {
		t.Errorf("%d print titles", titles)
	}
}

// Marked cells have a hatched fill and a thick border, and their sheets'
// tabs are coloured: red for an error, orange for a warning.
func TestMarkedCellsSurviveBlackAndWhite(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(annotatedTemplate(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for cell, want := range map[string]int{"学生情况!D3": 5, "学生情况!D4": 5, "学校资产!D3": 8} {
		at, _ := report.ParseCell(cell)
		id, err := f.GetCellStyle(at.Sheet, at.Ref)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.Fill.Pattern == 1 || st.Fill.Pattern == 0 || len(st.Border) != 4 || st.Border[0].Style != want {
			t.Errorf("%s: fill pattern %d, borders %+v", cell, st.Fill.Pattern, st.Border)
		}
	}
	for sheet, want := range map[string]string{"学生情况": "FFFF0000", "学校资产": "FFFFA500", "基本信息": ""} {
		props, err := f.GetSheetProps(sheet)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if props.TabColorRGB != nil {
			got = *props.TabColorRGB
		}
		if got != want {
			t.Errorf("tab of %s: %q, want %q", sheet, got, want)
		}
	}
}

// openpyxl's read-only mode, which trusts the declared dimension, sees every
// row of 审核结果.
func TestOpenpyxlReadOnlySeesEveryFinding(t *testing.T) {
	realclients.Python(t)
	path := filepath.Join(t.TempDir(), "某校_审核.xlsx")
	if err := os.WriteFile(path, annotatedTemplate(t), 0o644); err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	if err := json.Unmarshal(realclients.RunPython(t, "testdata/letter.py", path), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || len(rows[5]) < 11 || rows[5][6] != "占地面积比上学年变化过大，请核实" {
		t.Errorf("openpyxl read-only sees %q", rows)
	}
}

// The blank template prints each sheet in the orientation its width needs,
// shows no internal id on 填报说明, and its 获奖汇总 formulas give "" while
// the list is empty.
func TestTemplatePrintAndBlankSummary(t *testing.T) {
	p := testkit.DefaultProgram(t)
	f, err := buildTemplate(p, TemplateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for sheet, want := range map[string]string{"德育课程": "portrait", "填报说明": "portrait", "分专业就业": "landscape"} {
		pl, err := f.GetPageLayout(sheet)
		if err != nil || *pl.Orientation != want {
			t.Errorf("%s prints %s (%v), want %s", sheet, *pl.Orientation, err, want)
		}
	}
	rows, err := f.GetRows(report.GuideSheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if len(row) > 0 && strings.Contains(row[0], p.Spec.ID) {
			t.Errorf("填报说明 shows the spec id: %q", row[0])
		}
	}
	if w, err := f.GetColWidth("技能大赛", "A"); err != nil || w > 16 {
		t.Errorf("技能大赛's 序号 column is %v wide (%v)", w, err)
	}
	found := false
	for _, c := range []string{"C", "D"} {
		for r := 1; r <= 60; r++ {
			expr, _ := f.GetCellFormula("技能大赛", c+strconv.Itoa(r))
			if strings.Contains(expr, "COUNTIFS") || strings.Contains(expr, "SUMIFS") {
				found = true
				if !strings.HasPrefix(expr, "IF(COUNTA(") || !strings.Contains(expr, `=0,"",`) {
					t.Errorf("技能大赛!%s%d = %s is not blank on a blank list", c, r, expr)
				}
			}
		}
	}
	if !found {
		t.Error("no 获奖汇总 formula found")
	}
}

// A finding whose text wraps to more lines than a row can hold (a school's
// 201 characters quoted in 填报值 and the message) still gives a copy: its
// row is as tall as Excel allows, 409 points, not more (excelize refuses
// that height, and the copy was not written).
func TestAnnotatedLongFindingRowHeight(t *testing.T) {
	p := testkit.DefaultProgram(t)
	var tpl bytes.Buffer
	if err := WriteTemplate(p, &tpl, TemplateOptions{}); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("郑", 201)
	l := report.Letter{School: "某某职业学校", Marks: []report.Mark{
		{Severity: "error", Label: "错误", Rule: "text.too_long", Cells: []string{"基本信息!B6"},
			Message: "文字有 201 个字符，超过 200 个：" + long, Reported: long},
	}}
	var out bytes.Buffer
	if err := WriteAnnotated(tpl.Bytes(), l, &out); err != nil {
		t.Fatalf("WriteAnnotated: %v", err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := f.GetRowHeight(report.ResultSheet, resultFirstRow)
	if err != nil {
		t.Fatal(err)
	}
	if h != maxRowHeight {
		t.Errorf("the finding's row is %g points high, want %d", h, maxRowHeight)
	}
}
