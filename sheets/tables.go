package sheets

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// TableOptions shape one sheet of a TableWriter.
type TableOptions struct {
	Rows   int // how many rows will be written (the sheet's dimension)
	Cols   int
	Widths []float64 // column widths, from column A
	// Header rows are bold and shaded; with Filter the last of them gets
	// filter buttons and the rows above the data stay in view.
	Header int
	Filter bool
}

// TableWriter writes a workbook of plain tables row by row (excelize's
// StreamWriter), for outputs of many rows. Several sheets can be written at
// once; sheets appear in the order they are added. Document times are fixed,
// so the same rows give the same bytes.
type TableWriter struct {
	f       *excelize.File
	streams []*Table
	header  int
	title   int
	first   bool
}

// Table is one sheet being written.
type Table struct {
	w     *TableWriter
	index int
	name  string
	sw    *excelize.StreamWriter
	opt   TableOptions
	row   int
	done  bool
}

// NewTableWriter starts a workbook.
func NewTableWriter(title string) (*TableWriter, error) {
	f := excelize.NewFile()
	w := &TableWriter{f: f, first: true}
	var err error
	if w.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill(headerFill), Border: border(),
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}); err != nil {
		return nil, err
	}
	if w.title, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}}); err != nil {
		return nil, err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "nianbao", Created: docTime, Modified: docTime, Language: "zh-CN"}); err != nil {
		return nil, err
	}
	return w, nil
}

// Reserve creates sheets, in this order, to be written later with Add.
func (w *TableWriter) Reserve(names ...string) error {
	for _, name := range names {
		if w.first {
			if err := w.f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
			w.first = false
		} else if _, err := w.f.NewSheet(name); err != nil {
			return err
		}
	}
	return nil
}

// Finish ends a sheet: excelize keeps an open stream's rows in memory (up to
// 16 MB), a finished one's on disk once it is large. Sheets still open are
// finished by WriteTo.
func (t *Table) Finish() error {
	if t.done {
		return nil
	}
	t.done = true
	// a table gives the header row filter buttons without reading the
	// streamed sheet back (AutoFilter would parse it whole)
	if t.opt.Filter && t.opt.Header > 0 && t.row > t.opt.Header {
		ref := cellName(1, t.opt.Header) + ":" + cellName(max(t.opt.Cols, 1), t.row)
		off := false
		if err := t.sw.AddTable(&excelize.Table{Range: ref, Name: fmt.Sprintf("Table%d", t.index), StyleName: "TableStyleLight1", ShowRowStripes: &off}); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	return t.sw.Flush()
}

// Add starts writing a sheet (reserved, or new at the end). Its size must be
// known now: openpyxl's read-only mode trusts the dimension written first.
func (w *TableWriter) Add(name string, opt TableOptions) (*Table, error) {
	if idx, _ := w.f.GetSheetIndex(name); idx < 0 || (w.first && name != "Sheet1") {
		if err := w.Reserve(name); err != nil {
			return nil, err
		}
	}
	rows, cols := max(opt.Rows, 1), max(opt.Cols, 1)
	if err := w.f.SetSheetDimension(name, "A1:"+cellName(cols, rows)); err != nil {
		return nil, err
	}
	sw, err := w.f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	for i, width := range opt.Widths {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return nil, err
		}
	}
	if opt.Filter && opt.Header > 0 {
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: opt.Header, TopLeftCell: cellName(1, opt.Header+1), ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
	}
	t := &Table{w: w, index: len(w.streams) + 1, name: name, sw: sw, opt: opt}
	w.streams = append(w.streams, t)
	return t, nil
}

// Title is a value shown as a title (bold) in a Row.
type Title string

// Row writes the next row. Values: nil (empty), string, int, decimal.Decimal
// (written exactly), Title.
func (t *Table) Row(values ...any) error {
	t.row++
	if t.row > max(t.opt.Rows, 1) {
		return fmt.Errorf("%s: more rows than the %d announced", t.name, t.opt.Rows)
	}
	cells := make([]any, len(values))
	for i, v := range values {
		var c excelize.Cell
		switch x := v.(type) {
		case decimal.Decimal:
			f, _ := x.Float64()
			c.Value = f
		case Title:
			c.Value, c.StyleID = string(x), t.w.title
		default:
			c.Value = x
		}
		if t.row <= t.opt.Header {
			c.StyleID = t.w.header
		}
		cells[i] = c
	}
	return t.sw.SetRow(cellName(1, t.row), cells)
}

// Close drops the workbook without writing it.
func (w *TableWriter) Close() error { return w.f.Close() }

// WriteTo finishes every sheet and writes the workbook.
func (w *TableWriter) WriteTo(out io.Writer) (int64, error) {
	defer w.f.Close()
	for _, t := range w.streams {
		if err := t.Finish(); err != nil {
			return 0, err
		}
	}
	// the first sheet is active by default: SetActiveSheet would parse every streamed sheet back
	tmp, err := os.CreateTemp("", "nianbao-workbook-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := w.f.WriteTo(tmp); err != nil {
		return 0, err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, err
	}
	return sortedZip(tmp, size, out)
}

// sortedZip copies a zip with its entries in a fixed order ([Content_Types].xml
// first, then by name), compressed data untouched: excelize writes streamed
// sheets in map order, which would make equal workbooks differ in bytes.
func sortedZip(r io.ReaderAt, size int64, out io.Writer) (int64, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return 0, err
	}
	files := append([]*zip.File(nil), zr.File...)
	sort.SliceStable(files, func(i, j int) bool {
		a, b := files[i].Name, files[j].Name
		if (a == "[Content_Types].xml") != (b == "[Content_Types].xml") {
			return a == "[Content_Types].xml"
		}
		return a < b
	})
	cw := &countingWriter{w: out}
	zw := zip.NewWriter(cw)
	for _, f := range files {
		if err := zw.Copy(f); err != nil {
			return cw.n, err
		}
	}
	err = zw.Close()
	return cw.n, err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
