package validate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
)

// Severities of a finding.
const (
	Error   = "error"   // 错误: must be fixed
	Warning = "warning" // 警告: verify; may stand with an explanation (说明)
	Info    = "info"    // 提示: worth knowing (a value normalised, a formula replaced by its value)
)

// Rules of the findings that are not checks written in the spec.
const (
	RuleUnreadable  = "unreadable"  // a cell or table that could not be read
	RuleRequired    = "required"    // a required field left empty
	RuleRange       = "range"       // a value outside its field's range
	RuleEnum        = "enum"        // a value not in the drop-down list
	RulePattern     = "pattern"     // an e-mail address or telephone number of the wrong form
	RuleCatalogue   = "catalogue"   // a value not in an open list (the major catalogue)
	RuleComputed    = "computed"    // a computed cell typed over with another value
	RuleOverwritten = "overwritten" // a computed cell typed over with its own value
	RuleNormalised  = "normalised"  // a value read after normalising what was typed
	RuleFile        = "file"        // something about the file (identity, version, conversion)
	// RuleCrossYear is a 上学年 value that differs from the 本学年 value the
	// school reported the year before (Options.Prior).
	RuleCrossYear = "cross_year"
	// RulePriorYear is last year's data that could not be had, so the
	// cross-year check was not made (Pipeline.Prior failed).
	RulePriorYear = "prior_year"
)

// Value is one cell involved in a finding, with what it holds.
type Value struct {
	Cell  string `json:"cell"`  // e.g. 学生情况!D4, or a range 专业结构!E3:E12
	Value string `json:"value"` // the value read (a sum for a range), "" when empty
}

// Finding is one thing the school must fix, verify or know.
type Finding struct {
	Severity string `json:"severity"`
	Rule     string `json:"rule"`  // a check id of the spec, or one of the Rule… constants
	Sheet    string `json:"sheet"` // sheet name of the first cell ("" for the whole file)
	Cell     string `json:"cell"`  // the first cell, without the sheet ("" for a sheet or the file)
	// Cells are every cell involved, each with its sheet; a list column is a range.
	Cells    []string `json:"cells"`
	Values   []Value  `json:"values"`
	Reported string   `json:"reported,omitempty"` // the value found
	Expected string   `json:"expected,omitempty"` // what it should be (e.g. = 1883, ≤ 1883, 0–100)
	Message  string   `json:"message"`
	// Explanation is the school's 说明 for a warning; Explained is true when
	// there is one.
	Explanation string `json:"explanation,omitempty"`
	Explained   bool   `json:"explained"`

	order int // the sheet's place in the spec
}

// Involves reports whether a cell is one of the finding's cells, directly or
// inside a range.
func (f *Finding) Involves(cell report.Cell) bool {
	col, row, ok := xlsx.SplitRef(cell.Ref)
	if !ok {
		return false
	}
	for _, c := range f.Cells {
		at, _ := report.ParseCell(c)
		if at.Sheet != cell.Sheet {
			continue
		}
		from, to, isRange := strings.Cut(at.Ref, ":")
		if !isRange {
			to = from
		}
		c1, r1, ok1 := xlsx.SplitRef(from)
		c2, r2, ok2 := xlsx.SplitRef(to)
		if ok1 && ok2 && col >= c1 && col <= c2 && row >= r1 && row <= r2 {
			return true
		}
	}
	return false
}

// sortFindings orders findings by sheet (the file's own first, then the
// spec's order), then by cell (row, column), then by rule.
func sortFindings(fs []Finding, r *report.Report) {
	order := map[string]int{}
	for i, m := range r.Sheets {
		if m.Name != "" {
			order[m.Name] = i + 1
		}
	}
	for i := range fs {
		fs[i].order = order[fs[i].Sheet]
		if fs[i].Sheet != "" && fs[i].order == 0 {
			fs[i].order = len(r.Sheets) + 1
		}
	}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.order != b.order {
			return a.order < b.order
		}
		if a.Sheet != b.Sheet {
			return a.Sheet < b.Sheet
		}
		ca, ra, _ := xlsx.SplitRef(a.Cell)
		cb, rb, _ := xlsx.SplitRef(b.Cell)
		if ra != rb {
			return ra < rb
		}
		if ca != cb {
			return ca < cb
		}
		return a.Rule < b.Rule
	})
}

// Counts are the number of findings of each severity.
type Counts struct {
	Errors    int `json:"errors"`
	Warnings  int `json:"warnings"`
	Explained int `json:"explained"` // warnings with a 说明
	Infos     int `json:"infos"`
}

// Count counts findings by severity.
func Count(fs []Finding) Counts {
	var c Counts
	for _, f := range fs {
		switch f.Severity {
		case Error:
			c.Errors++
		case Warning:
			c.Warnings++
			if f.Explained {
				c.Explained++
			}
		default:
			c.Infos++
		}
	}
	return c
}

// SeverityLabel is a severity in words: 错误, 警告, 提示 (error, warning, note).
func SeverityLabel(severity, lang string) string {
	if lang == "en" {
		return map[string]string{Error: "error", Warning: "warning", Info: "note"}[severity]
	}
	return map[string]string{Error: "错误", Warning: "警告", Info: "提示"}[severity]
}

// Marks turns findings into what an annotated copy shows.
func Marks(fs []Finding, lang string) []report.Mark {
	marks := make([]report.Mark, 0, len(fs))
	for _, f := range fs {
		cells := f.Cells
		if len(cells) == 0 && f.Sheet != "" {
			cells = []string{report.Cell{Sheet: f.Sheet, Ref: "A1"}.String()}
		}
		marks = append(marks, report.Mark{Severity: f.Severity, Label: SeverityLabel(f.Severity, lang), Rule: f.Rule, Cells: cells,
			Message: f.Message, Reported: f.Reported, Expected: strings.TrimPrefix(f.Expected, "= "), Explanation: f.Explanation})
	}
	return marks
}

// LetterOf is what the annotated copy of a checked report says to the
// school: its name and year, the date, and every finding with the row and
// column of its first cell in words.
func LetterOf(s *spec.Spec, r *report.Report, fs []Finding, lang, date string) report.Letter {
	l := report.Letter{Date: date, Marks: Marks(fs, lang)}
	if sh, f := s.Role("school_name"); f != nil {
		l.School = r.Book.Get(sh.Key, report.Key{Field: f.Key}).String()
	}
	if sh, f := s.Role("school_year"); f != nil {
		l.Year = r.Book.Get(sh.Key, report.Key{Field: f.Key}).String()
	}
	where := places(s, r)
	for i := range l.Marks {
		m := &l.Marks[i]
		if len(m.Cells) == 0 {
			continue
		}
		at, _ := report.ParseCell(m.Cells[0])
		p, ok := where[at.First().String()]
		if !ok {
			continue
		}
		m.Row, m.Column = p[0], p[1]
		if from, to, isRange := strings.Cut(at.Ref, ":"); isRange {
			_, r1, _ := xlsx.SplitRef(from)
			_, r2, _ := xlsx.SplitRef(to)
			if r1 != r2 {
				m.Row = "各行"
			}
		}
	}
	return l
}

// places gives each cell of the spec in the file (学生情况!D4) its row label
// and column title in words.
func places(s *spec.Spec, r *report.Report) map[string][2]string {
	years := map[string]string{spec.ColPrev: s.Columns.Prev, spec.ColCur: s.Columns.Cur, spec.ColPct: s.Columns.Pct}
	out := make(map[string][2]string, len(r.Located))
	for _, l := range r.Located {
		a, c := l.Addr, l.Cell
		sh := s.Sheet(a.Sheet)
		if sh == nil || c.IsZero() {
			continue
		}
		f := sh.Field(a.Field)
		if f == nil {
			continue
		}
		var row, col string
		switch {
		case a.InRow:
			row = fmt.Sprintf("第%d行", a.Row+1)
			if name := rowName(sh, r, a.Row); name != "" {
				row += "（" + name + "）"
			}
			col = f.HeaderLabel()
		case a.Col == report.TotalCol:
			row, col = s.Columns.Total, f.HeaderLabel()
		default:
			row, col = f.Label, years[a.Col]
		}
		out[c.First().String()] = [2]string{row, col}
	}
	return out
}

// rowName is what names a list's data row: its first filled text or
// drop-down column (专业名称, 项目名称).
func rowName(sh *spec.Sheet, r *report.Report, i int) string {
	rows := r.Book.Rows(sh.Key)
	if i >= len(rows) {
		return ""
	}
	for _, c := range sh.Columns {
		if c.Input() && (c.Type == spec.TypeText || c.Type == spec.TypeEnum) {
			if v := rows[i][c.Key]; !v.IsEmpty() {
				return v.String()
			}
		}
	}
	return ""
}
