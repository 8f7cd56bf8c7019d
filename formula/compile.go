package formula

import (
	"fmt"
	"strings"

	"github.com/nianbao/nianbao/spec"
)

// RowSel says which row of a list sheet a reference reads.
type RowSel uint8

// Row selections of a list reference.
const (
	RowNone    RowSel = iota // not a list sheet
	RowCurrent               // the row being computed or checked (the 合计 row when that is the one)
	RowTotal                 // the 合计 row
	RowAll                   // every data row (inside an aggregate)
)

// Ref is a resolved name: a cell, or a list column.
type Ref struct {
	Sheet string // sheet key
	Field string // row key (record, indicator, summary) or column key (list)
	// Col is prev, cur or pct for an indicator or summary row ("" = the year
	// being computed); "" for record fields and list columns.
	Col string
	Row RowSel
}

func (r Ref) String() string {
	s := r.Sheet + "." + r.Field
	if r.Col != "" {
		s += "." + r.Col
	}
	switch r.Row {
	case RowTotal:
		s += "[合计]"
	case RowAll:
		s += "[*]"
	}
	return s
}

// Expr is a compiled expression.
type Expr struct {
	Src  string
	Root Node
	// Refs are the cells and columns the expression reads, each once.
	Refs []Ref
}

// Scope is where an expression is evaluated.
type Scope uint8

// Scopes.
const (
	ScopeYear    Scope = iota // per year column of an indicator sheet or summary block
	ScopeRow                  // per row of a list sheet (data rows and the 合计 row)
	ScopeOnce                 // once: only explicit references
	ScopeRecord               // a record sheet
	ScopeSummary              // a list's summary block: per year column, year_label known
)

// Program is a spec with every expression compiled.
type Program struct {
	Spec  *spec.Spec
	exprs map[*spec.Expr]*Expr
}

// Expr returns the compiled form of one of the spec's expressions (nil for nil).
func (p *Program) Expr(e *spec.Expr) *Expr {
	if e == nil {
		return nil
	}
	return p.exprs[e]
}

// Compile parses and resolves every expression of a checked spec. Mistakes are
// returned as spec.Errors with the line and column of the expression's text.
func Compile(s *spec.Spec, lang string) (*Program, error) {
	p := &Program{Spec: s, exprs: map[*spec.Expr]*Expr{}}
	var es spec.Errors
	add := func(e *spec.Expr, home *spec.Sheet, scope Scope) {
		if e == nil {
			return
		}
		c, err := p.compile(e.Src, home, scope)
		if err != nil {
			off := 0
			if se, ok := err.(*SyntaxError); ok {
				off = se.Off
			}

			col := e.Pos.Column + off
			if e.Quoted {
				col++
			}
			es = append(es, &spec.Error{File: s.File, Pos: spec.Pos{Line: e.Pos.Line, Column: col},
				Msg: fmt.Sprintf(msgLang(lang, "表达式 %q：%s", "expression %q: %s"), e.Src, err.Error())})
			return
		}
		p.exprs[e] = c
	}
	for i := range s.Sheets {
		sh := &s.Sheets[i]
		fieldScope := map[string]Scope{spec.KindRecord: ScopeRecord, spec.KindIndicator: ScopeYear, spec.KindList: ScopeRow}[sh.Kind]
		for j := range sh.Rows {
			add(sh.Rows[j].Derived, sh, fieldScope)
			add(sh.Rows[j].Weight, sh, fieldScope)
		}
		for j := range sh.Columns {
			add(sh.Columns[j].Derived, sh, fieldScope)
		}
		if sh.Summary != nil {
			for j := range sh.Summary.Rows {
				add(sh.Summary.Rows[j].Derived, sh, ScopeSummary)
			}
		}
		for j := range sh.Checks {
			c := &sh.Checks[j]
			sc := CheckScope(sh, c)
			add(c.When, sh, sc)
			add(c.Expr, sh, sc)
			if c.Sum != nil {
				add(&c.Sum.Total, sh, sc)
				for k := range c.Sum.Parts {
					add(&c.Sum.Parts[k], sh, sc)
				}
			}
			if c.Compare != nil {
				add(&c.Compare.Left, sh, sc)
				add(&c.Compare.Right, sh, sc)
			}
			if c.Range != nil {
				add(&c.Range.Value, sh, sc)
			}
			if m := c.Match; m != nil {
				add(m.Where, sh, ScopeRow)
				if in := s.Sheet(m.In); in != nil {
					add(m.Require, in, ScopeRow)
				}
			}
		}
	}
	none := &spec.Sheet{Key: "indicators", Kind: spec.KindRecord}
	for i := range s.Indicators {
		add(&s.Indicators[i].Value, none, ScopeOnce)
	}
	if err := es.Err(); err != nil {
		return nil, err
	}
	if err := p.cycles(lang); err != nil {
		return nil, err
	}
	return p, nil
}

// CheckScope is the scope a check's expressions are evaluated in.
func CheckScope(sh *spec.Sheet, c *spec.Check) Scope {
	switch c.Each {
	case "year":
		return ScopeYear
	case "row":
		return ScopeRow
	case "once":
		return ScopeOnce
	}
	switch sh.Kind {
	case spec.KindIndicator:
		return ScopeYear
	case spec.KindList:
		return ScopeRow
	}
	return ScopeRecord
}

func msgLang(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

func (p *Program) compile(src string, home *spec.Sheet, scope Scope) (*Expr, error) {
	root, err := Parse(src)
	if err != nil {
		return nil, err
	}
	e := &Expr{Src: src}
	seen := map[Ref]bool{}
	var walk func(n Node, inAgg bool) (Node, error)
	walk = func(n Node, inAgg bool) (Node, error) {
		switch n := n.(type) {
		case *Name:
			if len(n.Path) == 1 && n.Path[0] == "year_label" {
				if scope != ScopeSummary {
					return nil, &SyntaxError{Off: n.Off, Msg: "year_label 只能用于列表的汇总块（summary）"}
				}
				return YearLabel{}, nil
			}
			r, err := p.resolve(n.Path, home, scope, inAgg)
			if err != nil {
				return nil, &SyntaxError{Off: n.Off, Msg: err.Error()}
			}
			if !seen[r] {
				seen[r] = true
				e.Refs = append(e.Refs, r)
			}
			return &RefNode{Ref: r}, nil
		case *Binary:
			l, err := walk(n.L, inAgg)
			if err != nil {
				return nil, err
			}
			r, err := walk(n.R, inAgg)
			if err != nil {
				return nil, err
			}
			return &Binary{Op: n.Op, L: l, R: r}, nil
		case *Unary:
			x, err := walk(n.X, inAgg)
			if err != nil {
				return nil, err
			}
			return &Unary{Op: n.Op, X: x}, nil
		case *Call:
			c := &Call{Fn: n.Fn, Off: n.Off}
			for i, a := range n.Args {
				// aggregate column arguments: the first, and every criteria column
				col := aggregates[n.Fn] && (i == 0 || (n.Fn == "countifs" && i%2 == 0) || (n.Fn == "sumifs" && i%2 == 1))
				if col {
					name, ok := a.(*Name)
					if !ok {
						return nil, &SyntaxError{Off: n.Off, Msg: fmt.Sprintf("函数 %s 的第 %d 个参数须是列表的列", n.Fn, i+1)}
					}
					x, err := walk(name, true)
					if err != nil {
						return nil, err
					}
					if x.(*RefNode).Ref.Row != RowAll {
						return nil, &SyntaxError{Off: n.Off, Msg: fmt.Sprintf("函数 %s 的第 %d 个参数须是列表的列", n.Fn, i+1)}
					}
					c.Args = append(c.Args, x)
					continue
				}
				x, err := walk(a, false)
				if err != nil {
					return nil, err
				}
				c.Args = append(c.Args, x)
			}
			return c, nil
		}
		return n, nil
	}
	e.Root, err = walk(root, false)
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (p *Program) resolve(path []string, home *spec.Sheet, scope Scope, inAgg bool) (Ref, error) {
	name := strings.Join(path, ".")
	hasYear := scope == ScopeYear || scope == ScopeSummary
	switch len(path) {
	case 1:
		f := home.Field(path[0])
		if f == nil {
			return Ref{}, fmt.Errorf("表 %s 没有 %q（引用其他表请写 表键.行键）", home.Key, path[0])
		}
		switch home.Kind {
		case spec.KindRecord:
			return Ref{Sheet: home.Key, Field: f.Key}, nil
		case spec.KindIndicator:
			if !hasYear {
				return Ref{}, fmt.Errorf("%q 须指明学年列（%s.%s.prev 或 .cur）", name, home.Key, path[0])
			}
			return Ref{Sheet: home.Key, Field: f.Key}, nil
		}
		// list
		if isSummaryRow(home, f.Key) {
			if !hasYear {
				return Ref{}, fmt.Errorf("%q 是汇总行，须指明学年列", name)
			}
			return Ref{Sheet: home.Key, Field: f.Key}, nil
		}
		switch {
		case inAgg:
			return Ref{Sheet: home.Key, Field: f.Key, Row: RowAll}, nil
		case scope == ScopeRow:
			return Ref{Sheet: home.Key, Field: f.Key, Row: RowCurrent}, nil
		}
		return Ref{Sheet: home.Key, Field: f.Key, Row: RowTotal}, nil
	case 2, 3:
		sh := p.Spec.Sheet(path[0])
		if sh == nil {
			return Ref{}, fmt.Errorf("没有键为 %q 的表", path[0])
		}
		if sh.Kind == spec.KindList && len(path) == 3 {
			if path[1] != spec.TotalRow {
				return Ref{}, fmt.Errorf("%q：列表只能用 %s.total.列 引用合计行", name, path[0])
			}
			path = []string{path[0], path[2]}
		}
		f := sh.Field(path[1])
		if f == nil {
			return Ref{}, fmt.Errorf("表 %s 没有 %q", sh.Key, path[1])
		}
		switch sh.Kind {
		case spec.KindRecord:
			if len(path) == 3 {
				return Ref{}, fmt.Errorf("%q：基本信息类的表没有学年列", name)
			}
			return Ref{Sheet: sh.Key, Field: f.Key}, nil
		case spec.KindIndicator:
			col := ""
			if len(path) == 3 {
				col = path[2]
				if col != spec.ColPrev && col != spec.ColCur && col != spec.ColPct {
					return Ref{}, fmt.Errorf("%q：学年列只能是 prev、cur 或 pct", name)
				}
			} else if !hasYear {
				return Ref{}, fmt.Errorf("%q 须指明学年列（%s.prev 或 %s.cur）", name, name, name)
			}
			return Ref{Sheet: sh.Key, Field: f.Key, Col: col}, nil
		}
		if isSummaryRow(sh, f.Key) {
			return Ref{}, fmt.Errorf("%q：汇总行只能在本表内引用", name)
		}
		if inAgg {
			return Ref{Sheet: sh.Key, Field: f.Key, Row: RowAll}, nil
		}
		return Ref{Sheet: sh.Key, Field: f.Key, Row: RowTotal}, nil
	}
	return Ref{}, fmt.Errorf("名称 %q 太长：最多 表.行.列 三段", name)
}

func isSummaryRow(sh *spec.Sheet, key string) bool {
	if sh.Summary == nil {
		return false
	}
	for _, r := range sh.Summary.Rows {
		if r.Key == key {
			return true
		}
	}
	return false
}

// cycles refuses derived cells that depend on themselves.
func (p *Program) cycles(lang string) error {
	type node struct{ sheet, field string }
	deps := map[node][]node{}
	pos := map[node]*spec.Field{}
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		fields := append([]spec.Field(nil), sh.Fields()...)
		if sh.Summary != nil {
			fields = append(fields, sh.Summary.Rows...)
		}
		for j := range fields {
			f := sh.Field(fields[j].Key)
			if f.Derived == nil {
				continue
			}
			n := node{sh.Key, f.Key}
			pos[n] = f
			for _, r := range p.Expr(f.Derived).Refs {
				deps[n] = append(deps[n], node{r.Sheet, r.Field})
			}
		}
	}
	state := map[node]int{} // 1 visiting, 2 done
	var visit func(n node) *spec.Field
	visit = func(n node) *spec.Field {
		switch state[n] {
		case 1:
			return pos[n]
		case 2:
			return nil
		}
		state[n] = 1
		for _, d := range deps[n] {
			if f := visit(d); f != nil {
				return f
			}
		}
		state[n] = 2
		return nil
	}
	for i := range p.Spec.Sheets {
		for _, f := range p.Spec.Sheets[i].Fields() {
			if f.Derived == nil {
				continue
			}
			if bad := visit(node{p.Spec.Sheets[i].Key, f.Key}); bad != nil {
				return spec.Errors{{File: p.Spec.File, Pos: bad.Derived.Pos,
					Msg: fmt.Sprintf(msgLang(lang, "计算公式循环引用自身：%s", "a derived cell depends on itself: %s"), bad.Key)}}
			}
		}
	}
	return nil
}
