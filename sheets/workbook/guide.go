package workbook

import (
	"fmt"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
)

// guideWidth is the width of 填报说明's column, in characters: what A4
// portrait holds in LibreOffice, which measures these wider than Excel.
const guideWidth = 70

// guide writes the 填报说明 sheet: how to fill the workbook.
func (w *templateWriter) guide() error {
	if err := w.f.SetSheetName("Sheet1", report.GuideSheet); err != nil {
		return err
	}
	w.sheet = report.GuideSheet
	s := w.s
	lines := []string{
		s.Title + " · 填报说明",
		"",
		fmt.Sprintf("模板版本 %s。请勿修改工作表名称、表头和行标签，勿删除或移动工作表。", s.Version),
		"一、哪些单元格需要填写",
		"  白色单元格为填报单元格；灰色单元格由公式自动计算（合计、比率、生均、本学年为上学年(%)），已锁定，无需也无法填写。",
		"  浅绿色单元格为教育局预填的学校信息，已锁定。",
	}
	lines = append(lines, w.priorGuide()...)
	lines = append(lines,
		"  每个填报单元格都有输入提示和数据验证：输入不符合要求时会弹出说明。",
		"二、数字怎么填",
		"  只填数字，不要带单位或其他文字（单位见“单位”列或表头括号）。",
		"  金额单位为万元的，请换算为万元填写（如 1883.5 万元填 1883.5，不要填 18835000）。",
		"  百分比填数值：96.35 表示 96.35%，保留两位小数。",
		"  不知道或不适用的请留空，不要填 0、“无”、“—” 或 “/”：0 表示确实为零。",
		"三、列表类表格（每行一个专业、项目等）",
		fmt.Sprintf("  列表已预留空行（通常 %d 行），从第一行起连续填写；“合计”行自动求和，勿手工填写。", w.listRows()),
		"  行数不够时：在列表中间右键某一行，选择“插入”，再把上一行整行复制到新行（保留公式与下拉列表）；不要在“合计”行下方填写。",
		"  专业名称请从下拉列表中选择；目录中没有的专业可以直接输入，审核时会提示核实。",
		"四、审核",
		"  填写过程中可随时查看“自查”表：每条审核规则一行，显示通过、未通过或未填，顶部统计未通过的项数；交回前请把“未通过”逐项核对。",
		"  交回后，教育局会用同一套规则审核：合计是否等于各项之和、比率是否与人数一致、各表之间的数据是否一致。",
		"  “错误”必须修改；“警告”请核实，确属实际情况的可保留，并在“情况说明”表中写明理由（工作表、单元格照抄审核结果，规则编号可不填），或直接写在批注副本“审核结果”的说明栏。",
		"五、各表一览",
	)
	for i := range s.Sheets {
		sh := &s.Sheets[i]
		kind := map[string]string{spec.KindRecord: "基本信息", spec.KindIndicator: "指标表（上学年、本学年对比）", spec.KindList: "列表（逐行填写）"}[sh.Kind]
		lines = append(lines, fmt.Sprintf("  %d. %s — %s（%s）", i+1, sh.Name, sh.Title, kind))
	}
	if s.Contact != "" {
		lines = append(lines, "六、联系方式", "  "+s.Contact)
	}
	// one column as wide as an A4 page in portrait, each line wrapped in it
	for i, line := range lines {
		kind := stNote
		if i == 0 {
			kind = stTitle
		}
		if err := w.set(1, i+1, line, kind, ""); err != nil {
			return err
		}
		if n := textLines(line, guideWidth*1.2); i > 0 && n > 1 {
			if err := w.f.SetRowHeight(w.sheet, i+1, 15*float64(n)); err != nil {
				return err
			}
		}
	}
	if err := w.widths(map[int]float64{1: guideWidth}); err != nil {
		return err
	}
	if err := w.f.SetSheetDimension(w.sheet, "A1:"+cellName(1, len(lines))); err != nil {
		return err
	}
	if err := w.print(1); err != nil {
		return err
	}
	return w.protect()
}

// listRows is the usual number of empty rows of a list sheet.
func (w *templateWriter) listRows() int {
	if w.opt.ListRows > 0 {
		return w.opt.ListRows
	}
	return w.s.ListRowCount(&spec.Sheet{})
}
