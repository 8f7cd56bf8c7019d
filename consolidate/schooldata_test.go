package consolidate

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// limited is a workbook sink whose sheets hold only a few rows.
type limited struct {
	Sink
	rows int
}

func (l limited) MaxRows() int { return l.rows }

// schoolData reads 学校数据 and its continuations: data rows by school code,
// sheet name, 指标, 列; and the notes.
func schoolData(t *testing.T, out string) (map[string][]string, []string, int) {
	t.Helper()
	got := map[string][]string{}
	var notes []string
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	f.Close()
	parts := 0
	for n := 1; ; n++ {
		name := SheetSchoolData
		if n > 1 {
			name = fmt.Sprintf("%s(%d)", SheetSchoolData, n)
		}
		if !slices.Contains(sheets, name) {
			break
		}
		parts++
		for _, r := range rows(t, out, name)[1:] {
			if len(r) == 1 {
				notes = append(notes, r[0])
				continue
			}
			for len(r) < 9 {
				r = append(r, "")
			}
			got[r[0]+"|"+r[7]] = r // a school's cells are its values' own
		}
	}
	return got, notes, parts
}

// 学校数据 holds every value of every school, input and computed, as the
// reader reads each file, with the cell it came from; split at the sink's
// row limit with a note, the same rows in all.
func TestSchoolData(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 14, 3)
	out := filepath.Join(t.TempDir(), "汇总.xlsx")
	run(t, p, files(t, dir), Options{}, out)
	got, notes, parts := schoolData(t, out)
	if parts != 1 || len(notes) != 0 {
		t.Fatalf("学校数据 in %d parts, notes %v", parts, notes)
	}
	rd := reader.New(p)
	checked := 0
	for _, file := range files(t, dir) {
		r, _, err := rd.ReadFile(context.Background(), file, reader.FileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		computed := p.Compute(r.Book)
		code := r.Book.Get("basic", report.Key{Field: "school_code"}).String()
		check := func(sh *spec.Sheet, item, col string, addr report.Addr, v report.Value) {
			if v.IsEmpty() || sh.Field(addr.Field).Type == spec.TypeSeq {
				return
			}
			checked++
			row, ok := got[code+"|"+r.Cell(addr).String()]
			if !ok {
				t.Errorf("%s %s %s %s (%s): not in 学校数据", code, sh.Name, item, col, r.Cell(addr))
				return
			}
			if row[2] != sh.Name || row[3] != item || row[4] != col {
				t.Errorf("%s %s: %v, want %s %s %s", code, addr, row[2:5], sh.Name, item, col)
			}
			if v.Kind == report.Number {
				if d, err := decimal.NewFromString(row[5]); err != nil || !d.Equal(v.Num) {
					t.Errorf("%s %s: %q, want %s", code, addr, row[5], v.Num)
				}
			} else if row[5] != v.Text {
				t.Errorf("%s %s: %q, want %q", code, addr, row[5], v.Text)
			}
			if row[8] != file {
				t.Errorf("%s %s: file %q, want %q", code, addr, row[8], file)
			}
		}
		for i := range p.Spec.Sheets {
			sh := &p.Spec.Sheets[i]
			switch sh.Kind {
			case spec.KindRecord:
				for _, f := range sh.Rows {
					check(sh, f.Label, "", report.FieldAddr(sh.Key, f.Key), r.Book.Get(sh.Key, report.Key{Field: f.Key}))
				}
			case spec.KindIndicator:
				for _, f := range sh.Rows {
					for _, col := range []struct{ key, label string }{{spec.ColPrev, p.Spec.Columns.Prev}, {spec.ColCur, p.Spec.Columns.Cur}, {spec.ColPct, p.Spec.Columns.Pct}} {
						k := report.Key{Field: f.Key, Col: col.key}
						v := r.Book.Get(sh.Key, k)
						if !f.Input() || col.key == spec.ColPct {
							v = computed.Get(sh.Key, k)
						}
						check(sh, f.Label, col.label, report.ColAddr(sh.Key, f.Key, col.key), v)
					}
				}
			case spec.KindList:
				key := pivotField(sh)
				for i, row := range r.Book.Rows(sh.Key) {
					for _, f := range sh.Columns {
						v := row[f.Key]
						if !f.Input() {
							v = computed.Rows(sh.Key)[i][f.Key]
						}
						check(sh, row[key.Key].String(), f.HeaderLabel(), report.RowAddr(sh.Key, i, f.Key), v)
					}
				}
			}
		}
	}
	if checked < 3*300 {
		t.Errorf("only %d values checked", checked)
	}

	// a sink of 1,000 rows a sheet: the same rows in parts, each part saying
	// where the table goes on
	split := filepath.Join(t.TempDir(), "分.xlsx")
	sink, err := NewWorkbook(split, "汇总", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), p, files(t, dir), Options{Pipeline: pipeline(p)}, limited{sink, 1000}); err != nil {
		t.Fatal(err)
	}
	got2, notes, parts := schoolData(t, split)
	if parts < 2 || len(notes) != parts-1 || len(got2) != len(got) {
		t.Fatalf("split 学校数据: %d parts, %d notes, %d rows (want %d)", parts, len(notes), len(got2), len(got))
	}
	if !strings.Contains(notes[0], "续见工作表“"+SheetSchoolData+"(2)”") {
		t.Errorf("note %q", notes[0])
	}
}

// streamSink is a workbook sink that streams its long tables (学校数据) as
// the workbook does, with a limit of rows when rows is set; with values,
// a long table takes values only, as a CSV file does; else the rows it
// takes as cells are counted.
type streamSink struct {
	Sink
	rows   int
	values bool
	cells  *int
}

func (s streamSink) Stream(name string, opt TableOptions) (RowWriter, error) {
	w, err := s.Sink.(streamer).Stream(name, opt)
	if s.values {
		return rowsOnly{w}, err
	}
	return countCells{w, s.cells}, err
}

// countCells counts a table's rows written as cells.
type countCells struct {
	RowWriter
	n *int
}

func (c countCells) Cells(cells []xlsx.RowCell) error {
	*c.n++
	return c.RowWriter.(cellWriter).Cells(cells)
}

func (s streamSink) MaxRows() int {
	if s.rows > 0 {
		return s.rows
	}
	return maxRows(s.Sink)
}

// rowsOnly is a table without its Cells.
type rowsOnly struct{ RowWriter }

// 学校数据 written as cells (schoolData) is the workbook written as values
// (schoolValues), byte for byte: whole, and in parts of 1,000 rows.
func TestSchoolDataCells(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 15, 3)
	for _, limit := range []int{0, 1000} {
		var got [2][]byte
		cells, parts := 0, 0
		for i, values := range []bool{false, true} {
			out := filepath.Join(t.TempDir(), "汇总.xlsx")
			sink, err := NewWorkbook(out, "汇总", true)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Run(context.Background(), p, files(t, dir), Options{Pipeline: pipeline(p)}, streamSink{sink, limit, values, &cells}); err != nil {
				t.Fatal(err)
			}
			if got[i], err = os.ReadFile(out); err != nil {
				t.Fatal(err)
			}
			_, _, parts = schoolData(t, out)
		}
		if !bytes.Equal(got[0], got[1]) {
			t.Errorf("limit %d: the workbook written as cells is not the one written as values", limit)
		}
		if cells < 3*300 || limit > 0 && parts < 2 {
			t.Errorf("limit %d: %d rows written as cells, in %d parts", limit, cells, parts)
		}
	}
}

// --by 所在地区: each group's indicators from its own sums (a rate from the
// group's parts), the groups' sums adding up to the 合计, which is 汇总.
func TestGroups(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 15, 12)
	out := filepath.Join(t.TempDir(), "汇总.xlsx")
	run(t, p, files(t, dir), Options{By: []string{"所在地区"}}, out)
	got := rows(t, out, SheetGroups)
	if fmt.Sprint(got[0][:3]) != "[所在地区 学校数 表]" {
		t.Fatalf("header %v", got[0])
	}
	region := map[string][]string{}
	for _, r := range rows(t, out, SheetRegion)[1:] {
		if len(r) > 2 {
			region[r[0]] = r // labels are unique enough for the rows compared
		}
	}
	type key struct{ group, sheet, label string }
	cells := map[key][]string{}
	groupsSeen := map[string]bool{}
	for _, r := range got[1:] {
		for len(r) < 11 {
			r = append(r, "")
		}
		cells[key{r[0], r[2], r[3]}] = r
		groupsSeen[r[0]] = true
	}
	if len(groupsSeen) < 3 {
		t.Fatalf("only groups %v", groupsSeen)
	}
	dec := func(s string) decimal.Decimal {
		if s == "" {
			return decimal.Zero
		}
		return decimal.RequireFromString(s)
	}
	checked := 0
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		if sh.Kind != spec.KindIndicator {
			continue
		}
		for _, f := range sh.Rows {
			total := cells[key{p.Spec.Columns.Total, sh.Name, f.Label}]
			if total == nil {
				t.Fatalf("no 合计 row for %s", f.Label)
			}
			mine := total[3:]
			for len(mine) > 0 && mine[len(mine)-1] == "" {
				mine = mine[:len(mine)-1]
			}
			if w := region[f.Label]; w != nil && fmt.Sprint(mine) != fmt.Sprint(w) {
				t.Errorf("合计 %s: %v, 汇总 %v", f.Label, total[3:], w)
			}
			if !f.Input() || f.Weight != nil || !f.Numeric() {
				continue
			}
			for c := 5; c <= 6; c++ { // 上学年, 本学年
				var sum decimal.Decimal
				for g := range groupsSeen {
					if g != p.Spec.Columns.Total {
						sum = sum.Add(dec(cells[key{g, sh.Name, f.Label}][c]))
					}
				}
				if !sum.Equal(dec(total[c])) {
					t.Errorf("%s col %d: groups add up to %s, 合计 %s", f.Label, c, sum, total[c])
				}
				checked++
			}
		}
	}
	// a rate of a group is recomputed from the group's parts
	dest := p.Spec.Sheet("destinations")
	label := func(k string) string { return dest.Field(k).Label }
	for g := range groupsSeen {
		emp, grad := dec(cells[key{g, dest.Name, label("employed")}][6]), dec(cells[key{g, dest.Name, label("graduates")}][6])
		want := emp.Mul(decimal.NewFromInt(100)).DivRound(grad, 2)
		if got := dec(cells[key{g, dest.Name, label("employment_rate")}][6]); !got.Equal(want) {
			t.Errorf("%s 就业率 %s, from its sums %s", g, got, want)
		}
	}
	if checked < 100 {
		t.Errorf("only %d sums checked", checked)
	}
	// a field that is not there is refused before any file is read
	sink, err := NewWorkbook(filepath.Join(t.TempDir(), "x.xlsx"), "汇总", true)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), p, files(t, dir), Options{Pipeline: pipeline(p), By: []string{"省份"}}, sink)
	if err == nil || !strings.Contains(err.Error(), "--by 省份") || !strings.Contains(err.Error(), "所在地区") {
		t.Errorf("--by 省份: %v", err)
	}
}

// A pivot counts the schools of an item once however many rows each gives
// it, and its 合计 the schools of any item (schools come in code order).
func TestPivotCountsSchools(t *testing.T) {
	p := program(t)
	sh := listSheets(p.Spec)[0]
	pv := pivotsOf(sh)[0]
	key := pv.keys[0].Key
	row := func(item string) map[string]report.Value {
		return map[string]report.Value{key: {Kind: report.Text, Text: item}}
	}
	for _, r := range []struct{ code, item string }{
		{"1", "数控技术应用"}, {"1", "数控技术应用"}, {"1", "会计事务"},
		{"2", "数控技术应用"}, {"2", "数控技术应用"},
		{"3", "会计事务"},
	} {
		pv.add(r.code, row(r.item), formula.Computed{}, 0)
	}
	if got := pv.schools["数控技术应用"]; got != 2 {
		t.Errorf("数控技术应用: %d schools, want 2", got)
	}
	if got := pv.schools["会计事务"]; got != 2 {
		t.Errorf("会计事务: %d schools, want 2", got)
	}
	if pv.all != 3 {
		t.Errorf("合计: %d schools, want 3", pv.all)
	}
}

// boxes give back the value asked for, whatever was asked before: the
// same figures in another format or at another exponent, texts that share
// a slot, texts made from a record that is then changed.
func TestBoxes(t *testing.T) {
	var b boxes
	for range 3 {
		for i := range 5000 {
			for _, d := range []decimal.Decimal{decimal.New(int64(i), 0), decimal.New(int64(i), -1), decimal.New(int64(-i), 0), decimal.New(int64(i)*10, -1)} {
				for _, format := range []string{"#,##0", "0.0", ""} {
					n, ok := b.number(d, format).(xlsx.Number)
					if !ok || n.Value.Cmp(d) != 0 || n.Value.Exponent() != d.Exponent() || n.Format != format {
						t.Fatalf("number(%s, %q) = %#v", d, format, b.number(d, format))
					}
				}
			}
			s := fmt.Sprintf("学生情况!D%d", i)
			rec := []byte(s) // a school's record, the text a part of it
			got := b.text(unsafe.String(&rec[0], len(rec)))
			rec[0] = 'x' // the record's bytes reused: the value is a copy
			if got != s {
				t.Fatalf("text(%q) = %v", s, got)
			}
			if got := b.text(s); got != s {
				t.Fatalf("text(%q) again = %v", s, got)
			}
		}
	}
	// at: a place's text again, or another, is the text, and a copy: each
	// place's text is read from a record whose bytes the next school's
	// reuses, and what at gave stays the text after they are
	recs := make([][]byte, 3000)
	sheets := make([]spec.Sheet, 3)
	kept, keptText := make([]any, len(recs)), make([]string, len(recs))
	for round := range 4 {
		for n := range recs {
			s := fmt.Sprintf("学生情况!D%d", n+round/2)
			if n%7 == 0 {
				s = ""
			}
			recs[n] = append(recs[n][:0], s+"…"...)
			v := &datum{sheet: &sheets[n%len(sheets)], at: n / len(sheets)}
			got := b.at(v, unsafe.String(&recs[n][0], len(s)))
			if s == "" && got != nil || s != "" && got != s {
				t.Fatalf("at(%d, %q) = %v", n, s, got)
			}
			if round > 0 && kept[n] != nil && kept[n] != keptText[n] {
				t.Fatalf("round %d: at(%d) gave %q, now %v: a view of the record's bytes", round, n, keptText[n], kept[n])
			}
			kept[n], keptText[n] = got, s
		}
	}
	if b.text("") != nil || b.spec("") != nil {
		t.Error(`text("") or spec("") is not nil`)
	}
	// value is formatted, from the cache; valueCell is formatted as a cell
	for _, v := range []report.Value{report.Num(decimal.New(1234, -1)), report.Str("机电技术应用"), report.Str(""), {}} {
		c := valueCell(v, "0.0")
		if got, want := c.Value(), formatted(v, "0.0", false); !reflect.DeepEqual(got, want) {
			t.Errorf("valueCell(%v) = %#v, want %#v", v, got, want)
		}
		if got, want := b.value(v, "0.0"), formatted(v, "0.0", false); !reflect.DeepEqual(got, want) {
			t.Errorf("value(%v) = %#v, want %#v", v, got, want)
		}
	}
	labels := make([]string, 3000) // more than the slots
	for i := range labels {
		labels[i] = fmt.Sprintf("指标%d", i)
	}
	for range 2 {
		for _, l := range labels {
			if got := b.spec(l); got != l {
				t.Fatalf("spec(%q) = %v", l, got)
			}
		}
	}
	// the same coefficient at another exponent and in another format, in
	// the same slot
	for _, x := range []struct {
		d      decimal.Decimal
		format string
	}{{decimal.New(5, 0), ""}, {decimal.New(5, -1), "#,##0.0"}, {decimal.New(5, 0), ""}} {
		if n := b.number(x.d, x.format).(xlsx.Number); n.Value.Exponent() != x.d.Exponent() || n.Format != x.format {
			t.Errorf("number(%s, %q) = %s, %q", x.d, x.format, n.Value, n.Format)
		}
	}
}
