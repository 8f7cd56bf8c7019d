package spec

import "testing"

// The indicator columns' places are their order, and no other column has one.
func TestYearIndex(t *testing.T) {
	for i, col := range []string{ColPrev, ColCur, ColPct} {
		if got := YearIndex(col); got != i {
			t.Errorf("YearIndex(%q) = %d, want %d", col, got, i)
		}
	}
	for _, col := range []string{"", TotalRow, "Prev", "c"} {
		if got := YearIndex(col); got != -1 {
			t.Errorf("YearIndex(%q) = %d, want -1", col, got)
		}
	}
}
