package consolidate

import (
	"runtime"
	"sync"
	"weak"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
)

// cellPlaces finds the place in walk's order (datum.n) of a school's cell
// from its address, so that the spill lays out a report's cells by going
// once over them rather than looking each address of the walk up in them
// (a third of the spill's time went to hashing and comparing addresses).
// It is held to walk by TestCellPlacesAsWalk.
type cellPlaces struct {
	sheets map[string]int // spec sheet index by key
	places []sheetPlaces  // by spec sheet index
	// ok is false when the spec has two sheets, or two fields of a sheet,
	// with the same key (a spec never has: it is refused): the spill
	// walks then
	ok bool
}

// sheetPlaces are a sheet's addresses as walk goes through them: a
// record's fields, an indicator's rows three columns each, a list's data
// rows (width each), then its 合计 cells and summary rows (fixed).
type sheetPlaces struct {
	kind   string
	fields map[string]fieldPlace
	width  int
	fixed  int
	// heads are a list's columns' labels (HeaderLabel), made once: the
	// same texts on every row of every school (listData)
	heads []string
}

// fieldPlace is where a field's cells are in its sheet's part of the
// walk, -1 where it has none: [placeAt] a record's field, an indicator's
// row (its first column) or a list's column in each data row;
// [placeTotal] a list column's 合计 cell and [placeSummary] a list's
// summary row (its 上学年), after the data rows.
type fieldPlace [3]int

const (
	placeAt = iota
	placeTotal
	placeSummary
)

// placesOf are the cell places of a program's spec, made once.
func placesOf(p *formula.Program) *cellPlaces {
	key := weak.Make(p)
	if c, ok := cellPlacesMade.Load(key); ok {
		return c.(*cellPlaces)
	}
	c, made := cellPlacesMade.LoadOrStore(key, newCellPlaces(p.Spec))
	if !made {
		// forgotten with the program: a process that compiles many (a
		// server, the tests) does not keep them all
		runtime.AddCleanup(p, func(k weak.Pointer[formula.Program]) { cellPlacesMade.Delete(k) }, key)
	}
	return c.(*cellPlaces)
}

// cellPlacesMade are the programs' cell places (a run has one program), by
// a weak pointer to the program.
var cellPlacesMade sync.Map

func newCellPlaces(s *spec.Spec) *cellPlaces {
	c := &cellPlaces{sheets: make(map[string]int, len(s.Sheets)), places: make([]sheetPlaces, len(s.Sheets)), ok: true}
	for i := range s.Sheets {
		sh := &s.Sheets[i]
		if _, dup := c.sheets[sh.Key]; dup {
			c.ok = false
		}
		c.sheets[sh.Key] = i
		sp := &c.places[i]
		sp.kind, sp.fields = sh.Kind, map[string]fieldPlace{}
		set := func(f *spec.Field, which, at int) {
			fp, ok := sp.fields[f.Key]
			if !ok {
				fp = fieldPlace{-1, -1, -1}
			}
			if fp[which] >= 0 {
				c.ok = false
			}
			fp[which] = at
			sp.fields[f.Key] = fp
		}
		switch sh.Kind {
		case spec.KindRecord:
			for j := range sh.Rows {
				set(&sh.Rows[j], placeAt, j)
			}
			sp.width = len(sh.Rows)
		case spec.KindIndicator:
			for j := range sh.Rows {
				set(&sh.Rows[j], placeAt, 3*j)
			}
			sp.width = 3 * len(sh.Rows)
		case spec.KindList:
			for j := range sh.Columns {
				set(&sh.Columns[j], placeAt, j)
				sp.heads = append(sp.heads, sh.Columns[j].HeaderLabel())
			}
			sp.width = len(sh.Columns)
			for j := range sh.Columns {
				if k := sh.Columns[j].TotalKind(); k == "sum" || k == "derived" {
					set(&sh.Columns[j], placeTotal, sp.fixed)
					sp.fixed++
				}
			}
			if sh.Summary != nil {
				for j := range sh.Summary.Rows {
					set(&sh.Summary.Rows[j], placeSummary, sp.fixed)
					sp.fixed += 2
				}
			}
		}
	}
	return c
}

// lay puts a book's cells (a report's Located) in walk's order, the zero
// Cell where an address has none; bases and cells are made again.
func (c *cellPlaces) lay(bases []int, cells []report.Cell, s *spec.Spec, book *report.Book, located []report.Located) ([]int, []report.Cell) {
	bases = c.bases(bases, s, book)
	cells = append(cells[:0], make([]report.Cell, bases[len(bases)-1])...)
	var m placeMemo
	for i := range located { // in order: an address found twice is at its later place
		if n := c.at(&located[i].Addr, bases, &m); n >= 0 {
			cells[n] = located[i].Cell
		}
	}
	return bases, cells
}

// bases are where each sheet's part of the walk of a book begins, and
// (last) how many addresses it has: dst made again.
func (c *cellPlaces) bases(dst []int, s *spec.Spec, book *report.Book) []int {
	dst = append(dst[:0], 0)
	n := 0
	for i := range c.places {
		sp := &c.places[i]
		switch sp.kind {
		case spec.KindList:
			n += len(book.Rows(s.Sheets[i].Key))*sp.width + sp.fixed
		default:
			n += sp.width
		}
		dst = append(dst, n)
	}
	return dst
}

// placeMemo is the sheet and field at looked up last: the cells of a
// report come sheet by sheet, an indicator's two years one after the other.
type placeMemo struct {
	sheet, field string
	si           int
	fp           fieldPlace
	ok           bool // the sheet and the field have places
	set          bool
}

// at is the place of a in walk's order of a book whose sheets begin at
// bases (bases), -1 when walk has no such address; m keeps the sheet and
// field looked up.
func (c *cellPlaces) at(a *report.Addr, bases []int, m *placeMemo) int {
	if !m.set || a.Sheet != m.sheet || a.Field != m.field {
		*m = placeMemo{sheet: a.Sheet, field: a.Field, set: true}
		var ok bool
		if m.si, ok = c.sheets[a.Sheet]; ok {
			m.fp, m.ok = c.places[m.si].fields[a.Field]
		}
	}
	if !m.ok {
		return -1
	}
	si, fp := m.si, m.fp
	sp := &c.places[si]
	base, end := bases[si], bases[si+1]
	n := -1
	switch sp.kind {
	case spec.KindRecord:
		if a.Col == "" && !a.InRow && a.Row == 0 && fp[placeAt] >= 0 {
			n = base + fp[placeAt]
		}
	case spec.KindIndicator:
		if y := spec.YearIndex(a.Col); y >= 0 && !a.InRow && a.Row == 0 && fp[placeAt] >= 0 {
			n = base + fp[placeAt] + y
		}
	case spec.KindList:
		rows := end - base - sp.fixed // the data rows' addresses
		switch {
		case a.InRow:
			if a.Col == "" && fp[placeAt] >= 0 && a.Row >= 0 && a.Row < rows/max(sp.width, 1) {
				n = base + a.Row*sp.width + fp[placeAt]
			}
		case a.Row != 0:
		case a.Col == report.TotalCol:
			if fp[placeTotal] >= 0 {
				n = base + rows + fp[placeTotal]
			}
		case a.Col == spec.ColPrev || a.Col == spec.ColCur:
			if fp[placeSummary] >= 0 {
				n = base + rows + fp[placeSummary] + spec.YearIndex(a.Col)
			}
		}
	}
	return n
}
