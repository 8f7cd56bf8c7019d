package consolidate

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/shopspring/decimal"
)

// recordSink keeps the rows each table gets.
type recordSink struct {
	names  []string
	tables map[string]*recordTable
	closed bool
}

type recordTable struct{ rows [][]any }

func (r *recordTable) Row(values ...any) error {
	r.rows = append(r.rows, append([]any(nil), values...))
	return nil
}

func (s *recordSink) Reserve(names ...string) error { s.names = append(s.names, names...); return nil }
func (s *recordSink) Table(name string, opt TableOptions) (RowWriter, error) {
	t := &recordTable{}
	s.tables[name] = t
	return t, nil
}
func (s *recordSink) Close() error { s.closed = true; return nil }
func (s *recordSink) Abort()       {}

// Every kind of value comes back from the spool as it went in, tables
// interleaved, texts of any bytes and length.
func TestSpoolRoundTrip(t *testing.T) {
	long := strings.Repeat("长", 70000)
	rows := [][]any{
		{"学校", nil, 3, decimal.RequireFromString("-12.3400"), xlsx.Title("标题"), xlsx.Bold("合计")},
		{},
		{nil, nil},
		{"", "a\x00b", long, xlsx.Number{Value: decimal.RequireFromString("0.5"), Format: `0.0":1"`, Bold: true}},
		{xlsx.Number{Value: decimal.RequireFromString("123456789012345678901234567890.25"), Format: "#,##0.00"}, -7, "\xff\xfe"},
		// the same text as values of other kinds, and again (read back
		// from the values seen lately)
		{"合计", xlsx.Bold("合计"), xlsx.Title("合计"), "合计", "0.5", xlsx.Number{Value: decimal.RequireFromString("0.5"), Format: "0.0"}},
	}
	sink := &recordSink{tables: map[string]*recordTable{}}
	sp := newSpool(sink)
	a, err := sp.Table("甲", TableOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := sp.Table("乙", TableOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if err := a.Row(row...); err != nil {
			t.Fatal(err)
		}
		if err := b.Row(row[:len(row)/2]...); err != nil {
			t.Fatal(err)
		}
	}
	if err := sp.Close(); err != nil {
		t.Fatal(err)
	}
	if !sink.closed {
		t.Error("sink not closed")
	}
	check := func(name string, got [][]any, half bool) {
		if len(got) != len(rows) {
			t.Fatalf("%s: %d rows, want %d", name, len(got), len(rows))
		}
		for i, want := range rows {
			if half {
				want = want[:len(want)/2]
			}
			if len(got[i]) != len(want) {
				t.Errorf("%s row %d: %d values, want %d", name, i, len(got[i]), len(want))
				continue
			}
			for j := range want {
				g, w := got[i][j], want[j]
				// a number comes back as the text it was written as (a
				// plain decimal as a Number without a format), which every
				// sink writes as it writes the number
				var wn xlsx.Number
				switch x := w.(type) {
				case decimal.Decimal:
					wn = xlsx.Number{Value: x}
				case xlsx.Number:
					wn = x
				}
				if wn != (xlsx.Number{}) {
					gn, ok := g.(xlsx.Number)
					if !ok || gn.Digits != wn.Value.String() || gn.Format != wn.Format || gn.Bold != wn.Bold {
						t.Errorf("%s row %d value %d: %#v, want %v", name, i, j, g, w)
					}
					continue
				}
				if !reflect.DeepEqual(g, w) {
					t.Errorf("%s row %d value %d: %#v, want %#v", name, i, j, g, w)
				}
			}
		}
	}
	check("甲", sink.tables["甲"].rows, false)
	check("乙", sink.tables["乙"].rows, true)
}

// A number read back that is not one (a temporary file changed under the
// run) is an error, not written into the workbook.
func TestSpoolBadNumber(t *testing.T) {
	for _, text := range []string{"", "-", "1.", ".5", "1.2.3", "1e5", "12a", "--1", " 1"} {
		if _, err := decodeValue('n', []byte(text)); err == nil {
			t.Errorf("%q: read back as a number", text)
		}
		if _, err := decodeValue('f', []byte("-#,##0\x00"+text)); err == nil {
			t.Errorf("formatted %q: read back as a number", text)
		}
	}
	for _, text := range []string{"0", "-12.34", "123456789012345678901234567890.25", "0.005"} {
		v, err := decodeValue('n', []byte(text))
		if n, ok := v.(xlsx.Number); err != nil || !ok || n.String() != text {
			t.Errorf("%q: %#v, %v", text, v, err)
		}
	}
}

// rowsSink is a sink whose tables take values only (Row), not cells.
type rowsSink struct{ Sink }

func (s rowsSink) Table(name string, opt TableOptions) (RowWriter, error) {
	w, err := s.Sink.Table(name, opt)
	return rowsOnly{w}, err
}

// A workbook's tables replayed as cells (appendRow) are the workbook
// replayed as values, byte for byte: every kind of value, in tables with
// and without borders, shared columns and headers; a number read back as
// cells that is not one is an error.
func TestSpoolCells(t *testing.T) {
	long := strings.Repeat("长", 300)
	rows := [][]any{
		{"学校", nil, 3, decimal.RequireFromString("-12.3400"), xlsx.Bold("合计"), nil},
		{},
		{nil, nil},
		{xlsx.Title("标题"), nil, "x"},
		{"", "a\x00b<&>", long, xlsx.Number{Value: decimal.RequireFromString("0.5"), Format: `0.0":1"`, Bold: true}},
		{xlsx.Number{Value: decimal.RequireFromString("123456789012345678901234567890.25"), Format: "#,##0.00"}, -7, "\xff\xfe", 0},
		{"合计", xlsx.Bold("合计"), xlsx.Title("合计"), "合计", "0.5", xlsx.Number{Value: decimal.RequireFromString("0.5"), Format: "0.0"}},
		{"学校", "名称", xlsx.Number{Value: decimal.New(7, 0), Format: "0.0%"}, xlsx.Number{Value: decimal.New(-5, -3), Format: "0.00"}, decimal.New(12, 3), 1 << 40},
	}
	opts := []TableOptions{
		{Cols: 6, Header: 1, Borders: true, Filter: true, Shared: []int{1, 2}},
		{Cols: 6},
		{Cols: 4, Header: 2, Borders: true, FreezeCols: 2, Widths: []float64{13, 28}, Shared: []int{1, 2}},
		{Cols: 6, Borders: true, WrapCols: []int{3}, Widths: []float64{10, 10, 5}},
		{Cols: 240, Shared: []int{1, 2}}, // rows of many cells: batches of fewer rows
	}
	var wide []any // every row's values, six times over
	for range 6 {
		for _, r := range rows {
			wide = append(wide, r...)
		}
	}
	var got [2][]byte
	for i, values := range []bool{false, true} {
		out := filepath.Join(t.TempDir(), "汇总.xlsx")
		wb, err := NewWorkbook(out, "汇总", true)
		if err != nil {
			t.Fatal(err)
		}
		var sink Sink = wb
		if values {
			sink = rowsSink{wb}
		}
		sp := newSpool(sink)
		for k, opt := range opts {
			tb, err := sp.Table(fmt.Sprintf("表%d", k), opt)
			if err != nil {
				t.Fatal(err)
			}
			for r := 0; r < 40+k*300; r++ { // tables of one batch and of several
				row := rows[(r+k)%len(rows)]
				if opt.Cols == 240 {
					row = wide[r%7 : len(wide)-r%5]
				}
				if err := tb.Row(row...); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := sp.Close(); err != nil {
			t.Fatal(err)
		}
		if got[i], err = os.ReadFile(out); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got[0], got[1]) {
		t.Error("the workbook replayed as cells is not the one replayed as values")
	}
	for _, text := range []string{"", "-", "1.", ".5", "1e5", "12a"} {
		for _, v := range []string{"n", "f-#,##0\x00"} {
			var b []byte
			b = binary.AppendUvarint(b, 1)
			b = append(b, v[0])
			b = binary.AppendUvarint(b, uint64(len(v)-1+len(text)))
			b = append(append(b, v[1:]...), text...)
			sr := &spoolReader{r: bufio.NewReader(bytes.NewReader(b))}
			if cells, _, err := sr.appendRow(nil, nil); err == nil {
				t.Errorf("%q %q: read back as %#v", v, text, cells)
			}
		}
	}
}

// A row spooled as cells is the row spooled as their values, byte for
// byte.
func TestSpoolCellsEncoded(t *testing.T) {
	rows := [][]xlsx.RowCell{
		{},
		{{Kind: xlsx.CellText, Text: "学校"}, {}, {Kind: xlsx.CellText}, {Kind: xlsx.CellBold, Text: "合计"}, {Kind: xlsx.CellTitle, Text: "标题"}},
		{{Kind: xlsx.CellNumber, Num: xlsx.Number{Value: decimal.RequireFromString("-12.3400"), Format: "#,##0.00"}}, {}},
		{{Kind: xlsx.CellNumber, Num: xlsx.Number{Value: decimal.RequireFromString("123456789012345678901234567890.25"), Bold: true}}},
		{{Kind: xlsx.CellNumber, Num: xlsx.Number{Digits: "0.5", Format: `0.0":1"`}}, {Kind: xlsx.CellText, Text: "a\x00b"}},
	}
	sp := newSpool(&recordSink{tables: map[string]*recordTable{}})
	defer sp.Abort()
	var tables [2]*spooled
	for i := range tables {
		tb, err := sp.Table(fmt.Sprintf("表%d", i), TableOptions{})
		if err != nil {
			t.Fatal(err)
		}
		tables[i] = tb.(*spooled)
	}
	for _, cells := range rows {
		values := make([]any, len(cells))
		for i := range cells {
			values[i] = cells[i].Value()
		}
		if err := tables[0].Cells(cells); err != nil {
			t.Fatal(err)
		}
		if err := tables[1].Row(values...); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(tables[0].buf, tables[1].buf) {
			t.Errorf("%v: %q, want %q", values, tables[0].buf, tables[1].buf)
		}
	}
}

// A table whose temporary file is damaged stops the replay of a workbook
// with an error that names it, whichever batch it is in; no temporary
// file is left.
func TestSpoolCellsDamaged(t *testing.T) {
	for _, rows := range []int{3, 700} {
		out := filepath.Join(t.TempDir(), "汇总.xlsx")
		wb, err := NewWorkbook(out, "汇总", true)
		if err != nil {
			t.Fatal(err)
		}
		sp := newSpool(wb)
		var files []string
		for k := range 3 {
			tb, err := sp.Table(fmt.Sprintf("表%d", k), TableOptions{Cols: 3})
			if err != nil {
				t.Fatal(err)
			}
			for r := 0; r < rows; r++ {
				if err := tb.Row("学校", r, decimal.New(int64(r), -1)); err != nil {
					t.Fatal(err)
				}
			}
			if k == 1 { // a row of five values, cut in its second
				tb.(*spooled).w.Write([]byte{5, 's', 1, 'x', 'n', 9, '1'})
			}
			files = append(files, tb.(*spooled).f.Name())
		}
		err = sp.Close()
		if err == nil || !strings.Contains(err.Error(), "表“表1”的临时文件无法读回") {
			t.Errorf("%d rows: %v, want an error naming 表1", rows, err)
		}
		wb.Abort()
		for _, f := range files {
			if _, err := os.Stat(f); err == nil {
				t.Errorf("%d rows: %s is left", rows, f)
			}
		}
	}
}

// Read back as values (a sink of CSV or JSON files), a row whose count or
// length is damaged is an error naming the table, not an allocation of
// what the bytes claim.
func TestSpoolValuesDamaged(t *testing.T) {
	for what, bad := range map[string][]byte{
		"a length of 4 GB": {1, 's', 0xff, 0xff, 0xff, 0xff, 0x0f},
		"a count of 2^40":  binary.AppendUvarint(nil, 1<<40),
		"a row cut short":  {2, 's', 3, 'a'},
	} {
		sp := newSpool(&recordSink{tables: map[string]*recordTable{}})
		tb, err := sp.Table("表", TableOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := tb.Row("学校", 1); err != nil {
			t.Fatal(err)
		}
		tb.(*spooled).w.Write(bad)
		if err := sp.Close(); err == nil || !strings.Contains(err.Error(), "表“表”的临时文件无法读回") {
			t.Errorf("%s: %v", what, err)
		}
	}
}
