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
	for slabs.get() != nil { // none kept: the first book makes its own
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
	if len(slabs.free) != 1 || &slabs.free[0][:1][0] != &slab[0] {
		t.Fatalf("the released slab is not kept (%d kept)", len(slabs.free))
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
	// at most maxFreeSlabs are kept, none larger than maxFreeSlab
	for slabs.get() != nil {
	}
	slabs.put(make([]Cell, 0, maxFreeSlab+1))
	for i := 0; i < maxFreeSlabs+3; i++ {
		slabs.put(make([]Cell, 10, 100))
	}
	if len(slabs.free) != maxFreeSlabs || cap(slabs.free[0]) != 100 || len(slabs.free[0]) != 0 {
		t.Errorf("%d slabs kept (the first of %d cells and room for %d), want %d empty of room 100", len(slabs.free), len(slabs.free[0]), cap(slabs.free[0]), maxFreeSlabs)
	}
	for slabs.get() != nil {
	}
}
