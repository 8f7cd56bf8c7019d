package validate

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

// quickDec picks a figure for the quick decisions' tests: small ones with
// a few decimals, nearly equal ones, and edges (zero, 18 and 19 digits,
// the int64 bounds, far exponents, more than an int64).
func quickDec(r *rand.Rand) decimal.Decimal {
	switch r.IntN(12) {
	case 0:
		return decimal.Decimal{}
	case 1:
		return decimal.New(999_999_999_999_999_999*int64(1-2*r.IntN(2)), int32(r.IntN(5)-2))
	case 2:
		return decimal.New([]int64{math.MaxInt64, math.MinInt64, math.MinInt64 + 1}[r.IntN(3)], int32(r.IntN(3)-1))
	case 3:
		return decimal.RequireFromString("-123456789012345678901234.5")
	case 4:
		return decimal.New(r.Int64N(2000)-1000, int32(r.IntN(41)-20))
	case 5:
		return decimal.New(5, int32(-1-r.IntN(4))) // a half unit
	}
	return decimal.New(r.Int64N(20_000)-10_000, int32(-r.IntN(4)))
}

// TestQuickDecisions: wherever they decide, cmpDec, compareHolds and
// sumHolds decide exactly as decimal's Cmp, Sub, Add and Abs do, and they
// decide for ordinary figures.
func TestQuickDecisions(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	decided := 0
	for i := 0; i < 200000; i++ {
		a, b, tol := quickDec(r), quickDec(r), quickDec(r).Abs()
		if i%2 == 0 { // nearly equal figures and a tolerance of their size
			b = a.Add(decimal.New(r.Int64N(11)-5, int32(-r.IntN(4))))
			tol = decimal.New(5*r.Int64N(3), int32(-1-r.IntN(3)))
		}
		if got, want := cmpDec(a, b), a.Cmp(b); got != want {
			t.Fatalf("cmpDec(%v, %v) = %d, want %d", a, b, got, want)
		}
		d := a.Sub(b)
		for op, want := range map[string]bool{
			"==": d.Abs().LessThanOrEqual(tol), "<=": d.LessThanOrEqual(tol), ">=": d.Neg().LessThanOrEqual(tol),
			"<": d.LessThan(tol), ">": d.Neg().LessThan(tol),
		} {
			if got, ok := compareHolds(a, b, tol, op); ok {
				decided++
				if got != want {
					t.Fatalf("compareHolds(%v %s %v ± %v) = %v, want %v", a, op, b, tol, got, want)
				}
			}
		}
		parts := make([]decimal.Decimal, 1+r.IntN(5))
		sum := decimal.Zero
		for k := range parts {
			parts[k] = quickDec(r)
			if i%2 == 0 {
				parts[k] = decimal.New(r.Int64N(1000), int32(-r.IntN(3)))
			}
			sum = sum.Add(parts[k])
		}
		total := quickDec(r)
		if i%4 == 0 {
			total = sum.Add(decimal.New(r.Int64N(11)-5, int32(-r.IntN(3))))
		}
		diff := total.Sub(sum)
		for _, le := range []bool{false, true} {
			want := diff.Abs().LessThanOrEqual(tol)
			if le {
				want = diff.Neg().LessThanOrEqual(tol)
			}
			if got, ok := sumHolds(total, parts, tol, le); ok {
				decided++
				if got != want {
					t.Fatalf("sumHolds(%v, %v, %v, %v) = %v, want %v", total, parts, tol, le, got, want)
				}
			}
		}
	}
	if decided < 400000 {
		t.Fatalf("the quick decisions decided only %d times", decided)
	}
}

// halfUnit's table is what decimal.New gives, exponent and all.
func TestHalfUnits(t *testing.T) {
	for d := range 14 {
		f := &spec.Field{Type: spec.TypeDecimal, Decimals: &d}
		got := halfUnit(report.Num(decimal.New(1, int32(-d))), f)
		if want := decimal.New(5, int32(-d-1)); got.Exponent() != want.Exponent() || !got.Equal(want) {
			t.Errorf("%d decimals: half a unit is %s (exponent %d), want %s", d, got, got.Exponent(), want)
		}
	}
}
