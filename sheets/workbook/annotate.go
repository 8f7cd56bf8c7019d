package workbook

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/xuri/excelize/v2"
)

// Fill colours of marked cells, by severity.
var markFill = map[string]string{"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}

var severityRank = map[string]int{"info": 1, "warning": 2, "error": 3}

// maxMarkedCells bounds how many cells of one range are coloured.
const maxMarkedCells = 5000

// WriteAnnotated writes a copy of a workbook (its .xlsx bytes) with every
// cell a finding involves coloured by the most severe of them, a comment on
// each finding's first cell, and a 审核结果 sheet, shown first, that lists
// every finding with a link to its cell and a 说明 column. The workbook's own
// values, formulas, styles and protection are kept.
//
// The copy holds only the parts xlsx.Clean keeps: no macros, no entries with
// unsafe names, no characters XML cannot hold. A workbook excelize cannot
// handle gives an error, never a panic.
func WriteAnnotated(data []byte, marks []report.Mark, w io.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("无法写出审核副本：工作簿的结构异常（%v），请用 Excel 或 WPS 打开后另存为 .xlsx 再提交", r)
		}
	}()
	clean, _, err := xlsx.Clean(data, xlsx.Limits{})
	if err != nil {
		return fmt.Errorf("无法打开工作簿以写批注副本: %w", err)
	}
	return writeAnnotated(clean, marks, w)
}

func writeAnnotated(data []byte, marks []report.Mark, w io.Writer) error {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 64 << 20})
	if err != nil {
		return fmt.Errorf("无法打开工作簿以写批注副本: %w", err)
	}
	defer f.Close()
	exists := map[string]bool{}
	for _, s := range f.GetSheetList() {
		exists[s] = true
	}

	// the most severe finding of each cell colours it
	worst := map[[2]string]string{}
	comments := map[[2]string][]string{}
	var order [][2]string
	for _, m := range marks {
		for i, c := range m.Cells {
			at, ok := report.ParseCell(c)
			sheet, ref := at.Sheet, at.Ref
			if !ok || !exists[sheet] {
				continue
			}
			for _, cell := range expand(ref) {
				k := [2]string{sheet, cell}
				if severityRank[m.Severity] > severityRank[worst[k]] {
					worst[k] = m.Severity
				}
			}
			if i == 0 {
				k := [2]string{sheet, at.First().Ref}
				if comments[k] == nil {
					order = append(order, k)
				}
				comments[k] = append(comments[k], fmt.Sprintf("【%s】%s", m.Label, m.Message))
			}
		}
	}
	if err := colour(f, worst); err != nil {
		return err
	}
	for _, k := range order {
		if err := comment(f, k[0], k[1], strings.Join(comments[k], "\n")); err != nil {
			return err
		}
	}
	if err := resultSheet(f, marks, exists); err != nil {
		return err
	}
	// our output, not a school's report: a folder run does not read it back
	if err := f.SetCustomProps(excelize.CustomProperty{Name: report.PropOutput, Value: report.OutputAnnotated}); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// expand lists the cells of A1 or A1:B9 (at most maxMarkedCells).
func expand(ref string) []string {
	from, to, isRange := strings.Cut(ref, ":")
	if !isRange {
		return []string{ref}
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(from)
	c2, r2, err2 := excelize.CellNameToCoordinates(to)
	if err1 != nil || err2 != nil {
		return nil
	}
	var out []string
	for r := r1; r <= r2; r++ {
		for c := c1; c <= c2 && len(out) < maxMarkedCells; c++ {
			out = append(out, cellName(c, r))
		}
	}
	return out
}

// colour gives each cell its existing style with the severity's fill.
func colour(f *excelize.File, worst map[[2]string]string) error {
	cache := map[[2]string]int{} // (style id, severity) → new style id
	keys := make([][2]string, 0, len(worst))
	for k := range worst {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+"!"+keys[i][1] < keys[j][0]+"!"+keys[j][1] })
	for _, k := range keys {
		sev := worst[k]
		id, err := f.GetCellStyle(k[0], k[1])
		if err != nil {
			return err
		}
		ck := [2]string{fmt.Sprint(id), sev}
		nid, ok := cache[ck]
		if !ok {
			st, err := f.GetStyle(id)
			if err != nil {
				return err
			}
			st.Fill = fill(markFill[sev])
			for i := range st.Border {
				if st.Border[i].Color == "" {
					st.Border[i].Color = borderColor
				}
			}
			if nid, err = f.NewStyle(st); err != nil {
				return err
			}
			cache[ck] = nid
		}
		if err := f.SetCellStyle(k[0], k[1], k[1], nid); err != nil {
			return err
		}
	}
	return nil
}

// comment adds ours to a cell's comment, keeping what was there.
func comment(f *excelize.File, sheet, cell, text string) error {
	existing, err := f.GetComments(sheet)
	if err != nil {
		return err
	}
	for _, c := range existing {
		if c.Cell == cell {
			old := c.Text
			for _, p := range c.Paragraph {
				old += p.Text
			}
			if strings.TrimSpace(old) != "" {
				text = old + "\n" + text
			}
			if err := f.DeleteComment(sheet, cell); err != nil {
				return err
			}
		}
	}
	return f.AddComment(sheet, excelize.Comment{Author: "nianbao", Cell: cell, Text: text, Width: 320, Height: 120})
}

var resultHeaders = []string{"序号", "级别", "工作表", "单元格", "规则", "问题", "填报值", "应为", "说明（警告可填写理由；错误须修改）"}

// resultSheet (re)writes the 审核结果 sheet, first in the workbook and active.
func resultSheet(f *excelize.File, marks []report.Mark, exists map[string]bool) error {
	if exists[report.ResultSheet] {
		if err := f.DeleteSheet(report.ResultSheet); err != nil {
			return err
		}
	}
	if _, err := f.NewSheet(report.ResultSheet); err != nil {
		return err
	}
	st, err := newResultStyles(f)
	if err != nil {
		return err
	}
	for i, h := range resultHeaders {
		if err := f.SetCellValue(report.ResultSheet, cellName(i+1, 1), h); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(report.ResultSheet, "A1", cellName(len(resultHeaders), 1), st.header); err != nil {
		return err
	}
	for i, m := range marks {
		if err := resultRow(f, i+2, i+1, m, st, exists); err != nil {
			return err
		}
	}
	return finishResultSheet(f, len(marks))
}

// resultStyles are the styles of the 审核结果 sheet.
type resultStyles struct {
	header, wrap, link int
	severity           map[string]int
}

func newResultStyles(f *excelize.File) (st resultStyles, err error) {
	st.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill(headerFill), Border: border(),
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return st, err
	}
	st.wrap, err = f.NewStyle(&excelize.Style{Border: border(), Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return st, err
	}
	st.link, err = f.NewStyle(&excelize.Style{Border: border(), Font: &excelize.Font{Color: "0563C1", Underline: "single"}, Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return st, err
	}
	st.severity = map[string]int{}
	for sev, color := range markFill {
		if st.severity[sev], err = f.NewStyle(&excelize.Style{Border: border(), Fill: fill(color), Alignment: &excelize.Alignment{Vertical: "top"}}); err != nil {
			return st, err
		}
	}
	return st, nil
}

// resultRow writes mark number n on a row of 审核结果, its cell linked to the
// place in the workbook.
func resultRow(f *excelize.File, row, n int, m report.Mark, st resultStyles, exists map[string]bool) error {
	var first report.Cell
	if len(m.Cells) > 0 {
		first, _ = report.ParseCell(m.Cells[0])
	}
	sheet, cell := first.Sheet, first.Ref
	vals := []any{n, m.Label, sheet, cell, m.Rule, m.Message, m.Reported, m.Expected, m.Explanation}
	for j, v := range vals {
		if err := f.SetCellValue(report.ResultSheet, cellName(j+1, row), v); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(report.ResultSheet, cellName(1, row), cellName(len(vals), row), st.wrap); err != nil {
		return err
	}
	if err := f.SetCellStyle(report.ResultSheet, cellName(2, row), cellName(2, row), st.severity[m.Severity]); err != nil {
		return err
	}
	if sheet == "" || !exists[sheet] {
		return nil
	}
	if err := f.SetCellHyperLink(report.ResultSheet, cellName(4, row), quoteSheet(sheet)+"!"+first.First().Ref, "Location"); err != nil {
		return err
	}
	return f.SetCellStyle(report.ResultSheet, cellName(4, row), cellName(4, row), st.link)
}

// finishResultSheet sets 审核结果's widths, frozen header and filter, and
// makes it the first and active sheet.
func finishResultSheet(f *excelize.File, marks int) error {
	for i, w := range []float64{6, 6, 14, 10, 30, 60, 12, 14, 40} {
		if err := f.SetColWidth(report.ResultSheet, colName(i+1), colName(i+1), w); err != nil {
			return err
		}
	}
	if err := f.SetPanes(report.ResultSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if marks > 0 {
		if err := f.AutoFilter(report.ResultSheet, "A1:"+cellName(len(resultHeaders), marks+1), nil); err != nil {
			return err
		}
	}
	first := f.GetSheetList()[0]
	if first != report.ResultSheet {
		if err := f.MoveSheet(report.ResultSheet, first); err != nil {
			return err
		}
	}
	idx, err := f.GetSheetIndex(report.ResultSheet)
	if err != nil {
		return err
	}
	f.SetActiveSheet(idx)
	return nil
}
