// Package summary writes the sentences a region's report is written from
// (报告摘要): the spec declares them, with placeholders for the region's
// figures, their change on the year before and its direction; Render fills
// them in with exact decimals and says which cells of 汇总 each came from.
package summary

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

// Figures are the region's consolidated values.
type Figures interface {
	// Value is the region's value of an indicator row in a year column
	// (spec.ColPrev or spec.ColCur); empty when no school gave it.
	Value(sheet, field, col string) report.Value
	// Cell is where that value stands in the consolidated workbook, e.g.
	// 汇总!D5, or "" when it stands nowhere.
	Cell(sheet, field, col string) string
	// Schools is how many schools were consolidated.
	Schools() int
}

// Sentence is one filled-in sentence.
type Sentence struct {
	Key     string   `json:"key,omitempty"`
	Heading string   `json:"heading"`
	Text    string   `json:"text"`            // "" when Missing says why it could not be written
	Cites   []string `json:"cites,omitempty"` // the 汇总 cells its figures came from
	Missing string   `json:"missing,omitempty"`
}

var placeholder = regexp.MustCompile(`\{([^{}]*)\}`)

var hundred = decimal.NewFromInt(100)

// Render fills in every sentence of the spec.
func Render(s *spec.Spec, fig Figures) []Sentence {
	out := make([]Sentence, 0, len(s.Sentences))
	for _, st := range s.Sentences {
		out = append(out, render(s, st, fig))
	}
	return out
}

func render(s *spec.Spec, st spec.Sentence, fig Figures) Sentence {
	r := Sentence{Key: st.Key, Heading: st.Heading}
	seen := map[string]bool{}
	cite := func(c string) {
		if c != "" && !seen[c] {
			seen[c] = true
			r.Cites = append(r.Cites, c)
		}
	}
	var missing []string
	text := placeholder.ReplaceAllStringFunc(st.Text, func(m string) string {
		name := m[1 : len(m)-1]
		if name == "schools" {
			return groupDigits(decimal.NewFromInt(int64(fig.Schools())), 0)
		}
		parts := strings.Split(name, ".")
		if len(parts) != 3 {
			missing = append(missing, fmt.Sprintf("占位符 %s 无效", m))
			return m
		}
		sh := s.Sheet(parts[0])
		var f *spec.Field
		if sh != nil {
			f = sh.Field(parts[1])
		}
		if f == nil {
			missing = append(missing, fmt.Sprintf("占位符 %s 无效", m))
			return m
		}
		txt, why := word(f, parts[2], fig, parts[0], cite)
		if why != "" {
			missing = append(missing, why)
		}
		return txt
	})
	if len(missing) > 0 {
		r.Missing = strings.Join(missing, "；")
		r.Cites = nil
		return r
	}
	r.Text = text
	return r
}

// word is one placeholder's text, or why it cannot be written.
func word(f *spec.Field, what string, fig Figures, sheet string, cite func(string)) (string, string) {
	if what == "unit" {
		return f.Unit, ""
	}
	value := func(col string) (decimal.Decimal, string) {
		v := fig.Value(sheet, f.Key, col)
		if v.Kind != report.Number {
			year := "本学年"
			if col == spec.ColPrev {
				year = "上学年"
			}
			return decimal.Decimal{}, fmt.Sprintf("缺少%s“%s”的数据", year, f.Label)
		}
		cite(fig.Cell(sheet, f.Key, col))
		return v.Num, ""
	}
	places := int32(f.Places())
	if what == spec.ColCur || what == spec.ColPrev {
		d, why := value(what)
		return groupDigits(d, places), why
	}
	cur, why := value(spec.ColCur)
	if why != "" {
		return "", why
	}
	prev, why := value(spec.ColPrev)
	if why != "" {
		return "", why
	}
	rate := f.Unit == "%"
	up, down := "增长", "减少"
	if rate {
		up, down = "提高", "下降"
	}
	diff := cur.Sub(prev)
	dir := "持平"
	switch diff.Sign() {
	case 1:
		dir = up
	case -1:
		dir = down
	}
	points := func() string { return fmt.Sprintf("%s %s 个百分点", dir, groupDigits(diff.Abs(), places)) }
	switch {
	case what == "dir", diff.IsZero():
		return dir, ""
	case rate: // a rate changes by percentage points, in change and diff alike
		return points(), ""
	case what == "diff":
		more := "增加"
		if diff.Sign() < 0 {
			more = "减少"
		}
		return fmt.Sprintf("%s %s %s", more, groupDigits(diff.Abs(), places), f.Unit), ""
	case prev.IsZero():
		return "", fmt.Sprintf("上学年“%s”为 0，无法计算增减幅度", f.Label)
	}
	pct := diff.Abs().Mul(hundred).Div(prev.Abs()).Round(1)
	if pct.IsZero() {
		return dir + "不到 0.1%", ""
	}
	return fmt.Sprintf("%s %s%%", dir, pct.StringFixed(1)), ""
}

// groupDigits shows a number with its field's decimals and thousands
// separators, as a report prints it: 17,699; 6,423.84.
func groupDigits(d decimal.Decimal, places int32) string {
	return report.GroupThousands(d.StringFixed(places))
}
