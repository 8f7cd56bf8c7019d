package workbook

import (
	"fmt"
	"io"
	"time"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/layout"
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
	bl := layout.New(p, opt.ListRows)
	cells, err := bl.InputCells(book)
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

func setValue(f *excelize.File, c layout.Placed) error {
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
