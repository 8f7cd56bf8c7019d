package formula_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

const testSpec = `
id: t
version: "1"
title: 测试
columns: {label: 指标, unit: 单位, prev: 上学年, cur: 本学年, pct: 本学年为上学年(%), total: 合计}
enums:
  - {key: side, label: 学年, values: [上学年, 本学年]}
sheets:
  - key: info
    name: 基本信息
    title: 基本信息
    kind: record
    rows:
      - {key: year, label: 学年, type: schoolyear}
  - key: stu
    name: 学生
    title: 表1 学生
    kind: indicator
    rows:
      - {key: enrolled, label: 在校生, type: integer}
      - {key: grads, label: 毕业生, type: integer}
      - {key: employed, label: 就业, type: integer}
      - {key: rate, label: 就业率, type: percent, derived: employed / grads * 100}
      - {key: per, label: 生均, type: decimal, decimals: 3, derived: grads / enrolled}
      - {key: ratio, label: 生师比, type: decimal, decimals: 1, display: ratio, derived: enrolled / grads}
  - key: maj
    name: 专业
    title: 表2 专业
    kind: list
    columns:
      - {key: seq, label: 序号, type: seq}
      - {key: name, label: 专业, type: text}
      - {key: side, label: 学年, type: enum, enum: side}
      - {key: grads, label: 毕业生, type: integer}
      - {key: employed, label: 就业, type: integer}
      - {key: rate, label: 就业率, unit: "%", type: percent, derived: employed / grads * 100}
      - {key: salary, label: 起薪, type: integer, total: none}
    summary:
      title: 汇总
      rows:
        - {key: items, label: 项数, type: integer, derived: "countifs(side, year_label)"}
        - {key: gsum, label: 毕业生, type: integer, derived: "sumifs(grads, side, year_label)"}
    checks:
      - {id: maj.total, severity: error, each: once, compare: {left: maj.grads, op: "==", right: stu.grads.cur}, message: 合计, message_en: total}
      - {id: maj.salary, severity: warning, each: once, expr: "max(salary) <= 2 * min(salary)", message: 起薪, message_en: salary}
      - {id: maj.year, severity: error, each: once, expr: "endyear(info.year) == 2020", message: 学年, message_en: year}
`

func program(t testing.TB) *formula.Program {
	t.Helper()
	s, err := spec.Decode([]byte(testSpec), "test.yaml", "zh")
	if err != nil {
		t.Fatal(err)
	}
	p, err := formula.Compile(s, "zh")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func n(s string) report.Value { return report.Num(decimal.RequireFromString(s)) }

func sampleBook() *report.Book {
	b := report.New()
	b.Set("info", report.Key{Field: "year"}, report.Str("2019-2020"))
	set := func(field string, prev, cur report.Value) {
		b.Set("stu", report.Key{Field: field, Col: "prev"}, prev)
		b.Set("stu", report.Key{Field: field, Col: "cur"}, cur)
	}
	set("enrolled", n("636"), n("859"))
	set("grads", n("0"), n("211"))
	set("employed", n("5"), n("203"))
	// a value typed over a formula must never be read as the formula's result
	set("rate", n("1"), n("1"))
	b.AddRow("maj", map[string]report.Value{"name": report.Str("会计"), "side": report.Str("本学年"), "grads": n("100"), "employed": n("97"), "salary": n("3000")})
	b.AddRow("maj", map[string]report.Value{"name": report.Str("护理"), "side": report.Str("上学年"), "grads": n("111"), "employed": n("100"), "salary": n("2500")})
	b.AddRow("maj", map[string]report.Value{"name": report.Str("烹饪"), "side": report.Str("本学年"), "grads": n("0"), "employed": {}, "salary": {}})
	return b
}

func TestCompute(t *testing.T) {
	p := program(t)
	got := p.Compute(sampleBook())
	cases := []struct {
		name  string
		sheet string
		key   report.Key
		want  string // "" = empty
	}{
		{"rate cur", "stu", report.Key{Field: "rate", Col: "cur"}, "96.21"},
		{"rate prev divides by zero: empty", "stu", report.Key{Field: "rate", Col: "prev"}, ""},
		{"per-student 3 decimals", "stu", report.Key{Field: "per", Col: "cur"}, "0.246"},
		{"ratio 1 decimal", "stu", report.Key{Field: "ratio", Col: "cur"}, "4.1"},
		{"comparison column 859/636", "stu", report.Key{Field: "enrolled", Col: "pct"}, "135.06"},
		{"comparison of a derived row", "stu", report.Key{Field: "per", Col: "pct"}, ""},
		{"comparison with prev 0: empty", "stu", report.Key{Field: "grads", Col: "pct"}, ""},
		{"list total sums", "maj", report.Key{Field: "grads", Col: report.TotalCol}, "211"},
		{"list total rate from sums: 197/211", "maj", report.Key{Field: "rate", Col: report.TotalCol}, "93.36"},
		{"no total for an average", "maj", report.Key{Field: "salary", Col: report.TotalCol}, ""},
		{"summary countifs", "maj", report.Key{Field: "items", Col: "cur"}, "2"},
		{"summary sumifs", "maj", report.Key{Field: "gsum", Col: "prev"}, "111"},
	}
	for _, c := range cases {
		if v := got.Get(c.sheet, c.key); v.String() != c.want {
			t.Errorf("%s: got %q, want %q", c.name, v, c.want)
		}
	}
	rows := got.Rows("maj")
	if len(rows) != 3 {
		t.Fatalf("computed %d list rows, want 3", len(rows))
	}
	if v := rows[0]["rate"]; v.String() != "97" {
		t.Errorf("row 1 rate: got %q, want 97", v)
	}
	if v := rows[2]["rate"]; !v.IsEmpty() {
		t.Errorf("row 3 rate with 0 graduates: got %q, want empty", v)
	}
	if v := rows[1]["seq"]; v.String() != "2" {
		t.Errorf("row 2 序号: got %q, want 2", v)
	}
}

func TestChecks(t *testing.T) {
	p := program(t)
	book := sampleBook()
	computed := p.Compute(book)
	env := mergedEnv{p, book, computed}
	maj := p.Spec.Sheet("maj")
	cases := []struct {
		id          string
		holds, know bool
	}{
		{"maj.salary", true, true}, // 3000 <= 2*2500
		{"maj.year", true, true},
	}
	for _, c := range cases {
		var ch *spec.Check
		for i := range maj.Checks {
			if maj.Checks[i].ID == c.id {
				ch = &maj.Checks[i]
			}
		}
		holds, known := p.Expr(ch.Expr).Test(env, formula.Ctx{})
		if holds != c.holds || known != c.know {
			t.Errorf("%s: got (%v, %v), want (%v, %v)", c.id, holds, known, c.holds, c.know)
		}
	}
	// compare: the list total (211) equals stu.grads.cur (211)
	cmp := maj.Checks[0].Compare
	l := p.Expr(&cmp.Left).Eval(env, formula.Ctx{})
	r := p.Expr(&cmp.Right).Eval(env, formula.Ctx{})
	if !l.Equal(r) || l.String() != "211" {
		t.Errorf("maj.total: %v vs %v", l, r)
	}
}

// mergedEnv reads inputs from the book and computed cells from the computation.
type mergedEnv struct {
	p        *formula.Program
	in, comp *report.Book
}

func (e mergedEnv) Cell(r formula.Ref, ctx formula.Ctx) report.Value {
	col := r.Col
	if col == "" {
		col = ctx.Year
	}
	if r.Row == formula.RowTotal || (r.Row == formula.RowCurrent && !ctx.AtRow) {
		return e.comp.Get(r.Sheet, report.Key{Field: r.Field, Col: report.TotalCol})
	}
	if r.Row == formula.RowCurrent {
		return e.in.Rows(r.Sheet)[ctx.Row][r.Field]
	}
	if v := e.comp.Get(r.Sheet, report.Key{Field: r.Field, Col: col}); !v.IsEmpty() {
		return v
	}
	return e.in.Get(r.Sheet, report.Key{Field: r.Field, Col: col})
}

func (e mergedEnv) Column(r formula.Ref) []report.Value {
	var out []report.Value
	for _, row := range e.in.Rows(r.Sheet) {
		out = append(out, row[r.Field])
	}
	return out
}

func TestEvalEmptiesAndLogic(t *testing.T) {
	p := program(t)
	env := mergedEnv{p, report.New(), report.New()}
	s := p.Spec
	cases := []struct {
		src   string
		holds bool
		known bool
	}{
		{"1 + 1 == 2", true, true},
		{"0.1 + 0.2 == 0.3", true, true}, // exact decimals, not float64
		{"0.1000000000000000000000000001 > 0.1", true, true},
		{"123456789012345678901234567890.0 + 1 == 123456789012345678901234567891.0", true, true},
		{"1_000 == 1000 && 1e3 == 1000 && 0x10 == 16", true, true},
		{"stu.grads.cur > 0", false, false},
		{"stu.grads.cur > 0 && 1 == 2", false, true},
		{"stu.grads.cur > 0 || 1 == 1", true, true},
		{"!(1 == 1)", false, true},
		{"abs(-3) == 3", true, true},
		{`"是" == "是"`, true, true},
		{"1 / 0 == 1", false, false},
		{"filled(stu.grads.cur)", false, true},
		{"!filled(stu.grads.cur) && 1 == 1", true, true},
		{"filled(stu.grads.cur) || stu.grads.cur > 0", false, false},
	}
	for _, c := range cases {
		e := &spec.Expr{Src: c.src}
		// compile each source against the list sheet, once scope
		sh := s.Sheet("maj")
		sh.Checks = append(sh.Checks, spec.Check{ID: "x", Severity: "error", Message: "x", MessageEn: "x", Each: "once", Expr: e})
		q, err := formula.Compile(s, "zh")
		sh.Checks = sh.Checks[:len(sh.Checks)-1]
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		holds, known := q.Expr(e).Test(env, formula.Ctx{})
		if holds != c.holds || known != c.known {
			t.Errorf("%s: got (%v, %v), want (%v, %v)", c.src, holds, known, c.holds, c.known)
		}
	}
}

type fakeLocator struct{}

func (fakeLocator) Cell(r formula.Ref, ctx formula.Ctx) string {
	col := r.Col
	if col == "" {
		col = ctx.Year
	}
	return fmt.Sprintf("%s_%s_%s", r.Sheet, r.Field, col)
}
func (fakeLocator) Range(r formula.Ref) string { return r.Sheet + "_" + r.Field + "_all" }

func TestExcel(t *testing.T) {
	p := program(t)
	stu := p.Spec.Sheet("stu")
	rate := p.Expr(stu.Field("rate").Derived).Excel(fakeLocator{}, formula.Ctx{Year: "cur"}, 2)
	want := `IF(OR(stu_employed_cur="",stu_grads_cur=""),"",IF(stu_grads_cur=0,"",ROUND(((stu_employed_cur/stu_grads_cur)*100),2)))`
	if rate != want {
		t.Errorf("rate:\n got %s\nwant %s", rate, want)
	}
	maj := p.Spec.Sheet("maj")
	items := p.Expr(maj.Field("items").Derived).Excel(fakeLocator{}, formula.Ctx{Year: "prev", YearLabel: "上学年"}, 0)
	if want := `IF(COUNTA(maj_side_all)=0,"",ROUND(COUNTIFS(maj_side_all,"上学年"),0))`; items != want { // blank while the list is
		t.Errorf("items:\n got %s\nwant %s", items, want)
	}
	if got, want := formula.SumExcel("D3:D9"), `IF(COUNT(D3:D9)=0,"",SUM(D3:D9))`; got != want {
		t.Errorf("SumExcel: got %s, want %s", got, want)
	}
}

func ExampleExpr_Eval() {
	s, _ := spec.Decode([]byte(testSpec), "test.yaml", "zh")
	p, _ := formula.Compile(s, "zh")
	b := report.New()
	b.Set("stu", report.Key{Field: "grads", Col: "cur"}, report.Int(859))
	b.Set("stu", report.Key{Field: "grads", Col: "prev"}, report.Int(636))
	fmt.Println(p.Compute(b).Get("stu", report.Key{Field: "grads", Col: "pct"}))
	// Output: 135.06
}

func TestLiteralsFromText(t *testing.T) {
	for src, want := range map[string]string{
		"0.1":                              "0.1",
		"0.123456789012345678901234567890": "0.12345678901234567890123456789",
		"2.50":                             "2.5",
	} {
		n, err := formula.Parse(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		lit, ok := n.(formula.Lit)
		if !ok || lit.Val.String() != want {
			t.Errorf("%s: got %#v, want %s", src, n, want)
		}
	}
	_, err := formula.Parse("123456789012345678901234567890")
	var se *formula.SyntaxError
	if !errors.As(err, &se) || !strings.Contains(se.Text("en"), "too large") {
		t.Errorf("a 30-digit whole number: got %v, want a clear refusal", err)
	}
}
