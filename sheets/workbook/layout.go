package workbook

import (
	"fmt"
	"strings"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/nianbao/nianbao/spec"
	"github.com/xuri/excelize/v2"
)

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
	book *layout.Book
	home string // sheet key the formula is written on
	row  int    // the worksheet row of the list row being written
}

func (l locator) prefix(sheet string) string {
	if sheet == l.home {
		return ""
	}
	return quoteSheet(l.book.Sheets[sheet].Spec.Name) + "!"
}

// Cell implements formula.Locator.
func (l locator) Cell(r formula.Ref, ctx formula.Ctx) string {
	sl := l.book.Sheets[r.Sheet]
	rel := r.Sheet == l.home
	name := func(col, row int) string {
		if rel {
			return cellName(col, row)
		}
		return absName(col, row)
	}
	switch sl.Spec.Kind {
	case spec.KindRecord:
		return l.prefix(r.Sheet) + name(layout.ColRecValue, sl.RowOf[r.Field])
	case spec.KindList:
		if row, ok := sl.RowOf[r.Field]; ok { // summary row
			return l.prefix(r.Sheet) + name(yearCol(yearOf(r, ctx)), row)
		}
		row := sl.TotalRow
		if r.Row == formula.RowCurrent && ctx.AtRow {
			row = l.row
		}
		return l.prefix(r.Sheet) + name(sl.ColOf[r.Field], row)
	}
	return l.prefix(r.Sheet) + name(yearCol(yearOf(r, ctx)), sl.RowOf[r.Field])
}

func yearOf(r formula.Ref, ctx formula.Ctx) string {
	if r.Col != "" {
		return r.Col
	}
	return ctx.Year
}

// Range implements formula.Locator: a list column's data rows.
func (l locator) Range(r formula.Ref) string {
	sl := l.book.Sheets[r.Sheet]
	c := sl.ColOf[r.Field]
	return fmt.Sprintf("%s%s:%s", l.prefix(r.Sheet), absName(c, sl.ListFirst), absName(c, sl.ListLast))
}

// yearCol is layout.YearCol for a key known to be prev, cur or pct.
func yearCol(key string) int {
	c, _ := layout.YearCol(key)
	return c
}
