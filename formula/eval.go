package formula

import (
	"slices"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/internal/decfit"
	"github.com/nianbao/nianbao/report"
	"github.com/shopspring/decimal"
)

// Ctx is the place an expression is evaluated at. The zero Ctx is no list
// row: a list's RowCurrent reference then reads its 合计 row.
type Ctx struct {
	Year string // prev or cur: the year column being computed or checked
	// AtRow says the place is a data row of a list, Row its index (from 0).
	AtRow bool
	Row   int
	// YearLabel is year_label's text in a summary block (上学年, 本学年).
	YearLabel string
}

// RowCtx is the place of a list's data row i.
func RowCtx(i int) Ctx { return Ctx{AtRow: true, Row: i} }

// Env supplies the values an expression reads.
type Env interface {
	// Cell returns one cell's value; a Ref's empty Col means ctx.Year and its
	// RowCurrent means ctx.Row.
	Cell(r Ref, ctx Ctx) report.Value
	// Column returns a list column's data-row values.
	Column(r Ref) []report.Value
}

// Value kinds of the evaluator: report values plus booleans.
type vkind uint8

const (
	vEmpty vkind = iota
	vNum
	vText
	vBool
)

type val struct {
	k vkind
	n decimal.Decimal
	s string
	b bool
}

func fromReport(v report.Value) val {
	switch v.Kind {
	case report.Number:
		return val{k: vNum, n: v.Num}
	case report.Text:
		return val{k: vText, s: v.Text}
	}
	return val{}
}

// Eval evaluates a numeric or text expression; the result is empty when a value
// it needs is empty, is text where a number is needed, or a divisor is 0.
func (e *Expr) Eval(env Env, ctx Ctx) report.Value {
	v := eval(e.Root, env, ctx)
	switch v.k {
	case vNum:
		return report.Num(v.n)
	case vText:
		return report.Str(v.s)
	}
	return report.Value{}
}

// Test evaluates a condition. known is false when it cannot be decided because
// a value it needs is empty.
func (e *Expr) Test(env Env, ctx Ctx) (holds, known bool) {
	v := eval(e.Root, env, ctx)
	if v.k != vBool {
		return false, false
	}
	return v.b, true
}

func eval(n Node, env Env, ctx Ctx) val {
	switch n := n.(type) {
	case Lit:
		return val{k: vNum, n: n.Val}
	case StrLit:
		return val{k: vText, s: n.Val}
	case YearLabel:
		return val{k: vText, s: ctx.YearLabel}
	case *RefNode:
		if c, ok := env.(*calc); ok && n.at != nil && n.at.p == c.p {
			return fromReport(c.cell(n.at.sheet, n.at.fi, n.Ref, ctx))
		}
		return fromReport(env.Cell(n.Ref, ctx))
	case *Unary:
		x := eval(n.X, env, ctx)
		switch {
		case n.Op == "-" && x.k == vNum:
			return val{k: vNum, n: x.n.Neg()}
		case n.Op == "!" && x.k == vBool:
			return val{k: vBool, b: !x.b}
		}
		return val{}
	case *Binary:
		return binary(n, env, ctx)
	case *Call:
		return callFn(n, env, ctx)
	}
	return val{}
}

func binary(n *Binary, env Env, ctx Ctx) val {
	l := eval(n.L, env, ctx)
	if n.Op == "&&" || n.Op == "||" {
		r := eval(n.R, env, ctx)
		stop := n.Op == "||" // the value that decides the result alone
		if (l.k == vBool && l.b == stop) || (r.k == vBool && r.b == stop) {
			return val{k: vBool, b: stop}
		}
		if l.k == vBool && r.k == vBool {
			return val{k: vBool, b: !stop}
		}
		return val{}
	}
	r := eval(n.R, env, ctx)
	if l.k == vText || r.k == vText {
		if l.k != vText || r.k != vText {
			return val{}
		}
		switch n.Op {
		case "==":
			return val{k: vBool, b: l.s == r.s}
		case "!=":
			return val{k: vBool, b: l.s != r.s}
		}
		return val{}
	}
	if l.k != vNum || r.k != vNum {
		return val{}
	}
	switch n.Op {
	case "+":
		return val{k: vNum, n: l.n.Add(r.n)}
	case "-":
		return val{k: vNum, n: l.n.Sub(r.n)}
	case "*":
		return val{k: vNum, n: l.n.Mul(r.n)}
	case "/":
		if r.n.IsZero() {
			return val{}
		}
		return val{k: vNum, n: Div(l.n, r.n)}
	}
	c := l.n.Cmp(r.n)
	var b bool
	switch n.Op {
	case "==":
		b = c == 0
	case "!=":
		b = c != 0
	case "<":
		b = c < 0
	case "<=":
		b = c <= 0
	case ">":
		b = c > 0
	case ">=":
		b = c >= 0
	}
	return val{k: vBool, b: b}
}

// Div divides exactly enough for any report figure: 20 significant places.
func Div(a, b decimal.Decimal) decimal.Decimal {
	return a.DivRound(b, 20)
}

func callFn(c *Call, env Env, ctx Ctx) val {
	switch c.Fn {
	case "abs", "round", "filled", "endyear":
		return scalarFn(c, env, ctx)
	case "count", "sum", "min", "max":
		return aggregate(c.Fn, column(env, c.Args[0].(*RefNode)))
	}
	return ifsFn(c, env, ctx)
}

// scalarFn evaluates the functions of one value: abs, round, filled, endyear.
func scalarFn(c *Call, env Env, ctx Ctx) val {
	switch c.Fn {
	case "abs":
		x := eval(c.Args[0], env, ctx)
		if x.k == vNum {
			return val{k: vNum, n: x.n.Abs()}
		}
	case "round":
		x, p := eval(c.Args[0], env, ctx), eval(c.Args[1], env, ctx)
		if x.k == vNum && p.k == vNum {
			return val{k: vNum, n: x.n.Round(int32(p.n.IntPart()))}
		}
	case "filled":
		// the one function that reads an empty value without becoming empty
		return val{k: vBool, b: eval(c.Args[0], env, ctx).k != vEmpty}
	case "endyear":
		x := eval(c.Args[0], env, ctx)
		if x.k != vText {
			return val{}
		}
		if y, ok := EndYear(x.s); ok {
			return val{k: vNum, n: decimal.NewFromInt(int64(y))}
		}
	}
	return val{}
}

// column is a list column an aggregate reads: from a calc, kept once
// computed (to be read only).
func column(env Env, n *RefNode) []report.Value {
	if c, ok := env.(*calc); ok && n.at != nil && n.at.p == c.p {
		return c.keptColumn(n.at.sheet, n.at.fi)
	}
	return env.Column(n.Ref)
}

// aggregate is count, sum, min or max of a column's values.
func aggregate(fn string, col []report.Value) val {
	if fn == "count" {
		k := 0
		for _, v := range col {
			if !v.IsEmpty() {
				k++
			}
		}
		return val{k: vNum, n: decimal.NewFromInt(int64(k))}
	}
	if fn == "sum" {
		acc, found := sumNums(col, false)
		if !found {
			return val{}
		}
		return val{k: vNum, n: acc}
	}
	var acc decimal.Decimal
	found := false
	for _, v := range col {
		if v.Kind != report.Number {
			continue
		}
		switch {
		case !found:
			acc = v.Num
		case fn == "sum":
			acc = acc.Add(v.Num)
		case fn == "min" && v.Num.LessThan(acc), fn == "max" && v.Num.GreaterThan(acc):
			acc = v.Num
		}
		found = true
	}
	if !found {
		return val{}
	}
	return val{k: vNum, n: acc}
}

// ifsFn evaluates countifs(col, v, ...) and sumifs(sumcol, col, v, ...):
// empty while the first criterion's column holds nothing.
func ifsFn(c *Call, env Env, ctx Ctx) val {
	col := column(env, c.Args[0].(*RefNode))
	first := 0
	if c.Fn == "sumifs" {
		first = 1
	}
	type crit struct {
		col []report.Value
		v   val
	}
	var crits []crit
	for i := first; i+1 < len(c.Args); i += 2 {
		crits = append(crits, crit{column(env, c.Args[i].(*RefNode)), eval(c.Args[i+1], env, ctx)})
	}
	// nothing filled in the first criterion's column (a blank list): empty,
	// as the template's formula shows it
	if len(crits) > 0 && !slices.ContainsFunc(crits[0].col, func(v report.Value) bool { return !v.IsEmpty() }) {
		return val{}
	}
	// the total is decimal.Zero with each row counted or added in turn:
	// counted, k rows are k; added, the numbers' sum as sumNums gives it
	var buf [16]report.Value
	added, counted := buf[:0], 0
	for row := range col {
		ok := true
		for _, cr := range crits {
			if row >= len(cr.col) || !matches(fromReport(cr.col[row]), cr.v) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		counted++
		if c.Fn != "countifs" && col[row].Kind == report.Number {
			added = append(added, col[row])
		}
	}
	if c.Fn == "countifs" {
		if counted == 0 {
			return val{k: vNum, n: decimal.Zero}
		}
		return val{k: vNum, n: decfit.New(int64(counted), 0)}
	}
	sum, _ := sumNums(added, true) // decimal.Zero when there is none
	return val{k: vNum, n: sum}
}

func matches(v, want val) bool {
	switch {
	case v.k == vText && want.k == vText:
		return v.s == want.s
	case v.k == vNum && want.k == vNum:
		return v.n.Equal(want.n)
	}
	return false
}

// EndYear returns the second year of a school year such as 2019-2020.
func EndYear(s string) (int, bool) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return 0, false
	}
	_, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || len(a) != 4 || len(b) != 4 {
		return 0, false
	}
	return y, true
}
