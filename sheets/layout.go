package sheets

import (
	"fmt"
	"strings"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/xuri/excelize/v2"
)

// Fixed places of every sheet: the title in row 1, the header in row 2, the
// first field in row 3.
const (
	titleRow  = 1
	headerRow = 2
	firstRow  = 3
)

// Indicator (and summary) columns: 指标 | 单位 | 上学年 | 本学年 | 本学年为上学年(%).
const (
	colLabel = 1
	colUnit  = 2
	colPrev  = 3
	colCur   = 4
	colPct   = 5
)

// Record columns: 项目 | 内容 | 说明.
const (
	colRecValue = 2
	colRecHint  = 3
)

// yearCol maps an indicator column key to its column number.
var yearCol = map[string]int{spec.ColPrev: colPrev, spec.ColCur: colCur, spec.ColPct: colPct}

// sheetLayout says where each field of a sheet is in the template.
type sheetLayout struct {
	sheet *spec.Sheet
	rowOf map[string]int // record, indicator and summary rows
	colOf map[string]int // list columns
	// list sheets
	listFirst, listLast, totalRow int
	summaryTitle, summaryHeader   int
	lastRow, lastCol              int
}

// bookLayout is the layout of every sheet of a spec.
type bookLayout struct {
	prog   *formula.Program
	sheets map[string]*sheetLayout
}

func newBookLayout(p *formula.Program, listRows int) *bookLayout {
	b := &bookLayout{prog: p, sheets: map[string]*sheetLayout{}}
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		l := &sheetLayout{sheet: sh, rowOf: map[string]int{}, colOf: map[string]int{}}
		switch sh.Kind {
		case spec.KindRecord:
			for j, f := range sh.Rows {
				l.rowOf[f.Key] = firstRow + j
			}
			l.lastRow, l.lastCol = firstRow+len(sh.Rows)-1, colRecHint
		case spec.KindIndicator:
			for j, f := range sh.Rows {
				l.rowOf[f.Key] = firstRow + j
			}
			l.lastRow, l.lastCol = firstRow+len(sh.Rows)-1, colPct
		case spec.KindList:
			for j, f := range sh.Columns {
				l.colOf[f.Key] = j + 1
			}
			n := listRows
			if n <= 0 {
				n = p.Spec.ListRowCount(sh)
			}
			l.listFirst, l.listLast = firstRow, firstRow+n-1
			l.totalRow = l.listLast + 1
			l.lastRow, l.lastCol = l.totalRow, len(sh.Columns)
			if sh.Summary != nil {
				l.summaryTitle = l.totalRow + 2
				l.summaryHeader = l.summaryTitle + 1
				for j, f := range sh.Summary.Rows {
					l.rowOf[f.Key] = l.summaryHeader + 1 + j
				}
				l.lastRow = l.summaryHeader + len(sh.Summary.Rows)
				l.lastCol = max(l.lastCol, colPct)
			}
		}
		b.sheets[sh.Key] = l
	}
	return b
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

func absName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row, true)
	return name
}

func colName(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}

// quoteSheet quotes a sheet name for a formula.
func quoteSheet(name string) string {
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
}

// locator renders references for formulas written on one sheet.
type locator struct {
	book *bookLayout
	home string // sheet key the formula is written on
	row  int    // the worksheet row of the list row being written
}

func (l locator) prefix(sheet string) string {
	if sheet == l.home {
		return ""
	}
	return quoteSheet(l.book.sheets[sheet].sheet.Name) + "!"
}

// Cell implements formula.Locator.
func (l locator) Cell(r formula.Ref, ctx formula.Ctx) string {
	sl := l.book.sheets[r.Sheet]
	rel := r.Sheet == l.home
	name := func(col, row int) string {
		if rel {
			return cellName(col, row)
		}
		return absName(col, row)
	}
	switch sl.sheet.Kind {
	case spec.KindRecord:
		return l.prefix(r.Sheet) + name(colRecValue, sl.rowOf[r.Field])
	case spec.KindList:
		if row, ok := sl.rowOf[r.Field]; ok { // summary row
			return l.prefix(r.Sheet) + name(yearCol[yearOf(r, ctx)], row)
		}
		row := sl.totalRow
		if r.Row == formula.RowCurrent && ctx.Row != formula.TotalRowIndex {
			row = l.row
		}
		return l.prefix(r.Sheet) + name(sl.colOf[r.Field], row)
	}
	return l.prefix(r.Sheet) + name(yearCol[yearOf(r, ctx)], sl.rowOf[r.Field])
}

func yearOf(r formula.Ref, ctx formula.Ctx) string {
	if r.Col != "" {
		return r.Col
	}
	return ctx.Year
}

// Range implements formula.Locator: a list column's data rows.
func (l locator) Range(r formula.Ref) string {
	sl := l.book.sheets[r.Sheet]
	c := sl.colOf[r.Field]
	return fmt.Sprintf("%s%s:%s", l.prefix(r.Sheet), absName(c, sl.listFirst), absName(c, sl.listLast))
}

// Placed is a value at its place in the workbook.
type Placed struct {
	Sheet string // sheet name
	Cell  string // A1 address
	Value report.Value
	// What names the value: sheet key, field key and column or row.
	What string
	Type string // the field's type
}

// inputCells places the input values of a book on the template (list rows in
// order from the first data row).
func (b *bookLayout) inputCells(book *report.Book) ([]Placed, error) {
	var out []Placed
	for i := range b.prog.Spec.Sheets {
		sh := &b.prog.Spec.Sheets[i]
		l := b.sheets[sh.Key]
		switch sh.Kind {
		case spec.KindRecord, spec.KindIndicator:
			for _, f := range sh.Rows {
				if !f.Input() {
					continue
				}
				cols := map[string]int{"": colRecValue}
				if sh.Kind == spec.KindIndicator {
					cols = map[string]int{spec.ColPrev: colPrev, spec.ColCur: colCur}
				}
				for col, c := range cols {
					v := book.Get(sh.Key, report.Key{Field: f.Key, Col: col})
					if !v.IsEmpty() {
						out = append(out, Placed{sh.Name, cellName(c, l.rowOf[f.Key]), v, sh.Key + "." + f.Key + "." + col, f.Type})
					}
				}
			}
		case spec.KindList:
			rows := book.Rows(sh.Key)
			if len(rows) > l.listLast-l.listFirst+1 {
				return nil, fmt.Errorf("%s: %d 行数据超过模板的 %d 行", sh.Name, len(rows), l.listLast-l.listFirst+1)
			}
			for r, row := range rows {
				for _, f := range sh.Columns {
					if v := row[f.Key]; f.Input() && !v.IsEmpty() {
						out = append(out, Placed{sh.Name, cellName(l.colOf[f.Key], l.listFirst+r), v, fmt.Sprintf("%s[%d].%s", sh.Key, r, f.Key), f.Type})
					}
				}
			}
		}
	}
	return out, nil
}

// computedCells places every computed cell of the template (formula cells),
// with the value Go computes for it from the book's inputs.
func (b *bookLayout) computedCells(book *report.Book) []Placed {
	got := b.prog.Compute(book)
	var out []Placed
	yearRows := func(sh *spec.Sheet, rows []spec.Field) {
		l := b.sheets[sh.Key]
		for _, f := range rows {
			for _, col := range []string{spec.ColPrev, spec.ColCur, spec.ColPct} {
				if (col != spec.ColPct && f.Derived == nil) || (col == spec.ColPct && (f.NoCompare || !f.Numeric())) {
					continue
				}
				v := got.Get(sh.Key, report.Key{Field: f.Key, Col: col})
				out = append(out, Placed{sh.Name, cellName(yearCol[col], l.rowOf[f.Key]), v, sh.Key + "." + f.Key + "." + col, f.Type})
			}
		}
	}
	for i := range b.prog.Spec.Sheets {
		sh := &b.prog.Spec.Sheets[i]
		l := b.sheets[sh.Key]
		switch sh.Kind {
		case spec.KindIndicator:
			yearRows(sh, sh.Rows)
		case spec.KindList:
			computed := got.Rows(sh.Key)
			for r := 0; r <= l.listLast-l.listFirst; r++ {
				for _, f := range sh.Columns {
					if f.Input() {
						continue
					}
					var v report.Value
					if r < len(computed) {
						v = computed[r][f.Key]
					}
					out = append(out, Placed{sh.Name, cellName(l.colOf[f.Key], l.listFirst+r), v, fmt.Sprintf("%s[%d].%s", sh.Key, r, f.Key), f.Type})
				}
			}
			for _, f := range sh.Columns {
				if k := f.TotalKind(); k == "sum" || k == "derived" {
					v := got.Get(sh.Key, report.Key{Field: f.Key, Col: report.TotalCol})
					out = append(out, Placed{sh.Name, cellName(l.colOf[f.Key], l.totalRow), v, sh.Key + ".total." + f.Key, f.Type})
				}
			}
			if sh.Summary != nil {
				yearRows(sh, sh.Summary.Rows)
			}
		}
	}
	return out
}
