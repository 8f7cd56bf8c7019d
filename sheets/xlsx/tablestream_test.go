package xlsx

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"io"
	"math/rand"
	"strconv"
	"testing"

	"github.com/klauspost/compress/flate"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// crc32Combine gives the CRC of two texts one after the other.
func TestCRC32Combine(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, n := range [][2]int{{0, 0}, {0, 5}, {5, 0}, {1, 1}, {100, 3}, {3, 100000}, {70000, 1 << 20}} {
		a, b := make([]byte, n[0]), make([]byte, n[1])
		rng.Read(a)
		rng.Read(b)
		want := crc32.ChecksumIEEE(append(append([]byte{}, a...), b...))
		if got := crc32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), int64(len(b))); got != want {
			t.Errorf("%d+%d bytes: %08x, want %08x", n[0], n[1], got, want)
		}
	}
}

// A sheet written with AddStream, at the same time as the sheets Add writes
// one after another, is a whole part of the workbook: its CRC and sizes
// check out (archive/zip verifies them), its dimension counts the rows
// written, its shared texts are the workbook's, and excelize reads every
// row back in place, although (Dense) no cell has a reference.
func TestAddStream(t *testing.T) {
	w, err := NewTableWriter("t")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Reserve("甲", "长表", "乙"); err != nil {
		t.Fatal(err)
	}
	long, err := w.AddStream("长表", TableOptions{Cols: 4, Header: 1, PrintGrid: true, Dense: true, Shared: []int{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if err := long.Row("学校", "指标", "值", "单元格"); err != nil {
		t.Fatal(err)
	}
	const n = 30000 // several MB of XML, so that the stream is deflated in many blocks
	row := func(i int) []any {
		var cell any = "B" + strconv.Itoa(i)
		if i%7 == 0 {
			cell = nil // a gap: the next cell needs its reference
		}
		var label any = "指标"
		if i%5 == 0 {
			label = nil // a gap between two values: an empty cell in its place
		}
		return []any{"学校" + strconv.Itoa(i/1000), label, Number{Value: decimal.NewFromInt(int64(i)), Format: "#,##0"}, cell}
	}
	a, err := w.Add("甲", TableOptions{Rows: 2, Cols: 1, Shared: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if i == n/2 {
			if err := a.Row("指标"); err != nil {
				t.Fatal(err)
			}
			if err := a.Row("其他"); err != nil {
				t.Fatal(err)
			}
			if _, err := w.Add("乙", TableOptions{Rows: 1, Cols: 1}); err != nil {
				t.Fatal(err)
			}
		}
		if err := long.Row(row(i)...); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			t.Errorf("%s: %v", f.Name, err) // a wrong CRC or size shows here
		}
		rc.Close()
	}
	// a Dense sheet: no cell has a reference, so no reader is misled by some
	for _, f := range zr.File {
		if f.Name != "xl/worksheets/sheet2.xml" {
			continue
		}
		rc, _ := f.Open()
		part, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(part, []byte(`<c r=`)) || !bytes.Contains(part, []byte(`<c/>`)) {
			t.Errorf("长表 has a cell with a reference, or no empty cell: %.300s", part)
		}
		// PrintGrid: grid lines on paper instead of a border per cell
		if !bytes.Contains(part, []byte(`gridLines="1"`)) || !bytes.Contains(part, []byte(`<c t="s">`)) {
			t.Errorf("长表 prints no grid lines, or its texts carry a style")
		}
	}
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); len(got) != 3 || got[1] != "长表" {
		t.Fatalf("sheets %v", got)
	}
	dim, err := x.GetSheetDimension("长表")
	if err != nil || dim != "A1:D"+strconv.Itoa(n+1) {
		t.Errorf("dimension %q, %v; want A1:D%d", dim, err, n+1)
	}
	rows, err := x.GetRows("长表", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n+1 {
		t.Fatalf("%d rows, want %d", len(rows), n+1)
	}
	for i := 0; i < n; i++ {
		want := row(i)
		got := rows[i+1]
		cell := ""
		if want[3] != nil {
			cell = want[3].(string)
		}
		label := "指标"
		if want[1] == nil {
			label = ""
		}
		if len(got) < 3 || got[0] != want[0] || got[1] != label || got[2] != strconv.Itoa(i) || (cell != "" && (len(got) < 4 || got[3] != cell)) || (cell == "" && len(got) > 3) {
			t.Fatalf("row %d: %q", i+2, got)
		}
	}
	if v, _ := x.GetCellValue("甲", "A1"); v != "指标" {
		t.Errorf("甲!A1 %q", v)
	}
}

// A deflater put back and taken again writes what a new one writes, part
// after part (of any size, repeating itself or not), and costs next to no
// allocation: the pool keeps it.
func TestDeflatersReused(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	var texts [][]byte
	for _, n := range []int{0, 1, 100, 70000, 300000, 5, 1 << 20, 64 << 10} {
		b := make([]byte, n)
		if rng.Intn(2) == 0 {
			rng.Read(b)
		} else {
			for i := range b {
				b[i] = "<row r=\"1\"><c t=\"s\"><v>12</v></c></row>"[(i*7+i/100)%38]
			}
		}
		texts = append(texts, b)
	}
	deflate := func(fw *flate.Writer, p []byte) {
		if _, err := fw.Write(p); err != nil {
			t.Fatal(err)
		}
		if err := fw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for round := 0; round < 3; round++ {
		for i, p := range texts {
			var want, got bytes.Buffer
			fw, err := flate.NewWriter(&want, flate.BestSpeed)
			if err != nil {
				t.Fatal(err)
			}
			deflate(fw, p)
			if fw, err = deflater(&got); err != nil {
				t.Fatal(err)
			}
			deflate(fw, p)
			putDeflater(fw)
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("round %d, text %d (%d bytes): deflated by a deflater put back, %d bytes differ from a new one's %d", round, i, len(p), got.Len(), want.Len())
			}
		}
	}
	allocs := testing.AllocsPerRun(20, func() {
		fw, err := deflater(io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		deflate(fw, texts[2])
		putDeflater(fw)
	})
	if allocs > 2 {
		t.Errorf("%.1f allocations a part", allocs)
	}
}
