package minread

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestCells(t *testing.T) {
	f := excelize.NewFile()
	for cell, v := range map[string]any{"A1": "学校", "B1": 1883, "C1": 6423.84, "A2": "学校", "D9": "全日制"} {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	f.NewSheet("表2")
	f.SetCellValue("表2", "A1", 1)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	n, err := Cells(buf.Bytes())
	if err != nil || n != 6 {
		t.Errorf("Cells = %d, %v; want 6", n, err)
	}
	if _, err := Cells([]byte("not a zip")); err == nil {
		t.Error("no error for a file that is not a zip")
	}
}
