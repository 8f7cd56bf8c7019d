package validate

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// sampleReport is school 0 of seed 1, written and read back: no finding at
// all (TestCaseBaseIsClean).
func sampleReport(t *testing.T, p *formula.Program) *report.Report {
	t.Helper()
	r, _ := sampleFile(t, p)
	return r
}

// sampleFile is sampleReport with the workbook's bytes.
func sampleFile(t *testing.T, p *formula.Program) (*report.Report, []byte) {
	t.Helper()
	s, err := sample.Generate(p, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := workbook.WriteFilled(p, s.Book, &buf, workbook.FillOptions{}); err != nil {
		t.Fatal(err)
	}
	r, err := reader.ReadBytes(p, "某校.xlsx", buf.Bytes(), reader.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r, buf.Bytes()
}

// agreeingPrior is last year's 本学年 equal to this year's 上学年 of every
// input row, each at its 本学年 cell, as the store keeps it.
func agreeingPrior(p *formula.Program, r *report.Report) *report.PriorYear {
	prior := &report.PriorYear{Year: "2024-2025", File: "某校2024.xlsx", Values: map[report.Addr]report.Value{}}
	for _, sh := range p.Spec.Sheets {
		for _, f := range sh.YearRows() {
			val := r.Book.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColPrev})
			if !f.Input() || val.IsEmpty() {
				continue
			}
			val.Cell = r.Cell(report.ColAddr(sh.Key, f.Key, spec.ColCur))
			prior.Values[report.ColAddr(sh.Key, f.Key, spec.ColCur)] = val
		}
	}
	return prior
}

func crossYear(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Rule == RuleCrossYear {
			out = append(out, f)
		}
	}
	return out
}

func num(s string) report.Value { return report.Num(decimal.RequireFromString(s)) }

// This year's 上学年 against last year's 本学年: counts exactly, decimals and
// percentages when their rounding intervals meet; empty on either side is
// no finding.
func TestCrossYear(t *testing.T) {
	p := program(t)
	enrolled := report.ColAddr("students", "enrolled", spec.ColCur)
	equipment := report.ColAddr("assets", "equipment_value", spec.ColCur)
	retention := report.ColAddr("students", "retention", spec.ColCur)
	for _, tc := range []struct {
		name string
		this map[report.Addr]report.Value // this year's 上学年, by the 本学年 key (changed after reading)
		last map[report.Addr]report.Value // last year's 本学年 (absent: as this year's; zero Value: empty)
		drop []report.Addr                // keys absent from last year's data
		want []string                     // cell and reported/expected of each cross_year finding
	}{
		{name: "all agree"},
		{name: "count differs by one", last: map[report.Addr]report.Value{enrolled: report.Int(349)}, want: []string{"学生情况!C4 350/349"}},
		{name: "count differs by thousands", this: map[report.Addr]report.Value{enrolled: report.Int(2310)}, last: map[report.Addr]report.Value{enrolled: report.Int(2301)}, want: []string{"学生情况!C4 2310/2301"}},
		{name: "count equal though typed with decimals", last: map[report.Addr]report.Value{enrolled: num("350.0")}},
		{name: "decimal within rounding", last: map[report.Addr]report.Value{equipment: num("197.4")}}, // 197.41 ± .005 meets 197.4 ± .05
		{name: "decimal at the edge", last: map[report.Addr]report.Value{equipment: num("197.42")}},    // [197.405, 197.415] meets [197.415, 197.425]
		{name: "decimal outside rounding", last: map[report.Addr]report.Value{equipment: num("197.43")}, want: []string{"学校资产!C7 197.41/197.43"}},
		{name: "decimal far outside", last: map[report.Addr]report.Value{equipment: num("197.3")}, want: []string{"学校资产!C7 197.41/197.3"}},
		{name: "whole number for a decimal", this: map[report.Addr]report.Value{equipment: num("197")}, last: map[report.Addr]report.Value{equipment: num("197.4")}}, // [196.5, 197.5]
		{name: "percent within rounding", last: map[report.Addr]report.Value{retention: num("98.8")}},
		{name: "percent outside rounding", last: map[report.Addr]report.Value{retention: num("98.7")}, want: []string{"学生情况!C12 98.77/98.7"}},
		{name: "empty last year", last: map[report.Addr]report.Value{enrolled: {}}},
		{name: "absent last year", drop: []report.Addr{enrolled}},
		{name: "empty this year", this: map[report.Addr]report.Value{enrolled: {}}, last: map[report.Addr]report.Value{enrolled: report.Int(1)}},
		{name: "two rows", last: map[report.Addr]report.Value{enrolled: report.Int(351), retention: num("90")}, want: []string{"学生情况!C4 350/351", "学生情况!C12 98.77/90"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := sampleReport(t, p)
			prior := agreeingPrior(p, r)
			for k, v := range tc.this {
				r.Book.Set(k.Sheet, report.Key{Field: k.Field, Col: spec.ColPrev}, v)
			}
			for k, v := range tc.last {
				v.Cell = prior.Values[k].Cell
				prior.Values[k] = v
			}
			for _, k := range tc.drop {
				delete(prior.Values, k)
			}
			var got []string
			for _, f := range crossYear(Check(p, r, Options{Prior: prior})) {
				if f.Severity != Warning || len(f.Cells) != 1 || f.Sheet+"!"+f.Cell != f.Cells[0] {
					t.Errorf("finding %+v", f)
				}
				got = append(got, f.Cells[0]+" "+f.Reported+"/"+f.Expected)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("cross_year findings\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

// The message names both values, last year's 学年, file and cell, in
// Chinese, or in English with lang en.
func TestCrossYearMessage(t *testing.T) {
	p := program(t)
	r := sampleReport(t, p)
	prior := agreeingPrior(p, r)
	r.Book.Set("students", report.Key{Field: "enrolled", Col: spec.ColPrev}, report.Int(2310))
	k := report.ColAddr("students", "enrolled", spec.ColCur)
	prior.Values[k] = report.Value{Kind: report.Number, Num: decimal.NewFromInt(2301), Cell: report.Cell{Sheet: "学生情况", Ref: "D5"}}
	for _, tc := range []struct {
		lang, year, file string
		want             string
	}{
		{"zh", "2024-2025", "某校.xlsx", "上学年全日制在校生数（2,310）与 2024-2025 学年报送的本学年数（2,301，文件 某校.xlsx 学生情况!D5）不一致；如该数有更正，请在“情况说明”中写明理由"},
		{"zh", "", "", "上学年全日制在校生数（2,310）与上一学年报送的本学年数（2,301，学生情况!D5）不一致；如该数有更正，请在“情况说明”中写明理由"},
		{"en", "2024-2025", "某校.xlsx", "全日制在校生数, 上学年 (2,310), differs from the 本学年 figure reported for 2024-2025 (2,301, file 某校.xlsx 学生情况!D5); if that figure was corrected, give the reason in the 情况说明 sheet"},
	} {
		prior.Year, prior.File = tc.year, tc.file
		fs := crossYear(Check(p, r, Options{Lang: tc.lang, Prior: prior}))
		if len(fs) != 1 {
			t.Fatalf("%s: %d findings", tc.lang, len(fs))
		}
		if fs[0].Message != tc.want {
			t.Errorf("%s message\n%s\nwant\n%s", tc.lang, fs[0].Message, tc.want)
		}
		if tc.lang == "en" {
			rest := fs[0].Message
			for _, s := range []string{"全日制在校生数", "上学年", "本学年", "某校", "学生情况", "情况说明"} {
				rest = strings.ReplaceAll(rest, s, "")
			}
			if strings.IndexFunc(rest, func(c rune) bool { return unicode.Is(unicode.Han, c) }) >= 0 {
				t.Errorf("en message holds Chinese of its own: %q", rest)
			}
		}
	}
}

// Without Prior nothing changes; with a Prior that agrees nothing is added;
// with one that differs only the cross_year warning is, and it counts and
// sorts like the others.
func TestCrossYearLeavesTheRestAlone(t *testing.T) {
	p := program(t)
	r := sampleReport(t, p)
	r.Book.Set("students", report.Key{Field: "male", Col: spec.ColPrev}, report.Int(1)) // a gender_sum error before, in the sheet's order
	r.Book.Set("assets", report.Key{Field: "books", Col: spec.ColPrev}, report.Int(1))  // and one on an earlier sheet
	base := Check(p, r, Options{})
	if len(base) == 0 || len(crossYear(base)) > 0 {
		t.Fatalf("findings without Prior: %+v", base)
	}
	prior := agreeingPrior(p, r)
	if got := Check(p, r, Options{Prior: prior}); !reflect.DeepEqual(got, base) {
		t.Errorf("an agreeing Prior changed the findings:\n%+v\n%+v", got, base)
	}
	k := report.ColAddr("students", "enrolled", spec.ColCur)
	v := prior.Values[k]
	v.Num = v.Num.Add(decimal.NewFromInt(10))
	prior.Values[k] = v
	got := Check(p, r, Options{Prior: prior})
	if len(got) != len(base)+1 {
		t.Fatalf("%d findings, want %d", len(got), len(base)+1)
	}
	var rest []Finding
	at := -1
	for i, f := range got {
		if f.Rule == RuleCrossYear {
			at = i
			continue
		}
		rest = append(rest, f)
	}
	if !reflect.DeepEqual(rest, base) {
		t.Errorf("the other findings changed:\n%+v\n%+v", rest, base)
	}
	want := append([]Finding(nil), base...)
	want = append(want, got[at])
	sortFindings(want, r)
	if !reflect.DeepEqual(want, got) {
		t.Errorf("cross_year not in its sorted place (%d): %+v", at, got)
	}
	if c, b := Count(got), Count(base); c.Warnings != b.Warnings+1 || c.Errors != b.Errors {
		t.Errorf("counts %+v, without %+v", c, b)
	}
}

// A missing sheet is the reader's finding: no cross-year check on it, the
// other sheets are still compared.
func TestCrossYearMissingSheet(t *testing.T) {
	p := program(t)
	r := sampleReport(t, p)
	prior := agreeingPrior(p, r)
	for _, k := range []report.Addr{report.ColAddr("students", "enrolled", spec.ColCur), report.ColAddr("assets", "books", spec.ColCur)} {
		v := prior.Values[k]
		v.Num = v.Num.Add(decimal.NewFromInt(1))
		prior.Values[k] = v
	}
	for i, sh := range p.Spec.Sheets {
		if sh.Key == "students" {
			r.Sheets[i].Name = ""
		}
	}
	var cells []string
	for _, f := range crossYear(Check(p, r, Options{Prior: prior})) {
		cells = append(cells, f.Cells...)
	}
	if strings.Join(cells, " ") != "学校资产!C11" {
		t.Errorf("cross_year at %v, want only 学校资产!C11", cells)
	}
}

// A 说明 naming the rule (or the cell) explains the warning, as any other.
func TestCrossYearExplained(t *testing.T) {
	p := program(t)
	r := sampleReport(t, p)
	prior := agreeingPrior(p, r)
	k := report.ColAddr("students", "enrolled", spec.ColCur)
	v := prior.Values[k]
	v.Num = v.Num.Sub(decimal.NewFromInt(3))
	prior.Values[k] = v
	for _, e := range []report.Explanation{
		{Sheet: "学生情况", Cell: "C4", Rule: RuleCrossYear, Text: "去年少报了 3 名转入学生"},
		{Cell: "C4", Text: "去年少报了 3 名转入学生"},
	} {
		r.Explanations = []report.Explanation{e}
		fs := crossYear(Check(p, r, Options{Prior: prior}))
		if len(fs) != 1 || !fs[0].Explained || fs[0].Explanation != e.Text {
			t.Errorf("%+v: %+v", e, fs)
		}
	}
	r.Explanations = []report.Explanation{{Sheet: "学生情况", Cell: "C5", Rule: RuleCrossYear, Text: "别的单元格"}}
	if fs := crossYear(Check(p, r, Options{Prior: prior})); len(fs) != 1 || fs[0].Explained {
		t.Errorf("a 说明 of another cell explains it: %+v", fs)
	}
}

// The pipeline asks for last year's data after reading and checks with it;
// an error is a warning of the file, never a silent skip.
func TestPipelinePrior(t *testing.T) {
	p := program(t)
	r := sampleReport(t, p)
	read := func(context.Context, string) (*report.Report, []byte, error) { return r, nil, nil }
	prior := agreeingPrior(p, r)
	k := report.ColAddr("students", "enrolled", spec.ColCur)
	v := prior.Values[k]
	v.Num = v.Num.Add(decimal.NewFromInt(1))
	prior.Values[k] = v
	var asked *report.Report
	for _, tc := range []struct {
		name  string
		prior func(context.Context, *report.Report) (*report.PriorYear, error)
		lang  string
		want  string // rule and message of the one warning
	}{
		{"none", nil, "", ""},
		{"no data", func(_ context.Context, got *report.Report) (*report.PriorYear, error) { asked = got; return nil, nil }, "", ""},
		{"data", func(_ context.Context, got *report.Report) (*report.PriorYear, error) { asked = got; return prior, nil }, "",
			"cross_year 上学年全日制在校生数（350）与 2024-2025 学年报送的本学年数（351，文件 某校2024.xlsx 学生情况!D4）不一致；如该数有更正，请在“情况说明”中写明理由"},
		{"error", func(_ context.Context, got *report.Report) (*report.PriorYear, error) {
			asked = got
			return nil, errors.New("数据库连接失败")
		}, "", "prior_year 未做跨学年核对：无法取得该校上一学年报送的数据（数据库连接失败）"},
		{"error en", func(context.Context, *report.Report) (*report.PriorYear, error) {
			return nil, errors.New("connection refused")
		}, "en",
			"prior_year the cross-year check was not made: the school's data of the year before could not be had (connection refused)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			asked = nil
			res := (&Pipeline{Program: p, Read: read, Prior: tc.prior, Lang: tc.lang}).Check(context.Background(), "某校.xlsx")
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.Rule+" "+f.Message)
			}
			want := []string{}
			if tc.want != "" {
				want = []string{tc.want}
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("findings %q, want %q", got, want)
			}
			if tc.prior != nil && tc.lang == "" && asked != r {
				t.Errorf("Prior was not given the report read")
			}
			wantStatus := StatusPassed
			if tc.want != "" {
				wantStatus = StatusWarnings
			}
			if res.Status != wantStatus || res.Counts != Count(res.Findings) {
				t.Errorf("status %s, counts %+v", res.Status, res.Counts)
			}
		})
	}
}

// The annotated copy comments the 上学年 cell with the message and lists the
// warning in 审核结果 with its row and column in words; a 说明 written there
// explains it when the copy comes back.
func TestCrossYearAnnotated(t *testing.T) {
	p := program(t)
	r, data := sampleFile(t, p)
	prior := agreeingPrior(p, r)
	k := report.ColAddr("students", "enrolled", spec.ColCur)
	v := prior.Values[k]
	v.Num = v.Num.Add(decimal.NewFromInt(5))
	prior.Values[k] = v
	fs := Check(p, r, Options{Prior: prior})
	if len(fs) != 1 || fs[0].Rule != RuleCrossYear {
		t.Fatalf("findings %+v", fs)
	}
	var out bytes.Buffer
	if err := workbook.WriteAnnotated(data, LetterOf(p.Spec, r, fs, "zh", "2026-01-05"), &out); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	comments, err := f.GetComments("学生情况")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range comments {
		found = found || (c.Cell == "C4" && strings.Contains(c.Text+paragraphs(c), fs[0].Message))
	}
	if !found {
		t.Errorf("no comment with the message at 学生情况!C4: %+v", comments)
	}
	rows, err := f.GetRows(report.ResultSheet)
	if err != nil {
		t.Fatal(err)
	}
	row := rows[len(rows)-1]
	if len(row) < 11 || row[1] != "警告" || row[2] != "学生情况" || row[3] != "全日制在校生数" || row[4] != "上学年" || row[5] != "C4" || row[6] != fs[0].Message || row[7] != "350" || row[8] != "355" || row[10] != RuleCrossYear {
		t.Errorf("审核结果 row %q", row)
	}
	if err := f.SetCellValue(report.ResultSheet, "J"+itoa(len(rows)), "去年的数据有误，已更正"); err != nil {
		t.Fatal(err)
	}
	var back bytes.Buffer
	if _, err := f.WriteTo(&back); err != nil {
		t.Fatal(err)
	}
	rb, err := reader.ReadBytes(p, "某校_审核.xlsx", back.Bytes(), reader.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	again := Check(p, rb, Options{Prior: prior})
	if len(again) != 1 || again[0].Rule != RuleCrossYear || !again[0].Explained || again[0].Explanation != "去年的数据有误，已更正" {
		t.Errorf("sent back: %+v", again)
	}
}

// The rule is listed, by its id, with the rules of every table with years
// (nianbao spec, 审核规则.txt), and not on the other tables.
func TestCrossYearDescribed(t *testing.T) {
	p := program(t)
	var b strings.Builder
	if err := spec.Describe(&b, p.Spec); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	want := 0
	for _, sh := range p.Spec.Sheets {
		for _, f := range sh.YearRows() { // 技能大赛's are all computed: nothing to compare
			if f.Input() {
				want++
				break
			}
		}
	}
	if n := strings.Count(text, "警告 "+RuleCrossYear+"（跨学年）"); n != want || n < 10 {
		t.Errorf("the cross-year rule is listed %d times, want one per table with years (%d):\n%s", n, want, text)
	}
	_, basic, _ := strings.Cut(text, "1 基本信息")
	basic, _, _ = strings.Cut(basic, "2 学校资产")
	if strings.Contains(basic, RuleCrossYear) {
		t.Errorf("基本信息 lists the cross-year rule:\n%s", basic)
	}
}
