package xlsx

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/nianbao/nianbao/internal/dectext"

	"github.com/shopspring/decimal"
)

// The look shared by every workbook nianbao writes. Every border has a
// colour: openpyxl refuses a file whose border has none.
const (
	BorderColor = "A6A6A6"
	HeaderFill  = "D9E1F2"
)

// DocTime is the creation time written into every workbook's properties: a
// fixed date, so that the same input gives the same bytes.
const DocTime = "2020-01-01T00:00:00Z"

// TableOptions shape one sheet of a TableWriter.
type TableOptions struct {
	Rows   int // how many rows will be written (the sheet's dimension)
	Cols   int
	Widths []float64 // column widths, from column A
	// Header rows are bold and shaded; with Filter the last of them gets
	// filter buttons and the rows above the data stay in view.
	Header int
	Filter bool
	// Borders draws thin borders around every cell of a row that holds a
	// value other than a Title (blank and title rows stay open).
	Borders bool
	// FreezeCols keeps that many columns in view as well as the header rows.
	FreezeCols int
	// WrapCols are the columns (from 1) whose texts wrap within their width.
	WrapCols []int
	// Breaks are the rows (from 1) after which a printed page ends: manual
	// page breaks, e.g. so that a chart is never cut in two (see PageRows).
	Breaks []int
	// Shared are the columns (from 1) whose texts repeat — a school's name
	// and code on each of its rows, labels, units, cells, file names: they
	// are written once in the workbook's shared strings and referred to by
	// number. Other texts (a school's own words, messages) are written in
	// their cells, so the table of shared strings stays small.
	Shared []int
	// RowHeight, when set, is the height in points of every row that does
	// not wrap: Excel and LibreOffice then print the same number of rows on
	// a page (left to themselves they make rows 15 and about 12.8 pt high).
	RowHeight float64
	// PrintGrid prints the sheet's grid lines instead of drawing a border
	// around every cell: for a long data table (学校数据, a thousand rows a
	// school), whose cells then carry no style but their number format.
	PrintGrid bool
	// Dense writes a row's cells one after another without their
	// references, an empty one between two values as <c/>: a reader places
	// them by counting (ECMA-376 §18.3.1.4; Excel, LibreOffice, WPS,
	// openpyxl, SheetJS, excelize, readxl). For a long data table: its
	// deflated XML is half as long, as the references are most of what
	// does not repeat. No cell of the sheet has a reference, so that a
	// reader that counts is never misled by one that does.
	Dense bool
}

// PageRows is how many rows a printed page of a sheet with these options
// surely holds below its repeated header rows (headerPt points high): A4 in
// the orientation Finish chooses, within the margins every sheet gets.
// Rows are RowHeight high (else taken as 17 pt: an office suite may make
// them taller than 15 pt for CJK text) and the page as unscaled, so a
// sheet shrunk to one page wide holds more.
func PageRows(opt TableOptions, headerPt float64) int {
	height := 841.9 - (0.6+0.75)*72 // A4 portrait, less the top and bottom margins
	if landscape(opt) {
		height = 595.3 - (0.6+0.75)*72
	}
	row := 17.0
	if opt.RowHeight > 0 {
		row = opt.RowHeight
	}
	return max(int((height-headerPt)/row), 1)
}

// landscape reports whether a sheet is printed landscape: its columns are
// wider than A4 portrait holds.
func landscape(opt TableOptions) bool {
	total := 0.0
	for _, wd := range opt.Widths {
		total += wd
	}
	return total > PortraitWidth
}

// Number is a number shown with an Excel format code (#,##0, 0.00, 0.0":1");
// CSV and JSON take its exact Value. Bold marks a total. Digits, when not
// empty, are the number already written as text (Value.String(), e.g. read
// back from a temporary file) and stand for Value, which is then not set:
// written as they are, not parsed again.
type Number struct {
	Value  decimal.Decimal
	Format string
	Bold   bool
	Digits string
}

// Append appends the number's text (Value.String()) to dst.
func (n Number) Append(dst []byte) []byte {
	if n.Digits != "" {
		return append(dst, n.Digits...)
	}
	return dectext.Append(dst, n.Value)
}

// String is the number's text, Value.String().
func (n Number) String() string {
	if n.Digits != "" {
		return n.Digits
	}
	return dectext.String(n.Value)
}

// Bold is a text shown bold (the label of a 合计 row).
type Bold string

// MaxRows is the most rows a sheet holds in Excel.
const MaxRows = 1 << 20

// Footer is the footer of every printed page: the sheet's name and the page.
const Footer = "&L&A&R第 &P 页，共 &N 页"

// PortraitWidth is the total column width above which a sheet is printed
// landscape (A4 portrait holds about 90 digits at 100 %; a little more is scaled
// down to fit).
const PortraitWidth = 120

// TableWriter writes a workbook of plain tables, one sheet after another,
// each row straight into the .xlsx (a zip in a temporary file): memory does
// not grow with the rows. It writes the few parts such a workbook needs
// itself — excelize's StreamWriter keeps up to 16 MB of every sheet in memory
// until the whole workbook is written, which for a region of 10,000 schools
// came to over 250 MB. Document times are fixed and parts are written in the
// order the sheets are added, so the same rows give the same bytes.
type TableWriter struct {
	title  string
	names  []string       // sheets in tab order
	index  map[string]int // name → 1-based sheet number
	added  map[string]bool
	filter map[int]string // sheet number → autofilter range
	titles map[int]int    // sheet number → header rows repeated on every page
	styles *styleSet
	tmp    *os.File
	zw     *zip.Writer
	open   *Table
	props  [][2]string     // custom document properties: name, value
	charts map[int][]Chart // sheet number → its charts
	sst    sharedStrings
	// streams are the AddStream sheets, copied in when the workbook is written
	streams []*Table
}

// Table is one sheet being written.
type Table struct {
	w    *TableWriter
	n    int // sheet number
	name string
	opt  TableOptions
	row  int
	// rowText is row in digits (nextRow), for its cells' references
	rowText []byte
	rowBuf  [20]byte
	out     *sheetOut
	// async deflates an Add sheet on another core; stream holds an
	// AddStream sheet until the workbook is written
	async  *asyncWriter
	stream *sheetStream
	done   bool
	digits [48]byte // a value's digits (cellValue), written without a string
	shared uint64   // bit c: column c (from 1, < 64) is one of opt.Shared
	wrap   uint64   // bit c: column c (from 1, < 64) is one of opt.WrapCols
	// styles used lately (a table's cells use a few), the next one to
	// replace
	recent        [8]recentStyle
	nrecent, next int
	// shared texts seen lately (made when the first is, dropped when the
	// sheet is finished)
	seen *seenTexts
	// charts are drawn on the sheet (see AddChart)
	charts []Chart
}

// AddChart draws a chart on the sheet, over the cells it names; its data
// must be in ranges of this workbook. Charts are added before Finish.
func (t *Table) AddChart(c Chart) { t.charts = append(t.charts, c) }

// NewTableWriter starts a workbook.
func NewTableWriter(title string) (*TableWriter, error) {
	tmp, err := os.CreateTemp("", "nianbao-workbook-*")
	if err != nil {
		return nil, err
	}
	zw := newZipWriter(tmp)
	return &TableWriter{title: title, index: map[string]int{}, added: map[string]bool{}, filter: map[int]string{},
		titles: map[int]int{}, styles: newStyleSet(), tmp: tmp, zw: zw}, nil
}

// Reserve names sheets, in tab order, that Add writes afterwards.
func (w *TableWriter) Reserve(names ...string) error {
	for _, name := range names {
		if _, dup := w.index[name]; dup {
			return fmt.Errorf("工作表 %q 重复", name)
		}
		if n := utf8.RuneCountInString(name); n == 0 || n > 31 || strings.ContainsAny(name, `[]:*?/\`) {
			return fmt.Errorf("工作表名 %q 无效", name)
		}
		w.names = append(w.names, name)
		w.index[name] = len(w.names)
	}
	return nil
}

// Add starts writing a sheet (reserved, or new at the end), finishing the
// one before. Its size must be known now: openpyxl's read-only mode trusts
// the dimension written first.
func (w *TableWriter) Add(name string, opt TableOptions) (*Table, error) {
	if w.open != nil {
		if err := w.open.Finish(); err != nil {
			return nil, err
		}
	}
	t, err := w.newTable(name, opt)
	if err != nil {
		return nil, err
	}
	part, err := w.zw.Create(sheetPart(t.n))
	if err != nil {
		return nil, err
	}
	t.async = newAsyncWriter(part)
	t.out = newSheetOut(t.async)
	w.open = t
	t.out.buf = t.appendHead(t.out.buf)
	return t, nil
}

// AddStream starts a sheet written at the same time as the others (Add's
// come one after another), for a long table: its rows are deflated as they
// come, on another core, into a temporary file of its own, and copied into
// the workbook when it is written, without being written twice. Rows in
// opt may be 0: the dimension is the rows written.
func (w *TableWriter) AddStream(name string, opt TableOptions) (*Table, error) {
	t, err := w.newTable(name, opt)
	if err != nil {
		return nil, err
	}
	if t.stream, err = newSheetStream(); err != nil {
		return nil, err
	}
	w.streams = append(w.streams, t)
	t.out = newSheetOut(t.stream.async)
	return t, nil
}

func sheetPart(n int) string { return fmt.Sprintf("xl/worksheets/sheet%d.xml", n) }

// newTable is a sheet named (and reserved if new), not yet written.
func (w *TableWriter) newTable(name string, opt TableOptions) (*Table, error) {
	if _, ok := w.index[name]; !ok {
		if err := w.Reserve(name); err != nil {
			return nil, err
		}
	}
	if w.added[name] {
		return nil, fmt.Errorf("工作表 %q 已写过", name)
	}
	w.added[name] = true
	t := &Table{w: w, n: w.index[name], name: name, opt: opt}
	for _, c := range opt.Shared {
		if c > 0 && c < 64 {
			t.shared |= 1 << c
		}
	}
	for _, c := range opt.WrapCols {
		if c > 0 && c < 64 {
			t.wrap |= 1 << c
		}
	}
	if opt.Header > 0 {
		w.titles[t.n] = opt.Header
	}
	return t, nil
}

// appendHead appends what comes before a sheet's rows: its dimension (from
// opt.Rows, else the rows written), view, columns.
func (t *Table) appendHead(b []byte) []byte {
	opt := t.opt
	rows, cols := max(opt.Rows, t.row, 1), max(opt.Cols, 1)
	b = append(b, xmlHeader+`<worksheet xmlns="`+nsMain+`" xmlns:r="`+nsRel+`">`...)
	b = append(b, `<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>`...)
	b = fmt.Appendf(b, `<dimension ref="A1:%s"/><sheetViews><sheetView workbookViewId="0"`, CellName(cols, rows))
	if t.n == 1 {
		b = append(b, ` tabSelected="1"`...)
	}
	switch fr, fc := opt.Header, opt.FreezeCols; {
	case fr > 0 && fc > 0:
		b = fmt.Appendf(b, `><pane xSplit="%d" ySplit="%d" topLeftCell="%s" activePane="bottomRight" state="frozen"/></sheetView>`, fc, fr, CellName(fc+1, fr+1))
	case fr > 0:
		b = fmt.Appendf(b, `><pane ySplit="%d" topLeftCell="%s" activePane="bottomLeft" state="frozen"/></sheetView>`, fr, CellName(1, fr+1))
	default:
		b = append(b, `/>`...)
	}
	b = append(b, `</sheetViews><sheetFormatPr defaultRowHeight="15"/>`...)
	if len(opt.Widths) > 0 {
		b = append(b, `<cols>`...)
		for i, wd := range opt.Widths {
			b = fmt.Appendf(b, `<col min="%d" max="%d" width="%s" customWidth="1"/>`, i+1, i+1, strconv.FormatFloat(wd, 'f', -1, 64))
		}
		b = append(b, `</cols>`...)
	}
	return append(b, `<sheetData>`...)
}

// Title is a value shown as a title (bold) in a Row.
type Title string

// Row writes the next row. Values: nil (empty), string, int, decimal.Decimal
// (written exactly), Number, Bold, Title.
func (t *Table) Row(values ...any) error {
	if t.done {
		return fmt.Errorf("工作表 %s 已写完", t.name)
	}
	if err := t.nextRow(); err != nil {
		return err
	}
	header := t.row <= t.opt.Header
	boxed := t.opt.Borders && !header && boxedRow(values)
	n := len(values)
	if boxed || header {
		n = max(n, t.opt.Cols)
	}
	// the row is made where it is deflated from: the chunk of the sheet
	b := t.out.buf
	start := len(b)
	b = t.appendRowStart(b, t.lines(values, header))
	last := -1 // the last value's column (from 0): Dense writes <c/> up to it
	if t.opt.Dense {
		for i, v := range values {
			if v != nil {
				last = i
			}
		}
	}
	// the cells of a data row take short cuts: their style is the row's
	// (borders or none) and their own
	for i := 0; i < n; i++ {
		var v any
		if i < len(values) {
			v = values[i]
		}
		if !header {
			switch x := v.(type) {
			case nil:
				b = t.appendEmpty(b, i, boxed, last)
				continue
			case string:
				if t.wrapCol(i + 1) {
					break // the general way
				}
				b = t.appendText(b, i, x, style{border: boxed})
				continue
			case Number:
				b = t.appendNumber(b, i, &x, boxed)
				continue
			}
		}
		st := style{border: boxed}
		if header {
			st = style{font: fontBold, fill: true, border: true, wrap: true}
		}
		text, digits, skip, err := t.cellValue(v, &st, header, i)
		if err != nil {
			t.out.buf = b[:start]
			return fmt.Errorf("工作表 %s!%s：%w", t.name, CellName(i+1, t.row), err)
		}
		if skip {
			if t.opt.Dense && i < last {
				b = append(b, `<c/>`...)
			}
			continue
		}
		b = t.appendC(b, i)
		if v == nil {
			b = append(b, ` s="`...)
			b = strconv.AppendInt(b, int64(t.styleID(st)), 10)
			b = append(b, `"/>`...)
			continue
		}
		b = t.appendStyle(b, st)
		if digits != nil {
			b = append(b, `><v>`...)
			b = append(b, digits...)
			b = append(b, `</v></c>`...)
			continue
		}
		if !header && t.sharedCol(i+1) {
			if id, ok := t.sharedID(text); ok {
				b = append(b, ` t="s"><v>`...)
				b = append(b, id...)
				b = append(b, `</v></c>`...)
				continue
			}
		}
		b = append(b, ` t="inlineStr"><is>`...)
		b = appendT(b, text)
		b = append(b, `</is></c>`...)
	}
	t.out.buf = append(b, `</row>`...)
	return t.out.next() // an error of the writer stays with it: Finish gives it
}

// appendRowStart appends a row's start tag: a row whose texts wrap on
// several lines, or every row when the table has a RowHeight, gets its
// height.
func (t *Table) appendRowStart(b []byte, lines int) []byte {
	if lines > 1 {
		// LibreOffice does not grow a row for wrapped text by itself
		return fmt.Appendf(b, `<row r="%d" ht="%d" customHeight="1">`, t.row, 15*lines)
	}
	if t.opt.RowHeight > 0 {
		return fmt.Appendf(b, `<row r="%d" ht="%s" customHeight="1">`, t.row, strconv.FormatFloat(t.opt.RowHeight, 'f', -1, 64))
	}
	b = append(b, `<row r="`...)
	b = append(b, t.rowText...)
	return append(b, `">`...)
}

// appendText appends a text of a data row's cell (column i, from 0) that
// does not wrap, in a style (the row's borders, a bold font): a shared
// string's number, or the text inline.
func (t *Table) appendText(b []byte, i int, x string, st style) []byte {
	if t.sharedCol(i + 1) {
		if id, ok := t.sharedID(x); ok {
			if t.opt.Dense && st == (style{}) {
				b = append(b, `<c t="s"><v>`...)
			} else {
				b = append(t.appendStyle(t.appendC(b, i), st), ` t="s"><v>`...)
			}
			b = append(b, id...)
			return append(b, `</v></c>`...)
		}
	}
	b = append(t.appendStyle(t.appendC(b, i), st), ` t="inlineStr"><is>`...)
	b = appendT(b, x)
	return append(b, `</is></c>`...)
}

// appendNumber appends a number of a data row's cell (column i, from 0).
func (t *Table) appendNumber(b []byte, i int, x *Number, boxed bool) []byte {
	st := style{format: x.Format, border: boxed}
	if x.Bold {
		st.font = fontBold
	}
	b = t.appendStyle(t.appendC(b, i), st)
	b = append(b, `><v>`...)
	b = x.Append(b)
	return append(b, `</v></c>`...)
}

// RowCell is a value of a row written by Cells: a text or a number, not
// made a value (any) first — for a long table's rows (学校数据), each of
// which would otherwise box its number or look up a value made of it. The
// zero RowCell is empty.
type RowCell struct {
	Kind CellKind
	Text string // CellText, CellBold, CellTitle
	Num  Number // CellNumber
}

// CellKind is what a RowCell holds.
type CellKind uint8

// Kinds of RowCell.
const (
	CellEmpty CellKind = iota
	CellText
	CellNumber
	CellBold  // a text shown bold (Bold)
	CellTitle // a title (Title)
)

// Value is the cell as a value of Row: nil, a string, a Number, a Bold or
// a Title.
func (c *RowCell) Value() any {
	switch c.Kind {
	case CellText:
		return c.Text
	case CellNumber:
		return c.Num
	case CellBold:
		return Bold(c.Text)
	case CellTitle:
		return Title(c.Text)
	}
	return nil
}

// nextRow counts the row written next, which must be one the table has.
func (t *Table) nextRow() error {
	t.row++
	t.rowText = strconv.AppendInt(t.rowBuf[:0], int64(t.row), 10)
	if t.row > max(t.opt.Rows, 1) && (t.stream == nil || t.opt.Rows > 0) {
		return fmt.Errorf("工作表 %s：行数超过预定的 %d 行", t.name, t.opt.Rows)
	}
	return nil
}

// appendEmpty appends the empty cell i of a data row: boxed, a cell with
// its borders; Dense, <c/> before the row's last value (at last); else
// nothing.
func (t *Table) appendEmpty(b []byte, i int, boxed bool, last int) []byte {
	switch {
	case boxed:
		return append(t.appendStyle(t.appendC(b, i), style{border: true}), `/>`...)
	case t.opt.Dense && i < last:
		return append(b, `<c/>`...)
	}
	return b
}

// Cells writes the next row as Row does the cells' values. A data row of a
// table without wrapped columns takes the short way, but for a title: its
// cells one after another.
func (t *Table) Cells(cells []RowCell) error {
	boxed := false // borders around every cell: boxedRow of the cells' values
	for i := range cells {
		switch cells[i].Kind {
		case CellEmpty:
		case CellTitle:
			return t.cellValues(cells)
		default:
			boxed = t.opt.Borders
		}
	}
	if t.done || t.row+1 <= t.opt.Header || len(t.opt.WrapCols) > 0 {
		return t.cellValues(cells)
	}
	if err := t.nextRow(); err != nil {
		return err
	}
	b := t.appendRowStart(t.out.buf, 1)
	n := len(cells)
	if boxed {
		n = max(n, t.opt.Cols)
	}
	last := len(cells) - 1 // the last value's column: Dense writes <c/> up to it
	for last >= 0 && cells[last].Kind == CellEmpty {
		last--
	}
	for i := range n {
		c := &RowCell{}
		if i < len(cells) {
			c = &cells[i]
		}
		switch c.Kind {
		case CellText:
			b = t.appendText(b, i, c.Text, style{border: boxed})
		case CellBold:
			b = t.appendText(b, i, c.Text, style{border: boxed, font: fontBold})
		case CellNumber:
			b = t.appendNumber(b, i, &c.Num, boxed)
		default:
			b = t.appendEmpty(b, i, boxed, last)
		}
	}
	t.out.buf = append(b, `</row>`...)
	return t.out.next()
}

// cellValues is Row of the cells' values.
func (t *Table) cellValues(cells []RowCell) error {
	values := make([]any, len(cells))
	for i := range cells {
		values[i] = cells[i].Value()
	}
	return t.Row(values...)
}

// appendC appends the start of a cell (column i, from 0): <c, and its
// reference unless the table is Dense. Otherwise every cell names itself:
// some readers (R's readxl) put cells in the wrong column when only some
// have a reference.
func (t *Table) appendC(b []byte, i int) []byte {
	if t.opt.Dense {
		return append(b, `<c`...)
	}
	b = append(b, `<c r="`...)
	if i < 26 { // one letter, and the row's number made once for its cells
		b = append(b, byte('A'+i))
		b = append(b, t.rowText...)
	} else {
		b = AppendCellName(b, i+1, t.row)
	}
	return append(b, '"')
}

// sharedCol reports whether the column (from 1) is one of opt.Shared.
func (t *Table) sharedCol(col int) bool {
	if col < 64 {
		return t.shared&(1<<col) != 0
	}
	return slices.Contains(t.opt.Shared, col)
}

// wrapCol reports whether the column (from 1) is one of opt.WrapCols.
func (t *Table) wrapCol(col int) bool {
	if col < 64 {
		return t.wrap&(1<<col) != 0
	}
	return slices.Contains(t.opt.WrapCols, col)
}

// styleID is the workbook's number of a cell style.
func (t *Table) styleID(st style) int {
	if st == (style{}) {
		return 0 // xf 0, the default
	}
	return t.recentStyle(st).id
}

// appendStyle appends a cell's style attribute, s="id" (nothing for the
// default style).
func (t *Table) appendStyle(b []byte, st style) []byte {
	if st == (style{}) {
		return b
	}
	r := t.recentStyle(st)
	return append(b, r.attr[:r.n]...)
}

// recentStyle is a style used lately and its number, kept at hand (a
// lookup by a struct with a text costs a hash).
type recentStyle struct {
	st style
	id int
	// attr is ` s="id"` (nothing for id 0), n its length
	attr [24]byte
	n    uint8
}

// recentStyle is where a style and its number are kept at hand.
func (t *Table) recentStyle(st style) *recentStyle {
	for i := range t.nrecent {
		if t.recent[i].st == st {
			return &t.recent[i]
		}
	}
	r := &t.recent[t.next]
	r.st, r.id = st, t.w.styles.id(st)
	if r.id != 0 {
		r.n = uint8(len(fmt.Appendf(r.attr[:0], ` s="%d"`, r.id)))
	} else {
		r.n = 0
	}
	t.next = (t.next + 1) % len(t.recent)
	t.nrecent = min(t.nrecent+1, len(t.recent))
	return r
}

// seenTexts are the shared texts a table wrote lately, by where their
// bytes are — a school's name, code and file on each of its rows, the
// spec's labels, the cells of 学校数据 (a school's rows hold ~1,500 texts)
// — with their numbers among the shared strings in digits. A text has a
// set of four places (a new one takes the place after the one a text was
// found in last): consolidating 1,000 schools, a text of 学校数据 was not
// found in one lookup out of nine with one place each for 2,048 texts,
// one out of 25 with these 4,096 places (96 KB); twice as many places
// found little more.
type seenTexts struct {
	sets [1024][4]seenText
	last [1024]uint8 // the place of each set a text was found in last
}

// seenText is a text (where its bytes are, which it keeps, and its
// length) and its number in digits.
type seenText struct {
	p   *byte
	len uint32
	n   uint8
	id  [11]byte
}

// sharedID is a text's number among the shared strings, in digits (ok
// false: written inline).
func (t *Table) sharedID(text string) ([]byte, bool) {
	// the same text (the same bytes, not only equal ones: a label of the
	// spec) again: its number without hashing it. The cache holds the text,
	// so its bytes cannot be reused for another.
	if t.seen == nil {
		t.seen = new(seenTexts)
	}
	p := unsafe.StringData(text)
	h := (uintptr(unsafe.Pointer(p))>>4 + uintptr(len(text))) % uintptr(len(t.seen.sets))
	set := &t.seen.sets[h]
	if len(text) > 0 {
		for i := range set {
			if e := &set[i]; e.p == p && e.len == uint32(len(text)) {
				t.seen.last[h] = uint8(i)
				t.w.sst.count++
				return e.id[:e.n], true
			}
		}
	}
	id, ok := t.w.sst.id(text)
	if !ok {
		return nil, false
	}
	if len(text) == 0 {
		return strconv.AppendInt(t.digits[:0], int64(id), 10), true
	}
	i := (t.seen.last[h] + 1) % uint8(len(set))
	t.seen.last[h] = i
	e := &set[i]
	e.p, e.len = p, uint32(len(text)) // a shared text is at most sstMaxText bytes long
	e.n = uint8(len(strconv.AppendInt(e.id[:0], int64(id), 10)))
	return e.id[:e.n], true
}

// lines is how many lines a row's wrapped texts take: every text of a
// header row (at most 3), the texts of the WrapCols columns of another row
// (at most 15).
func (t *Table) lines(values []any, header bool) int {
	if !header && len(t.opt.WrapCols) == 0 {
		return 1
	}
	n, most := 1, 3
	if !header {
		most = 15
	}
	for i, v := range values {
		s, ok := v.(string)
		if !ok || i >= len(t.opt.Widths) || t.opt.Widths[i] <= 0 || (!header && !t.wrapCol(i+1)) {
			continue
		}
		// a little less than the width: cell padding and wider glyphs
		n = max(n, int(math.Ceil(TextWidth(s)/(t.opt.Widths[i]*0.9))))
	}
	return min(n, most)
}

// boxedRow reports whether a row gets borders: it holds a value, and is not
// a title.
func boxedRow(values []any) bool {
	some := false
	for _, v := range values {
		switch v.(type) {
		case nil:
		case Title:
			return false
		default:
			some = true
		}
	}
	return some
}

// Finish ends the sheet.
func (t *Table) Finish() error {
	if t.done {
		return nil
	}
	t.done = true
	t.seen = nil
	b := append(t.out.buf, `</sheetData>`...)
	if t.opt.Filter && t.opt.Header > 0 && t.row > t.opt.Header {
		ref := CellName(1, t.opt.Header) + ":" + CellName(max(t.opt.Cols, 1), t.row)
		t.w.filter[t.n] = ref
		b = append(b, `<autoFilter ref="`+ref+`"/>`...)
	}
	orientation := "portrait"
	if landscape(t.opt) {
		orientation = "landscape"
	}
	// A4, one page wide, as many pages long as it takes
	if t.opt.PrintGrid {
		b = append(b, `<printOptions horizontalCentered="1" gridLines="1"/>`...)
	} else {
		b = append(b, `<printOptions horizontalCentered="1"/>`...)
	}
	b = append(b, `<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.75" header="0.3" footer="0.3"/>`...)
	b = fmt.Appendf(b, `<pageSetup paperSize="9" orientation="%s" fitToWidth="1" fitToHeight="0"/>`, orientation)
	b = append(b, `<headerFooter><oddFooter>`...)
	b = appendEscaped(b, Footer)
	b = append(b, `</oddFooter></headerFooter>`...)
	if n := len(t.opt.Breaks); n > 0 {
		b = fmt.Appendf(b, `<rowBreaks count="%d" manualBreakCount="%d">`, n, n)
		for _, r := range t.opt.Breaks {
			b = fmt.Appendf(b, `<brk id="%d" max="16383" man="1"/>`, r)
		}
		b = append(b, `</rowBreaks>`...)
	}
	if len(t.charts) > 0 {
		if t.w.charts == nil {
			t.w.charts = map[int][]Chart{}
		}
		t.w.charts[t.n] = t.charts
		b = append(b, `<drawing r:id="rId1"/>`...)
	}
	t.out.buf = append(b, `</worksheet>`...)
	if t.w.open == t {
		t.w.open = nil
	}
	if err := t.out.flush(); err != nil {
		return err
	}
	if t.stream != nil {
		return t.stream.close()
	}
	return t.async.Close()
}

// writeT writes a text as a <t> element (of an inline string or a shared
// one), its spaces and line breaks kept.
func writeT(b *bufio.Writer, text string) {
	var buf [128]byte
	b.Write(appendT(buf[:0], text))
}

// appendT is writeT appending to dst.
func appendT(dst []byte, text string) []byte {
	if spaced(text) || strings.IndexByte(text, '\n') >= 0 {
		dst = append(dst, `<t xml:space="preserve">`...)
	} else {
		dst = append(dst, `<t>`...)
	}
	return append(appendEscaped(dst, text), `</t>`...)
}

// spaced reports whether a text begins or ends with a space (Unicode's,
// as strings.TrimSpace has them), looking at those two runes only.
func spaced(s string) bool {
	if s == "" {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsSpace(first) || unicode.IsSpace(last)
}

// appendEscaped appends text escaped for XML, leaving out characters XML
// cannot hold (control characters a school may have pasted). Runs of text
// that need nothing are appended whole; invalid UTF-8 is written as U+FFFD,
// as ranging over the string gives it.
func appendEscaped(b []byte, s string) []byte {
	if plainXML(s) {
		return append(b, s...) // most texts: one look at their bytes
	}
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			var esc string
			switch {
			case c == '<':
				esc = "&lt;"
			case c == '>':
				esc = "&gt;"
			case c == '&':
				esc = "&amp;"
			case c == '"':
				esc = "&quot;"
			case c == '\r':
				esc = "&#13;"
			case c >= 0x20 || c == '\t' || c == '\n':
				i++
				continue
			}
			b = append(b, s[last:i]...)
			b = append(b, esc...) // "" for a control character: left out
			i++
			last = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, s[last:i]...)
			b = append(b, "\uFFFD"...)
		case r == 0xFFFE || r == 0xFFFF:
			b = append(b, s[last:i]...)
		default:
			i += n
			continue
		}
		i += n
		last = i
	}
	return append(b, s[last:]...)
}

// plainXML reports whether appendEscaped writes s as it is: valid UTF-8
// with nothing to escape or leave out. One look at each byte (a Chinese
// text's three a character): ranging over it decoded every character.
func plainXML(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x20 && c < utf8.RuneSelf:
			if c == '<' || c == '>' || c == '&' || c == '"' {
				return false
			}
		case c < 0x20:
			if c != '\t' && c != '\n' {
				return false // \r escaped, control characters left out
			}
		case c >= 0xE0 && c <= 0xEF: // three bytes
			if i+2 >= len(s) || s[i+1]&0xC0 != 0x80 || s[i+2]&0xC0 != 0x80 ||
				c == 0xE0 && s[i+1] < 0xA0 || // overlong
				c == 0xED && s[i+1] > 0x9F || // a surrogate
				c == 0xEF && s[i+1] == 0xBF && s[i+2] >= 0xBE { // U+FFFE, U+FFFF
				return false
			}
			i += 2
		case c >= 0xC2 && c <= 0xDF: // two bytes
			if i+1 >= len(s) || s[i+1]&0xC0 != 0x80 {
				return false
			}
			i++
		case c >= 0xF0 && c <= 0xF4: // four bytes
			if i+3 >= len(s) || s[i+1]&0xC0 != 0x80 || s[i+2]&0xC0 != 0x80 || s[i+3]&0xC0 != 0x80 ||
				c == 0xF0 && s[i+1] < 0x90 || c == 0xF4 && s[i+1] > 0x8F {
				return false
			}
			i += 3
		default: // not UTF-8
			return false
		}
	}
	return true
}

func escape(s string) string { return string(appendEscaped(nil, s)) }

// Close drops the workbook without writing it.
func (w *TableWriter) Close() error {
	if w.open != nil && w.open.async != nil {
		w.open.async.Close()
	}
	for _, t := range w.streams {
		t.stream.remove()
	}
	w.tmp.Close()
	return os.Remove(w.tmp.Name())
}

const (
	xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	nsMain    = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel     = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPkgRel  = "http://schemas.openxmlformats.org/package/2006/relationships"
)

// WriteTo finishes the workbook (sheets reserved but never added are empty)
// and copies it to out.
func (w *TableWriter) WriteTo(out io.Writer) (int64, error) {
	defer w.Close()
	if w.open != nil {
		if err := w.open.Finish(); err != nil {
			return 0, err
		}
	}
	for _, name := range w.names {
		if !w.added[name] {
			t, err := w.Add(name, TableOptions{})
			if err != nil {
				return 0, err
			}
			if err := t.Finish(); err != nil {
				return 0, err
			}
		}
	}
	for _, t := range w.streams {
		if err := t.Finish(); err != nil {
			return 0, err
		}
		if err := t.stream.copyTo(w.zw, sheetPart(t.n), t.appendHead(nil)); err != nil {
			return 0, err
		}
	}
	if err := w.parts(); err != nil {
		return 0, err
	}
	if err := w.zw.Close(); err != nil {
		return 0, err
	}
	if _, err := w.tmp.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	return io.Copy(out, w.tmp)
}

// parts writes the workbook's other parts.
func (w *TableWriter) parts() error {
	var ct, wb, rels strings.Builder
	ct.WriteString(xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
		`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
		`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>`)
	wb.WriteString(xmlHeader + `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><workbookPr/><bookViews><workbookView activeTab="0"/></bookViews><sheets>`)
	rels.WriteString(xmlHeader + `<Relationships xmlns="` + nsPkgRel + `">`)
	for i, name := range w.names {
		n := i + 1
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, escape(name), n, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, n, n)
	}
	if len(w.props) > 0 {
		ct.WriteString(`<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>`)
	}
	if w.sst.used() {
		ct.WriteString(`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, len(w.names)+2)
		f, err := w.zw.Create("xl/sharedStrings.xml")
		if err != nil {
			return err
		}
		if err := w.sst.write(f); err != nil {
			return err
		}
	}
	drawings := w.drawingParts(&ct)
	ct.WriteString(`</Types>`)
	wb.WriteString(`</sheets>`)
	if len(w.filter)+len(w.titles) > 0 {
		wb.WriteString(`<definedNames>`)
		for i := range w.names {
			quoted := escape(strings.ReplaceAll(w.names[i], "'", "''"))
			if ref, ok := w.filter[i+1]; ok {
				fmt.Fprintf(&wb, `<definedName name="_xlnm._FilterDatabase" localSheetId="%d" hidden="1">'%s'!%s</definedName>`, i, quoted, absRange(ref))
			}
			if n, ok := w.titles[i+1]; ok {
				fmt.Fprintf(&wb, `<definedName name="_xlnm.Print_Titles" localSheetId="%d">'%s'!$1:$%d</definedName>`, i, quoted, n)
			}
		}
		wb.WriteString(`</definedNames>`)
	}
	wb.WriteString(`</workbook>`)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`, len(w.names)+1)
	styles := w.styles.xml()
	core := xmlHeader + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + escape(w.title) + `</dc:title><dc:creator>nianbao</dc:creator><dc:language>zh-CN</dc:language>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + DocTime + `</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">` + DocTime + `</dcterms:modified></cp:coreProperties>`
	app := xmlHeader + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>nianbao</Application></Properties>`
	pkgRels := xmlHeader + `<Relationships xmlns="` + nsPkgRel + `">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
		`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>`
	parts := []pkgPart{
		{"xl/workbook.xml", wb.String()}, {"xl/_rels/workbook.xml.rels", rels.String()}, {"xl/styles.xml", styles},
		{"docProps/core.xml", core}, {"docProps/app.xml", app},
	}
	if len(w.props) > 0 {
		pkgRels += `<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>`
		parts = append(parts, pkgPart{"docProps/custom.xml", customProps(w.props)})
	}
	pkgRels += `</Relationships>`
	parts = append(parts, drawings...)
	parts = append(parts, pkgPart{"_rels/.rels", pkgRels}, pkgPart{"[Content_Types].xml", ct.String()})
	for _, p := range parts {
		f, err := w.zw.Create(p.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return err
		}
	}
	return nil
}

// absRange is A1:B9 as $A$1:$B$9.
func absRange(ref string) string {
	from, to, _ := strings.Cut(ref, ":")
	abs := func(c string) string {
		i := strings.IndexAny(c, "0123456789")
		return "$" + c[:i] + "$" + c[i:]
	}
	return abs(from) + ":" + abs(to)
}

// SetProp adds a custom document property (text), written in the order given.
func (w *TableWriter) SetProp(name, value string) { w.props = append(w.props, [2]string{name, value}) }

// pkgPart is a part of the package: its name and what it holds.
type pkgPart struct{ name, body string }

// customProps is docProps/custom.xml holding props.
func customProps(props [][2]string) string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">`)
	for i, p := range props {
		fmt.Fprintf(&b, `<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="%d" name="%s"><vt:lpwstr>%s</vt:lpwstr></property>`, i+2, escape(p[0]), escape(p[1]))
	}
	b.WriteString(`</Properties>`)
	return b.String()
}

// drawingParts are the parts of the sheets' charts, in sheet order: each
// sheet with charts gets relationships to a drawing, the drawing to its
// charts; their content types go into ct.
func (w *TableWriter) drawingParts(ct *strings.Builder) []pkgPart {
	var parts []pkgPart
	drawing, chart := 0, 0
	for n := 1; n <= len(w.names); n++ {
		charts := w.charts[n]
		if len(charts) == 0 {
			continue
		}
		drawing++
		parts = append(parts,
			pkgPart{fmt.Sprintf("xl/worksheets/_rels/sheet%d.xml.rels", n), xmlHeader + `<Relationships xmlns="` + nsPkgRel + `">` +
				fmt.Sprintf(`<Relationship Id="rId1" Type="%s" Target="../drawings/drawing%d.xml"/>`, RelDrawing, drawing) + `</Relationships>`},
			pkgPart{fmt.Sprintf("xl/drawings/drawing%d.xml", drawing), DrawingXML(charts)},
			pkgPart{fmt.Sprintf("xl/drawings/_rels/drawing%d.xml.rels", drawing), DrawingRels(chart+1, len(charts))})
		fmt.Fprintf(ct, `<Override PartName="/xl/drawings/drawing%d.xml" ContentType="%s"/>`, drawing, ContentTypeDrawing)
		for _, c := range charts {
			chart++
			parts = append(parts, pkgPart{fmt.Sprintf("xl/charts/chart%d.xml", chart), ChartXML(c)})
			fmt.Fprintf(ct, `<Override PartName="/xl/charts/chart%d.xml" ContentType="%s"/>`, chart, ContentTypeChart)
		}
	}
	return parts
}

// cellValue is a value's text, or for a number its digits (in t.digits, no
// string made), and its style (st is the row's, adjusted); skip is true for
// an empty cell that needs no style.
func (t *Table) cellValue(v any, st *style, header bool, i int) (text string, digits []byte, skip bool, err error) {
	switch x := v.(type) {
	case nil:
		return "", nil, *st == (style{}), nil
	case decimal.Decimal:
		digits = dectext.Append(t.digits[:0], x)
	case int:
		digits = strconv.AppendInt(t.digits[:0], int64(x), 10)
		st.format = "#,##0"
	case Number:
		digits, st.format = x.Append(t.digits[:0]), x.Format
		if x.Bold && !header {
			st.font = fontBold
		}
	case Title:
		text = string(x)
		if !header {
			st.font = fontTitle
		}
	case Bold:
		text = string(x)
		st.font = fontBold
	case string:
		text = x
		st.wrap = st.wrap || t.wrapCol(i+1)
	default:
		return "", nil, false, fmt.Errorf("不支持的值类型 %T", v)
	}
	return text, digits, false, nil
}
