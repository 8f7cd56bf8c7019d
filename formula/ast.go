package formula

import (
	"errors"
	"fmt"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/shopspring/decimal"
)

// Node is a node of a parsed expression.
type Node interface{ node() }

// Lit is a number literal, exact as written.
type Lit struct {
	Val decimal.Decimal
	Off int // rune offset in the source
}

// StrLit is a text literal.
type StrLit struct {
	Val string
	Off int
}

// Name is an unresolved dotted name, as written.
type Name struct {
	Path []string
	Off  int // rune offset in the source
}

// RefNode is a resolved name.
type RefNode struct {
	Ref Ref
	Off int
	// at is where the reference is in the layout of the Program that
	// resolved it (nil: unknown), so that its calcs find it without names.
	at *refAt
}

// refAt is a sheet and a field, as indices of a Program's layout.
type refAt struct {
	p         *Program
	sheet, fi int
}

// YearLabel is the year_label variable of a summary block.
type YearLabel struct{ Off int }

// Binary is a binary operation: + - * / == != < <= > >= && ||.
type Binary struct {
	Op   string
	L, R Node
	Off  int // the operator's offset
}

// Unary is a unary operation: - or !.
type Unary struct {
	Op  string
	X   Node
	Off int
}

// Call is a function call.
type Call struct {
	Fn   string
	Args []Node
	Off  int
}

func (Lit) node()       {}
func (StrLit) node()    {}
func (*Name) node()     {}
func (*RefNode) node()  {}
func (YearLabel) node() {}
func (*Binary) node()   {}
func (*Unary) node()    {}
func (*Call) node()     {}

// start is the offset where a node's text begins.
func start(n Node) int {
	switch n := n.(type) {
	case Lit:
		return n.Off
	case StrLit:
		return n.Off
	case YearLabel:
		return n.Off
	case *Name:
		return n.Off
	case *RefNode:
		return n.Off
	case *Binary:
		return start(n.L)
	case *Unary:
		return n.Off
	case *Call:
		return n.Off
	}
	return 0
}

// SyntaxError is a mistake in an expression, at a rune offset of its source,
// told in Chinese (Zh) and English (En).
type SyntaxError struct {
	Off    int
	Zh, En string
}

func (e *SyntaxError) Error() string { return e.Zh }

// Text is the message in a language ("en", or Chinese for anything else).
func (e *SyntaxError) Text(lang string) string { return msgLang(lang, e.Zh, e.En) }

// errAt is a SyntaxError with formatted messages; args are shared by both.
func errAt(off int, zh, en string, args ...any) *SyntaxError {
	return &SyntaxError{Off: off, Zh: fmt.Sprintf(zh, args...), En: fmt.Sprintf(en, args...)}
}

// functions and their argument counts (-1: any, at least one).
var functions = map[string]int{
	"sum": 1, "count": 1, "min": 1, "max": 1,
	"countifs": -1, "sumifs": -1,
	"abs": 1, "round": 2, "endyear": 1, "filled": 1,
}

// aggregates take a list column.
var aggregates = map[string]bool{"sum": true, "count": true, "min": true, "max": true, "countifs": true, "sumifs": true}

var operators = map[string]string{
	"+": "+", "-": "-", "*": "*", "/": "/",
	"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=",
	"&&": "&&", "and": "&&", "||": "||", "or": "||",
}

// Parse parses an expression into our own tree, refusing what the engine does
// not support. Number literals are read from their text, exactly.
func Parse(src string) (Node, error) {
	if strings.TrimSpace(src) == "" {
		return nil, errAt(0, "表达式为空", "the expression is empty")
	}
	tree, err := parser.Parse(src)
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			return nil, parseError(src, fe.From, fe.Message)
		}
		return nil, parseError(src, 0, err.Error())
	}
	c := converter{src: []rune(src)}
	return c.convert(tree.Node)
}

type converter struct{ src []rune }

// text is a node's source text.
func (c converter) text(loc file.Location) string {
	if loc.From < 0 || loc.To > len(c.src) || loc.From >= loc.To {
		return ""
	}
	return string(c.src[loc.From:loc.To])
}

// number reads a number literal from its text: exact, as written.
func (c converter) number(n ast.Node) (Node, error) {
	loc := n.Location()
	t := strings.ReplaceAll(c.text(loc), "_", "")
	if d, err := decimal.NewFromString(t); err == nil && !strings.ContainsAny(t, "xXbBoO") {
		return Lit{Val: d, Off: loc.From}, nil
	}
	switch n := n.(type) { // hexadecimal and other forms the parser has read exactly
	case *ast.IntegerNode:
		return Lit{Val: decimal.NewFromInt(int64(n.Value)), Off: loc.From}, nil
	}
	return nil, errAt(loc.From, "无法读取数字 %q", "cannot read the number %q", t)
}

func (c converter) convert(n ast.Node) (Node, error) {
	off := n.Location().From
	switch n := n.(type) {
	case *ast.IntegerNode, *ast.FloatNode:
		return c.number(n)
	case *ast.StringNode:
		return StrLit{Val: n.Value, Off: off}, nil
	case *ast.IdentifierNode:
		return &Name{Path: []string{n.Value}, Off: off}, nil
	case *ast.MemberNode:
		path, ok := dotted(n)
		base := ast.Node(n)
		for m, ok := base.(*ast.MemberNode); ok; m, ok = base.(*ast.MemberNode) {
			base = m.Node
		}
		if !ok {
			return nil, errAt(off, "不支持的写法 %q：名称只能是 表.行.列 形式", "%q is not supported: a name is sheet.row.column", n.String())
		}
		return &Name{Path: path, Off: base.Location().From}, nil
	case *ast.BinaryNode:
		return c.binary(n)
	case *ast.UnaryNode:
		x, err := c.convert(n.Node)
		if err != nil {
			return nil, err
		}
		switch n.Operator {
		case "-":
			return &Unary{Op: "-", X: x, Off: off}, nil
		case "+":
			return x, nil
		case "!", "not":
			return &Unary{Op: "!", X: x, Off: off}, nil
		}
		return nil, errAt(off, "不支持运算符 %q", "operator %q is not supported", n.Operator)
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok {
			return nil, errAt(off, "不支持的函数调用", "this function call is not supported")
		}
		return c.call(id.Value, n.Arguments, off)
	case *ast.BuiltinNode:
		return c.call(n.Name, n.Arguments, off)
	}
	return nil, errAt(off, "不支持的写法 %q", "%q is not supported", n.String())
}

func (c converter) binary(n *ast.BinaryNode) (Node, error) {
	off := n.Location().From
	op, ok := operators[n.Operator]
	if !ok {
		return nil, errAt(off, "不支持运算符 %q", "operator %q is not supported", n.Operator)
	}
	l, err := c.convert(n.Left)
	if err != nil {
		return nil, err
	}
	r, err := c.convert(n.Right)
	if err != nil {
		return nil, err
	}
	return &Binary{Op: op, L: l, R: r, Off: off}, nil
}

func (c converter) call(fn string, args []ast.Node, off int) (Node, error) {
	want, ok := functions[fn]
	if !ok {
		return nil, errAt(off, "未知函数 %s（可用：sum count min max countifs sumifs abs round endyear filled）",
			"unknown function %s (there are: sum count min max countifs sumifs abs round endyear filled)", fn)
	}
	if (want >= 0 && len(args) != want) || (want < 0 && len(args) == 0) {
		return nil, errAt(off, "函数 %s 的参数个数不对", "function %s has the wrong number of arguments", fn)
	}
	if (fn == "countifs" && len(args)%2 != 0) || (fn == "sumifs" && len(args)%2 != 1) {
		return nil, errAt(off, "函数 %s 的条件须成对给出（列, 值）", "function %s takes its criteria in pairs (column, value)", fn)
	}
	call := &Call{Fn: fn, Off: off}
	for _, a := range args {
		x, err := c.convert(a)
		if err != nil {
			return nil, err
		}
		call.Args = append(call.Args, x)
	}
	return call, nil
}

func dotted(n ast.Node) ([]string, bool) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		return []string{n.Value}, true
	case *ast.MemberNode:
		p, ok := n.Property.(*ast.StringNode)
		if !ok || n.Optional || n.Method {
			return nil, false
		}
		base, ok := dotted(n.Node)
		return append(base, p.Value), ok
	}
	return nil, false
}
