package formula

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// randDec picks a decimal for the fast paths' tests: mostly small ones with
// a few decimals, and edges — zero, signs, 18- and 19-digit coefficients,
// large exponents, numbers that do not fit an int64.
func randDec(r *rand.Rand) decimal.Decimal {
	switch r.IntN(14) {
	case 0:
		return decimal.Decimal{}
	case 1:
		return decimal.New(0, int32(r.IntN(7)-3))
	case 2:
		return decimal.New(999_999_999_999_999_999*int64(1-2*r.IntN(2)), int32(r.IntN(9)-4))
	case 3:
		return decimal.New(math.MaxInt64/int64(1+r.IntN(9))*int64(1-2*r.IntN(2)), int32(r.IntN(5)-2))
	case 4:
		return decimal.RequireFromString("123456789012345678901234.5")
	case 5:
		return decimal.New(r.Int64N(2000)-1000, int32(r.IntN(41)-20))
	case 6:
		return decimal.New(r.Int64N(1_000_000_000_000)+1, int32(r.IntN(13)-10))
	case 7: // halves: the rounding's ties
		return decimal.New(5*(r.Int64N(2000)-1000)+5, int32(-1-r.IntN(4)))
	}
	return decimal.New(r.Int64N(2_000_000)-1_000_000, int32(r.IntN(7)-4))
}

func sameDec(a, b decimal.Decimal) bool { return a.Exponent() == b.Exponent() && a.Cmp(b) == 0 }

// TestDivMulRound: wherever the 128-bit path answers, it is exactly —
// coefficient and exponent — what decimal's Div, Mul and Round give, and it
// answers for the ordinary report figures.
func TestDivMulRound(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	ks := []decimal.Decimal{decimal.NewFromInt(100), decimal.NewFromInt(1), decimal.RequireFromString("0.5"),
		decimal.NewFromInt(-3), decimal.New(1, 3), decimal.RequireFromString("100.00"), decimal.Decimal{}}
	answered := 0
	for i := 0; i < 300000; i++ {
		a, b := randDec(r), randDec(r)
		if i%3 == 0 { // ordinary figures: small counts and amounts
			a, b = decimal.New(r.Int64N(100000), int32(-r.IntN(3))), decimal.New(r.Int64N(100000)+1, int32(-r.IntN(3)))
		}
		if i%7 == 1 { // a quotient that is a tie at Div's 20 places
			j := int32(r.IntN(3))
			a, b = decimal.New(5*(2*r.Int64N(1000)+1), -21-j), decimal.New(1-2*r.Int64N(2), -j)
		}
		if b.IsZero() {
			if _, ok := divMulRound(a, b, ks[0], true, 2); ok {
				t.Fatalf("divMulRound(%v, 0) answered", a)
			}
			continue
		}
		places := int32(r.IntN(8))
		if r.IntN(10) == 0 {
			places = int32(r.IntN(25))
		}
		k, hasK := ks[r.IntN(len(ks))], r.IntN(4) != 0
		want := Div(a, b)
		if hasK {
			want = want.Mul(k)
		}
		want = want.Round(places)
		if got, ok := divMulRound(a, b, k, hasK, places); ok {
			answered++
			if !sameDec(got, want) {
				t.Fatalf("divMulRound(%v, %v, %v, %v, %d) = %v×10^%d, want %v×10^%d", a, b, k, hasK, places,
					got.Coefficient(), got.Exponent(), want.Coefficient(), want.Exponent())
			}
		} else if i%3 == 0 && places <= 6 {
			t.Fatalf("divMulRound(%v, %v, %v, %v, %d) did not answer for ordinary figures", a, b, k, hasK, places)
		}
		scale := ks[r.IntN(len(ks))]
		want = Div(a.Mul(scale), b).Round(places)
		if got, ok := ratioSmall(a, b, scale, places); ok {
			answered++
			if !sameDec(got, want) {
				t.Fatalf("ratioSmall(%v, %v, %v, %d) = %v×10^%d, want %v×10^%d", a, b, scale, places,
					got.Coefficient(), got.Exponent(), want.Coefficient(), want.Exponent())
			}
		}
	}
	if answered < 300000 {
		t.Fatalf("the fast paths answered only %d times", answered)
	}
}
