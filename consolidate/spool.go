package consolidate

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/nianbao/nianbao/internal/dectext"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/shopspring/decimal"
)

// spool lets the builder write all its tables at once while the sink gets
// them one after another: rows go to a temporary file per table and are
// replayed at Close. A workbook sink then has one sheet streaming at a time
// (excelize buffers up to 16 MB in memory per open stream), so memory stays
// flat however many schools there are.
type spool struct {
	sink   Sink
	tables []*spooled
}

type spooled struct {
	name string
	opt  TableOptions // Rows 0: as many as were written
	rows int
	f    *os.File
	w    *bufio.Writer
	buf  []byte // the row being encoded
	// digits are a number's text, written without a string made
	digits []byte
	// charts go to the sink's table when it can draw them (a workbook)
	charts []xlsx.Chart
}

// chartTable is a table that can draw charts (xlsx.Table).
type chartTable interface{ AddChart(xlsx.Chart) }

// AddChart keeps a chart for the table's replay.
func (t *spooled) AddChart(c xlsx.Chart) { t.charts = append(t.charts, c) }

func newSpool(sink Sink) *spool { return &spool{sink: sink} }

func (s *spool) Reserve(names ...string) error { return s.sink.Reserve(names...) }

// streamer is a sink that writes a long table (学校数据) while the spool
// holds the others: its rows go straight to the sink, not through a
// temporary file and back (the sheet is most of the workbook).
type streamer interface {
	Stream(name string, opt TableOptions) (RowWriter, error)
}

// Stream is a table written straight to the sink when it can take one at
// the same time as the others, else a spooled one.
func (s *spool) Stream(name string, opt TableOptions) (RowWriter, error) {
	if st, ok := s.sink.(streamer); ok {
		return st.Stream(name, opt)
	}
	return s.Table(name, opt)
}

// spoolBuffer is a spooled table's buffer, writing and reading back. The
// ~40 tables' writers are live all through the writing pass, and the
// collector lets the heap grow to five times what is live (GOGC 400): at
// 256 KB each they made the pass's heap ~17 MB larger (peak RSS 127 → 107
// MB for 1,000 files), memory first touched, which costs more than the
// extra system calls.
const spoolBuffer = 32 << 10

func (s *spool) Table(name string, opt TableOptions) (RowWriter, error) {
	f, err := os.CreateTemp("", "nianbao-table-*")
	if err != nil {
		return nil, fmt.Errorf("无法创建临时文件: %w", err)
	}
	w := bufio.NewWriterSize(f, spoolBuffer)
	t := &spooled{name: name, opt: opt, f: f, w: w}
	s.tables = append(s.tables, t)
	return t, nil
}

// Row encodes the row as its number of values, then each value as its
// kind and, but for an empty one, its text (length first): n number, i int,
// s string, t title, b bold text, f formatted number (text: bold flag,
// format, NUL, value), 0 empty. A plain encoding, read back by spoolReader:
// encoding/gob took a tenth of a large consolidation.
func (t *spooled) Row(values ...any) error {
	t.rows++
	b := binary.AppendUvarint(t.buf[:0], uint64(len(values)))
	for _, v := range values {
		var kind byte
		var text string
		switch x := v.(type) {
		case nil:
			b = append(b, '0')
			continue
		case decimal.Decimal:
			t.digits = dectext.Append(t.digits[:0], x)
			b = binary.AppendUvarint(append(b, 'n'), uint64(len(t.digits)))
			b = append(b, t.digits...)
			continue
		case int:
			kind, text = 'i', strconv.Itoa(x)
		case string:
			kind, text = 's', x
		case xlsx.Title:
			kind, text = 't', string(x)
		case xlsx.Bold:
			kind, text = 'b', string(x)
		case xlsx.Number:
			b = t.appendNumber(b, &x)
			continue
		default:
			return fmt.Errorf("表 %s：不支持的值类型 %T", t.name, v)
		}
		b = appendSpoolText(b, kind, text)
	}
	t.buf = b
	_, err := t.w.Write(b)
	return err
}

// appendNumber appends a formatted number (f): its text is the bold flag,
// format, NUL, value.
func (t *spooled) appendNumber(b []byte, x *xlsx.Number) []byte {
	t.digits = x.Append(t.digits[:0])
	b = append(b, 'f')
	b = binary.AppendUvarint(b, uint64(1+len(x.Format)+1+len(t.digits)))
	if x.Bold {
		b = append(b, 'b')
	} else {
		b = append(b, '-')
	}
	return append(append(append(b, x.Format...), 0), t.digits...)
}

// appendSpoolText appends a value of a kind with its text.
func appendSpoolText(b []byte, kind byte, text string) []byte {
	b = append(b, kind)
	b = binary.AppendUvarint(b, uint64(len(text)))
	return append(b, text...)
}

// Cells encodes the row as Row does the cells' values: a school's row of
// numbers, each neither made a value (any) nor looked up among values.
func (t *spooled) Cells(cells []xlsx.RowCell) error {
	t.rows++
	b := binary.AppendUvarint(t.buf[:0], uint64(len(cells)))
	for i := range cells {
		switch c := &cells[i]; c.Kind {
		case xlsx.CellNumber:
			b = t.appendNumber(b, &c.Num)
		case xlsx.CellText:
			b = appendSpoolText(b, 's', c.Text)
		case xlsx.CellBold:
			b = appendSpoolText(b, 'b', c.Text)
		case xlsx.CellTitle:
			b = appendSpoolText(b, 't', c.Text)
		default:
			b = append(b, '0')
		}
	}
	t.buf = b
	_, err := t.w.Write(b)
	return err
}

// spoolReader reads back the rows a spooled table wrote.
type spoolReader struct {
	r    *bufio.Reader
	text []byte
	vals []any
	seen *seenValues // values seen lately (value); nil: none kept
	// where each value's bytes are in a row's, and the formats of numbers
	// met (cells: appendRow)
	raw     []rawValue
	formats []string
}

// rawValue is a value of a row read back: its kind, and where its bytes
// are in the row's.
type rawValue struct {
	kind       byte
	start, end int
}

// seenValues are values read back lately, by their kind and text.
type seenValues [16384]struct {
	kind byte
	text string
	v    any
}

// row is the next row (io.EOF after the last); its slice is reused by the
// next (a sink's Row does not keep it).
func (sr *spoolReader) row() ([]any, error) {
	raw, buf, err := sr.readRaw(sr.text[:0])
	sr.text = buf
	if err != nil {
		return nil, err
	}
	if cap(sr.vals) < len(raw) {
		sr.vals = make([]any, len(raw))
	}
	vals := sr.vals[:len(raw)]
	clear(vals)
	for i, r := range raw {
		if r.kind == '0' {
			continue
		}
		if vals[i], err = sr.value(r.kind, buf[r.start:r.end]); err != nil {
			return nil, err
		}
	}
	return vals, nil
}

// readRaw reads the next row (io.EOF at its start after the last): each
// value's kind, and its bytes appended to buf (raw: where they are). Its
// slice is reused by the next.
func (sr *spoolReader) readRaw(buf []byte) ([]rawValue, []byte, error) {
	n, err := binary.ReadUvarint(sr.r)
	if err != nil {
		return nil, buf, err // io.EOF at a row's start: the end
	}
	if n > 1<<14 { // more values than a worksheet has columns: a damaged count
		return nil, buf, fmt.Errorf("值数 %d 无效", n)
	}
	if uint64(cap(sr.raw)) < n {
		sr.raw = make([]rawValue, n)
	}
	raw := sr.raw[:n]
	for i := range raw {
		kind, err := sr.r.ReadByte()
		if err != nil {
			return nil, buf, unexpected(err)
		}
		raw[i] = rawValue{kind: kind}
		if kind == '0' {
			continue
		}
		size, err := binary.ReadUvarint(sr.r)
		if err != nil {
			return nil, buf, unexpected(err)
		}
		if size > uint64(maxSpoolText) {
			return nil, buf, fmt.Errorf("值长 %d 无效", size)
		}
		start := len(buf)
		buf = slices.Grow(buf, int(size))[:start+int(size)]
		if _, err := io.ReadFull(sr.r, buf[start:]); err != nil {
			return nil, buf, unexpected(err)
		}
		raw[i].start, raw[i].end = start, len(buf)
	}
	return raw, buf, nil
}

// appendRow reads the next row (io.EOF after the last) onto cells, its
// bytes onto buf, which the cells' numbers view: good while buf's bytes
// are not overwritten (what buf grows into later leaves them as they are).
func (sr *spoolReader) appendRow(cells []xlsx.RowCell, buf []byte) ([]xlsx.RowCell, []byte, error) {
	raw, buf, err := sr.readRaw(buf)
	if err != nil {
		return cells, buf, err
	}
	// the row's bytes all read: the cells may view them
	for _, r := range raw {
		if r.kind == '0' {
			cells = append(cells, xlsx.RowCell{})
			continue
		}
		text := buf[r.start:r.end]
		switch kind := r.kind; kind {
		case 'n':
			if !isDigits(text) {
				return cells, buf, fmt.Errorf("数值 %q 无效", text)
			}
			cells = append(cells, xlsx.RowCell{Kind: xlsx.CellNumber, Num: xlsx.Number{Digits: view(text)}})
		case 'f':
			if len(text) == 0 {
				return cells, buf, fmt.Errorf("值类型 %q 无效", kind)
			}
			format, digits, _ := bytes.Cut(text[1:], []byte{0})
			if !isDigits(digits) {
				return cells, buf, fmt.Errorf("数值 %q 无效", digits)
			}
			cells = append(cells, xlsx.RowCell{Kind: xlsx.CellNumber, Num: xlsx.Number{Digits: view(digits), Format: sr.format(format), Bold: text[0] == 'b'}})
		default:
			v, err := sr.value(kind, text)
			if err != nil {
				return cells, buf, err
			}
			switch x := v.(type) {
			case string:
				cells = append(cells, xlsx.RowCell{Kind: xlsx.CellText, Text: x})
			case xlsx.Bold:
				cells = append(cells, xlsx.RowCell{Kind: xlsx.CellBold, Text: string(x)})
			case xlsx.Title:
				cells = append(cells, xlsx.RowCell{Kind: xlsx.CellTitle, Text: string(x)})
			case int:
				cells = append(cells, xlsx.RowCell{Kind: xlsx.CellNumber, Num: xlsx.Number{Digits: strconv.Itoa(x), Format: fmtCount}})
			default:
				return cells, buf, fmt.Errorf("值类型 %q 无效", kind)
			}
		}
	}
	return cells, buf, nil
}

// maxSpoolText bounds a value read back (a text a school wrote is far
// shorter): a damaged length is an error, not a huge allocation.
const maxSpoolText = 1 << 30

// view is b as a string without a copy: good while b's bytes are.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// format is a number format read back, the same string for the same
// format (a table has a few).
func (sr *spoolReader) format(b []byte) string {
	for _, f := range sr.formats {
		if f == string(b) {
			return f
		}
	}
	f := string(b)
	sr.formats = append(sr.formats, f)
	return f
}

// value is decodeValue, the same value again for the same kind and text
// seen lately (a school's code and name on each of its rows, small
// numbers, a list's items): no allocation, and the same string again,
// which the workbook's cache of shared texts finds without hashing it.
func (sr *spoolReader) value(kind byte, text []byte) (any, error) {
	if sr.seen == nil || len(text) > 64 { // long texts rarely repeat
		return decodeValue(kind, text)
	}
	h := maphash.Bytes(spoolSeed, text) + uint64(kind)
	slot := &sr.seen[h%uint64(len(sr.seen))]
	if slot.kind == kind && slot.text == string(text) {
		return slot.v, nil
	}
	v, err := decodeValue(kind, text)
	if err == nil {
		slot.kind, slot.v = kind, v
		// the value's own text where it is the whole of it: no second copy
		switch x := v.(type) {
		case string:
			slot.text = x
		case xlsx.Number:
			if kind == 'n' {
				slot.text = x.Digits
			} else {
				slot.text = string(text)
			}
		default:
			slot.text = string(text)
		}
	}
	return v, err
}

// spoolSeed hashes the texts of values read back.
var spoolSeed = maphash.MakeSeed()

// unexpected is io.ErrUnexpectedEOF for an io.EOF within a row.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// decodeValue is a value read back. A number stays the text it was
// written as (xlsx.Number's Digits: writing it again does not parse it),
// checked to be one.
func decodeValue(kind byte, text []byte) (any, error) {
	switch kind {
	case 'n':
		if !isDigits(text) {
			return nil, fmt.Errorf("数值 %q 无效", text)
		}
		return xlsx.Number{Digits: string(text)}, nil
	case 'i':
		return strconv.Atoi(string(text))
	case 's':
		return string(text), nil
	case 't':
		return xlsx.Title(text), nil
	case 'b':
		return xlsx.Bold(text), nil
	case 'f':
		s := string(text)
		if s == "" {
			break
		}
		format, value, _ := strings.Cut(s[1:], "\x00")
		if !isDigits(value) {
			return nil, fmt.Errorf("数值 %q 无效", value)
		}
		return xlsx.Number{Digits: value, Format: format, Bold: s[0] == 'b'}, nil
	}
	return nil, fmt.Errorf("值类型 %q 无效", kind)
}

// isDigits reports whether a text is a number as decimal's String writes
// it: an optional minus, digits, and a point between digits.
func isDigits[T string | []byte](b T) bool {
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	point := -1
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '.' && point < 0:
			point = i
		case c < '0' || c > '9':
			return false
		}
	}
	return len(b) > 0 && point != 0 && point != len(b)-1
}

// Close replays every table into the sink, one at a time, and closes it:
// a workbook's tables (cellSink) as cells, read back on a goroutine of
// their own while this one writes them (the reading back was a third of
// the replay, which is most of what is left once the schools are
// written); another sink's as values.
func (s *spool) Close() error {
	defer s.remove()
	for _, t := range s.tables {
		if err := t.w.Flush(); err != nil {
			return err
		}
		if _, err := t.f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if t.opt.Rows == 0 {
			t.opt.Rows = t.rows
		}
	}
	if _, ok := s.sink.(cellSink); ok {
		return s.replayCells()
	}
	seen := new(seenValues) // one for every table: a school's code and name are in most
	for _, t := range s.tables {
		out, err := s.table(t)
		if err != nil {
			return err
		}
		sr := &spoolReader{r: bufio.NewReaderSize(t.f, spoolBuffer), seen: seen}
		for {
			vals, err := sr.row()
			if err == io.EOF {
				break
			}
			if err != nil {
				return readBackError(t, err)
			}
			if err := out.Row(vals...); err != nil {
				return err
			}
		}
		t.f.Close()
		os.Remove(t.f.Name())
	}
	return s.sink.Close()
}

// table is the sink's table of a spooled one, with its charts.
func (s *spool) table(t *spooled) (RowWriter, error) {
	out, err := s.sink.Table(t.name, t.opt)
	if err != nil {
		return nil, err
	}
	if ct, ok := out.(chartTable); ok {
		for _, c := range t.charts {
			ct.AddChart(c)
		}
	}
	return out, nil
}

func readBackError(t *spooled, err error) error {
	return fmt.Errorf("表“%s”的临时文件无法读回：%w", t.name, err)
}

// cellSink is a sink whose tables all take cells (cellWriter): a
// workbook's.
type cellSink interface{ cellTables() }

// spoolBatch is rows of a table read back: their cells one after another
// (ends: where each row's end), viewing buf's bytes.
type spoolBatch struct {
	table int
	cells []xlsx.RowCell
	ends  []int
	buf   []byte
	last  bool // the table's last rows
	err   error
}

// A spoolBatch holds at most batchRows rows, and no more rows once it
// holds batchCells cells (a row of 学校指标 has a cell for every
// indicator): the batches in flight and kept for reuse stay a few MB.
const batchRows, batchCells = 256, 4096

// replayCells is Close's replay of tables that take cells: read back in
// batches of rows on another goroutine (readBack), written here in order.
func (s *spool) replayCells() error {
	batches := make(chan *spoolBatch, 4)
	free := make(chan *spoolBatch, 6)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.readBack(batches, free, stop)
	}()
	defer func() { close(stop); <-done }() // before the files are removed
	for i, t := range s.tables {
		out, err := s.table(t)
		if err != nil {
			return err
		}
		cw, ok := out.(cellWriter)
		if !ok {
			return fmt.Errorf("表“%s”不接受单元格", t.name)
		}
		for last := false; !last; {
			b := <-batches
			if b == nil || b.table != i {
				return readBackError(t, io.ErrUnexpectedEOF) // not met: readBack sends every table's
			}
			if b.err != nil {
				return readBackError(t, b.err)
			}
			start := 0
			for _, end := range b.ends {
				if err := cw.Cells(b.cells[start:end]); err != nil {
					return err
				}
				start = end
			}
			last = b.last
			select {
			case free <- b:
			default:
			}
		}
		t.f.Close()
		os.Remove(t.f.Name())
	}
	return s.sink.Close()
}

// readBack reads every table's rows back in batches (batchRows,
// batchCells), a table's last batch marked (the first error ends it),
// until stop.
func (s *spool) readBack(batches chan<- *spoolBatch, free <-chan *spoolBatch, stop <-chan struct{}) {
	defer close(batches)
	seen := new(seenValues) // one for every table: a school's code and name are in most
	for i, t := range s.tables {
		sr := &spoolReader{r: bufio.NewReaderSize(t.f, spoolBuffer), seen: seen}
		for {
			var b *spoolBatch
			select {
			case b = <-free:
			default:
				b = new(spoolBatch)
			}
			*b = spoolBatch{table: i, cells: b.cells[:0], ends: b.ends[:0], buf: b.buf[:0]}
			for len(b.ends) < batchRows && len(b.cells) < batchCells {
				var err error
				if b.cells, b.buf, err = sr.appendRow(b.cells, b.buf); err != nil {
					if err == io.EOF {
						b.last = true
					} else {
						b.err = err
					}
					break
				}
				b.ends = append(b.ends, len(b.cells))
			}
			select {
			case batches <- b:
			case <-stop:
				return
			}
			if b.err != nil {
				return
			}
			if b.last {
				break
			}
		}
	}
}

// MaxRows is the most rows a table of the sink holds (0: no limit).
func (s *spool) MaxRows() int { return maxRows(s.sink) }

func (s *spool) Abort() {
	s.remove()
	s.sink.Abort()
}

func (s *spool) remove() {
	for _, t := range s.tables {
		t.f.Close()
		os.Remove(t.f.Name())
	}
}
