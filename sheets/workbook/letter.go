package workbook

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/nianbao/nianbao/report"
	"github.com/xuri/excelize/v2"
)

// The 审核结果 sheet of an annotated copy: a title, the date and counts, what
// to do, then the header row and one row per finding.
const (
	resultTitleRow  = 1
	resultCountRow  = 2
	resultTodoRow   = 3
	resultHeaderRow = 4
	resultFirstRow  = 5
)

// resultColumns are the columns of 审核结果 with their widths. The reader
// finds the school's 说明 by the labels 工作表, 单元格, 规则编号 and 说明…;
// 规则编号 is for machines and hidden.
var resultColumns = []struct {
	label string
	width float64
}{
	{"序号", 4.5}, {"级别", 5.5}, {"工作表", 10}, {"指标", 16}, {"列", 9}, {"单元格", 7.5},
	{"问题", 32}, {"填报值", 9}, {"应为/范围", 10}, {"说明（警告请写明理由）", 20}, {"规则编号", 16},
}

// Columns of 审核结果 (1-based).
const (
	resColCell = 6
	resColRule = 11
	// resColLast is the last visible column.
	resColLast = 10
)

// resultSheet (re)writes the 审核结果 sheet, first in the workbook and active.
func resultSheet(f *excelize.File, l report.Letter, exists map[string]bool) error {
	const sh = report.ResultSheet
	if exists[sh] {
		if err := f.DeleteSheet(sh); err != nil {
			return err
		}
	}
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	st, err := newResultStyles(f)
	if err != nil {
		return err
	}
	if err := resultTop(f, l, st); err != nil {
		return err
	}
	for i, c := range resultColumns {
		if err := f.SetCellValue(sh, cellName(i+1, resultHeaderRow), c.label); err != nil {
			return err
		}
		if err := f.SetColWidth(sh, colName(i+1), colName(i+1), c.width); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sh, cellName(1, resultHeaderRow), cellName(len(resultColumns), resultHeaderRow), st.header); err != nil {
		return err
	}
	if err := f.SetColVisible(sh, colName(resColRule), false); err != nil {
		return err
	}
	for i, m := range l.Marks {
		if err := resultRow(f, resultFirstRow+i, i+1, m, st, exists); err != nil {
			return err
		}
	}
	last := resultFirstRow + len(l.Marks) - 1
	if len(l.Marks) == 0 {
		last = resultHeaderRow
	}
	// openpyxl's read-only mode trusts the dimension: give the real one
	if err := f.SetSheetDimension(sh, "A1:"+cellName(len(resultColumns), last)); err != nil {
		return err
	}
	if err := resultPrint(f, l); err != nil {
		return err
	}
	if err := moveFirst(f, sh); err != nil {
		return err
	}
	// names scoped to the sheet are set once it has its place
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sh,
		RefersTo: fmt.Sprintf("%s!$%d:$%d", quoteSheet(sh), resultHeaderRow, resultHeaderRow)}); err != nil {
		return err
	}
	if len(l.Marks) > 0 {
		if err := f.AutoFilter(sh, cellName(1, resultHeaderRow)+":"+cellName(resColLast, last), nil); err != nil {
			return err
		}
	}
	// after the filter, which rewrites the sheet's properties
	fit := true
	if err := f.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	idx, err := f.GetSheetIndex(sh)
	if err != nil {
		return err
	}
	f.SetActiveSheet(idx)
	return nil
}

// resultTop writes the title, the date with the counts, and what to do.
func resultTop(f *excelize.File, l report.Letter, st resultStyles) error {
	const sh = report.ResultSheet
	counts := map[string]int{}
	for _, m := range l.Marks {
		counts[m.Severity]++
	}
	title := "数据审核结果"
	switch {
	case l.School != "" && l.Year != "":
		title = fmt.Sprintf("%s（%s 学年）数据审核结果", l.School, l.Year)
	case l.School != "":
		title = l.School + " 数据审核结果"
	case l.Year != "":
		title = l.Year + " 学年数据审核结果"
	}
	count := fmt.Sprintf("审核日期：%s　　共 %d 项：错误 %d 项，警告 %d 项，提示 %d 项",
		l.Date, len(l.Marks), counts["error"], counts["warning"], counts["info"])
	if l.Date == "" {
		count = strings.TrimPrefix(count, "审核日期：　　")
	}
	var todo []string
	if counts["error"] > 0 {
		todo = append(todo, "请逐项改正全部“错误”（点“单元格”列的链接可跳到该处；有问题的单元格已加底纹、粗框和批注，所在工作表的标签为红色）。")
	}
	if counts["warning"] > 0 {
		todo = append(todo, "请核实每项“警告”（工作表标签为橙色）：数据有误的请改正；确属实际情况的，请在本表“说明”列写明理由。")
	}
	if counts["info"] > 0 {
		todo = append(todo, "“提示”仅供参考，无需处理。")
	}
	if len(l.Marks) == 0 {
		todo = append(todo, "未发现问题，无需修改。")
	} else {
		todo = append(todo, "处理完后请保存本工作簿，按原渠道交回教育局。")
	}
	rows := []struct {
		row    int
		text   string
		style  int
		height float64
	}{
		{resultTitleRow, title, st.title, 30},
		{resultCountRow, count, st.count, 20},
		{resultTodoRow, strings.Join(todo, ""), st.todo, min(13.5*float64(textLines(strings.Join(todo, ""), resultWidth()))+3, maxRowHeight)},
	}
	for _, r := range rows {
		from, to := cellName(1, r.row), cellName(resColLast, r.row)
		if err := f.SetCellStr(sh, from, r.text); err != nil {
			return err
		}
		if err := f.MergeCell(sh, from, to); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh, from, to, r.style); err != nil {
			return err
		}
		if err := f.SetRowHeight(sh, r.row, max(r.height, 16)); err != nil {
			return err
		}
	}
	return nil
}

// maxRowHeight is the tallest row Excel allows, in points: a finding whose
// text (a school's 200 characters quoted, say) wraps to more lines is cut
// off there, where excelize would refuse the height and the copy.
const maxRowHeight = 409

// resultWidth is the width of the visible columns, in characters.
func resultWidth() float64 {
	w := 0.0
	for _, c := range resultColumns[:resColLast] {
		w += c.width
	}
	return w
}

// resultStyles are the styles of the 审核结果 sheet.
type resultStyles struct {
	title, count, todo, header, wrap, link int
	severity                               map[string]int
}

func newResultStyles(f *excelize.File) (st resultStyles, err error) {
	font := func(size float64, bold bool) *excelize.Font {
		return &excelize.Font{Family: "宋体", Size: size, Bold: bold}
	}
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.title, excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 14, Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&st.count, excelize.Style{Font: font(11, true), Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&st.todo, excelize.Style{Font: font(10, false), Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.header, excelize.Style{Font: font(10, true), Fill: fill(headerFill), Border: border(),
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&st.wrap, excelize.Style{Font: font(10, false), Border: border(), Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.link, excelize.Style{Border: border(), Font: &excelize.Font{Family: "宋体", Size: 10, Color: "0563C1", Underline: "single"},
			Alignment: &excelize.Alignment{Vertical: "top"}}},
	} {
		if *s.id, err = f.NewStyle(&s.style); err != nil {
			return st, err
		}
	}
	st.severity = map[string]int{}
	for sev, color := range severityFill {
		if st.severity[sev], err = f.NewStyle(&excelize.Style{Font: font(10, sev == "error"), Border: border(), Fill: fill(color),
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}}); err != nil {
			return st, err
		}
	}
	return st, nil
}

// resultRow writes mark number n on a row of 审核结果, its cell linked to the
// place in the workbook.
func resultRow(f *excelize.File, row, n int, m report.Mark, st resultStyles, exists map[string]bool) error {
	const sh = report.ResultSheet
	var first report.Cell
	if len(m.Cells) > 0 {
		first, _ = report.ParseCell(m.Cells[0])
	}
	vals := []any{n, m.Label, first.Sheet, m.Row, m.Column, first.Ref, m.Message, m.Reported, m.Expected, m.Explanation, m.Rule}
	for j, v := range vals {
		if s, ok := v.(string); ok {
			// text stays text: a 填报值 of 0012 or =1 is shown as found
			if err := f.SetCellStr(sh, cellName(j+1, row), s); err != nil {
				return err
			}
			continue
		}
		if err := f.SetCellValue(sh, cellName(j+1, row), v); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sh, cellName(1, row), cellName(len(vals), row), st.wrap); err != nil {
		return err
	}
	if err := f.SetCellStyle(sh, cellName(2, row), cellName(2, row), st.severity[m.Severity]); err != nil {
		return err
	}
	// LibreOffice does not grow rows to their wrapped text on opening
	lines := 1
	for j, v := range vals[:resColLast] {
		lines = max(lines, textLines(fmt.Sprint(v), resultColumns[j].width))
	}
	if err := f.SetRowHeight(sh, row, min(13.5*float64(lines)+2, maxRowHeight)); err != nil {
		return err
	}
	if first.Sheet == "" || !exists[first.Sheet] {
		return nil
	}
	if err := f.SetCellHyperLink(sh, cellName(resColCell, row), quoteSheet(first.Sheet)+"!"+first.First().Ref, "Location"); err != nil {
		return err
	}
	return f.SetCellStyle(sh, cellName(resColCell, row), cellName(resColCell, row), st.link)
}

// resultPrint sets 审核结果's printing: A4 portrait (one page wide once
// resultSheet has set fit-to-page), a footer with the school and page
// numbers; and its frozen header.
func resultPrint(f *excelize.File, l report.Letter) error {
	const sh = report.ResultSheet
	if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: resultHeaderRow, TopLeftCell: cellName(1, resultFirstRow), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	size, fitW, fitH, orient := 9, 1, 0, "portrait"
	if err := f.SetPageLayout(sh, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &fitW, FitToHeight: &fitH}); err != nil {
		return err
	}
	side, top, foot := 0.5, 0.6, 0.3
	if err := f.SetPageMargins(sh, &excelize.PageLayoutMarginsOptions{Left: &side, Right: &side, Top: &top, Bottom: &top, Header: &foot, Footer: &foot}); err != nil {
		return err
	}
	who := strings.ReplaceAll(l.School, "&", "&&")
	return f.SetHeaderFooter(sh, &excelize.HeaderFooterOptions{
		OddFooter: fmt.Sprintf("&L%s 审核结果&C第 &P 页，共 &N 页&R审核日期 %s", who, l.Date),
	})
}

// colourTabs colours the tab of each sheet with a marked cell: red where
// there is an error, orange where the worst is a warning.
func colourTabs(f *excelize.File, worst map[[2]string]string) error {
	sheets := map[string]string{}
	for k, sev := range worst {
		if severityRank[sev] > severityRank[sheets[k[0]]] {
			sheets[k[0]] = sev
		}
	}
	names := make([]string, 0, len(sheets))
	for name := range sheets {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		c, ok := tabColour[sheets[name]]
		if !ok {
			continue
		}
		if err := f.SetSheetProps(name, &excelize.SheetPropsOptions{TabColorRGB: &c}); err != nil {
			return err
		}
	}
	return nil
}

// moveFirst moves a sheet to the front of the workbook, keeping every
// sheet-scoped defined name (print titles, print areas, filters) on its own
// sheet: excelize's MoveSheet leaves their localSheetId, an index, as it
// was, so each would point at the next sheet.
func moveFirst(f *excelize.File, sheet string) error {
	if f.GetSheetList()[0] == sheet {
		return nil
	}
	var local []excelize.DefinedName
	for _, dn := range f.GetDefinedName() {
		if dn.Scope != "" && dn.Scope != "Workbook" {
			local = append(local, dn)
		}
	}
	for i := range local {
		if err := f.DeleteDefinedName(&local[i]); err != nil {
			return err
		}
	}
	if err := f.MoveSheet(sheet, f.GetSheetList()[0]); err != nil {
		return err
	}
	for i := range local {
		if err := f.SetDefinedName(&local[i]); err != nil {
			return err
		}
	}
	return nil
}

// textLines is about how many lines a text takes wrapped in a column of a
// width (in characters of the default font) at 10 points: a Chinese
// character takes two.
func textLines(text string, width float64) int {
	lines := 0
	for _, para := range strings.Split(text, "\n") {
		lines += max(1, int(math.Ceil(textWidth(para)/(width*1.05-0.5))))
	}
	return lines
}

// textWidth is about how wide a line of text is, in characters of the
// default font: a Chinese character takes two.
func textWidth(text string) float64 {
	w := 0.0
	for _, r := range text {
		if r > 0x2E80 {
			w += 1.9
		} else {
			w++
		}
	}
	return w
}
