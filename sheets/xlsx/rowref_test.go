package xlsx

import (
	"bytes"
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// refTable is how a row was written before Row made its rows where they
// are deflated from and took its short cuts (c9ebb2f): every cell through
// one loop, styles and shared texts numbered by their tables (no caches).
// Its state is the workbook's: styles and shared texts are numbered in the
// order they are first used, whichever sheet uses them.
type refTable struct {
	opt    TableOptions
	row    int
	styles *styleSet
	sst    *sharedStrings
	rows   []byte // the sheetData written
}

func (t *refTable) lines(values []any, header bool) int {
	n, most := 1, 3
	if !header {
		most = 15
	}
	for i, v := range values {
		s, ok := v.(string)
		if !ok || i >= len(t.opt.Widths) || t.opt.Widths[i] <= 0 || (!header && !slices.Contains(t.opt.WrapCols, i+1)) {
			continue
		}
		n = max(n, int(math.Ceil(TextWidth(s)/(t.opt.Widths[i]*0.9))))
	}
	return min(n, most)
}

func (t *refTable) Row(values ...any) {
	t.row++
	header := t.row <= t.opt.Header
	boxed := t.opt.Borders && !header && boxedRow(values)
	n := len(values)
	if boxed || header {
		n = max(n, t.opt.Cols)
	}
	b := t.rows
	if lines := t.lines(values, header); lines > 1 {
		b = fmt.Appendf(b, `<row r="%d" ht="%d" customHeight="1">`, t.row, 15*lines)
	} else if t.opt.RowHeight > 0 {
		b = fmt.Appendf(b, `<row r="%d" ht="%s" customHeight="1">`, t.row, strconv.FormatFloat(t.opt.RowHeight, 'f', -1, 64))
	} else {
		b = fmt.Appendf(b, `<row r="%d">`, t.row)
	}
	last := -1
	if t.opt.Dense {
		for i, v := range values {
			if v != nil {
				last = i
			}
		}
	}
	for i := 0; i < n; i++ {
		var v any
		if i < len(values) {
			v = values[i]
		}
		st := style{border: boxed}
		if header {
			st = style{font: fontBold, fill: true, border: true, wrap: true}
		}
		var text, digits string
		switch x := v.(type) {
		case nil:
		case decimal.Decimal:
			digits = x.String()
		case int:
			digits, st.format = strconv.Itoa(x), "#,##0"
		case Number:
			digits, st.format = x.String(), x.Format
			if x.Bold && !header {
				st.font = fontBold
			}
		case Title:
			text = string(x)
			if !header {
				st.font = fontTitle
			}
		case Bold:
			text, st.font = string(x), fontBold
		case string:
			text = x
			st.wrap = st.wrap || slices.Contains(t.opt.WrapCols, i+1)
		default:
			return // an error: the row is not written, the cells before counted
		}
		if v == nil && st == (style{}) {
			if t.opt.Dense && i < last {
				b = append(b, `<c/>`...)
			}
			continue
		}
		if t.opt.Dense {
			b = append(b, `<c`...)
		} else {
			b = append(b, `<c r="`+CellName(i+1, t.row)+`"`...)
		}
		id := t.styles.id(st)
		if v == nil {
			b = fmt.Appendf(b, ` s="%d"/>`, id)
			continue
		}
		if id != 0 {
			b = fmt.Appendf(b, ` s="%d"`, id)
		}
		if digits != "" {
			b = append(b, `><v>`+digits+`</v></c>`...)
			continue
		}
		if !header && slices.Contains(t.opt.Shared, i+1) {
			if id, ok := t.sst.id(text); ok {
				b = fmt.Appendf(b, ` t="s"><v>%d</v></c>`, id)
				continue
			}
		}
		b = append(b, ` t="inlineStr"><is>`...)
		b = appendT(b, text)
		b = append(b, `</is></c>`...)
	}
	t.rows = append(b, `</row>`...)
}

// refValues are a row of random values (now and then one of a type Row
// refuses): texts from a few (the same
// strings again, and equal ones in other bytes, as a school's record gives
// them), some to escape, spaced, long (written inline), numbers of every
// kind, titles, bold texts, gaps.
func refValues(rng *rand.Rand, cols int, texts []string) []any {
	n := rng.Intn(cols + 2)
	vals := make([]any, n)
	for i := range vals {
		switch k := rng.Intn(20); {
		case k < 4:
			// nil
		case k < 10:
			vals[i] = texts[rng.Intn(len(texts))]
		case k < 12:
			vals[i] = strings.Clone(texts[rng.Intn(len(texts))])
		case k == 12:
			vals[i] = rng.Intn(2000000) - 1000000
		case k == 13:
			vals[i] = decimal.New(rng.Int63n(1e9)-5e8, -int32(rng.Intn(5)))
		case k == 14 || k == 15:
			formats := []string{"#,##0", "0.00", `0.0":1"`, "", "0.0%"}
			num := Number{Value: decimal.New(rng.Int63n(1e7), -int32(rng.Intn(3))), Format: formats[rng.Intn(len(formats))], Bold: rng.Intn(5) == 0}
			if rng.Intn(3) == 0 {
				num.Digits, num.Value = num.Value.String(), decimal.Decimal{}
			}
			vals[i] = num
		case k == 16:
			vals[i] = Bold(texts[rng.Intn(len(texts))])
		case k == 17:
			vals[i] = Title(texts[rng.Intn(len(texts))])
		case k == 18 && rng.Intn(30) == 0:
			vals[i] = 1.5
		default:
			vals[i] = strconv.Itoa(rng.Intn(1 << 20)) // a text met once or twice
		}
	}
	return vals
}

// Row writes what it wrote before its short cuts (refTable), whatever the
// table's options and values: tables written one after another (Add) and
// at the same time (AddStream), long enough to be handed over in many
// chunks; the shared texts and styles numbered alike.
func TestRowsAsBefore(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	texts := []string{"学校名称", "在校生", " 前后有空格 ", "两行\n文字", "a<b>&\"c", "学生情况!C4", "人", "合计", "",
		strings.Repeat("长", 300), "x\x01y", "本学年为上学年(%)", "41410000"}
	for i := 0; i < 40; i++ {
		texts = append(texts, "指标"+strconv.Itoa(i))
	}
	w, err := NewTableWriter("t")
	if err != nil {
		t.Fatal(err)
	}
	styles, sst := newStyleSet(), &sharedStrings{}
	type sheet struct {
		name string
		opt  TableOptions
		tb   *Table
		ref  *refTable
		rows int
	}
	var sheets, streams []*sheet
	for k := 0; k < 9; k++ {
		opt := randomOptions(rng, k, 2, 5)
		s := &sheet{name: "表" + strconv.Itoa(k), opt: opt, rows: 100 + rng.Intn(6000), ref: &refTable{opt: opt, styles: styles, sst: sst}}
		if err := w.Reserve(s.name); err != nil {
			t.Fatal(err)
		}
		if k%3 == 0 {
			if s.tb, err = w.AddStream(s.name, opt); err != nil {
				t.Fatal(err)
			}
			streams = append(streams, s)
		} else {
			sheets = append(sheets, s)
		}
	}
	row := func(s *sheet) {
		vals := refValues(rng, s.opt.Cols, texts)
		if s.ref.row < s.opt.Header && rng.Intn(2) == 0 { // a header's texts, some wrapped
			for i := range vals {
				vals[i] = texts[rng.Intn(len(texts))]
			}
		}
		err := s.tb.Row(vals...)
		if i := slices.IndexFunc(vals, func(v any) bool { _, ok := v.(float64); return ok }); i >= 0 {
			if want := fmt.Sprintf("工作表 %s!%s：不支持的值类型 float64", s.name, CellName(i+1, s.ref.row+1)); err == nil || err.Error() != want {
				t.Fatalf("%v, want %s", err, want)
			}
		} else if err != nil {
			t.Fatal(err)
		}
		s.ref.Row(vals...)
	}
	// the streamed sheets get rows while the others are written one after
	// another
	for _, s := range sheets {
		opt := s.opt
		opt.Rows = s.rows
		if s.tb, err = w.Add(s.name, opt); err != nil {
			t.Fatal(err)
		}
		for r := 0; r < s.rows; r++ {
			row(s)
			if x := streams[rng.Intn(len(streams))]; x.ref.row < x.rows && rng.Intn(3) == 0 {
				row(x)
			}
		}
	}
	for _, x := range streams {
		for x.ref.row < x.rows {
			row(x)
		}
	}
	sheets = append(sheets, streams...)
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	for _, s := range sheets {
		part := zipPart(t, buf.Bytes(), sheetPart(s.tb.n))
		_, rest, _ := bytes.Cut(part, []byte(`<sheetData>`))
		got, _, _ := bytes.Cut(rest, []byte(`</sheetData>`))
		if !bytes.Equal(got, s.ref.rows) {
			at := 0
			for at < min(len(got), len(s.ref.rows)) && got[at] == s.ref.rows[at] {
				at++
			}
			t.Errorf("%s (%+v): %d bytes of rows, want %d; from byte %d:\n%.300s\nwant\n%.300s", s.name, s.ref.opt, len(got), len(s.ref.rows), at, got[at:], s.ref.rows[at:])
		}
	}
	var want bytes.Buffer
	if err := sst.write(&want); err != nil {
		t.Fatal(err)
	}
	if got := zipPart(t, buf.Bytes(), "xl/sharedStrings.xml"); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("shared strings %.300s\nwant %.300s", got, want.Bytes())
	}
	if got := zipPart(t, buf.Bytes(), "xl/styles.xml"); string(got) != styles.xml() {
		t.Errorf("styles %s\nwant %s", got, styles.xml())
	}
}

// Cells writes what Row writes of the cells' values: the same workbooks,
// byte for byte, for tables of every kind (Dense or not, shared columns,
// headers, borders, wrapped columns, row heights, streamed or not) and
// cells of every kind (empty, texts shared or not, "", long texts, texts to
// escape, bold texts, titles, numbers with or without digits, bold, in any
// format), and the same error past a table's rows.
func TestCellsAsRow(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	texts := []string{"学校名称", " 前后有空格 ", "两行\n文字", "a<b>&\"c", "学生情况!C4", "人", "", strings.Repeat("长", 300), "x\x01y", "41410000"}
	for i := 0; i < 30; i++ {
		texts = append(texts, "指标"+strconv.Itoa(i))
	}
	formats := []string{"#,##0", "0.00", `0.0":1"`, "", "0.0%"}
	for k := 0; k < 60; k++ {
		opt := randomOptions(rng, k, 3, 12)
		stream := rng.Intn(2) == 0
		rows := 1 + rng.Intn(300)
		if !stream {
			opt.Rows = rows
		}
		var got, want bytes.Buffer
		var errs [2][]string
		for w, out := range []*bytes.Buffer{&got, &want} {
			rng := rand.New(rand.NewSource(int64(k))) // the same cells for both
			tw, err := NewTableWriter("t")
			if err != nil {
				t.Fatal(err)
			}
			add := tw.Add
			if stream {
				add = tw.AddStream
			}
			tb, err := add("表", opt)
			if err != nil {
				t.Fatal(err)
			}
			for r := 0; r < rows+2; r++ { // two rows too many, unless streamed
				cells := make([]RowCell, rng.Intn(opt.Cols+2))
				for i := range cells {
					switch x := rng.Intn(9); {
					case x < 2: // empty
					case x < 5:
						cells[i] = RowCell{Kind: CellText, Text: texts[rng.Intn(len(texts))]}
					case x == 5 && rng.Intn(2) == 0:
						cells[i] = RowCell{Kind: CellBold, Text: texts[rng.Intn(len(texts))]}
					case x == 5 && rng.Intn(20) == 0:
						cells[i] = RowCell{Kind: CellTitle, Text: texts[rng.Intn(len(texts))]}
					default:
						num := Number{Value: decimal.New(rng.Int63n(2e9)-1e9, int32(rng.Intn(6)-4)), Format: formats[rng.Intn(len(formats))], Bold: rng.Intn(6) == 0}
						if rng.Intn(3) == 0 {
							num.Digits, num.Value = num.Value.String(), decimal.Decimal{}
						}
						cells[i] = RowCell{Kind: CellNumber, Num: num}
					}
				}
				if w == 0 {
					err = tb.Cells(cells)
				} else {
					values := make([]any, len(cells))
					for i := range cells {
						values[i] = cells[i].Value()
					}
					err = tb.Row(values...)
				}
				if err != nil {
					errs[w] = append(errs[w], err.Error())
				}
			}
			if _, err := tw.WriteTo(out); err != nil {
				t.Fatal(err)
			}
		}
		if !slices.Equal(errs[0], errs[1]) {
			t.Errorf("%+v: errors %q, want %q", opt, errs[0], errs[1])
		}
		if !stream && len(errs[0]) != 2 {
			t.Errorf("%+v: errors %q, want two", opt, errs[0])
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			for _, part := range []string{"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"} {
				if g, w := zipPart(t, got.Bytes(), part), zipPart(t, want.Bytes(), part); !bytes.Equal(g, w) {
					at := 0
					for at < min(len(g), len(w)) && g[at] == w[at] {
						at++
					}
					t.Errorf("%+v: %s from byte %d:\n%.300s\nwant\n%.300s", opt, part, at, g[at:], w[at:])
				}
			}
			t.Fatalf("%+v: the workbooks differ", opt)
		}
	}
}

// randomOptions are a random table's options, the k-th of a test: Dense in
// all but one of dense tables, a column wrapped in one of wrap; the first
// (k 0) is 学校数据's.
func randomOptions(rng *rand.Rand, k, dense, wrap int) TableOptions {
	if k == 0 {
		return TableOptions{Cols: 9, Header: 1, Filter: true, PrintGrid: true, Dense: true, FreezeCols: 2,
			Shared: []int{1, 2, 3, 4, 5, 7, 8, 9}, Widths: []float64{13, 28, 12, 26, 17, 14, 9, 14, 36}}
	}
	cols := 1 + rng.Intn(10)
	opt := TableOptions{Cols: cols, Header: rng.Intn(3), Filter: rng.Intn(2) == 0, Borders: rng.Intn(2) == 0,
		PrintGrid: rng.Intn(2) == 0, Dense: rng.Intn(dense) > 0, FreezeCols: rng.Intn(3)}
	for c := 1; c <= cols+1; c++ {
		if rng.Intn(3) > 0 {
			opt.Shared = append(opt.Shared, c)
		}
		if rng.Intn(wrap) == 0 {
			opt.WrapCols = append(opt.WrapCols, c)
		}
		opt.Widths = append(opt.Widths, float64(rng.Intn(30)))
	}
	if rng.Intn(4) == 0 {
		opt.RowHeight = 15.5
	}
	return opt
}

// A RowCell's value is what Row writes of it: its text, number, bold text
// or title, and nil when empty.
func TestRowCellValue(t *testing.T) {
	num := Number{Value: decimal.New(15, -1), Format: "0.0"}
	for _, c := range []struct {
		cell RowCell
		want any
	}{
		{RowCell{}, nil},
		{RowCell{Kind: CellText, Text: "学校"}, "学校"},
		{RowCell{Kind: CellNumber, Num: num}, num},
		{RowCell{Kind: CellBold, Text: "合计"}, Bold("合计")},
		{RowCell{Kind: CellTitle, Text: "学校数据"}, Title("学校数据")},
	} {
		if got := c.cell.Value(); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v: %#v, want %#v", c.cell, got, c.want)
		}
	}
}
