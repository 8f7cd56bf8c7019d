package reader

import (
	"slices"

	"github.com/nianbao/nianbao/sheets/xlsx"
)

// grid is the cells of a sheet the reader kept, by row and column: sorted
// by row, then column, one per position (the last one stored wins, as Excel
// reads a repeated reference), with the index of each row's first cell.
type grid struct {
	cells []xlsx.Cell
	rowAt []int32 // rowAt[r]: the index of the first cell of row r or below
}

func newGrid(cells []xlsx.Cell) grid {
	sorted := slices.IsSortedFunc(cells, cmpCell)
	if !sorted {
		slices.SortStableFunc(cells, cmpCell)
	}
	// repeated positions: keep the last
	out := cells[:0]
	for i, c := range cells {
		if i+1 < len(cells) && cells[i+1].Row == c.Row && cells[i+1].Col == c.Col {
			continue
		}
		out = append(out, c)
	}
	g := grid{cells: out}
	last := 0
	if len(out) > 0 {
		last = out[len(out)-1].Row
	}
	g.rowAt = make([]int32, last+2)
	j := 0
	for r := range g.rowAt {
		for j < len(out) && out[j].Row < r {
			j++
		}
		g.rowAt[r] = int32(j)
	}
	return g
}

func cmpCell(a, b xlsx.Cell) int {
	if a.Row != b.Row {
		return a.Row - b.Row
	}
	return a.Col - b.Col
}

// lastRow is the last row with a cell.
func (g grid) lastRow() int { return len(g.rowAt) - 2 }

// rows returns the cells of rows from to to, in order.
func (g grid) rows(from, to int) []xlsx.Cell {
	from = max(from, 0)
	to = min(to, g.lastRow())
	if from > to {
		return nil
	}
	return g.cells[g.rowAt[from]:g.rowAt[to+1]]
}

// get returns the cell at row and col.
func (g grid) get(row, col int) (xlsx.Cell, bool) {
	return cellAt(g.rows(row, row), col)
}

// cellAt returns the cell at col of a row's cells (sorted by column): the
// cells are looked at in place, not copied one by one.
func cellAt(cells []xlsx.Cell, col int) (xlsx.Cell, bool) {
	for i := range cells {
		switch c := cells[i].Col; {
		case c == col:
			return cells[i], true
		case c > col:
			return xlsx.Cell{}, false
		}
	}
	return xlsx.Cell{}, false
}

func (g grid) text(row, col int) string {
	c, _ := g.get(row, col)
	return c.Value
}
