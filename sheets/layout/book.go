package layout

import (
	"fmt"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
)

// YearCol returns the column of an indicator column key (prev, cur, pct).
func YearCol(key string) (int, bool) {
	switch key {
	case spec.ColPrev:
		return ColPrev, true
	case spec.ColCur:
		return ColCur, true
	case spec.ColPct:
		return ColPct, true
	}
	return 0, false
}

// Sheet says where each field of a sheet is in the template.
type Sheet struct {
	Spec  *spec.Sheet
	RowOf map[string]int // record, indicator and summary rows
	ColOf map[string]int // list columns
	// list sheets: the first and last data row, the 合计 row, the summary
	// block's title and header rows
	ListFirst, ListLast, TotalRow int
	SummaryTitle, SummaryHeader   int
	// the last row and column the sheet uses
	LastRow, LastCol int
}

// Book is the layout of every sheet of a spec.
type Book struct {
	Prog   *formula.Program
	Sheets map[string]*Sheet
}

func New(p *formula.Program, listRows int) *Book {
	b := &Book{Prog: p, Sheets: map[string]*Sheet{}}
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		l := &Sheet{Spec: sh, RowOf: map[string]int{}, ColOf: map[string]int{}}
		switch sh.Kind {
		case spec.KindRecord:
			for j, f := range sh.Rows {
				l.RowOf[f.Key] = FirstRow + j
			}
			l.LastRow, l.LastCol = FirstRow+len(sh.Rows)-1, ColRecHint
		case spec.KindIndicator:
			for j, f := range sh.Rows {
				l.RowOf[f.Key] = FirstRow + j
			}
			l.LastRow, l.LastCol = FirstRow+len(sh.Rows)-1, ColPct
		case spec.KindList:
			for j, f := range sh.Columns {
				l.ColOf[f.Key] = j + 1
			}
			n := listRows
			if n <= 0 {
				n = p.Spec.ListRowCount(sh)
			}
			l.ListFirst, l.ListLast = FirstRow, FirstRow+n-1
			l.TotalRow = l.ListLast + 1
			l.LastRow, l.LastCol = l.TotalRow, len(sh.Columns)
			if sh.Summary != nil {
				l.SummaryTitle = l.TotalRow + 2
				l.SummaryHeader = l.SummaryTitle + 1
				for j, f := range sh.Summary.Rows {
					l.RowOf[f.Key] = l.SummaryHeader + 1 + j
				}
				l.LastRow = l.SummaryHeader + len(sh.Summary.Rows)
				l.LastCol = max(l.LastCol, ColPct)
			}
		}
		b.Sheets[sh.Key] = l
	}
	return b
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

// InputCells places the input values of a book on the template (list rows in
// order from the first data row).
func (b *Book) InputCells(book *report.Book) ([]Placed, error) {
	var out []Placed
	for i := range b.Prog.Spec.Sheets {
		sh := &b.Prog.Spec.Sheets[i]
		l := b.Sheets[sh.Key]
		switch sh.Kind {
		case spec.KindRecord, spec.KindIndicator:
			for _, f := range sh.Rows {
				if !f.Input() {
					continue
				}
				cols := map[string]int{"": ColRecValue}
				if sh.Kind == spec.KindIndicator {
					cols = map[string]int{spec.ColPrev: ColPrev, spec.ColCur: ColCur}
				}
				for col, c := range cols {
					v := book.Get(sh.Key, report.Key{Field: f.Key, Col: col})
					if !v.IsEmpty() {
						out = append(out, Placed{sh.Name, xlsx.CellName(c, l.RowOf[f.Key]), v, report.ColAddr(sh.Key, f.Key, col).String(), f.Type})
					}
				}
			}
		case spec.KindList:
			rows := book.Rows(sh.Key)
			if len(rows) > l.ListLast-l.ListFirst+1 {
				return nil, fmt.Errorf("%s: %d 行数据超过模板的 %d 行", sh.Name, len(rows), l.ListLast-l.ListFirst+1)
			}
			for r, row := range rows {
				for _, f := range sh.Columns {
					if v := row[f.Key]; f.Input() && !v.IsEmpty() {
						out = append(out, Placed{sh.Name, xlsx.CellName(l.ColOf[f.Key], l.ListFirst+r), v, report.RowAddr(sh.Key, r, f.Key).String(), f.Type})
					}
				}
			}
		}
	}
	return out, nil
}

// ComputedCells places every computed cell of the template (formula cells),
// with the value Go computes for it from the book's inputs.
func (b *Book) ComputedCells(book *report.Book) []Placed {
	got := b.Prog.Compute(book)
	var out []Placed
	yearRows := func(sh *spec.Sheet, rows []spec.Field) {
		l := b.Sheets[sh.Key]
		for _, f := range rows {
			for _, col := range []string{spec.ColPrev, spec.ColCur, spec.ColPct} {
				if (col != spec.ColPct && f.Derived == nil) || (col == spec.ColPct && (f.NoCompare || !f.Numeric())) {
					continue
				}
				v := got.Get(sh.Key, report.Key{Field: f.Key, Col: col})
				out = append(out, Placed{sh.Name, xlsx.CellName(yearCol(col), l.RowOf[f.Key]), v, report.ColAddr(sh.Key, f.Key, col).String(), f.Type})
			}
		}
	}
	for i := range b.Prog.Spec.Sheets {
		sh := &b.Prog.Spec.Sheets[i]
		l := b.Sheets[sh.Key]
		switch sh.Kind {
		case spec.KindIndicator:
			yearRows(sh, sh.Rows)
		case spec.KindList:
			computed := got.Rows(sh.Key)
			for r := 0; r <= l.ListLast-l.ListFirst; r++ {
				for _, f := range sh.Columns {
					if f.Input() {
						continue
					}
					var v report.Value
					if r < len(computed) {
						v = computed[r][f.Key]
					}
					out = append(out, Placed{sh.Name, xlsx.CellName(l.ColOf[f.Key], l.ListFirst+r), v, report.RowAddr(sh.Key, r, f.Key).String(), f.Type})
				}
			}
			for _, f := range sh.Columns {
				if k := f.TotalKind(); k == "sum" || k == "derived" {
					v := got.Get(sh.Key, report.Key{Field: f.Key, Col: report.TotalCol})
					out = append(out, Placed{sh.Name, xlsx.CellName(l.ColOf[f.Key], l.TotalRow), v, sh.Key + ".total." + f.Key, f.Type})
				}
			}
			if sh.Summary != nil {
				yearRows(sh, sh.Summary.Rows)
			}
		}
	}
	return out
}

// CellOf returns the sheet name and the cell of the template where a value
// sits: for a record field k.Col is ""; for an indicator or summary row it is
// prev, cur or pct; for a list column it is "" with row the data row's index
// (0 for the first), or report.TotalCol for the 合计 row. listRows is the
// TemplateOptions.ListRows the workbook was written with.
func CellOf(p *formula.Program, listRows int, sheet string, k report.Key, row int) (name, cell string, err error) {
	l := New(p, listRows).Sheets[sheet]
	if l == nil {
		return "", "", fmt.Errorf("规格中没有表 %q", sheet)
	}
	name = l.Spec.Name
	if l.Spec.Field(k.Field) == nil {
		return "", "", fmt.Errorf("表 %s 没有 %q", name, k.Field)
	}
	if r, ok := l.RowOf[k.Field]; ok {
		if l.Spec.Kind == spec.KindRecord {
			return name, xlsx.CellName(ColRecValue, r), nil
		}
		c, ok := YearCol(k.Col)
		if !ok {
			return "", "", fmt.Errorf("%s.%s: 列 %q 不是 prev、cur 或 pct", sheet, k.Field, k.Col)
		}
		return name, xlsx.CellName(c, r), nil
	}
	col := l.ColOf[k.Field]
	switch {
	case k.Col == report.TotalCol:
		return name, xlsx.CellName(col, l.TotalRow), nil
	case row < 0 || l.ListFirst+row > l.ListLast:
		return "", "", fmt.Errorf("%s: 第 %d 行超出模板的 %d 行", name, row+1, l.ListLast-l.ListFirst+1)
	}
	return name, xlsx.CellName(col, l.ListFirst+row), nil
}

// yearCol is YearCol for a key known to be one of prev, cur and pct.
func yearCol(key string) int {
	c, _ := YearCol(key)
	return c
}
