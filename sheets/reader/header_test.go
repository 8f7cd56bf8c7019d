package reader

import (
	"fmt"
	"math/rand"
	"reflect"
	"testing"

	"github.com/nianbao/nianbao/sheets/xlsx"
)

// findHeaderMaps is findHeader as it was, a map of headers for each row.
func findHeaderMaps(nb *normBuf, g grid, headers map[string]string, from, maxRow int) (row int, cols map[string]int) {
	best := map[int]map[string]int{}
	for _, c := range g.rows(from, maxRow) {
		if c.Numeric() {
			continue
		}
		if key, ok := headers[string(nb.norm(c.Value))]; ok {
			if best[c.Row] == nil {
				best[c.Row] = map[string]int{}
			}
			if _, dup := best[c.Row][key]; !dup {
				best[c.Row][key] = c.Col
			}
		}
	}
	for rw, cs := range best {
		if len(cs) > len(cols) || (len(cs) == len(cols) && rw < row) {
			row, cols = rw, cs
		}
	}
	return row, cols
}

// labelRowsMaps is labelRows as it was, with a second map of where each
// label was read.
func labelRowsMaps(nb *normBuf, g grid, labels map[string]string, from, to, maxCol int) (rows map[string]int, labelCol int, dups []duplicate) {
	rows = map[string]int{}
	at := map[string]int{}
	counts := make([]int, maxCol+1)
	cells := g.rows(from, to)
	for i, c := range cells {
		if c.Col > maxCol || c.Numeric() {
			continue
		}
		key, ok := labels[string(nb.labelKey(c.Value))]
		if !ok {
			continue
		}
		j, dup := at[key]
		first := cells[j]
		switch {
		case !dup:
			rows[key], at[key] = c.Row, i
			counts[c.Col]++
		case first.Row == c.Row:
		case first.HiddenRow && !c.HiddenRow:
			rows[key], at[key] = c.Row, i
			dups = append(dups, duplicate{key: key, read: c, other: first})
		default:
			dups = append(dups, duplicate{key: key, read: first, other: c})
		}
	}
	for col, n := range counts {
		if n > counts[labelCol] {
			labelCol = col
		}
	}
	return rows, labelCol, dups
}

// randomGrid is a sheet of texts drawn from words (and numbers), some rows
// hidden.
func randomGrid(rnd *rand.Rand, words []string) grid {
	var cells []xlsx.Cell
	hidden := map[int]bool{}
	for i := rnd.Intn(120); i > 0; i-- {
		row := 1 + rnd.Intn(25)
		if _, ok := hidden[row]; !ok {
			hidden[row] = rnd.Intn(5) == 0
		}
		c := xlsx.Cell{Row: row, Col: 1 + rnd.Intn(12), Type: "s", Value: words[rnd.Intn(len(words))], HiddenRow: hidden[row]}
		if rnd.Intn(6) == 0 {
			c.Type, c.Value = "", "12"
		}
		cells = append(cells, c)
	}
	return newGrid(cells)
}

// findHeader and labelRows find what the map-based readings found, on
// sheets of headers and labels repeated, in any order, on hidden rows.
func TestHeadersAsMaps(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	words := []string{"上学年", "本学年", "单位", " 本学年 ", "本学年为上学年(%)", "指标", "1.在校生数", "在校生数", "（一）教师数", "教师数*", "其他", "合计", ""}
	headers := map[string]string{norm("上学年"): "prev", norm("本学年"): "cur", norm("单位"): "unit", norm("本学年为上学年(%)"): "pct", norm("指标"): "label"}
	labels := map[string]string{norm("在校生数"): "students", norm("教师数"): "teachers", norm("其他"): "other"}
	var nb normBuf
	var reuse [2]map[string]int // findHeader's and labelRows' maps, used again or not
	for i := 0; i < 3000; i++ {
		g := randomGrid(rnd, words)
		from, to := rnd.Intn(5), 5+rnd.Intn(25)
		all := 0 // half the time, how many keys headers has: the row of all is the last looked at
		if rnd.Intn(2) == 0 {
			all = distinctValues(headers)
		}
		row, cols := findHeader(&nb, g, headers, all, from, to, reuse[0])
		wantRow, wantCols := findHeaderMaps(&nb, g, headers, from, to)
		if cols != nil && rnd.Intn(2) == 0 {
			reuse[0] = cols // the next one into this one
		}
		if row != wantRow || !reflect.DeepEqual(cols, wantCols) {
			t.Fatalf("findHeader: row %d %v, want row %d %v, of %+v", row, cols, wantRow, wantCols, g.cells)
		}
		maxCol := 1 + rnd.Intn(12)
		rows, labelCol, dups := labelRows(&nb, g, labels, from, to, maxCol, rnd.Intn(4), reuse[1])
		wantRows, wantCol, wantDups := labelRowsMaps(&nb, g, labels, from, to, maxCol)
		if rnd.Intn(2) == 0 {
			reuse[1] = rows
		}
		if !reflect.DeepEqual(rows, wantRows) || labelCol != wantCol || !reflect.DeepEqual(dups, wantDups) {
			t.Fatalf("labelRows: %v %d %+v, want %v %d %+v, of %+v", rows, labelCol, dups, wantRows, wantCol, wantDups, g.cells)
		}
	}
}

// findHeader makes one map, of the header row's columns, however many rows
// hold headers; labelRows one, of the rows of the labels found.
func TestHeadersAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes what is allocated")
	}
	var cells []xlsx.Cell
	for row := 1; row <= 20; row++ {
		for col, v := range []string{"指标", "单位", "上学年", "本学年", "本学年为上学年(%)"} {
			cells = append(cells, xlsx.Cell{Row: row, Col: col + 1, Type: "s", Value: v})
		}
	}
	labels := map[string]string{}
	for i := 0; i < 12; i++ {
		key := fmt.Sprintf("指标%d", i)
		labels[key] = key
		cells = append(cells, xlsx.Cell{Row: 21 + i, Col: 1, Type: "s", Value: fmt.Sprintf("%d.%s", i+1, key)})
	}
	g := newGrid(cells)
	headers := map[string]string{norm("上学年"): "prev", norm("本学年"): "cur", norm("单位"): "unit", norm("本学年为上学年(%)"): "pct", norm("指标"): "label"}
	var nb normBuf
	if n := testing.AllocsPerRun(100, func() { findHeader(&nb, g, headers, 0, 0, 50, nil) }); n > 2 {
		t.Errorf("findHeader makes %v objects, want at most 2", n)
	}
	n := testing.AllocsPerRun(100, func() {
		if rows, _, _ := labelRows(&nb, g, labels, 1, 50, 10, len(labels), nil); len(rows) != len(labels) {
			t.Fatalf("%d rows found", len(rows))
		}
	})
	if n > 4 {
		t.Errorf("labelRows makes %v objects, want at most 4", n)
	}
	// the reader's maps, used again from table to table: none at all
	r := &reader{}
	n = testing.AllocsPerRun(100, func() {
		if _, cols := r.findHeader(g, headers, 0, 0, 50); len(cols) != len(headers) {
			t.Fatalf("%d headers found", len(cols))
		}
		if rows, _, _ := r.labelRows(g, labels, 1, 50, 10, len(labels)); len(rows) != len(labels) {
			t.Fatalf("%d rows found", len(rows))
		}
	})
	if n > 0 {
		t.Errorf("the reader's findHeader and labelRows make %v objects, want none", n)
	}
}

// findHeader, told how many keys the headers have, looks at no row after
// the first that holds them all: the rows of an indicator table or a list
// below its header are not normalised to look for headers.
func TestHeaderStopsAtFullRow(t *testing.T) {
	headers := map[string]string{norm("上学年"): "prev", norm("本学年"): "cur", norm("单位"): "unit", norm("本学年为上学年(%)"): "pct", norm("指标"): "label"}
	var cells []xlsx.Cell
	cells = append(cells, xlsx.Cell{Row: 1, Col: 1, Type: "s", Value: "本学年"}) // a title: one header
	for col, v := range []string{"指标", "单位", "上学年", "本学年", "本学年为上学年(%)"} {
		cells = append(cells, xlsx.Cell{Row: 2, Col: col + 1, Type: "s", Value: v})
	}
	for row := 3; row <= 200; row++ {
		cells = append(cells, xlsx.Cell{Row: row, Col: 1, Type: "s", Value: fmt.Sprintf("指标%d", row)})
		if row == 150 { // as many headers, later: not the header row
			for col, v := range []string{"指标", "单位", "上学年", "本学年", "本学年为上学年(%)"} {
				cells = append(cells, xlsx.Cell{Row: row, Col: col + 2, Type: "s", Value: v})
			}
		}
	}
	g := newGrid(cells)
	var nb normBuf
	norms := 0
	counted := func(all int) (int, map[string]int) {
		nb.count = 0
		row, cols := findHeader(&nb, g, headers, all, 0, 1<<30, nil)
		norms = nb.count
		return row, cols
	}
	row, cols := counted(5)
	if want := map[string]int{"label": 1, "unit": 2, "prev": 3, "cur": 4, "pct": 5}; row != 2 || !reflect.DeepEqual(cols, want) {
		t.Fatalf("row %d %v, want row 2 %v", row, cols, want)
	}
	if norms > 6 {
		t.Errorf("%d cells normalised, want the 6 of rows 1 and 2", norms)
	}
	if row0, cols0 := counted(0); row0 != row || !reflect.DeepEqual(cols0, cols) || norms < 200 {
		t.Errorf("without all: row %d %v, %d cells normalised; want row %d %v, every cell", row0, cols0, norms, row, cols)
	}
}
