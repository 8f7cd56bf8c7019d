package sample

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

// BaseYear is the first school year samples are made for: every later year
// is stepped forward from it, one year at a time, so that a year's corpus
// agrees with the one before whichever is made first. It is SchoolYear, so
// a corpus made without a year is what it always was.
const BaseYear = SchoolYear

// MaxSteps is how many years after BaseYear samples can be made for.
const MaxSteps = 30

// baseFirst is BaseYear's first calendar year.
const baseFirst = 2025

// yearText writes the 学年 that starts in a calendar year: 2026 → 2026-2027.
func yearText(first int) string { return fmt.Sprintf("%04d-%04d", first, first+1) }

// YearSteps says how many years after BaseYear a 学年 (YYYY-YYYY) is, or
// why no sample can be made for it.
func YearSteps(year string) (int, error) {
	prev, ok := report.PreviousYear(year)
	if !ok {
		return 0, fmt.Errorf("学年 %q 写法不对：应写作 YYYY-YYYY，后一年比前一年大 1，如 %s", year, yearText(baseFirst+1))
	}
	var first int
	fmt.Sscanf(prev[5:], "%d", &first) // the 学年 after prev starts where prev ends
	switch steps := first - baseFirst; {
	case steps < 0:
		return 0, fmt.Errorf("不能生成 %s 学年的样例：样例从 %s 学年起逐年推算，最早为 %s 学年", year, BaseYear, BaseYear)
	case steps > MaxSteps:
		return 0, fmt.Errorf("不能生成 %s 学年的样例：最晚为 %s 学年（%s 学年之后 %d 年）", year, yearText(baseFirst+MaxSteps), BaseYear, MaxSteps)
	default:
		return steps, nil
	}
}

// CrossYearDiff is a cell where a school's 上学年 differs from the 本学年
// of the same row in its file of the year before, both as the files hold
// them: a slip (Cause CrossYear) or another mistake in the 上学年 column
// (Cause its kind).
type CrossYearDiff struct {
	Sheet string `json:"sheet"` // sheet name
	Cell  string `json:"cell"`  // A1 address of the 上学年 cell
	Key   string `json:"key"`   // e.g. students.enrolled.prev
	Prior string `json:"prior"` // last year's 本学年, as its file holds it
	Value string `json:"value"` // this year's 上学年, as this file holds it
	Cause string `json:"cause"` // the kind of the mistake at the cell (CrossYear for a slip)
}

// yearFile is one school's workbook of one year as the corpus writes it.
type yearFile struct {
	s        *School
	raw      []workbook.RawCell
	mistakes []Mistake
	// written are the inputs as the file holds them (text typed for a
	// number as that number).
	written *report.Book
}

// stepSeed is the seed a year's mistakes are dealt from: the seed itself in
// BaseYear.
func stepSeed(seed uint64, steps int) uint64 {
	return seed ^ uint64(steps)*0x9e3779b97f4a7c15
}

// dealYears deals the mistakes of every year from BaseYear to steps after
// it: deals[k][i] are the kinds of school i in year k.
func dealYears(n, total int, seed uint64, steps int) [][][]string {
	deals := make([][][]string, steps+1)
	for k := range deals {
		deals[k] = dealMistakes(n, total, stepSeed(seed, k))
	}
	return deals
}

// schoolYears makes school i's files from BaseYear to the year steps after
// it and returns the last (cur) and the one before (prior, nil in
// BaseYear): each year's 上学年 copies the year before as written.
func schoolYears(p *formula.Program, seed uint64, i, steps int, deals [][][]string) (cur, prior *yearFile, err error) {
	s, err := Generate(p, seed, i)
	if err != nil {
		return nil, nil, err
	}
	for k := 0; k <= steps; k++ {
		if k > 0 {
			if s, err = NextYear(p, seed, s); err != nil {
				return nil, nil, err
			}
		}
		prior = cur
		if cur, err = fillYear(p, seed, k, s, deals[k][i], prior); err != nil {
			return nil, nil, err
		}
	}
	return cur, prior, nil
}

// fillYear adds a year's mistakes to a school: last year's 本学年 mistakes
// copied (Inherited), a few slips in copying (CrossYear, in about one school
// in twenty), then the kinds dealt to it.
func fillYear(p *formula.Program, seed uint64, steps int, s *School, kinds []string, prior *yearFile) (*yearFile, error) {
	year := uint64(steps) << 40 // 0 in BaseYear
	in := newInjector(p, s, rand.New(rand.NewPCG(seed, uint64(s.Index)^0x696e6a656374^year)))
	if prior != nil {
		in.inherit(prior)
		in.slips(prior, rand.New(rand.NewPCG(seed, uint64(s.Index)^0x736c6970^year)))
	}
	if err := in.inject(kinds); err != nil {
		return nil, err
	}
	if in.out == nil {
		in.out = []Mistake{}
	}
	return &yearFile{s: s, raw: in.raw, mistakes: in.out, written: in.reported}, nil
}

// priorRows calls fn for every input row of the indicator sheets: the rows
// whose 上学年 is last year's 本学年.
func priorRows(p *formula.Program, fn func(sh *spec.Sheet, j int, f *spec.Field)) {
	for k := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[k]
		if sh.Kind != spec.KindIndicator {
			continue
		}
		for j := range sh.Rows {
			if f := &sh.Rows[j]; f.Input() {
				fn(sh, j, f)
			}
		}
	}
}

func prevTarget(sheet, field string) target {
	return target{sheet, report.Key{Field: field, Col: spec.ColPrev}, -1}
}

// inherit writes last year's 本学年 as its file holds it into this year's
// 上学年 where it differs from the right value: a mistake of last year's,
// caught by the same check in this year's 上学年 column.
func (in *injector) inherit(prior *yearFile) {
	priorRows(in.p, func(sh *spec.Sheet, _ int, f *spec.Field) {
		t := prevTarget(sh.Key, f.Key)
		right, written := t.get(in.reported), prior.written.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColCur})
		if right.Equal(written) || written.Kind != report.Number {
			return
		}
		expect, rule := ExpectError, ""
		curKey := report.ColAddr(sh.Key, f.Key, spec.ColCur).String()
		for _, m := range prior.mistakes {
			if m.Key == curKey {
				expect, rule = m.Expect, m.Rule
			}
		}
		if r, ok := strings.CutSuffix(rule, "_"+spec.ColCur); ok {
			rule = r + "_" + spec.ColPrev
		}
		t.set(in.reported, written)
		in.groups[rule+"/"+spec.ColPrev] = true
		in.add(Inherited, expect, rule, t, right.String(), written.String(), written.Num)
	})
}

// slips makes one or two slips in copying last year's 本学年 into this
// year's 上学年, in about one school in twenty (r decides).
func (in *injector) slips(prior *yearFile, r *rand.Rand) {
	if r.IntN(20) != 0 {
		return
	}
	want := 1 + r.IntN(2)
	type cand struct {
		sh *spec.Sheet
		j  int
		f  *spec.Field
	}
	var cs []cand
	priorRows(in.p, func(sh *spec.Sheet, j int, f *spec.Field) {
		if f.Numeric() && f.Type != spec.TypeYear {
			cs = append(cs, cand{sh, j, f})
		}
	})
	slips := []string{SlipTransposed, SlipTenfold, SlipPrevCopied, SlipNeighbour}
	for _, c := range r.Perm(len(cs)) {
		if want == 0 {
			return
		}
		sh, f := cs[c].sh, cs[c].f
		t := prevTarget(sh.Key, f.Key)
		x := t.get(in.reported)
		if x.Kind != report.Number || in.cells[t.String()] {
			continue
		}
		for _, k := range r.Perm(len(slips)) {
			y, ok := in.slip(slips[k], x.Num, sh, cs[c].j, prior, r)
			if !ok || y.Equal(x.Num) || y.Sign() < 0 || (f.Type == spec.TypePercent && y.GreaterThan(decimal.NewFromInt(100))) {
				continue
			}
			t.set(in.reported, report.Num(y))
			in.add(CrossYear, ExpectWarning, RuleCrossYear, t, x.String(), y.String(), y)
			in.out[len(in.out)-1].Slip = slips[k]
			want--
			break
		}
	}
}

// slip is what a clerk types for x, last year's 本学年 of row j of sh.
func (in *injector) slip(kind string, x decimal.Decimal, sh *spec.Sheet, j int, prior *yearFile, r *rand.Rand) (decimal.Decimal, bool) {
	f := sh.Rows[j]
	switch kind {
	case SlipTransposed:
		s := []byte(x.String())
		var at []int
		for i := 0; i+1 < len(s); i++ {
			if isDigit(s[i]) && isDigit(s[i+1]) && s[i] != s[i+1] && !(i == 0 && s[i+1] == '0') {
				at = append(at, i)
			}
		}
		if len(at) == 0 {
			return x, false
		}
		i := at[r.IntN(len(at))]
		s[i], s[i+1] = s[i+1], s[i]
		y, err := decimal.NewFromString(string(s))
		return y, err == nil
	case SlipTenfold:
		return x.Mul(decimal.NewFromInt(10)), true
	case SlipPrevCopied:
		v := prior.written.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColPrev})
		return v.Num, v.Kind == report.Number
	case SlipNeighbour:
		for _, d := range r.Perm(2) {
			k := j - 1 + 2*d
			if k < 0 || k >= len(sh.Rows) || !sh.Rows[k].Input() || sh.Rows[k].Type != f.Type {
				continue
			}
			if v := prior.written.Get(sh.Key, report.Key{Field: sh.Rows[k].Key, Col: spec.ColCur}); v.Kind == report.Number && !v.Num.Equal(x) {
				return v.Num, true
			}
		}
	}
	return x, false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// crossYearDiffs compares this year's 上学年 with last year's 本学年, as
// the two files hold them, at every input row of the indicator sheets, and
// names the mistake behind each difference.
func crossYearDiffs(p *formula.Program, cur, prior *yearFile) ([]CrossYearDiff, error) {
	var out []CrossYearDiff
	var err error
	priorRows(p, func(sh *spec.Sheet, _ int, f *spec.Field) {
		k := report.Key{Field: f.Key, Col: spec.ColPrev}
		now := cur.written.Get(sh.Key, k)
		was := prior.written.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColCur})
		if err != nil || now.Equal(was) {
			return
		}
		name, cell, e := layout.CellOf(p, 0, sh.Key, k, 0)
		if e != nil {
			err = e
			return
		}
		key := report.ColAddr(sh.Key, f.Key, spec.ColPrev).String()
		i := slices.IndexFunc(cur.mistakes, func(m Mistake) bool { return m.Key == key })
		if i < 0 {
			err = fmt.Errorf("%s %s!%s：上学年 %s 与上一学年 %s 的本学年 %s 不同，却没有记下原因", FileName(cur.s), name, cell, now, FileName(prior.s), was)
			return
		}
		out = append(out, CrossYearDiff{Sheet: name, Cell: cell, Key: key, Prior: was.String(), Value: now.String(), Cause: cur.mistakes[i].Kind})
	})
	return out, err
}
