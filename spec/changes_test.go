package spec

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestSplitParts(t *testing.T) {
	shares := func(ss ...string) []Number {
		var out []Number
		for _, s := range ss {
			out = append(out, Number{decimal.RequireFromString(s)})
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		sp     SplitRow
		v      string
		places int
		want   []string // "" for an empty row
	}{
		{name: "first", sp: SplitRow{Into: []string{"a", "b"}, Rule: SplitFirst}, v: "12.5", places: 2, want: []string{"12.5", ""}},
		{name: "halves of an odd count", sp: SplitRow{Into: []string{"a", "b"}, Rule: SplitShares, Shares: shares("50", "50")}, v: "101", want: []string{"51", "50"}},
		{name: "largest remainder", sp: SplitRow{Into: []string{"a", "b", "c"}, Rule: SplitShares, Shares: shares("33.3", "33.3", "33.4")}, v: "10", want: []string{"3", "3", "4"}},
		{name: "never negative", sp: SplitRow{Into: []string{"a", "b", "c", "d", "e", "f"}, Rule: SplitShares, Shares: shares("17", "17", "17", "17", "17", "15")}, v: "3", want: []string{"1", "1", "1", "0", "0", "0"}},
		{name: "decimals", sp: SplitRow{Into: []string{"a", "b"}, Rule: SplitShares, Shares: shares("70", "30")}, v: "10.01", places: 2, want: []string{"7.01", "3"}},
		{name: "more decimals than the rows", sp: SplitRow{Into: []string{"a", "b"}, Rule: SplitShares, Shares: shares("50", "50")}, v: "0.125", places: 2, want: []string{"0.063", "0.062"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := decimal.RequireFromString(tc.v)
			got := tc.sp.SplitParts(v, tc.places)
			sum := decimal.Zero
			for i, p := range got {
				s := ""
				if p != nil {
					s = p.String()
					sum = sum.Add(*p)
				}
				if s != tc.want[i] {
					t.Errorf("part %d = %q, want %q", i, s, tc.want[i])
				}
			}
			if !sum.Equal(v) {
				t.Errorf("parts add up to %s, not %s", sum, v)
			}
		})
	}
}
