package formula

import (
	"fmt"

	"github.com/nianbao/nianbao/spec"
)

// Type is what an expression gives: a number, a text or a condition; a list
// column is a Type with List set.
type Type struct {
	Kind TypeKind
	List bool // a list column's data rows (only an aggregate's argument)
}

// TypeKind is the kind of a value.
type TypeKind uint8

// Kinds of value. TypeAny is a value whose type is not known because of an
// earlier mistake; it matches everything, so one mistake is reported once.
const (
	TypeAny TypeKind = iota
	TypeNumber
	TypeText
	TypeBool
)

var (
	tNum  = Type{Kind: TypeNumber}
	tText = Type{Kind: TypeText}
	tBool = Type{Kind: TypeBool}
	tAny  = Type{}
)

// words names a type in a message.
func (t Type) words() (zh, en string) {
	switch {
	case t.List:
		return "列表的一列", "a list column"
	case t.Kind == TypeNumber:
		return "数", "a number"
	case t.Kind == TypeText:
		return "文字", "a text"
	case t.Kind == TypeBool:
		return "条件（真或假）", "a condition (true or false)"
	}
	return "未知", "unknown"
}

// fieldType is the type of a field's values.
func fieldType(f *spec.Field) TypeKind {
	if f.Numeric() {
		return TypeNumber
	}
	return TypeText
}

// typer checks the types of a resolved expression, collecting every mistake.
type typer struct {
	p    *Program
	errs []*SyntaxError
}

// fail records a mistake at n's place, told in Chinese and English.
func (t *typer) fail(n Node, zh, en string) {
	t.errs = append(t.errs, &SyntaxError{Off: start(n), Zh: zh, En: en})
}

// want checks that n gives a value of kind k; a list column is never one.
func (t *typer) want(n Node, k TypeKind, zhWhat, enWhat string) Type {
	got := t.typeOf(n)
	if got.Kind == TypeAny && !got.List {
		return got
	}
	if got.List || got.Kind != k {
		gz, ge := got.words()
		wz, we := Type{Kind: k}.words()
		t.fail(n, fmt.Sprintf("%s须是%s，这里是%s", zhWhat, wz, gz), fmt.Sprintf("%s must be %s; this is %s", enWhat, we, ge))
		return tAny
	}
	return got
}

// typeCheck returns the mistakes of type in a compiled expression that must give
// a value of kind want (a condition for a check, a number for a formula).
func (p *Program) typeCheck(e *Expr, want TypeKind) []*SyntaxError {
	t := &typer{p: p}
	got := t.typeOf(e.Root)
	if len(t.errs) == 0 && (got.List || (got.Kind != want && got.Kind != TypeAny)) {
		gz, ge := got.words()
		wz, we := Type{Kind: want}.words()
		if want == TypeBool {
			wz, we = "一个条件（真或假，如 a <= b）", "a condition (true or false, such as a <= b)"
		}
		t.fail(e.Root, fmt.Sprintf("须是%s，这里是%s", wz, gz), fmt.Sprintf("must be %s; this is %s", we, ge))
	}
	return t.errs
}

func (t *typer) typeOf(n Node) Type {
	switch n := n.(type) {
	case Lit:
		return tNum
	case StrLit, YearLabel:
		return tText
	case *RefNode:
		f := t.p.Spec.Sheet(n.Ref.Sheet).Field(n.Ref.Field)
		return Type{Kind: fieldType(f), List: n.Ref.Row == RowAll}
	case *Unary:
		if n.Op == "!" {
			t.want(n.X, TypeBool, "“!” 的运算对象", "the operand of “!”")
			return tBool
		}
		t.want(n.X, TypeNumber, "负号的运算对象", "the operand of “-”")
		return tNum
	case *Binary:
		return t.binary(n)
	case *Call:
		return t.call(n)
	}
	return tAny
}

func (t *typer) binary(n *Binary) Type {
	switch n.Op {
	case "&&", "||":
		zh, en := "“"+n.Op+"” 的两边", "each side of “"+n.Op+"”"
		t.want(n.L, TypeBool, zh, en)
		t.want(n.R, TypeBool, zh, en)
		return tBool
	case "==", "!=":
		l, r := t.typeOf(n.L), t.typeOf(n.R)
		switch {
		case l.List || l.Kind == TypeBool:
			t.comparable(n.L, l, n.Op)
		case r.List || r.Kind == TypeBool:
			t.comparable(n.R, r, n.Op)
		case l.Kind != TypeAny && r.Kind != TypeAny && l.Kind != r.Kind:
			lz, le := l.words()
			rz, re := r.words()
			t.fail(n.R, fmt.Sprintf("“%s” 两边须同是数或同是文字：左边是%s，右边是%s", n.Op, lz, rz),
				fmt.Sprintf("the two sides of “%s” must both be numbers or both texts: the left is %s, the right %s", n.Op, le, re))
		}
		return tBool
	}
	zh, en := "“"+n.Op+"” 的两边", "each side of “"+n.Op+"”"
	t.want(n.L, TypeNumber, zh, en)
	t.want(n.R, TypeNumber, zh, en)
	switch n.Op {
	case "<", "<=", ">", ">=":
		return tBool
	}
	return tNum
}

// comparable reports a side of == or != that is neither a number nor a text.
func (t *typer) comparable(n Node, got Type, op string) {
	gz, ge := got.words()
	t.fail(n, fmt.Sprintf("“%s” 只能比较数或文字，这里是%s", op, gz), fmt.Sprintf("“%s” compares numbers or texts; this is %s", op, ge))
}

func (t *typer) call(c *Call) Type {
	switch c.Fn {
	case "abs":
		t.want(c.Args[0], TypeNumber, "abs 的参数", "the argument of abs")
		return tNum
	case "round":
		t.want(c.Args[0], TypeNumber, "round 的第 1 个参数", "the first argument of round")
		t.want(c.Args[1], TypeNumber, "round 的第 2 个参数", "the second argument of round")
		return tNum
	case "endyear":
		t.want(c.Args[0], TypeText, "endyear 的参数（学年，如 2019-2020）", "the argument of endyear (a school year such as 2019-2020)")
		return tNum
	case "filled":
		if got := t.typeOf(c.Args[0]); got.List || got.Kind == TypeBool {
			gz, ge := got.words()
			t.fail(c.Args[0], "filled 的参数须是一个单元格，这里是"+gz, "the argument of filled must be one cell; this is "+ge)
		}
		return tBool
	}
	return t.aggregate(c)
}

// aggregate checks sum, count, min, max, countifs and sumifs: columns where a
// column is due, and criteria of the column's type.
func (t *typer) aggregate(c *Call) Type {
	var col Type
	for i, a := range c.Args {
		if !columnArg(c.Fn, i) {
			crit := t.typeOf(a)
			if crit.List || crit.Kind == TypeBool || (crit.Kind != TypeAny && col.Kind != TypeAny && crit.Kind != col.Kind) {
				gz, ge := crit.words()
				cz, ce := Type{Kind: col.Kind}.words()
				t.fail(a, fmt.Sprintf("函数 %s 的第 %d 个参数须与前一列同类（%s），这里是%s", c.Fn, i+1, cz, gz),
					fmt.Sprintf("argument %d of %s must be of its column's type (%s); this is %s", i+1, c.Fn, ce, ge))
			}
			continue
		}
		r, ok := a.(*RefNode)
		if !ok || r.Ref.Row != RowAll {
			t.fail(a, fmt.Sprintf("函数 %s 的第 %d 个参数须是列表的列", c.Fn, i+1), fmt.Sprintf("argument %d of %s must be a list column", i+1, c.Fn))
			col = tAny
			continue
		}
		col = t.typeOf(r)
		if i == 0 && c.Fn != "count" && c.Fn != "countifs" && col.Kind != TypeNumber {
			t.fail(a, fmt.Sprintf("函数 %s 的第 1 个参数须是数值列，这里是文字列", c.Fn), fmt.Sprintf("the first argument of %s must be a column of numbers; this one holds texts", c.Fn))
		}
	}
	return tNum
}
