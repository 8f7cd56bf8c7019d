package xlsx

import (
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// streamed scans a part read one byte at a time through a small window, so
// every tag, text, comment and CDATA section is cut somewhere; a region
// not zero bounds the cells stored.
func streamed(x string, sst []string, reg Region) ([]Cell, int, error) {
	c := &cellScan{sst: sst, sheet: "表", bounded: reg != Region{}, reg: reg}
	err := c.scan(&scanner{data: make([]byte, 0, 16), r: iotest.OneByteReader(strings.NewReader(x))})
	return c.out, c.ignored, err
}

// The streaming scanner reads what the whole-part scanner reads, however the
// part arrives.
func TestScanStreamed(t *testing.T) {
	sst := []string{"学校名称", "合计"}
	for name, x := range sheetCases {
		want, err := scanCells([]byte(x), sst, "表")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, _, err := streamed(x, sst, Region{})
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: streamed %+v, %v\nwhole    %+v", name, got, err, want)
		}
	}
	for name, x := range map[string]string{
		"unterminated tag":     ns + `<sheetData><row r="1"><c r="A1"`,
		"unterminated comment": ns + `<sheetData><!-- <row r="1">`,
		"unterminated CDATA":   ns + `<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[x`,
	} {
		if _, _, err := streamed(x, sst, Region{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	sst2 := []string{"a&amp;b&lt;c&#x4E2D;", "<![CDATA[x<y]]>", "", "一\r\n二"}
	var sb strings.Builder
	sb.WriteString(`<sst>`)
	for _, s := range sst2 {
		sb.WriteString("<si><t>" + s + "</t></si>")
	}
	sb.WriteString(`<si><r><t>合</t></r><r><t>计</t></r><rPh><t>ごう</t></rPh></si></sst>`)
	want, err := scanStrings([]byte(sb.String()))
	if err != nil {
		t.Fatal(err)
	}
	got, err := scanStringsFrom(&scanner{data: make([]byte, 0, 16), r: iotest.OneByteReader(strings.NewReader(sb.String()))})
	if err != nil || !reflect.DeepEqual(got, want) || len(got) != 5 || got[4] != "合计" {
		t.Errorf("strings streamed %q, %v\nwhole %q", got, err, want)
	}
}

// Cells outside the region are counted, not stored; hidden rows are marked.
func TestScanRegion(t *testing.T) {
	x := ns + `<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="C1"><v>2</v></c><c r="D1"/></row>` +
		`<row r="2" hidden="1"><c r="A2" t="s"><v>0</v></c></row><row r="3"><c r="B3"><f>A1</f></c></row></sheetData></worksheet>`
	got, ignored, err := streamed(x, []string{"学校名称"}, Region{MaxRow: 2, MaxCol: 2})
	want := []Cell{{Row: 1, Col: 1, Value: "1"}, {Row: 2, Col: 1, Type: "s", Value: "学校名称", HiddenRow: true}}
	if err != nil || ignored != 2 || !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, %d ignored, %v", got, ignored, err)
	}
}
