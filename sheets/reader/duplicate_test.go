package reader

import (
	"strconv"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
	"github.com/xuri/excelize/v2"
)

// A label on two rows (a school splitting a row for two campuses), or on a
// hidden and a visible row, is a problem at the row not read, naming both;
// of a hidden and a visible row the visible one is read.
func TestDuplicateAndHiddenLabels(t *testing.T) {
	p := testkit.DefaultProgram(t)
	m := messy{t, p, layout.New(p, 0)}
	sl := m.l.Sheets["students"]
	name := sl.Spec.Name
	row := sl.RowOf["enrolled"]
	var label string
	for _, f := range sl.Spec.Rows {
		if f.Key == "enrolled" {
			label = f.Label
		}
	}
	curCol, _ := layout.YearCol(spec.ColCur)
	dupRow := row + 60 // below the table
	build := func(hide bool) *report.Report {
		data := m.build(func(f *excelize.File) {
			must(t, f.SetCellValue(name, xlsx.CellName(curCol, row), 1883))
			must(t, f.SetCellValue(name, xlsx.CellName(layout.ColLabel, dupRow), label))
			must(t, f.SetCellValue(name, xlsx.CellName(curCol, dupRow), 999))
			if hide {
				must(t, f.SetRowVisible(name, row, false))
			}
		})
		r, err := ReadBytes(p, "x.xlsx", data, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	problemAt := func(r *report.Report, cell string) *report.Problem {
		for i, pr := range r.Problems {
			if pr.Sheet == name && pr.Cell == cell {
				return &r.Problems[i]
			}
		}
		t.Errorf("no problem at %s!%s: %v", name, cell, r.Problems)
		return nil
	}
	get := func(r *report.Report) string {
		return r.Book.Get("students", report.Key{Field: "enrolled", Col: spec.ColCur}).String()
	}
	mentions := func(pr *report.Problem, rows ...int) {
		for _, n := range rows {
			if pr != nil && !strings.Contains(pr.Msg, "第 "+strconv.Itoa(n)+" 行") {
				t.Errorf("%q does not name row %d", pr.Msg, n)
			}
		}
	}

	twice := build(false)
	if v := get(twice); v != "1883" {
		t.Errorf("two visible rows: read %s, want the first row's 1883", v)
	}
	mentions(problemAt(twice, xlsx.CellName(layout.ColLabel, dupRow)), row, dupRow)

	hidden := build(true)
	if v := get(hidden); v != "999" {
		t.Errorf("hidden row above a visible one: read %s, want the visible row's 999", v)
	}
	pr := problemAt(hidden, xlsx.CellName(layout.ColLabel, row))
	mentions(pr, row, dupRow)
	if pr != nil && !strings.Contains(pr.Msg, "隐藏") {
		t.Errorf("%q does not say the row is hidden", pr.Msg)
	}
}

// A hidden copy of a table under its name (with a space after it), listed
// before the table, is not read: the visible table is, and the copy is a
// problem naming it. Likewise when the visible table is the one renamed.
func TestHiddenSheetOfTheSameName(t *testing.T) {
	p := testkit.DefaultProgram(t)
	m := messy{t, p, layout.New(p, 0)}
	sl := m.l.Sheets["students"]
	name := sl.Spec.Name
	curCol, _ := layout.YearCol(spec.ColCur)
	cell := xlsx.CellName(curCol, sl.RowOf["enrolled"])
	for _, c := range []struct{ visible, hidden string }{{name, name + " "}, {name + " ", name}} {
		data := m.build(func(f *excelize.File) {
			must(t, f.SetCellValue(name, cell, 1883))
			i, err := f.NewSheet("副本")
			must(t, err)
			from, err := f.GetSheetIndex(name)
			must(t, err)
			must(t, f.CopySheet(from, i))
			must(t, f.SetCellValue("副本", cell, 999))
			must(t, f.SetSheetName(name, c.visible))
			must(t, f.SetSheetName("副本", c.hidden))
			must(t, f.SetSheetVisible(c.hidden, false))
			must(t, f.MoveSheet(c.hidden, c.visible))
		})
		r, err := ReadBytes(p, "x.xlsx", data, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if v := r.Book.Get("students", report.Key{Field: "enrolled", Col: spec.ColCur}).String(); v != "1883" {
			t.Errorf("visible %q, hidden %q: read %s, want the visible table's 1883", c.visible, c.hidden, v)
		}
		found := false
		for _, pr := range r.Problems {
			found = found || pr.Sheet == c.hidden && strings.Contains(pr.Msg, "隐藏") && strings.Contains(pr.Msg, "没有读取")
		}
		if !found {
			t.Errorf("visible %q, hidden %q: no problem about the hidden copy: %+v", c.visible, c.hidden, r.Problems)
		}
	}
}

// A header twice in a table's header row (a hidden copy of the 本学年
// column inserted before it, or of a list's column) is a problem at the
// column not read, naming both.
func TestDuplicateHeaderColumn(t *testing.T) {
	p := testkit.DefaultProgram(t)
	m := messy{t, p, layout.New(p, 0)}
	curCol, _ := layout.YearCol(spec.ColCur)
	cases := map[string]int{m.l.Sheets["students"].Spec.Name: curCol}
	for _, l := range m.l.Sheets {
		if l.Spec.Kind != spec.KindList {
			continue
		}
		for _, f := range l.Spec.Columns {
			if f.Input() && f.Type != spec.TypeSeq {
				cases[l.Spec.Name] = l.ColOf[f.Key]
				break
			}
		}
		break
	}
	if len(cases) != 2 {
		t.Fatalf("no list sheet with an input column: %v", cases)
	}
	for name, col := range cases {
		first := xlsx.CellName(col, layout.HeaderRow)
		letter := strings.TrimRight(first, "0123456789")
		data := m.build(func(f *excelize.File) {
			header, err := f.GetCellValue(name, first)
			must(t, err)
			must(t, f.InsertCols(name, letter, 1))
			must(t, f.SetCellValue(name, first, header))
			must(t, f.SetColVisible(name, letter, false))
		})
		r, err := ReadBytes(p, "x.xlsx", data, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		other, found := xlsx.CellName(col+1, layout.HeaderRow), false
		for _, pr := range r.Problems {
			found = found || pr.Sheet == name && pr.Cell == other && strings.Contains(pr.Msg, first+" 和 "+other+" 的表头都是")
		}
		if !found {
			t.Errorf("no problem at %s!%s naming %s: %+v", name, other, first, r.Problems)
		}
	}
}
