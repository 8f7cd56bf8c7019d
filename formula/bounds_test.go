package formula_test

import (
	"testing"

	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

// Program.Bounds is Field.Bounds, made once.
func TestProgramBounds(t *testing.T) {
	p := program(t)
	same := func(a, b *decimal.Decimal) bool {
		return a == nil && b == nil || a != nil && b != nil && a.Equal(*b) && a.Exponent() == b.Exponent()
	}
	n := 0
	check := func(fields []spec.Field) {
		for i := range fields {
			f := &fields[i]
			min, max := p.Bounds(f)
			wmin, wmax := f.Bounds()
			if !same(min, wmin) || !same(max, wmax) {
				t.Errorf("%s: Bounds %v %v, want %v %v", f.Key, min, max, wmin, wmax)
			}
			n++
		}
	}
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		check(sh.Fields())
		check(sh.Rows)
		check(sh.Columns)
		if sh.Summary != nil {
			check(sh.Summary.Rows)
		}
	}
	if n == 0 {
		t.Fatal("no field")
	}
	other := &spec.Field{Key: "x", Type: spec.TypePercent}
	if min, max := p.Bounds(other); !same(min, &decimal.Zero) || max == nil || !max.Equal(decimal.NewFromInt(100)) {
		t.Errorf("a field of no sheet: %v %v", min, max)
	}
}
