package xlsx

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

// twiceZip is a workbook of two sheets named one and two, holding 1 in A1
// of each, with the entries extra added after its own.
func twiceZip(t *testing.T, one, two string, extra map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := adder(t, zw)
	add("_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	add("xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`+
		one+`<sheet name="其他" sheetId="9" r:id="rId9"/>`+two+`</sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`+
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>`+
		`<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>`)
	sheet := ns + `<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>`
	add("xl/worksheets/sheet1.xml", sheet)
	add("xl/worksheets/sheet2.xml", sheet)
	for name, x := range extra {
		add(name, x)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A part found twice in the package (under a name that cleans to the
// same) is refused when the two differ: either could be the workbook's,
// and other readers take the first. The same bytes twice are read.
func TestPartTwice(t *testing.T) {
	one, two := `<sheet name="学生情况" sheetId="1" r:id="rId1"/>`, `<sheet name="学校资产" sheetId="2" r:id="rId2"/>`
	other := ns + `<sheetData><row r="1"><c r="A1"><v>999</v></c></row></sheetData></worksheet>`
	for _, name := range []string{"xl/./worksheets/sheet1.xml", "/xl/worksheets/sheet1.xml", "xl/worksheets/../worksheets/sheet1.xml"} {
		data := twiceZip(t, one, two, map[string]string{name: other})
		_, err := Open(bytes.NewReader(data), int64(len(data)), DefaultLimits())
		if err == nil || !strings.Contains(err.Error(), "两个不同的条目都是 xl/worksheets/sheet1.xml") {
			t.Errorf("%s: %v", name, err)
		}
	}
	same := ns + `<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>`
	data := twiceZip(t, one, two, map[string]string{"xl/./worksheets/sheet1.xml": same})
	b, err := Open(bytes.NewReader(data), int64(len(data)), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if cells, err := b.Cells(0); err != nil || len(cells) != 1 || cells[0].Value != "1" {
		t.Errorf("the same part twice: %+v, %v", cells, err)
	}
}

// Two sheets of one name (a hidden copy of a table beside it, or names
// differing only in case) are refused: which one is the school's table?
func TestSheetNamedTwice(t *testing.T) {
	for _, c := range []struct{ one, two, want string }{
		{`<sheet name="学生情况" sheetId="1" r:id="rId1" state="hidden"/>`, `<sheet name="学生情况" sheetId="2" r:id="rId2"/>`, "两张表都叫“学生情况”（其中有隐藏的表）"},
		{`<sheet name="Sheet" sheetId="1" r:id="rId1"/>`, `<sheet name="SHEET" sheetId="2" r:id="rId2"/>`, "两张表都叫“SHEET”"},
	} {
		data := twiceZip(t, c.one, c.two, nil)
		_, err := Open(bytes.NewReader(data), int64(len(data)), DefaultLimits())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: %v", c.one, c.two, err)
		}
	}
	data := twiceZip(t, `<sheet name="学生情况" sheetId="1" r:id="rId1"/>`, `<sheet name="学生情况 " sheetId="2" r:id="rId2" state="hidden"/>`, nil)
	if _, err := Open(bytes.NewReader(data), int64(len(data)), DefaultLimits()); err != nil {
		t.Errorf("names that differ by a space are two names (the reader tells them apart): %v", err)
	}
}

// A cell's first <v> is its value, as openpyxl and LibreOffice read it: a
// second one (empty, or another number) does not replace it.
func TestFirstValue(t *testing.T) {
	b := book(t, ns+`<sheetData><row r="1"><c r="A1"><v>362</v><v/></c><c r="B1"><v>7</v><v>999</v></c><c r="C1" t="s"><v>0</v><v>1</v></c></row></sheetData></worksheet>`, []string{"甲", "乙"})
	cells, err := b.Cells(0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cells {
		got = append(got, c.Value)
	}
	if strings.Join(got, ",") != "362,7,甲" {
		t.Errorf("values %q, want the first of each cell: 362, 7, 甲", got)
	}
}
