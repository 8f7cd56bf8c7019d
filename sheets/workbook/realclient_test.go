package workbook

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/internal/realclients"
	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// TestLibreOfficeComputesWhatGoComputes fills the template with openpyxl, has
// LibreOffice open, recalculate and save it, and compares every formula cell's
// value with the value Go computes from the same inputs.
func TestLibreOfficeComputesWhatGoComputes(t *testing.T) {
	realclients.Python(t)
	realclients.Soffice(t)
	p := testkit.DefaultProgram(t)
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			dir := t.TempDir()
			book := testkit.RandomInputs(p, seed)
			filled := testkit.FillWithOpenpyxl(t, p, book, dir, func(w io.Writer) error { return WriteTemplate(p, w, TemplateOptions{}) })
			saved := realclients.Convert(t, filled, filepath.Join(dir, "lo"))
			f, err := excelize.OpenFile(saved)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cells := layout.New(p, 0).ComputedCells(book)
			if len(cells) == 0 {
				t.Fatal("no computed cells")
			}
			nonEmpty, bad := 0, 0
			for _, c := range cells {
				got, err := f.GetCellValue(c.Sheet, c.Cell, excelize.Options{RawCellValue: true})
				if err != nil {
					t.Fatal(err)
				}
				if !sameValue(got, c.Value) {
					bad++
					if bad <= 20 {
						t.Errorf("%s!%s (%s): LibreOffice %q, Go %q", c.Sheet, c.Cell, c.What, got, c.Value)
					}
				}
				if !c.Value.IsEmpty() {
					nonEmpty++
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d computed cells differ", bad, len(cells))
			}
			if nonEmpty < len(cells)/10 {
				t.Errorf("only %d of %d computed cells have a value: the inputs do not exercise the formulas", nonEmpty, len(cells))
			}
			t.Logf("%d computed cells compared, %d with a value", len(cells), nonEmpty)
		})
	}
}

// sameValue compares a cached cell value written by an office suite with the
// value Go computed: equal numbers (an office suite's binary float noise past
// the computed value's decimals aside), equal text, or both empty.
func sameValue(got string, want report.Value) bool {
	switch want.Kind {
	case report.Empty:
		return got == ""
	case report.Text:
		return got == want.Text
	}
	d, err := decimal.NewFromString(got)
	if err != nil {
		return false
	}
	places := -want.Num.Exponent()
	if places < 0 {
		places = 0
	}
	return d.Round(places + 6).Sub(want.Num).Abs().LessThan(decimal.New(1, -(places + 5)))
}

// TestIdentitySurvivesRoundTrips checks the template's identity (spec id,
// version, fingerprint) is still there after LibreOffice saves the file, and
// after openpyxl (which drops custom document properties) and then
// LibreOffice save it: the very hidden sheet carries it where the properties
// are lost.
func TestIdentitySurvivesRoundTrips(t *testing.T) {
	realclients.Soffice(t)
	p := testkit.DefaultProgram(t)
	dir := t.TempDir()
	filled := testkit.FillWithOpenpyxl(t, p, testkit.RandomInputs(p, 9), dir, func(w io.Writer) error { return WriteTemplate(p, w, TemplateOptions{}) })
	viaLO := realclients.Convert(t, filepath.Join(dir, "template.xlsx"), filepath.Join(dir, "lo1"))
	viaBoth := realclients.Convert(t, filled, filepath.Join(dir, "lo2"))
	want := map[string]string{"spec_id": p.Spec.ID, "spec_version": p.Spec.Version, "fingerprint": p.Spec.Fingerprint()}
	for _, path := range []string{viaLO, viaBoth} {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(report.MetaSheet)
		if err != nil {
			t.Fatalf("%s: identity sheet lost: %v", path, err)
		}
		got := map[string]string{}
		for _, r := range rows {
			if len(r) == 2 {
				got[r[0]] = r[1]
			}
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: identity %s = %q, want %q", path, k, got[k], v)
			}
		}
		if path == viaLO {
			props, _ := f.GetCustomProps()
			found := false
			for _, prop := range props {
				if prop.Name == report.PropFingerprint && prop.Value == p.Spec.Fingerprint() {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: LibreOffice dropped the fingerprint property: %v", path, props)
			}
		}
		f.Close()
	}
}
