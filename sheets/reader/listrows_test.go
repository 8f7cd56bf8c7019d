package reader

import (
	"testing"

	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
)

// A list's rows are appended into room made once, for the rows from its
// first to its last; room left far beyond the rows read (a template's
// empty rows) is not kept.
func TestListRowsRoom(t *testing.T) {
	p := testkit.DefaultProgram(t)
	rd := New(p)
	var sh *spec.Sheet
	for i := range p.Spec.Sheets {
		if p.Spec.Sheets[i].Kind == spec.KindList {
			sh = &p.Spec.Sheets[i]
			break
		}
	}
	read := func(filled func(row int) bool) []map[string]report.Value {
		var cells []xlsx.Cell
		for i, f := range sh.Columns {
			cells = append(cells, xlsx.Cell{Row: 2, Col: i + 1, Type: "s", Value: f.HeaderLabel()})
		}
		for row := 3; row <= 102; row++ {
			for i, f := range sh.Columns {
				c := xlsx.Cell{Row: row, Col: i + 1, Type: "s", Value: ""}
				if filled(row) && f.Input() {
					c.Type, c.Value = "", "1"
				}
				cells = append(cells, c)
			}
		}
		r := &reader{rd: rd, p: p, labels: rd.labels, region: rd.region, fp: rd.fp, years: rd.years, wb: &xlsx.Book{}, out: &report.Report{Book: report.New()}}
		r.list(sh, sh.Name, newGrid(cells))
		return r.out.Book.Rows(sh.Key)
	}
	if rows := read(func(int) bool { return true }); len(rows) != 100 || cap(rows) != 100 {
		t.Errorf("100 rows filled: %d rows read, room for %d, want 100 and 100", len(rows), cap(rows))
	}
	if rows := read(func(row int) bool { return row < 13 || row == 102 }); len(rows) != 11 || cap(rows) > 22 {
		t.Errorf("11 rows of 100 filled: %d rows read, room for %d, want 11 and at most 22", len(rows), cap(rows))
	}
}
