package reader

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/internal/realclients"
	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/intake"
	"github.com/nianbao/nianbao/sheets/workbook"
)

// readFile reads a workbook from disk with the default options.
func readFile(t *testing.T, p *formula.Program, path string) *report.Report {
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

// TestReadWhatOpenpyxlAndLibreOfficeWrote: template → filled by openpyxl →
// read back; then the same file opened and saved by LibreOffice → read back:
// every value equal, every cell reference right.
func TestReadWhatOpenpyxlAndLibreOfficeWrote(t *testing.T) {
	realclients.Python(t)
	p := testkit.DefaultProgram(t)
	for seed := uint64(11); seed <= 12; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			dir := t.TempDir()
			book := testkit.RandomInputs(p, seed)
			filled := testkit.FillWithOpenpyxl(t, p, book, dir, func(w io.Writer) error { return workbook.WriteTemplate(p, w, workbook.TemplateOptions{}) })
			before, _ := os.ReadFile(filled)
			r := readFile(t, p, filled)
			testkit.CompareInputs(t, p, book, r)
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
				testkit.CompareInputs(t, p, book, r)
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
	p := testkit.DefaultProgram(t)
	dir := t.TempDir()
	book := testkit.RandomInputs(p, 21)
	filled := testkit.FillWithOpenpyxl(t, p, book, dir, func(w io.Writer) error { return workbook.WriteTemplate(p, w, workbook.TemplateOptions{}) })
	xls := realclients.ConvertTo(t, filled, filepath.Join(dir, "xls"), "xls:MS Excel 97", "xls")
	before, err := os.ReadFile(xls)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ReadFile(context.Background(), p, xls, FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	testkit.CompareInputs(t, p, book, r)
	if !hasNote(r, "converted") {
		t.Errorf("no note that the file was converted: %+v", r.Notes)
	}
	if after, _ := os.ReadFile(xls); !bytes.Equal(before, after) {
		t.Error("reading changed the .xls")
	}
	if _, err := ReadFile(context.Background(), p, xls, FileOptions{Options: intake.Options{NoConvert: true}}); err == nil || !strings.Contains(err.Error(), "另存为 .xlsx") {
		t.Errorf("with NoConvert: %v", err)
	}
}

// TestReadTemplate: an empty template reads as an empty report, with its
// identity and every sheet found by name.
func TestReadTemplate(t *testing.T) {
	p := testkit.DefaultProgram(t)
	var b strings.Builder
	if err := workbook.WriteTemplate(p, &b, workbook.TemplateOptions{}); err != nil {
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
