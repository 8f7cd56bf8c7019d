package validate

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

// Options adjust validation.
type Options struct {
	Lang string // zh (default) or en
	// Prior is what the school reported the year before: each 上学年 input
	// of the indicator tables is compared with last year's 本学年
	// (RuleCrossYear). Nil: no cross-year check.
	Prior *report.PriorYear
}

// Check runs every rule of the spec on a report read from a workbook and
// returns the findings, sorted by sheet and cell: what the reader could not
// read or had to normalise, each input cell's type, range and drop-down,
// every computed cell typed over, every check of the spec, and with
// opt.Prior every 上学年 against last year's 本学年.
func Check(p *formula.Program, r *report.Report, opt Options) []Finding {
	v := &validator{p: p, r: r, en: opt.Lang == "en", env: p.NewEnv(r.Book)}
	v.reader()
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		if r.Sheets[i].Name == "" {
			continue // missing: reported by the reader
		}
		v.inputs(sh)
	}
	v.overwritten()
	if opt.Prior != nil {
		v.crossYear(opt.Prior)
	}
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		for j := range sh.Checks {
			v.check(sh, &sh.Checks[j])
		}
	}
	v.explain()
	sortFindings(v.out, r)
	if v.out == nil {
		v.out = []Finding{}
	}
	return v.out
}

// cell is where a cell of the spec is in the file (Sheet!A1), or "".
func (v *validator) cell(a report.Addr) string { return v.r.Cell(a).String() }

type validator struct {
	p   *formula.Program
	r   *report.Report
	en  bool
	env formula.Env
	out []Finding
	// parts are a sum check's parts, a slice used again for each
	parts []decimal.Decimal
	// rowCtx are the places of list rows 0, 1, …, made once (only read)
	rowCtx []formula.Ctx
}

// lang is the language of the messages: "en" or "zh".
func (v *validator) lang() string {
	if v.en {
		return "en"
	}
	return "zh"
}

func (v *validator) msg(zh, en string) string {
	if v.en {
		return en
	}
	return zh
}

// add records a finding; cells are Sheet!A1 addresses or ranges, the first
// one is where the finding is shown.
func (v *validator) add(f Finding, cells ...string) {
	seen := map[string]bool{}
	for _, c := range cells {
		if c != "" && !seen[c] {
			seen[c] = true
			f.Cells = append(f.Cells, c)
		}
	}
	if f.Cells == nil {
		f.Cells = []string{}
	}
	if len(f.Cells) > 0 && f.Sheet == "" {
		first, _ := report.ParseCell(f.Cells[0])
		first = first.First()
		f.Sheet, f.Cell = first.Sheet, first.Ref
	}
	if f.Values == nil {
		f.Values = []Value{}
	}
	v.out = append(v.out, f)
}

// reader turns what the reader could not read into errors and what it
// normalised into hints.
func (v *validator) reader() {
	for _, pr := range v.r.Problems {
		msg := pr.Text(v.lang())
		if pr.Found != "" {
			msg = fmt.Sprintf(v.msg("%s（单元格内容：%s）", "%s (the cell holds: %s)"), msg, pr.Found)
		}
		f := Finding{Severity: Error, Rule: RuleUnreadable, Message: msg, Reported: pr.Found}
		if pr.Cell == "" {
			f.Sheet = pr.Sheet
			v.add(f)
			continue
		}
		v.add(f, report.Cell{Sheet: pr.Sheet, Ref: pr.Cell}.String())
	}
	for _, n := range v.r.Notes {
		if n.Cell == "" {
			v.add(Finding{Severity: Info, Rule: RuleFile, Sheet: n.Sheet, Message: n.Text(v.lang())})
			continue
		}
		v.add(Finding{Severity: Info, Rule: RuleNormalised, Message: v.msg("已规范化读取：", "read after normalising: ") + n.Text(v.lang())}, report.Cell{Sheet: n.Sheet, Ref: n.Cell}.String())
	}
}

// inputs checks every input cell of a sheet: required, range, drop-down.
func (v *validator) inputs(sh *spec.Sheet) {
	var values map[report.Key]report.Value // the sheet's, looked up once
	if in := v.r.Book.Sheets[sh.Key]; in != nil {
		values = in.Values
	}
	for i := range sh.Fields() {
		f := &sh.Fields()[i]
		if !f.Input() {
			continue
		}
		// a field's bounds, once for all its cells
		var b bounds
		if f.Numeric() {
			b.min, b.max = v.p.Bounds(f)
		}
		switch sh.Kind {
		case spec.KindRecord:
			v.input(sh, f, b, report.FieldAddr(sh.Key, f.Key), values[report.Key{Field: f.Key}])
		case spec.KindIndicator:
			for _, col := range []string{spec.ColPrev, spec.ColCur} {
				v.input(sh, f, b, report.ColAddr(sh.Key, f.Key, col), values[report.Key{Field: f.Key, Col: col}])
			}
		case spec.KindList:
			for row, vals := range v.r.Book.Rows(sh.Key) {
				v.input(sh, f, b, report.RowAddr(sh.Key, row, f.Key), vals[f.Key])
			}
		}
	}
}

// bounds are a numeric field's (spec.Field.Bounds).
type bounds struct{ min, max *decimal.Decimal }

func (v *validator) input(sh *spec.Sheet, f *spec.Field, b bounds, key report.Addr, val report.Value) {
	// where the cell is in the file is looked up only for a finding: none
	// is made when the row or column is missing (reported by the reader)
	var at report.Cell
	found := func() bool {
		at = v.r.Cell(key)
		return !at.IsZero()
	}
	if val.IsEmpty() {
		if f.Required && found() {
			v.add(Finding{Severity: Error, Rule: RuleRequired,
				Message: v.msg(fmt.Sprintf("“%s”必须填写", f.Label), fmt.Sprintf("%s is required", f.Label))}, at.String())
		}
		return
	}
	values := func() []Value { return []Value{{at.String(), val.String()}} }
	if f.Numeric() && val.Kind == report.Number {
		min, max := b.min, b.max
		if ((min != nil && cmpDec(val.Num, *min) < 0) || (max != nil && cmpDec(val.Num, *max) > 0)) && found() {
			want := boundsText(min, max)
			v.add(Finding{Severity: Error, Rule: RuleRange, Values: values(), Reported: val.String(), Expected: want,
				Message: v.msg(fmt.Sprintf("“%s”%s，填报的是 %s", f.Label, boundsPhrase(want, min != nil && max != nil, false), val),
					fmt.Sprintf("%s %s; found %s", f.Label, boundsPhrase(want, min != nil && max != nil, true), val))}, at.String())
		}
		return
	}
	if pattern := patterns[f.Type]; pattern != nil && val.Kind == report.Text && !pattern.re.MatchString(val.Text) {
		if !found() {
			return
		}
		v.add(Finding{Severity: Error, Rule: RulePattern, Values: values(), Reported: val.Text, Expected: pattern.zh,
			Message: v.msg(fmt.Sprintf("“%s”格式不对，应为%s，填报的是“%s”", f.Label, pattern.zh, val.Text),
				fmt.Sprintf("%s is not %s; found %q", f.Label, pattern.en, val.Text))}, at.String())
		return
	}
	if f.Type == spec.TypeEnum && val.Kind == report.Text {
		e := v.p.Spec.Enum(f.Enum)
		if slices.Contains(e.Values, val.Text) || !found() {
			return
		}
		if f.Open {
			v.add(Finding{Severity: Warning, Rule: RuleCatalogue, Values: values(), Reported: val.Text,
				Message: v.msg(fmt.Sprintf("“%s”不在“%s”中，请核实名称（如确为新设专业，请写明说明）", val.Text, e.Label),
					fmt.Sprintf("%q is not in the list %s; check the name", val.Text, e.Label))}, at.String())
			return
		}
		v.add(Finding{Severity: Error, Rule: RuleEnum, Values: values(), Reported: val.Text, Expected: strings.Join(e.Values, "/"),
			Message: v.msg(fmt.Sprintf("“%s”应从下拉列表中选择（%s），填报的是“%s”", f.Label, e.Label, val.Text),
				fmt.Sprintf("%s must be chosen from the list (%s); found %q", f.Label, e.Label, val.Text))}, at.String())
	}
}

// boundsPhrase says "应在 0–100 之间" or "应 ≥ 0".
func boundsPhrase(bounds string, both, en bool) string {
	switch {
	case en && both:
		return "must lie in " + bounds
	case en:
		return "must be " + bounds
	case both:
		return "应在 " + bounds + " 之间"
	}
	return "应 " + bounds
}

// patterns are the forms of the text types the reader does not check itself.
var patterns = map[string]*struct {
	re     *regexp.Regexp
	zh, en string
}{
	spec.TypeEmail: {regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`), "电子邮箱（如 office@school.edu.cn）", "an e-mail address"},
	spec.TypePhone: {regexp.MustCompile(`^\+?[0-9][0-9 ()（）\-－—,，/转]{5,30}$`), "电话号码（如 0371-66668888）", "a telephone number"},
}

func boundsText(min, max *decimal.Decimal) string {
	switch {
	case min != nil && max != nil:
		return min.String() + "–" + max.String()
	case min != nil:
		return "≥ " + min.String()
	case max != nil:
		return "≤ " + max.String()
	}
	return ""
}

// overwritten compares every computed cell typed over with its recomputed
// value: a value equal to it rounded to the typed decimals is a hint (the
// formula is gone), equal to it cut off a warning (取舍误差), else an error.
func (v *validator) overwritten() {
	for _, o := range v.r.Overwritten {
		exact, places, field, ok := v.exact(o.Key)
		if !ok {
			continue
		}
		cell := report.Cell{Sheet: o.Sheet, Ref: o.Cell}.String()
		typed := o.Value
		f := Finding{Reported: typed.String(), Values: []Value{{cell, typed.String()}}}
		if typed.Kind != report.Number {
			f.Severity, f.Rule = Error, RuleComputed
			f.Message = v.msg(fmt.Sprintf("“%s”是计算单元格，被改写为“%s”；请恢复公式", field, typed), fmt.Sprintf("%s is computed but holds %q; restore its formula", field, typed))
			v.add(f, cell)
			continue
		}
		d := min(places, max(0, -int(typed.Num.Exponent())))
		if exact.Kind != report.Number {
			f.Severity, f.Rule, f.Expected = Error, RuleComputed, v.msg("空", "empty")
			f.Message = v.msg(fmt.Sprintf("“%s”的公式被改写为 %s，但按公式应为空（缺少数据或分母为 0）", field, typed),
				fmt.Sprintf("%s: the formula was replaced by %s, but it computes to nothing (missing data or a zero divisor)", field, typed))
			v.add(f, cell)
			continue
		}
		rounded := exact.Num.Round(int32(d))
		want := exact.Num.Round(int32(places))
		f.Expected = want.String()
		switch {
		case rounded.Equal(typed.Num):
			f.Severity, f.Rule = Info, RuleOverwritten
			f.Message = v.msg(fmt.Sprintf("“%s”的公式被改写为数值 %s（与计算结果一致）；请恢复公式，以免数据改动后不再更新", field, typed),
				fmt.Sprintf("%s: the formula was replaced by the value %s (equal to the result); restore it so that it updates", field, typed))
		case exact.Num.Truncate(int32(d)).Equal(typed.Num):
			f.Severity, f.Rule = Warning, RuleComputed
			f.Message = v.msg(fmt.Sprintf("“%s”填报 %s，按公式四舍五入应为 %s（取舍误差：截断而非四舍五入）", field, typed, rounded),
				fmt.Sprintf("%s: %s was reported; rounded it is %s (cut off instead of rounded)", field, typed, rounded))
		default:
			f.Severity, f.Rule = Error, RuleComputed
			f.Message = v.msg(fmt.Sprintf("“%s”填报 %s，按公式计算应为 %s；请恢复公式", field, typed, want),
				fmt.Sprintf("%s: %s was reported; the formula gives %s; restore the formula", field, typed, want))
		}
		v.add(f, cell)
	}
}

// exact is the unrounded value of a computed cell named by its key
// (sheet.field.col, sheet[i].field, sheet.total.field), its places and label.
func (v *validator) exact(key report.Addr) (val report.Value, places int, label string, ok bool) {
	at := formula.Ctx{} // the 合计 row, or no list row
	if key.InRow {
		at = formula.RowCtx(key.Row)
	}
	sh := v.p.Spec.Sheet(key.Sheet)
	if sh == nil {
		return val, 0, "", false
	}
	col := key.Col
	f := sh.Field(key.Field)
	if f == nil {
		return val, 0, "", false
	}
	label = sh.Name + " " + f.Label
	switch {
	case col == spec.ColPct:
		cur := v.env.Cell(formula.Ref{Sheet: sh.Key, Field: f.Key, Col: spec.ColCur}, formula.Ctx{})
		prev := v.env.Cell(formula.Ref{Sheet: sh.Key, Field: f.Key, Col: spec.ColPrev}, formula.Ctx{})
		label += " " + v.p.Spec.Columns.Pct
		if cur.Kind == report.Number && prev.Kind == report.Number && !prev.Num.IsZero() {
			val = report.Num(formula.Div(cur.Num.Mul(decimal.NewFromInt(100)), prev.Num))
		}
		return val, formula.PctPlaces, label, true
	case col == report.TotalCol && f.TotalKind() == "sum":
		label += " " + v.p.Spec.Columns.Total
		return v.env.Cell(formula.Ref{Sheet: sh.Key, Field: f.Key, Row: formula.RowTotal}, formula.Ctx{}), f.Places(), label, true
	case f.Derived == nil:
		return val, 0, "", false
	case col != spec.ColPrev && col != spec.ColCur: // a list row, or a derived 合计
		if col == report.TotalCol {
			label += " " + v.p.Spec.Columns.Total
		}
		return v.p.Expr(f.Derived).Eval(v.env, at), f.Places(), label, true
	}
	ctx := formula.Ctx{Year: col, YearLabel: v.yearLabel(col)}
	return v.p.Expr(f.Derived).Eval(v.env, ctx), f.Places(), label, true
}

func (v *validator) yearLabel(col string) string {
	if col == spec.ColPrev {
		return v.p.Spec.Columns.Prev
	}
	return v.p.Spec.Columns.Cur
}
