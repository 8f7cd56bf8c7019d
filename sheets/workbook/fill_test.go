package workbook

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/shopspring/decimal"
)

// WriteFilled puts every input value where the reader finds it again, equal.
func TestWriteFilledRoundTrip(t *testing.T) {
	p := testkit.DefaultProgram(t)
	for seed := uint64(1); seed <= 3; seed++ {
		book := testkit.RandomInputs(p, seed)
		book.Set("basic", report.Key{Field: "fill_date"}, report.Str("2026-10-15")) // written as a date serial
		var buf bytes.Buffer
		if err := WriteFilled(p, book, &buf, FillOptions{}); err != nil {
			t.Fatal(err)
		}
		got, err := reader.ReadBytes(p, "filled.xlsx", buf.Bytes(), reader.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		testkit.CompareInputs(t, p, book, got)
		if len(got.Notes) > 0 {
			t.Errorf("seed %d: values written as numbers and text needed normalising: %+v", seed, got.Notes)
		}
	}
}

// Raw cells land where CellOf says, as typed: text stays text (the reader
// notes it), and a value over a formula is an overwritten computed cell.
func TestWriteFilledRawAndCellOf(t *testing.T) {
	p := testkit.DefaultProgram(t)
	book := testkit.RandomInputs(p, 4)
	book.Set("students", report.Key{Field: "enrolled", Col: "cur"}, report.Int(1883))
	sheet, enrolled, err := layout.CellOf(p, 0, "students", report.Key{Field: "enrolled", Col: "cur"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, rate, err := layout.CellOf(p, 0, "destinations", report.Key{Field: "employment_rate", Col: "cur"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	destName := p.Spec.Sheet("destinations").Name
	_, majorCell, err := layout.CellOf(p, 0, "majors", report.Key{Field: "cur_students"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if sheet != "学生情况" || enrolled != "D4" || rate != "D12" || majorCell != "E4" {
		t.Fatalf("CellOf: %s!%s, rate %s, majors row 2 %s", sheet, enrolled, rate, majorCell)
	}
	var buf bytes.Buffer
	err = WriteFilled(p, book, &buf, FillOptions{Raw: []RawCell{
		{Sheet: sheet, Cell: enrolled, Value: "1,883"},
		{Sheet: destName, Cell: rate, Value: decimal.RequireFromString("96.35")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := reader.ReadBytes(p, "filled.xlsx", buf.Bytes(), reader.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v := got.Book.Get("students", report.Key{Field: "enrolled", Col: "cur"})
	if v.String() != "1883" || v.Cell.String() != "学生情况!D4" {
		t.Errorf("enrolled: %q from %s", v, v.Cell)
	}
	noted := false
	for _, n := range got.Notes {
		if n.Sheet == sheet && n.Cell == enrolled {
			noted = true
		}
	}
	if !noted {
		t.Errorf("the text 1,883 was read without a note: %+v", got.Notes)
	}
	if len(got.Overwritten) != 1 || got.Overwritten[0].Cell != rate || got.Overwritten[0].Value.String() != "96.35" {
		t.Errorf("overwritten: %+v", got.Overwritten)
	}

	n := len(book.Rows("majors"))
	for key, want := range map[string]string{
		"students.enrolled.cur":       "学生情况!D4",
		"students.enrolled.pct":       "学生情况!E4",
		"basic.school_code":           "基本信息!B4",
		"majors[1].cur_students":      "专业结构!E4",
		"majors.total.cur_students":   "专业结构!E33",
		"destinations.graduates.prev": "毕业生去向!C3",
	} {
		a, err := report.ParseAddr(key)
		if err != nil {
			t.Fatal(err)
		}
		if got.Cell(a).String() != want {
			t.Errorf("Cell(%s) = %q, want %s", key, got.Cell(a), want)
		}
	}
	// every cell of the spec the reader located: its key reads back as the
	// same address, and all four forms occur
	forms := map[string]bool{}
	for _, l := range got.Located {
		a := l.Addr
		back, err := report.ParseAddr(a.String())
		if err != nil || back != a {
			t.Errorf("%#v: key %q reads back as %#v, %v", a, a.String(), back, err)
		}
		switch {
		case a.InRow:
			forms["row"] = true
		case a.Col == report.TotalCol:
			forms["total"] = true
		case a.Col != "":
			forms["col"] = true
		default:
			forms["field"] = true
		}
	}
	if len(forms) != 4 {
		t.Errorf("located cells have only the forms %v", forms)
	}
	if r, want := got.ColumnRange("majors", "cur_students").String(), fmt.Sprintf("专业结构!E3:E%d", 2+n); r != want {
		t.Errorf("ColumnRange = %q, want %s", r, want)
	}
	if _, _, err := layout.CellOf(p, 0, "majors", report.Key{Field: "cur_students"}, 30); err == nil {
		t.Error("CellOf accepted row 31 of a 30-row list")
	}
	if _, _, err := layout.CellOf(p, 0, "nosuch", report.Key{Field: "x"}, 0); err == nil {
		t.Error("CellOf accepted an unknown sheet")
	}
	if _, _, err := layout.CellOf(p, 0, "students", report.Key{Field: "enrolled", Col: "x"}, 0); err == nil {
		t.Error("CellOf accepted an unknown column")
	}
}
