// Package testkit holds what the tests of several packages need alike: the
// built-in spec, random filled reports, a template filled by openpyxl, and a
// comparison of what was written with what was read back.
package testkit

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/internal/realclients"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/nianbao/nianbao/spec"
	"github.com/nianbao/nianbao/templates"
	"github.com/shopspring/decimal"
)

// FillScript is the path of fill.py, the openpyxl script that fills a
// template's cells from a JSON list.
func FillScript() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "fill.py")
}

// DefaultProgram is the built-in spec, compiled with Chinese messages.
func DefaultProgram(t testing.TB) *formula.Program {
	t.Helper()
	p, err := templates.Default("zh")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// RandomInputs fills every input cell of a spec with a value of its type (and
// leaves some empty, some zero), so that every formula meets real values,
// empties and zero divisors.
func RandomInputs(p *formula.Program, seed uint64) *report.Book {
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

// FillWithOpenpyxl writes the template (by writeTemplate) into dir, then fills
// the book's inputs into it with openpyxl; it returns the filled file.
func FillWithOpenpyxl(t *testing.T, p *formula.Program, book *report.Book, dir string, writeTemplate func(io.Writer) error) string {
	t.Helper()
	tpl := filepath.Join(dir, "template.xlsx")
	f, err := os.Create(tpl)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeTemplate(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	inputs, err := layout.New(p, 0).InputCells(book)
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
	realclients.RunPython(t, FillScript(), tpl, filled, js)
	return filled
}

// CompareInputs checks that every input value of want was read, equal, from
// the cell the template puts it in, and that nothing else was read.
func CompareInputs(t *testing.T, p *formula.Program, want *report.Book, got *report.Report) {
	t.Helper()
	placed, err := layout.New(p, 0).InputCells(want)
	if err != nil {
		t.Fatal(err)
	}
	gotPlaced, err := layout.New(p, 0).InputCells(got.Book)
	if err != nil {
		t.Fatal(err)
	}
	if len(placed) < 100 {
		t.Fatalf("only %d input values: the test data does not exercise the reader", len(placed))
	}
	index := map[string]layout.Placed{}
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
		case g.Value.Cell != report.Cell{Sheet: w.Sheet, Ref: w.Cell}:
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

// Unzip is every entry of a zip package (a workbook, say): the names in the
// package's order, and each entry's bytes by name.
func Unzip(t testing.TB, data []byte) (names []string, parts map[string][]byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts = map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		names, parts[f.Name] = append(names, f.Name), body
	}
	return names, parts
}
