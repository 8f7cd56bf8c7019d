package formula

import (
	"math/rand/v2"
	"testing"

	"github.com/nianbao/nianbao/report"
	"github.com/shopspring/decimal"
)

// columnsEnv answers Column with its columns, by field.
type columnsEnv map[string][]report.Value

func (e columnsEnv) Cell(Ref, Ctx) report.Value  { return report.Value{} }
func (e columnsEnv) Column(r Ref) []report.Value { return e[r.Field] }

// TestIfsPlain: countifs and sumifs give exactly — coefficient and
// exponent — decimal.Zero with each row matched counted or added in turn.
func TestIfsPlain(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 11))
	pickNum := func() report.Value {
		switch r.IntN(10) {
		case 0:
			return report.Value{}
		case 1:
			return report.Str("3")
		case 2:
			return report.Num(decimal.New(r.Int64N(50), int32(1+r.IntN(3)))) // exponents above 1
		case 3:
			return report.Num(decimal.RequireFromString("123456789012345678901234.5"))
		}
		return report.Num(decimal.New(r.Int64N(2000)-1000, int32(-r.IntN(3))))
	}
	pickKey := func() report.Value {
		return []report.Value{{}, report.Str("上学年"), report.Str("本学年"), report.Int(2)}[r.IntN(4)]
	}
	ref := func(f string) Node { return &RefNode{Ref: Ref{Sheet: "s", Field: f, Row: RowAll}} }
	for i := 0; i < 20000; i++ {
		n := r.IntN(25)
		env := columnsEnv{"n": make([]report.Value, n), "k": make([]report.Value, n), "j": make([]report.Value, n)}
		for row := 0; row < n; row++ {
			env["n"][row], env["k"][row], env["j"][row] = pickNum(), pickKey(), pickKey()
		}
		crit := []Node{ref("k"), StrLit{Val: "本学年"}}
		if r.IntN(2) == 0 {
			crit = append(crit, ref("j"), Lit{Val: decimal.NewFromInt(2)})
		}
		for _, fn := range []string{"countifs", "sumifs"} {
			c := &Call{Fn: fn, Args: crit}
			if fn == "sumifs" {
				c.Args = append([]Node{ref("n")}, crit...)
			}
			got := ifsFn(c, env, Ctx{})
			// as decimal adds them
			want := val{}
			col := env.Column(c.Args[0].(*RefNode).Ref)
			first := 0
			if fn == "sumifs" {
				first = 1
			}
			filled := false
			for _, v := range env.Column(c.Args[first].(*RefNode).Ref) {
				filled = filled || !v.IsEmpty()
			}
			if filled {
				total := decimal.Zero
				for row := range col {
					ok := true
					for a := first; a+1 < len(c.Args); a += 2 {
						cc := env.Column(c.Args[a].(*RefNode).Ref)
						if row >= len(cc) || !matches(fromReport(cc[row]), eval(c.Args[a+1], env, Ctx{})) {
							ok = false
						}
					}
					if !ok {
						continue
					}
					if fn == "countifs" {
						total = total.Add(decimal.NewFromInt(1))
					} else if col[row].Kind == report.Number {
						total = total.Add(col[row].Num)
					}
				}
				want = val{k: vNum, n: total}
			}
			if got.k != want.k || got.n.Exponent() != want.n.Exponent() || got.n.Cmp(want.n) != 0 {
				t.Fatalf("%s over %v: %v×10^%d, want %v×10^%d", fn, env, got.n.Coefficient(), got.n.Exponent(),
					want.n.Coefficient(), want.n.Exponent())
			}
		}
	}
}
