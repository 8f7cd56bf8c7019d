package reader

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"testing"
	"unicode/utf16"

	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/sheets/workbook"
)

// mapParts rewrites a workbook's zip entries through edit (nil drops one).
func mapParts(t *testing.T, data []byte, edit func(name string, body []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		must(t, err)
		body, err := io.ReadAll(rc)
		must(t, err)
		rc.Close()
		if body = edit(f.Name, body); body == nil {
			continue
		}
		w, err := zw.Create(f.Name)
		must(t, err)
		_, err = w.Write(body)
		must(t, err)
	}
	must(t, zw.Close())
	return out.Bytes()
}

func toUTF16LE(b []byte) []byte {
	b = bytes.Replace(b, []byte(`encoding="UTF-8"`), []byte(`encoding="UTF-16"`), 1)
	units := utf16.Encode([]rune(string(b)))
	out := []byte{0xFF, 0xFE}
	for _, u := range units {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	return out
}

// Parts in UTF-16 are read as LibreOffice reads them; a missing optional part
// (styles, custom properties) does not refuse the file.
func TestUTF16AndMissingOptionalParts(t *testing.T) {
	p := testkit.DefaultProgram(t)
	book := testkit.RandomInputs(p, 5)
	var filled bytes.Buffer
	must(t, workbook.WriteFilled(p, book, &filled, workbook.FillOptions{}))
	want, err := ReadBytes(p, "filled.xlsx", filled.Bytes(), ReadOptions{})
	must(t, err)
	cases := map[string]func(name string, body []byte) []byte{
		"every XML part in UTF-16": func(name string, body []byte) []byte {
			if bytes.HasPrefix(body, []byte("<?xml")) {
				return toUTF16LE(body)
			}
			return body
		},
		"no styles part": func(name string, body []byte) []byte {
			if name == "xl/styles.xml" {
				return nil
			}
			return body
		},
		"no custom properties part": func(name string, body []byte) []byte {
			if name == "docProps/custom.xml" {
				return nil
			}
			return body
		},
	}
	for what, edit := range cases {
		t.Run(what, func(t *testing.T) {
			data := mapParts(t, filled.Bytes(), edit)
			got, err := ReadBytes(p, "edited.xlsx", data, ReadOptions{})
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			n := 0
			for key, sheet := range want.Book.Sheets {
				for k, v := range sheet.Values {
					g := got.Book.Get(key, k)
					if !g.Equal(v) {
						t.Errorf("%s %v: %q, want %q", key, k, g, v)
					}
					n++
				}
			}
			if n < 100 {
				t.Fatalf("only %d values compared", n)
			}
		})
	}
}
