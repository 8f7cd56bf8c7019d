package reader

import (
	"strings"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/xlsx"
)

// explainHeaders are the columns of both sheets, as found by label
// (normalised once, not for each cell looked at).
var explainHeaders = []struct{ label, key string }{
	{norm("工作表"), "sheet"}, {norm("单元格"), "cell"}, {norm("规则"), "rule"}, {norm("规则编号"), "rule"}, {norm("说明"), "text"},
}

// explanations reads the 说明 rows of the 情况说明 and 审核结果 sheets.
func (r *reader) explanations() {
	for i, sh := range r.wb.Sheets {
		if sh.Name != report.ExplainSheet && sh.Name != report.ResultSheet {
			continue
		}
		g := r.grids[i]
		hrow, cols := 0, map[string]int{}
		for row := 1; row <= 5 && hrow == 0; row++ {
			found := map[string]int{}
			for col := 1; col <= 20; col++ {
				label := norm(g.text(row, col))
				for _, h := range explainHeaders {
					if k := h.key; label == h.label || (k == "text" && strings.HasPrefix(label, h.label)) {
						if _, dup := found[k]; !dup {
							found[k] = col
						}
					}
				}
			}
			if found["text"] > 0 && found["rule"] > 0 {
				hrow, cols = row, found
			}
		}
		if hrow == 0 {
			continue
		}
		last := g.lastRow()
		for row := hrow + 1; row <= last; row++ {
			text := strings.TrimSpace(g.text(row, cols["text"]))
			if text == "" {
				continue
			}
			e := report.Explanation{Text: text, At: report.Cell{Sheet: sh.Name, Ref: xlsx.CellName(cols["text"], row)}.String()}
			if c := cols["sheet"]; c > 0 {
				e.Sheet = strings.TrimSpace(g.text(row, c))
			}
			if c := cols["cell"]; c > 0 {
				e.Cell = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(g.text(row, c)), "$", ""))
			}
			e.Rule = strings.TrimSpace(g.text(row, cols["rule"]))
			r.out.Explanations = append(r.out.Explanations, e)
		}
	}
}
