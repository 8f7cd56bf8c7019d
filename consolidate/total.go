package consolidate

import (
	"math"
	"math/bits"

	"github.com/nianbao/nianbao/internal/decfit"
	"github.com/shopspring/decimal"
)

// total is a running sum of decimals, the same — value and exponent — as
// adding them in turn with decimal's Add from zero: kept as an int64
// coefficient while every number and the sum fit one. decimal's Add and
// Mul make two or three big integers a number, and consolidating adds
// about a thousand numbers a school to the region's and the pivots' totals.
type total struct {
	c     int64 // the sum's coefficient at exponent exp, while !isBig
	exp   int32
	big   decimal.Decimal // the sum once it no longer fits
	isBig bool
}

// add adds d (decimal's Add).
func (t *total) add(d decimal.Decimal) {
	if c, ok := decfit.Coef(d); ok && !t.isBig && t.addSmall(c, d.Exponent()) {
		return
	}
	t.toBig()
	t.big = t.big.Add(d)
}

// addProduct adds a × b (decimal's Mul, then Add).
func (t *total) addProduct(a, b decimal.Decimal) {
	ca, okA := decfit.Coef(a)
	cb, okB := decfit.Coef(b)
	if !t.isBig && okA && okB {
		e := int64(a.Exponent()) + int64(b.Exponent())
		if c, ok := mul64(ca, cb); ok && e >= math.MinInt32 && e <= math.MaxInt32 && t.addSmall(c, int32(e)) {
			return
		}
	}
	t.toBig()
	t.big = t.big.Add(a.Mul(b))
}

// value is the sum.
func (t *total) value() decimal.Decimal {
	if t.isBig {
		return t.big
	}
	return decfit.New(t.c, t.exp)
}

func (t *total) toBig() {
	if !t.isBig {
		t.big, t.isBig = decimal.New(t.c, t.exp), true
	}
}

// addSmall adds c × 10^e to the int64 sum, at the smaller exponent as Add
// does; false (the sum unchanged) when a figure does not fit an int64.
func (t *total) addSmall(c int64, e int32) bool {
	exp := min(t.exp, e)
	a, ok := decfit.Scale(t.c, int64(t.exp)-int64(exp))
	if !ok {
		return false
	}
	b, ok := decfit.Scale(c, int64(e)-int64(exp))
	if !ok {
		return false
	}
	s, ok := decfit.Add(a, b)
	if !ok {
		return false
	}
	t.c, t.exp = s, exp
	return true
}

// mul64 is a × b; false when it overflows an int64.
func mul64(a, b int64) (int64, bool) {
	neg := (a < 0) != (b < 0)
	ua, ub := uint64(a), uint64(b)
	if a < 0 {
		ua = -ua
	}
	if b < 0 {
		ub = -ub
	}
	hi, lo := bits.Mul64(ua, ub)
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(lo), true
	}
	return int64(lo), true
}
