package intake

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// LoadZip gives the zip directory it checked of an .xlsx it read whole,
// each entry read from the bytes it returns; of a file it refused, none.
func TestLoadZip(t *testing.T) {
	dir := t.TempDir()
	want := minimalXLSX(t, entry{name: "xl/worksheets/sheet1.xml", data: []byte(`<worksheet/>`)})
	path := filepath.Join(dir, "某校.xlsx")
	if err := os.WriteFile(path, want, 0o644); err != nil {
		t.Fatal(err)
	}
	data, zr, converted, err := LoadZip(context.Background(), path, Options{})
	if err != nil || converted != "" || !bytes.Equal(data, want) || zr == nil {
		t.Fatalf("LoadZip = %d bytes, %v, %q, %v", len(data), zr, converted, err)
	}
	if len(zr.File) != 3 || zr.File[2].Name != "xl/worksheets/sheet1.xml" {
		t.Fatalf("entries %v", zr.File)
	}
	for _, f := range zr.File {
		off, err := f.DataOffset()
		if err != nil || off < 0 || off+int64(f.CompressedSize64) > int64(len(data)) {
			t.Fatalf("%s at %d, %v", f.Name, off, err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(rc); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
	}
	// refused: a zip that is no workbook, a zip bomb
	raw, size, crc := zeros10MB(t)
	for name, body := range map[string][]byte{
		"文档.xlsx": zipOf(t, entry{name: "word/document.xml", data: []byte("<w/>")}),
		"炸弹.xlsx": minimalXLSX(t, entry{name: "xl/media/zeros.bin", raw: raw, method: 8, uncompressed: size, crc: crc}),
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
		if data, zr, _, err := LoadZip(context.Background(), path, Options{}); err == nil || data != nil || zr != nil {
			t.Errorf("%s: %d bytes, %v, %v", name, len(data), zr, err)
		}
	}
}
