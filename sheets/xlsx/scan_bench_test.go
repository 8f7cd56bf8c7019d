package xlsx

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkScanCells scans a worksheet of 20000 cells of the kinds a report
// holds (numbers, shared strings, formulas with cached values, inline
// strings), the reader's hot path.
func BenchmarkScanCells(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + ns + `<sheetData>`)
	for r := 1; r <= 5000; r++ {
		fmt.Fprintf(&sb, `<row r="%d" spans="1:4">`, r)
		fmt.Fprintf(&sb, `<c r="A%d" t="s" s="3"><v>%d</v></c>`, r, r%2)
		fmt.Fprintf(&sb, `<c r="B%d" s="4"><v>%d.25</v></c>`, r, r)
		fmt.Fprintf(&sb, `<c r="C%d" s="5"><f>B%d*2</f><v>%d.5</v></c>`, r, r, 2*r)
		fmt.Fprintf(&sb, `<c r="D%d" t="inlineStr"><is><t>第&lt;%d&gt;行</t></is></c>`, r, r)
		sb.WriteString(`</row>`)
	}
	sb.WriteString(`</sheetData></worksheet>`)
	data := []byte(sb.String())
	sst := []string{"学生", "教师"}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cells, err := scanCells(data, sst, "表")
		if err != nil || len(cells) != 20000 {
			b.Fatalf("%d cells, %v", len(cells), err)
		}
	}
}
