package workbook

import (
	"fmt"
	"io"
	"strings"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
	"github.com/xuri/excelize/v2"
)

// TemplateOptions adjusts the template.
type TemplateOptions struct {
	// ListRows overrides the number of empty rows of every list sheet.
	ListRows int
	// Prefill fixes record fields (by field key) to a value and locks them: the
	// per-school templates fill 学校名称, 学校标识码 and 学年 this way.
	Prefill map[string]string
	// Generator is written into the identity sheet (e.g. "nianbao 0.1.0").
	Generator string
	// Prior fills the 上学年 input cells of the indicator tables with what
	// the school reported as 本学年 the year before (its values exact), each
	// light lavender with a note and unlocked, so that the school corrects
	// what was wrong; 填报说明 says from which year and file. For one
	// school's workbook, with Prefill; its Year must be the one before a
	// prefilled 学年.
	Prior *report.PriorYear
}

// docTime is the fixed creation time of every workbook, so that the same
// inputs give the same bytes.
var docTime = xlsx.DocTime

// WriteTemplate writes the standard workbook of a spec to w.
func WriteTemplate(p *formula.Program, w io.Writer, opt TemplateOptions) error {
	f, err := buildTemplate(p, opt)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteTo(w)
	return err
}

type templateWriter struct {
	f      *excelize.File
	p      *formula.Program
	s      *spec.Spec
	book   *layout.Book
	st     *styles
	opt    TemplateOptions
	sheet  string // name of the sheet being written
	errors []error
	// priorCells is the sheet of each 上学年 cell Prior fills, in order.
	priorCells []string
}

// CheckTemplateOptions returns the error WriteTemplate would give for the
// options before writing anything (a field to prefill that the spec lacks,
// last year's data that does not fit), without writing: a list of schools
// is checked whole before any file is written.
func CheckTemplateOptions(p *formula.Program, opt TemplateOptions) error {
	return (&templateWriter{p: p, s: p.Spec, opt: opt}).checkOptions()
}

func (w *templateWriter) checkOptions() error {
	for k := range w.opt.Prefill {
		if rec := w.recordField(k); rec == nil {
			return fmt.Errorf("规格中没有可预填的字段 %q", k)
		}
	}
	return w.checkPrior()
}

func buildTemplate(p *formula.Program, opt TemplateOptions) (*excelize.File, error) {
	f := excelize.NewFile()
	w := &templateWriter{f: f, p: p, s: p.Spec, book: layout.New(p, opt.ListRows), st: newStyles(f), opt: opt}
	if err := w.checkOptions(); err != nil {
		f.Close()
		return nil, err
	}
	steps := []func() error{w.guide}
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		steps = append(steps, func() error { return w.reportSheet(sh) })
	}
	steps = append(steps, w.selfCheck, w.explainSheet, w.lists, w.identity, w.workbook)
	for _, step := range steps {
		if err := step(); err != nil {
			f.Close()
			return nil, err
		}
	}
	return f, nil
}

func (w *templateWriter) recordField(key string) *spec.Field {
	for i := range w.s.Sheets {
		if w.s.Sheets[i].Kind == spec.KindRecord {
			if f := w.s.Sheets[i].Field(key); f != nil {
				return f
			}
		}
	}
	return nil
}

// set writes a value with a style.
func (w *templateWriter) set(col, row int, v any, kind styleKind, format string) error {
	cell := cellName(col, row)
	if v != nil {
		if err := w.f.SetCellValue(w.sheet, cell, v); err != nil {
			return err
		}
	}
	return w.style(cell, cell, kind, format)
}

func (w *templateWriter) style(from, to string, kind styleKind, format string) error {
	id, err := w.st.get(kind, format)
	if err != nil {
		return err
	}
	return w.f.SetCellStyle(w.sheet, from, to, id)
}

func (w *templateWriter) formula(col, row int, expr string, format string) error {
	cell := cellName(col, row)
	if err := w.f.SetCellFormula(w.sheet, cell, expr); err != nil {
		return fmt.Errorf("%s!%s: %w", w.sheet, cell, err)
	}
	return w.style(cell, cell, stComputed, format)
}

func (w *templateWriter) validate(f *spec.Field, from, to string) error {
	sqref := from
	if to != from {
		sqref = from + ":" + to
	}
	dv, err := dataValidation(w.s, f, sqref, from)
	if err != nil {
		return fmt.Errorf("%s!%s 的数据验证: %w", w.sheet, sqref, err)
	}
	return w.f.AddDataValidation(w.sheet, dv)
}

// title writes the merged title row and the header row.
func (w *templateWriter) title(text string, lastCol int, headers []string) error {
	if err := w.set(1, layout.TitleRow, text, stTitle, ""); err != nil {
		return err
	}
	if err := w.f.MergeCell(w.sheet, cellName(1, layout.TitleRow), cellName(lastCol, layout.TitleRow)); err != nil {
		return err
	}
	if err := w.f.SetRowHeight(w.sheet, layout.TitleRow, 28); err != nil {
		return err
	}
	return w.headers(layout.HeaderRow, headers)
}

func (w *templateWriter) headers(row int, headers []string) error {
	for i, h := range headers {
		if err := w.set(i+1, row, h, stHeader, ""); err != nil {
			return err
		}
	}
	return w.f.SetRowHeight(w.sheet, row, 32)
}

func (w *templateWriter) newSheet(name string) error {
	w.sheet = name
	if name == "Sheet1" {
		return nil
	}
	_, err := w.f.NewSheet(name)
	return err
}

func (w *templateWriter) reportSheet(sh *spec.Sheet) error {
	if err := w.newSheet(sh.Name); err != nil {
		return err
	}
	l := w.book.Sheets[sh.Key]
	var err error
	switch sh.Kind {
	case spec.KindRecord:
		err = w.record(sh, l)
	case spec.KindIndicator:
		err = w.indicator(sh, l)
	case spec.KindList:
		err = w.list(sh, l)
	}
	if err != nil {
		return fmt.Errorf("写工作表 %s: %w", sh.Name, err)
	}
	return w.finishSheet(l)
}

func (w *templateWriter) record(sh *spec.Sheet, l *layout.Sheet) error {
	if err := w.title(sh.Title, layout.ColRecHint, []string{"项目", "内容", "说明"}); err != nil {
		return err
	}
	for i := range sh.Rows {
		f := &sh.Rows[i]
		row := l.RowOf[f.Key]
		label := f.Label
		if f.Required {
			label += " *"
		}
		if err := w.set(layout.ColLabel, row, label, stLabel, ""); err != nil {
			return err
		}
		if err := w.set(layout.ColRecHint, row, f.Hint, stLabel, ""); err != nil {
			return err
		}
		if v, ok := w.opt.Prefill[f.Key]; ok {
			if err := w.f.SetCellStr(w.sheet, cellName(layout.ColRecValue, row), v); err != nil {
				return err
			}
			if err := w.set(layout.ColRecValue, row, nil, stPrefilled, numFmt(f)); err != nil {
				return err
			}
			continue
		}
		if err := w.set(layout.ColRecValue, row, nil, stInput, inputFmt(f)); err != nil {
			return err
		}
		cell := cellName(layout.ColRecValue, row)
		if err := w.validate(f, cell, cell); err != nil {
			return err
		}
	}
	return w.widths(map[int]float64{layout.ColLabel: 22, layout.ColRecValue: 40, layout.ColRecHint: 36})
}

func (w *templateWriter) indicator(sh *spec.Sheet, l *layout.Sheet) error {
	c := w.s.Columns
	if err := w.title(sh.Title, layout.ColPct, []string{c.Label, c.Unit, c.Prev, c.Cur, c.Pct}); err != nil {
		return err
	}
	if err := w.yearRows(sh, sh.Rows, l); err != nil {
		return err
	}
	return w.widths(map[int]float64{layout.ColLabel: 36, layout.ColUnit: 12, layout.ColPrev: 16, layout.ColCur: 16, layout.ColPct: 18})
}

// yearRows writes indicator rows (or a list's summary rows): label, unit, the
// two year cells (input or formula) and the comparison formula.
func (w *templateWriter) yearRows(sh *spec.Sheet, rows []spec.Field, l *layout.Sheet) error {
	loc := locator{book: w.book, home: sh.Key}
	for i := range rows {
		f := &rows[i]
		row := l.RowOf[f.Key]
		if err := w.set(layout.ColLabel, row, f.Label, stLabel, ""); err != nil {
			return err
		}
		if err := w.set(layout.ColUnit, row, f.Unit, stUnit, ""); err != nil {
			return err
		}
		for _, year := range []string{spec.ColPrev, spec.ColCur} {
			col := yearCol(year)
			if v := w.priorValue(sh.Key, f); year == spec.ColPrev && !v.IsEmpty() {
				if err := w.prefillPrior(col, row, f, v); err != nil {
					return err
				}
				continue
			}
			if f.Derived != nil {
				ctx := formula.Ctx{Year: year, YearLabel: w.yearLabel(year)}
				if err := w.formula(col, row, w.p.Expr(f.Derived).Excel(loc, ctx, f.Places()), numFmt(f)); err != nil {
					return err
				}
				continue
			}
			if err := w.set(col, row, nil, stInput, inputFmt(f)); err != nil {
				return err
			}
		}
		if f.Derived == nil {
			if err := w.validate(f, cellName(layout.ColPrev, row), cellName(layout.ColCur, row)); err != nil {
				return err
			}
		}
		if f.NoCompare || !f.Numeric() {
			if err := w.set(layout.ColPct, row, nil, stComputed, ""); err != nil {
				return err
			}
			continue
		}
		if err := w.formula(layout.ColPct, row, formula.RatioExcel(cellName(layout.ColCur, row), cellName(layout.ColPrev, row), "100", formula.PctPlaces), pctFmt); err != nil {
			return err
		}
	}
	return nil
}

func (w *templateWriter) yearLabel(year string) string {
	if year == spec.ColPrev {
		return w.s.Columns.Prev
	}
	return w.s.Columns.Cur
}

func (w *templateWriter) list(sh *spec.Sheet, l *layout.Sheet) error {
	headers := make([]string, len(sh.Columns))
	for i := range sh.Columns {
		headers[i] = sh.Columns[i].HeaderLabel()
	}
	if err := w.title(sh.Title, len(sh.Columns), headers); err != nil {
		return err
	}
	var inputs []string // input cells of the first data row, for 序号
	for _, c := range sh.Columns {
		if c.Input() {
			inputs = append(inputs, colName(l.ColOf[c.Key]))
		}
	}
	labelCol := totalLabelColumn(sh)
	widths := map[int]float64{}
	for i := range sh.Columns {
		f := &sh.Columns[i]
		col := l.ColOf[f.Key]
		widths[col] = columnWidth(f)
		if err := w.listColumn(sh, l, f, col, inputs); err != nil {
			return err
		}
		if err := w.listTotal(sh, l, f, col, labelCol); err != nil {
			return err
		}
	}
	if sh.Summary != nil {
		if err := w.listSummary(sh, l, widths); err != nil {
			return err
		}
	}
	return w.widths(widths)
}

// listColumn writes a list column's data rows: 序号 and derived cells as
// formulas, input cells styled and validated.
func (w *templateWriter) listColumn(sh *spec.Sheet, l *layout.Sheet, f *spec.Field, col int, inputs []string) error {
	from, to := cellName(col, l.ListFirst), cellName(col, l.ListLast)
	switch {
	case f.Type == spec.TypeSeq:
		for row := l.ListFirst; row <= l.ListLast; row++ {
			cells := make([]string, len(inputs))
			for k, c := range inputs {
				cells[k] = fmt.Sprintf("%s%d", c, row)
			}
			expr := fmt.Sprintf(`IF(COUNTA(%s)=0,"",ROW()-%d)`, strings.Join(cells, ","), l.ListFirst-1)
			if err := w.formula(col, row, expr, "0"); err != nil {
				return err
			}
		}
	case f.Derived != nil:
		for row := l.ListFirst; row <= l.ListLast; row++ {
			loc := locator{book: w.book, home: sh.Key, row: row}
			if err := w.formula(col, row, w.p.Expr(f.Derived).Excel(loc, formula.RowCtx(row-l.ListFirst), f.Places()), numFmt(f)); err != nil {
				return err
			}
		}
	default:
		if err := w.style(from, to, stInput, inputFmt(f)); err != nil {
			return err
		}
		if err := w.validate(f, from, to); err != nil {
			return err
		}
	}
	return nil
}

// listTotal writes a list column's cell of the 合计 row: the label, a sum, a
// rate recomputed from the sums, or a grey empty cell.
func (w *templateWriter) listTotal(sh *spec.Sheet, l *layout.Sheet, f *spec.Field, col, labelCol int) error {
	rng := fmt.Sprintf("%s:%s", absName(col, l.ListFirst), absName(col, l.ListLast))
	switch kind := f.TotalKind(); {
	case col == labelCol:
		return w.set(col, l.TotalRow, w.s.Columns.Total, stLabelBold, "")
	case kind == "sum":
		return w.formula(col, l.TotalRow, formula.SumExcel(rng), numFmt(f))
	case kind == "derived":
		loc := locator{book: w.book, home: sh.Key, row: l.TotalRow}
		return w.formula(col, l.TotalRow, w.p.Expr(f.Derived).Excel(loc, formula.Ctx{}, f.Places()), numFmt(f))
	}
	return w.set(col, l.TotalRow, nil, stComputed, "")
}

// listSummary writes the indicator rows below a list (its summary), and
// widens the columns they need.
func (w *templateWriter) listSummary(sh *spec.Sheet, l *layout.Sheet, widths map[int]float64) error {
	c := w.s.Columns
	if err := w.set(1, l.SummaryTitle, sh.Summary.Title, stLabelBold, ""); err != nil {
		return err
	}
	if err := w.headers(l.SummaryHeader, []string{c.Label, c.Unit, c.Prev, c.Cur, c.Pct}); err != nil {
		return err
	}
	if err := w.yearRows(sh, sh.Summary.Rows, l); err != nil {
		return err
	}
	// the labels share the list's first column (often a narrow 序号): only
	// as wide as they need
	label := 8.0
	for _, f := range sh.Summary.Rows {
		label = max(label, textWidth(f.Label)+2)
	}
	for col, width := range map[int]float64{layout.ColLabel: min(label, 24), layout.ColUnit: 10, layout.ColPrev: 14, layout.ColCur: 14, layout.ColPct: 18} {
		widths[col] = max(widths[col], width)
	}
	return nil
}

// totalLabelColumn is the column that shows 合计 on a list's total row: the
// one marked total: label, else the first text column.
func totalLabelColumn(sh *spec.Sheet) int {
	first := 0
	for i, c := range sh.Columns {
		if c.Total == "label" {
			return i + 1
		}
		if first == 0 && c.Total == "" && c.TotalKind() == "none" && c.Type != spec.TypeSeq {
			first = i + 1
		}
	}
	return first
}

func columnWidth(f *spec.Field) float64 {
	if f.Width > 0 {
		return float64(f.Width)
	}
	if f.Type == spec.TypeSeq {
		return 6
	}
	w := 6.0
	for _, r := range f.HeaderLabel() {
		if r > 0x2E80 {
			w += 2
		} else {
			w++
		}
	}
	return min(max(w/1.6, 8), 30)
}

func (w *templateWriter) widths(ws map[int]float64) error {
	for col, width := range ws {
		if err := w.f.SetColWidth(w.sheet, colName(col), colName(col), width); err != nil {
			return err
		}
	}
	return nil
}

// finishSheet freezes the header, sets printing and protects the sheet.
func (w *templateWriter) finishSheet(l *layout.Sheet) error {
	xSplit, top, pane := 0, "A3", "bottomLeft"
	if l.Spec.Kind != spec.KindList {
		xSplit, top, pane = 1, "B3", "bottomRight"
	}
	if err := w.f.SetPanes(w.sheet, &excelize.Panes{Freeze: true, XSplit: xSplit, YSplit: layout.HeaderRow, TopLeftCell: top, ActivePane: pane,
		Selection: []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: pane}}}); err != nil {
		return err
	}
	// openpyxl's read-only mode trusts the dimension: give the real one
	if err := w.f.SetSheetDimension(w.sheet, "A1:"+cellName(l.LastCol, l.LastRow)); err != nil {
		return err
	}
	if err := w.print(l.LastCol); err != nil {
		return err
	}
	if err := w.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: w.sheet,
		RefersTo: fmt.Sprintf("%s!$%d:$%d", quoteSheet(w.sheet), layout.TitleRow, layout.HeaderRow)}); err != nil {
		return err
	}
	return w.protect()
}

// portraitWidth is how wide (in characters of the default font) a sheet may
// be to print on A4 portrait without shrinking much; a wider one prints
// landscape.
const portraitWidth = 105

// print sets A4, one page wide, portrait unless the sheet's columns up to
// lastCol are wider than the page.
func (w *templateWriter) print(lastCol int) error {
	size, fitW, fitH := 9, 1, 0
	orient := "portrait"
	width := 0.0
	for c := 1; c <= lastCol; c++ {
		cw, err := w.f.GetColWidth(w.sheet, colName(c))
		if err != nil {
			return err
		}
		width += cw
	}
	if width > portraitWidth {
		orient = "landscape"
	}
	fit := true
	if err := w.f.SetPageLayout(w.sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &fitW, FitToHeight: &fitH}); err != nil {
		return err
	}
	return w.f.SetSheetProps(w.sheet, &excelize.SheetPropsOptions{FitToPage: &fit})
}

// protect locks the sheet without a password: computed cells cannot be typed
// over by accident, every cell can still be selected, and rows can be inserted
// and deleted (to add rows to a list).
func (w *templateWriter) protect() error {
	return w.f.ProtectSheet(w.sheet, &excelize.SheetProtectionOptions{
		SelectLockedCells:   true,
		SelectUnlockedCells: true,
		FormatColumns:       true,
		FormatRows:          true,
		InsertRows:          true,
		DeleteRows:          true,
	})
}

// lists writes long enums to a hidden sheet, each under a defined name.
func (w *templateWriter) lists() error {
	var long []*spec.Enum
	for i := range w.s.Enums {
		if !inlineList(&w.s.Enums[i]) {
			long = append(long, &w.s.Enums[i])
		}
	}
	if len(long) == 0 {
		return nil
	}
	if err := w.newSheet(listSheet); err != nil {
		return err
	}
	for i, e := range long {
		col := i + 1
		if err := w.f.SetCellStr(w.sheet, cellName(col, 1), e.Label); err != nil {
			return err
		}
		for j, v := range e.Values {
			if err := w.f.SetCellStr(w.sheet, cellName(col, j+2), v); err != nil {
				return err
			}
		}
		ref := fmt.Sprintf("%s!%s:%s", quoteSheet(listSheet), absName(col, 2), absName(col, len(e.Values)+1))
		if err := w.f.SetDefinedName(&excelize.DefinedName{Name: enumName(e.Key), RefersTo: ref}); err != nil {
			return err
		}
	}
	if err := w.protect(); err != nil {
		return err
	}
	return w.f.SetSheetVisible(listSheet, false)
}

// identity writes the template's spec id, version and fingerprint into the
// document properties and a very hidden sheet.
func (w *templateWriter) identity() error {
	fp := w.s.Fingerprint()
	if err := w.newSheet(report.MetaSheet); err != nil {
		return err
	}
	rows := [][2]string{
		{"spec_id", w.s.ID},
		{"spec_version", w.s.Version},
		{"fingerprint", fp},
		{"generator", w.opt.Generator},
	}
	for _, sh := range w.s.Sheets {
		rows = append(rows, [2]string{"sheet:" + sh.Key, sh.Name})
	}
	for i, r := range rows {
		if err := w.f.SetSheetRow(w.sheet, cellName(1, i+1), &[]any{r[0], r[1]}); err != nil {
			return err
		}
	}
	if err := w.protect(); err != nil {
		return err
	}
	if err := w.f.SetSheetVisible(report.MetaSheet, false, true); err != nil {
		return err
	}
	for _, p := range []excelize.CustomProperty{
		{Name: report.PropSpecID, Value: w.s.ID},
		{Name: report.PropSpecVersion, Value: w.s.Version},
		{Name: report.PropFingerprint, Value: fp},
	} {
		if err := w.f.SetCustomProps(p); err != nil {
			return err
		}
	}
	return nil
}

// workbook sets what belongs to the whole file: properties, recalculation on
// open, and the sheet shown first.
func (w *templateWriter) workbook() error {
	if err := w.f.SetDocProps(&excelize.DocProperties{
		Title:       w.s.Title,
		Subject:     w.s.ID + " " + w.s.Version,
		Creator:     "nianbao",
		Description: "由 nianbao 生成的质量年度报告数据表模板",
		Created:     docTime,
		Modified:    docTime,
		Language:    "zh-CN",
	}); err != nil {
		return err
	}
	on := true
	if err := w.f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &on}); err != nil {
		return err
	}
	idx, err := w.f.GetSheetIndex(report.GuideSheet)
	if err != nil {
		return err
	}
	w.f.SetActiveSheet(idx)
	return nil
}
