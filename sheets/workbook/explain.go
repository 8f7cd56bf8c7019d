package workbook

import (
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/layout"
)

// explainRows is how many empty rows the template's 情况说明 offers.
const explainRows = 50

// explainSheet writes the template's 情况说明 sheet.
func (w *templateWriter) explainSheet() error {
	if err := w.newSheet(report.ExplainSheet); err != nil {
		return err
	}
	headers := []string{"工作表", "单元格", "规则编号", "说明"}
	if err := w.title("情况说明：确属实际情况的“警告”，请在此写明理由（工作表、单元格照抄审核结果，规则编号可不填；也可直接写在批注副本“审核结果”的说明栏）；“错误”必须修改，不能以说明代替", len(headers), headers); err != nil {
		return err
	}
	last := layout.FirstRow + explainRows - 1
	if err := w.style(cellName(1, layout.FirstRow), cellName(len(headers), last), stInput, "@"); err != nil {
		return err
	}
	if err := w.widths(map[int]float64{1: 16, 2: 10, 3: 32, 4: 80}); err != nil {
		return err
	}
	if err := w.f.SetSheetDimension(w.sheet, "A1:"+cellName(len(headers), last)); err != nil {
		return err
	}
	if err := w.print(len(headers)); err != nil {
		return err
	}
	return w.protect()
}
