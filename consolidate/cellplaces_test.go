package consolidate

import (
	"context"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"weak"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
)

// walkCells are a book's cells in walk's order, each address looked up
// (the later place of one located twice): what cellPlaces.lay must give.
func walkCells(p *formula.Program, book *report.Book, located []report.Located) []report.Cell {
	addrs := map[report.Addr]report.Cell{}
	for _, l := range located {
		addrs[l.Addr] = l.Cell
	}
	var out []report.Cell
	walk(p, book, formula.Computed{}, true, func(d datum) error {
		out = append(out, addrs[d.addr])
		return nil
	})
	return out
}

// locatedOf are the cells of a map, and then again some of them at
// another place (which is where they are).
func locatedOf(cells map[report.Addr]report.Cell) []report.Located {
	var out []report.Located
	for a, c := range cells {
		out = append(out, report.Located{Addr: a, Cell: c})
	}
	for i, n := 0, len(out); i < n; i += 5 {
		out = append(out, report.Located{Addr: out[i].Addr, Cell: report.Cell{Sheet: "又", Ref: "Y" + strconv.Itoa(i+1)}})
	}
	return out
}

// TestCellPlacesAsWalk: the cells the spill lays out by their places are
// walk's, address by address, for read workbooks and for cells at
// addresses walk has not (rows beyond the book's, other columns, unknown
// sheets and fields), lists of no rows and of more rows than cells.
func TestCellPlacesAsWalk(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 7, 3)
	c := placesOf(p)
	if !c.ok {
		t.Fatal("the spec's cells have no places")
	}
	pl := pipeline(p)
	same := func(what string, book *report.Book, located []report.Located) {
		t.Helper()
		want := walkCells(p, book, located)
		_, got := c.lay(nil, nil, p.Spec, book, located)
		if len(got) != len(want) {
			t.Fatalf("%s: %d cells, walk has %d", what, len(got), len(want))
		}
		placed := 0
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: cell %d is %v, walk's %v", what, i, got[i], want[i])
			}
			if !want[i].IsZero() {
				placed++
			}
		}
		if placed == 0 {
			t.Errorf("%s: no cell located", what)
		}
	}
	for _, path := range files(t, dir) {
		res := pl.Check(context.Background(), path)
		r := res.Report
		name := filepath.Base(path)
		same(name, r.Book, r.Located)

		// cells at addresses walk has not, and at some it has that the
		// reader did not give; some located twice
		odd := make(map[report.Addr]report.Cell, len(r.Located))
		for _, l := range r.Located {
			odd[l.Addr] = l.Cell
		}
		n := 0
		put := func(a report.Addr) {
			if _, ok := odd[a]; !ok {
				n++
				odd[a] = report.Cell{Sheet: "表", Ref: "Z" + strconv.Itoa(n)}
			}
		}
		for i := range p.Spec.Sheets {
			sh := &p.Spec.Sheets[i]
			fs := sh.Fields()
			if sh.Summary != nil {
				fs = append(fs[:len(fs):len(fs)], sh.Summary.Rows...)
			}
			rows := len(r.Book.Rows(sh.Key))
			for _, f := range append(fs, spec.Field{Key: "nosuch"}, spec.Field{}) {
				for _, col := range []string{"", spec.ColPrev, spec.ColCur, spec.ColPct, report.TotalCol, "other"} {
					for _, row := range []int{-1, 0, 1, rows, rows + 5} {
						put(report.Addr{Sheet: sh.Key, Field: f.Key, Col: col, Row: row})
						put(report.Addr{Sheet: sh.Key, Field: f.Key, Col: col, Row: row, InRow: true})
					}
				}
				put(report.ColAddr("nosuch", f.Key, spec.ColCur))
				put(report.FieldAddr("", f.Key))
			}
			for j, f := range fs {
				if j%3 == 1 {
					delete(odd, report.RowAddr(sh.Key, 0, f.Key))
					delete(odd, report.ColAddr(sh.Key, f.Key, spec.ColPrev))
					delete(odd, report.FieldAddr(sh.Key, f.Key))
					delete(odd, report.TotalAddr(sh.Key, f.Key))
				}
			}
		}
		same(name+" (odd cells)", r.Book, locatedOf(odd))

		// lists of no rows, and of more rows than cells
		book := report.New()
		for key, sh := range r.Book.Sheets {
			c := book.Sheet(key)
			c.Values = sh.Values
			c.Rows = sh.Rows
		}
		for _, sh := range listSheets(p.Spec) {
			if n := len(book.Rows(sh.Key)); n%2 == 0 {
				book.Sheet(sh.Key).Rows = nil
			} else {
				book.Sheet(sh.Key).Rows = append(book.Rows(sh.Key)[:n:n], book.Rows(sh.Key)...)
			}
		}
		same(name+" (rows)", book, locatedOf(odd))
	}
}

// TestCellPlacesDuplicates: a spec with two fields of a sheet of the same
// key has no places (walk is used).
func TestCellPlacesDuplicates(t *testing.T) {
	p := program(t)
	s := *p.Spec
	s.Sheets = append([]spec.Sheet(nil), s.Sheets...)
	for i := range s.Sheets {
		if s.Sheets[i].Kind == spec.KindIndicator {
			sh := &s.Sheets[i]
			sh.Rows = append(append([]spec.Field(nil), sh.Rows...), sh.Rows[0])
			break
		}
	}
	if newCellPlaces(&s).ok {
		t.Error("two rows of the same key have places")
	}
	s.Sheets = append(append([]spec.Sheet(nil), p.Spec.Sheets...), p.Spec.Sheets[0])
	if !newCellPlaces(p.Spec).ok || newCellPlaces(&s).ok {
		t.Error("two sheets of the same key have places")
	}
}

// TestRowsAtAsCell: the row each list row came from is the row of its
// first column with a cell, as looking the cells up column by column
// gives it, also where rows were located twice or only in part.
func TestRowsAtAsCell(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 5, 4)
	pl := pipeline(p)
	lists := 0
	for _, path := range files(t, dir) {
		r := pl.Check(context.Background(), path).Report
		odd := &report.Report{Book: r.Book}
		for i, l := range r.Located {
			switch {
			case i%7 == 3: // a column's cell not located
			case i%11 == 5: // located, and again a few rows down
				odd.Located = append(odd.Located, l, report.Located{Addr: l.Addr, Cell: report.Cell{Sheet: l.Cell.Sheet, Ref: "B" + strconv.Itoa(900+i)}})
			default:
				odd.Located = append(odd.Located, l)
			}
		}
		for _, rep := range []*report.Report{r, odd} {
			rec := &record{RowAt: map[string][]int{}}
			rowsAt(p.Spec, rep, rec)
			for _, sh := range listSheets(p.Spec) {
				var want []int
				for i := range rep.Book.Rows(sh.Key) {
					at := 0
					for _, f := range sh.Columns {
						if c := rep.Cell(report.RowAddr(sh.Key, i, f.Key)); !c.IsZero() {
							at, _ = strconv.Atoi(strings.TrimLeft(c.Ref, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
							break
						}
					}
					want = append(want, at)
				}
				got, ok := rec.RowAt[sh.Key]
				if !slices.Equal(got, want) || ok != (len(want) > 0) {
					t.Errorf("%s %s: rows at %v (%v), want %v", filepath.Base(path), sh.Key, got, ok, want)
				}
				if len(want) > 0 {
					lists++
				}
			}
		}
	}
	if lists == 0 {
		t.Error("no list had rows")
	}
}

// The places of a program are forgotten once the program is: a process
// that compiles many (a server, the tests) keeps only those in use.
func TestCellPlacesForgotten(t *testing.T) {
	count := func() int {
		n := 0
		cellPlacesMade.Range(func(_, _ any) bool { n++; return true })
		return n
	}
	kept := program(t)
	placesOf(kept)
	before := count()
	for range 5 {
		if !placesOf(program(t)).ok {
			t.Fatal("the spec's cells have no places")
		}
	}
	for i := 0; i < 50 && count() > before; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := count(); n > before {
		t.Errorf("%d programs' places kept, %d in use", n, before)
	}
	if c, ok := cellPlacesMade.Load(weak.Make(kept)); !ok || c.(*cellPlaces) != placesOf(kept) {
		t.Error("the places of a program in use are gone")
	}
	runtime.KeepAlive(kept)
}
