package consolidate

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"unsafe"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/shopspring/decimal"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
)

// SheetSchoolData is the long table of every value of every school used.
const SheetSchoolData = "学校数据"

// schoolDataHeader is the header of 学校数据.
func schoolDataHeader() []any {
	return []any{"学校标识码", "学校名称", "表", "指标", "列", "值", "单位", "单元格", "文件"}
}

// longTable is a table that goes on in a new one (学校数据(2), …) when it
// reaches the sink's row limit, with a note in its last row saying where:
// never cut short silently. Its rows count is left to the spool.
type longTable struct {
	b     *builder
	name  string
	limit int // rows a table holds, header and note included; 0: no limit
	part  int
	rows  int
	cur   RowWriter
}

func (b *builder) newLongTable(name string) (*longTable, error) {
	t := &longTable{b: b, name: name, limit: maxRows(b.sink)}
	return t, t.next()
}

func (t *longTable) partName(n int) string {
	if n == 1 {
		return t.name
	}
	return cut31(fmt.Sprintf("%s(%d)", t.name, n))
}

func (t *longTable) next() error {
	t.part++
	table := t.b.sink.Table
	if st, ok := t.b.sink.(streamer); ok {
		table = st.Stream
	}
	w, err := table(t.partName(t.part), TableOptions{Cols: 9, Header: 1, Filter: true, PrintGrid: true, Dense: true, FreezeCols: 2,
		Shared: []int{1, 2, 3, 4, 5, 7, 8, 9}, // all but 值
		Widths: []float64{13, 28, 12, 26, 17, 14, 9, 14, 36}})
	if err != nil {
		return err
	}
	t.cur, t.rows = w, 1
	return w.Row(schoolDataHeader()...)
}

func (t *longTable) Row(values ...any) error {
	if err := t.room(); err != nil {
		return err
	}
	t.rows++
	return t.cur.Row(values...)
}

// cellWriter is a table that takes a row's cells as they are
// (xlsx.Table), not made values first.
type cellWriter interface {
	Cells(cells []xlsx.RowCell) error
}

// Cells is Row for a table that takes cells (cells reports whether it
// does).
func (t *longTable) Cells(cells []xlsx.RowCell) error {
	if err := t.room(); err != nil {
		return err
	}
	t.rows++
	return t.cur.(cellWriter).Cells(cells)
}

// cells reports whether the table takes cells.
func (t *longTable) cells() bool {
	_, ok := t.cur.(cellWriter)
	return ok
}

// room goes on in a new table when this one has room for the note only.
func (t *longTable) room() error {
	if t.limit > 0 && t.rows == t.limit-1 {
		note := fmt.Sprintf("（本表已到 %d 行的上限，续见工作表“%s”）", t.limit, t.partName(t.part+1))
		if err := t.cur.Row(note); err != nil {
			return err
		}
		return t.next()
	}
	return nil
}

// schoolData writes every value of one school, input and computed, with the
// cell it is in and the file (eachValue says in which order): as cells to
// a workbook, else as values (schoolValues).
func (b *builder) schoolData(x *prepared, t *longTable) error {
	if !t.cells() {
		return b.schoolValues(x, t)
	}
	s, rec := x.s, x.rec
	text := func(s string) xlsx.RowCell { return xlsx.RowCell{Kind: xlsx.CellText, Text: s} }
	// the school's texts, for all its rows ("" too, as a value)
	code, name, file := text(s.Code), text(s.Name), text(b.display(s.File))
	row := make([]xlsx.RowCell, 9) // one row after another: no table keeps it
	var key []byte                 // scratch for rec.cell
	var cell string
	box := &b.boxes
	return eachValue(b.p, x.book, x.computed, func(v datum) error {
		row[0], row[1], row[2] = code, name, textCell(v.sheet.Name)
		if v.sheet.Kind == spec.KindList { // a row's item, labels made for the school
			row[3], row[4] = boxedCell(box.text(v.item)), textCell(v.col)
		} else {
			row[3], row[4] = textCell(v.item), textCell(v.col)
		}
		row[5] = valueCell(v.v, valueFormat(v.f, v.addr.Col))
		row[6] = textCell(v.unit())
		cell, key = rec.cell(&v, key)
		row[7], row[8] = boxedCell(box.at(&v, cell)), file
		return t.Cells(row)
	})
}

// valueCell is formatted(v, format, false) as a cell.
func valueCell(v report.Value, format string) xlsx.RowCell {
	switch v.Kind {
	case report.Number:
		return xlsx.RowCell{Kind: xlsx.CellNumber, Num: xlsx.Number{Value: v.Num, Format: format}}
	case report.Text:
		return xlsx.RowCell{Kind: xlsx.CellText, Text: v.Text}
	}
	return xlsx.RowCell{}
}

// textCell is a text as a cell, empty for "".
func textCell(s string) xlsx.RowCell {
	if s == "" {
		return xlsx.RowCell{}
	}
	return xlsx.RowCell{Kind: xlsx.CellText, Text: s}
}

// boxedCell is a text of boxes (nil or a string) as a cell: the same
// string for the same text, which the workbook's cache of shared texts
// finds without hashing it.
func boxedCell(v any) xlsx.RowCell {
	if s, ok := v.(string); ok {
		return xlsx.RowCell{Kind: xlsx.CellText, Text: s}
	}
	return xlsx.RowCell{}
}

// schoolValues is schoolData as values (any), for a table that does not
// take cells (CSV, JSON).
func (b *builder) schoolValues(x *prepared, t RowWriter) error {
	s, rec := x.s, x.rec
	// the school's texts, made values once for all its rows
	code, name, file := any(s.Code), any(s.Name), any(b.display(s.File))
	row := make([]any, 9) // one row after another: no table keeps it
	var key []byte        // scratch for rec.cell
	var cell string
	box := &b.boxes
	return eachValue(b.p, x.book, x.computed, func(v datum) error {
		row[0], row[1], row[2] = code, name, box.spec(v.sheet.Name)
		if v.sheet.Kind == spec.KindList { // a row's item, labels made for the school
			row[3], row[4] = box.text(v.item), box.spec(v.col)
		} else {
			row[3], row[4] = box.spec(v.item), box.spec(v.col)
		}
		row[5] = box.value(v.v, valueFormat(v.f, v.addr.Col))
		row[6] = box.spec(v.unit())
		cell, key = rec.cell(&v, key)
		row[7], row[8] = box.at(&v, cell), file
		return t.Row(row...)
	})
}

// boxes are texts made values (any), kept by their content: a label of
// the spec, a cell or a list's item, on many rows of 学校数据, is made a
// value once, not on every row (each costs an allocation); and the value
// holds the same string each time, which the workbook's cache of shared
// texts finds without hashing it. A slot holds a copy of its text: the
// text may be part of a school's whole record, which it would keep alive.
type boxes struct {
	specs [1024]struct {
		s string
		v any
	}
	texts [16384]struct {
		s string
		v any
	}
	numbers [1 << numberBits]struct {
		c      int64
		exp    int32
		format string
		v      any
	}
	// places are the cells' texts the school before had at each place of
	// each sheet (datum.at), as text made them (see at): those of the sheet
	// last met at hand (cur), the others by their sheet
	cur    *sheetTexts
	sheets []*sheetTexts
}

// sheetTexts are the cells' texts of a sheet's places.
type sheetTexts struct {
	sheet  *spec.Sheet
	places []boxed
}

// boxed is a text and the value text made of it.
type boxed struct {
	s string
	v any
}

// at is text(s) for the cell's text of v's place (学生情况!D4): most
// schools have the same text there as the one before (19 out of 20 of
// 学校数据's cells), which is compared first, in the order of the walk,
// instead of hashed. Any text found there is the same text: a school's
// whose lists are longer only finds fewer. (A list row's item is mostly a
// school's own: text finds it.)
func (c *boxes) at(v *datum, s string) any {
	if c.cur == nil || v.sheet != c.cur.sheet {
		i := slices.IndexFunc(c.sheets, func(x *sheetTexts) bool { return x.sheet == v.sheet })
		if i < 0 {
			i = len(c.sheets)
			c.sheets = append(c.sheets, &sheetTexts{sheet: v.sheet})
		}
		c.cur = c.sheets[i]
	}
	if v.at >= len(c.cur.places) {
		c.cur.places = append(c.cur.places, make([]boxed, v.at+1-len(c.cur.places))...)
	}
	p := &c.cur.places[v.at]
	if p.s != s || p.v == nil {
		x := c.text(s)
		if x == nil {
			return nil
		}
		p.s, p.v = x.(string), x // the slot's copy: not the school's record
	}
	return p.v
}

// text is s as a value, nil for "" (nullable).
func (c *boxes) text(s string) any {
	if s == "" {
		return nil
	}
	slot := &c.texts[maphash.String(boxSeed, s)%uint64(len(c.texts))]
	if slot.s != s {
		slot.s = strings.Clone(s)
		slot.v = slot.s
	}
	return slot.v
}

// spec is text(s) for a text of the spec (a label, a unit): found by
// where its bytes are, which do not change.
func (c *boxes) spec(s string) any {
	if s == "" {
		return nil
	}
	slot := &c.specs[(uintptr(unsafe.Pointer(unsafe.StringData(s)))>>3+uintptr(len(s)))%uintptr(len(c.specs))]
	if len(slot.s) != len(s) || unsafe.StringData(slot.s) != unsafe.StringData(s) {
		slot.s, slot.v = s, s
	}
	return slot.v
}

// number is d shown in a format as a value (xlsx.Number), the same value
// again for the same figures (a school's counts are mostly small numbers).
func (c *boxes) number(d decimal.Decimal, format string) any {
	if d.NumDigits() > 18 {
		return xlsx.Number{Value: d, Format: format}
	}
	co, exp := d.CoefficientInt64(), d.Exponent()
	// Fibonacci hashing: the top bits of the product
	slot := &c.numbers[((uint64(co)^uint64(exp)<<40^uint64(len(format))<<52)*0x9E3779B97F4A7C15)>>(64-numberBits)]
	if slot.v == nil || slot.c != co || slot.exp != exp || slot.format != format {
		slot.c, slot.exp, slot.format, slot.v = co, exp, format, xlsx.Number{Value: d, Format: format}
	}
	return slot.v
}

// value is formatted(v, format, false) as number and text do it: the same
// value again for the same figures or text.
func (c *boxes) value(v report.Value, format string) any {
	switch {
	case v.Kind == report.Number:
		return c.number(v.Num, format)
	case v.Kind == report.Text && v.Text != "":
		return c.text(v.Text)
	}
	return formatted(v, format, false)
}

// numberBits is log2 of how many numbers boxes keeps: 8,192 (with 1,024,
// 260,000 more values were made for 1,000 schools; 16,384 saved 100,000
// more).
const numberBits = 13

// boxSeed hashes the texts of boxes.
var boxSeed = maphash.MakeSeed()

// datum is one value of a school as 学校数据 shows it.
type datum struct {
	sheet     *spec.Sheet
	item, col string // the row's label (or a list row's item) and the column's
	f         *spec.Field
	addr      report.Addr
	v         report.Value
	// n is the place of addr in the walk of every address of the school,
	// empty or not (walk): the spill keeps the school's cells in that order
	n int
	// at is its place among its sheet's addresses in the walk: the same
	// in every school but after a list's rows
	at int
}

func (v datum) unit() string {
	if v.addr.Col == spec.ColPct {
		return "%"
	}
	return v.f.Unit
}

// eachValue calls fn with every non-empty value of a school, input and
// computed: records field by field, indicator tables row by row and year by
// year (本学年为上学年(%) too), lists row by row and column by column with
// their 合计 rows and summaries. A 序号 is no value of the school.
func eachValue(p *formula.Program, book *report.Book, computed formula.Computed, fn func(datum) error) error {
	return walk(p, book, computed, false, fn)
}

// walk is eachValue, and with all every address too whose value is empty
// or a 序号; datum.n counts the addresses in this order, which depends on
// the spec and on how many rows the book's lists have, not on the values.
func walk(p *formula.Program, book *report.Book, computed formula.Computed, all bool, fn func(datum) error) error {
	n, at := -1, -1
	emit := func(sh *spec.Sheet, item, col string, f *spec.Field, addr report.Addr, v report.Value) error {
		n++
		at++
		if !all && (v.IsEmpty() || f.Type == spec.TypeSeq) {
			return nil
		}
		return fn(datum{sheet: sh, item: item, col: col, f: f, addr: addr, v: v, n: n, at: at})
	}
	c := p.Spec.Columns
	yearCols := []struct{ key, label string }{{spec.ColPrev, c.Prev}, {spec.ColCur, c.Cur}, {spec.ColPct, c.Pct}}
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		at = -1
		switch sh.Kind {
		case spec.KindRecord:
			in := sheetValues(book, sh.Key)
			for j := range sh.Rows {
				f := &sh.Rows[j]
				if err := emit(sh, f.Label, "", f, report.FieldAddr(sh.Key, f.Key), in[report.Key{Field: f.Key}]); err != nil {
					return err
				}
			}
		case spec.KindIndicator:
			in := sheetValues(book, sh.Key)
			for j := range sh.Rows {
				f := &sh.Rows[j]
				for _, col := range yearCols {
					k := report.Key{Field: f.Key, Col: col.key}
					var v report.Value
					if !f.Input() || col.key == spec.ColPct {
						v = computed.Get(sh.Key, k)
					} else {
						v = in[k]
					}
					if err := emit(sh, f.Label, col.label, f, report.ColAddr(sh.Key, f.Key, col.key), v); err != nil {
						return err
					}
				}
			}
		case spec.KindList:
			if err := listData(p, sh, placesOf(p).places[i].heads, book, computed, emit); err != nil {
				return err
			}
		}
	}
	return nil
}

// sheetValues are a sheet's values in a book (nil, which reads as empty,
// when it has none): looked up once for all of them.
func sheetValues(b *report.Book, sheet string) map[report.Key]report.Value {
	if s := b.Sheets[sheet]; s != nil {
		return s.Values
	}
	return nil
}

// listData gives a list's rows (named by their item, e.g. the major), its
// 合计 row and its summary; heads are its columns' labels, made once for
// every school (sheetPlaces.heads).
func listData(p *formula.Program, sh *spec.Sheet, heads []string, book *report.Book, computed formula.Computed, emit func(*spec.Sheet, string, string, *spec.Field, report.Addr, report.Value) error) error {
	key := pivotField(sh)
	for i, row := range book.Rows(sh.Key) {
		item := row[key.Key].String()
		if item == "" {
			item = fmt.Sprintf("第%d行", i+1)
		}
		for j := range sh.Columns {
			f := &sh.Columns[j]
			v := row[f.Key]
			if !f.Input() {
				v = computed.Row(sh.Key, i, f.Key)
			}
			if err := emit(sh, item, heads[j], f, report.RowAddr(sh.Key, i, f.Key), v); err != nil {
				return err
			}
		}
	}
	for j := range sh.Columns {
		f := &sh.Columns[j]
		if k := f.TotalKind(); k != "sum" && k != "derived" {
			continue
		}
		v := computed.Get(sh.Key, report.Key{Field: f.Key, Col: report.TotalCol})
		if err := emit(sh, p.Spec.Columns.Total, heads[j], f, report.TotalAddr(sh.Key, f.Key), v); err != nil {
			return err
		}
	}
	if sh.Summary == nil {
		return nil
	}
	for j := range sh.Summary.Rows {
		f := &sh.Summary.Rows[j]
		label := sh.Summary.Title + "·" + f.Label
		for _, col := range []struct{ key, label string }{{spec.ColPrev, p.Spec.Columns.Prev}, {spec.ColCur, p.Spec.Columns.Cur}} {
			v := computed.Get(sh.Key, report.Key{Field: f.Key, Col: col.key})
			if err := emit(sh, label, col.label, f, report.ColAddr(sh.Key, f.Key, col.key), v); err != nil {
				return err
			}
		}
	}
	return nil
}

// valueFormat is the format of a value of a field in a column: 本学年为上学年(%)
// is a percentage with 2 decimals.
func valueFormat(f *spec.Field, col string) string {
	if col == spec.ColPct {
		return "0.00"
	}
	return fieldFormat(f)
}
