package formula

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nianbao/nianbao/spec"
)

// Statuses a check shows in the template's 自查 sheet.
const (
	StatusPass    = "通过"
	StatusFail    = "未通过"
	StatusEmpty   = "未填"   // a value the check reads is empty: validate skips it
	StatusNotHere = "不适用"  // its when does not hold, or a divisor is 0: validate skips it
	StatusText    = "格式有误" // a number cell holds text: validate reads it after normalising
)

// CheckCell is one place of a check in the 自查 sheet: an Excel formula
// (without the leading =) that gives one of the statuses, or, where the check
// cannot be written as a formula, Status "" and Why.
type CheckCell struct {
	// Label says where within the place: a row's label for change, else "".
	Label  string
	Status string
	Why    string
}

// excelKind is the Excel part of a check kind (spec.CheckKinds, by name):
// where it runs in the template and its formula at one place.
type excelKind struct {
	// Scope overrides CheckScope (nil: as validate runs it).
	Scope  func(sh *spec.Sheet, c *spec.Check) Scope
	Render func(x *checkWriter, c *spec.Check) []CheckCell
}

var excelKinds = map[string]excelKind{
	"sum":     {Render: (*checkWriter).sum},
	"compare": {Render: (*checkWriter).compare},
	"range":   {Render: (*checkWriter).rangeCheck},
	"expr":    {Render: (*checkWriter).expr},
	"change":  {Scope: func(*spec.Sheet, *spec.Check) Scope { return ScopeOnce }, Render: (*checkWriter).change},
	"match":   {Scope: func(*spec.Sheet, *spec.Check) Scope { return ScopeRow }, Render: (*checkWriter).match},
}

// ExcelKinds lists the check kinds that have an Excel part (for a test that
// holds it in step with spec.CheckKinds).
func ExcelKinds() []string {
	var out []string
	for k := range excelKinds {
		out = append(out, k)
	}
	return out
}

// CheckExcelScope is where the 自查 sheet shows a check: per year (上学年,
// 本学年), per data row of a list, or once.
func CheckExcelScope(sh *spec.Sheet, c *spec.Check) Scope {
	if k, ok := c.Kind(); ok {
		if ek := excelKinds[k.Name]; ek.Scope != nil {
			return ek.Scope(sh, c)
		}
		if k.Whole {
			return ScopeOnce
		}
	}
	return CheckScope(sh, c)
}

// CheckExcel renders a check of sheet sh at one place as the formulas of the
// 自查 sheet, with validate's semantics: a check that reads an empty value is
// 未填 (missing: zero sums count empty parts as 0), a when that does not hold
// or a zero divisor 不适用, a number cell holding text 格式有误, and sums and
// comparisons pass within half a unit in the last typed decimal of each
// decimal or percentage they add up (as validate's interval arithmetic).
// Computed cells are read as the workbook shows them.
func (p *Program) CheckExcel(sh *spec.Sheet, c *spec.Check, loc Locator, ctx Ctx) []CheckCell {
	k, ok := c.Kind()
	if !ok {
		return nil
	}
	ek, ok := excelKinds[k.Name]
	if !ok {
		return []CheckCell{{Why: "此类规则无法写成公式"}}
	}
	x := &checkWriter{p: p, loc: loc, ctx: ctx}
	cells := ek.Render(x, c)
	if c.When != nil {
		w := x.part(c.When)
		for i := range cells {
			if cells[i].Status == "" {
				continue
			}
			cells[i].Status = status(w.blanks, w.texts, w.divisors, fmt.Sprintf(`IF(NOT(%s),%q,%s)`, w.body, StatusNotHere, cells[i].Status))
		}
	}
	return cells
}

// checkWriter renders the parts of one check at one place.
type checkWriter struct {
	p   *Program
	loc Locator
	ctx Ctx
}

// rendered is one expression in Excel with what makes it unknown.
type rendered struct {
	body                    string
	blanks, texts, divisors []string
	tol                     string // its tolerance ("" for none)
}

func (x *checkWriter) part(e *spec.Expr) rendered {
	ce := x.p.Expr(e)
	w := &excelWriter{loc: x.loc, ctx: x.ctx, seen: map[string]bool{}, prog: x.p}
	body := w.render(ce.Root)
	return rendered{body: body, blanks: w.blanks, texts: w.texts, divisors: w.divisors, tol: x.tolerance(ce.Root)}
}

// status is the formula of a check: 未填 when any blank test holds, 格式有误
// when a text test holds, 不适用 when a divisor is 0, else test (a formula
// giving 通过 or 未通过). Errors (text where a number is needed) are 格式有误.
func status(blanks, texts, divisors []string, test string) string {
	if len(divisors) > 0 {
		test = fmt.Sprintf(`IF(%s,%q,%s)`, or(zeroTests(divisors)), StatusNotHere, test)
	}
	if len(texts) > 0 {
		test = fmt.Sprintf(`IF(%s,%q,%s)`, or(texts), StatusText, test)
	}
	if len(blanks) > 0 {
		test = fmt.Sprintf(`IF(%s,%q,%s)`, or(blanks), StatusEmpty, test)
	}
	return test
}

func passFail(fail string) string {
	return fmt.Sprintf(`IF(%s,%q,%q)`, fail, StatusFail, StatusPass)
}

func orZero(tol string) string {
	if tol == "" {
		return "0"
	}
	return tol
}

func addTol(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "+" + b
}

func (x *checkWriter) sum(c *spec.Check) []CheckCell {
	total := x.part(&c.Sum.Total)
	blanks, texts, divs, tol := total.blanks, total.texts, total.divisors, total.tol
	var parts []string
	var partBlanks []string
	for k := range c.Sum.Parts {
		p := x.part(&c.Sum.Parts[k])
		texts, divs = append(texts, p.texts...), append(divs, p.divisors...)
		if c.Missing != "zero" || len(p.blanks) == 0 {
			blanks = append(blanks, p.blanks...)
			parts = append(parts, "("+p.body+")")
			tol = addTol(tol, p.tol)
			continue
		}
		empty := or(p.blanks)
		partBlanks = append(partBlanks, empty)
		parts = append(parts, fmt.Sprintf("IF(%s,0,%s)", empty, p.body))
		if p.tol != "" {
			tol = addTol(tol, fmt.Sprintf("IF(%s,0,%s)", empty, p.tol))
		}
	}
	if len(partBlanks) == len(c.Sum.Parts) {
		blanks = append(blanks, "AND("+strings.Join(partBlanks, ",")+")")
	}
	sum := strings.Join(parts, "+")
	var fail string
	if c.Sum.Op == "le" {
		fail = fmt.Sprintf("ROUND(%s-(%s),10)>%s", sum, total.body, orZero(tol))
	} else {
		fail = fmt.Sprintf("ABS(ROUND((%s)-(%s),10))>%s", total.body, sum, orZero(tol))
	}
	return []CheckCell{{Status: status(uniq(blanks), uniq(texts), uniq(divs), passFail(fail))}}
}

func (x *checkWriter) compare(c *spec.Check) []CheckCell {
	l, r := x.part(&c.Compare.Left), x.part(&c.Compare.Right)
	tol := orZero(addTol(l.tol, r.tol))
	d := fmt.Sprintf("ROUND((%s)-(%s),10)", l.body, r.body)  // left − right
	nd := fmt.Sprintf("ROUND((%s)-(%s),10)", r.body, l.body) // right − left
	fail := map[string]string{
		"==": "ABS(" + d + ")>" + tol,
		"<=": d + ">" + tol,
		">=": nd + ">" + tol,
		"<":  d + ">=" + tol,
		">":  nd + ">=" + tol,
	}[c.Compare.Op]
	return []CheckCell{{Status: status(uniq(append(l.blanks, r.blanks...)), uniq(append(l.texts, r.texts...)),
		uniq(append(l.divisors, r.divisors...)), passFail(fail))}}
}

func (x *checkWriter) rangeCheck(c *spec.Check) []CheckCell {
	v := x.part(&c.Range.Value)
	val := fmt.Sprintf("ROUND(%s,10)", v.body)
	var fails []string
	if c.Range.Min != nil {
		fails = append(fails, val+"<"+c.Range.Min.String())
	}
	if c.Range.Max != nil {
		fails = append(fails, val+">"+c.Range.Max.String())
	}
	return []CheckCell{{Status: status(v.blanks, v.texts, v.divisors, passFail(or(fails)))}}
}

func (x *checkWriter) expr(c *spec.Check) []CheckCell {
	v := x.part(c.Expr)
	return []CheckCell{{Status: status(v.blanks, v.texts, v.divisors, passFail("NOT("+v.body+")"))}}
}

// change runs on each (listed) row of an indicator sheet: one cell per row.
func (x *checkWriter) change(c *spec.Check) []CheckCell {
	sh := x.home(c)
	var out []CheckCell
	for _, f := range sh.Rows {
		if len(c.Change.Rows) > 0 && !slices.Contains(c.Change.Rows, f.Key) || !f.Numeric() {
			continue
		}
		prev := x.loc.Cell(Ref{Sheet: sh.Key, Field: f.Key, Col: spec.ColPrev}, x.ctx)
		cur := x.loc.Cell(Ref{Sheet: sh.Key, Field: f.Key, Col: spec.ColCur}, x.ctx)
		fail := fmt.Sprintf("ABS(ROUND(%s-%s,10))>%s", cur, prev, c.Change.Max.String())
		out = append(out, CheckCell{Label: f.Label, Status: status(
			[]string{prev + `=""`, cur + `=""`}, []string{"ISTEXT(" + prev + ")", "ISTEXT(" + cur + ")"}, nil, passFail(fail))})
	}
	return out
}

// match runs on each data row of its list: the row's key must be found in the
// other list on a row where require holds (counted with SUMPRODUCT over the
// other list's columns). A require that is not a conjunction of comparisons
// cannot be written so.
func (x *checkWriter) match(c *spec.Check) []CheckCell {
	m := c.Match
	sh := x.home(c)
	key := x.loc.Cell(Ref{Sheet: sh.Key, Field: m.Key, Row: RowCurrent}, x.ctx)
	blanks := []string{key + `=""`}
	var texts, divs []string
	test := ""
	if m.Where != nil {
		w := x.part(m.Where)
		blanks, texts, divs = append(blanks, w.blanks...), w.texts, w.divisors
		test = w.body
	}
	factors := []string{fmt.Sprintf("(%s=%s)", x.loc.Range(Ref{Sheet: m.In, Field: m.InKey, Row: RowAll}), key)}
	if m.Require != nil {
		fs, ok := x.arrayFactors(x.p.Expr(m.Require).Root)
		if !ok {
			return []CheckCell{{Why: "此项条件无法写成公式，请以教育局的审核结果为准"}}
		}
		factors = append(factors, fs...)
	}
	found := fmt.Sprintf("SUMPRODUCT(%s)=0", strings.Join(factors, "*"))
	body := passFail(found)
	if test != "" {
		body = fmt.Sprintf(`IF(NOT(%s),%q,%s)`, test, StatusNotHere, body)
	}
	return []CheckCell{{Status: status(uniq(blanks), uniq(texts), uniq(divs), body)}}
}

// arrayFactors renders a condition over another list's rows as factors of a
// SUMPRODUCT: comparisons of its columns with constants, joined by &&.
func (x *checkWriter) arrayFactors(n Node) ([]string, bool) {
	b, ok := n.(*Binary)
	if !ok {
		return nil, false
	}
	if b.Op == "&&" {
		l, ok1 := x.arrayFactors(b.L)
		r, ok2 := x.arrayFactors(b.R)
		return append(l, r...), ok1 && ok2
	}
	op := map[string]string{"==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}[b.Op]
	if op == "" {
		return nil, false
	}
	side := func(n Node) (string, bool) {
		switch n := n.(type) {
		case Lit:
			return n.Val.String(), true
		case StrLit:
			return quote(n.Val), true
		case *RefNode:
			if n.Ref.Row != RowCurrent {
				return "", false
			}
			r := n.Ref
			r.Row = RowAll
			return x.loc.Range(r), true
		}
		return "", false
	}
	l, ok1 := side(b.L)
	r, ok2 := side(b.R)
	return []string{"(" + l + op + r + ")"}, ok1 && ok2
}

// home is the sheet a check belongs to.
func (x *checkWriter) home(c *spec.Check) *spec.Sheet {
	for i := range x.p.Spec.Sheets {
		for j := range x.p.Spec.Sheets[i].Checks {
			if &x.p.Spec.Sheets[i].Checks[j] == c {
				return &x.p.Spec.Sheets[i]
			}
		}
	}
	return nil
}

// tolerance renders validate's tolerance of an expression: half a unit in the
// last typed decimal (at most the field's) of every decimal or percentage
// input it adds up. For a list's 合计 it takes the field's decimals for each
// filled row (validate takes each row's typed decimals: a smaller tolerance).
func (x *checkWriter) tolerance(n Node) string {
	switch n := n.(type) {
	case *Binary:
		if n.Op == "+" || n.Op == "-" {
			return addTol(x.tolerance(n.L), x.tolerance(n.R))
		}
	case *Unary:
		if n.Op == "-" {
			return x.tolerance(n.X)
		}
	case *RefNode:
		ref := n.Ref
		sh := x.p.Spec.Sheet(ref.Sheet)
		f := sh.Field(ref.Field)
		if f == nil || f.Derived != nil || (f.Type != spec.TypeDecimal && f.Type != spec.TypePercent) || ref.Row == RowAll {
			return ""
		}
		p := f.Places()
		if sh.Kind == spec.KindList && !isSummaryRow(sh, ref.Field) && (ref.Row == RowTotal || (ref.Row == RowCurrent && !x.ctx.AtRow)) {
			all := ref
			all.Row = RowAll
			return fmt.Sprintf("COUNT(%s)*%s", x.loc.Range(all), halfUnit(p))
		}
		return halfUnitOf(x.loc.Cell(ref, x.ctx), p)
	}
	return ""
}

// halfUnit is ½·10⁻ᵈ as text.
func halfUnit(d int) string {
	if d == 0 {
		return "0.5"
	}
	return "0." + strings.Repeat("0", d) + "5"
}

// halfUnitOf is ½·10⁻ᵈ for the decimals d a cell's value has (at most p):
// IF(ROUND(c,0)=c,0.5,IF(ROUND(c,1)=c,0.05,…)).
func halfUnitOf(cell string, p int) string {
	out := halfUnit(p)
	for d := p - 1; d >= 0; d-- {
		out = fmt.Sprintf("IF(ROUND(%s,%d)=%s,%s,%s)", cell, d, cell, halfUnit(d), out)
	}
	return out
}

func uniq(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
