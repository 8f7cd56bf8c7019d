package workbook

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/xuri/excelize/v2"
)

// How marked cells look, by severity: a hatched fill and a thick border in
// the severity's colour, both of which a black-and-white printer still shows.
var markLook = map[string]struct {
	pattern     int    // excelize fill pattern: 14 lightUp, 17 gray125
	fill        string // the pattern's colour
	border      int    // excelize border style: 5 thick, 8 medium dashed, 1 thin
	borderColor string
}{
	"error":   {14, "FF0000", 5, "C00000"},
	"warning": {17, "ED7D31", 8, "C55A11"},
	"info":    {1, "DDEBF7", 1, borderColor},
}

// Colours of the severities on the 审核结果 sheet and on the sheets' tabs.
var (
	severityFill = map[string]string{"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
	tabColour    = map[string]string{"error": "FFFF0000", "warning": "FFFFA500"}
)

var severityRank = map[string]int{"info": 1, "warning": 2, "error": 3}

// maxMarkedCells bounds how many cells of one range are coloured.
const maxMarkedCells = 5000

// WriteAnnotated writes a copy of a workbook (its .xlsx bytes) with every
// cell a finding involves marked by the most severe of them (a hatched fill
// and a thick border that survive black-and-white printing), a comment on
// each finding's first cell, the tabs of sheets with errors red and with
// warnings orange, and a 审核结果 sheet, shown first, that reads as a letter
// to the school: its name, year and the date, what to do, and every finding
// in words with a link to its cell and a 说明 column to write in. The
// workbook's own values, formulas, styles and protection are kept.
//
// The copy holds only the parts xlsx.Clean keeps: no macros, no entries with
// unsafe names, no characters XML cannot hold. A workbook excelize cannot
// handle gives an error, never a panic; so does one too large for it to hold
// in bounded memory (xlsx.MaxCopyElements), at once.
func WriteAnnotated(data []byte, l report.Letter, w io.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("无法写出审核副本：工作簿的结构异常（%v），请用 Excel 或 WPS 打开后另存为 .xlsx 再提交", r)
		}
	}()
	clean, _, err := xlsx.Clean(data, xlsx.Limits{})
	var big *xlsx.TooLargeForCopy
	if errors.As(err, &big) {
		return tooLargeForCopy(data, big)
	}
	if err != nil {
		return fmt.Errorf("无法打开工作簿以写批注副本: %w", err)
	}
	return writeAnnotated(clean, l, w)
}

// tooLargeForCopy says why a workbook too large for excelize to hold
// (xlsx.MaxCopyElements) gets no copy, naming the sheet of the most
// elements: the findings are reported all the same.
func tooLargeForCopy(data []byte, big *xlsx.TooLargeForCopy) error {
	where := big.Part
	if b, err := xlsx.OpenBytes(data, xlsx.DefaultLimits()); err == nil {
		for _, sh := range b.Sheets {
			if sh.Part() == big.Part {
				where = "工作表“" + sh.Name + "”"
			}
		}
		b.Release()
	}
	if big.TotalElements <= xlsx.MaxCopyElements {
		return fmt.Errorf("工作簿解压后的内容超过 %d MB，写批注副本所需的内存过多，未写出（审核结果不受影响）；请删除表格以外多余的行和列（或把数据复制到新的模板中）后重新提交",
			xlsx.MaxCopyXML>>20)
	}
	return fmt.Errorf("%s有 %d 个 XML 元素（单元格、值等；整个工作簿最多 %d 个），写批注副本所需的内存过多，未写出（审核结果不受影响）；请删除表格以外多余的行和列（或把数据复制到新的模板中）后重新提交",
		where, big.Elements, xlsx.MaxCopyElements)
}

func writeAnnotated(data []byte, l report.Letter, w io.Writer) error {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: xlsx.DefaultLimits().MaxTotal, UnzipXMLSizeLimit: xlsx.DefaultLimits().MaxPart})
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
	for _, m := range l.Marks {
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
	if err := colourTabs(f, worst); err != nil {
		return err
	}
	for _, k := range order {
		if err := comment(f, k[0], k[1], strings.Join(comments[k], "\n")); err != nil {
			return err
		}
	}
	if err := resultSheet(f, l, exists); err != nil {
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

// colour gives each cell its existing style with the severity's fill and
// border.
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
			look := markLook[sev]
			st.Fill = excelize.Fill{Type: "pattern", Pattern: look.pattern, Color: []string{look.fill}}
			st.Border = nil
			for _, side := range []string{"left", "right", "top", "bottom"} {
				st.Border = append(st.Border, excelize.Border{Type: side, Color: look.borderColor, Style: look.border})
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
