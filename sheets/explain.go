package sheets

import (
	"strings"
)

// ExplainSheet is where a school explains a warning it keeps (说明): one row
// per warning, by sheet, cell and rule. The 说明 column of an annotated copy's
// 审核结果 sheet is read the same way.
const ExplainSheet = "情况说明"

// explainHeaders are the columns of both sheets, as found by label.
var explainHeaders = map[string]string{"工作表": "sheet", "单元格": "cell", "规则": "rule", "规则编号": "rule", "说明": "text"}

// explainRows is how many empty rows the template's 情况说明 offers.
const explainRows = 50

// explainSheet writes the template's 情况说明 sheet.
func (w *templateWriter) explainSheet() error {
	if err := w.newSheet(ExplainSheet); err != nil {
		return err
	}
	headers := []string{"工作表", "单元格", "规则编号", "说明"}
	if err := w.title("情况说明：确属实际情况的“警告”，请在此写明理由（工作表、单元格、规则编号见审核结果）；“错误”必须修改，不能以说明代替", len(headers), headers); err != nil {
		return err
	}
	last := firstRow + explainRows - 1
	if err := w.style(cellName(1, firstRow), cellName(len(headers), last), stInput, "@"); err != nil {
		return err
	}
	if err := w.widths(map[int]float64{1: 16, 2: 10, 3: 32, 4: 80}); err != nil {
		return err
	}
	if err := w.f.SetSheetDimension(w.sheet, "A1:"+cellName(len(headers), last)); err != nil {
		return err
	}
	if err := w.print(len(headers)); err != nil {
		return err
	}
	return w.protect()
}

// Explanation is a school's 说明 for a finding.
type Explanation struct {
	Sheet, Cell, Rule string // what it explains (any may be empty)
	Text              string
	At                string // where it was written, e.g. 情况说明!D3
}

// explanations reads the 说明 rows of the 情况说明 and 审核结果 sheets.
func (r *reader) explanations() {
	for i, sh := range r.wb.Sheets {
		if sh.Name != ExplainSheet && sh.Name != ResultSheet {
			continue
		}
		g := r.grids[i]
		hrow, cols := 0, map[string]int{}
		for row := 1; row <= 5 && hrow == 0; row++ {
			found := map[string]int{}
			for col := 1; col <= 20; col++ {
				label := norm(g.text(row, col))
				for h, k := range explainHeaders {
					if label == norm(h) || (k == "text" && strings.HasPrefix(label, norm(h))) {
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
		last := 0
		for k := range g {
			last = max(last, k[0])
		}
		for row := hrow + 1; row <= last; row++ {
			text := strings.TrimSpace(g.text(row, cols["text"]))
			if text == "" {
				continue
			}
			e := Explanation{Text: text, At: sh.Name + "!" + cellName(cols["text"], row)}
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
