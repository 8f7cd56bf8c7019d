package workbook

import (
	"fmt"
	"strings"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/xuri/excelize/v2"
)

// An enum is written inline in its drop-down when it is short: at most
// maxInlineValues values and maxInlineList UTF-16 units (Excel's limit is 255).
// A longer one (the major catalogue) goes to a range on the hidden list sheet.
const (
	maxInlineList   = 255
	maxInlineValues = 10
)

// listSheet is the hidden sheet that holds long drop-down lists.
const listSheet = report.ListSheet

// enumName is the defined name of an enum's range on the list sheet.
func enumName(key string) string { return "list_" + key }

var xmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// inlineList reports whether an enum's values fit an inline drop-down.
func inlineList(e *spec.Enum) bool {
	return len(e.Values) <= maxInlineValues && utf16Len(strings.Join(e.Values, ",")) <= maxInlineList
}

// cut shortens a prompt to Excel's limits (title 32, text 255 characters).
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func unitText(f *spec.Field) string {
	if f.Unit == "" || f.Unit == "%" {
		return ""
	}
	return "（单位：" + f.Unit + "）"
}

const blankAdvice = "不知道的请留空，不要填0、“无”或“—”。"

// dataValidation builds the validation of a field's input cells; topLeft is the
// first cell of sqref (custom formulas are written relative to it).
func dataValidation(s *spec.Spec, f *spec.Field, sqref, topLeft string) (*excelize.DataValidation, error) {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = sqref
	title := cut(f.Label, 32)
	var prompt, errMsg string
	style := excelize.DataValidationErrorStyleStop
	var err error
	switch f.Type {
	case spec.TypeInteger, spec.TypeYear:
		prompt, errMsg, err = wholeValidation(dv, f)
	case spec.TypeDecimal, spec.TypePercent:
		prompt, errMsg, err = decimalValidation(dv, f)
	case spec.TypeEnum:
		e := s.Enum(f.Enum)
		if inlineList(e) {
			err = dv.SetDropList(e.Values)
		} else {
			dv.SetSqrefDropList(enumName(e.Key))
		}
		prompt = "请从下拉列表中选择。"
		errMsg = "请从下拉列表中选择" + e.Label + "。"
		if f.Open {
			style = excelize.DataValidationErrorStyleWarning
			prompt = "请从下拉列表中选择；列表中没有的可直接输入，审核时会提示核实。"
			errMsg = "输入的值不在" + e.Label + "中，请核实。选“是”保留。"
		}
	default:
		prompt, errMsg, err = textValidation(dv, f, topLeft)
	}
	if err != nil {
		return nil, err
	}
	if dv.Type == "custom" {
		// excelize writes a custom formula into the XML as it is
		dv.Formula1 = xmlText.Replace(dv.Formula1)
	}
	if f.Hint != "" && !strings.Contains(prompt, f.Hint) {
		prompt = f.Hint + "。" + prompt
	}
	dv.SetInput(title, cut(prompt, 255))
	dv.SetError(style, cut("填写有误："+f.Label, 32), cut(errMsg, 255))
	return dv, nil
}

// wholeValidation sets the range of an integer or year field: whole numbers
// from its minimum (default 0) to its maximum, if any.
func wholeValidation(dv *excelize.DataValidation, f *spec.Field) (prompt, errMsg string, err error) {
	min, max := f.Bounds()
	lo, hi := "0", ""
	if min != nil {
		lo = min.String()
	}
	if max != nil {
		hi = max.String()
		err = dv.SetRange(lo, hi, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween)
		errMsg = fmt.Sprintf("请输入 %s 到 %s 之间的整数。", lo, hi)
	} else {
		err = dv.SetRange(lo, "", excelize.DataValidationTypeWhole, excelize.DataValidationOperatorGreaterThanOrEqual)
		errMsg = fmt.Sprintf("请输入不小于 %s 的整数。", lo)
	}
	if f.Type == spec.TypeYear {
		prompt = "请输入四位年份，如 2020。"
	} else {
		prompt = "请输入整数" + unitText(f) + "。" + blankAdvice
	}
	return prompt, errMsg, err
}

// decimalValidation sets the range of a decimal or percent field.
func decimalValidation(dv *excelize.DataValidation, f *spec.Field) (prompt, errMsg string, err error) {
	min, max := f.Bounds()
	lo := "0"
	if min != nil {
		lo = min.String()
	}
	places := fmt.Sprintf("最多保留 %d 位小数", f.Places())
	if max != nil {
		err = dv.SetRange(lo, max.String(), excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween)
		errMsg = fmt.Sprintf("请输入 %s 到 %s 之间的数值。", lo, max.String())
	} else {
		err = dv.SetRange(lo, "", excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorGreaterThanOrEqual)
		errMsg = fmt.Sprintf("请输入不小于 %s 的数值。", lo)
	}
	if f.Type == spec.TypePercent {
		prompt = "请输入百分数的数值，" + places + "：96.35 表示 96.35%。" + blankAdvice
	} else {
		prompt = "请输入数值" + unitText(f) + "，" + places + "。" + blankAdvice
	}
	return prompt, errMsg, err
}

// textValidation sets the rule of a field typed as text: a school code, a
// school year, a date, an e-mail address, a phone number or plain text.
func textValidation(dv *excelize.DataValidation, f *spec.Field, topLeft string) (prompt, errMsg string, err error) {
	switch f.Type {
	case spec.TypeCode:
		dv.Type = "custom"
		dv.Formula1 = fmt.Sprintf(`AND(LEN(%[1]s)=10,ISNUMBER(-%[1]s),ISERROR(SEARCH(".",%[1]s)),ISERROR(SEARCH("e",%[1]s)),ISERROR(SEARCH("-",%[1]s)),ISERROR(SEARCH("+",%[1]s)))`, topLeft)
		return "请输入10位全国学校标识码（全部为数字）。", "学校标识码应为10位数字。", nil
	case spec.TypeSchoolYear:
		dv.Type = "custom"
		dv.Formula1 = fmt.Sprintf(`AND(LEN(%[1]s)=9,MID(%[1]s,5,1)="-",ISNUMBER(-LEFT(%[1]s,4)),ISNUMBER(-RIGHT(%[1]s,4)),RIGHT(%[1]s,4)-LEFT(%[1]s,4)=1)`, topLeft)
		return "请输入学年，如 2019-2020（后一年为前一年加1）。", "学年格式应为 2019-2020，后一年为前一年加1。", nil
	case spec.TypeDate:
		err = dv.SetRange("36526", "73051", excelize.DataValidationTypeDate, excelize.DataValidationOperatorBetween)
		return "请输入日期，如 2020-12-31。", "请输入 2000-01-01 到 2099-12-31 之间的日期。", err
	case spec.TypeEmail:
		dv.Type = "custom"
		dv.Formula1 = fmt.Sprintf(`AND(ISNUMBER(SEARCH("@",%[1]s)),ISNUMBER(SEARCH(".",%[1]s)),LEN(%[1]s)<=100)`, topLeft)
		return "请输入电子邮箱地址。", "电子邮箱地址格式不对。", nil
	case spec.TypePhone:
		err = dv.SetRange(7, 20, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween)
		return "请输入联系电话（7 到 20 位）。", "联系电话应为 7 到 20 位。", err
	}
	err = dv.SetRange(1, 200, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween)
	return "请输入文字（不超过 200 字）。", "文字不能超过 200 字。", err
}
