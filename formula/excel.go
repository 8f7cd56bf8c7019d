package formula

import (
	"fmt"
	"strings"

	"github.com/nianbao/nianbao/spec"
)

// Locator maps references to A1 addresses in the workbook being written. A
// cell on another sheet comes with its sheet, e.g. '学生情况'!$D$5.
type Locator interface {
	Cell(r Ref, ctx Ctx) string
	Range(r Ref) string
}

// Excel renders a derived cell as an Excel formula (without the leading =):
// the expression rounded to places, and "" wherever Eval gives empty (a value
// it reads is empty, or a divisor is 0), so the workbook shows what Go computes.
func (e *Expr) Excel(loc Locator, ctx Ctx, places int) string {
	x := &excelWriter{loc: loc, ctx: ctx, seen: map[string]bool{}}
	body := x.render(e.Root)
	return Guard(x.blanks, x.divisors, fmt.Sprintf("ROUND(%s,%d)", body, places))
}

// Guard wraps a formula body so that it gives "" when any blank test holds, and
// then when any divisor is 0 (tested only once every value is known).
func Guard(blanks, divisors []string, body string) string {
	if len(divisors) > 0 {
		body = fmt.Sprintf(`IF(%s,"",%s)`, or(zeroTests(divisors)), body)
	}
	if len(blanks) > 0 {
		body = fmt.Sprintf(`IF(%s,"",%s)`, or(blanks), body)
	}
	return body
}

// RatioExcel renders num ÷ den × scale rounded to places, empty when either is
// empty or den is 0 (the Excel twin of Ratio).
func RatioExcel(num, den, scale string, places int) string {
	return Guard([]string{num + `=""`, den + `=""`}, []string{den},
		fmt.Sprintf("ROUND(%s/%s*%s,%d)", num, den, scale, places))
}

// SumExcel renders the 合计 of a range: its sum, or "" when it holds no number.
func SumExcel(rng string) string {
	return fmt.Sprintf(`IF(COUNT(%s)=0,"",SUM(%s))`, rng, rng)
}

func zeroTests(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x + "=0"
	}
	return out
}

func or(tests []string) string {
	if len(tests) == 1 {
		return tests[0]
	}
	return "OR(" + strings.Join(tests, ",") + ")"
}

type excelWriter struct {
	loc      Locator
	ctx      Ctx
	blanks   []string
	divisors []string
	seen     map[string]bool
	// prog, when set, adds a text test for every number cell read (the
	// 自查 sheet's 格式有误); derived cells' formulas leave it nil.
	prog  *Program
	texts []string
}

// text records a test that holds when a number cell holds text.
func (x *excelWriter) text(test string) {
	if !x.seen[test] {
		x.seen[test] = true
		x.texts = append(x.texts, test)
	}
}

// textTest holds when a number cell read holds text: the cell itself, or,
// for a list's 合计, any of the column's data rows (SUM leaves text out where
// the reader reads it as a number).
func (x *excelWriter) textTest(r Ref, cell string) string {
	sh := x.prog.Spec.Sheet(r.Sheet)
	if sh.Kind == spec.KindList && !isSummaryRow(sh, r.Field) && (r.Row == RowTotal || (r.Row == RowCurrent && !x.ctx.AtRow)) {
		all := r
		all.Row = RowAll
		return "SUMPRODUCT(--ISTEXT(" + x.loc.Range(all) + "))>0"
	}
	return "ISTEXT(" + cell + ")"
}

// numberInput reports whether a reference reads a number the school types.
func (x *excelWriter) numberInput(r Ref) bool {
	if x.prog == nil {
		return false
	}
	f := x.prog.Spec.Sheet(r.Sheet).Field(r.Field)
	return f != nil && f.Numeric() && f.Input()
}

func (x *excelWriter) blank(test string) {
	if !x.seen[test] {
		x.seen[test] = true
		x.blanks = append(x.blanks, test)
	}
}

func (x *excelWriter) render(n Node) string {
	switch n := n.(type) {
	case Lit:
		return n.Val.String()
	case StrLit:
		return quote(n.Val)
	case YearLabel:
		return quote(x.ctx.YearLabel)
	case *RefNode:
		a := x.loc.Cell(n.Ref, x.ctx)
		x.blank(a + `=""`)
		if x.numberInput(n.Ref) {
			x.text(x.textTest(n.Ref, a))
		}
		return a
	case *Unary:
		if n.Op == "!" {
			return "NOT(" + x.render(n.X) + ")"
		}
		return "-(" + x.render(n.X) + ")"
	case *Binary:
		l, r := x.render(n.L), x.render(n.R)
		switch n.Op {
		case "&&":
			return "AND(" + l + "," + r + ")"
		case "||":
			return "OR(" + l + "," + r + ")"
		case "==":
			return "(" + l + "=" + r + ")"
		case "!=":
			return "(" + l + "<>" + r + ")"
		case "/":
			if !x.seen["/"+r] {
				x.seen["/"+r] = true
				x.divisors = append(x.divisors, r)
			}
		}
		return "(" + l + n.Op + r + ")"
	case *Call:
		return x.call(n)
	}
	return ""
}

func (x *excelWriter) call(c *Call) string {
	arg := func(i int) string {
		if r, ok := c.Args[i].(*RefNode); ok && r.Ref.Row == RowAll {
			return x.loc.Range(r.Ref)
		}
		return x.render(c.Args[i])
	}
	switch c.Fn {
	case "abs":
		return "ABS(" + arg(0) + ")"
	case "round":
		return "ROUND(" + arg(0) + "," + arg(1) + ")"
	case "endyear":
		return "VALUE(RIGHT(" + arg(0) + ",4))"
	case "filled": // reads an empty value without making the whole unknown
		if r, ok := c.Args[0].(*RefNode); ok {
			return "(" + x.loc.Cell(r.Ref, x.ctx) + `<>"")`
		}
		return "(" + arg(0) + `<>"")`
	case "count":
		return "COUNTA(" + arg(0) + ")"
	case "sum", "min", "max":
		rng := arg(0)
		x.blank("COUNT(" + rng + ")=0")
		if r := c.Args[0].(*RefNode); x.numberInput(r.Ref) {
			x.text("SUMPRODUCT(--ISTEXT(" + rng + "))>0")
		}
		return strings.ToUpper(c.Fn) + "(" + rng + ")"
	}
	args := make([]string, len(c.Args))
	for i := range c.Args {
		args[i] = arg(i)
	}
	// countifs, sumifs: blank while their first criterion's column is
	first := 0
	if c.Fn == "sumifs" {
		first = 1
	}
	if first < len(args) {
		x.blank("COUNTA(" + args[first] + ")=0")
	}
	return strings.ToUpper(c.Fn) + "(" + strings.Join(args, ",") + ")"
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
