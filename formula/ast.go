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

// Lit is a number literal.
type Lit struct{ Val decimal.Decimal }

// StrLit is a text literal.
type StrLit struct{ Val string }

// Name is an unresolved dotted name, as written.
type Name struct {
	Path []string
	Off  int // rune offset in the source
}

// RefNode is a resolved name.
type RefNode struct{ Ref Ref }

// YearLabel is the year_label variable of a summary block.
type YearLabel struct{}

// Binary is a binary operation: + - * / == != < <= > >= && ||.
type Binary struct {
	Op   string
	L, R Node
}

// Unary is a unary operation: - or !.
type Unary struct {
	Op string
	X  Node
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

// SyntaxError is a mistake in an expression, at a rune offset of its source.
type SyntaxError struct {
	Off int
	Msg string
}

func (e *SyntaxError) Error() string { return e.Msg }

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
// not support.
func Parse(src string) (Node, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &SyntaxError{Msg: "表达式为空"}
	}
	tree, err := parser.Parse(src)
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			return nil, &SyntaxError{Off: fe.From, Msg: "语法错误: " + fe.Message}
		}
		return nil, &SyntaxError{Msg: "语法错误: " + err.Error()}
	}
	return convert(tree.Node)
}

func convert(n ast.Node) (Node, error) {
	off := n.Location().From
	switch n := n.(type) {
	case *ast.IntegerNode:
		return Lit{decimal.NewFromInt(int64(n.Value))}, nil
	case *ast.FloatNode:
		return Lit{decimal.NewFromFloat(n.Value)}, nil
	case *ast.StringNode:
		return StrLit{n.Value}, nil
	case *ast.IdentifierNode:
		return &Name{Path: []string{n.Value}, Off: off}, nil
	case *ast.MemberNode:
		path, ok := dotted(n)
		if !ok {
			return nil, &SyntaxError{Off: off, Msg: fmt.Sprintf("不支持的写法 %q：名称只能是 表.行.列 形式", n.String())}
		}
		base := ast.Node(n)
		for m, ok := base.(*ast.MemberNode); ok; m, ok = base.(*ast.MemberNode) {
			base = m.Node
		}
		return &Name{Path: path, Off: base.Location().From}, nil
	case *ast.BinaryNode:
		op, ok := operators[n.Operator]
		if !ok {
			return nil, &SyntaxError{Off: off, Msg: fmt.Sprintf("不支持运算符 %q", n.Operator)}
		}
		l, err := convert(n.Left)
		if err != nil {
			return nil, err
		}
		r, err := convert(n.Right)
		if err != nil {
			return nil, err
		}
		return &Binary{Op: op, L: l, R: r}, nil
	case *ast.UnaryNode:
		x, err := convert(n.Node)
		if err != nil {
			return nil, err
		}
		switch n.Operator {
		case "-":
			return &Unary{Op: "-", X: x}, nil
		case "+":
			return x, nil
		case "!", "not":
			return &Unary{Op: "!", X: x}, nil
		}
		return nil, &SyntaxError{Off: off, Msg: fmt.Sprintf("不支持运算符 %q", n.Operator)}
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok {
			return nil, &SyntaxError{Off: off, Msg: "不支持的函数调用"}
		}
		return call(id.Value, n.Arguments, off)
	case *ast.BuiltinNode:
		return call(n.Name, n.Arguments, off)
	}
	return nil, &SyntaxError{Off: off, Msg: fmt.Sprintf("不支持的写法 %q", n.String())}
}

func call(fn string, args []ast.Node, off int) (Node, error) {
	want, ok := functions[fn]
	if !ok {
		return nil, &SyntaxError{Off: off, Msg: fmt.Sprintf("未知函数 %s（可用：sum count min max countifs sumifs abs round endyear filled）", fn)}
	}
	if (want >= 0 && len(args) != want) || (want < 0 && len(args) == 0) {
		return nil, &SyntaxError{Off: off, Msg: fmt.Sprintf("函数 %s 的参数个数不对", fn)}
	}
	if (fn == "countifs" && len(args)%2 != 0) || (fn == "sumifs" && len(args)%2 != 1) {
		return nil, &SyntaxError{Off: off, Msg: fmt.Sprintf("函数 %s 的条件须成对给出（列, 值）", fn)}
	}
	c := &Call{Fn: fn, Off: off}
	for _, a := range args {
		x, err := convert(a)
		if err != nil {
			return nil, err
		}
		c.Args = append(c.Args, x)
	}
	return c, nil
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
