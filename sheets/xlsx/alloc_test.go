package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// sheetsBook is a workbook of n worksheets of a few cells each, with shared
// strings and styles, as an office suite writes it.
func sheetsBook(t testing.TB, n int) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := adder(t, zw)
	const decl = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	add("_rels/.rels", decl+`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	var wb, rels strings.Builder
	wb.WriteString(decl + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="false"/><sheets>`)
	rels.WriteString(decl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&wb, `<sheet name="表%d" sheetId="%d" r:id="rId%d"/>`, i, i, i)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i, i)
		add(fmt.Sprintf("xl/worksheets/sheet%d.xml", i), decl+ns+`<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>42</v></c></row></sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`)
	}
	wb.WriteString(`</sheets></workbook>`)
	rels.WriteString(`<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>` +
		`<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`)
	add("xl/workbook.xml", wb.String())
	add("xl/_rels/workbook.xml.rels", rels.String())
	add("xl/sharedStrings.xml", decl+`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>学校名称</t></si></sst>`)
	add("xl/styles.xml", decl+`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.00%"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Opening a workbook and reading its worksheets make few objects: a
// relationship read costs no string of its own (its id and target are
// substrings of the part, its type one of those every workbook has), a
// worksheet found from it none but what the package's directory and the
// sheet's name take; reading a worksheet takes the objects of its part
// (one for the part read within its limits and checked, the inflater's,
// archive/zip's look at its local header) and the one string its values
// are made of.
func TestReadAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes what is allocated")
	}
	perSheet := func(n int) (open, cells float64) {
		data := sheetsBook(t, n)
		open = testing.AllocsPerRun(50, func() {
			if _, err := OpenBytes(data, DefaultLimits()); err != nil {
				t.Fatal(err)
			}
		})
		b, err := OpenBytes(data, DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		cells = testing.AllocsPerRun(50, func() {
			b.kept, b.keptB, b.slab = 0, 0, b.slab[:0]
			for i := range b.Sheets {
				got, _, err := b.CellsIn(i, Region{MaxRow: 100, MaxCol: 20})
				if err != nil || len(got) != 2 || got[0].Value != "学校名称" {
					t.Fatalf("%+v, %v", got, err)
				}
			}
		})
		return open, cells
	}
	open2, cells2 := perSheet(2)
	open22, cells22 := perSheet(22)
	openEach, cellsEach := (open22-open2)/20, (cells22-cells2)/20
	t.Logf("OpenBytes: %v allocs for 2 sheets, %v for 22 (%.2f a sheet); CellsIn: %.2f a sheet", open2, open22, openEach, cellsEach)
	// the package's directory takes about 4 for each part, the sheet's
	// name 1
	if openEach > 6 {
		t.Errorf("OpenBytes makes %.2f objects a worksheet, want at most 6", openEach)
	}
	if cellsEach > 4 {
		t.Errorf("CellsIn makes %.2f objects a worksheet, want at most 4", cellsEach)
	}
}
