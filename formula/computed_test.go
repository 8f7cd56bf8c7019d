package formula_test

import (
	"fmt"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/spec"
	"github.com/nianbao/nianbao/templates"
)

// Computed reads what ComputeEnv's book holds, key by key and row by row,
// for generated schools (their lists of every length), one whose lists are
// cut short and an empty book; keys the book has not (another column, an
// unknown field or sheet) are empty too.
func TestComputedIsBook(t *testing.T) {
	p, err := templates.Default("zh")
	if err != nil {
		t.Fatal(err)
	}
	books := []*report.Book{report.New()}
	for i := range 12 {
		s, err := sample.Generate(p, 1, i)
		if err != nil {
			t.Fatal(err)
		}
		books = append(books, s.Book)
	}
	cut, err := sample.Generate(p, 1, 99)
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range cut.Book.Sheets {
		if len(sh.Rows) > 1 {
			sh.Rows = sh.Rows[:1]
		}
	}
	books = append(books, cut.Book)
	for n, in := range books {
		got, _ := p.ComputeCells(in)
		sameComputed(t, p, fmt.Sprintf("book %d", n), in, got, n > 0)
	}
	var zero formula.Computed
	if !zero.Get("students", report.Key{Field: "enrolled", Col: spec.ColCur}).IsEmpty() || !zero.Row("majors", 0, "pct").IsEmpty() {
		t.Error("the zero Computed has values")
	}
}

// sameComputed compares got with what ComputeEnv's book of in holds, key
// by key and row by row (filled: some values are).
func sameComputed(t *testing.T, p *formula.Program, what string, in *report.Book, got formula.Computed, filled bool) {
	t.Helper()
	want, _ := p.ComputeEnv(in)
	cols := []string{"", spec.ColPrev, spec.ColCur, spec.ColPct, report.TotalCol, "other"}
	values, rows := 0, 0
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		keys := []string{"no_such_field"}
		for _, f := range sh.Fields() {
			keys = append(keys, f.Key)
		}
		if sh.Summary != nil {
			for _, f := range sh.Summary.Rows {
				keys = append(keys, f.Key)
			}
		}
		for _, key := range keys {
			for _, col := range cols {
				k := report.Key{Field: key, Col: col}
				w := want.Get(sh.Key, k)
				if g := got.Get(sh.Key, k); !sameValue(g, w) {
					t.Errorf("%s: Get(%s, %v) = %v, want %v", what, sh.Key, k, g, w)
				}
				if !w.IsEmpty() {
					values++
				}
			}
			wr := want.Rows(sh.Key)
			for r := range len(in.Rows(sh.Key)) + 2 {
				var w report.Value
				if r < len(wr) {
					w = wr[r][key]
				}
				if g := got.Row(sh.Key, r, key); !sameValue(g, w) {
					t.Errorf("%s: Row(%s, %d, %s) = %v, want %v", what, sh.Key, r, key, g, w)
				}
				if !w.IsEmpty() {
					rows++
				}
			}
		}
	}
	if filled && (values == 0 || rows == 0) {
		t.Errorf("%s: %d values and %d row cells computed", what, values, rows)
	}
	if g := got.Get("no_such_sheet", report.Key{Field: "x"}); !g.IsEmpty() {
		t.Errorf("%s: an unknown sheet has %v", what, g)
	}
}

// ComputeCellsIn, computing school after school in the memory of the one
// before (lists longer and shorter, empty books, another program's of
// other sheets), gives what ComputeCells gives each alone, and so does its
// Env.
func TestComputeCellsIn(t *testing.T) {
	p, err := templates.Default("zh")
	if err != nil {
		t.Fatal(err)
	}
	// another program, with one list fewer
	s := *p.Spec
	s.Sheets = append(append([]spec.Sheet(nil), s.Sheets[:4]...), s.Sheets[5:]...)
	other, err := formula.Compile(&s, "zh")
	if err != nil {
		t.Fatal(err)
	}
	books := []*report.Book{report.New()}
	for i := range 12 {
		school, err := sample.Generate(p, 3, i)
		if err != nil {
			t.Fatal(err)
		}
		books = append(books, school.Book)
		if i == 5 {
			books = append(books, report.New())
		}
	}
	long := books[len(books)-1].Clone()
	for _, sh := range long.Sheets {
		sh.Rows = append(sh.Rows, sh.Rows...)
	}
	books = append(books, long, books[2], books[1])
	var old formula.Computed
	for n, in := range books {
		q := p
		if n == 10 {
			q = other
		}
		got, env := q.ComputeCellsIn(in, old)
		sameComputed(t, q, fmt.Sprintf("book %d", n), in, got, len(in.Sheets) > 0)
		_, fresh := q.ComputeCells(in)
		for i := range q.Spec.Indicators {
			x := &q.Spec.Indicators[i]
			w, g := q.Expr(&x.Value).Eval(fresh, formula.Ctx{}), q.Expr(&x.Value).Eval(env, formula.Ctx{})
			if !sameValue(g, w) {
				t.Errorf("book %d: indicator %s is %v, want %v", n, x.Key, g, w)
			}
		}
		old = got
	}
}
