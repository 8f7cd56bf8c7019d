package validate

import (
	"fmt"
	"slices"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

// contexts lists where a check is evaluated: each year of an indicator sheet,
// each data row of a list, or once.
func (v *validator) contexts(sh *spec.Sheet, c *spec.Check) []formula.Ctx {
	if k, _ := c.Kind(); k.Whole {
		return wholeCtx
	}
	switch formula.CheckScope(sh, c) {
	case formula.ScopeYear:
		return yearCtx
	case formula.ScopeRow:
		n := len(v.r.Book.Rows(sh.Key))
		for r := len(v.rowCtx); r < n; r++ {
			v.rowCtx = append(v.rowCtx, formula.RowCtx(r))
		}
		return v.rowCtx[:n:n]
	}
	return wholeCtx
}

// The places of a check that are always the same (only ever read).
var (
	wholeCtx = []formula.Ctx{{}}
	yearCtx  = []formula.Ctx{{Year: spec.ColPrev}, {Year: spec.ColCur}}
)

// check evaluates one check of the spec everywhere it applies. A check that
// reads an empty value is not evaluated (missing: skip), except that with
// missing: zero empty parts of a sum count as 0 (the check is still skipped
// when the total, or every part, is empty).
func (v *validator) check(sh *spec.Sheet, c *spec.Check) {
	for _, ctx := range v.contexts(sh, c) {
		if c.When != nil {
			if holds, known := v.p.Expr(c.When).Test(v.env, ctx); !known || !holds {
				continue
			}
		}
		if k, ok := c.Kind(); ok {
			evaluators[k.Name](v, sh, c, ctx)
		}
	}
}

// evaluators run a check of each kind (spec.CheckKinds, by name) at one place.
var evaluators = map[string]func(v *validator, sh *spec.Sheet, c *spec.Check, ctx formula.Ctx){
	"sum":     func(v *validator, _ *spec.Sheet, c *spec.Check, ctx formula.Ctx) { v.sum(c, ctx) },
	"compare": func(v *validator, _ *spec.Sheet, c *spec.Check, ctx formula.Ctx) { v.compare(c, ctx) },
	"range":   func(v *validator, _ *spec.Sheet, c *spec.Check, ctx formula.Ctx) { v.rangeCheck(c, ctx) },
	"change":  func(v *validator, sh *spec.Sheet, c *spec.Check, _ formula.Ctx) { v.change(sh, c) },
	"match":   func(v *validator, sh *spec.Sheet, c *spec.Check, _ formula.Ctx) { v.match(sh, c) },
	"expr": func(v *validator, _ *spec.Sheet, c *spec.Check, ctx formula.Ctx) {
		if holds, known := v.p.Expr(c.Expr).Test(v.env, ctx); known && !holds {
			v.fail(c, ctx, Finding{}, c.Expr)
		}
	},
}

func (v *validator) eval(e *spec.Expr, ctx formula.Ctx) report.Value {
	return v.p.Expr(e).Eval(v.env, ctx)
}

// fail records a failed check with every cell its expressions read.
func (v *validator) fail(c *spec.Check, ctx formula.Ctx, f Finding, exprs ...*spec.Expr) {
	f.Severity, f.Rule = c.Severity, c.ID
	msg := v.msg(c.Message, c.MessageEn)
	if f.Message != "" {
		msg += v.msg("（", " (") + f.Message + v.msg("）", ")")
	}
	f.Message = msg
	var cells []string
	for _, e := range exprs {
		for _, ref := range v.p.Expr(e).Refs {
			cs := v.cellsOf(ref, ctx)
			cells = append(cells, cs...)
			if len(cs) > 0 && ref.Row != formula.RowAll {
				val := v.env.Cell(ref, ctx)
				if !slices.ContainsFunc(f.Values, func(x Value) bool { return x.Cell == cs[0] }) {
					f.Values = append(f.Values, Value{cs[0], val.String()})
				}
			}
		}
	}
	v.add(f, cells...)
}

// cellsOf is where a reference is in the file: one cell, or for a list's
// 合计 the total cell and the column's data rows.
func (v *validator) cellsOf(ref formula.Ref, ctx formula.Ctx) []string {
	sh := v.p.Spec.Sheet(ref.Sheet)
	var out []string
	add := func(key report.Addr) {
		if c := v.cell(key); c != "" {
			out = append(out, c)
		}
	}
	col := ref.Col
	if col == "" {
		col = ctx.Year
	}
	switch {
	case sh.Kind == spec.KindRecord:
		add(report.FieldAddr(ref.Sheet, ref.Field))
	case sh.Kind == spec.KindIndicator, sh.Kind == spec.KindList && isSummary(sh, ref.Field):
		add(report.ColAddr(ref.Sheet, ref.Field, col))
	case ref.Row == formula.RowAll:
		if r := v.r.ColumnRange(ref.Sheet, ref.Field).String(); r != "" {
			out = append(out, r)
		}
	case ref.Row == formula.RowCurrent && ctx.AtRow:
		add(report.RowAddr(ref.Sheet, ctx.Row, ref.Field))
	default: // the 合计 row
		add(report.TotalAddr(ref.Sheet, ref.Field))
		if r := v.r.ColumnRange(ref.Sheet, ref.Field).String(); r != "" {
			out = append(out, r)
		}
	}
	return out
}

func isSummary(sh *spec.Sheet, field string) bool {
	if sh.Summary == nil {
		return false
	}
	for _, f := range sh.Summary.Rows {
		if f.Key == field {
			return true
		}
	}
	return false
}

// tolerance is half the last typed decimal of every reported value an
// expression adds up (XBRL Calculations 1.1: a value with d decimals stands
// for [v − ½·10⁻ᵈ, v + ½·10⁻ᵈ]; d at most the field's decimals). Counts are
// exact; computed values and products have no tolerance.
// addTol adds two tolerances. A tolerance is only ever compared, so a zero
// term is skipped (the same number, without Add's new big.Int).
func addTol(a, b decimal.Decimal) decimal.Decimal {
	switch {
	case b.IsZero():
		return a
	case a.IsZero():
		return b
	}
	return a.Add(b)
}

func (v *validator) tolerance(n formula.Node, ctx formula.Ctx) decimal.Decimal {
	switch n := n.(type) {
	case *formula.Binary:
		if n.Op == "+" || n.Op == "-" {
			return addTol(v.tolerance(n.L, ctx), v.tolerance(n.R, ctx))
		}
	case *formula.Unary:
		if n.Op == "-" {
			return v.tolerance(n.X, ctx)
		}
	case *formula.RefNode:
		ref := n.Ref
		sh := v.p.Spec.Sheet(ref.Sheet)
		f := sh.Field(ref.Field)
		if f == nil || !rounded(f) {
			return decimal.Zero
		}
		if sh.Kind == spec.KindList && !isSummary(sh, ref.Field) && (ref.Row == formula.RowTotal || (ref.Row == formula.RowCurrent && !ctx.AtRow)) {
			t := decimal.Zero
			for _, row := range v.r.Book.Rows(ref.Sheet) {
				t = addTol(t, halfUnit(row[ref.Field], f))
			}
			return t
		}
		if ref.Row == formula.RowAll {
			return decimal.Zero
		}
		return halfUnit(v.env.Cell(ref, ctx), f)
	}
	return decimal.Zero
}

// rounded reports whether a field's reported values stand for an interval
// (a typed decimal or percentage) rather than exactly themselves (counts,
// computed values).
func rounded(f *spec.Field) bool {
	return f.Derived == nil && (f.Type == spec.TypeDecimal || f.Type == spec.TypePercent)
}

// agree reports whether two reported values of a field are the same figure:
// numbers of a rounded field when their intervals meet (|a − b| ≤ the sum of
// their half units), any other value exactly.
func agree(a, b report.Value, f *spec.Field) bool {
	if a.Kind != report.Number || b.Kind != report.Number || !rounded(f) {
		return a.Equal(b)
	}
	return a.Num.Sub(b.Num).Abs().LessThanOrEqual(halfUnit(a, f).Add(halfUnit(b, f)))
}

// halfUnit is ½·10⁻ᵈ for a reported value with d decimals (at most the
// field's).
func halfUnit(val report.Value, f *spec.Field) decimal.Decimal {
	if val.Kind != report.Number {
		return decimal.Zero
	}
	d := min(f.Places(), max(0, -int(val.Num.Exponent())))
	if d < len(halfUnits) {
		return halfUnits[d]
	}
	return decimal.New(5, int32(-d-1))
}

// halfUnits are halfUnit's of 0 to 9 decimals, made once (a Decimal is
// never changed in place).
var halfUnits = func() (t [10]decimal.Decimal) {
	for d := range t {
		t[d] = decimal.New(5, int32(-d-1))
	}
	return t
}()

func (v *validator) sum(c *spec.Check, ctx formula.Ctx) {
	total := v.eval(&c.Sum.Total, ctx)
	if total.Kind != report.Number {
		return
	}
	tol := v.tolerance(v.p.Expr(&c.Sum.Total).Root, ctx)
	parts := v.parts[:0]
	for k := range c.Sum.Parts {
		e := &c.Sum.Parts[k]
		val := v.eval(e, ctx)
		if val.Kind != report.Number {
			if c.Missing != "zero" {
				return
			}
			continue
		}
		parts = append(parts, val.Num)
		tol = addTol(tol, v.tolerance(v.p.Expr(e).Root, ctx))
	}
	v.parts = parts
	if len(parts) == 0 {
		return
	}
	if holds, ok := sumHolds(total.Num, parts, tol, c.Sum.Op == "le"); ok && holds {
		return
	}
	sum := decimal.Zero
	for _, p := range parts {
		sum = sum.Add(p)
	}
	diff := total.Num.Sub(sum)
	var f Finding
	if c.Sum.Op == "le" {
		if diff.Neg().LessThanOrEqual(tol) {
			return
		}
		f.Reported = total.Num.String()
		f.Expected = "≥ " + sum.String()
		f.Message = v.msg(fmt.Sprintf("各项之和 %s，大于 %s", sum, total.Num), fmt.Sprintf("the parts add up to %s, more than %s", sum, total.Num))
	} else {
		if diff.Abs().LessThanOrEqual(tol) {
			return
		}
		f.Reported = total.Num.String()
		f.Expected = sum.String()
		f.Message = v.msg(fmt.Sprintf("各项之和 %s，填报 %s，相差 %s", sum, total.Num, diff.Abs()), fmt.Sprintf("the parts add up to %s; reported %s, %s apart", sum, total.Num, diff.Abs()))
	}
	exprs := []*spec.Expr{&c.Sum.Total}
	for k := range c.Sum.Parts {
		exprs = append(exprs, &c.Sum.Parts[k])
	}
	v.fail(c, ctx, f, exprs...)
}

func (v *validator) compare(c *spec.Check, ctx formula.Ctx) {
	l, r := v.eval(&c.Compare.Left, ctx), v.eval(&c.Compare.Right, ctx)
	if l.Kind != report.Number || r.Kind != report.Number {
		return
	}
	tol := addTol(v.tolerance(v.p.Expr(&c.Compare.Left).Root, ctx), v.tolerance(v.p.Expr(&c.Compare.Right).Root, ctx))
	if holds, ok := compareHolds(l.Num, r.Num, tol, c.Compare.Op); ok && holds {
		return
	}
	d := l.Num.Sub(r.Num)
	var ok bool
	switch c.Compare.Op {
	case "==":
		ok = d.Abs().LessThanOrEqual(tol)
	case "<=":
		ok = d.LessThanOrEqual(tol)
	case ">=":
		ok = d.Neg().LessThanOrEqual(tol)
	case "<":
		ok = d.LessThan(tol)
	case ">":
		ok = d.Neg().LessThan(tol)
	}
	if ok {
		return
	}
	rv := r.Num
	if e := rv.Exponent(); e < -4 {
		rv = rv.Round(2)
	}
	f := Finding{Reported: l.Num.String(), Expected: spec.OpText(c.Compare.Op) + " " + rv.String()}
	f.Message = v.msg(fmt.Sprintf("填报 %s，应 %s", l.Num, f.Expected), fmt.Sprintf("found %s, should be %s", l.Num, f.Expected))
	v.fail(c, ctx, f, &c.Compare.Left, &c.Compare.Right)
}

func (v *validator) rangeCheck(c *spec.Check, ctx formula.Ctx) {
	val := v.eval(&c.Range.Value, ctx)
	if val.Kind != report.Number {
		return
	}
	var lo, hi *decimal.Decimal
	if c.Range.Min != nil {
		lo = &c.Range.Min.Decimal
	}
	if c.Range.Max != nil {
		hi = &c.Range.Max.Decimal
	}
	if (lo == nil || cmpDec(val.Num, *lo) >= 0) && (hi == nil || cmpDec(val.Num, *hi) <= 0) {
		return
	}
	shown := val.Num
	if shown.Exponent() < -4 {
		shown = shown.Round(4)
	}
	f := Finding{Reported: shown.String(), Expected: boundsText(lo, hi)}
	f.Message = v.msg(fmt.Sprintf("为 %s，%s", shown, boundsPhrase(f.Expected, lo != nil && hi != nil, false)),
		fmt.Sprintf("it is %s; it %s", shown, boundsPhrase(f.Expected, lo != nil && hi != nil, true)))
	v.fail(c, ctx, f, &c.Range.Value)
}

func (v *validator) change(sh *spec.Sheet, c *spec.Check) {
	for _, fl := range sh.Rows {
		if len(c.Change.Rows) > 0 && !slices.Contains(c.Change.Rows, fl.Key) {
			continue
		}
		prev := v.r.Book.Get(sh.Key, report.Key{Field: fl.Key, Col: spec.ColPrev})
		cur := v.r.Book.Get(sh.Key, report.Key{Field: fl.Key, Col: spec.ColCur})
		if prev.Kind != report.Number || cur.Kind != report.Number {
			continue
		}
		d := cur.Num.Sub(prev.Num)
		if d.Abs().LessThanOrEqual(c.Change.Max.Decimal) {
			continue
		}
		pc, cc := v.cell(report.ColAddr(sh.Key, fl.Key, spec.ColPrev)), v.cell(report.ColAddr(sh.Key, fl.Key, spec.ColCur))
		f := Finding{Severity: c.Severity, Rule: c.ID, Reported: cur.Num.String(), Expected: fmt.Sprintf("%s ± %s", prev.Num, c.Change.Max),
			Values: []Value{{cc, cur.Num.String()}, {pc, prev.Num.String()}},
			Message: v.msg(fmt.Sprintf("%s（%s：上学年 %s，本学年 %s）", c.Message, fl.Label, prev.Num, cur.Num),
				fmt.Sprintf("%s (%s: %s last year, %s this year)", c.MessageEn, fl.Label, prev.Num, cur.Num))}
		v.add(f, cc, pc)
	}
}

func (v *validator) match(sh *spec.Sheet, c *spec.Check) {
	m := c.Match
	in := v.p.Spec.Sheet(m.In)
	for r, row := range v.r.Book.Rows(sh.Key) {
		if m.Where != nil {
			if holds, known := v.p.Expr(m.Where).Test(v.env, formula.RowCtx(r)); !known || !holds {
				continue
			}
		}
		key := row[m.Key]
		if key.IsEmpty() {
			continue
		}
		// other is the last row whose key matches but which does not hold
		// (its cell is looked up only for the finding)
		found, other := false, -1
		for ir, o := range v.r.Book.Rows(in.Key) {
			if !o[m.InKey].Equal(key) {
				continue
			}
			other = ir
			holds, known := true, true
			if m.Require != nil {
				holds, known = v.p.Expr(m.Require).Test(v.env, formula.RowCtx(ir))
			}
			if known && holds {
				found = true
				break
			}
		}
		if found {
			continue
		}
		cell, otherCell := v.cell(report.RowAddr(sh.Key, r, m.Key)), ""
		if other >= 0 {
			otherCell = v.cell(report.RowAddr(in.Key, other, m.InKey))
		}
		f := Finding{Severity: c.Severity, Rule: c.ID, Reported: key.String(), Values: []Value{{cell, key.String()}},
			Message: v.msg(fmt.Sprintf("%s（“%s”）", c.Message, key), fmt.Sprintf("%s (%q)", c.MessageEn, key))}
		v.add(f, cell, otherCell)
	}
}
