package spec

import (
	"fmt"
	"strings"
)

// CheckKind is one kind of check (sum, compare, range, change, match, expr):
// everything the spec side knows about it. The engine's parts are keyed by
// Name: formula compiles the expressions Exprs lists, validate evaluates the
// kind with its evaluator of the same name (a test holds the two tables in
// step). To add a kind, see "How to add a check kind" in the README.
type CheckKind struct {
	// Name is the kind's key in the YAML check, e.g. "sum".
	Name string
	// Set reports whether a check is of this kind.
	Set func(c *Check) bool
	// Shape reports what struct tags cannot: the kind's place (which sheet
	// kinds) and its references to rows and sheets. Paths are relative to
	// the check, e.g. "change.rows[0]".
	Shape func(s *Spec, sh *Sheet, c *Check, bad Complain)
	// Describe writes the rule as a formula-like line (without its notes).
	Describe func(c *Check) string
	// Exprs lists the check's expressions (besides when) and what each must
	// give.
	Exprs func(s *Spec, sh *Sheet, c *Check) []RuleExpr
	// Whole says the rule runs once over its whole sheet, whatever each says.
	Whole bool
}

// Complain records a mistake at a path, in Chinese and English (args serve
// both).
type Complain func(path, zh, en string, args ...any)

// RuleExpr is one expression of a check.
type RuleExpr struct {
	Expr *Expr
	// Cond: the expression is a condition (true or false); otherwise a number.
	Cond bool
	// Sheet is where its names are looked up (nil: the check's sheet).
	Sheet *Sheet
	// EachRow: it is evaluated at a list's data rows, whatever the check's each.
	EachRow bool
}

// checkKinds is the table of kinds, in the order messages name them.
var checkKinds = []CheckKind{
	{
		Name: "sum",
		Set:  func(c *Check) bool { return c.Sum != nil },
		Describe: func(c *Check) string {
			parts := make([]string, len(c.Sum.Parts))
			for i, e := range c.Sum.Parts {
				parts[i] = e.Src
			}
			op := "="
			if c.Sum.Op == "le" {
				op = "≤"
			}
			return fmt.Sprintf("%s %s %s", strings.Join(parts, " + "), op, c.Sum.Total.Src)
		},
		Exprs: func(_ *Spec, _ *Sheet, c *Check) []RuleExpr {
			out := []RuleExpr{{Expr: &c.Sum.Total}}
			for k := range c.Sum.Parts {
				out = append(out, RuleExpr{Expr: &c.Sum.Parts[k]})
			}
			return out
		},
	},
	{
		Name: "compare",
		Set:  func(c *Check) bool { return c.Compare != nil },
		Describe: func(c *Check) string {
			return fmt.Sprintf("%s %s %s", c.Compare.Left.Src, OpText(c.Compare.Op), c.Compare.Right.Src)
		},
		Exprs: func(_ *Spec, _ *Sheet, c *Check) []RuleExpr {
			return []RuleExpr{{Expr: &c.Compare.Left}, {Expr: &c.Compare.Right}}
		},
	},
	{
		Name: "range",
		Set:  func(c *Check) bool { return c.Range != nil },
		Shape: func(_ *Spec, _ *Sheet, c *Check, bad Complain) {
			if c.Range.Min == nil && c.Range.Max == nil {
				bad("range", "range 规则至少要有 min 或 max", "a range rule needs min or max")
			}
		},
		Describe: func(c *Check) string {
			rule := c.Range.Value.Src
			if c.Range.Min != nil {
				rule = c.Range.Min.String() + " ≤ " + rule
			}
			if c.Range.Max != nil {
				rule += " ≤ " + c.Range.Max.String()
			}
			return rule
		},
		Exprs: func(_ *Spec, _ *Sheet, c *Check) []RuleExpr { return []RuleExpr{{Expr: &c.Range.Value}} },
	},
	{
		Name:  "change",
		Set:   func(c *Check) bool { return c.Change != nil },
		Whole: true,
		Shape: func(_ *Spec, sh *Sheet, c *Check, bad Complain) {
			if sh.Kind != KindIndicator {
				bad("change", "change 规则只用于 indicator 表", "a change rule applies to indicator sheets only")
			}
			for k, r := range c.Change.Rows {
				if sh.Field(r) == nil {
					bad(fmt.Sprintf("change.rows[%d]", k), "表 %s 没有行 %q", "sheet %s has no row %q", sh.Key, r)
				}
			}
		},
		Describe: func(c *Check) string {
			rows := "各行"
			if len(c.Change.Rows) > 0 {
				rows = strings.Join(c.Change.Rows, "、")
			}
			return fmt.Sprintf("|本学年 − 上学年| ≤ %s（%s）", c.Change.Max, rows)
		},
		Exprs: func(*Spec, *Sheet, *Check) []RuleExpr { return nil },
	},
	{
		Name:  "match",
		Set:   func(c *Check) bool { return c.Match != nil },
		Whole: true,
		Shape: matchShape,
		Describe: func(c *Check) string {
			m := c.Match
			rule := fmt.Sprintf("每个%s行的 %s 须出现在 %s 表的 %s 中", cond(m.Where), m.Key, m.In, m.InKey)
			if m.Require != nil {
				rule += "，且该行满足 " + m.Require.Src
			}
			return rule
		},
		Exprs: func(s *Spec, sh *Sheet, c *Check) []RuleExpr {
			m := c.Match
			out := []RuleExpr{{Expr: m.Where, Cond: true, Sheet: sh, EachRow: true}}
			if in := s.Sheet(m.In); in != nil {
				out = append(out, RuleExpr{Expr: m.Require, Cond: true, Sheet: in, EachRow: true})
			}
			return out
		},
	},
	{
		Name:     "expr",
		Set:      func(c *Check) bool { return c.Expr != nil },
		Describe: func(c *Check) string { return c.Expr.Src },
		Exprs:    func(_ *Spec, _ *Sheet, c *Check) []RuleExpr { return []RuleExpr{{Expr: c.Expr, Cond: true}} },
	},
}

func matchShape(s *Spec, sh *Sheet, c *Check, bad Complain) {
	m := c.Match
	if sh.Kind != KindList {
		bad("match", "match 规则只用于 list 表", "a match rule applies to list sheets only")
	} else if sh.Field(m.Key) == nil {
		bad("match.key", "表 %s 没有列 %q", "sheet %s has no column %q", sh.Key, m.Key)
	}
	switch in := s.Sheet(m.In); {
	case in == nil:
		bad("match.in", "表 %q 未定义", "sheet %q is not defined", m.In)
	case in.Kind != KindList:
		bad("match.in", "表 %s 不是 list 表", "sheet %s is not a list sheet", m.In)
	case in.Field(m.InKey) == nil:
		bad("match.in_key", "表 %s 没有列 %q", "sheet %s has no column %q", m.In, m.InKey)
	}
}

// CheckKinds returns the table of check kinds (a copy).
func CheckKinds() []CheckKind { return append([]CheckKind(nil), checkKinds...) }

// Kind returns the check's kind; ok is false unless exactly one kind is set.
func (c *Check) Kind() (k CheckKind, ok bool) {
	n := 0
	for _, ck := range checkKinds {
		if ck.Set(c) {
			k, n = ck, n+1
		}
	}
	return k, n == 1
}

// OpText is a comparison operator as printed: == as =, <= as ≤, >= as ≥.
func OpText(op string) string {
	return map[string]string{"==": "=", "<=": "≤", ">=": "≥", "<": "<", ">": ">"}[op]
}
