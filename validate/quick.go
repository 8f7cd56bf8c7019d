package validate

import (
	"math"

	"github.com/nianbao/nianbao/internal/decfit"
	"github.com/shopspring/decimal"
)

// The checks decide on int64 coefficients brought to a common exponent
// where the figures fit — decimal's Add, Sub and Cmp make a big.Int each,
// and a check nearly always holds. Where a figure does not fit, or the
// check fails (its message shows decimal's sum and difference), the plain
// decimal computation decides.

// sumHolds is whether a sum check holds — |total − Σ parts| ≤ tol, or for
// le total − Σ parts ≥ −tol — when ok.
func sumHolds(total decimal.Decimal, parts []decimal.Decimal, tol decimal.Decimal, le bool) (holds, ok bool) {
	exp := min(total.Exponent(), tol.Exponent())
	for _, p := range parts {
		exp = min(exp, p.Exponent())
	}
	t, okT := decfit.At(total, exp)
	tl, okL := decfit.At(tol, exp)
	if !okT || !okL {
		return false, false
	}
	var s int64
	for _, p := range parts {
		c, ok := decfit.At(p, exp)
		if !ok {
			return false, false
		}
		if s, ok = decfit.Add(s, c); !ok {
			return false, false
		}
	}
	if s == math.MinInt64 {
		return false, false
	}
	diff, ok := decfit.Add(t, -s)
	if !ok || diff == math.MinInt64 {
		return false, false
	}
	if le {
		return -diff <= tl, true
	}
	return max(diff, -diff) <= tl, true
}

// compareHolds is whether l op r holds within tol (as compare decides it),
// when ok.
func compareHolds(l, r, tol decimal.Decimal, op string) (holds, ok bool) {
	exp := min(l.Exponent(), r.Exponent(), tol.Exponent())
	a, okA := decfit.At(l, exp)
	b, okB := decfit.At(r, exp)
	t, okT := decfit.At(tol, exp)
	if !okA || !okB || !okT || b == math.MinInt64 {
		return false, false
	}
	d, ok := decfit.Add(a, -b)
	if !ok || d == math.MinInt64 {
		return false, false
	}
	switch op {
	case "==":
		return max(d, -d) <= t, true
	case "<=":
		return d <= t, true
	case ">=":
		return -d <= t, true
	case "<":
		return d < t, true
	case ">":
		return -d < t, true
	}
	return false, false
}

// cmpDec is a.Cmp(b).
func cmpDec(a, b decimal.Decimal) int {
	exp := min(a.Exponent(), b.Exponent())
	x, okA := decfit.At(a, exp)
	y, okB := decfit.At(b, exp)
	if !okA || !okB {
		return a.Cmp(b)
	}
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
