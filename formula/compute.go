package formula

import (
	"math"

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
	c := &calc{p: p, in: in, out: report.New(), done: map[cellAddr]bool{}}
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		switch sh.Kind {
		case spec.KindIndicator:
			c.yearRows(sh, sh.Rows)
		case spec.KindList:
			for row := range in.Rows(sh.Key) {
				for _, f := range sh.Columns {
					if !f.Input() {
						c.listCell(sh, f.Key, RowCtx(row))
					}
				}
			}
			for _, f := range sh.Columns {
				c.listCell(sh, f.Key, Ctx{})
			}
			if sh.Summary != nil {
				c.yearRows(sh, sh.Summary.Rows)
			}
		}
	}
	return c.out, c
}

type cellAddr struct {
	sheet string
	key   report.Key
	atRow bool // a list's data row, row its index; false for the 合计 row and non-list cells
	row   int
}

type calc struct {
	p    *Program
	in   *report.Book
	out  *report.Book
	done map[cellAddr]bool
}

func (c *calc) yearRows(sh *spec.Sheet, rows []spec.Field) {
	for _, f := range rows {
		for _, y := range []string{spec.ColPrev, spec.ColCur, spec.ColPct} {
			c.yearCell(sh, f.Key, y)
		}
	}
}

// yearCell computes a derived or comparison cell of an indicator or summary row.
func (c *calc) yearCell(sh *spec.Sheet, field, col string) report.Value {
	f := sh.Field(field)
	a := cellAddr{sheet: sh.Key, key: report.Key{Field: field, Col: col}}
	if col != spec.ColPct && f.Derived == nil {
		return c.in.Get(sh.Key, a.key)
	}
	if c.done[a] {
		return c.out.Get(sh.Key, a.key)
	}
	c.done[a] = true
	var v report.Value
	if col == spec.ColPct {
		if !f.NoCompare && f.Numeric() {
			v = Ratio(c.yearCell(sh, field, spec.ColCur), c.yearCell(sh, field, spec.ColPrev), hundred, PctPlaces)
		}
	} else {
		ctx := Ctx{Year: col, YearLabel: c.yearLabel(col)}
		v = c.derive(c.p.Expr(f.Derived), ctx, f.Places())
	}
	if !v.IsEmpty() {
		c.out.Set(sh.Key, a.key, v)
	}
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
func (c *calc) listCell(sh *spec.Sheet, field string, at Ctx) report.Value {
	f := sh.Field(field)
	row := at.Row
	if at.AtRow && f.Input() {
		return c.in.Rows(sh.Key)[row][field]
	}
	a := cellAddr{sheet: sh.Key, key: report.Key{Field: field, Col: report.TotalCol}, atRow: at.AtRow, row: row}
	if c.done[a] {
		return c.stored(a)
	}
	c.done[a] = true
	var v report.Value
	switch {
	case at.AtRow && f.Type == spec.TypeSeq:
		if rowFilled(sh, c.in.Rows(sh.Key)[row]) {
			v = report.Int(int64(row + 1))
		}
	case at.AtRow:
		if rowFilled(sh, c.in.Rows(sh.Key)[row]) {
			v = c.derive(c.p.Expr(f.Derived), RowCtx(row), f.Places())
		}
	default:
		switch f.TotalKind() {
		case "sum":
			v = sumValues(c.Column(Ref{Sheet: sh.Key, Field: field, Row: RowAll}))
		case "derived":
			v = c.derive(c.p.Expr(f.Derived), Ctx{}, f.Places())
		case "label":
			v = report.Str(c.p.Spec.Columns.Total)
		}
	}
	if v.IsEmpty() {
		return v
	}
	if !at.AtRow {
		c.out.Set(sh.Key, a.key, v)
		return v
	}
	out := c.out.Sheet(sh.Key)
	for len(out.Rows) <= row {
		out.Rows = append(out.Rows, map[string]report.Value{})
	}
	out.Rows[row][field] = v
	return v
}

func (c *calc) stored(a cellAddr) report.Value {
	if !a.atRow {
		return c.out.Get(a.sheet, a.key)
	}
	rows := c.out.Rows(a.sheet)
	if a.row < len(rows) {
		return rows[a.row][a.key.Field]
	}
	return report.Value{}
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
	sh := c.p.Spec.Sheet(r.Sheet)
	switch sh.Kind {
	case spec.KindRecord:
		return c.in.Get(r.Sheet, report.Key{Field: r.Field})
	case spec.KindList:
		if isSummaryRow(sh, r.Field) {
			break
		}
		at := Ctx{}
		if r.Row == RowCurrent && ctx.AtRow {
			at = RowCtx(ctx.Row)
		}
		return c.listCell(sh, r.Field, at)
	}
	col := r.Col
	if col == "" {
		col = ctx.Year
	}
	return c.yearCell(sh, r.Field, col)
}

// Column implements Env: a list column's data rows, computed where derived.
func (c *calc) Column(r Ref) []report.Value {
	sh := c.p.Spec.Sheet(r.Sheet)
	rows := c.in.Rows(r.Sheet)
	out := make([]report.Value, len(rows))
	for i := range rows {
		out[i] = c.listCell(sh, r.Field, RowCtx(i))
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
	small := true
	for i := range vs {
		if vs[i].Kind != report.Number {
			continue
		}
		n++
		if small = small && vs[i].Num.NumDigits() <= 18; !small {
			break
		}
		exp = min(exp, vs[i].Num.Exponent())
	}
	if n == 0 {
		return decimal.Decimal{}, false
	}
	if small && (n > 1 || fromZero) {
		if s, ok := sumSmall(vs, exp); ok {
			return decimal.New(s, exp), true
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
		c := vs[i].Num.CoefficientInt64()
		for e := vs[i].Num.Exponent(); e > exp; e-- {
			if c > math.MaxInt64/10 || c < math.MinInt64/10 {
				return 0, false
			}
			c *= 10
		}
		if (c > 0 && sum > math.MaxInt64-c) || (c < 0 && sum < math.MinInt64-c) {
			return 0, false
		}
		sum += c
	}
	return sum, true
}

// NewEnv returns an Env over a book's input values in which derived cells
// are computed from them, as Compute does (values in the book's derived cells
// are never read). Checks are evaluated in it.
func (p *Program) NewEnv(in *report.Book) Env {
	return &calc{p: p, in: in, out: report.New(), done: map[cellAddr]bool{}}
}
