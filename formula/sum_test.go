package formula

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nianbao/nianbao/report"
	"github.com/shopspring/decimal"
)

// TestSumNums: a sum is exactly — coefficient and exponent — what adding
// the numbers in turn with decimal's Add gives, from zero or from the first.
func TestSumNums(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pick := func() report.Value {
		switch r.IntN(12) {
		case 0:
			return report.Value{}
		case 1:
			return report.Str("12")
		case 2:
			return report.Num(decimal.RequireFromString("123456789012345678901234.5"))
		case 3:
			return report.Num(decimal.New(math.MaxInt64/int64(1+r.IntN(20)), int32(r.IntN(5)-2)))
		case 4:
			return report.Num(decimal.New(-math.MaxInt64/int64(1+r.IntN(20)), int32(r.IntN(5)-2)))
		case 5:
			return report.Num(decimal.Decimal{})
		}
		return report.Num(decimal.New(r.Int64N(2_000_000)-1_000_000, int32(r.IntN(9)-6)))
	}
	for i := 0; i < 20000; i++ {
		vs := make([]report.Value, r.IntN(8))
		for j := range vs {
			vs[j] = pick()
		}
		for _, fromZero := range []bool{true, false} {
			var want decimal.Decimal
			found := false
			for _, v := range vs {
				if v.Kind != report.Number {
					continue
				}
				if !found && !fromZero {
					want = v.Num
				} else {
					want = want.Add(v.Num)
				}
				found = true
			}
			got, ok := sumNums(vs, fromZero)
			if ok != found || (found && (got.Exponent() != want.Exponent() || got.Cmp(want) != 0)) {
				t.Fatalf("sumNums(%v, %v) = %v×10^%d %v, want %v×10^%d %v", vs, fromZero, got.Coefficient(), got.Exponent(), ok,
					want.Coefficient(), want.Exponent(), found)
			}
		}
	}
}
