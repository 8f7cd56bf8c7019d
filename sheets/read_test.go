package sheets

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/internal/realclients"
	"github.com/nianbao/nianbao/report"
)

// readFile reads a workbook from disk with the default options.
func readFile(t *testing.T, p *formula.Program, path string) *Read {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ReadBytes(p, filepath.Base(path), data, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// compareInputs checks that every input value of want was read, equal, from
// the cell the template puts it in, and that nothing else was read.
func compareInputs(t *testing.T, p *formula.Program, want *report.Book, got *Read) {
	t.Helper()
	placed, err := newBookLayout(p, 0).inputCells(want)
	if err != nil {
		t.Fatal(err)
	}
	gotPlaced, err := newBookLayout(p, 0).inputCells(got.Book)
	if err != nil {
		t.Fatal(err)
	}
	if len(placed) < 100 {
		t.Fatalf("only %d input values: the test data does not exercise the reader", len(placed))
	}
	index := map[string]Placed{}
	for _, c := range gotPlaced {
		index[c.What] = c
	}
	bad := 0
	for _, w := range placed {
		g, ok := index[w.What]
		switch {
		case !ok:
			bad++
			t.Errorf("%s (%s!%s = %q) was not read", w.What, w.Sheet, w.Cell, w.Value)
		case !g.Value.Equal(w.Value):
			bad++
			t.Errorf("%s: read %q, want %q", w.What, g.Value, w.Value)
		case g.Value.Cell != w.Sheet+"!"+w.Cell:
			bad++
			t.Errorf("%s: read from %s, want %s!%s", w.What, g.Value.Cell, w.Sheet, w.Cell)
		}
		delete(index, w.What)
		if bad > 20 {
			t.Fatal("too many differences")
		}
	}
	for what, g := range index {
		t.Errorf("%s: read %q from %s, which was not filled", what, g.Value, g.Value.Cell)
	}
	if len(got.Problems) > 0 {
		t.Errorf("problems: %+v", got.Problems)
	}
	if len(got.Overwritten) > 0 {
		t.Errorf("overwritten computed cells reported in an untouched template: %+v", got.Overwritten)
	}
	for _, m := range got.Sheets {
		if m.How != "name" {
			t.Errorf("sheet %s matched by %q (%q), want by name", m.Key, m.How, m.Name)
		}
	}
}

// TestReadWhatOpenpyxlAndLibreOfficeWrote: template → filled by openpyxl →
// read back; then the same file opened and saved by LibreOffice → read back:
// every value equal, every cell reference right.
func TestReadWhatOpenpyxlAndLibreOfficeWrote(t *testing.T) {
	realclients.Python(t)
	p := defaultProgram(t)
	for seed := uint64(11); seed <= 12; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			dir := t.TempDir()
			book := randomInputs(p, seed)
			filled := fillWithOpenpyxl(t, p, book, dir)
			before, _ := os.ReadFile(filled)
			r := readFile(t, p, filled)
			compareInputs(t, p, book, r)
			if r.Identity.SpecID != p.Spec.ID || r.Identity.Source == "" {
				t.Errorf("identity %+v, want spec %s", r.Identity, p.Spec.ID)
			}
			after, _ := os.ReadFile(filled)
			if string(before) != string(after) {
				t.Error("reading changed the input file")
			}
			t.Run("libreoffice", func(t *testing.T) {
				saved := realclients.Convert(t, filled, filepath.Join(dir, "lo"))
				r := readFile(t, p, saved)
				compareInputs(t, p, book, r)
			})
		})
	}
}

// TestReadLegacyXLS: a workbook saved as Excel 97-2003 .xls (as an old
// office suite sends it) is converted with LibreOffice and read like the
// .xlsx; the .xls is left as it was.
func TestReadLegacyXLS(t *testing.T) {
	realclients.Python(t)
	realclients.Soffice(t)
	p := defaultProgram(t)
	dir := t.TempDir()
	book := randomInputs(p, 21)
	filled := fillWithOpenpyxl(t, p, book, dir)
	xls := realclients.ConvertTo(t, filled, filepath.Join(dir, "xls"), "xls:MS Excel 97", "xls")
	before, err := os.ReadFile(xls)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ReadFile(context.Background(), p, xls, FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	compareInputs(t, p, book, r)
	if !hasNote(r, "converted") {
		t.Errorf("no note that the file was converted: %+v", r.Notes)
	}
	if after, _ := os.ReadFile(xls); !bytes.Equal(before, after) {
		t.Error("reading changed the .xls")
	}
	if _, err := ReadFile(context.Background(), p, xls, FileOptions{NoConvert: true}); err == nil || !strings.Contains(err.Error(), "另存为 .xlsx") {
		t.Errorf("with NoConvert: %v", err)
	}
}

// TestReadTemplate: an empty template reads as an empty report, with its
// identity and every sheet found by name.
func TestReadTemplate(t *testing.T) {
	p := defaultProgram(t)
	var b strings.Builder
	if err := WriteTemplate(p, &b, TemplateOptions{}); err != nil {
		t.Fatal(err)
	}
	r, err := ReadBytes(p, "模板.xlsx", []byte(b.String()), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Identity.Source != "properties" || r.Identity.Fingerprint != p.Spec.Fingerprint() {
		t.Errorf("identity %+v", r.Identity)
	}
	var keys []string
	for k, s := range r.Book.Sheets {
		if len(s.Values) > 0 || len(s.Rows) > 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) > 0 || len(r.Problems) > 0 || len(r.Overwritten) > 0 || len(r.Notes) > 0 {
		t.Errorf("empty template read as: values in %v, problems %+v, overwritten %+v, notes %+v", keys, r.Problems, r.Overwritten, r.Notes)
	}
	if len(r.Sheets) != len(p.Spec.Sheets) {
		t.Errorf("%d sheets matched, want %d", len(r.Sheets), len(p.Spec.Sheets))
	}
}
