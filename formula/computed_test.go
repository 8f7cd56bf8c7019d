package formula_test

import (
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
	same := func(a, b report.Value) bool {
		return a.Kind == b.Kind && a.Text == b.Text && a.Cell == b.Cell &&
			(a.Kind != report.Number || (a.Num.Exponent() == b.Num.Exponent() && a.Num.Cmp(b.Num) == 0))
	}
	cols := []string{"", spec.ColPrev, spec.ColCur, spec.ColPct, report.TotalCol, "other"}
	for n, in := range books {
		want, _ := p.ComputeEnv(in)
		got, _ := p.ComputeCells(in)
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
					if g := got.Get(sh.Key, k); !same(g, w) {
						t.Errorf("book %d: Get(%s, %v) = %v, want %v", n, sh.Key, k, g, w)
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
					if g := got.Row(sh.Key, r, key); !same(g, w) {
						t.Errorf("book %d: Row(%s, %d, %s) = %v, want %v", n, sh.Key, r, key, g, w)
					}
					if !w.IsEmpty() {
						rows++
					}
				}
			}
		}
		if n > 0 && (values == 0 || rows == 0) {
			t.Errorf("book %d: %d values and %d row cells computed", n, values, rows)
		}
		if g := got.Get("no_such_sheet", report.Key{Field: "x"}); !g.IsEmpty() {
			t.Errorf("book %d: an unknown sheet has %v", n, g)
		}
	}
	var zero formula.Computed
	if !zero.Get("students", report.Key{Field: "enrolled", Col: spec.ColCur}).IsEmpty() || !zero.Row("majors", 0, "pct").IsEmpty() {
		t.Error("the zero Computed has values")
	}
}
