package sheets

import (
	"fmt"
	"io"
	"time"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// FillOptions adjusts WriteFilled.
type FillOptions struct {
	TemplateOptions
	// Raw cells are written after the book's values, exactly as given, the
	// way a person's typing or pasting leaves them.
	Raw []RawCell
}

// RawCell is one cell written as it is. Value is a string (typed text: it
// stays text even when it looks like a number, as a cell formatted as 文本
// keeps it), a decimal.Decimal or an int (a number), a Formula, or nil (the
// cell is emptied). A raw value on a computed cell replaces its formula, as
// pasting values over it does.
type RawCell struct {
	Sheet string // sheet name
	Cell  string // A1 address
	Value any
}

// Formula is a formula for a RawCell, without the leading "=".
type Formula string

// WriteFilled writes the template of a spec with a book's input values filled
// in: numbers as numbers (their exact decimal text), texts as text, dates as
// date serials. Computed cells keep their formulas (the workbook recalculates
// when opened). It is how sample workbooks are made, and how tests fill a
// template without an office suite.
func WriteFilled(p *formula.Program, book *report.Book, w io.Writer, opt FillOptions) error {
	f, err := buildTemplate(p, opt.TemplateOptions)
	if err != nil {
		return err
	}
	defer f.Close()
	layout := newBookLayout(p, opt.ListRows)
	cells, err := layout.inputCells(book)
	if err != nil {
		return err
	}
	for _, c := range cells {
		if err := setValue(f, c); err != nil {
			return fmt.Errorf("%s!%s (%s): %w", c.Sheet, c.Cell, c.What, err)
		}
	}
	for _, c := range opt.Raw {
		if err := setRaw(f, c); err != nil {
			return fmt.Errorf("%s!%s: %w", c.Sheet, c.Cell, err)
		}
	}
	_, err = f.WriteTo(w)
	return err
}

func setValue(f *excelize.File, c Placed) error {
	switch c.Value.Kind {
	case report.Number:
		return f.SetCellDefault(c.Sheet, c.Cell, c.Value.Num.String())
	case report.Text:
		if c.Type == spec.TypeDate {
			if d, err := time.Parse("2006-01-02", c.Value.Text); err == nil {
				serial := d.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24
				return f.SetCellDefault(c.Sheet, c.Cell, fmt.Sprint(int(serial)))
			}
		}
		return f.SetCellStr(c.Sheet, c.Cell, c.Value.Text)
	}
	return nil
}

func setRaw(f *excelize.File, c RawCell) error {
	switch v := c.Value.(type) {
	case nil:
		if err := f.SetCellDefault(c.Sheet, c.Cell, ""); err != nil {
			return err
		}
		return f.SetCellFormula(c.Sheet, c.Cell, "")
	case string:
		return f.SetCellStr(c.Sheet, c.Cell, v)
	case decimal.Decimal:
		return f.SetCellDefault(c.Sheet, c.Cell, v.String())
	case int:
		return f.SetCellDefault(c.Sheet, c.Cell, fmt.Sprint(v))
	case Formula:
		return f.SetCellFormula(c.Sheet, c.Cell, string(v))
	}
	return fmt.Errorf("不支持的单元格值类型 %T", c.Value)
}

// CellOf returns the sheet name and the cell of the template where a value
// sits: for a record field k.Col is ""; for an indicator or summary row it is
// prev, cur or pct; for a list column it is "" with row the data row's index
// (0 for the first), or report.TotalCol for the 合计 row. listRows is the
// TemplateOptions.ListRows the workbook was written with.
func CellOf(p *formula.Program, listRows int, sheet string, k report.Key, row int) (name, cell string, err error) {
	l := newBookLayout(p, listRows).sheets[sheet]
	if l == nil {
		return "", "", fmt.Errorf("规格中没有表 %q", sheet)
	}
	name = l.sheet.Name
	if l.sheet.Field(k.Field) == nil {
		return "", "", fmt.Errorf("表 %s 没有 %q", name, k.Field)
	}
	if r, ok := l.rowOf[k.Field]; ok {
		if l.sheet.Kind == spec.KindRecord {
			return name, cellName(colRecValue, r), nil
		}
		c, ok := yearCol[k.Col]
		if !ok {
			return "", "", fmt.Errorf("%s.%s: 列 %q 不是 prev、cur 或 pct", sheet, k.Field, k.Col)
		}
		return name, cellName(c, r), nil
	}
	col := l.colOf[k.Field]
	switch {
	case k.Col == report.TotalCol:
		return name, cellName(col, l.totalRow), nil
	case row < 0 || l.listFirst+row > l.listLast:
		return "", "", fmt.Errorf("%s: 第 %d 行超出模板的 %d 行", name, row+1, l.listLast-l.listFirst+1)
	}
	return name, cellName(col, l.listFirst+row), nil
}
