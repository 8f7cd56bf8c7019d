package validate

import (
	"math"

	"github.com/shopspring/decimal"
)

// The checks decide on int64 coefficients brought to a common exponent
// where the figures fit — decimal's Add, Sub and Cmp make a big.Int each,
// and a check nearly always holds. Where a figure does not fit, or the
// check fails (its message shows decimal's sum and difference), the plain
// decimal computation decides.

// scaledTo is d's coefficient at exponent exp (at most d's), when it fits
// an int64.
func scaledTo(d decimal.Decimal, exp int32) (int64, bool) {
	if d.Exponent()-exp > 18 || d.NumDigits() > 18 {
		return 0, false
	}
	c := d.CoefficientInt64()
	for e := d.Exponent(); e > exp; e-- {
		if c > math.MaxInt64/10 || c < math.MinInt64/10 {
			return 0, false
		}
		c *= 10
	}
	return c, true
}

func addInt(a, b int64) (int64, bool) {
	s := a + b
	return s, (s > a) == (b > 0)
}

// sumHolds is whether a sum check holds — |total − Σ parts| ≤ tol, or for
// le total − Σ parts ≥ −tol — when ok.
func sumHolds(total decimal.Decimal, parts []decimal.Decimal, tol decimal.Decimal, le bool) (holds, ok bool) {
	exp := min(total.Exponent(), tol.Exponent())
	for _, p := range parts {
		exp = min(exp, p.Exponent())
	}
	t, okT := scaledTo(total, exp)
	tl, okL := scaledTo(tol, exp)
	if !okT || !okL {
		return false, false
	}
	var s int64
	for _, p := range parts {
		c, ok := scaledTo(p, exp)
		if !ok {
			return false, false
		}
		if s, ok = addInt(s, c); !ok {
			return false, false
		}
	}
	if s == math.MinInt64 {
		return false, false
	}
	diff, ok := addInt(t, -s)
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
	a, okA := scaledTo(l, exp)
	b, okB := scaledTo(r, exp)
	t, okT := scaledTo(tol, exp)
	if !okA || !okB || !okT || b == math.MinInt64 {
		return false, false
	}
	d, ok := addInt(a, -b)
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
	x, okA := scaledTo(a, exp)
	y, okB := scaledTo(b, exp)
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
