package decfit

import (
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
)

// At and Add give what big integers give, and say so exactly when the
// result does not fit an int64.
func TestAtAndAdd(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 200000 {
		var c int64
		switch r.IntN(3) {
		case 0:
			c = r.Int64N(1000)
		case 1:
			c = r.Int64N(1 << 40)
		default:
			c = r.Int64()
		}
		if r.IntN(2) == 0 {
			c = -c
		}
		d := decimal.New(c, int32(r.IntN(10)-5))
		exp := d.Exponent() - int32(r.IntN(22))
		want := new(big.Int).Mul(d.Coefficient(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Exponent()-exp)), nil))
		got, ok := At(d, exp)
		if fits := want.IsInt64() && d.NumDigits() <= 18; ok != fits || (ok && got != want.Int64()) {
			t.Fatalf("At(%s, %d) = %d, %v; want %s (fits %v)", d, exp, got, ok, want, fits)
		}
		a, b := r.Int64()>>r.IntN(64), r.Int64()>>r.IntN(64)
		if r.IntN(2) == 0 {
			b = -b
		}
		sum := new(big.Int).Add(big.NewInt(a), big.NewInt(b))
		if s, ok := Add(a, b); ok != sum.IsInt64() || (ok && s != sum.Int64()) {
			t.Fatalf("Add(%d, %d) = %d, %v; want %s", a, b, s, ok, sum)
		}
	}
	if _, ok := Add(math.MaxInt64, 1); ok {
		t.Error("MaxInt64 + 1 fits")
	}
	if _, ok := Add(math.MinInt64, -1); ok {
		t.Error("MinInt64 - 1 fits")
	}
	if c, ok := At(decimal.Zero, -40); !ok || c != 0 {
		t.Errorf("At(0, -40) = %d, %v", c, ok)
	}
}

// New is decimal.New, without allocating for a small whole number, and a
// shared number stays what it is whatever is computed from it.
func TestNew(t *testing.T) {
	cs := []int64{math.MaxInt64, math.MinInt64, 1 << 40, -(1 << 40)}
	for c := int64(-3); c < 1<<14+3; c++ {
		cs = append(cs, c)
	}
	for _, c := range cs {
		for _, exp := range []int32{0, -1, -2, 1, 3} {
			got, want := New(c, exp), decimal.New(c, exp)
			if !reflect.DeepEqual(got, want) || got.String() != want.String() {
				t.Fatalf("New(%d, %d) = %s (exponent %d), want %s (exponent %d)", c, exp, got, got.Exponent(), want, want.Exponent())
			}
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = New(1023, 0); _ = New(16383, -2) }); n != 0 {
		t.Errorf("New(1023, 0) and New(16383, -2) made %v objects", n)
	}
	pct := New(1234, -2)
	_ = pct.Add(New(1, -2)).Round(1)
	if pct.String() != "12.34" || New(1234, -2).Exponent() != -2 {
		t.Errorf("a shared 12.34 became %s", New(1234, -2))
	}
	five := New(5, 0)
	_ = five.Add(New(1, 0)).Mul(New(3, 0)).Neg().Round(-1)
	_ = five.Shift(2)
	if New(5, 0).String() != "5" || five.String() != "5" {
		t.Errorf("a shared 5 became %s", New(5, 0))
	}
}
