package consolidate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
)

// SheetHistory is the sheet of the region's key indicators year by year.
const SheetHistory = "历年"

// HistoryYears is the most school years 历年 shows: the last ones, ending
// with the run's own.
const HistoryYears = 5

// YearFigures are the region's figures of one school year: what 汇总 showed.
type YearFigures struct {
	Year    string // 2024-2025
	Schools int    // schools consolidated
	// Values are keyed by report.ColAddr(sheet, field, col) of the indicator
	// rows of 汇总 (col prev, cur or pct), inputs and computed, exact.
	Values map[report.Addr]report.Value
}

// yearFigures are this run's figures, from the region book 汇总 was
// written from: every indicator row's 上学年, 本学年 and 本学年为上学年(%).
func (b *builder) yearFigures() YearFigures {
	y := YearFigures{Year: b.year, Values: map[report.Addr]report.Value{}}
	if b.agg != nil {
		y.Schools = b.agg.schools
	}
	if b.regionBook.in == nil {
		return y
	}
	for _, sh := range indicatorSheets(b.p.Spec) {
		for _, f := range sh.Rows {
			for _, col := range []string{spec.ColPrev, spec.ColCur, spec.ColPct} {
				// an input's 上学年 and 本学年 as the schools gave them, the
				// rest as computed
				book := b.regionBook.out
				if f.Input() && col != spec.ColPct {
					book = b.regionBook.in
				}
				v := book.Get(sh.Key, report.Key{Field: f.Key, Col: col})
				if !v.IsEmpty() {
					y.Values[report.ColAddr(sh.Key, f.Key, col)] = v
				}
			}
		}
	}
	return y
}

// historyYears are the years 历年 shows, oldest first: the history and
// this run, at most HistoryYears ending with this run's year. A history
// year equal to the run's is ignored, later ones are left out; a year
// given twice or not written YYYY-YYYY is an error.
func (b *builder) historyYears() ([]YearFigures, error) {
	var years []YearFigures
	seen := map[string]bool{}
	for _, y := range b.opt.History {
		if _, ok := report.PreviousYear(y.Year); !ok {
			return nil, fmt.Errorf("历年数据的学年 %q 不是 2024-2025 这样的写法", y.Year)
		}
		if seen[y.Year] {
			return nil, fmt.Errorf("历年数据中学年 %s 出现了两次", y.Year)
		}
		seen[y.Year] = true
		if y.Year == b.year || (b.year != "" && y.Year > b.year) {
			continue
		}
		years = append(years, y)
	}
	sort.Slice(years, func(i, j int) bool { return years[i].Year < years[j].Year })
	years = append(years, b.yearFigures())
	if len(years) > HistoryYears {
		years = years[len(years)-HistoryYears:]
	}
	return years, nil
}

// yearLabel heads a year's column: the 学年 (本学年 for a run whose year
// is unknown, with no school).
func (b *builder) yearLabel(y YearFigures) string {
	if y.Year == "" {
		return b.p.Spec.Columns.Cur
	}
	return y.Year
}

// historyChartRows is how many rows a chart of 历年 covers (pageBreaks keeps
// each on one printed page).
const historyChartRows = 15

// historyRow is one key indicator of 历年.
type historyRow struct {
	sheet string
	f     *spec.Field
}

func (b *builder) historyRows() []historyRow {
	var out []historyRow
	for _, r := range b.p.Spec.HistoryRows() {
		sheet, row, _ := strings.Cut(r, ".")
		if sh := b.p.Spec.Sheet(sheet); sh != nil {
			if f := sh.Field(row); f != nil {
				out = append(out, historyRow{sheet, f})
			}
		}
	}
	return out
}

// historySheet writes 历年 when earlier years are given: 填报学校数 and each
// key indicator's 本学年 of every year, its change from the first year that
// has it to this run's, which years lack it; below, a clustered column
// chart per unit over the years.
func (b *builder) historySheet() error {
	if len(b.opt.History) == 0 {
		return nil
	}
	years, err := b.historyYears()
	if err != nil {
		return err
	}
	rows := b.historyRows()
	var groups []historyGroup
	if drawsCharts(b.sink) { // CSV and JSON get the table alone
		groups = historyGroups(rows)
	}
	n := len(years)
	header := []any{b.p.Spec.Columns.Label, b.p.Spec.Columns.Unit}
	widths := []float64{23, 8}
	names := make([]string, n) // the years' columns
	for i, y := range years {
		names[i] = b.yearLabel(y)
		header = append(header, names[i])
		widths = append(widths, 10)
	}
	header = append(header, "较首年增减", "较首年增减(%)", "说明")
	widths = append(widths, 9, 9, 20) // five years: 119, printed portrait
	opt := TableOptions{Rows: 2 + len(rows) + len(groups)*(historyChartRows+2), Cols: len(header), Header: 1,
		Borders: true, FreezeCols: 1, Widths: widths, WrapCols: []int{len(header)}, RowHeight: 15}
	heights := make([]int, len(groups))
	for i := range heights {
		heights[i] = historyChartRows + 2
	}
	opt.Breaks = pageBreaks(1, 1+len(rows), heights, xlsx.PageRows(opt, headerPt))
	t, err := b.sink.Table(SheetHistory, opt)
	if err != nil {
		return err
	}
	if err := t.Row(header...); err != nil {
		return err
	}
	schools := make([]report.Value, n)
	for i, y := range years {
		schools[i] = report.Int(int64(y.Schools))
	}
	if err := t.Row(historyLine("填报学校数", "所", names, schools, fmtCount, 0)...); err != nil {
		return err
	}
	sheetRow := map[historyRow]int{} // where each indicator stands (from 1)
	for i, r := range rows {
		vals := make([]report.Value, n)
		for j, y := range years {
			vals[j] = y.Values[report.ColAddr(r.sheet, r.f.Key, spec.ColCur)]
		}
		if err := t.Row(historyLine(r.f.Label, r.f.Unit, names, vals, fieldFormat(r.f), r.f.Places())...); err != nil {
			return err
		}
		sheetRow[r] = 3 + i
	}
	row := 2 + len(rows) // rows written
	for _, g := range groups {
		if err := t.Row(); err != nil {
			return err
		}
		row++
		if cw, ok := t.(chartTable); ok {
			cw.AddChart(historyChart(g, names, sheetRow, years, row, len(header)))
		}
		for i := 0; i < historyChartRows+1; i++ {
			if err := t.Row(); err != nil {
				return err
			}
			row++
		}
	}
	return nil
}

// historyLine is one row of 历年: label, unit, a value per year, the change
// from the first year with a value to the last (this run's), and the years
// without a value (named as their columns are).
func historyLine(label, unit string, names []string, vals []report.Value, format string, places int) []any {
	out := []any{label, nullable(unit)}
	var missing []string
	first := -1
	for i, v := range vals {
		out = append(out, formatted(v, format, false))
		if v.Kind != report.Number {
			missing = append(missing, names[i])
		} else if first < 0 {
			first = i
		}
	}
	var change, pct any
	if first >= 0 && first < len(vals)-1 {
		change, pct = changeCells(vals[first], vals[len(vals)-1], places)
	}
	var note any
	if len(missing) > 0 {
		note = strings.Join(missing, "、") + "无数据"
	}
	return append(out, change, pct, note)
}

// historyGroup is a chart of 历年: the key indicators sharing a unit (and
// display), so one axis fits them.
type historyGroup struct {
	unit string
	rows []historyRow
}

func historyGroups(rows []historyRow) []historyGroup {
	var out []historyGroup
	at := map[string]int{}
	for _, r := range rows {
		k := r.f.Unit + "\x00" + r.f.Display
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, historyGroup{unit: r.f.Unit})
		}
		out[i].rows = append(out[i].rows, r)
	}
	return out
}

// historyChart draws a group's indicators over the years: the years (the
// header) are the categories, each indicator's row a series; the chart
// covers historyChartRows rows from row top (0-based) and cols columns.
func historyChart(g historyGroup, names []string, sheetRow map[historyRow]int, years []YearFigures, top, cols int) xlsx.Chart {
	var labels []string
	for _, r := range g.rows {
		labels = append(labels, r.f.Label)
	}
	title := "历年" + strings.Join(labels, "、")
	if len(labels) > 4 {
		title = "历年" + strings.Join(labels[:4], "、") + "等"
	}
	if g.unit != "" {
		title += "（" + g.unit + "）"
	}
	first, last := 3, 2+len(years)
	c := xlsx.Chart{Title: title, Kind: "bar", NumFmt: "#,##0.##",
		Categories: xlsx.Range{Ref: rowRef(SheetHistory, 1, first, last)}}
	c.Categories.Texts = names
	for _, r := range g.rows {
		at := sheetRow[r]
		s := xlsx.Series{Name: xlsx.Range{Ref: rowRef(SheetHistory, at, 1, 1), Texts: []string{r.f.Label}},
			Values: xlsx.Range{Ref: rowRef(SheetHistory, at, first, last)}}
		for _, y := range years {
			v := y.Values[report.ColAddr(r.sheet, r.f.Key, spec.ColCur)]
			s.Values.Values = append(s.Values.Values, v.Num)
			s.Values.Empty = append(s.Values.Empty, v.Kind != report.Number)
		}
		c.Series = append(c.Series, s)
	}
	c.FromCol, c.FromRow = 0, top
	c.ToCol, c.ToRow = cols, top+historyChartRows-1
	return c
}

// drawsCharts reports whether the sink (behind the spool) is a workbook.
func drawsCharts(s Sink) bool {
	if sp, ok := s.(*spool); ok {
		s = sp.sink
	}
	_, ok := s.(*xlsxSink)
	return ok
}

// rowRef is an absolute reference to cells of one row, e.g.
// '历年'!$C$1:$G$1 for row 1, columns 3 to 7.
func rowRef(sheet string, row, fromCol, toCol int) string {
	ref := "'" + strings.ReplaceAll(sheet, "'", "''") + "'!" + absCell(fromCol, row)
	if toCol != fromCol {
		ref += ":" + absCell(toCol, row)
	}
	return ref
}

func absCell(col, row int) string {
	c := strings.TrimRight(xlsx.CellName(col, 1), "0123456789")
	return fmt.Sprintf("$%s$%d", c, row)
}
