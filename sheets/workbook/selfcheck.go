package workbook

import (
	"fmt"
	"strings"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/nianbao/nianbao/spec"
	"github.com/xuri/excelize/v2"
)

// Rows of the 自查 sheet: the title, the counts, the header, then one row per
// check and place.
const (
	selfCheckCount  = 2
	selfCheckHeader = 3
	selfCheckFirst  = 4
	selfCheckResult = 6 // the 结果 column
)

// SelfCheckRow is one row of the template's 自查 sheet: a check at one place.
type SelfCheckRow struct {
	Row   int    // worksheet row
	Rule  string // the check's id
	Sheet string // the sheet's key
	// Ctx is the place: a year, a list's data row (AtRow, Row), or none.
	Ctx formula.Ctx
	// Label is the row a change check is shown for ("" otherwise).
	Label string
	// Formula is the 结果 formula ("" where the check cannot be written so).
	Formula string
}

// checkLocator renders references from the 自查 sheet: every cell with its
// sheet, a list's current row from the place's row index.
type checkLocator struct{ book *layout.Book }

func (l checkLocator) Cell(r formula.Ref, ctx formula.Ctx) string {
	row := 0
	if ctx.AtRow {
		row = l.book.Sheets[r.Sheet].ListFirst + ctx.Row
	}
	return locator{book: l.book, row: row}.Cell(r, ctx)
}

func (l checkLocator) Range(r formula.Ref) string { return locator{book: l.book}.Range(r) }

// SelfCheckRows lists the rows of the 自查 sheet of a template with the
// given list rows: every check of the spec per year (上学年, 本学年) on
// indicator sheets, per data row of the template's list on lists (a change
// check per indicator row it covers), or once.
func SelfCheckRows(p *formula.Program, listRows int) []SelfCheckRow {
	book := layout.New(p, listRows)
	loc := checkLocator{book: book}
	var out []SelfCheckRow
	row := selfCheckFirst
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		for j := range sh.Checks {
			c := &sh.Checks[j]
			var ctxs []formula.Ctx
			switch formula.CheckExcelScope(sh, c) {
			case formula.ScopeYear:
				ctxs = []formula.Ctx{{Year: spec.ColPrev}, {Year: spec.ColCur}}
			case formula.ScopeRow:
				l := book.Sheets[sh.Key]
				for r := 0; r <= l.ListLast-l.ListFirst; r++ {
					ctxs = append(ctxs, formula.RowCtx(r))
				}
			default:
				ctxs = []formula.Ctx{{}}
			}
			for _, ctx := range ctxs {
				for _, cell := range p.CheckExcel(sh, c, loc, ctx) {
					f := cell.Status
					if f != "" && ctx.AtRow {
						f = fmt.Sprintf(`IF(%s,"",%s)`, emptyRowTest(book, sh, ctx.Row), f)
					}
					if f != "" {
						f = fmt.Sprintf(`IFERROR(%s,%q)`, f, formula.StatusText)
					}
					out = append(out, SelfCheckRow{Row: row, Rule: c.ID, Sheet: sh.Key, Ctx: ctx, Label: cell.Label, Formula: f})
					row++
				}
			}
		}
	}
	return out
}

// emptyRowTest holds when a list's data row has no input: validate reads no
// such row, and 自查 leaves it blank.
func emptyRowTest(book *layout.Book, sh *spec.Sheet, i int) string {
	l := book.Sheets[sh.Key]
	var cells []string
	for _, f := range sh.Columns {
		if f.Input() {
			cells = append(cells, quoteSheet(sh.Name)+"!"+absName(l.ColOf[f.Key], l.ListFirst+i))
		}
	}
	return "COUNTA(" + strings.Join(cells, ",") + ")=0"
}

// selfCheck writes the 自查 sheet: every check of the spec at every place
// with a live formula showing 通过 / 未通过 / 未填 (and 不适用, 格式有误),
// and the counts at the top.
func (w *templateWriter) selfCheck() error {
	if err := w.newSheet(report.SelfCheckSheet); err != nil {
		return err
	}
	rows := SelfCheckRows(w.p, w.opt.ListRows)
	last := selfCheckFirst + len(rows) - 1
	if len(rows) == 0 {
		last = selfCheckFirst
	}
	headers := []string{"序号", "工作表", "位置", "级别", "检查内容", "结果"}
	if err := w.set(1, layout.TitleRow, "自查：各项审核规则（与教育局审核所用规则相同），随填随算", stTitle, ""); err != nil {
		return err
	}
	if err := w.f.MergeCell(w.sheet, "A1", cellName(len(headers), layout.TitleRow)); err != nil {
		return err
	}
	if err := w.f.SetRowHeight(w.sheet, layout.TitleRow, 28); err != nil {
		return err
	}
	res := fmt.Sprintf("%s:%s", absName(selfCheckResult, selfCheckFirst), absName(selfCheckResult, last))
	count := func(s string) string { return fmt.Sprintf(`COUNTIF(%s,"%s")`, res, s) }
	summary := fmt.Sprintf(`"未通过 "&%s&" 项，未填 "&%s&" 项，格式有误 "&%s&" 项，通过 "&%s&" 项（“未填”的规则待填写后才检查）"`,
		count(formula.StatusFail), count(formula.StatusEmpty), count(formula.StatusText), count(formula.StatusPass))
	if err := w.f.SetCellFormula(w.sheet, "A2", summary); err != nil {
		return err
	}
	if err := w.style("A2", "A2", stLabelBold, ""); err != nil {
		return err
	}
	if err := w.f.MergeCell(w.sheet, "A2", cellName(len(headers), selfCheckCount)); err != nil {
		return err
	}
	if err := w.f.SetRowHeight(w.sheet, selfCheckCount, 22); err != nil {
		return err
	}
	if err := w.headers(selfCheckHeader, headers); err != nil {
		return err
	}
	if err := w.selfCheckRows(rows); err != nil {
		return err
	}
	if err := w.selfCheckMarks(res); err != nil {
		return err
	}
	if err := w.widths(map[int]float64{1: 6, 2: 14, 3: 14, 4: 6, 5: 54, 6: 10}); err != nil {
		return err
	}
	if err := w.f.SetPanes(w.sheet, &excelize.Panes{Freeze: true, YSplit: selfCheckHeader, TopLeftCell: "A4", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A4", ActiveCell: "A4", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	if err := w.f.SetSheetDimension(w.sheet, "A1:"+cellName(len(headers), last)); err != nil {
		return err
	}
	if err := w.print(len(headers)); err != nil {
		return err
	}
	if err := w.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: w.sheet,
		RefersTo: fmt.Sprintf("%s!$%d:$%d", quoteSheet(w.sheet), layout.TitleRow, selfCheckHeader)}); err != nil {
		return err
	}
	return w.protect()
}

// selfCheckMarks colours 未通过 red and bold, 格式有误 orange.
func (w *templateWriter) selfCheckMarks(rng string) error {
	for _, m := range []struct{ text, color string }{{formula.StatusFail, "C00000"}, {formula.StatusText, "C65911"}} {
		id, err := w.f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Color: m.color, Bold: true}})
		if err != nil {
			return err
		}
		if err := w.f.SetConditionalFormat(w.sheet, strings.ReplaceAll(rng, "$", ""), []excelize.ConditionalFormatOptions{
			{Type: "cell", Criteria: "==", Format: &id, Value: fmt.Sprintf("%q", m.text)}}); err != nil {
			return err
		}
	}
	return nil
}

// check is a sheet's check by id.
func (w *templateWriter) check(sh *spec.Sheet, id string) *spec.Check {
	for i := range sh.Checks {
		if sh.Checks[i].ID == id {
			return &sh.Checks[i]
		}
	}
	return nil
}

// selfCheckRows writes one row per check and place: 序号, 工作表, 位置, 级别,
// the check's message and its live result.
func (w *templateWriter) selfCheckRows(rows []SelfCheckRow) error {
	severity := map[string]string{spec.SeverityError: "错误", spec.SeverityWarning: "警告"}
	for k, r := range rows {
		sh := w.s.Sheet(r.Sheet)
		c := w.check(sh, r.Rule)
		where := "全表"
		switch {
		case r.Label != "":
			where = r.Label
		case r.Ctx.AtRow:
			where = fmt.Sprintf("第 %d 行", r.Ctx.Row+1)
		case r.Ctx.Year != "":
			where = w.yearLabel(r.Ctx.Year)
		}
		msg := c.Message
		for col, v := range []any{k + 1, sh.Name, where, severity[c.Severity]} {
			if err := w.set(col+1, r.Row, v, stUnit, ""); err != nil {
				return err
			}
		}
		if r.Formula == "" {
			msg += "（此项无法写成公式，请以教育局的审核结果为准）"
			if err := w.set(selfCheckResult, r.Row, "无法自查", stComputed, ""); err != nil {
				return err
			}
		} else if err := w.formula(selfCheckResult, r.Row, r.Formula, ""); err != nil {
			return err
		}
		if err := w.set(5, r.Row, msg, stLabel, ""); err != nil {
			return err
		}
	}
	return nil
}
