package reader

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/xuri/excelize/v2"
)

// FuzzReadBytes: whatever bytes arrive, the reader answers with a report or
// an error that names the file; it never panics or hangs. Seeded with the
// template, filled workbooks and their broken variants. Run it with
//
//	go test ./sheets -run '^$' -fuzz FuzzReadBytes -fuzztime 5m -fuzzminimizetime 5s
//
// (the default minimisation of a new 100 KB input takes a minute, during
// which the exec count stands still: that is not a hang).
func FuzzReadBytes(f *testing.F) {
	p := testkit.DefaultProgram(f)
	var tpl bytes.Buffer
	if err := workbook.WriteTemplate(p, &tpl, workbook.TemplateOptions{ListRows: 3}); err != nil {
		f.Fatal(err)
	}
	f.Add(tpl.Bytes())
	for seed := uint64(1); seed <= 3; seed++ {
		book := testkit.RandomInputs(p, seed)
		x, err := testTemplate(p, workbook.TemplateOptions{ListRows: 6})
		if err != nil {
			f.Fatal(err)
		}
		cells, err := layout.New(p, 6).InputCells(book)
		if err != nil {
			f.Fatal(err)
		}
		for i, c := range cells {
			var v any = c.Value.String()
			if i%3 == 0 && c.Value.Kind == 1 { // some as numbers, most as typed text
				v, _ = c.Value.Num.Float64()
			}
			if err := x.SetCellValue(c.Sheet, c.Cell, v); err != nil {
				f.Fatal(err)
			}
		}
		var b bytes.Buffer
		if _, err := x.WriteTo(&b); err != nil {
			f.Fatal(err)
		}
		x.Close()
		f.Add(b.Bytes())
		f.Add(b.Bytes()[:b.Len()/3])
	}
	// workbooks saved by a real office suite, when the corpus has them
	if files, _ := filepath.Glob("testdata/fuzz-seeds/*.xlsx"); len(files) > 0 {
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil {
				f.Add(data)
			}
		}
	}
	empty := excelize.NewFile()
	var e bytes.Buffer
	empty.WriteTo(&e)
	empty.Close()
	f.Add(e.Bytes())
	f.Add([]byte{})
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("<html><table><tr><td>1</td></tr></table></html>"))

	lim := xlsx.Limits{MaxPart: 4 << 20, MaxTotal: 16 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		done := make(chan bool)
		go func() {
			select {
			case <-done:
			case <-time.After(10 * time.Second): // a report workbook reads in milliseconds
				panic(fmt.Sprintf("ReadBytes hung on a %d-byte input", len(data)))
			}
		}()
		defer close(done)
		r, err := ReadBytes(p, "fuzz.xlsx", data, ReadOptions{Limits: lim})
		if err != nil {
			if len(err.Error()) < len("fuzz.xlsx") || err.Error()[:len("fuzz.xlsx")] != "fuzz.xlsx" {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if r.Book == nil {
			t.Fatal("no book and no error")
		}
		for _, pr := range r.Problems {
			if pr.Msg == "" {
				t.Fatalf("a problem without a message: %+v", pr)
			}
		}
	})
}
