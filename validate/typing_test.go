package validate

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/internal/realclients"
	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

// typedCell is a value as a person types it.
type typedCell struct {
	Sheet string `json:"sheet"`
	Cell  string `json:"cell"`
	Typed string `json:"typed"`
	// for openpyxl: a number ("n") or a text ("s")
	Kind string `json:"kind"`
	V    string `json:"v"`
}

// asTyped writes every input of a school the way people type: most numbers
// plain, some with thousands separators, full-width digits or the unit,
// percentages with a % sign, dates as 2026-10-15.
func asTyped(t *testing.T, p *formula.Program, s *sample.School) []typedCell {
	r := rand.New(rand.NewPCG(1, 2))
	var out []typedCell
	add := func(sheet string, k report.Key, row int, f *spec.Field, v report.Value) {
		if v.IsEmpty() {
			return
		}
		name, cell, err := layout.CellOf(p, 0, sheet, k, row)
		if err != nil {
			t.Fatal(err)
		}
		c := typedCell{Sheet: name, Cell: cell, Typed: v.String(), Kind: "s", V: v.String()}
		if v.Kind == report.Number {
			c.Kind = "n"
			switch x := r.IntN(8); {
			case f.Type == spec.TypePercent:
				c.Typed = v.String() + "%"
			case x == 0 && v.Num.GreaterThanOrEqual(decimal.NewFromInt(1000)):
				c.Typed = groupThousands(v.String())
			case x == 1:
				c.Typed = fullWidthDigits(v.String())
			case x == 2 && (f.Unit == "人" || f.Unit == "万元" || f.Unit == "个"):
				c.Typed = v.String() + f.Unit
			}
			if c.Typed != v.String() {
				c.Kind, c.V = "s", c.Typed
			}
		}
		out = append(out, c)
	}
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		for j := range sh.Fields() {
			f := &sh.Fields()[j]
			if !f.Input() {
				continue
			}
			switch sh.Kind {
			case spec.KindRecord:
				add(sh.Key, report.Key{Field: f.Key}, -1, f, s.Book.Get(sh.Key, report.Key{Field: f.Key}))
			case spec.KindIndicator:
				for _, col := range []string{spec.ColPrev, spec.ColCur} {
					add(sh.Key, report.Key{Field: f.Key, Col: col}, -1, f, s.Book.Get(sh.Key, report.Key{Field: f.Key, Col: col}))
				}
			case spec.KindList:
				for row, vals := range s.Book.Rows(sh.Key) {
					add(sh.Key, report.Key{Field: f.Key}, row, f, vals[f.Key])
				}
			}
		}
	}
	return out
}

func groupThousands(s string) string {
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return b.String()
}

func fullWidthDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r - '0' + '０'
		case r == '.':
			return '．'
		}
		return r
	}, s)
}

// A workbook typed into in LibreOffice (which turns 1,883 and 96.35% into
// numbers and keeps １２００ and 683人 as text) and one filled by openpyxl with
// the same keystrokes as text read to the same values and validate the same.
func TestTypedInLibreOfficeValidatesAsOpenpyxl(t *testing.T) {
	realclients.PythonUno(t)
	p := program(t)
	for _, kinds := range [][]string{nil, {sample.PartSum, sample.CrossTable, sample.UnitSlip}} {
		s, err := sample.Generate(p, 4, len(kinds))
		if err != nil {
			t.Fatal(err)
		}
		if kinds != nil { // mistakes in the values themselves, typed the same way
			_, mistakes, err := sample.Inject(p, s, kinds, rand.New(rand.NewPCG(4, 4)))
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range mistakes {
				sheet, k, row := parseKey(t, m.Key)
				v := report.Num(decimal.RequireFromString(m.Injected))
				if row >= 0 {
					s.Book.Rows(sheet)[row][k.Field] = v
				} else {
					s.Book.Set(sheet, k, v)
				}
			}
		}
		dir := t.TempDir()
		tpl := filepath.Join(dir, "template.xlsx")
		var buf bytes.Buffer
		if err := workbook.WriteTemplate(p, &buf, workbook.TemplateOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(tpl, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		cells := asTyped(t, p, s)
		js, _ := json.Marshal(cells)
		cellsFile := filepath.Join(dir, "cells.json")
		if err := os.WriteFile(cellsFile, js, 0o644); err != nil {
			t.Fatal(err)
		}
		byLO, byPy := filepath.Join(dir, "libreoffice.xlsx"), filepath.Join(dir, "openpyxl.xlsx")
		realclients.RunPython(t, "testdata/type_lo.py", tpl, byLO, cellsFile, filepath.Join(dir, "profile"))
		realclients.RunPython(t, testkit.FillScript(), tpl, byPy, cellsFile)

		read := func(path string) (*report.Report, []Finding) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			r, err := reader.ReadBytes(p, filepath.Base(path), data, reader.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return r, Check(p, r, Options{})
		}
		lo, loFindings := read(byLO)
		py, pyFindings := read(byPy)
		entries := func(r *report.Report) []string {
			var out []string
			for _, e := range reader.Entries(r, p) {
				out = append(out, e.Cell+" "+e.Key+" "+e.Value.String())
			}
			return out
		}
		if a, b := entries(lo), entries(py); !slices.Equal(a, b) {
			for i := range min(len(a), len(b)) {
				if a[i] != b[i] {
					t.Errorf("LibreOffice %q, openpyxl %q", a[i], b[i])
				}
			}
			t.Fatalf("the two workbooks read differently (%d and %d values)", len(a), len(b))
		}
		if len(entries(lo)) < 300 {
			t.Fatalf("only %d values", len(entries(lo)))
		}
		summary := func(fs []Finding) []string {
			var out []string
			for _, f := range fs {
				if f.Severity != Info {
					out = append(out, f.Severity+" "+f.Rule+" "+strings.Join(f.Cells, " ")+" "+f.Message)
				}
			}
			return out
		}
		a, b := summary(loFindings), summary(pyFindings)
		if !slices.Equal(a, b) {
			t.Errorf("findings differ:\nLibreOffice %q\nopenpyxl    %q", a, b)
		}
		if kinds != nil && len(a) < len(kinds) {
			t.Errorf("%d findings for %d mistakes: %q", len(a), len(kinds), a)
		}
		if kinds == nil && len(a) > 0 {
			t.Errorf("findings on a clean school: %q", a)
		}
	}
}
