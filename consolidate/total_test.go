package consolidate

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// A total is what decimal's Add (and Mul) give adding the same numbers in
// turn from zero — the value and the exponent — on edge cases and on
// random runs of numbers of every size and scale, some past an int64.
func TestTotalIsDecimalAdd(t *testing.T) {
	edge := []string{"0", "1", "-1", "0.5", "-0.05", "12.3400", "1e5", "-1.5e3", "1e-30", "1e40",
		"9223372036854775807", "-9223372036854775808", "999999999999999999", "-999999999999999999",
		"123456789012345678901234567890.25", "0.000000000000000001", "4611686018427387904"}
	r := rand.New(rand.NewPCG(3, 4))
	random := func() decimal.Decimal {
		if r.IntN(10) == 0 {
			return decimal.RequireFromString(edge[r.IntN(len(edge))])
		}
		var c int64
		switch r.IntN(4) {
		case 0:
			c = r.Int64N(1000)
		case 1:
			c = r.Int64N(1_000_000_000)
		case 2:
			c = r.Int64N(math.MaxInt64 / 1000)
		default:
			c = r.Int64()
		}
		if r.IntN(3) == 0 {
			c = -c
		}
		return decimal.New(c, int32(r.IntN(12)-8))
	}
	for run := range 20000 {
		var tot, prod total
		want, wantProd := decimal.Decimal{}, decimal.Decimal{}
		for range 1 + r.IntN(40) {
			d, w := random(), random()
			tot.add(d)
			want = want.Add(d)
			prod.addProduct(w, d)
			wantProd = wantProd.Add(w.Mul(d))
		}
		if got := tot.value(); got.Cmp(want) != 0 || got.Exponent() != want.Exponent() {
			t.Fatalf("run %d: sum %s (exp %d), want %s (exp %d)", run, got, got.Exponent(), want, want.Exponent())
		}
		if got := prod.value(); got.Cmp(wantProd) != 0 || got.Exponent() != wantProd.Exponent() {
			t.Fatalf("run %d: products %s (exp %d), want %s (exp %d)", run, got, got.Exponent(), wantProd, wantProd.Exponent())
		}
	}
	var zero total
	if v := zero.value(); !v.IsZero() || v.Exponent() != 0 {
		t.Errorf("empty total %s (exp %d)", v, v.Exponent())
	}
}
