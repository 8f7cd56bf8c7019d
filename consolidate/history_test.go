package consolidate

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/internal/realclients"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// historyCorpus is a corpus of n schools made from seed, its files, and
// their run without history: its year and its workbook.
func historyCorpus(t *testing.T, seed uint64, n int) (p *formula.Program, in []string, year, plain string) {
	t.Helper()
	p = program(t)
	dir := t.TempDir()
	corpus(t, p, dir, seed, n)
	in = files(t, dir)
	plain = filepath.Join(t.TempDir(), "plain.xlsx")
	return p, in, run(t, p, in, Options{}, plain).Year, plain
}

// earlier is the school year n years before year (2025-2026, 2 → 2023-2024).
func earlier(t *testing.T, year string, n int) string {
	t.Helper()
	for i := 0; i < n; i++ {
		prev, ok := report.PreviousYear(year)
		if !ok {
			t.Fatalf("school year %q", year)
		}
		year = prev
	}
	return year
}

// madeUp is a year's figures: the k-th made-up value of every key indicator
// (with a decimal part where the field has decimals), less the rows skip.
func madeUp(p *formula.Program, year string, schools, k int, skip ...string) YearFigures {
	y := YearFigures{Year: year, Schools: schools, Values: map[report.Addr]report.Value{}}
	for i, r := range p.Spec.HistoryRows() {
		if slices.Contains(skip, r) {
			continue
		}
		sheet, row, _ := strings.Cut(r, ".")
		v := decimal.NewFromInt(int64(100*(i+1) + 7*k))
		if p.Spec.Sheet(sheet).Field(row).Places() > 0 {
			v = v.Add(decimal.New(int64(k+1), -1)) // .1, .2, …
		}
		y.Values[report.ColAddr(sheet, row, spec.ColCur)] = report.Num(v)
		y.Values[report.ColAddr(sheet, row, spec.ColPrev)] = report.Num(decimal.NewFromInt(1))
	}
	return y
}

// historyCells reads 历年 back: the header, and by label each row's cells.
func historyCells(t *testing.T, out string) ([]string, map[string][]string) {
	t.Helper()
	got := rows(t, out, SheetHistory)
	if len(got) < 2 {
		t.Fatalf("%s: %v", SheetHistory, got)
	}
	by := map[string][]string{}
	for _, r := range got[1:] {
		if len(r) > 0 && r[0] != "" {
			by[r[0]] = r
		}
	}
	return got[0], by
}

func cellAt(r []string, i int) string {
	if i < len(r) {
		return r[i]
	}
	return ""
}

// Two earlier years and this run: each year's 本学年 in its column, oldest
// first; the change from the first year; a year that lacks an indicator
// shows it empty (not 0) and says so; the run's own year given again and a
// later year are left out.
func TestHistorySheet(t *testing.T) {
	p, in, year, plainOut := historyCorpus(t, 41, 4)
	keys := p.Spec.HistoryRows()
	missing, notFirst := keys[1], keys[2] // left out in y1; in y2, the first year
	y1, y2 := earlier(t, year, 1), earlier(t, year, 2)
	history := []YearFigures{
		madeUp(p, y1, 9, 1, missing),
		madeUp(p, year, 99, 5), // the run's own year: ignored
		madeUp(p, y2, 8, 0, notFirst),
		madeUp(p, "2999-3000", 1, 9), // later than the run: left out
	}
	out := filepath.Join(t.TempDir(), "汇总.xlsx")
	sum := run(t, p, in, Options{History: history}, out)
	header, by := historyCells(t, out)
	checkPages(t, out, SheetHistory, 46) // no chart cut by a printed page
	wantHeader := []string{"指标", "单位", y2, y1, year, "较首年增减", "较首年增减(%)", "说明"}
	if !slices.Equal(header, wantHeader) {
		t.Fatalf("header %q, want %q", header, wantHeader)
	}
	if r := by["填报学校数"]; !slices.Equal(r[2:5], []string{"8", "9", fmt.Sprint(sum.Schools)}) {
		t.Errorf("填报学校数 %q", r)
	}
	years := []YearFigures{history[2], history[0], sum.Region}
	for _, k := range keys {
		sheet, row, _ := strings.Cut(k, ".")
		f := p.Spec.Sheet(sheet).Field(row)
		r := by[f.Label]
		if r == nil {
			t.Errorf("%s (%s) is not on %s", f.Label, k, SheetHistory)
			continue
		}
		if cellAt(r, 1) != f.Unit {
			t.Errorf("%s: unit %q, want %q", f.Label, cellAt(r, 1), f.Unit)
		}
		var first, last decimal.Decimal
		found := false
		for j, y := range years {
			v := y.Values[report.ColAddr(sheet, row, spec.ColCur)]
			got := cellAt(r, 2+j)
			if v.Kind != report.Number {
				if got != "" {
					t.Errorf("%s %s: %q, want empty", f.Label, y.Year, got)
				}
				continue
			}
			if got == "" || !decimal.RequireFromString(got).Equal(v.Num) {
				t.Errorf("%s %s: %q, want %s", f.Label, y.Year, got, v.Num)
			}
			if !found {
				first, found = v.Num, true
			}
			last = v.Num
		}
		if got := cellAt(r, 5); got == "" || !decimal.RequireFromString(got).Equal(last.Sub(first)) {
			t.Errorf("%s: 较首年增减 %q, want %s", f.Label, got, last.Sub(first))
		}
		note := cellAt(r, 7)
		switch k {
		case missing:
			if cellAt(r, 3) != "" || note != y1+"无数据" {
				t.Errorf("%s missing in %s: %q, note %q", f.Label, y1, cellAt(r, 3), note)
			}
		case notFirst:
			if cellAt(r, 2) != "" || note != y2+"无数据" {
				t.Errorf("%s missing in %s: %q, note %q", f.Label, y2, cellAt(r, 2), note)
			}
		default:
			if note != "" {
				t.Errorf("%s: note %q", f.Label, note)
			}
		}
	}
	// the other sheets are as without history
	for _, name := range []string{SheetRegion, SheetDigest, SheetCharts, SheetIndicators} {
		if a, b := rows(t, out, name), rows(t, plainOut, name); !equalRows(a, b) {
			t.Errorf("%s differs with history", name)
		}
	}
	checkHistoryCharts(t, out)
}

func equalRows(a, b [][]string) bool {
	return slices.EqualFunc(a, b, func(x, y []string) bool { return slices.Equal(x, y) })
}

// Six years given: the last five, ending with the run's, are shown.
func TestHistoryKeepsLastFive(t *testing.T) {
	p, in, year, plain := historyCorpus(t, 42, 2)
	var history []YearFigures
	for n := 5; n >= 1; n-- {
		history = append(history, madeUp(p, earlier(t, year, n), n, n))
	}
	out := filepath.Join(t.TempDir(), "汇总.xlsx")
	run(t, p, in, Options{History: history}, out)
	header, by := historyCells(t, out)
	want := []string{earlier(t, year, 4), earlier(t, year, 3), earlier(t, year, 2), earlier(t, year, 1), year}
	if !slices.Equal(header[2:7], want) || header[7] != "较首年增减" {
		t.Errorf("header %q, want years %q", header, want)
	}
	if r := by["填报学校数"]; !slices.Equal(r[2:6], []string{"4", "3", "2", "1"}) {
		t.Errorf("填报学校数 %q", r)
	}
	// nothing else changed
	for _, name := range []string{SheetRegion, SheetDigest, SheetCharts, SheetIndicators, SheetStatus} {
		if a, b := rows(t, out, name), rows(t, plain, name); !equalRows(a, b) {
			t.Errorf("%s differs with history", name)
		}
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := f.GetSheetList()
	i := slices.Index(names, SheetHistory)
	if i < 0 || names[i-1] != SheetCharts || names[i+1] != SheetIndicators {
		t.Errorf("sheets %q: %s not between %s and %s", names, SheetHistory, SheetCharts, SheetIndicators)
	}
}

// A year written wrong or given twice stops the run with a message.
func TestHistoryBadYears(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 43, 1)
	in := files(t, dir)
	for _, history := range [][]YearFigures{
		{{Year: "2024"}},
		{{Year: "2022-2023"}, {Year: "2022-2023"}},
	} {
		opt := Options{History: history, Pipeline: pipeline(p)}
		sink, err := NewWorkbook(filepath.Join(t.TempDir(), "x.xlsx"), "汇总", true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Run(t.Context(), p, in, opt, sink); err == nil || !strings.Contains(err.Error(), "历年数据") {
			t.Errorf("%v: error %v", history, err)
		}
	}
}

// Without history the workbook has no 历年 and is the same, byte for byte,
// whether History is nil or empty.
func TestNoHistoryNoSheet(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 44, 3)
	in := files(t, dir)
	a, b := filepath.Join(t.TempDir(), "a.xlsx"), filepath.Join(t.TempDir(), "b.xlsx")
	run(t, p, in, Options{}, a)
	run(t, p, in, Options{History: []YearFigures{}}, b)
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	if len(x) == 0 || !bytes.Equal(x, y) {
		t.Error("an empty history changed the workbook")
	}
	f, err := excelize.OpenFile(a)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if slices.Contains(f.GetSheetList(), SheetHistory) {
		t.Errorf("%s written without history", SheetHistory)
	}
}

// Summary.Region holds every value 汇总 shows, exactly, and nothing it
// leaves empty; with 本学年为上学年(%) where both years are numbers.
func TestRegionFiguresAreRegionSheet(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 45, 6)
	out := filepath.Join(t.TempDir(), "汇总.xlsx")
	sum := run(t, p, files(t, dir), Options{}, out)
	reg := sum.Region
	if reg.Year != sum.Year || reg.Schools != sum.Schools || len(reg.Values) == 0 {
		t.Fatalf("Region %s %d schools, %d values; run %s %d", reg.Year, reg.Schools, len(reg.Values), sum.Year, sum.Schools)
	}
	sheet := rows(t, out, SheetRegion)
	r := 1 // after the header
	seen := 0
	for _, sh := range indicatorSheets(p.Spec) {
		r++ // the table's title
		for _, f := range sh.Rows {
			line := sheet[r]
			r++
			if line[0] != f.Label {
				t.Fatalf("汇总 row %d is %q, want %s", r, line[0], f.Label)
			}
			for c, col := range []string{spec.ColPrev, spec.ColCur} {
				v, ok := reg.Values[report.ColAddr(sh.Key, f.Key, col)]
				got := cellAt(line, 2+c)
				switch {
				case got == "" && ok:
					t.Errorf("%s.%s.%s: %s in Region, empty in 汇总", sh.Key, f.Key, col, v)
				case got != "" && !ok:
					t.Errorf("%s.%s.%s: %q in 汇总, not in Region", sh.Key, f.Key, col, got)
				case got != "" && v.Kind == report.Number && !decimal.RequireFromString(got).Equal(v.Num):
					t.Errorf("%s.%s.%s: %s in Region, %q in 汇总", sh.Key, f.Key, col, v, got)
				case got != "" && v.Kind == report.Text && got != v.Text:
					t.Errorf("%s.%s.%s: %q in Region, %q in 汇总", sh.Key, f.Key, col, v.Text, got)
				}
				if ok {
					seen++
				}
			}
			prev, cur := reg.Values[report.ColAddr(sh.Key, f.Key, spec.ColPrev)], reg.Values[report.ColAddr(sh.Key, f.Key, spec.ColCur)]
			pct, ok := reg.Values[report.ColAddr(sh.Key, f.Key, spec.ColPct)]
			if want := formula.Ratio(cur, prev, decimal.NewFromInt(100), formula.PctPlaces); !f.NoCompare && f.Numeric() && !want.IsEmpty() && (!ok || !pct.Num.Equal(want.Num)) {
				t.Errorf("%s.%s.pct: %v, want %s", sh.Key, f.Key, pct, want.Num)
			}
		}
		r++ // the blank line
	}
	if seen < 100 {
		t.Errorf("only %d values compared", seen)
	}
}

// checkHistoryCharts reads the charts of 历年: each draws its categories
// from the header's years and each series from an indicator's row, with
// the values the row holds.
func checkHistoryCharts(t *testing.T, out string) {
	t.Helper()
	sheet := rows(t, out, SheetHistory)
	charts := 0
	for _, c := range chartParts(t, out) {
		if !strings.HasPrefix(c.Title, "历年") {
			continue
		}
		charts++
		for _, s := range c.Series {
			if !strings.HasPrefix(s.Cat.Ref, "'"+SheetHistory+"'!$C$1:$") {
				t.Errorf("%s: categories %q", c.Title, s.Cat.Ref)
			}
			for i, text := range s.Cat.Texts {
				if sheet[0][2+i] != text {
					t.Errorf("%s: category %q, header %q", c.Title, text, sheet[0][2+i])
				}
			}
			var row int
			if _, err := fmt.Sscanf(s.Val.Ref, "'"+SheetHistory+"'!$C$%d:", &row); err != nil || row < 2 || row > len(sheet) {
				t.Fatalf("%s: values %q", c.Title, s.Val.Ref)
			}
			for _, pt := range s.Val.Points {
				got := cellAt(sheet[row-1], 2+pt.Idx)
				if got == "" || !decimal.RequireFromString(got).Equal(decimal.RequireFromString(pt.V)) {
					t.Errorf("%s: %s point %d is %s, %q in the sheet", c.Title, sheet[row-1][0], pt.Idx, pt.V, got)
				}
			}
			for i := range s.Cat.Texts {
				if cellAt(sheet[row-1], 2+i) != "" && !slices.ContainsFunc(s.Val.Points, func(p struct {
					Idx int    `xml:"idx,attr"`
					V   string `xml:"v"`
				}) bool {
					return p.Idx == i
				}) {
					t.Errorf("%s: %s of %s is not drawn", c.Title, sheet[0][2+i], sheet[row-1][0])
				}
			}
		}
	}
	if charts == 0 {
		t.Errorf("no chart on %s", SheetHistory)
	}
}

// openpyxl reads 历年, sees its print setup and a number format on every
// number; LibreOffice opens it.
func TestRealClientsHistory(t *testing.T) {
	realclients.Python(t)
	p, in, year, _ := historyCorpus(t, 46, 3)
	history := []YearFigures{madeUp(p, earlier(t, year, 2), 3, 0), madeUp(p, earlier(t, year, 1), 3, 1, p.Spec.HistoryRows()[0])}
	out := filepath.Join(t.TempDir(), "汇总.xlsx")
	run(t, p, in, Options{History: history}, out)
	got := string(realclients.RunPython(t, "testdata/print_setup.py", out, SheetHistory))
	if strings.Contains(got, "PROBLEM") || strings.Contains(got, "checked 0 cells") {
		t.Errorf("openpyxl:\n%s", got)
	}
	all := string(realclients.RunPython(t, "testdata/read_all.py", out))
	if !strings.Contains(all, SheetHistory+" ") || strings.Contains(all, SheetHistory+" 0 rows") {
		t.Errorf("openpyxl did not read %s:\n%s", SheetHistory, all)
	}
	realclients.Soffice(t)
	saved := realclients.Convert(t, out, filepath.Join(t.TempDir(), "lo"))
	if a, b := rows(t, out, SheetHistory), rows(t, saved, SheetHistory); len(a) < 3 || len(b) < 3 || !slices.Equal(a[2][:5], b[2][:5]) {
		t.Errorf("LibreOffice saved a different %s", SheetHistory)
	}
}

// As CSV 历年 is its table alone, numbers exact: no rows kept for charts.
func TestHistoryCSV(t *testing.T) {
	p, in, year, _ := historyCorpus(t, 47, 2)
	out := t.TempDir()
	sink, err := NewFiles(out, "csv", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(t.Context(), p, in, Options{Pipeline: pipeline(p), History: []YearFigures{madeUp(p, earlier(t, year, 1), 2, 3)}}, sink); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(out, SheetHistory+".csv"))
	if err != nil {
		t.Fatal(err)
	}
	keys := p.Spec.HistoryRows()
	if lines := strings.Count(string(data), "\n"); lines != 2+len(keys) {
		t.Errorf("%d lines, want %d", lines, 2+len(keys)) // the reader below skips blank lines
	}
	got, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(got) != 2+len(keys) {
		t.Fatalf("%d rows (%v), want %d", len(got), err, 2+len(keys))
	}
	sheet, row, _ := strings.Cut(keys[0], ".")
	if want := madeUp(p, "", 0, 3).Values[report.ColAddr(sheet, row, spec.ColCur)].Num.String(); got[2][2] != want {
		t.Errorf("%s: %q, want %s", got[2][0], got[2][2], want)
	}
}
