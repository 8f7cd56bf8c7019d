package formula

import (
	"math"

	"github.com/nianbao/nianbao/internal/decfit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

// PctPlaces is the number of decimals of 本学年为上学年(%).
const PctPlaces = 2

var hundred = decimal.NewFromInt(100)

// Compute recomputes every derived cell of a report from its input cells and
// returns them in a new book (the input is not changed, so the values a school
// reported in derived cells can be compared with these). Values in derived cells
// of the input are never read.
func (p *Program) Compute(in *report.Book) *report.Book {
	out, _ := p.ComputeEnv(in)
	return out
}

// ComputeEnv is Compute that also returns an Env over the same inputs, in
// which every derived cell is already computed.
func (p *Program) ComputeEnv(in *report.Book) (*report.Book, Env) {
	v, env := p.ComputeCells(in)
	return v.c.book(), env
}

// Computed are the values of ComputeEnv's book, read in place from the
// cells computed: no book is made (making it took half of ComputeEnv). The
// zero Computed has no values.
type Computed struct{ c *calc }

// Get is ComputeEnv's book.Get(sheet, k): an indicator's or a summary's
// row by its year column (prev, cur, pct), a list column's 合计 by
// report.TotalCol.
func (v Computed) Get(sheet string, k report.Key) report.Value {
	if v.c == nil {
		return report.Value{}
	}
	si, fi, ok := v.c.lay.find(sheet, k.Field)
	if !ok {
		return report.Value{}
	}
	sl := &v.c.lay.sheets[si]
	fl := &sl.fields[fi]
	switch {
	case fl.slot < 0:
	case sl.sh.Kind == spec.KindIndicator || fl.summary:
		if y := spec.YearIndex(k.Col); y >= 0 {
			return v.c.slots[fl.slot+y].value()
		}
	case k.Col == report.TotalCol:
		return v.c.slots[fl.slot].value()
	}
	return report.Value{}
}

// Row is ComputeEnv's book.Rows(sheet)[i][field]: a derived cell of a
// list's data row (empty beyond the rows).
func (v Computed) Row(sheet string, i int, field string) report.Value {
	if v.c == nil {
		return report.Value{}
	}
	si, fi, ok := v.c.lay.find(sheet, field)
	if !ok {
		return report.Value{}
	}
	fl := &v.c.lay.sheets[si].fields[fi]
	cs := &v.c.sheets[si]
	if fl.col < 0 || i < 0 || i >= len(cs.rows) {
		return report.Value{}
	}
	return cs.cells[i*len(v.c.lay.sheets[si].derived)+fl.col].value()
}

// ComputeCells is ComputeEnv whose computed values are read in place.
func (p *Program) ComputeCells(in *report.Book) (Computed, Env) {
	return p.ComputeCellsIn(in, Computed{})
}

// ComputeCellsIn is ComputeCells in the memory of old, cells computed
// before (by any Program; zero: none) that are no longer read: they are
// gone once it is called, and so is old's Env.
func (p *Program) ComputeCellsIn(in *report.Book, old Computed) (Computed, Env) {
	c := p.calcIn(in, old.c)
	for si := range c.lay.sheets {
		sl := &c.lay.sheets[si]
		switch sl.sh.Kind {
		case spec.KindIndicator:
			c.yearRows(si, 0, len(sl.sh.Rows))
		case spec.KindList:
			for row := range c.sheets[si].rows {
				for _, fi := range sl.derived {
					c.listCell(si, fi, RowCtx(row))
				}
			}
			for fi := range sl.sh.Columns {
				c.listCell(si, fi, Ctx{})
			}
			c.yearRows(si, len(sl.sh.Columns), len(sl.fields))
		}
	}
	return Computed{c}, c
}

// layout places every cell a calc keeps, made once per Program: the year
// cells (prev, cur, pct) of indicator and summary rows and the 合计 cells of
// lists in one slice, the derived cells of a list's data rows in another.
type layout struct {
	sheets  []sheetLayout
	bySheet map[string]int
	slots   int // year and 合计 cells
}

type sheetLayout struct {
	sh    *spec.Sheet
	index int // in the spec's sheets
	// fields are sh.Fields() then the summary's rows, as Sheet.Field finds
	// them; byKey their indices.
	fields  []fieldLayout
	byKey   map[string]int
	derived []int // a list's columns computed in each data row
}

type fieldLayout struct {
	f    *spec.Field
	expr *Expr // its Derived, compiled
	// slot is the first of a year row's three cells, or a list column's 合计.
	slot int
	// col is a derived list column's place in a data row's cells, or -1.
	col     int
	summary bool // a list's summary row
}

// year columns, in the order of a year row's slots
var yearCols = [3]string{spec.ColPrev, spec.ColCur, spec.ColPct}

// layout is the Program's layout, made at its first use.
func (p *Program) layout() *layout {
	if p.lay == nil {
		return p.makeLayout()
	}
	p.lay.once.Do(func() { p.lay.l = p.makeLayout() })
	return p.lay.l
}

func (p *Program) makeLayout() *layout {
	l := &layout{sheets: make([]sheetLayout, len(p.Spec.Sheets)), bySheet: make(map[string]int, len(p.Spec.Sheets))}
	for si := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[si]
		if _, ok := l.bySheet[sh.Key]; !ok {
			l.bySheet[sh.Key] = si
		}
		sl := &l.sheets[si]
		sl.sh, sl.index = sh, si
		fields := sh.Fields()
		var summary []spec.Field
		if sh.Summary != nil {
			summary = sh.Summary.Rows
		}
		sl.fields = make([]fieldLayout, 0, len(fields)+len(summary))
		sl.byKey = make(map[string]int, cap(sl.fields))
		add := func(f *spec.Field, isSummary bool) {
			fl := fieldLayout{f: f, expr: p.Expr(f.Derived), slot: -1, col: -1, summary: isSummary}
			switch {
			case sh.Kind == spec.KindIndicator || isSummary:
				fl.slot = l.slots
				l.slots += len(yearCols)
			case sh.Kind == spec.KindList:
				fl.slot = l.slots
				l.slots++
				if !f.Input() {
					fl.col = len(sl.derived)
					sl.derived = append(sl.derived, len(sl.fields))
				}
			}
			if _, ok := sl.byKey[f.Key]; !ok {
				sl.byKey[f.Key] = len(sl.fields)
			}
			sl.fields = append(sl.fields, fl)
		}
		for i := range fields {
			add(&fields[i], false)
		}
		for i := range summary {
			add(&summary[i], true)
		}
	}
	return l
}

// find is the sheet and field of a reference, as indices of the layout.
func (l *layout) find(sheet, field string) (si, fi int, ok bool) {
	if si, ok = l.bySheet[sheet]; ok {
		fi, ok = l.sheets[si].byKey[field]
	}
	return si, fi, ok
}

// slot is a cell a calc keeps: computed (done) or not yet.
type slot struct {
	num  decimal.Decimal
	text string
	kind report.Kind
	done bool
}

func (s *slot) set(v report.Value) { s.num, s.text, s.kind = v.Num, v.Text, v.Kind }

func (s *slot) value() report.Value { return report.Value{Kind: s.kind, Num: s.num, Text: s.text} }

type calc struct {
	p      *Program
	lay    *layout
	in     *report.Book
	slots  []slot      // year and 合计 cells, by layout slot
	sheets []calcSheet // by sheet index
	all    []slot      // slots, then the sheets' cells
}

// calcSheet is a sheet's inputs, and the cells kept of a list's data rows.
type calcSheet struct {
	in   *report.Sheet
	rows []map[string]report.Value
	// cells are the derived cells of the data rows, row after row.
	cells []slot
	cols  [][]report.Value // by field: columns kept, or nil
	// spare are the columns of a calc made before, by field, their room
	// used again (calcIn)
	spare [][]report.Value
}

func (p *Program) newCalc(in *report.Book) *calc { return p.calcIn(in, nil) }

// calcIn is newCalc in the memory of an old calc no longer used (nil:
// none).
func (p *Program) calcIn(in *report.Book, old *calc) *calc {
	lay := p.layout()
	c := old
	if c == nil || c.lay != lay {
		c = &calc{sheets: make([]calcSheet, len(lay.sheets))}
	}
	c.p, c.lay, c.in = p, lay, in
	n := lay.slots
	for si := range lay.sheets {
		cs := &c.sheets[si]
		cs.in, cs.rows = in.Sheets[lay.sheets[si].sh.Key], nil
		if cs.in != nil {
			cs.rows = cs.in.Rows
			n += len(cs.rows) * len(lay.sheets[si].derived)
		}
		if cs.cols != nil {
			if cs.spare == nil {
				cs.spare = make([][]report.Value, len(cs.cols))
			}
			for fi, col := range cs.cols {
				if col != nil {
					cs.spare[fi], cs.cols[fi] = col[:0], nil
				}
			}
		}
	}
	all := c.all
	if cap(all) < n {
		all = make([]slot, n)
	} else {
		all = all[:n]
		clear(all)
	}
	c.all = all
	c.slots, all = all[:lay.slots:lay.slots], all[lay.slots:]
	for si := range c.sheets {
		cs := &c.sheets[si]
		k := len(cs.rows) * len(lay.sheets[si].derived)
		cs.cells, all = all[:k:k], all[k:]
	}
	return c
}

// input is an input cell of a record or indicator sheet.
func (c *calc) input(si int, k report.Key) report.Value {
	if s := c.sheets[si].in; s != nil {
		return s.Values[k]
	}
	return report.Value{}
}

// yearRows computes the derived and comparison cells of a sheet's fields
// from, to (its rows, or a list's summary rows).
func (c *calc) yearRows(si, from, to int) {
	fields := c.lay.sheets[si].fields
	for fi := from; fi < to; fi++ {
		if fields[fi].f.Derived != nil {
			c.yearCell(si, fi, spec.ColPrev)
			c.yearCell(si, fi, spec.ColCur)
		}
		c.yearCell(si, fi, spec.ColPct)
	}
}

// yearCell computes a derived or comparison cell of an indicator or summary row.
func (c *calc) yearCell(si, fi int, col string) report.Value {
	fl := &c.lay.sheets[si].fields[fi]
	f := fl.f
	if col != spec.ColPct && f.Derived == nil {
		return c.input(si, report.Key{Field: f.Key, Col: col})
	}
	y := spec.YearIndex(col)
	if y < 0 { // not a year column: nothing is kept there
		return c.derive(fl.expr, Ctx{Year: col, YearLabel: c.yearLabel(col)}, f.Places())
	}
	s := &c.slots[fl.slot+y]
	if s.done {
		return s.value()
	}
	s.done = true
	var v report.Value
	if col == spec.ColPct {
		if !f.NoCompare && f.Numeric() {
			v = Ratio(c.yearCell(si, fi, spec.ColCur), c.yearCell(si, fi, spec.ColPrev), hundred, PctPlaces)
		}
	} else {
		v = c.derive(fl.expr, Ctx{Year: col, YearLabel: c.yearLabel(col)}, f.Places())
	}
	s.set(v)
	return v
}

// derive is a derived cell's value: its expression rounded to places —
// a quotient of two numbers computed by divMulRound where it can.
func (c *calc) derive(e *Expr, ctx Ctx, places int) report.Value {
	if q := e.quot; q != nil {
		num, den := eval(q.num, c, ctx), eval(q.den, c, ctx)
		if num.k == vNum && den.k == vNum {
			if d, ok := divMulRound(num.n, den.n, q.k, q.hasK, int32(places)); ok {
				return report.Num(d)
			}
		}
	}
	return round(e.Eval(c, ctx), places)
}

func (c *calc) yearLabel(col string) string {
	if col == spec.ColPrev {
		return c.p.Spec.Columns.Prev
	}
	return c.p.Spec.Columns.Cur
}

// listCell computes a derived cell of a list's data row (at.AtRow), or any
// 合计 cell.
func (c *calc) listCell(si, fi int, at Ctx) report.Value {
	sl := &c.lay.sheets[si]
	fl := &sl.fields[fi]
	f := fl.f
	cs := &c.sheets[si]
	row := at.Row
	var s *slot
	if at.AtRow {
		in := cs.rows[row]
		if f.Input() {
			return in[f.Key]
		}
		if fl.col < 0 { // a summary row has no cells in data rows
			return c.rowCell(sl, fl, row)
		}
		s = &cs.cells[row*len(sl.derived)+fl.col]
	} else {
		s = &c.slots[fl.slot]
	}
	if s.done {
		return s.value()
	}
	s.done = true
	var v report.Value
	if at.AtRow {
		v = c.rowCell(sl, fl, row)
	} else {
		switch f.TotalKind() {
		case "sum":
			v = sumValues(c.keptColumn(si, fi))
		case "derived":
			v = c.derive(fl.expr, Ctx{}, f.Places())
		case "label":
			v = report.Str(c.p.Spec.Columns.Total)
		}
	}
	s.set(v)
	return v
}

// rowCell computes a derived cell of a list's data row.
func (c *calc) rowCell(sl *sheetLayout, fl *fieldLayout, row int) report.Value {
	if !rowFilled(sl.sh, c.sheets[sl.index].rows[row]) {
		return report.Value{}
	}
	if fl.f.Type == spec.TypeSeq {
		return report.Int(int64(row + 1))
	}
	return c.derive(fl.expr, RowCtx(row), fl.f.Places())
}

// book is every cell computed that is not empty, as Compute returns them.
func (c *calc) book() *report.Book {
	out := &report.Book{Sheets: make(map[string]*report.Sheet, len(c.sheets))}
	for si := range c.lay.sheets {
		sl := &c.lay.sheets[si]
		cs := &c.sheets[si]
		n := 0
		for fi := range sl.fields {
			fl := &sl.fields[fi]
			switch {
			case fl.slot < 0:
			case sl.sh.Kind == spec.KindIndicator || fl.summary:
				for y := range yearCols {
					if c.slots[fl.slot+y].kind != report.Empty {
						n++
					}
				}
			case c.slots[fl.slot].kind != report.Empty:
				n++
			}
		}
		rows := 0 // the rows up to the last one with a value
		for k := len(cs.cells) - 1; k >= 0; k-- {
			if cs.cells[k].kind != report.Empty {
				rows = k/len(sl.derived) + 1
				break
			}
		}
		if n == 0 && rows == 0 {
			continue
		}
		sh := &report.Sheet{Values: make(map[report.Key]report.Value, n)}
		for fi := range sl.fields {
			fl := &sl.fields[fi]
			switch {
			case fl.slot < 0:
			case sl.sh.Kind == spec.KindIndicator || fl.summary:
				for y, col := range yearCols {
					if s := &c.slots[fl.slot+y]; s.kind != report.Empty {
						sh.Values[report.Key{Field: fl.f.Key, Col: col}] = s.value()
					}
				}
			default:
				if s := &c.slots[fl.slot]; s.kind != report.Empty {
					sh.Values[report.Key{Field: fl.f.Key, Col: report.TotalCol}] = s.value()
				}
			}
		}
		if rows > 0 {
			sh.Rows = make([]map[string]report.Value, rows)
			nd := len(sl.derived)
			for r := range sh.Rows {
				cells := cs.cells[r*nd : (r+1)*nd]
				k := 0
				for j := range cells {
					if cells[j].kind != report.Empty {
						k++
					}
				}
				m := make(map[string]report.Value, k)
				for j, fi := range sl.derived {
					if cells[j].kind != report.Empty {
						m[sl.fields[fi].f.Key] = cells[j].value()
					}
				}
				sh.Rows[r] = m
			}
		}
		out.Sheets[sl.sh.Key] = sh
	}
	return out
}

// rowFilled reports whether a school typed anything in a list row.
func rowFilled(sh *spec.Sheet, row map[string]report.Value) bool {
	for _, f := range sh.Columns {
		if f.Input() && !row[f.Key].IsEmpty() {
			return true
		}
	}
	return false
}

// Cell implements Env over the inputs and the computed cells.
func (c *calc) Cell(r Ref, ctx Ctx) report.Value {
	si, fi, ok := c.lay.find(r.Sheet, r.Field)
	if !ok {
		return c.unknown(r, ctx)
	}
	return c.cell(si, fi, r, ctx)
}

// cell is Cell of a reference found in the layout.
func (c *calc) cell(si, fi int, r Ref, ctx Ctx) report.Value {
	sl := &c.lay.sheets[si]
	switch sl.sh.Kind {
	case spec.KindRecord:
		return c.input(si, report.Key{Field: r.Field})
	case spec.KindList:
		if sl.fields[fi].summary {
			break
		}
		at := Ctx{}
		if r.Row == RowCurrent && ctx.AtRow {
			at = RowCtx(ctx.Row)
		}
		return c.listCell(si, fi, at)
	}
	col := r.Col
	if col == "" {
		col = ctx.Year
	}
	return c.yearCell(si, fi, col)
}

// unknown is Cell of a sheet or field the spec does not have: a record's
// is read from the inputs; any other has no field to compute, as before
// the layout.
func (c *calc) unknown(r Ref, _ Ctx) report.Value {
	sh := c.p.Spec.Sheet(r.Sheet)
	if sh != nil && sh.Kind == spec.KindRecord {
		return c.in.Get(r.Sheet, report.Key{Field: r.Field})
	}
	panic("formula: no cell " + r.String())
}

// Column implements Env: a list column's data rows, computed where derived.
func (c *calc) Column(r Ref) []report.Value {
	si, fi, ok := c.lay.find(r.Sheet, r.Field)
	if !ok {
		if len(c.in.Rows(r.Sheet)) == 0 {
			return []report.Value{}
		}
		panic("formula: no column " + r.String())
	}
	return c.column(si, fi)
}

// keptColumn is column kept in the calc, made at its first use; not to be
// changed.
func (c *calc) keptColumn(si, fi int) []report.Value {
	cs := &c.sheets[si]
	if cs.cols == nil {
		cs.cols = make([][]report.Value, len(c.lay.sheets[si].fields))
	}
	if cs.cols[fi] == nil {
		var spare []report.Value
		if cs.spare != nil {
			spare = cs.spare[fi]
		}
		cs.cols[fi] = c.columnIn(si, fi, spare)
	}
	return cs.cols[fi]
}

func (c *calc) column(si, fi int) []report.Value { return c.columnIn(si, fi, nil) }

// columnIn is column in the room of dst (never nil).
func (c *calc) columnIn(si, fi int, dst []report.Value) []report.Value {
	rows := c.sheets[si].rows
	out := dst[:0]
	if cap(out) < len(rows) || out == nil {
		out = make([]report.Value, len(rows))
	}
	out = out[:len(rows)]
	for i := range rows {
		out[i] = c.listCell(si, fi, RowCtx(i))
	}
	return out
}

// Ratio is num ÷ den × scale rounded to places; empty when either is empty or
// den is 0.
func Ratio(num, den report.Value, scale decimal.Decimal, places int) report.Value {
	if num.Kind != report.Number || den.Kind != report.Number || den.Num.IsZero() {
		return report.Value{}
	}
	if d, ok := ratioSmall(num.Num, den.Num, scale, int32(places)); ok {
		return report.Num(d)
	}
	return report.Num(Div(num.Num.Mul(scale), den.Num).Round(int32(places)))
}

func round(v report.Value, places int) report.Value {
	if v.Kind == report.Number {
		v.Num = v.Num.Round(int32(places))
	}
	return v
}

func sumValues(vs []report.Value) report.Value {
	acc, found := sumNums(vs, true)
	if !found {
		return report.Value{}
	}
	return report.Num(acc)
}

// sumNums is the sum of the numbers among vs exactly as decimal's Add gives
// it adding them in turn — from zero (whose exponent is 0) when fromZero,
// else from the first number: the smallest exponent, and the coefficients
// brought to it summed. found is false when there is no number. Where the
// coefficients and the sum fit an int64 it adds them as such: Add makes two
// or three big.Int a number.
func sumNums(vs []report.Value, fromZero bool) (sum decimal.Decimal, found bool) {
	exp, n := int32(math.MaxInt32), 0
	if fromZero {
		exp = 0
	}
	for i := range vs {
		if vs[i].Kind != report.Number {
			continue
		}
		n++
		exp = min(exp, vs[i].Num.Exponent())
	}
	if n == 0 {
		return decimal.Decimal{}, false
	}
	// sumSmall says whether every number fits (decfit.At)
	if n > 1 || fromZero {
		if s, ok := sumSmall(vs, exp); ok {
			return decfit.New(s, exp), true
		}
	}
	for i := range vs {
		if vs[i].Kind != report.Number {
			continue
		}
		if !found && !fromZero {
			sum = vs[i].Num
		} else {
			sum = sum.Add(vs[i].Num)
		}
		found = true
	}
	return sum, true
}

// sumSmall sums the numbers' coefficients brought to exponent exp (≤ each
// one's); ok is false when one or the sum does not fit an int64.
func sumSmall(vs []report.Value, exp int32) (sum int64, ok bool) {
	for i := range vs {
		if vs[i].Kind != report.Number {
			continue
		}
		c, ok := decfit.At(vs[i].Num, exp)
		if !ok {
			return 0, false
		}
		if sum, ok = decfit.Add(sum, c); !ok {
			return 0, false
		}
	}
	return sum, true
}

// NewEnv returns an Env over a book's input values in which derived cells
// are computed from them, as Compute does (values in the book's derived cells
// are never read). Checks are evaluated in it.
func (p *Program) NewEnv(in *report.Book) Env {
	return p.newCalc(in)
}
