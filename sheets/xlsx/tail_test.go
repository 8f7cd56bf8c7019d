package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"reflect"
	"strings"
	"testing"
)

// tailBook is a workbook of one worksheet whose part is written raw: its
// bytes as given (deflated, or stored), with the CRC-32 given in its headers.
func tailBook(t *testing.T, sheetXML string, method uint16, crc uint32) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := adder(t, zw)
	add("_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	add("xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	data := []byte(sheetXML)
	raw := data
	if method == zip.Deflate {
		var z bytes.Buffer
		fw, _ := flate.NewWriter(&z, flate.BestSpeed)
		fw.Write(data)
		fw.Close()
		raw = z.Bytes()
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: method,
		CRC32: crc, CompressedSize64: uint64(len(raw)), UncompressedSize64: uint64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sheetTail is what follows a worksheet's sheetData: here data validations,
// long enough that the part is read through the scanner's window several
// times after the cells.
func sheetTail(n int) string {
	var b strings.Builder
	b.WriteString(`<dataValidations>`)
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, `<dataValidation type="decimal" sqref="C%d" prompt="请输入数值（单位：平方米），最多保留 2 位小数。"><formula1>0</formula1></dataValidation>`, i)
	}
	b.WriteString(`</dataValidations>`)
	return b.String()
}

// What follows sheetData is not parsed: markup that is not well-formed
// there, or a cell (which has no place there), changes nothing read.
func TestTailNotParsed(t *testing.T) {
	cells := ns + `<sheetData><row r="1"><c r="A1"><v>42</v></c></row></sheetData>`
	want := []Cell{{Row: 1, Col: 1, Value: "42"}}
	for name, tail := range map[string]string{
		"bad reference":    `<row r="2"><c r="1A"><v>1</v></c></row></worksheet>`,
		"unterminated tag": sheetTail(100<<10) + `<pageSetup orientation="landscape`,
		"bad entity":       `<c r="B1" t="str"><v>&bogus;</v></c></worksheet>`,
		"cell":             `<row r="3"><c r="C3"><v>7</v></c></row></worksheet>`,
	} {
		x := cells + tail
		for _, method := range []uint16{zip.Deflate, zip.Store} {
			data := tailBook(t, x, method, crc32.ChecksumIEEE([]byte(x)))
			for _, inMemory := range []bool{true, false} {
				got, err := openTail(t, data, inMemory).Cells(0)
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("%s (method %d, in memory %v): %+v, %v", name, method, inMemory, got, err)
				}
			}
		}
		got, err := scanCells([]byte(x), nil, "表")
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s (whole part): %+v, %v", name, got, err)
		}
	}
}

// What follows sheetData is still decompressed: a part whose CRC-32 is not
// that of its bytes is refused, however far after the cells the damage is.
func TestTailChecked(t *testing.T) {
	x := ns + `<sheetData><row r="1"><c r="A1"><v>42</v></c></row></sheetData>` + sheetTail(300<<10) + `</worksheet>`
	for _, method := range []uint16{zip.Deflate, zip.Store} {
		data := tailBook(t, x, method, crc32.ChecksumIEEE([]byte(x))^1)
		for _, inMemory := range []bool{true, false} {
			cells, err := openTail(t, data, inMemory).Cells(0)
			if !errors.Is(err, zip.ErrChecksum) || !strings.Contains(err.Error(), "工作表“表”") {
				t.Errorf("method %d, in memory %v: %+v, %v; want a checksum error naming the sheet", method, inMemory, cells, err)
			}
		}
	}
	// and a part larger than the limits allow is refused as before
	data := tailBook(t, x, zip.Deflate, crc32.ChecksumIEEE([]byte(x)))
	b, err := OpenBytes(data, Limits{MaxPart: 64 << 20, MaxTotal: 100 << 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Cells(0); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
}

// openTail opens a test workbook from its bytes (OpenBytes, which inflates
// parts straight from them) or through a reader (Open, archive/zip's way).
func openTail(t *testing.T, data []byte, inMemory bool) *Book {
	t.Helper()
	var b *Book
	var err error
	if inMemory {
		b, err = OpenBytes(data, DefaultLimits())
	} else {
		b, err = Open(bytes.NewReader(data), int64(len(data)), DefaultLimits())
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}
