package consolidate

import (
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
