package validate

import (
	"fmt"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
)

// crossYear compares this year's 上学年 of every input row of the indicator
// tables (and the indicator rows below a list) with what the school reported
// as 本学年 the year before: counts exactly, decimals and percentages as
// intervals (agree). A row empty in either year is skipped; a difference is
// a warning at this year's 上学年 cell, which a 说明 can explain.
func (v *validator) crossYear(prior *report.PriorYear) {
	for i := range v.p.Spec.Sheets {
		sh := &v.p.Spec.Sheets[i]
		if i < len(v.r.Sheets) && v.r.Sheets[i].Name == "" {
			continue // missing: reported by the reader
		}
		rows := sh.YearRows()
		for j := range rows {
			f := &rows[j]
			if !f.Input() {
				continue
			}
			prev := v.r.Book.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColPrev})
			last := prior.Values[report.ColAddr(sh.Key, f.Key, spec.ColCur)]
			if prev.IsEmpty() || last.IsEmpty() || agree(prev, last, f) {
				continue
			}
			cell := v.cell(report.ColAddr(sh.Key, f.Key, spec.ColPrev))
			if cell == "" {
				continue // the row is missing: reported by the reader
			}
			v.add(Finding{Severity: Warning, Rule: RuleCrossYear, Values: []Value{{cell, prev.String()}},
				Reported: prev.String(), Expected: last.String(), Message: v.crossYearMessage(f, prev, last, prior)}, cell)
		}
	}
}

// crossYearMessage names both values, last year's 学年, file and cell:
// 上学年全日制在校生数（2,310）与 2024-2025 学年报送的本学年数（2,301，文件
// 某校.xlsx 学生情况!D5）不一致；….
func (v *validator) crossYearMessage(f *spec.Field, prev, last report.Value, prior *report.PriorYear) string {
	cols := v.p.Spec.Columns
	where := shown(last)
	if prior.File != "" {
		where += v.msg("，文件 ", ", file ") + prior.File
		if !last.Cell.IsZero() {
			where += " " + last.Cell.String()
		}
	} else if !last.Cell.IsZero() {
		where += v.msg("，", ", ") + last.Cell.String()
	}
	if v.en {
		year := "the year before"
		if prior.Year != "" {
			year = prior.Year
		}
		return fmt.Sprintf("%s, %s (%s), differs from the %s figure reported for %s (%s); if that figure was corrected, give the reason in the %s sheet",
			f.Label, cols.Prev, shown(prev), cols.Cur, year, where, report.ExplainSheet)
	}
	year := "上一学年"
	if prior.Year != "" {
		year = " " + prior.Year + " 学年"
	}
	return fmt.Sprintf("%s%s（%s）与%s报送的%s数（%s）不一致；如该数有更正，请在“%s”中写明理由",
		cols.Prev, f.Label, shown(prev), year, cols.Cur, where, report.ExplainSheet)
}

// shown is a value as a report prints it: numbers with thousands separators.
func shown(val report.Value) string {
	if val.Kind == report.Number {
		return report.GroupThousands(val.Num.String())
	}
	return val.String()
}
