package reader_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/templates"
)

// worksheetParts maps a workbook's sheet names to their worksheet parts.
func worksheetParts(t *testing.T, parts map[string][]byte) map[string]string {
	t.Helper()
	targets := map[string]string{}
	for _, m := range regexp.MustCompile(`<Relationship [^>]*>`).FindAllString(string(parts["xl/_rels/workbook.xml.rels"]), -1) {
		id := regexp.MustCompile(`Id="([^"]+)"`).FindStringSubmatch(m)
		tg := regexp.MustCompile(`Target="([^"]+)"`).FindStringSubmatch(m)
		if id != nil && tg != nil {
			targets[id[1]] = "xl/" + strings.TrimPrefix(tg[1], "/xl/")
		}
	}
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`<sheet [^>]*>`).FindAllString(string(parts["xl/workbook.xml"]), -1) {
		name := regexp.MustCompile(`name="([^"]+)"`).FindStringSubmatch(m)
		id := regexp.MustCompile(`r:id="([^"]+)"`).FindStringSubmatch(m)
		if name != nil && id != nil {
			out[name[1]] = targets[id[1]]
		}
	}
	return out
}

// bloat rewrites a workbook with a streaming zip writer, appending to the
// sheetData of the named sheets the rows that add writes (never holding the
// XML).
func bloat(t *testing.T, data []byte, add map[string]func(w io.Writer)) []byte {
	t.Helper()
	names, parts := testkit.Unzip(t, data)
	byPart := map[string]func(io.Writer){}
	for sheet, fn := range add {
		byPart[worksheetParts(t, parts)[sheet]] = fn
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, name := range names {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		body := parts[name]
		fn := byPart[name]
		if fn == nil {
			w.Write(body)
			continue
		}
		end := bytes.Index(body, []byte("</sheetData>"))
		if end < 0 {
			t.Fatalf("%s: no </sheetData>", name)
		}
		w.Write(body[:end])
		fn(w)
		w.Write(body[end:])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// rows writes rows from..to, each with a small number in columns
// firstCol..lastCol (1-based, up to ZZ): n cells in all.
func rows(from, to, firstCol, lastCol int) func(io.Writer) {
	return func(w io.Writer) {
		var b []byte
		for r := from; r <= to; r++ {
			b = fmt.Appendf(b[:0], `<row r="%d">`, r)
			for c := firstCol; c <= lastCol; c++ {
				b = fmt.Appendf(b, `<c r="%s%d"><v>%d</v></c>`, colName(c), r, c%10)
			}
			b = append(b, "</row>"...)
			w.Write(b)
		}
	}
}

func colName(c int) string {
	if c <= 26 {
		return string(rune('A' + c - 1))
	}
	return string(rune('A'+(c-1)/26-1)) + string(rune('A'+(c-1)%26))
}

// A workbook whose sheets hold millions of small cells outside anything the
// report reads (and a list whose columns go on for hundreds of thousands of
// cells below any list's allowance) is read within 64 MB of heap, to the
// same values as without them, with a note per sheet of the cells ignored.
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a workbook of 2.5 million cells")
	}
	p, err := templates.Default("zh")
	if err != nil {
		t.Fatal(err)
	}
	s, err := sample.Generate(p, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := workbook.WriteFilled(p, s.Book, &buf, workbook.FillOptions{}); err != nil {
		t.Fatal(err)
	}
	name := func(key string) string {
		for _, sh := range p.Spec.Sheets {
			if sh.Key == key {
				return sh.Name
			}
		}
		t.Fatalf("no sheet %s", key)
		return ""
	}
	big := bloat(t, buf.Bytes(), map[string]func(io.Writer){
		name("students"): rows(20001, 120000, 1, 10),   // 1,000,000 cells below
		name("teachers"): rows(20001, 70000, 41, 60),   // 1,000,000 cells below and to the right
		name("majors"):   rows(30001, 60000, 1, 10),    // 300,000 cells in a list's columns, below its allowance
		name("basic"):    rows(200001, 220000, 61, 70), // 200,000 more
	})
	t.Logf("workbook of %d bytes", len(big))
	rd := reader.New(p)
	want, err := rd.ReadBytes("x.xlsx", buf.Bytes(), reader.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// a low GC target makes the heap in use close to what is live
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	var got *report.Report
	pk := peak(func() {
		got, err = rd.ReadBytes("x.xlsx", big, reader.ReadOptions{})
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("peak heap %.1f MB", float64(pk)/(1<<20))
	if pk > 64<<20 {
		t.Errorf("peak heap %.1f MB, want at most 64 MB", float64(pk)/(1<<20))
	}
	if !reflect.DeepEqual(got.Book, want.Book) || !reflect.DeepEqual(got.Problems, want.Problems) {
		t.Errorf("the values read changed")
	}
	ignored := map[string]bool{}
	for _, n := range got.Notes {
		if n.Kind == "cells_ignored" {
			ignored[n.Sheet] = true
			t.Log(n.Msg)
		}
	}
	for _, k := range []string{"students", "teachers", "majors", "basic"} {
		if !ignored[name(k)] {
			t.Errorf("no note of the cells ignored on %s", name(k))
		}
	}
	if !strings.Contains(fmt.Sprint(got.Notes), "1000000 个单元格") {
		t.Errorf("the notes do not say how many cells: %v", got.Notes)
	}
}
