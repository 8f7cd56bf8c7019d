// Package dectext writes decimals as text, exactly as shopspring/decimal's
// String does (no exponent, no trailing zeros after the point), without its
// math/big formatting for the numbers reports hold: a coefficient of up to
// 18 digits is formatted from an int64. Consolidating writes every value of
// every school; decimal.String was a twentieth of the time.
package dectext

import (
	"strconv"

	"github.com/shopspring/decimal"
)

// String is d.String().
func String(d decimal.Decimal) string {
	var buf [48]byte
	b, ok := appendSmall(buf[:0], d)
	if !ok {
		return d.String()
	}
	return string(b)
}

// Append appends d.String() to dst: written into dst, without a string
// made, for the numbers reports hold.
func Append(dst []byte, d decimal.Decimal) []byte {
	if b, ok := appendSmall(dst, d); ok {
		return b
	}
	return append(dst, d.String()...)
}

// appendSmall formats d when its coefficient has at most 18 digits and its
// exponent is within ±40; ok is false otherwise (dst unchanged).
func appendSmall(dst []byte, d decimal.Decimal) ([]byte, bool) {
	exp := d.Exponent()
	if exp < -40 || exp > 40 || d.NumDigits() > 18 {
		return dst, false
	}
	c := d.CoefficientInt64()
	if c == 0 {
		return append(dst, '0'), true
	}
	var u uint64
	if c < 0 {
		dst = append(dst, '-')
		u = uint64(-c)
	} else {
		u = uint64(c)
	}
	var digits [20]byte
	ds := strconv.AppendUint(digits[:0], u, 10)
	if exp >= 0 {
		dst = append(dst, ds...)
		for range exp {
			dst = append(dst, '0')
		}
		return dst, true
	}
	scale := int(-exp)
	// trailing zeros of the fraction are left out
	end := len(ds)
	for end > 0 && scale-(len(ds)-end) > 0 && ds[end-1] == '0' {
		end--
	}
	frac := scale - (len(ds) - end) // fraction digits kept
	intLen := len(ds) - scale       // may be ≤ 0: 0.00ddd
	if intLen > 0 {
		dst = append(dst, ds[:intLen]...)
	} else {
		dst = append(dst, '0')
	}
	if frac == 0 {
		return dst, true
	}
	dst = append(dst, '.')
	for i := intLen; i < 0; i++ {
		dst = append(dst, '0')
	}
	return append(dst, ds[max(intLen, 0):end]...), true
}
