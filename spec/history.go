package spec

import (
	"fmt"
	"strings"
)

// HistoryRows are the indicator rows (sheet.row) the region's figures are
// shown by year: the spec's history, else the numeric rows of indicator
// sheets its sentences and then its charts cite, each once, in that order.
func (s *Spec) HistoryRows() []string {
	if len(s.History) > 0 {
		return s.History
	}
	var out []string
	seen := map[string]bool{}
	add := func(ref string) {
		sheet, row, _ := strings.Cut(ref, ".")
		if seen[ref] || !s.numericIndicatorRow(sheet, row) {
			return
		}
		seen[ref] = true
		out = append(out, ref)
	}
	for _, st := range s.Sentences {
		for _, m := range placeholder.FindAllStringSubmatch(st.Text, -1) {
			if parts := strings.Split(m[1], "."); len(parts) == 3 {
				add(parts[0] + "." + parts[1])
			}
		}
	}
	for _, ch := range s.Charts {
		for _, r := range ch.Rows {
			add(r)
		}
	}
	return out
}

// numericIndicatorRow reports whether row is a numeric row of the indicator
// sheet sheet.
func (s *Spec) numericIndicatorRow(sheet, row string) bool {
	sh := s.Sheet(sheet)
	if sh == nil || sh.Kind != KindIndicator {
		return false
	}
	f := sh.Field(row)
	return f != nil && f.Numeric()
}

// historyErrors checks that every history entry names a numeric row of an
// indicator sheet, once.
func (c *semantics) historyErrors() {
	seen := map[string]bool{}
	for i, r := range c.s.History {
		p := fmt.Sprintf("history[%d]", i)
		sheet, row, _ := strings.Cut(r, ".")
		switch {
		case !c.s.numericIndicatorRow(sheet, row):
			c.add(p, "历年指标 %q 不是指标表中的数值行（写成 表.行）", "history entry %q is not a numeric row of an indicator sheet (sheet.row)", r)
		case seen[r]:
			c.add(p, "历年指标 %q 重复", "history entry %q is listed twice", r)
		}
		seen[r] = true
	}
}

// YearRows are a sheet's rows with 上学年 and 本学年, which last year's
// report can fill and be compared with: an indicator table's rows, or the
// indicator rows below a list (none for another sheet).
func (sh *Sheet) YearRows() []Field {
	switch {
	case sh.Kind == KindIndicator:
		return sh.Rows
	case sh.Summary != nil:
		return sh.Summary.Rows
	}
	return nil
}
