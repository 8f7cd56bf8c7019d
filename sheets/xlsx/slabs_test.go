package xlsx

import (
	"os"
	"path/filepath"
	"testing"
)

// A released book's slab is kept, emptied (no value of the book kept
// alive), and given to the next book, which reads the same cells as a book
// given none.
func TestSlabsReused(t *testing.T) {
	names, _ := filepath.Glob("testdata/corpus/*.xlsx")
	if len(names) == 0 {
		t.Fatal("no testdata/corpus/*.xlsx")
	}
	data, err := os.ReadFile(names[0])
	if err != nil {
		t.Fatal(err)
	}
	read := func() ([][]Cell, *Book) {
		b, err := OpenBytes(data, DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		var all [][]Cell
		for i := range b.Sheets {
			cells, _, err := b.CellsIn(i, Region{})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, append([]Cell(nil), cells...))
		}
		return all, b
	}
	for slabs.Get() != nil { // none kept: the first book makes its own
	}
	want, b := read()
	if len(want) == 0 || b.slab == nil {
		t.Fatal("no cells read")
	}
	slab := b.slab[:cap(b.slab)]
	b.Release()
	for i, c := range slab {
		if c != (Cell{}) {
			t.Fatalf("the released slab holds %+v at %d", c, i)
		}
	}
	if kept := slabs.Get(); kept == nil || &kept[:1][0] != &slab[0] || slabs.Get() != nil {
		t.Fatal("the released slab is not the one kept")
	} else {
		slabs.Put(kept)
	}
	got, b2 := read()
	if &b2.slab[:1][0] != &slab[0] {
		t.Errorf("the next book did not take the kept slab")
	}
	b2.Release()
	if len(got) != len(want) {
		t.Fatalf("%d sheets read, want %d", len(got), len(want))
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Fatalf("sheet %d: %d cells, want %d", i, len(got[i]), len(want[i]))
		}
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Fatalf("sheet %d cell %d: %+v, want %+v", i, j, got[i][j], want[i][j])
			}
		}
	}
	// at most slabs.Keep are kept, none larger than maxFreeSlab
	for slabs.Get() != nil {
	}
	slabs.Put(make([]Cell, 0, maxFreeSlab+1))
	for i := 0; i < slabs.Keep+3; i++ {
		slabs.Put(make([]Cell, 10, 100))
	}
	n := 0
	for s := slabs.Get(); s != nil; s = slabs.Get() {
		if len(s) != 0 || cap(s) != 100 {
			t.Errorf("a slab of %d cells and room for %d kept", len(s), cap(s))
		}
		n++
	}
	if n != slabs.Keep {
		t.Errorf("%d slabs kept, want %d", n, slabs.Keep)
	}
}
