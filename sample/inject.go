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

// Kinds of mistake, as real reports contain them.
const (
	PartSum       = "part_sum"       // a part changed: the parts no longer add up to the whole
	Rate          = "rate"           // a rate typed over its formula that does not match its counts
	CrossTable    = "cross_table"    // a figure that no longer matches the same figure on another sheet
	UnitSlip      = "unit_slip"      // 元 typed into a 万元 cell (×10000), or 万元 into a 元 cell (÷10000)
	TruncatedPct  = "truncated_pct"  // a percentage typed over its formula, cut off instead of rounded
	PastedFormula = "pasted_formula" // a computed cell pasted over with its value: right now, frozen later
	TextNumber    = "text_number"    // a number stored as text
	FullWidth     = "fullwidth"      // full-width digits typed with a Chinese input method (１２３．５)
	Thousands     = "thousands"      // a number typed as text with thousands separators (1,883)
	UnitTyped     = "unit_typed"     // the unit typed into the cell (1883人)
)

// Kinds of mistake that only a year after BaseYear has: they are not dealt
// out by Inject, and not in Kinds().
const (
	// CrossYear is a slip in copying last year's 本学年 into this year's
	// 上学年 (Mistake.Slip says which): the cell differs from last year's file.
	CrossYear = "cross_year"
	// Inherited is last year's 本学年 mistake copied as it was written into
	// this year's 上学年: equal to last year's file, caught by this year's
	// checks of the 上学年 column.
	Inherited = "inherited"
)

// Slips a clerk makes copying last year's 本学年 (Mistake.Slip of CrossYear).
const (
	SlipTransposed = "transposed"  // two neighbouring digits swapped (1883 → 1838)
	SlipTenfold    = "tenfold"     // a digit too many: ten times the value
	SlipPrevCopied = "prev_copied" // last year's 上学年 copied instead of its 本学年
	SlipNeighbour  = "neighbour"   // the value of the row above or below
)

// allKinds is every kind of mistake, in the order they are dealt out.
var allKinds = []string{PartSum, Rate, CrossTable, UnitSlip, TruncatedPct, PastedFormula, TextNumber, FullWidth, Thousands, UnitTyped}

// Kinds lists every kind of mistake, in the order they are dealt out.
func Kinds() []string { return slices.Clone(allKinds) }

// What the validator is expected to say of a mistake.
const (
	ExpectError   = spec.SeverityError
	ExpectWarning = spec.SeverityWarning
	ExpectInfo    = "info"
)

// Rules a mistake is caught by when it is not one of the spec's checks.
const (
	RuleComputed    = "computed"    // a computed cell that differs from its recomputed value
	RuleOverwritten = "overwritten" // a computed cell whose formula was replaced by its value
	RuleNormalised  = "normalised"  // a value read after normalising what was typed
	// RuleCrossYear is the comparison of this year's 上学年 with last
	// year's 本学年 of the school (report.PriorYear).
	RuleCrossYear = "cross_year"
)

// Mistake is one injected mistake: the ground truth a validator is measured by.
type Mistake struct {
	Sheet string `json:"sheet"` // sheet name
	Cell  string `json:"cell"`  // A1 address
	Key   string `json:"key"`   // e.g. students.male.cur, majors[2].cur_students
	Kind  string `json:"kind"`
	// Expect is the severity the validator should give: error, warning or info.
	Expect string `json:"expect"`
	// Rule is the check that should report it (a spec check id, or computed,
	// overwritten, normalised).
	Rule     string `json:"rule"`
	Original string `json:"original"`       // the right value ("" for an empty computed cell); of CrossYear, last year's 本学年
	Injected string `json:"injected"`       // what the cell holds instead
	Slip     string `json:"slip,omitempty"` // of CrossYear: which slip (SlipTransposed, …)
}

// target is one cell of the report.
type target struct {
	sheet string
	key   report.Key // list data cells: Col ""
	row   int        // list data row; -1 otherwise
}

func (t target) String() string {
	if t.row >= 0 {
		return report.RowAddr(t.sheet, t.row, t.key.Field).String()
	}
	return report.ColAddr(t.sheet, t.key.Field, t.key.Col).String()
}

func (t target) get(b *report.Book) report.Value {
	if t.row >= 0 {
		rows := b.Rows(t.sheet)
		if t.row >= len(rows) {
			return report.Value{}
		}
		return rows[t.row][t.key.Field]
	}
	return b.Get(t.sheet, t.key)
}

func (t target) set(b *report.Book, v report.Value) {
	if t.row >= 0 {
		b.Rows(t.sheet)[t.row][t.key.Field] = v
		return
	}
	b.Set(t.sheet, t.key, v)
}

// injector adds mistakes to one school's workbook.
type injector struct {
	p        *formula.Program
	r        *rand.Rand
	reported *report.Book // the inputs as the school reports them, changed values included
	raw      []workbook.RawCell
	out      []Mistake
	cells    map[string]bool // targets already used
	groups   map[string]bool // checks already broken (two mistakes under one check could cancel out)
}

// Inject adds one mistake of each of the kinds (a kind may repeat) to a
// school and returns the raw cells to write over its workbook and the
// mistakes, in the order asked. A kind that finds no place left (e.g. no
// percentage whose truncation differs from its rounding) is replaced by the
// next kind of Kinds() that does. The school's book is not changed.
func Inject(p *formula.Program, s *School, asked []string, r *rand.Rand) ([]workbook.RawCell, []Mistake, error) {
	in := newInjector(p, s, r)
	if err := in.inject(asked); err != nil {
		return nil, nil, err
	}
	return in.raw, in.out, nil
}

func newInjector(p *formula.Program, s *School, r *rand.Rand) *injector {
	return &injector{p: p, r: r, reported: s.Book.Clone(), cells: map[string]bool{}, groups: map[string]bool{}}
}

// inject adds the asked mistakes (see Inject) after any already added.
func (in *injector) inject(asked []string) error {
	// Values are changed first; computed cells and typed text then follow from
	// the values as reported.
	order := slices.Clone(asked)
	phase := func(k string) int {
		switch k {
		case PartSum, CrossTable, UnitSlip:
			return 0
		case Rate, TruncatedPct, PastedFormula:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(order, func(a, b string) int { return phase(a) - phase(b) })
	for _, kind := range order {
		if !slices.Contains(allKinds, kind) {
			return fmt.Errorf("没有这种错误类型：%q（可选：%s）", kind, strings.Join(allKinds, ", "))
		}
		done := false
		start := slices.Index(allKinds, kind)
		for k := 0; k < len(allKinds) && !done; k++ {
			var err error
			done, err = in.one(allKinds[(start+k)%len(allKinds)])
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func (in *injector) one(kind string) (bool, error) {
	switch kind {
	case PartSum:
		return in.changeValue(kind, ExpectError, []change{
			{"students", "male", "students.gender_sum", plus(1, 20)},
			{"students", "five_year", "students.program_sum", plus(1, 20)},
			{"cooperation", "county", "cooperation.placements_sum", plus(1, 5)},
			{"finance", "nonfiscal", "finance.income_sum", plusMoney(1, 300)},
			{"destinations", "further_gaokao", "destinations.further_parts_sum", plus(1, 10)},
		})
	case CrossTable:
		return in.changeValue(kind, ExpectError, []change{
			{"teachers", "specialty", "major_teachers.total_", func(in *injector, t target, v decimal.Decimal) (decimal.Decimal, bool) {
				full := in.reported.Get("teachers", report.Key{Field: "fulltime", Col: t.key.Col}).Num
				room := full.Sub(v).IntPart()
				if room < 1 {
					return v, false
				}
				return v.Add(decimal.NewFromInt(int64(in.between(1, int(min(room, 10)))))), true
			}},
			{"destinations", "graduates", "destinations.graduates_eq", plus(1, 15)},
			{"admissions", "cur_enrolled", "admissions.total_cur", plus(1, 15)},
			{"majors", "prev_students", "majors.total_prev", plus(1, 30)},
		})
	case UnitSlip:
		return in.changeValue(kind, "", []change{
			{"aid", "grant_amount", "aid.grant_average", times(decimal.NewFromInt(10000))},
			{"finance", "fiscal", "finance.income_sum", times(decimal.NewFromInt(10000))},
			{"salary", "average", "salary.average_low", func(_ *injector, _ target, v decimal.Decimal) (decimal.Decimal, bool) {
				return v.Shift(-4).Round(2), true
			}},
		})
	case Rate, TruncatedPct, PastedFormula:
		return in.computed(kind), nil
	}
	return in.typed(kind), nil
}

func (in *injector) between(lo, hi int) int { return lo + in.r.IntN(hi-lo+1) }

// change alters one input value so that a check fails.
type change struct {
	sheet, field string
	// rule is the check that catches it; a trailing "_" takes the year (prev, cur).
	rule string
	by   func(in *injector, t target, v decimal.Decimal) (decimal.Decimal, bool)
}

func plus(lo, hi int) func(*injector, target, decimal.Decimal) (decimal.Decimal, bool) {
	return func(in *injector, _ target, v decimal.Decimal) (decimal.Decimal, bool) {
		return v.Add(decimal.NewFromInt(int64(in.between(lo, hi)))), true
	}
}

func plusMoney(lo, hi int) func(*injector, target, decimal.Decimal) (decimal.Decimal, bool) {
	return func(in *injector, _ target, v decimal.Decimal) (decimal.Decimal, bool) {
		return v.Add(decimal.NewFromInt(int64(in.between(lo*100, hi*100))).Shift(-2)), true
	}
}

func times(f decimal.Decimal) func(*injector, target, decimal.Decimal) (decimal.Decimal, bool) {
	return func(_ *injector, _ target, v decimal.Decimal) (decimal.Decimal, bool) { return v.Mul(f), true }
}

// changeValue applies one of the changes, on a year (indicator) or a row
// (list) drawn at random, to a cell and a check not used yet.
func (in *injector) changeValue(kind, expect string, changes []change) (bool, error) {
	for _, j := range in.r.Perm(len(changes)) {
		c := changes[j]
		sh := in.p.Spec.Sheet(c.sheet)
		if sh == nil || sh.Field(c.field) == nil {
			return false, fmt.Errorf("内置规格中没有 %s.%s", c.sheet, c.field)
		}
		var t target
		rule := c.rule
		if sh.Kind == spec.KindList {
			rows := in.reported.Rows(c.sheet)
			if len(rows) == 0 {
				continue
			}
			t = target{c.sheet, report.Key{Field: c.field}, in.r.IntN(len(rows))}
		} else {
			t = target{c.sheet, report.Key{Field: c.field, Col: years[in.r.IntN(2)]}, -1}
			if strings.HasSuffix(rule, "_") {
				rule += t.key.Col
			}
		}
		group := rule + "/" + t.key.Col
		if in.cells[t.String()] || in.groups[group] {
			continue
		}
		v := t.get(in.reported)
		if v.Kind != report.Number {
			continue
		}
		nv, ok := c.by(in, t, v.Num)
		if !ok {
			continue
		}
		sev := expect
		if sev == "" {
			sev = severityOf(in.p, rule)
		}
		t.set(in.reported, report.Num(nv))
		in.groups[group] = true
		in.add(kind, sev, rule, t, v.Num.String(), nv.String(), nv)
		return true, nil
	}
	return false, nil
}

func severityOf(p *formula.Program, rule string) string {
	for _, sh := range p.Spec.Sheets {
		for _, c := range sh.Checks {
			if c.ID == rule {
				return c.Severity
			}
		}
	}
	return ExpectError
}

// add records a mistake and the raw cell that makes it.
func (in *injector) add(kind, expect, rule string, t target, original, injected string, value any) {
	key := t.key
	row := t.row
	if row < 0 {
		row = 0
	}
	name, cell, err := layout.CellOf(in.p, 0, t.sheet, key, row)
	if err != nil {
		panic(err) // targets come from the spec's own fields
	}
	in.cells[t.String()] = true
	in.raw = append(in.raw, workbook.RawCell{Sheet: name, Cell: cell, Value: value})
	in.out = append(in.out, Mistake{Sheet: name, Cell: cell, Key: t.String(), Kind: kind, Expect: expect, Rule: rule, Original: original, Injected: injected})
}

// computedTargets lists the computed cells that hold a value: derived rows
// and 本学年为上学年(%) of indicator sheets, derived cells of list rows, and
// the 合计 cells of lists.
func (in *injector) computedTargets(percentOnly bool) []target {
	var out []target
	for _, sh := range in.p.Spec.Sheets {
		switch sh.Kind {
		case spec.KindIndicator:
			for _, f := range sh.Rows {
				for _, col := range []string{spec.ColPrev, spec.ColCur, spec.ColPct} {
					switch {
					case col == spec.ColPct && (f.NoCompare || !f.Numeric()):
					case col != spec.ColPct && f.Derived == nil:
					case percentOnly && col != spec.ColPct && f.Type != spec.TypePercent:
					default:
						out = append(out, target{sh.Key, report.Key{Field: f.Key, Col: col}, -1})
					}
				}
			}
		case spec.KindList:
			for _, f := range sh.Columns {
				if f.Derived == nil || (percentOnly && f.Type != spec.TypePercent) {
					continue
				}
				for r := range in.reported.Rows(sh.Key) {
					out = append(out, target{sh.Key, report.Key{Field: f.Key}, r})
				}
			}
			if !percentOnly {
				for _, f := range sh.Columns {
					if f.TotalKind() == "sum" {
						out = append(out, target{sh.Key, report.Key{Field: f.Key, Col: report.TotalCol}, -1})
					}
				}
			}
		}
	}
	return out
}

// exact is a computed cell's value before rounding, in env (over the
// reported inputs).
func (in *injector) exact(env formula.Env, t target) report.Value {
	sh := in.p.Spec.Sheet(t.sheet)
	f := sh.Field(t.key.Field)
	switch {
	case t.key.Col == spec.ColPct:
		cur := env.Cell(formula.Ref{Sheet: t.sheet, Field: f.Key, Col: spec.ColCur}, formula.Ctx{})
		prev := env.Cell(formula.Ref{Sheet: t.sheet, Field: f.Key, Col: spec.ColPrev}, formula.Ctx{})
		if cur.Kind != report.Number || prev.Kind != report.Number || prev.Num.IsZero() {
			return report.Value{}
		}
		return report.Num(formula.Div(cur.Num.Mul(decimal.NewFromInt(100)), prev.Num))
	case t.row >= 0:
		return in.p.Expr(f.Derived).Eval(env, formula.RowCtx(t.row))
	}
	return in.p.Expr(f.Derived).Eval(env, formula.Ctx{Year: t.key.Col, YearLabel: yearLabel(in.p, t.key.Col)})
}

func yearLabel(p *formula.Program, col string) string {
	if col == spec.ColPrev {
		return p.Spec.Columns.Prev
	}
	return p.Spec.Columns.Cur
}

// computed types a value over a computed cell: a wrong rate, a truncated
// percentage, or the right value pasted over the formula.
func (in *injector) computed(kind string) bool {
	ts := in.computedTargets(kind != PastedFormula)
	computed, env := in.p.ComputeEnv(in.reported) // what the workbook computes
	for _, j := range in.r.Perm(len(ts)) {
		t := ts[j]
		if in.cells[t.String()] {
			continue
		}
		v := t.get(computed)
		if v.Kind != report.Number {
			continue
		}
		switch kind {
		case PastedFormula:
			in.add(kind, ExpectInfo, RuleOverwritten, t, v.String(), v.String(), v.Num)
			return true
		case Rate:
			wrong := v.Num.Add(decimal.NewFromInt(int64(in.between(100, 800))).Shift(-2))
			if v.Num.GreaterThan(decimal.NewFromInt(50)) {
				wrong = v.Num.Sub(decimal.NewFromInt(int64(in.between(100, 800))).Shift(-2))
			}
			in.add(kind, ExpectError, RuleComputed, t, v.String(), wrong.String(), wrong)
			return true
		case TruncatedPct:
			x := in.exact(env, t)
			places := int32(formula.PctPlaces)
			if t.key.Col != spec.ColPct {
				places = int32(in.p.Spec.Sheet(t.sheet).Field(t.key.Field).Places())
			}
			if x.Kind != report.Number || x.Num.Truncate(places).Equal(x.Num.Round(places)) {
				continue
			}
			cut := x.Num.Truncate(places)
			if cut.Shift(places).Mod(decimal.NewFromInt(10)).IsZero() {
				continue // 88.70 is stored as 88.7: one decimal, which 88.705 rounds to
			}
			in.add(kind, ExpectWarning, RuleComputed, t, v.String(), cut.String(), cut)
			return true
		}
	}
	return false
}

// units a person types after a number that the reader recognises.
var typedUnits = []string{"人", "人次", "万元", "个", "间", "册", "次", "项", "场次", "小时", "平方米"}

// typed writes an input number as a person types it into a text cell.
func (in *injector) typed(kind string) bool {
	var ts []target
	for _, sh := range in.p.Spec.Sheets {
		for _, f := range sh.Fields() {
			if !f.Input() || !f.Numeric() || f.Type == spec.TypeYear {
				continue
			}
			switch sh.Kind {
			case spec.KindIndicator:
				for _, col := range years {
					ts = append(ts, target{sh.Key, report.Key{Field: f.Key, Col: col}, -1})
				}
			case spec.KindList:
				for r := range in.reported.Rows(sh.Key) {
					ts = append(ts, target{sh.Key, report.Key{Field: f.Key}, r})
				}
			}
		}
	}
	for _, j := range in.r.Perm(len(ts)) {
		t := ts[j]
		v := t.get(in.reported)
		if in.cells[t.String()] || v.Kind != report.Number {
			continue
		}
		f := in.p.Spec.Sheet(t.sheet).Field(t.key.Field)
		s := v.Num.StringFixed(int32(min(f.Places(), max(0, -int(v.Num.Exponent())))))
		switch kind {
		case TextNumber:
		case FullWidth:
			s = fullWidth(s)
		case Thousands:
			if v.Num.Abs().LessThan(decimal.NewFromInt(1000)) {
				continue
			}
			s = report.GroupThousands(s)
		case UnitTyped:
			if !slices.Contains(typedUnits, f.Unit) {
				continue
			}
			s += f.Unit
		}
		in.add(kind, ExpectInfo, RuleNormalised, t, v.String(), s, s)
		return true
	}
	return false
}

func fullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r - '0' + '０')
		case r == '.':
			b.WriteRune('．')
		case r == '-':
			b.WriteRune('－')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
