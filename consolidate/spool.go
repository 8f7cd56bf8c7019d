package consolidate

import (
	"bufio"
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

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
	enc  *gob.Encoder
	// charts go to the sink's table when it can draw them (a workbook)
	charts []xlsx.Chart
}

// chartTable is a table that can draw charts (xlsx.Table).
type chartTable interface{ AddChart(xlsx.Chart) }

// AddChart keeps a chart for the table's replay.
func (t *spooled) AddChart(c xlsx.Chart) { t.charts = append(t.charts, c) }

func newSpool(sink Sink) *spool { return &spool{sink: sink} }

func (s *spool) Reserve(names ...string) error { return s.sink.Reserve(names...) }

func (s *spool) Table(name string, opt TableOptions) (RowWriter, error) {
	f, err := os.CreateTemp("", "nianbao-table-*")
	if err != nil {
		return nil, fmt.Errorf("无法创建临时文件: %w", err)
	}
	w := bufio.NewWriterSize(f, 256<<10)
	t := &spooled{name: name, opt: opt, f: f, w: w, enc: gob.NewEncoder(w)}
	s.tables = append(s.tables, t)
	return t, nil
}

// Row encodes each value as its kind and text: n number, i int, s string,
// t title, b bold text, f formatted number (bold flag, format, NUL, value),
// "" empty.
func (t *spooled) Row(values ...any) error {
	t.rows++
	row := make([]string, len(values))
	for i, v := range values {
		switch x := v.(type) {
		case nil:
		case decimal.Decimal:
			row[i] = "n" + x.String()
		case int:
			row[i] = "i" + strconv.Itoa(x)
		case string:
			row[i] = "s" + x
		case xlsx.Title:
			row[i] = "t" + string(x)
		case xlsx.Bold:
			row[i] = "b" + string(x)
		case xlsx.Number:
			bold := "-"
			if x.Bold {
				bold = "b"
			}
			row[i] = "f" + bold + x.Format + "\x00" + x.Value.String()
		default:
			return fmt.Errorf("表 %s：不支持的值类型 %T", t.name, v)
		}
	}
	return t.enc.Encode(row)
}

func decodeValue(s string) any {
	if s == "" {
		return nil
	}
	switch s[0] {
	case 'n':
		return decimal.RequireFromString(s[1:])
	case 'i':
		n, _ := strconv.Atoi(s[1:])
		return n
	case 't':
		return xlsx.Title(s[1:])
	case 'b':
		return xlsx.Bold(s[1:])
	case 'f':
		format, value, _ := strings.Cut(s[2:], "\x00")
		return xlsx.Number{Value: decimal.RequireFromString(value), Format: format, Bold: s[1] == 'b'}
	}
	return s[1:]
}

// Close replays every table into the sink, one at a time, and closes it.
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
		out, err := s.sink.Table(t.name, t.opt)
		if err != nil {
			return err
		}
		if ct, ok := out.(chartTable); ok {
			for _, c := range t.charts {
				ct.AddChart(c)
			}
		}
		dec := gob.NewDecoder(bufio.NewReaderSize(t.f, 256<<10))
		for {
			var row []string
			if err := dec.Decode(&row); err == io.EOF {
				break
			} else if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			vals := make([]any, len(row))
			for i, v := range row {
				vals[i] = decodeValue(v)
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
