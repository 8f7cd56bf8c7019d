package reader

import (
	"math/rand"
	"testing"

	"github.com/nianbao/nianbao/sheets/xlsx"
)

// get (cellAt) finds a cell as a look at every cell of the grid does, on
// random sheets: every row and column, none, one or many cells a row,
// repeated positions (the last one wins).
func TestGridGet(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for n := 0; n < 500; n++ {
		var cells []xlsx.Cell
		for k := rng.Intn(40); k > 0; k-- {
			cells = append(cells, xlsx.Cell{Row: 1 + rng.Intn(6), Col: 1 + rng.Intn(8), Value: string(rune('a' + rng.Intn(26)))})
		}
		want := map[[2]int]xlsx.Cell{}
		for _, c := range cells {
			want[[2]int{c.Row, c.Col}] = c
		}
		g := newGrid(append([]xlsx.Cell(nil), cells...))
		for row := 0; row <= 8; row++ {
			for col := 0; col <= 10; col++ {
				c, ok := g.get(row, col)
				w, wok := want[[2]int{row, col}]
				if ok != wok || c != w {
					t.Fatalf("%v: get(%d, %d) = %+v %v, want %+v %v", cells, row, col, c, ok, w, wok)
				}
			}
		}
	}
}
