package dectext

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"
)

// String agrees with decimal.String on edge cases and on a million random
// decimals of every size and scale, the fast path and the slow one.
func TestStringAgrees(t *testing.T) {
	cases := []string{"0", "-0", "0.000", "1", "-1", "10", "100.00", "0.5", "-0.05", "12.3400", "-12.3400",
		"123456789012345678", "-123456789012345678", "1234567890123456789", "99999999999999999999999.99",
		"0.000000000000000001", "1e5", "-1.5e3", "1e-30", "1e40", "1e41", "1e-41", "9223372036854775807",
		"-9223372036854775808", "0.1000000000000000000", "100200", "3.14159265358979323846"}
	for _, s := range cases {
		d := decimal.RequireFromString(s)
		if got, want := String(d), d.String(); got != want {
			t.Errorf("%s: %q, want %q", s, got, want)
		}
		if got, want := string(Append([]byte("x"), d)), "x"+d.String(); got != want {
			t.Errorf("Append %s: %q, want %q", s, got, want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 1_000_000 {
		var c int64
		switch r.IntN(3) {
		case 0:
			c = r.Int64N(1000)
		case 1:
			c = r.Int64N(1_000_000_000)
		default:
			c = r.Int64()
		}
		if r.IntN(2) == 0 {
			c = -c
		}
		d := decimal.New(c, int32(r.IntN(50)-25))
		if got, want := String(d), d.String(); got != want {
			t.Fatalf("%d e %d: %q, want %q", c, d.Exponent(), got, want)
		}
		if got, want := string(Append(nil, d)), d.String(); got != want {
			t.Fatalf("Append %d e %d: %q, want %q", c, d.Exponent(), got, want)
		}
	}
}

func BenchmarkString(b *testing.B) {
	ds := make([]decimal.Decimal, 1000)
	for i := range ds {
		ds[i] = decimal.RequireFromString(strconv.Itoa(i*37) + "." + strconv.Itoa(i%100))
	}
	b.Run("dectext", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			_ = String(ds[i%len(ds)])
		}
	})
	b.Run("decimal", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			_ = ds[i%len(ds)].String()
		}
	})
}
