package formula_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/spec"
	"github.com/nianbao/nianbao/templates"
	"github.com/shopspring/decimal"
)

// plainCalc computes derived cells the plain way — a map of cells done,
// every value in a book, decimal's arithmetic — as Compute did before its
// fast paths; TestComputePlain holds Compute and its Env to it.
type plainCalc struct {
	p    *formula.Program
	in   *report.Book
	out  *report.Book
	done map[plainAddr]bool
}

type plainAddr struct {
	sheet string
	key   report.Key
	atRow bool
	row   int
}

func plainCompute(p *formula.Program, in *report.Book) (*report.Book, formula.Env) {
	c := &plainCalc{p: p, in: in, out: report.New(), done: map[plainAddr]bool{}}
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		switch sh.Kind {
		case spec.KindIndicator:
			c.yearRows(sh, sh.Rows)
		case spec.KindList:
			for row := range in.Rows(sh.Key) {
				for _, f := range sh.Columns {
					if !f.Input() {
						c.listCell(sh, f.Key, formula.RowCtx(row))
					}
				}
			}
			for _, f := range sh.Columns {
				c.listCell(sh, f.Key, formula.Ctx{})
			}
			if sh.Summary != nil {
				c.yearRows(sh, sh.Summary.Rows)
			}
		}
	}
	return c.out, c
}

func (c *plainCalc) yearRows(sh *spec.Sheet, rows []spec.Field) {
	for _, f := range rows {
		for _, y := range []string{spec.ColPrev, spec.ColCur, spec.ColPct} {
			c.yearCell(sh, f.Key, y)
		}
	}
}

func plainRound(v report.Value, places int) report.Value {
	if v.Kind == report.Number {
		v.Num = v.Num.Round(int32(places))
	}
	return v
}

func (c *plainCalc) yearCell(sh *spec.Sheet, field, col string) report.Value {
	f := sh.Field(field)
	a := plainAddr{sheet: sh.Key, key: report.Key{Field: field, Col: col}}
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
			num, den := c.yearCell(sh, field, spec.ColCur), c.yearCell(sh, field, spec.ColPrev)
			if num.Kind == report.Number && den.Kind == report.Number && !den.Num.IsZero() {
				v = report.Num(formula.Div(num.Num.Mul(decimal.NewFromInt(100)), den.Num).Round(formula.PctPlaces))
			}
		}
	} else {
		label := c.p.Spec.Columns.Cur
		if col == spec.ColPrev {
			label = c.p.Spec.Columns.Prev
		}
		v = plainRound(c.p.Expr(f.Derived).Eval(c, formula.Ctx{Year: col, YearLabel: label}), f.Places())
	}
	if !v.IsEmpty() {
		c.out.Set(sh.Key, a.key, v)
	}
	return v
}

func plainFilled(sh *spec.Sheet, row map[string]report.Value) bool {
	for _, f := range sh.Columns {
		if f.Input() && !row[f.Key].IsEmpty() {
			return true
		}
	}
	return false
}

func (c *plainCalc) listCell(sh *spec.Sheet, field string, at formula.Ctx) report.Value {
	f := sh.Field(field)
	row := at.Row
	if at.AtRow && f.Input() {
		return c.in.Rows(sh.Key)[row][field]
	}
	a := plainAddr{sheet: sh.Key, key: report.Key{Field: field, Col: report.TotalCol}, atRow: at.AtRow, row: row}
	if c.done[a] {
		if !a.atRow {
			return c.out.Get(a.sheet, a.key)
		}
		if rows := c.out.Rows(a.sheet); a.row < len(rows) {
			return rows[a.row][a.key.Field]
		}
		return report.Value{}
	}
	c.done[a] = true
	var v report.Value
	switch {
	case at.AtRow && f.Type == spec.TypeSeq:
		if plainFilled(sh, c.in.Rows(sh.Key)[row]) {
			v = report.Int(int64(row + 1))
		}
	case at.AtRow:
		if plainFilled(sh, c.in.Rows(sh.Key)[row]) {
			v = plainRound(c.p.Expr(f.Derived).Eval(c, formula.RowCtx(row)), f.Places())
		}
	default:
		switch f.TotalKind() {
		case "sum":
			sum, found := decimal.Zero, false
			for _, x := range c.Column(formula.Ref{Sheet: sh.Key, Field: field, Row: formula.RowAll}) {
				if x.Kind == report.Number {
					sum, found = sum.Add(x.Num), true
				}
			}
			if found {
				v = report.Num(sum)
			}
		case "derived":
			v = plainRound(c.p.Expr(f.Derived).Eval(c, formula.Ctx{}), f.Places())
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

func plainSummary(sh *spec.Sheet, key string) bool {
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

func (c *plainCalc) Cell(r formula.Ref, ctx formula.Ctx) report.Value {
	sh := c.p.Spec.Sheet(r.Sheet)
	switch sh.Kind {
	case spec.KindRecord:
		return c.in.Get(r.Sheet, report.Key{Field: r.Field})
	case spec.KindList:
		if plainSummary(sh, r.Field) {
			break
		}
		at := formula.Ctx{}
		if r.Row == formula.RowCurrent && ctx.AtRow {
			at = formula.RowCtx(ctx.Row)
		}
		return c.listCell(sh, r.Field, at)
	}
	col := r.Col
	if col == "" {
		col = ctx.Year
	}
	return c.yearCell(sh, r.Field, col)
}

func (c *plainCalc) Column(r formula.Ref) []report.Value {
	sh := c.p.Spec.Sheet(r.Sheet)
	rows := c.in.Rows(r.Sheet)
	out := make([]report.Value, len(rows))
	for i := range rows {
		out[i] = c.listCell(sh, r.Field, formula.RowCtx(i))
	}
	return out
}

// sameValue: the same kind, text, and number to the coefficient and exponent.
func sameValue(a, b report.Value) bool {
	return a.Kind == b.Kind && a.Text == b.Text && a.Cell == b.Cell &&
		a.Num.Exponent() == b.Num.Exponent() && a.Num.Cmp(b.Num) == 0
}

// sameBook tells how two books differ, or "".
func sameBook(got, want *report.Book) string {
	if len(got.Sheets) != len(want.Sheets) {
		return fmt.Sprintf("%d sheets, want %d", len(got.Sheets), len(want.Sheets))
	}
	for key, w := range want.Sheets {
		g := got.Sheets[key]
		if g == nil {
			return "no sheet " + key
		}
		if len(g.Values) != len(w.Values) {
			return fmt.Sprintf("%s: %d values, want %d", key, len(g.Values), len(w.Values))
		}
		for k, wv := range w.Values {
			if gv, ok := g.Values[k]; !ok || !sameValue(gv, wv) {
				return fmt.Sprintf("%s %v: %v (%v), want %v", key, k, gv, ok, wv)
			}
		}
		if len(g.Rows) != len(w.Rows) {
			return fmt.Sprintf("%s: %d rows, want %d", key, len(g.Rows), len(w.Rows))
		}
		for i := range w.Rows {
			if len(g.Rows[i]) != len(w.Rows[i]) {
				return fmt.Sprintf("%s row %d: %v, want %v", key, i, g.Rows[i], w.Rows[i])
			}
			for k, wv := range w.Rows[i] {
				if gv, ok := g.Rows[i][k]; !ok || !sameValue(gv, wv) {
					return fmt.Sprintf("%s row %d %s: %v, want %v", key, i, k, gv, wv)
				}
			}
		}
	}
	return ""
}

// everyRef is every cell and column an Env answers for a book, with the
// places it is read at.
func everyRef(p *formula.Program, in *report.Book) (cells []formula.Ref, ctxs []formula.Ctx, cols []formula.Ref) {
	years := []formula.Ctx{{Year: spec.ColPrev, YearLabel: p.Spec.Columns.Prev}, {Year: spec.ColCur, YearLabel: p.Spec.Columns.Cur}}
	add := func(r formula.Ref, cs ...formula.Ctx) {
		for _, c := range cs {
			cells, ctxs = append(cells, r), append(ctxs, c)
		}
	}
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		yearRows := sh.Rows
		switch sh.Kind {
		case spec.KindRecord:
			for _, f := range sh.Rows {
				add(formula.Ref{Sheet: sh.Key, Field: f.Key}, formula.Ctx{})
			}
			continue
		case spec.KindList:
			yearRows = nil
			if sh.Summary != nil {
				yearRows = sh.Summary.Rows
			}
			for _, f := range sh.Columns {
				cols = append(cols, formula.Ref{Sheet: sh.Key, Field: f.Key, Row: formula.RowAll})
				add(formula.Ref{Sheet: sh.Key, Field: f.Key, Row: formula.RowTotal}, formula.Ctx{})
				add(formula.Ref{Sheet: sh.Key, Field: f.Key, Row: formula.RowCurrent}, formula.Ctx{})
				for r := range in.Rows(sh.Key) {
					add(formula.Ref{Sheet: sh.Key, Field: f.Key, Row: formula.RowCurrent}, formula.RowCtx(r))
				}
			}
		}
		for _, f := range yearRows {
			for _, col := range []string{spec.ColPrev, spec.ColCur, spec.ColPct} {
				add(formula.Ref{Sheet: sh.Key, Field: f.Key, Col: col}, formula.Ctx{})
			}
			add(formula.Ref{Sheet: sh.Key, Field: f.Key}, years...)
		}
	}
	return cells, ctxs, cols
}

// perturb changes a few input cells of a generated school's book: emptied,
// zero, text, negative, a long number, more decimals.
func perturb(p *formula.Program, b *report.Book, r *rand.Rand) {
	pick := func(old report.Value) report.Value {
		switch r.IntN(8) {
		case 0:
			return report.Value{}
		case 1:
			return report.Int(0)
		case 2:
			return report.Str("无")
		case 3:
			return report.Num(decimal.New(-r.Int64N(1000), 0))
		case 4:
			return report.Num(decimal.RequireFromString("12345678901234567890123.45"))
		case 5:
			return report.Num(decimal.New(r.Int64N(10_000_000), -int32(r.IntN(6))))
		case 6:
			return report.Num(decimal.New(r.Int64N(7)+1, -25))
		}
		return old
	}
	for n := r.IntN(12); n > 0; n-- {
		sh := &p.Spec.Sheets[r.IntN(len(p.Spec.Sheets))]
		fs := sh.Fields()
		f := &fs[r.IntN(len(fs))]
		if !f.Input() {
			continue
		}
		switch sh.Kind {
		case spec.KindIndicator:
			col := []string{spec.ColPrev, spec.ColCur}[r.IntN(2)]
			k := report.Key{Field: f.Key, Col: col}
			if v := pick(b.Get(sh.Key, k)); v.IsEmpty() {
				delete(b.Sheet(sh.Key).Values, k)
			} else {
				b.Set(sh.Key, k, v)
			}
		case spec.KindList:
			rows := b.Rows(sh.Key)
			if len(rows) == 0 {
				continue
			}
			row := rows[r.IntN(len(rows))]
			if v := pick(row[f.Key]); v.IsEmpty() {
				delete(row, f.Key)
			} else {
				row[f.Key] = v
			}
		}
	}
}

// TestComputePlain: on generated schools, as generated and with inputs
// changed at random, Compute's book is exactly the plain computation's, and
// ComputeEnv's and NewEnv's Env answer every cell and column as it does.
func TestComputePlain(t *testing.T) {
	p, err := templates.Default("zh")
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	n := 120
	if testing.Short() {
		n = 20
	}
	for i := 0; i < n; i++ {
		s, err := sample.Generate(p, 7, i)
		if err != nil {
			t.Fatal(err)
		}
		b := s.Book
		if i%4 != 0 {
			perturb(p, b, r)
		}
		want, wantEnv := plainCompute(p, b)
		got, env := p.ComputeEnv(b)
		if d := sameBook(got, want); d != "" {
			t.Fatalf("school %d: %s", i, d)
		}
		lazy := p.NewEnv(b)
		cells, ctxs, cols := everyRef(p, b)
		order := r.Perm(len(cells))
		for _, k := range order {
			w := wantEnv.Cell(cells[k], ctxs[k])
			for _, e := range []formula.Env{env, lazy} {
				if g := e.Cell(cells[k], ctxs[k]); !sameValue(g, w) {
					t.Fatalf("school %d: Cell(%v, %+v) = %v, want %v", i, cells[k], ctxs[k], g, w)
				}
			}
		}
		for _, ref := range cols {
			w := wantEnv.Column(ref)
			for _, e := range []formula.Env{env, lazy} {
				g := e.Column(ref)
				if len(g) != len(w) {
					t.Fatalf("school %d: Column(%v) has %d values, want %d", i, ref, len(g), len(w))
				}
				for j := range w {
					if !sameValue(g[j], w[j]) {
						t.Fatalf("school %d: Column(%v)[%d] = %v, want %v", i, ref, j, g[j], w[j])
					}
				}
			}
		}
	}
}
