package formula

import (
	"math"
	"math/bits"

	"github.com/nianbao/nianbao/internal/decfit"
	"github.com/shopspring/decimal"
)

// divMulRound is Div(a, b).Mul(k).Round(places) — or without hasK
// Div(a, b).Round(places) — computed on 128-bit integers rather than
// big.Int: the same coefficient and exponent decimal gives, step by step
// (the quotient rounded half away from zero to 20 places, the product, then
// Round's half away from zero). ok is false, and the caller is to use
// decimal, when b is 0, a coefficient has more than 18 digits, or a step
// does not fit.
func divMulRound(a, b, k decimal.Decimal, hasK bool, places int32) (decimal.Decimal, bool) {
	ca, okA := decfit.Coef(a)
	cb, okB := decfit.Coef(b)
	ck, okK := int64(1), true
	if hasK {
		ck, okK = decfit.Coef(k)
	}
	if !okA || !okB || !okK {
		return decimal.Decimal{}, false
	}
	return divCore(ca, int64(a.Exponent()), cb, int64(b.Exponent()), ck, int64(k.Exponent()), hasK, places)
}

// ratioSmall is Div(num.Mul(scale), den).Round(places) as divMulRound
// computes it: false where it cannot.
func ratioSmall(num, den, scale decimal.Decimal, places int32) (decimal.Decimal, bool) {
	cn, okN := decfit.Coef(num)
	cs, okS := decfit.Coef(scale)
	cd, okD := decfit.Coef(den)
	if !okN || !okS || !okD {
		return decimal.Decimal{}, false
	}
	hi, lo := bits.Mul64(absU(cn), absU(cs))
	if hi != 0 || lo > math.MaxInt64 {
		return decimal.Decimal{}, false
	}
	ca := int64(lo)
	if (cn < 0) != (cs < 0) {
		ca = -ca
	}
	return divCore(ca, int64(num.Exponent())+int64(scale.Exponent()), cd, int64(den.Exponent()), 1, 0, false, places)
}

// divCore is divMulRound on coefficients and exponents: ca×10^ea ÷
// cb×10^eb, times ck×10^ek when hasK.
func divCore(ca, ea, cb, eb, ck, ek int64, hasK bool, places int32) (d decimal.Decimal, ok bool) {
	if cb == 0 {
		return d, false
	}
	neg := (ca < 0) != (cb < 0)
	// DivRound(b, 20): a×10^e ÷ b, or a ÷ b×10^-e, truncated, then one more
	// unit away from zero when twice the remainder is at least the divisor
	var num u128
	den := absU(cb)
	e := ea - eb + divPlaces
	if e >= 0 {
		if num, ok = mulPow10(u128{lo: absU(ca)}, e); !ok {
			return d, false
		}
	} else {
		if -e > 19 {
			return d, false
		}
		hi, lo := bits.Mul64(den, pow10u[-e])
		if hi != 0 {
			return d, false
		}
		num, den = u128{lo: absU(ca)}, lo
	}
	q, r := num.divmod(den)
	if r >= den-r {
		if q, ok = q.add1(); !ok {
			return d, false
		}
	}
	exp := int64(-divPlaces)
	if hasK {
		if q, ok = q.mul(absU(ck)); !ok {
			return d, false
		}
		neg = neg != (ck < 0)
		exp += ek
	}
	// Round(places): as it is at that exponent; else truncated to places+1
	// decimals, 5 added to the magnitude and the last digit dropped
	if exp != -int64(places) {
		drop := -int64(places) - 1 - exp
		if drop < 0 {
			return d, false // Round would add zeros: rare, left to decimal
		}
		for ; drop > 0; drop -= min(drop, 19) {
			q, _ = q.divmod(pow10u[min(drop, 19)])
		}
		q, _ = q.add(5)
		q, _ = q.divmod(10)
		exp = -int64(places)
	}
	if q.hi != 0 || q.lo > math.MaxInt64 || exp < math.MinInt32 || exp > math.MaxInt32 {
		return d, false
	}
	c := int64(q.lo)
	if neg {
		c = -c
	}
	return decfit.New(c, int32(exp)), true
}

// divPlaces are Div's decimals.
const divPlaces = 20

func absU(c int64) uint64 {
	if c < 0 {
		return uint64(-c)
	}
	return uint64(c)
}

// pow10u are the powers of ten that fit a uint64.
var pow10u = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// u128 is an unsigned 128-bit integer.
type u128 struct{ hi, lo uint64 }

func (a u128) mul(m uint64) (u128, bool) {
	h1, l1 := bits.Mul64(a.lo, m)
	h2, l2 := bits.Mul64(a.hi, m)
	hi, carry := bits.Add64(h1, l2, 0)
	return u128{hi, l1}, h2 == 0 && carry == 0
}

func (a u128) add(n uint64) (u128, bool) {
	lo, carry := bits.Add64(a.lo, n, 0)
	hi, over := bits.Add64(a.hi, 0, carry)
	return u128{hi, lo}, over == 0
}

func (a u128) add1() (u128, bool) { return a.add(1) }

func (a u128) divmod(d uint64) (q u128, r uint64) {
	q.hi, r = a.hi/d, a.hi%d
	q.lo, r = bits.Div64(r, a.lo, d)
	return q, r
}

// mulPow10 is a×10^e; false when it does not fit.
func mulPow10(a u128, e int64) (u128, bool) {
	ok := true
	for ; e > 0 && ok; e -= min(e, 19) {
		a, ok = a.mul(pow10u[min(e, 19)])
	}
	return a, ok
}
