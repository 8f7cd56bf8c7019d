// Package decfit is decimal arithmetic on int64 coefficients for the
// numbers that fit one — a report's figures nearly all do — so that sums,
// comparisons and totals need not make a big.Int for each number as
// shopspring/decimal does. Each function says when a figure does not fit
// (ok false); the caller then computes with decimal, which gives the same.
package decfit

import (
	"math"
	"sync"

	"github.com/shopspring/decimal"
)

// Coef is d's coefficient, when it has at most 18 digits.
func Coef(d decimal.Decimal) (int64, bool) {
	if d.NumDigits() > 18 {
		return 0, false
	}
	return d.CoefficientInt64(), true
}

// Scale is c × 10^k (k ≥ 0), when it fits an int64.
func Scale(c int64, k int64) (int64, bool) {
	if c == 0 {
		return 0, true
	}
	if k > 18 { // a nonzero coefficient times 10^19 or more never fits
		return 0, false
	}
	for ; k > 0; k-- {
		if c > math.MaxInt64/10 || c < math.MinInt64/10 {
			return 0, false
		}
		c *= 10
	}
	return c, true
}

// At is d's coefficient brought to exponent exp (at most d's), when it fits
// an int64: d is that coefficient × 10^exp.
func At(d decimal.Decimal, exp int32) (int64, bool) {
	c, ok := Coef(d)
	if !ok {
		return 0, false
	}
	return Scale(c, int64(d.Exponent())-int64(exp))
}

// Add is a + b, when it fits an int64.
func Add(a, b int64) (int64, bool) {
	s := a + b
	return s, (s > a) == (b > 0)
}

// smallInts are decimal.New(n, 0) of the whole numbers 0 to len-1, made
// once: most figures of a report are small counts, and decimal.New makes two
// objects of each. A Decimal's coefficient is never changed in place (every
// operation of shopspring/decimal makes a new one), so one may be shared by
// every value that holds the number.
var smallInts = func() (t [1024]decimal.Decimal) {
	for i := range t {
		t[i] = decimal.New(int64(i), 0)
	}
	return t
}()

// hundredths are decimal.New(c, -2) of 0 to 163.83, made at their first
// use: a percentage (本学年为上学年(%), rates) with two decimals.
var hundredths = sync.OnceValue(func() *[1 << 14]decimal.Decimal {
	t := new([1 << 14]decimal.Decimal)
	for i := range t {
		t[i] = decimal.New(int64(i), -2)
	}
	return t
})

// New is decimal.New(c, exp), shared for a small whole number and a
// percentage with two decimals.
func New(c int64, exp int32) decimal.Decimal {
	switch {
	case c < 0:
	case exp == 0 && c < int64(len(smallInts)):
		return smallInts[c]
	case exp == -2 && c < 1<<14:
		return hundredths()[c]
	}
	return decimal.New(c, exp)
}
