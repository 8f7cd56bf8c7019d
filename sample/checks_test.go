package sample

import (
	"fmt"
	"slices"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

// failures evaluates every check of the spec on a book exactly (no
// tolerance: generated values are exact) and returns the failing ones as
// "check id [where]". It is the test's own reading of the spec's rule kinds,
// independent of the generator: values of each rule are recomputed from the
// book's inputs. Input types, ranges, required fields and drop-downs are
// checked too.
func failures(p *formula.Program, b *report.Book) []string {
	env := p.NewEnv(b)
	var out []string
	fail := func(id, where string) { out = append(out, id+" ["+where+"]") }
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		out = append(out, inputFailures(p.Spec, sh, b)...)
		for j := range sh.Checks {
			c := &sh.Checks[j]
			for _, ctx := range contexts(p, sh, c, b) {
				where := fmt.Sprintf("%s %+v", sh.Key, ctx)
				if c.When != nil {
					if holds, known := p.Expr(c.When).Test(env, ctx); !known || !holds {
						continue
					}
				}
				if !holdsAt(p, sh, c, env, b, ctx) {
					fail(c.ID, where)
				}
			}
		}
	}
	return out
}

func contexts(p *formula.Program, sh *spec.Sheet, c *spec.Check, b *report.Book) []formula.Ctx {
	if c.Change != nil || c.Match != nil {
		return []formula.Ctx{{}}
	}
	switch formula.CheckScope(sh, c) {
	case formula.ScopeYear:
		return []formula.Ctx{{Year: spec.ColPrev}, {Year: spec.ColCur}}
	case formula.ScopeRow:
		var cs []formula.Ctx
		for r := range b.Rows(sh.Key) {
			cs = append(cs, formula.RowCtx(r))
		}
		return cs
	}
	return []formula.Ctx{{}}
}

func holdsAt(p *formula.Program, sh *spec.Sheet, c *spec.Check, env formula.Env, b *report.Book, ctx formula.Ctx) bool {
	eval := func(e *spec.Expr) report.Value { return p.Expr(e).Eval(env, ctx) }
	switch {
	case c.Sum != nil:
		total := eval(&c.Sum.Total)
		if total.IsEmpty() {
			return true
		}
		sum, filled := decimal.Zero, 0
		for k := range c.Sum.Parts {
			v := eval(&c.Sum.Parts[k])
			if v.IsEmpty() {
				if c.Missing != "zero" {
					return true
				}
				continue
			}
			sum, filled = sum.Add(v.Num), filled+1
		}
		if filled == 0 {
			return true
		}
		if c.Sum.Op == "le" {
			return sum.LessThanOrEqual(total.Num)
		}
		return sum.Equal(total.Num)
	case c.Compare != nil:
		l, r := eval(&c.Compare.Left), eval(&c.Compare.Right)
		if l.Kind != report.Number || r.Kind != report.Number {
			return true
		}
		k := l.Num.Cmp(r.Num)
		switch c.Compare.Op {
		case "==":
			return k == 0
		case "<=":
			return k <= 0
		case ">=":
			return k >= 0
		case "<":
			return k < 0
		}
		return k > 0
	case c.Range != nil:
		v := eval(&c.Range.Value)
		if v.Kind != report.Number {
			return true
		}
		return (c.Range.Min == nil || v.Num.GreaterThanOrEqual(c.Range.Min.Decimal)) &&
			(c.Range.Max == nil || v.Num.LessThanOrEqual(c.Range.Max.Decimal))
	case c.Change != nil:
		for _, f := range sh.Rows {
			if len(c.Change.Rows) > 0 && !slices.Contains(c.Change.Rows, f.Key) {
				continue
			}
			prev := b.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColPrev})
			cur := b.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColCur})
			if prev.Kind == report.Number && cur.Kind == report.Number && cur.Num.Sub(prev.Num).Abs().GreaterThan(c.Change.Max.Decimal) {
				return false
			}
		}
		return true
	case c.Match != nil:
		m := c.Match
		in := p.Spec.Sheet(m.In)
		for r, row := range b.Rows(sh.Key) {
			if m.Where != nil {
				if holds, known := p.Expr(m.Where).Test(env, formula.RowCtx(r)); !known || !holds {
					continue
				}
			}
			found := false
			for ir, other := range b.Rows(in.Key) {
				if other[m.InKey].Equal(row[m.Key]) {
					found = m.Require == nil
					if !found {
						holds, known := p.Expr(m.Require).Test(env, formula.RowCtx(ir))
						found = known && holds
					}
				}
			}
			if !found {
				return false
			}
		}
		return true
	case c.Expr != nil:
		holds, known := p.Expr(c.Expr).Test(env, ctx)
		return !known || holds
	}
	panic("check " + c.ID + " has no rule the test knows")
}

// inputFailures checks every input value: its type, range and drop-down, and
// that required fields are filled.
func inputFailures(s *spec.Spec, sh *spec.Sheet, b *report.Book) []string {
	var out []string
	check := func(f *spec.Field, v report.Value, where string) {
		if v.IsEmpty() {
			if f.Required {
				out = append(out, "required ["+where+"]")
			}
			return
		}
		if f.Numeric() {
			if v.Kind != report.Number {
				out = append(out, "type ["+where+"]")
				return
			}
			if min, max := f.Bounds(); (min != nil && v.Num.LessThan(*min)) || (max != nil && v.Num.GreaterThan(*max)) {
				out = append(out, "range ["+where+"] "+v.String())
			}
			if v.Num.Exponent() < -int32(f.Places()) && !v.Num.Equal(v.Num.Round(int32(f.Places()))) {
				out = append(out, "decimals ["+where+"] "+v.String())
			}
			return
		}
		if v.Kind != report.Text {
			out = append(out, "type ["+where+"]")
		}
		if f.Type == spec.TypeEnum && !slices.Contains(s.Enum(f.Enum).Values, v.Text) {
			out = append(out, "enum ["+where+"] "+v.Text)
		}
	}
	for _, f := range sh.Fields() {
		if !f.Input() {
			continue
		}
		switch sh.Kind {
		case spec.KindRecord:
			check(&f, b.Get(sh.Key, report.Key{Field: f.Key}), sh.Key+"."+f.Key)
		case spec.KindIndicator:
			for _, col := range []string{spec.ColPrev, spec.ColCur} {
				check(&f, b.Get(sh.Key, report.Key{Field: f.Key, Col: col}), sh.Key+"."+f.Key+"."+col)
			}
		case spec.KindList:
			for r, row := range b.Rows(sh.Key) {
				check(&f, row[f.Key], fmt.Sprintf("%s[%d].%s", sh.Key, r, f.Key))
			}
		}
	}
	return out
}
