package reader

import (
	"reflect"
	"testing"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/xlsx"
)

// The 说明 rows are read under headers found by their normalised labels,
// however typed (spaces, a longer 说明), in any columns.
func TestExplanations(t *testing.T) {
	s := func(row, col int, v string) xlsx.Cell { return xlsx.Cell{Row: row, Col: col, Type: "s", Value: v} }
	cells := []xlsx.Cell{
		s(1, 1, "情况说明"),
		s(2, 2, " 工作表 "), s(2, 3, "单 元 格"), s(2, 4, "规则编号"), s(2, 5, "说明（请写明原因）"),
		s(3, 2, "学生情况"), s(3, 3, "$d$5"), s(3, 4, "R12"), s(3, 5, " 新设专业 "),
		s(4, 5, ""),
		s(5, 2, "教师"), s(5, 5, "外聘"),
	}
	r := &reader{
		wb:    &xlsx.Book{Sheets: []xlsx.Sheet{{Name: "其他"}, {Name: report.ExplainSheet}}},
		grids: []grid{newGrid([]xlsx.Cell{s(2, 4, "规则"), s(2, 5, "说明")}), newGrid(cells)},
		out:   &report.Report{},
	}
	r.explanations()
	want := []report.Explanation{
		{Sheet: "学生情况", Cell: "D5", Rule: "R12", Text: "新设专业", At: report.ExplainSheet + "!E3"},
		{Sheet: "教师", Text: "外聘", At: report.ExplainSheet + "!E5"},
	}
	if !reflect.DeepEqual(r.out.Explanations, want) {
		t.Errorf("explanations %+v, want %+v", r.out.Explanations, want)
	}
}
