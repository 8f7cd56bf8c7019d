package summary

import (
	"strings"
	"testing"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

type figures struct {
	vals    map[string]string // sheet.field.col → decimal text
	schools int
}

func (f figures) Value(sheet, field, col string) report.Value {
	t, ok := f.vals[sheet+"."+field+"."+col]
	if !ok {
		return report.Value{}
	}
	return report.Num(decimal.RequireFromString(t))
}

func (f figures) Cell(sheet, field, col string) string {
	return "汇总!" + map[string]string{spec.ColPrev: "C", spec.ColCur: "D"}[col] + map[string]string{"enrolled": "5", "admitted": "6", "employment": "9", "funds": "12"}[field]
}

func (f figures) Schools() int { return f.schools }

func testSpec(sentences ...spec.Sentence) *spec.Spec {
	return &spec.Spec{
		Sheets: []spec.Sheet{{Key: "students", Name: "学生情况", Kind: spec.KindIndicator, Rows: []spec.Field{
			{Key: "enrolled", Label: "全日制在校生数", Unit: "人", Type: spec.TypeInteger},
			{Key: "admitted", Label: "招生数", Unit: "人", Type: spec.TypeInteger},
			{Key: "employment", Label: "就业率", Unit: "%", Type: spec.TypePercent},
			{Key: "funds", Label: "经费", Unit: "万元", Type: spec.TypeDecimal},
		}}},
		Sentences: sentences,
	}
}

func TestRender(t *testing.T) {
	cases := []struct {
		name, text string
		vals       map[string]string
		want       string // text, or "missing: …" for Missing
		cites      string
	}{
		{"growth", "全市 {schools} 所中职学校共有在校生 {students.enrolled.cur} {students.enrolled.unit}，比上学年{students.enrolled.change}。",
			map[string]string{"students.enrolled.cur": "17699", "students.enrolled.prev": "17300"},
			"全市 8 所中职学校共有在校生 17,699 人，比上学年增长 2.3%。", "汇总!D5 汇总!C5"},
		{"decrease and diff", "招生 {students.admitted.cur} 人，{students.admitted.diff}，{students.admitted.change}",
			map[string]string{"students.admitted.cur": "5200", "students.admitted.prev": "5612"},
			"招生 5,200 人，减少 412 人，减少 7.3%", "汇总!D6 汇总!C6"},
		{"unchanged", "{students.admitted.change}/{students.admitted.diff}/{students.admitted.dir}",
			map[string]string{"students.admitted.cur": "10", "students.admitted.prev": "10"}, "持平/持平/持平", "汇总!D6 汇总!C6"},
		{"a rate changes by points", "就业率 {students.employment.cur}%，{students.employment.change}",
			map[string]string{"students.employment.cur": "96.35", "students.employment.prev": "95.1"},
			"就业率 96.35%，提高 1.25 个百分点", "汇总!D9 汇总!C9"},
		{"a rate falls", "{students.employment.dir} {students.employment.diff}",
			map[string]string{"students.employment.cur": "90", "students.employment.prev": "95.5"},
			"下降 下降 5.50 个百分点", "汇总!D9 汇总!C9"},
		{"tiny change", "{students.enrolled.change}",
			map[string]string{"students.enrolled.cur": "100001", "students.enrolled.prev": "100000"}, "增长不到 0.1%", "汇总!D5 汇总!C5"},
		{"half rounds away from zero", "{students.enrolled.change}",
			map[string]string{"students.enrolled.cur": "1005", "students.enrolled.prev": "1000"}, "增长 0.5%", "汇总!D5 汇总!C5"},
		{"decimals and thousands", "{students.funds.cur} 万元，{students.funds.diff}",
			map[string]string{"students.funds.cur": "6423.8", "students.funds.prev": "1234567.891"},
			"6,423.80 万元，减少 1,228,144.09 万元", "汇总!D12 汇总!C12"},
		{"missing prev", "{students.enrolled.cur} {students.enrolled.change}",
			map[string]string{"students.enrolled.cur": "17699"}, "missing: 缺少上学年“全日制在校生数”的数据", ""},
		{"prev zero", "{students.enrolled.change}",
			map[string]string{"students.enrolled.cur": "5", "students.enrolled.prev": "0"}, "missing: 上学年“全日制在校生数”为 0，无法计算增减幅度", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := testSpec(spec.Sentence{Key: "k", Heading: "办学规模", Text: c.text})
			got := Render(s, figures{vals: c.vals, schools: 8})
			if len(got) != 1 {
				t.Fatalf("%d sentences", len(got))
			}
			g := got[0]
			if want, ok := strings.CutPrefix(c.want, "missing: "); ok {
				if g.Text != "" || g.Missing != want || len(g.Cites) > 0 {
					t.Errorf("got text %q missing %q cites %v, want missing %q", g.Text, g.Missing, g.Cites, want)
				}
				return
			}
			if g.Text != c.want || g.Missing != "" {
				t.Errorf("got %q (missing %q), want %q", g.Text, g.Missing, c.want)
			}
			if cites := strings.Join(g.Cites, " "); cites != c.cites {
				t.Errorf("cites %q, want %q", cites, c.cites)
			}
		})
	}
}

func TestSheetRoundTrip(t *testing.T) {
	in := []Sentence{
		{Heading: "办学规模", Text: "全市 8 所中职学校共有在校生 17,699 人。", Cites: []string{"汇总!D5", "汇总!C5"}},
		{Heading: "教师队伍", Missing: "缺少上学年“专任教师”的数据"},
	}
	rows := [][]string{{"报告摘要"}, Headers()}
	for i, s := range in {
		rows = append(rows, Row(i, s))
	}
	got, err := Parse(rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(in) {
		t.Fatalf("%d sentences back, want %d", len(got), len(in))
	}
	for i := range in {
		if got[i].Heading != in[i].Heading || got[i].Text != in[i].Text || got[i].Missing != in[i].Missing || strings.Join(got[i].Cites, " ") != strings.Join(in[i].Cites, " ") {
			t.Errorf("sentence %d: %+v, want %+v", i, got[i], in[i])
		}
	}
	if _, err := Parse([][]string{{"汇总"}, {"指标", "单位"}}); err == nil {
		t.Error("a sheet without the header is read")
	}
}
