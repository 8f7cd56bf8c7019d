package consolidate

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

// TestSpillKeepsRecord: what the spill file gives back of a school is what
// the store's encoding (gob of the record, then bookOf) gives back, for
// schools with findings and with values of every kind.
func TestSpillKeepsRecord(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	list := corpus(t, p, dir, 5, 3)
	// a school with findings (a number out of range), and in its record a
	// text and a number too large for an int64 where numbers go (the
	// reader never gives them: they are its problems)
	s := list[1]
	var numeric []string
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		if sh.Kind != spec.KindIndicator {
			continue
		}
		for j := range sh.Rows {
			if f := &sh.Rows[j]; f.Input() && f.Numeric() {
				numeric = append(numeric, valueKey(sh.Key, f.Key, spec.ColCur))
			}
		}
		s.Book.Set(sh.Key, report.Key{Field: sh.Rows[0].Key, Col: spec.ColCur}, report.Num(decimal.NewFromInt(-5)))
		break
	}
	if len(numeric) < 2 {
		t.Fatal("no indicator sheet with two numeric inputs")
	}
	writeSchool(t, p, s, filepath.Join(dir, sample.FileName(s)), nil)

	pl := pipeline(p)
	sp := &spillFile{p: p}
	withFindings := 0
	for _, path := range files(t, dir) {
		res := pl.Check(context.Background(), path)
		_, rec, data, err := recordOf(p, res)
		if err != nil || rec == nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(rec.Findings) > 0 {
			withFindings++
		}
		var stored record
		if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&stored); err != nil {
			t.Fatal(err)
		}

		// the worker's way: a record without texts, the book made of the
		// report (bookFrom), the report's cells
		sub, lean := keep(p, res, false)
		if wantSub, _ := keep(p, res, true); !reflect.DeepEqual(sub, wantSub) {
			t.Errorf("%s: the submission is %+v, want %+v", path, sub, wantSub)
		}
		sameBook(t, path, bookFrom(p, res.Report), bookOf(p, &stored))
		data = spillData(nil, p, lean, bookFrom(p, res.Report))
		if direct := spillReport(nil, p, lean, res.Report); !bytes.Equal(direct, data) {
			t.Errorf("%s: spilled from the report, the record is not what the book made of it gives", path)
		}
		// values the record keeps otherwise than the reader gave them: a
		// number with a trailing zero (1.50 is kept as 1.5), a number where
		// a text goes, an empty text in a list's row
		r := res.Report
		odd := report.Report{File: r.File, Identity: r.Identity, Book: report.New(), Sheets: r.Sheets, Notes: r.Notes,
			Problems: r.Problems, Overwritten: r.Overwritten, Located: r.Located, Explanations: r.Explanations}
		for key, sh := range res.Report.Book.Sheets {
			c := odd.Book.Sheet(key)
			c.Values = maps.Clone(sh.Values)
			for _, row := range sh.Rows {
				c.Rows = append(c.Rows, maps.Clone(row))
			}
		}
		changed := 0
		for i := range p.Spec.Sheets {
			sh := &p.Spec.Sheets[i]
			switch rows := odd.Book.Rows(sh.Key); {
			case sh.Kind == spec.KindList && len(rows) > 0:
				for j := range sh.Columns {
					if f := &sh.Columns[j]; f.Input() {
						if f.Numeric() {
							rows[0][f.Key] = report.Num(decimal.New(150, -2))
						} else {
							rows[0][f.Key] = report.Str("")
						}
						changed++
					}
				}
			case sh.Kind == spec.KindRecord:
				for j := range sh.Rows {
					if f := &sh.Rows[j]; f.Input() && !f.Numeric() {
						odd.Book.Set(sh.Key, report.Key{Field: f.Key}, report.Num(decimal.New(70, -1)))
						changed++
					}
				}
			}
		}
		want := spillData(nil, p, lean, bookFrom(p, &odd))
		if changed < 3 || bytes.Equal(want, data) {
			t.Fatalf("%s: %d values changed, the record the same", path, changed)
		}
		if !bytes.Equal(spillReport(nil, p, lean, &odd), want) {
			t.Errorf("%s: spilled from a report with odd values, the record is not what the book made of it gives", path)
		}
		got, book, err := sp.decode(data, nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		sameBook(t, path+" (spilled)", book, bookOf(p, &stored))
		sameCells(t, path+" (spilled)", p, book, got, &stored)
		w := stored
		w.Values, w.Rows, w.Cells, got.cellsAt = nil, nil, nil, nil
		if !reflect.DeepEqual(got, &w) {
			t.Errorf("%s: the spilled record differs:\n got %+v\nwant %+v", path, got, w)
		}

		// a record with a text and a large number where numbers go
		stored.Values[numeric[0]] = "很多"
		stored.Values[numeric[1]] = "-123456789012345678901234.5"
		wantBook := bookOf(p, &stored)
		got, book, err = sp.decode(spillData(nil, p, &stored, wantBook), nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		sameBook(t, path+" (spilled)", book, wantBook)
		if k, ok := book.Sheets[sheetOf(numeric[0])].Values[report.Key{Field: fieldOf(numeric[0]), Col: spec.ColCur}]; !ok || k.Kind != report.Text {
			t.Errorf("%s: the text where a number goes is %v", path, k)
		}
		sameCells(t, path+" (spilled, texts)", p, book, got, &stored)
		stored.Values, stored.Rows, stored.Cells, got.cellsAt = nil, nil, nil, nil
		if !reflect.DeepEqual(got, &stored) {
			t.Errorf("%s: the spilled record differs:\n got %+v\nwant %+v", path, got, stored)
		}
		if _, _, err := sp.decode(spillData(nil, p, rec, bookOf(p, rec))[:100], nil); err == nil {
			t.Errorf("%s: a record cut short reads", path)
		}
	}
	if withFindings == 0 {
		t.Error("no school with findings")
	}
}

// sameCells compares the cells of a record read back from the spill (by
// their place in the walk) with a stored record's (by address), address by
// address.
func sameCells(t *testing.T, what string, p *formula.Program, book *report.Book, got, want *record) {
	t.Helper()
	n, located := 0, 0
	walk(p, book, formula.Computed{}, true, func(d datum) error {
		n++
		c, _ := got.cell(&d, nil)
		if w := want.Cells[d.addr.String()]; c != w {
			t.Errorf("%s: %s is in %q, want %q", what, d.addr, c, w)
		}
		if c != "" {
			located++
		}
		return nil
	})
	if len(got.cellsAt) != n || located == 0 {
		t.Errorf("%s: %d cells kept, %d located, for %d addresses", what, len(got.cellsAt), located, n)
	}
}

func sheetOf(key string) string { s, _, _ := strings.Cut(key, "."); return s }

func fieldOf(key string) string {
	_, rest, _ := strings.Cut(key, ".")
	f, _, _ := strings.Cut(rest, ".")
	return f
}

// sameBook compares two books value by value, as formulas and tables read
// them: kind, text, number with its exponent (Value.Cell aside: a book made
// of a record has none).
func sameBook(t *testing.T, what string, got, want *report.Book) {
	t.Helper()
	same := func(a, b report.Value) bool {
		return a.Kind == b.Kind && a.Text == b.Text &&
			(a.Kind != report.Number || (a.Num.Exponent() == b.Num.Exponent() && a.Num.Cmp(b.Num) == 0))
	}
	if len(got.Sheets) != len(want.Sheets) {
		t.Errorf("%s: %d sheets, want %d", what, len(got.Sheets), len(want.Sheets))
	}
	for key, sh := range want.Sheets {
		g := got.Sheets[key]
		if g == nil {
			t.Errorf("%s: no sheet %s", what, key)
			continue
		}
		for k, v := range sh.Values {
			if gv, ok := g.Values[k]; !ok || !same(gv, v) {
				t.Errorf("%s: %s %v is %#v, want %#v", what, key, k, gv, v)
			}
		}
		if len(g.Values) != len(sh.Values) {
			t.Errorf("%s: %s has %d values, want %d", what, key, len(g.Values), len(sh.Values))
		}
		if len(g.Rows) != len(sh.Rows) {
			t.Errorf("%s: %s has %d rows, want %d", what, key, len(g.Rows), len(sh.Rows))
			continue
		}
		for i, row := range sh.Rows {
			for k, v := range row {
				if gv, ok := g.Rows[i][k]; !ok || !same(gv, v) {
					t.Errorf("%s: %s row %d %s is %#v, want %#v", what, key, i, k, gv, v)
				}
			}
			if len(g.Rows[i]) != len(row) {
				t.Errorf("%s: %s row %d has %d values, want %d", what, key, i, len(g.Rows[i]), len(row))
			}
		}
	}
}

// TestRetyped: a value made from a report's is the one its text in a record
// reads back as.
func TestRetyped(t *testing.T) {
	num := &spec.Field{Type: spec.TypeDecimal}
	text := &spec.Field{Type: spec.TypeText}
	for _, v := range []report.Value{
		report.Num(decimal.New(1500, 0)), report.Num(decimal.New(15, 2)), report.Num(decimal.New(150, -2)),
		report.Num(decimal.New(15, -1)), report.Num(decimal.New(-5, -2)), report.Num(decimal.New(0, -2)),
		report.Num(decimal.New(0, 0)), report.Num(decimal.Decimal{}), report.Num(decimal.New(-120, -1)),
		report.Num(decimal.New(7, -45)), report.Num(decimal.New(70, -45)), report.Num(decimal.New(3, 41)),
		report.Num(decimal.RequireFromString("1234567890123456789012.50")),
		report.Num(decimal.RequireFromString("-1234567890123456789012.05")),
		report.Str("12"), report.Str("1e3"), report.Str("很多"), report.Str(""),
	} {
		for _, f := range []*spec.Field{num, text} {
			got, want := retyped(f, v), typed(f, v.String())
			if got.Kind != want.Kind || got.Text != want.Text || got.Num.Exponent() != want.Num.Exponent() || got.Num.Cmp(want.Num) != 0 {
				t.Errorf("retyped(%s, %#v) = %#v, want %#v", f.Type, v, got, want)
			}
		}
	}
}

// spillData is spill of a book whose values are as the record keeps them
// (bookOf's, bookFrom's).
func spillData(dst []byte, p *formula.Program, rec *record, book *report.Book) []byte {
	return spill(dst, p, rec, book, false)
}

// bookFrom is bookOf of the record keep makes of r, made from r directly:
// the same values (retyped), without their texts; spillReport must spill
// what spillData does of it.
func bookFrom(p *formula.Program, r *report.Report) *report.Book {
	book := report.New()
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		switch sh.Kind {
		case spec.KindList:
			rows := r.Book.Rows(sh.Key)
			if len(rows) > 0 {
				book.Sheet(sh.Key).Rows = make([]map[string]report.Value, 0, len(rows))
			}
			for _, in := range rows {
				row := map[string]report.Value{}
				for j := range sh.Columns {
					f := &sh.Columns[j]
					if !f.Input() {
						continue
					}
					if v := rowInput(f, in[f.Key]); !v.IsEmpty() {
						row[f.Key] = v
					}
				}
				book.AddRow(sh.Key, row)
			}
		case spec.KindRecord, spec.KindIndicator:
			in := r.Book.Sheets[sh.Key]
			if in == nil {
				continue
			}
			inputKeys(sh, func(f *spec.Field, k report.Key) {
				if v := sheetInput(f, in.Values[k]); !v.IsEmpty() {
					book.Set(sh.Key, k, v)
				}
			})
		}
	}
	return book
}

// TestDecodeInRoom: schools read back one after another in the room of
// the one before (lists longer and shorter, rows with fewer values,
// sheets with values and without) have the books they have read back
// alone.
func TestDecodeInRoom(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 11, 4)
	pl := pipeline(p)
	sp := &spillFile{p: p}
	var data [][]byte
	for _, path := range files(t, dir) {
		res := pl.Check(context.Background(), path)
		_, rec := keep(p, res, false)
		book := bookFrom(p, res.Report)
		data = append(data, spillData(nil, p, rec, book))
		// its lists twice as long, and without its first record or
		// indicator sheet and its first list
		long := report.New()
		for key, sh := range book.Sheets {
			long.Sheets[key] = &report.Sheet{Values: sh.Values, Rows: append(sh.Rows[:len(sh.Rows):len(sh.Rows)], sh.Rows...)}
		}
		data = append(data, spillData(nil, p, rec, long))
		short := report.New()
		dropped := map[string]bool{}
		for i := range p.Spec.Sheets {
			sh := &p.Spec.Sheets[i]
			if in := book.Sheets[sh.Key]; in != nil && dropped[sh.Kind] {
				short.Sheets[sh.Key] = in
			}
			dropped[sh.Kind] = true
		}
		// and with every other value of its rows left empty
		sparse := report.New()
		for key, sh := range book.Sheets {
			c := &report.Sheet{Values: sh.Values}
			for i, row := range sh.Rows {
				r := map[string]report.Value{}
				j := 0
				for k, v := range row {
					if (i+j)%2 == 0 {
						r[k] = v
					}
					j++
				}
				c.Rows = append(c.Rows, r)
			}
			sparse.Sheets[key] = c
		}
		data = append(data, spillData(nil, p, rec, short), spillData(nil, p, rec, report.New()), spillData(nil, p, rec, sparse))
	}
	room := new(bookRoom)
	for _, order := range [][]int{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}, {5, 3, 0, 4, 1, 9, 2, 13, 6, 0, 19, 14}} {
		for _, i := range order {
			_, want, err := sp.decode(data[i], nil)
			if err != nil {
				t.Fatal(err)
			}
			_, got, err := sp.decode(data[i], room)
			if err != nil {
				t.Fatal(err)
			}
			sameBook(t, fmt.Sprintf("school %d in a room", i), got, want)
			for key, sh := range got.Sheets {
				if len(sh.Values) == 0 && len(sh.Rows) == 0 {
					t.Errorf("school %d: sheet %s is empty", i, key)
				}
			}
		}
	}
}
