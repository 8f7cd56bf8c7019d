package validate

import (
	"slices"
	"testing"

	"github.com/nianbao/nianbao/report"
)

// A match finding names the row's cell and, when a row of the other list
// has the key but does not hold, that row's cell too (the last such row);
// none when no row has the key.
func TestMatchNamesTheOtherRow(t *testing.T) {
	p := program(t)
	for _, c := range []struct {
		what    string
		open    []string // 本学年开设 of the programs named X, in order
		want    []string
		finding bool
	}{
		{"no program of the major", nil, []string{"专业结构!B3"}, true},
		{"a program not open", []string{"否"}, []string{"专业结构!B3", "专业设置!B5"}, true},
		{"two programs not open", []string{"否", "否"}, []string{"专业结构!B3", "专业设置!B6"}, true},
		{"the second program open", []string{"否", "是"}, nil, false},
	} {
		b := report.New()
		b.AddRow("majors", map[string]report.Value{"name": report.Str("X"), "cur_students": report.Int(5)})
		b.AddRow("programs", map[string]report.Value{"name": report.Str("Y"), "cur_open": report.Str("是")})
		for _, open := range c.open {
			b.AddRow("programs", map[string]report.Value{"name": report.Str("X"), "cur_open": report.Str(open)})
		}
		r := &report.Report{Book: b, Sheets: make([]report.SheetMatch, len(p.Spec.Sheets)), Located: []report.Located{
			{Addr: report.RowAddr("majors", 0, "name"), Cell: report.Cell{Sheet: "专业结构", Ref: "B3"}},
			{Addr: report.RowAddr("programs", 0, "name"), Cell: report.Cell{Sheet: "专业设置", Ref: "B4"}},
			{Addr: report.RowAddr("programs", 1, "name"), Cell: report.Cell{Sheet: "专业设置", Ref: "B5"}},
			{Addr: report.RowAddr("programs", 2, "name"), Cell: report.Cell{Sheet: "专业设置", Ref: "B6"}},
		}}
		var got *Finding
		for _, f := range Check(p, r, Options{}) {
			if f.Rule == "majors.open_in_programs" {
				got = &f
			}
		}
		switch {
		case (got != nil) != c.finding:
			t.Errorf("%s: finding %+v", c.what, got)
		case got != nil && !slices.Equal(got.Cells, c.want):
			t.Errorf("%s: cells %v, want %v", c.what, got.Cells, c.want)
		}
	}
}
