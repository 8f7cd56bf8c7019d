package report

import (
	"github.com/nianbao/nianbao/internal/decfit"
	"github.com/nianbao/nianbao/internal/dectext"
	"github.com/shopspring/decimal"
)

// Kind is the kind of a value.
type Kind uint8

// Kinds of value.
const (
	Empty Kind = iota
	Number
	Text
)

// Value is one cell's value: empty, an exact number or a text.
type Value struct {
	Kind Kind
	Num  decimal.Decimal
	Text string
	// Cell is where the value came from (e.g. 学生情况!D5), when it was read.
	Cell Cell
}

// Num returns a number value.
func Num(d decimal.Decimal) Value { return Value{Kind: Number, Num: d} }

// Int returns a whole-number value.
func Int(i int64) Value { return Value{Kind: Number, Num: decfit.New(i, 0)} } // a small one shared

// Str returns a text value.
func Str(s string) Value { return Value{Kind: Text, Text: s} }

// IsEmpty reports whether nothing was filled in.
func (v Value) IsEmpty() bool { return v.Kind == Empty }

// String shows the value as a person would type it.
func (v Value) String() string {
	switch v.Kind {
	case Number:
		return dectext.String(v.Num)
	case Text:
		return v.Text
	}
	return ""
}

// Equal reports whether two values are the same (numbers compared exactly).
func (v Value) Equal(w Value) bool {
	if v.Kind != w.Kind {
		return false
	}
	switch v.Kind {
	case Number:
		return v.Num.Equal(w.Num)
	case Text:
		return v.Text == w.Text
	}
	return true
}

// Key addresses a value in a sheet: Field is the row key (record, indicator,
// summary) or the column key (list total); Col is prev, cur or pct for
// indicator and summary rows, TotalCol for a list's 合计 row, "" for a record.
type Key struct{ Field, Col string }

// TotalCol is the Col of a list sheet's 合计 row in a Key.
const TotalCol = "total"

// Sheet holds one sheet's values.
type Sheet struct {
	Values map[Key]Value
	// Rows are a list sheet's data rows, each by column key.
	Rows []map[string]Value
}

// Book is the data of one report, by sheet key.
type Book struct {
	Sheets map[string]*Sheet
}

// New returns an empty book.
func New() *Book { return &Book{Sheets: map[string]*Sheet{}} }

// Sheet returns the sheet with the key, creating it when absent.
func (b *Book) Sheet(key string) *Sheet {
	s := b.Sheets[key]
	if s == nil {
		s = &Sheet{Values: map[Key]Value{}}
		b.Sheets[key] = s
	}
	return s
}

// Clone is a copy of the book that shares nothing with it but the values.
func (b *Book) Clone() *Book {
	out := New()
	for key, sh := range b.Sheets {
		c := out.Sheet(key)
		for k, v := range sh.Values {
			c.Values[k] = v
		}
		for _, row := range sh.Rows {
			r := make(map[string]Value, len(row))
			for k, v := range row {
				r[k] = v
			}
			c.Rows = append(c.Rows, r)
		}
	}
	return out
}

// Get returns a value of a sheet (empty when absent).
func (b *Book) Get(sheet string, k Key) Value {
	if s := b.Sheets[sheet]; s != nil {
		return s.Values[k]
	}
	return Value{}
}

// Set stores a value of a sheet.
func (b *Book) Set(sheet string, k Key, v Value) { b.Sheet(sheet).Values[k] = v }

// Rows returns a list sheet's data rows.
func (b *Book) Rows(sheet string) []map[string]Value {
	if s := b.Sheets[sheet]; s != nil {
		return s.Rows
	}
	return nil
}

// AddRow appends a data row to a list sheet and returns its index.
func (b *Book) AddRow(sheet string, row map[string]Value) int {
	s := b.Sheet(sheet)
	s.Rows = append(s.Rows, row)
	return len(s.Rows) - 1
}
