package formula

import (
	"fmt"
	"strings"
	"sync"

	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
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
	// quot is set when the expression is a quotient (derived cells are
	// computed from it without big.Int where they can be).
	quot *quotient
}

// quotient is an expression num / den, or num / den * k with k a number.
type quotient struct {
	num, den Node
	k        decimal.Decimal
	hasK     bool
}

// quotientOf is the quotient an expression is, or nil.
func quotientOf(n Node) *quotient {
	q := &quotient{}
	if b, ok := n.(*Binary); ok && b.Op == "*" {
		if k, ok := b.R.(Lit); ok {
			q.k, q.hasK = k.Val, true
			n = b.L
		}
	}
	b, ok := n.(*Binary)
	if !ok || b.Op != "/" {
		return nil
	}
	q.num, q.den = b.L, b.R
	return q
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
	Spec   *spec.Spec
	exprs  map[*spec.Expr]*Expr
	bounds *fieldBounds
	lay    *layoutOnce
}

// layoutOnce is the layout of a Program's calcs, made once.
type layoutOnce struct {
	once sync.Once
	l    *layout
}

// fieldBounds are the bounds of every field of a spec, made once.
type fieldBounds struct {
	once sync.Once
	of   map[*spec.Field][2]*decimal.Decimal
}

// Bounds is f.Bounds(), made once per field of the spec rather than at
// each call: the values are shared, and never to be changed.
func (p *Program) Bounds(f *spec.Field) (min, max *decimal.Decimal) {
	if p.bounds == nil {
		return f.Bounds()
	}
	p.bounds.once.Do(func() {
		of := map[*spec.Field][2]*decimal.Decimal{}
		p.Spec.FieldLists(func(fields []spec.Field) {
			for i := range fields {
				min, max := fields[i].Bounds()
				of[&fields[i]] = [2]*decimal.Decimal{min, max}
			}
		})
		p.bounds.of = of
	})
	if b, ok := p.bounds.of[f]; ok {
		return b[0], b[1]
	}
	return f.Bounds()
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
	p := &Program{Spec: s, exprs: map[*spec.Expr]*Expr{}, bounds: &fieldBounds{}, lay: &layoutOnce{}}
	var es spec.Errors
	add := func(e *spec.Expr, home *spec.Sheet, scope Scope, want TypeKind) {
		if e == nil {
			return
		}
		c, err := p.compile(e.Src, home, scope)
		if err != nil {
			se, ok := err.(*SyntaxError)
			if !ok {
				se = &SyntaxError{Zh: err.Error(), En: err.Error()}
			}
			es = append(es, exprError(s, e, se, lang))
			return
		}
		for _, te := range p.typeCheck(c, want) {
			es = append(es, exprError(s, e, te, lang))
		}
		p.exprs[e] = c
	}
	for i := range s.Sheets {
		sh := &s.Sheets[i]
		fieldScope := map[string]Scope{spec.KindRecord: ScopeRecord, spec.KindIndicator: ScopeYear, spec.KindList: ScopeRow}[sh.Kind]
		for j := range sh.Rows {
			add(sh.Rows[j].Derived, sh, fieldScope, TypeNumber)
			add(sh.Rows[j].Weight, sh, fieldScope, TypeNumber)
		}
		for j := range sh.Columns {
			add(sh.Columns[j].Derived, sh, fieldScope, TypeNumber)
		}
		if sh.Summary != nil {
			for j := range sh.Summary.Rows {
				add(sh.Summary.Rows[j].Derived, sh, ScopeSummary, TypeNumber)
			}
		}
		for j := range sh.Checks {
			c := &sh.Checks[j]
			sc := CheckScope(sh, c)
			add(c.When, sh, sc, TypeBool)
			if k, ok := c.Kind(); ok {
				for _, re := range k.Exprs(s, sh, c) {
					home, scope, want := sh, sc, TypeNumber
					if re.Sheet != nil {
						home = re.Sheet
					}
					if re.EachRow {
						scope = ScopeRow
					}
					if re.Cond {
						want = TypeBool
					}
					add(re.Expr, home, scope, want)
				}
			}
		}
	}
	none := &spec.Sheet{Key: "indicators", Kind: spec.KindRecord}
	for i := range s.Indicators {
		add(&s.Indicators[i].Value, none, ScopeOnce, TypeNumber)
	}
	if err := es.Err(); err != nil {
		return nil, err
	}
	if err := p.cycles(lang); err != nil {
		return nil, err
	}
	return p, nil
}

// exprError is a mistake in one of the spec's expressions, at the file's line
// and column of the place in the expression.
func exprError(s *spec.Spec, e *spec.Expr, se *SyntaxError, lang string) *spec.Error {
	col := e.Pos.Column + se.Off
	if e.Quoted {
		col++
	}
	return &spec.Error{File: s.File, Pos: spec.Pos{Line: e.Pos.Line, Column: col},
		Msg: fmt.Sprintf(msgLang(lang, "表达式 %q：%s", "expression %q: %s"), e.Src, se.Text(lang))}
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
	r := resolver{p: p, home: home, scope: scope, e: &Expr{Src: src}, seen: map[Ref]bool{}}
	if r.e.Root, err = r.walk(root, false); err != nil {
		return nil, err
	}
	r.e.quot = quotientOf(r.e.Root)
	return r.e, nil
}

// resolver replaces the names of an expression by references.
type resolver struct {
	p     *Program
	home  *spec.Sheet
	scope Scope
	e     *Expr
	seen  map[Ref]bool
}

func (r *resolver) walk(n Node, inAgg bool) (Node, error) {
	switch n := n.(type) {
	case *Name:
		if len(n.Path) == 1 && n.Path[0] == "year_label" {
			if r.scope != ScopeSummary {
				return nil, errAt(n.Off, "year_label 只能用于列表的汇总块（summary）", "year_label is only known in the summary block of a list")
			}
			return YearLabel{Off: n.Off}, nil
		}
		ref, err := r.p.resolve(n.Path, r.home, r.scope, inAgg)
		if err != nil {
			err.Off = n.Off
			return nil, err
		}
		if !r.seen[ref] {
			r.seen[ref] = true
			r.e.Refs = append(r.e.Refs, ref)
		}
		return &RefNode{Ref: ref, Off: n.Off, at: r.p.refAt(ref)}, nil
	case *Binary:
		l, err := r.walk(n.L, inAgg)
		if err != nil {
			return nil, err
		}
		rr, err := r.walk(n.R, inAgg)
		if err != nil {
			return nil, err
		}
		return &Binary{Op: n.Op, L: l, R: rr, Off: n.Off}, nil
	case *Unary:
		x, err := r.walk(n.X, inAgg)
		if err != nil {
			return nil, err
		}
		return &Unary{Op: n.Op, X: x, Off: n.Off}, nil
	case *Call:
		return r.call(n)
	}
	return n, nil
}

func (r *resolver) call(n *Call) (Node, error) {
	c := &Call{Fn: n.Fn, Off: n.Off}
	for i, a := range n.Args {
		x, err := r.walk(a, columnArg(n.Fn, i))
		if err != nil {
			return nil, err
		}
		c.Args = append(c.Args, x)
	}
	return c, nil
}

// columnArg reports whether argument i of a function is a list column: an
// aggregate's first, and every criteria column.
func columnArg(fn string, i int) bool {
	return aggregates[fn] && (i == 0 || (fn == "countifs" && i%2 == 0) || (fn == "sumifs" && i%2 == 1))
}

// refAt is where a reference is in the Program's layout, or nil.
func (p *Program) refAt(ref Ref) *refAt {
	for si := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[si]
		if sh.Key != ref.Sheet {
			continue
		}
		fi := 0
		for _, f := range sh.Fields() {
			if f.Key == ref.Field {
				return &refAt{p: p, sheet: si, fi: fi}
			}
			fi++
		}
		if sh.Summary != nil {
			for _, f := range sh.Summary.Rows {
				if f.Key == ref.Field {
					return &refAt{p: p, sheet: si, fi: fi}
				}
				fi++
			}
		}
		return nil
	}
	return nil
}

// resolve finds what a dotted name refers to from a sheet, in a scope. The
// error's offset is the caller's to set.
func (p *Program) resolve(path []string, home *spec.Sheet, scope Scope, inAgg bool) (Ref, *SyntaxError) {
	name := strings.Join(path, ".")
	hasYear := scope == ScopeYear || scope == ScopeSummary
	switch len(path) {
	case 1:
		return resolveHome(name, path[0], home, scope, hasYear, inAgg)
	case 2, 3:
		return p.resolveOther(name, path, hasYear, inAgg)
	}
	return Ref{}, errAt(0, "名称 %q 太长：最多 表.行.列 三段", "the name %q is too long: at most sheet.row.column", name)
}

// resolveHome resolves a one-part name: a row or column of the sheet itself.
func resolveHome(name, key string, home *spec.Sheet, scope Scope, hasYear, inAgg bool) (Ref, *SyntaxError) {
	f := home.Field(key)
	if f == nil {
		return Ref{}, errAt(0, "表 %s 没有 %q（引用其他表请写 表键.行键）", "sheet %s has no %q (name another sheet's cells as sheet.row)", home.Key, key)
	}
	switch home.Kind {
	case spec.KindRecord:
		return Ref{Sheet: home.Key, Field: f.Key}, nil
	case spec.KindIndicator:
		if !hasYear {
			return Ref{}, errAt(0, "%q 须指明学年列（%s.%s.prev 或 .cur）", "%q needs its year column (%s.%s.prev or .cur)", name, home.Key, key)
		}
		return Ref{Sheet: home.Key, Field: f.Key}, nil
	}
	// list
	if isSummaryRow(home, f.Key) {
		if !hasYear {
			return Ref{}, errAt(0, "%q 是汇总行，须指明学年列", "%q is a summary row: it needs its year column", name)
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
}

// resolveOther resolves sheet.row, sheet.row.column and list.total.column.
func (p *Program) resolveOther(name string, path []string, hasYear, inAgg bool) (Ref, *SyntaxError) {
	sh := p.Spec.Sheet(path[0])
	if sh == nil {
		return Ref{}, errAt(0, "没有键为 %q 的表", "there is no sheet with key %q", path[0])
	}
	if sh.Kind == spec.KindList && len(path) == 3 {
		if path[1] != spec.TotalRow {
			return Ref{}, errAt(0, "%q：列表只能用 %s.total.列 引用合计行", "%q: name a list's 合计 row as %s.total.column", name, path[0])
		}
		path = []string{path[0], path[2]}
	}
	f := sh.Field(path[1])
	if f == nil {
		return Ref{}, errAt(0, "表 %s 没有 %q", "sheet %s has no %q", sh.Key, path[1])
	}
	switch sh.Kind {
	case spec.KindRecord:
		if len(path) == 3 {
			return Ref{}, errAt(0, "%q：基本信息类的表没有学年列", "%q: a record sheet has no year columns", name)
		}
		return Ref{Sheet: sh.Key, Field: f.Key}, nil
	case spec.KindIndicator:
		col := ""
		if len(path) == 3 {
			col = path[2]
			if col != spec.ColPrev && col != spec.ColCur && col != spec.ColPct {
				return Ref{}, errAt(0, "%q：学年列只能是 prev、cur 或 pct", "%q: the year column is prev, cur or pct", name)
			}
		} else if !hasYear {
			return Ref{}, errAt(0, "%q 须指明学年列（%s.prev 或 %s.cur）", "%q needs its year column (%s.prev or %s.cur)", name, name, name)
		}
		return Ref{Sheet: sh.Key, Field: f.Key, Col: col}, nil
	}
	if isSummaryRow(sh, f.Key) {
		return Ref{}, errAt(0, "%q：汇总行只能在本表内引用", "%q: a summary row can be named only on its own sheet", name)
	}
	if inAgg {
		return Ref{Sheet: sh.Key, Field: f.Key, Row: RowAll}, nil
	}
	return Ref{Sheet: sh.Key, Field: f.Key, Row: RowTotal}, nil
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
