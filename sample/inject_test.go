package sample

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/shopspring/decimal"
)

// fillAndRead writes a school with raw cells and reads it back.
func fillAndRead(t *testing.T, p *formula.Program, s *School, raw []workbook.RawCell) *report.Report {
	t.Helper()
	var buf bytes.Buffer
	if err := workbook.WriteFilled(p, s.Book, &buf, workbook.FillOptions{Raw: raw}); err != nil {
		t.Fatal(err)
	}
	r, err := reader.ReadBytes(p, FileName(s), buf.Bytes(), reader.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// readValue is the value the reader found at a cell, with the key it has.
func readValue(r *report.Report, sheet, cell string) (report.Value, bool) {
	want := sheet + "!" + cell
	for _, sh := range r.Book.Sheets {
		for _, v := range sh.Values {
			if v.Cell.String() == want {
				return v, true
			}
		}
		for _, row := range sh.Rows {
			for _, v := range row {
				if v.Cell.String() == want {
					return v, true
				}
			}
		}
	}
	return report.Value{}, false
}

// checkMistakes asserts that every mistake is in the workbook as the manifest
// says, and would be caught the way it says.
func checkMistakes(t *testing.T, p *formula.Program, s *School, r *report.Report, mistakes []Mistake) {
	t.Helper()
	fails := failures(p, r.Book)
	for _, m := range mistakes {
		where := m.Kind + " at " + m.Sheet + "!" + m.Cell + " (" + m.Key + ")"
		switch m.Rule {
		case RuleNormalised:
			v, ok := readValue(r, m.Sheet, m.Cell)
			if !ok || v.String() != m.Original {
				t.Errorf("%s: read %q, want %q", where, v, m.Original)
			}
			if !slices.ContainsFunc(r.Notes, func(n report.Note) bool { return n.Sheet == m.Sheet && n.Cell == m.Cell }) {
				t.Errorf("%s: %q was read without a note", where, m.Injected)
			}
		case RuleOverwritten, RuleComputed:
			i := slices.IndexFunc(r.Overwritten, func(o report.Overwrite) bool { return o.Sheet == m.Sheet && o.Cell == m.Cell })
			if i < 0 {
				t.Errorf("%s: not seen as an overwritten formula (%+v)", where, r.Overwritten)
				continue
			}
			typed, right := r.Overwritten[i].Value.Num, decimal.RequireFromString(m.Original)
			if typed.String() != m.Injected {
				t.Errorf("%s: typed value read %s, want %s", where, typed, m.Injected)
			}
			switch m.Kind {
			case PastedFormula:
				if !typed.Equal(right) {
					t.Errorf("%s: pasted %s over %s", where, typed, right)
				}
			case TruncatedPct:
				if d := right.Sub(typed); d.Sign() <= 0 || d.GreaterThan(decimal.New(1, -2)) {
					t.Errorf("%s: %s is not %s cut off", where, typed, right)
				}
			case Rate:
				if d := right.Sub(typed).Abs(); d.LessThan(decimal.NewFromInt(1)) {
					t.Errorf("%s: %s is too close to %s to be a wrong rate", where, typed, right)
				}
			}
		default:
			v, ok := readValue(r, m.Sheet, m.Cell)
			if !ok || v.String() != m.Injected {
				t.Errorf("%s: read %q, want %q", where, v, m.Injected)
			}
			if !slices.ContainsFunc(fails, func(f string) bool { return strings.HasPrefix(f, m.Rule+" ") }) {
				t.Errorf("%s: check %s does not fail (failures: %v)", where, m.Rule, fails)
			}
		}
	}
}

func TestEveryKindOfMistake(t *testing.T) {
	p := program(t)
	for _, kind := range Kinds() {
		t.Run(kind, func(t *testing.T) {
			for i := 0; i < 20; i++ {
				s := generate(t, p, 5, i)
				raw, mistakes, err := Inject(p, s, []string{kind}, rand.New(rand.NewPCG(5, uint64(i))))
				if err != nil {
					t.Fatal(err)
				}
				if len(mistakes) != 1 || mistakes[0].Kind != kind || len(raw) != 1 {
					t.Fatalf("school %d: asked for one %s, got %+v", i, kind, mistakes)
				}
				if f := failures(p, s.Book); len(f) > 0 {
					t.Fatalf("Inject changed the school's own book: %v", f)
				}
				checkMistakes(t, p, s, fillAndRead(t, p, s, raw), mistakes)
			}
		})
	}
}

// Many mistakes in one workbook: each on its own cell and under its own check
// (two under one check could cancel out), and every one still found.
func TestManyMistakesInOneWorkbook(t *testing.T) {
	p := program(t)
	for i := 0; i < 10; i++ {
		s := generate(t, p, 9, i)
		kinds := append(Kinds(), Kinds()...)
		raw, mistakes, err := Inject(p, s, kinds, rand.New(rand.NewPCG(9, uint64(i))))
		if err != nil {
			t.Fatal(err)
		}
		if len(mistakes) != len(kinds) || len(raw) != len(kinds) {
			t.Fatalf("asked for %d mistakes, got %d", len(kinds), len(mistakes))
		}
		cells := map[string]bool{}
		for _, m := range mistakes {
			if cells[m.Sheet+"!"+m.Cell] {
				t.Fatalf("two mistakes at %s!%s", m.Sheet, m.Cell)
			}
			cells[m.Sheet+"!"+m.Cell] = true
		}
		checkMistakes(t, p, s, fillAndRead(t, p, s, raw), mistakes)
	}
	if _, _, err := Inject(p, generate(t, p, 1, 0), []string{"typo"}, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("an unknown kind of mistake was accepted")
	}
}

func TestTextForms(t *testing.T) {
	for in, want := range map[string]string{"1883": "1,883", "6423.84": "6,423.84", "123": "123", "1234567": "1,234,567", "-1000": "-1,000"} {
		if got := report.GroupThousands(in); got != want {
			t.Errorf("groupThousands(%s) = %s, want %s", in, got, want)
		}
	}
	if got := fullWidth("123.5"); got != "１２３．５" {
		t.Errorf("fullWidth: %s", got)
	}
}
