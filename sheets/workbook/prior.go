package workbook

import (
	"fmt"
	"strings"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/xuri/excelize/v2"
)

// priorFill is the fill of 上学年 cells prefilled from last year's report
// (TemplateOptions.Prior): a light lavender, apart from the white input
// cells, the grey computed ones, the green locked school information and
// the annotated copy's marks (red, orange, blue).
const priorFill = "E4DFEC"

// priorValue is last year's 本学年 of a row, for this year's 上学年 (empty
// without one, or for a computed row).
func (w *templateWriter) priorValue(sheet string, f *spec.Field) report.Value {
	if w.opt.Prior == nil || !f.Input() {
		return report.Value{}
	}
	return w.opt.Prior.Values[report.ColAddr(sheet, f.Key, spec.ColCur)]
}

// checkPrior refuses last year's data that does not fit the template: of
// another year than the one before the prefilled 学年, or a value of the
// wrong kind for its row (a text for a number). It counts the cells it will
// fill, by sheet, for 填报说明.
func (w *templateWriter) checkPrior() error {
	prior := w.opt.Prior
	if prior == nil {
		return nil
	}
	if _, f := w.s.Role("school_year"); f != nil && prior.Year != "" {
		if year, ok := w.opt.Prefill[f.Key]; ok {
			if prev, ok := report.PreviousYear(year); ok && prev != prior.Year {
				return fmt.Errorf("上一学年的数据是 %s 学年的，而模板为 %s 学年（上一学年应为 %s）", prior.Year, year, prev)
			}
		}
	}
	for i := range w.s.Sheets {
		sh := &w.s.Sheets[i]
		rows := sh.YearRows()
		for j := range rows {
			f := &rows[j]
			v := w.priorValue(sh.Key, f)
			if v.IsEmpty() {
				continue
			}
			if (v.Kind == report.Number) != f.Numeric() {
				return fmt.Errorf("上一学年数据中 %s（%s %s）的值“%s”与该行的类型不符", report.ColAddr(sh.Key, f.Key, spec.ColCur), sh.Name, f.Label, v)
			}
			w.priorCells = append(w.priorCells, sh.Name)
		}
	}
	return nil
}

// priorYearText is last year's 学年 in words: 2024-2025 学年, or 上一学年.
func (w *templateWriter) priorYearText() string {
	if y := w.opt.Prior.Year; y != "" {
		return y + " 学年"
	}
	return "上一学年"
}

// priorGuide is what 填报说明 says of the prefilled 上学年: the colour, and
// which values came from which year and file.
func (w *templateWriter) priorGuide() []string {
	if len(w.priorCells) == 0 {
		return nil
	}
	var parts []string
	for i, n := 0, 0; i < len(w.priorCells); i++ {
		n++
		if i+1 == len(w.priorCells) || w.priorCells[i+1] != w.priorCells[i] {
			parts = append(parts, fmt.Sprintf("%s %d 项", w.priorCells[i], n))
			n = 0
		}
	}
	from := ""
	if f := w.opt.Prior.File; f != "" {
		from = "，取自文件 " + f
	}
	return []string{
		"  浅紫色单元格为预填的“上学年”数，未锁定：如有更正请直接修改（单元格批注注明来源）。",
		fmt.Sprintf("  本工作簿的“上学年”数已按 %s报送的“本学年”数预填，共 %d 个单元格（%s）%s。审核时会把“上学年”与上一学年报送的数核对，改动之处请在“情况说明”中写明理由。",
			w.priorYearText(), len(w.priorCells), strings.Join(parts, "、"), from),
	}
}

// prefillPrior writes last year's value into a 上学年 input cell: exact (a
// number as its decimal text, as WriteFilled does), light lavender,
// unlocked, with a note saying where it came from.
func (w *templateWriter) prefillPrior(col, row int, f *spec.Field, v report.Value) error {
	cell := cellName(col, row)
	var err error
	if v.Kind == report.Number {
		err = w.f.SetCellDefault(w.sheet, cell, v.Num.String())
	} else {
		err = w.f.SetCellStr(w.sheet, cell, v.Text)
	}
	if err != nil {
		return err
	}
	if err := w.set(col, row, nil, stPrior, inputFmt(f)); err != nil {
		return err
	}
	return w.f.AddComment(w.sheet, excelize.Comment{Author: "nianbao", Cell: cell, Width: 240, Height: 60,
		Text: fmt.Sprintf("已按 %s报送的本学年数预填，如有更正请直接修改", w.priorYearText())})
}
