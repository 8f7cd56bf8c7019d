package consolidate

import (
	"strings"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

// Number formats of the bureau's workbook, from the spec: counts with
// thousands separators, amounts and rates with the field's decimals, ratios
// as 18.9:1. CSV and JSON write the exact values.
const (
	fmtCount = "#,##0"
	fmtPlain = "0" // years, 序号: no separators
)

// decimalsFormat is #,##0 with places decimals.
func decimalsFormat(places int) string {
	if places <= 0 {
		return fmtCount
	}
	if places < len(zeros) {
		return zeros[places].decimals
	}
	return "#,##0." + strings.Repeat("0", places)
}

// zeros are the formats of 1 to 9 places, made once: 学校数据 asks for one
// per value.
var zeros = func() (z [10]struct{ fixed, decimals string }) {
	for i := 1; i < len(z); i++ {
		z[i].fixed = "0." + strings.Repeat("0", i)
		z[i].decimals = "#,##0." + strings.Repeat("0", i)
	}
	return z
}()

// fieldFormat is the number format of a field's values.
func fieldFormat(f *spec.Field) string {
	switch f.Type {
	case spec.TypeYear, spec.TypeSeq:
		return fmtPlain
	case spec.TypeInteger:
		return fmtCount
	}
	places := f.Places()
	if f.Display == "ratio" {
		return ratioFormat(places)
	}
	if f.Type == spec.TypePercent {
		return fixedFormat(places)
	}
	return decimalsFormat(places)
}

func ratioFormat(places int) string { return fixedFormat(places) + `":1"` }

// fixedFormat is a number with places decimals and no separators: 0, 0.0, 0.00.
func fixedFormat(places int) string {
	if places <= 0 {
		return "0"
	}
	if places < len(zeros) {
		return zeros[places].fixed
	}
	return "0." + strings.Repeat("0", places)
}

// changeFormat shows a difference with its sign: +1,234 / -0.50.
func changeFormat(places int) string {
	f := decimalsFormat(places)
	return "+" + f + ";-" + f + ";" + f
}

// indicatorFormat is the format of a key figure of 学校指标: a ratio when it
// reads a ratio field, else its decimals.
func indicatorFormat(p *formula.Program, x *spec.Indicator) string {
	places := 2
	if x.Decimals != nil {
		places = *x.Decimals
	}
	if refs := p.Expr(&x.Value).Refs; len(refs) == 1 {
		if sh := p.Spec.Sheet(refs[0].Sheet); sh != nil {
			if f := sh.Field(refs[0].Field); f != nil && f.Display == "ratio" {
				return ratioFormat(places)
			}
		}
	}
	if x.Unit == "%" {
		return fixedFormat(places)
	}
	return decimalsFormat(places)
}

// formatted is a value as a table cell, a number with its format.
func formatted(v report.Value, format string, bold bool) any {
	switch v.Kind {
	case report.Number:
		return xlsx.Number{Value: v.Num, Format: format, Bold: bold}
	case report.Text:
		if bold {
			return xlsx.Bold(v.Text)
		}
		return v.Text
	}
	return nil
}

func num(d decimal.Decimal, format string) xlsx.Number {
	return xlsx.Number{Value: d, Format: format}
}

// count is a number of schools or findings.
func count(n int) xlsx.Number { return num(decimal.NewFromInt(int64(n)), fmtCount) }

// headerWidth is a column's width: its header wrapped on two lines at most,
// and room for a number.
func headerWidth(label string, least float64) float64 {
	w := xlsx.TextWidth(label)
	if w > 2*least {
		w = w/2 + 1
	}
	return max(least, w)
}

// display is how a file is named in the workbook (see display).
func (b *builder) display(file string) string { return display(b.opt.Roots, file) }

// boldRow is a row of a total: its texts and numbers bold.
func boldRow(row []any) []any {
	for i, v := range row {
		switch x := v.(type) {
		case string:
			row[i] = xlsx.Bold(x)
		case xlsx.Number:
			x.Bold = true
			row[i] = x
		}
	}
	return row
}
