package cellvalue

import (
	"fmt"
	"math"
	"math/rand"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

func field(typ, unit string) *spec.Field {
	return &spec.Field{Key: "k", Label: "l", Type: typ, Unit: unit}
}

func TestRead(t *testing.T) {
	count := field(spec.TypeInteger, "人")
	amount := field(spec.TypeDecimal, "万元")
	pct := field(spec.TypePercent, "%")
	cases := []struct {
		name  string
		cell  Cell
		f     *spec.Field
		want  string // value as text, "" = empty
		notes string // note kinds, comma-separated
		err   string // part of the error, "" = none
	}{
		// hostile or absurd numbers: an error at the cell, never a silently wrong value
		{"count typed 3-4 turned into a date", Cell{Raw: "45355", Numeric: true, Date: true}, count, "", "", "日期格式（显示为 2024-03-04）"},
		{"inner space between numbers", Cell{Raw: "100 200"}, count, "", "", "数字中间有空格"},
		{"inner full-width space", Cell{Raw: "100\u3000200"}, count, "", "", "数字中间有空格"},
		{"space before a unit is fine", Cell{Raw: "1883 人"}, count, "1883", "unit,text_number", ""},
		{"1e400 as text", Cell{Raw: "1e400"}, amount, "", "", "大得不合常理"},
		{"1e400 as a stored number", Cell{Raw: "1e400", Numeric: true}, amount, "", "", "不是数字"},
		{"1e300 stored", Cell{Raw: "1E+300", Numeric: true}, amount, "", "", "大得不合常理"},
		{"2^70 stored", Cell{Raw: "1180591620717411303424", Numeric: true}, count, "", "", "大得不合常理"},
		{"a trillion", Cell{Raw: "1000000000000"}, count, "", "", "大得不合常理"},
		{"just below a trillion", Cell{Raw: "999999999999"}, count, "999999999999", "text_number", ""},
		{"negative trillion", Cell{Raw: "-1e12"}, amount, "", "", "大得不合常理"},
		{"400 digits", Cell{Raw: strings.Repeat("9", 400)}, count, "", "", "数字过长"},
		{"underscore digits stored", Cell{Raw: "3_62", Numeric: true}, count, "", "", "不是数字"},
		{"underscore digits typed", Cell{Raw: "3_62"}, count, "", "", "不是数字"},
		{"hex float stored", Cell{Raw: "0x1Ap0", Numeric: true}, count, "", "", "不是数字"},
		{"hex typed is not a unit", Cell{Raw: "0x1A"}, count, "", "", "不是数字"},
		{"superscript is not a unit", Cell{Raw: "10²"}, count, "", "", "不是数字"},
		{"parentheses are not a unit", Cell{Raw: "(5)"}, count, "", "", "不是数字"},
		{"Inf stored", Cell{Raw: "Inf", Numeric: true}, count, "", "", "不是数字"},
		{"text over 200 characters", Cell{Raw: strings.Repeat("校", 40000)}, field(spec.TypeText, ""), "", "", "文字过长（40000 字）"},
		{"text of 200 characters", Cell{Raw: strings.Repeat("校", 200)}, field(spec.TypeText, ""), strings.Repeat("校", 200), "", ""},
		{"ISO date cell (t=d) in a count column", Cell{Raw: "2024-03-04T00:00:00Z", Date: true}, count, "", "", "单元格存的是日期"},
		{"ISO date cell (t=d) in a date column", Cell{Raw: "2026-10-15T00:00:00.000Z", Date: true}, field(spec.TypeDate, ""), "2026-10-15", "", ""},
		{"plain number cell", Cell{Raw: "1883", Numeric: true}, count, "1883", "", ""},
		{"binary noise of a stored float", Cell{Raw: "0.30000000000000004", Numeric: true}, amount, "0.3", "", ""},
		{"decimal stays exact", Cell{Raw: "6423.84", Numeric: true}, amount, "6423.84", "", ""},
		{"number as text", Cell{Raw: "1883"}, count, "1883", "text_number", ""},
		{"full-width digits", Cell{Raw: "１２３．５"}, amount, "123.5", "fullwidth,text_number", ""},
		{"thousands separators", Cell{Raw: "1,883"}, count, "1883", "thousands,text_number", ""},
		{"full-width thousands", Cell{Raw: "１，８８３"}, count, "1883", "fullwidth,thousands,text_number", ""},
		{"unit typed in", Cell{Raw: "1883人"}, count, "1883", "unit,text_number", ""},
		{"unit 万元 typed in", Cell{Raw: "6423.84万元"}, amount, "6423.84", "unit,text_number", ""},
		{"wrong unit is a unit slip", Cell{Raw: "64238400元"}, amount, "", "", "单位“元”与本栏单位“万元”不符"},
		{"percent text", Cell{Raw: "96.35%"}, pct, "96.35", "text_number,percent", ""},
		{"percent number", Cell{Raw: "96.35", Numeric: true}, pct, "96.35", "", ""},
		{"percent-formatted fraction", Cell{Raw: "0.9635", Numeric: true, Percent: true}, pct, "96.35", "percent_format", ""},
		{"percent-formatted in a count column", Cell{Raw: "0.5", Numeric: true, Percent: true}, count, "", "", "百分比格式"},
		{"percent sign in a count column", Cell{Raw: "50%"}, count, "", "", "不是百分比"},
		{"leading and trailing spaces", Cell{Raw: "  12 "}, count, "12", "spaces,text_number", ""},
		{"zero-width space inside", Cell{Raw: "1\u200b2"}, count, "12", "spaces,text_number", ""},
		{"full-width space", Cell{Raw: "\u300012\u3000"}, count, "12", "spaces,text_number", ""},
		{"dash placeholder is empty, not zero", Cell{Raw: "—"}, count, "", "placeholder", ""},
		{"slash placeholder", Cell{Raw: "/"}, amount, "", "placeholder", ""},
		{"无 placeholder", Cell{Raw: "无"}, pct, "", "placeholder", ""},
		{"hyphen placeholder", Cell{Raw: "-"}, count, "", "placeholder", ""},
		{"empty", Cell{Raw: ""}, count, "", "", ""},
		{"only spaces", Cell{Raw: "   "}, count, "", "", ""},
		{"fraction in an integer column", Cell{Raw: "12.5", Numeric: true}, count, "", "", "应为整数"},
		{"whole number with .0", Cell{Raw: "12.0"}, count, "12", "text_number", ""},
		{"words", Cell{Raw: "约一千"}, count, "", "", "不是数字"},
		{"ambiguous comma", Cell{Raw: "1,88"}, count, "", "", "逗号位置不对"},
		{"extra words after a number", Cell{Raw: "12左右"}, count, "", "", "单位“左右”与本栏单位“人”不符"},
		{"negative number is read (range is the validator's)", Cell{Raw: "−5"}, amount, "-5", "fullwidth,text_number", ""},
		{"scientific notation cell", Cell{Raw: "1.5E+3", Numeric: true}, count, "1500", "", ""},
		{"ratio typed as 13.5:1", Cell{Raw: "13.5:1"}, &spec.Field{Key: "r", Label: "生师比", Type: spec.TypeDecimal, Display: "ratio"}, "13.5", "ratio,text_number", ""},
		{"ratio with a full-width colon", Cell{Raw: "13.5：1"}, &spec.Field{Key: "r", Label: "生师比", Type: spec.TypeDecimal, Display: "ratio"}, "13.5", "fullwidth,ratio,text_number", ""},
		{"code as text", Cell{Raw: "4141010001"}, field(spec.TypeCode, ""), "4141010001", "", ""},
		{"code as number", Cell{Raw: "4141010001", Numeric: true}, field(spec.TypeCode, ""), "4141010001", "text_number", ""},
		{"code lost to scientific notation", Cell{Raw: "4.14101E+09"}, field(spec.TypeCode, ""), "", "", "10位数字"},
		{"code too short", Cell{Raw: "414101"}, field(spec.TypeCode, ""), "", "", "10位数字"},
		{"school year", Cell{Raw: "2019-2020"}, field(spec.TypeSchoolYear, ""), "2019-2020", "", ""},
		{"school year with 学年 and full-width dash", Cell{Raw: "2019－2020学年"}, field(spec.TypeSchoolYear, ""), "2019-2020", "schoolyear", ""},
		{"school year not consecutive", Cell{Raw: "2019-2021"}, field(spec.TypeSchoolYear, ""), "", "", "加1"},
		{"date serial 1900 system", Cell{Raw: "44196", Numeric: true}, field(spec.TypeDate, ""), "2020-12-31", "", ""},
		{"date serial 1904 system", Cell{Raw: "42734", Numeric: true, Date1904: true}, field(spec.TypeDate, ""), "2020-12-31", "", ""},
		{"date as Chinese text", Cell{Raw: "2020年12月31日"}, field(spec.TypeDate, ""), "2020-12-31", "date", ""},
		{"year with 年", Cell{Raw: "2018年"}, field(spec.TypeYear, ""), "2018", "unit,text_number", ""},
		{"text number in a text column", Cell{Raw: "13800138000", Numeric: true}, field(spec.TypePhone, ""), "13800138000", "", ""},
		{"enum kept as typed", Cell{Raw: "会计"}, field(spec.TypeEnum, ""), "会计", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, notes, err := Read(c.cell, c.f)
			for _, n := range notes {
				if n.MsgEn == "" {
					t.Errorf("note %q has no English", n.Msg)
				}
			}
			if ce, ok := err.(*Error); ok && ce.MsgEn == "" {
				t.Errorf("error %q has no English", ce.Msg)
			}
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got value %q, error %v; want error containing %q", v, err, c.err)
				}
				if found := fmt.Sprintf("%q", short(c.cell.Raw)); !strings.Contains(err.Error(), found) {
					t.Errorf("error %q does not say what was found (%s)", short(err.Error()), found)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if v.String() != c.want {
				t.Errorf("value %q, want %q", v, c.want)
			}
			var kinds []string
			for _, n := range notes {
				kinds = append(kinds, n.Kind)
			}
			if got := strings.Join(kinds, ","); got != c.notes {
				t.Errorf("notes %q, want %q (%v)", got, c.notes, notes)
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range []string{"1883", "１２３．５", "1,883", "96.35%", "6423.84万元", "—", "4.14101E+09", "2019-2020", "2020年12月31日", "\u200b", "1e308", "1e-400", "9999999999999999999999"} {
		f.Add(s, false, false)
		f.Add(s, true, true)
	}
	types := []string{spec.TypeInteger, spec.TypeDecimal, spec.TypePercent, spec.TypeCode, spec.TypeDate, spec.TypeSchoolYear, spec.TypeYear, spec.TypeText}
	f.Fuzz(func(t *testing.T, raw string, numeric, percent bool) {
		for _, typ := range types {
			v, _, err := Read(Cell{Raw: raw, Numeric: numeric, Percent: percent}, field(typ, "人"))
			if err != nil && !v.IsEmpty() {
				t.Fatalf("%s %q: value %v with error %v", typ, raw, v, err)
			}
		}
	})
}

// plainNumber is the regexp isPlainNumber replaced.
var plainNumber = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

func TestIsPlainNumberAsRegexp(t *testing.T) {
	pieces := []string{"0", "1", "9", "12", ".", "+", "-", "e", "E", "x", " ", "٣", "１", ",", "%"}
	rnd := rand.New(rand.NewSource(1))
	for i := 0; i < 200000; i++ {
		var b strings.Builder
		for n := rnd.Intn(8); n > 0; n-- {
			b.WriteString(pieces[rnd.Intn(len(pieces))])
		}
		s := b.String()
		if got, want := isPlainNumber(s), plainNumber.MatchString(s); got != want {
			t.Fatalf("isPlainNumber(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestFloat15AsNewFromString(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	fs := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 0.30000000000000004, 1e15, 1e-7, 123456789012345678, -2.5e-300, 1.7976931348623157e308, 5e-324, 100, 12.5, 1e21, 999999999999999, 0.000123}
	for i := 0; i < 100000; i++ {
		switch i % 4 {
		case 0:
			fs = append(fs, float64(rnd.Int63n(1e12))/float64([]int{1, 10, 100, 1000, 10000}[rnd.Intn(5)]))
		case 1:
			fs = append(fs, -rnd.Float64()*math.Pow(10, float64(rnd.Intn(40)-20)))
		case 2:
			fs = append(fs, math.Float64frombits(rnd.Uint64()))
		default:
			fs = append(fs, float64(rnd.Intn(100000)))
		}
	}
	for _, f := range fs {
		if math.IsInf(f, 0) || math.IsNaN(f) {
			continue
		}
		want, err := decimal.NewFromString(strconv.FormatFloat(f, 'g', 15, 64))
		if err != nil {
			t.Fatal(err)
		}
		got := float15(f)
		if got.Exponent() != want.Exponent() || got.Coefficient().Cmp(want.Coefficient()) != 0 {
			t.Fatalf("float15(%v) = %v×10^%d, want %v×10^%d", f, got.Coefficient(), got.Exponent(), want.Coefficient(), want.Exponent())
		}
	}
}

// shortDecimal, where it reads a number, reads what float15 of the float
// does: coefficient and exponent alike.
func TestShortDecimalAsFloat15(t *testing.T) {
	rnd := rand.New(rand.NewSource(3))
	digits := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			if rnd.Intn(4) == 0 {
				b.WriteByte('0')
			} else {
				b.WriteByte(byte('0' + rnd.Intn(10)))
			}
		}
		return b.String()
	}
	cases := []string{"0", "00", "0.0", ".5", "5.", "100", "100.00", "0.0001", "0.00001", "0.00012345678901234", "999999999999999", "1000000000000000",
		"99999999999999.9", "120000000000000", "0.30000000000000004", "123456789012345", "1234567890123456", "0.1", "9006.4", "4620.53", "+5", "-0", "1e5", "1.5E-3"}
	for i := 0; i < 300000; i++ {
		s := digits(rnd.Intn(17))
		if rnd.Intn(2) == 0 {
			s += "." + digits(rnd.Intn(17))
		}
		cases = append(cases, s)
	}
	fast := 0
	for _, s := range cases {
		if !isPlainNumber(s) {
			continue
		}
		n, exp, ok := shortDecimal(s)
		if !ok {
			continue
		}
		fast++
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(s, err)
		}
		want := float15(f)
		got := decimal.New(n, exp)
		if got.Exponent() != want.Exponent() || got.Coefficient().Cmp(want.Coefficient()) != 0 {
			t.Fatalf("shortDecimal(%q) = %v×10^%d, want %v×10^%d", s, got.Coefficient(), got.Exponent(), want.Coefficient(), want.Exponent())
		}
	}
	if fast < len(cases)/4 {
		t.Errorf("only %d of %d read by shortDecimal", fast, len(cases))
	}
}

// tooLarge is the comparison with MaxMagnitude it stands for, at the bound
// and on random numbers of every size and scale.
func TestTooLargeAsCmp(t *testing.T) {
	rnd := rand.New(rand.NewSource(5))
	ds := []decimal.Decimal{decimal.Zero, decimal.New(0, 20), decimal.New(0, -20), maxMagnitude, maxMagnitude.Neg(),
		decimal.RequireFromString("999999999999.999999"), decimal.RequireFromString("-999999999999.999999"),
		decimal.RequireFromString("1000000000000.000000"), decimal.RequireFromString("999999999999999999999999"),
		decimal.RequireFromString("0.000000000000000000000000001"), decimal.New(1, 12), decimal.New(1, 11), decimal.New(10, 11), decimal.New(9, 11)}
	for i := 0; i < 200000; i++ {
		c := rnd.Int63n(1 << uint(rnd.Intn(62)+1))
		if rnd.Intn(2) == 0 {
			c = -c
		}
		d := decimal.New(c, int32(rnd.Intn(40)-25))
		if rnd.Intn(10) == 0 {
			d = d.Mul(decimal.New(rnd.Int63(), 0)) // beyond 18 digits
		}
		ds = append(ds, d)
	}
	for _, d := range ds {
		if got, want := tooLarge(d), d.Abs().GreaterThanOrEqual(maxMagnitude); got != want {
			t.Fatalf("tooLarge(%v) = %v, want %v", d, got, want)
		}
	}
}

// mayBePlaceholder lets every placeholder through, and keeps out numbers.
func TestMayBePlaceholder(t *testing.T) {
	for p := range placeholders {
		if !mayBePlaceholder(p) {
			t.Errorf("mayBePlaceholder(%q) = false", p)
		}
	}
	for _, s := range []string{"0", "9006.4", "12", "1234567", "一二三四五六七"} {
		if mayBePlaceholder(s) {
			t.Errorf("mayBePlaceholder(%q) = true", s)
		}
	}
}

// Read of a number stored as one, in a cell of no percent or date format,
// takes plainStored's way, and gives what read, by every step, gives: the
// value (coefficient and exponent), no note, the same error.
func TestPlainStoredAsRead(t *testing.T) {
	rnd := rand.New(rand.NewSource(4))
	raws := []string{"0", "7", "12", "1023", "1024", "3.5", "100.00", "0.0001", "0.00001", "1234567890123", "999999999999", "1000000000000",
		"12.5", "5.", "007", "0.30000000000000004", "1234567890123456", "1.2.3", ".5", "-3", "+3", "1e5", "1E5", " 12", "12 ", "１２", "12%", "—", "x", "", "3-4", "12\u200b"}
	for i := 0; i < 3000; i++ {
		var b strings.Builder
		for j := rnd.Intn(19); j >= 0; j-- {
			b.WriteByte("0123456789012345678901234567890123456789.-e "[rnd.Intn(44)])
		}
		raws = append(raws, b.String())
	}
	types := []string{spec.TypeInteger, spec.TypeDecimal, spec.TypePercent, spec.TypeYear, spec.TypeSeq, spec.TypeCode, spec.TypeDate, spec.TypeText, spec.TypeEnum, spec.TypeSchoolYear}
	fast := map[string]bool{}
	for _, raw := range raws {
		for _, typ := range types {
			for flags := 0; flags < 8; flags++ {
				c := Cell{Raw: raw, Numeric: flags&1 == 0, Percent: flags&2 != 0, Date: flags&4 != 0}
				f := field(typ, "")
				f.Display = "ratio"
				d, ok := plainStored(c, f)
				v, notes, err := Read(c, f)
				wv, wnotes, werr := read(c, f)
				if fmt.Sprint(v, notes, err) != fmt.Sprint(wv, wnotes, werr) || v.Num.Exponent() != wv.Num.Exponent() || len(notes) != len(wnotes) || (notes == nil) != (wnotes == nil) {
					t.Fatalf("Read(%+v, %s) = %v %v %v, read by every step %v %v %v", c, typ, v, notes, err, wv, wnotes, werr)
				}
				if ok && (err == nil && !d.Equal(v.Num) || wnotes != nil) {
					t.Fatalf("plainStored(%+v, %s) = %v, read by every step %v %v %v", c, typ, d, wv, wnotes, werr)
				}
				if ok {
					fast[raw] = true
				}
			}
		}
	}
	// what most cells hold is read the short way
	for _, raw := range []string{"0", "7", "12", "1024", "3.5", "100.00", "0.0001", "1234567890123", "12.5", "5."} {
		if !fast[raw] {
			t.Errorf("%q is not read by plainStored", raw)
		}
	}
}
