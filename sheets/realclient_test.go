package sheets

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/internal/realclients"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/nianbao/nianbao/templates"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

func defaultProgram(t testing.TB) *formula.Program {
	t.Helper()
	p, err := templates.Default("zh")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// randomInputs fills every input cell of a spec with a value of its type (and
// leaves some empty, some zero), so that every formula meets real values,
// empties and zero divisors.
func randomInputs(p *formula.Program, seed uint64) *report.Book {
	r := rand.New(rand.NewPCG(seed, 7))
	b := report.New()
	value := func(s *spec.Spec, f *spec.Field) report.Value {
		switch x := r.IntN(100); {
		case x < 6:
			return report.Value{}
		case x < 10 && f.Numeric():
			if lo, _ := f.Bounds(); lo == nil || lo.Sign() <= 0 {
				return report.Int(0)
			}
		}
		lo, hi := decimal.Zero, decimal.NewFromInt(3000)
		if min, max := f.Bounds(); min != nil {
			lo = *min
			if max != nil {
				hi = *max
			}
		}
		switch f.Type {
		case spec.TypeInteger, spec.TypeYear:
			span := hi.Sub(lo).IntPart() + 1
			return report.Num(lo.Add(decimal.NewFromInt(r.Int64N(span))))
		case spec.TypeDecimal, spec.TypePercent:
			scale := decimal.New(1, int32(f.Places()))
			span := hi.Sub(lo).Mul(scale).IntPart() + 1
			return report.Num(lo.Add(decimal.NewFromInt(r.Int64N(span)).Div(scale)))
		case spec.TypeEnum:
			vals := s.Enum(f.Enum).Values
			return report.Str(vals[r.IntN(len(vals))])
		case spec.TypeCode:
			return report.Str("4141010001")
		case spec.TypeSchoolYear:
			return report.Str("2019-2020")
		case spec.TypePhone:
			return report.Str("0371-66668888")
		case spec.TypeEmail:
			return report.Str("office@example.edu.cn")
		case spec.TypeDate:
			return report.Value{}
		}
		return report.Str(fmt.Sprintf("填报内容%d", r.IntN(100)))
	}
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		switch sh.Kind {
		case spec.KindRecord:
			for j := range sh.Rows {
				b.Set(sh.Key, report.Key{Field: sh.Rows[j].Key}, value(p.Spec, &sh.Rows[j]))
			}
		case spec.KindIndicator:
			for j := range sh.Rows {
				if f := &sh.Rows[j]; f.Input() {
					b.Set(sh.Key, report.Key{Field: f.Key, Col: spec.ColPrev}, value(p.Spec, f))
					b.Set(sh.Key, report.Key{Field: f.Key, Col: spec.ColCur}, value(p.Spec, f))
				}
			}
		case spec.KindList:
			n := 1 + r.IntN(6)
			for k := 0; k < n; k++ {
				row := map[string]report.Value{}
				for j := range sh.Columns {
					if f := &sh.Columns[j]; f.Input() {
						row[f.Key] = value(p.Spec, f)
					}
				}
				b.AddRow(sh.Key, row)
			}
		}
	}
	return b
}

type cellJSON struct {
	Sheet string `json:"sheet"`
	Cell  string `json:"cell"`
	Kind  string `json:"kind"`
	V     string `json:"v"`
}

// fillWithOpenpyxl writes the template, then fills the book's inputs into it
// with openpyxl; it returns the filled file.
func fillWithOpenpyxl(t *testing.T, p *formula.Program, book *report.Book, dir string) string {
	t.Helper()
	tpl := filepath.Join(dir, "template.xlsx")
	f, err := os.Create(tpl)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteTemplate(p, f, TemplateOptions{}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	inputs, err := newBookLayout(p, 0).inputCells(book)
	if err != nil {
		t.Fatal(err)
	}
	var cells []cellJSON
	for _, c := range inputs {
		kind := "s"
		if c.Value.Kind == report.Number {
			kind = "n"
		}
		cells = append(cells, cellJSON{c.Sheet, c.Cell, kind, c.Value.String()})
	}
	js := filepath.Join(dir, "cells.json")
	data, _ := json.Marshal(cells)
	if err := os.WriteFile(js, data, 0o644); err != nil {
		t.Fatal(err)
	}
	filled := filepath.Join(dir, "filled.xlsx")
	realclients.RunPython(t, "testdata/fill.py", tpl, filled, js)
	return filled
}

// TestLibreOfficeComputesWhatGoComputes fills the template with openpyxl, has
// LibreOffice open, recalculate and save it, and compares every formula cell's
// value with the value Go computes from the same inputs.
func TestLibreOfficeComputesWhatGoComputes(t *testing.T) {
	realclients.Python(t)
	realclients.Soffice(t)
	p := defaultProgram(t)
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			dir := t.TempDir()
			book := randomInputs(p, seed)
			filled := fillWithOpenpyxl(t, p, book, dir)
			saved := realclients.Convert(t, filled, filepath.Join(dir, "lo"))
			f, err := excelize.OpenFile(saved)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cells := newBookLayout(p, 0).computedCells(book)
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
	p := defaultProgram(t)
	dir := t.TempDir()
	filled := fillWithOpenpyxl(t, p, randomInputs(p, 9), dir)
	viaLO := realclients.Convert(t, filepath.Join(dir, "template.xlsx"), filepath.Join(dir, "lo1"))
	viaBoth := realclients.Convert(t, filled, filepath.Join(dir, "lo2"))
	want := map[string]string{"spec_id": p.Spec.ID, "spec_version": p.Spec.Version, "fingerprint": p.Spec.Fingerprint()}
	for _, path := range []string{viaLO, viaBoth} {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(MetaSheet)
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
				if prop.Name == PropFingerprint && prop.Value == p.Spec.Fingerprint() {
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
