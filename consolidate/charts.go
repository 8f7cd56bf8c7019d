package consolidate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

// SheetCharts is the sheet of the report's figures: each chart's data, then
// the chart drawn from it.
const SheetCharts = "图表"

// chartRows is how many rows a chart covers below its data.
const chartRows = 18

// chartData gathers, school by school, what the charts by list and by
// school need: per chart, sums (or counts) by category, or each school's
// value.
type chartData struct {
	sums    map[int]map[string]decimal.Decimal
	schools map[int][]schoolValue
}

type schoolValue struct {
	name  string
	value decimal.Decimal
}

func newChartData() *chartData {
	return &chartData{sums: map[int]map[string]decimal.Decimal{}, schools: map[int][]schoolValue{}}
}

// chartSchool adds one school to the charts' data.
func (b *builder) chartSchool(x *prepared) {
	for i, ch := range b.p.Spec.Charts {
		switch {
		case ch.List != "":
			sums := b.charts.sums[i]
			if sums == nil {
				sums = map[string]decimal.Decimal{}
				b.charts.sums[i] = sums
			}
			for _, row := range x.book.Rows(ch.List) {
				cat := row[ch.By]
				if cat.IsEmpty() {
					continue
				}
				add := decimal.NewFromInt(1)
				if ch.Sum != "" {
					v := row[ch.Sum]
					if v.Kind != report.Number {
						continue
					}
					add = v.Num
				}
				sums[cat.String()] = sums[cat.String()].Add(add)
			}
		case ch.Indicator != "":
			for j, ind := range b.p.Spec.Indicators {
				if ind.Key != ch.Indicator || j >= len(x.ind) {
					continue
				}
				if n, ok := x.ind[j].(xlsx.Number); ok {
					b.charts.schools[i] = append(b.charts.schools[i], schoolValue{x.s.Name, n.Value})
				}
			}
		}
	}
}

// chartBlock is one chart's data as rows of the sheet, and the chart.
type chartBlock struct {
	title   string
	header  []any
	rows    [][]any
	chart   xlsx.Chart
	numeric []int // columns (from 1) holding values
}

// chartBlocks lays out every chart of the spec.
func (b *builder) chartBlocks() []chartBlock {
	var out []chartBlock
	for i, ch := range b.p.Spec.Charts {
		blk := chartBlock{title: ch.Title, chart: xlsx.Chart{Title: ch.Title, Kind: ch.Kind}}
		switch {
		case len(ch.Rows) > 0:
			b.rowsBlock(ch, &blk)
		case ch.List != "":
			sh := b.p.Spec.Sheet(ch.List)
			label := "数量（项）"
			if ch.Sum != "" {
				label = sh.Field(ch.Sum).HeaderLabel()
			}
			blk.header = []any{sh.Field(ch.By).Label, label}
			blk.numeric = []int{2}
			for _, kv := range sorted(b.charts.sums[i]) {
				blk.rows = append(blk.rows, []any{kv.name, num(kv.value, fmtCount)})
			}
		default:
			var ind *spec.Indicator
			for j := range b.p.Spec.Indicators {
				if b.p.Spec.Indicators[j].Key == ch.Indicator {
					ind = &b.p.Spec.Indicators[j]
				}
			}
			vals := b.charts.schools[i]
			sort.SliceStable(vals, func(a, c int) bool { return vals[a].value.GreaterThan(vals[c].value) })
			if len(vals) > spec.MaxChartSchools {
				blk.title = fmt.Sprintf("%s（共 %d 所，显示最高的 %d 所）", ch.Title, len(vals), spec.MaxChartSchools)
				vals = vals[:spec.MaxChartSchools]
			}
			blk.header = []any{"学校", ind.Label}
			blk.numeric = []int{2}
			for _, v := range vals {
				blk.rows = append(blk.rows, []any{v.name, num(v.value, indicatorFormat(b.p, ind))})
			}
		}
		out = append(out, blk)
	}
	return out
}

// rowsBlock is a chart of indicator rows: 上学年 and 本学年 of the region.
func (b *builder) rowsBlock(ch spec.Chart, blk *chartBlock) {
	blk.header = []any{"指标", b.p.Spec.Columns.Prev, b.p.Spec.Columns.Cur}
	blk.numeric = []int{2, 3}
	if ch.Kind == "pie" {
		blk.header = blk.header[:1]
		blk.header = append(blk.header, b.p.Spec.Columns.Cur)
		blk.numeric = []int{2}
	}
	for _, r := range ch.Rows {
		sheet, row, _ := strings.Cut(r, ".")
		f := b.p.Spec.Sheet(sheet).Field(row)
		fig := regionFigures{b}
		vals := []any{f.Label}
		for _, col := range []string{spec.ColPrev, spec.ColCur} {
			if ch.Kind == "pie" && col == spec.ColPrev {
				continue
			}
			vals = append(vals, formatted(fig.Value(sheet, row, col), fieldFormat(f), false))
		}
		blk.rows = append(blk.rows, vals)
	}
}

type namedValue struct {
	name  string
	value decimal.Decimal
}

// sorted lists sums from the largest, then by name.
func sorted(m map[string]decimal.Decimal) []namedValue {
	out := make([]namedValue, 0, len(m))
	for k, v := range m {
		out = append(out, namedValue{k, v})
	}
	sort.Slice(out, func(a, c int) bool {
		if !out[a].value.Equal(out[c].value) {
			return out[a].value.GreaterThan(out[c].value)
		}
		return out[a].name < out[c].name
	})
	return out
}

// headerPt is the height a sheet's header row is taken to have when pages
// are planned: three lines, the most a header wraps to.
const headerPt = 45

// pageBreaks plans the printed pages of a sheet of blocks (a chart with its
// data, …) so that a block that fits on a page is never cut by a page's
// end: given the header rows, the rows before the first block and each
// block's rows, the rows after which a page should end (perPage rows a
// page below the repeated header). A block taller than a page starts a
// page and runs on.
func pageBreaks(header, lead int, blocks []int, perPage int) []int {
	var out []int
	row, used := header+lead, lead%perPage
	for _, h := range blocks {
		if used > 0 && used+h > perPage {
			out = append(out, row)
			used = 0
		}
		used = (used + h) % perPage
		row += h
	}
	return out
}

// chartSheet writes 图表: for each chart its title, its data, and the chart
// drawn below the data over chartRows rows.
func (b *builder) chartSheet() error {
	if len(b.p.Spec.Charts) == 0 {
		return nil
	}
	blocks := b.chartBlocks()
	rows := 1
	heights := make([]int, len(blocks))
	for i, blk := range blocks {
		heights[i] = 3 + len(blk.rows) + chartRows
		rows += heights[i]
	}
	opt := TableOptions{Rows: rows, Cols: 3, Header: 1, Borders: true, Widths: []float64{30, 14, 14, 12, 12, 12}, RowHeight: 15}
	opt.Breaks = pageBreaks(1, 0, heights, xlsx.PageRows(opt, headerPt))
	t, err := b.sink.Table(SheetCharts, opt)
	if err != nil {
		return err
	}
	if err := t.Row("区域质量年度报告图表（每幅图的数据在图的上方）", nil, nil); err != nil {
		return err
	}
	row := 1
	for _, blk := range blocks {
		if err := t.Row(xlsx.Title(blk.title)); err != nil {
			return err
		}
		row++
		headerRow := row + 1
		if err := t.Row(boldAll(blk.header)...); err != nil {
			return err
		}
		row++
		first := row + 1
		for _, r := range blk.rows {
			if err := t.Row(r...); err != nil {
				return err
			}
			row++
		}
		last := row
		if len(blk.rows) > 0 {
			blk.chart.NumFmt = "#,##0.##"
			blk.chart.Categories = xlsx.Range{Ref: xlsx.ChartRef(SheetCharts, 1, first, last)}
			for _, r := range blk.rows {
				blk.chart.Categories.Texts = append(blk.chart.Categories.Texts, fmt.Sprint(r[0]))
			}
			for _, col := range blk.numeric {
				s := xlsx.Series{Name: xlsx.Range{Ref: xlsx.ChartRef(SheetCharts, col, headerRow, headerRow), Texts: []string{fmt.Sprint(blk.header[col-1])}},
					Values: xlsx.Range{Ref: xlsx.ChartRef(SheetCharts, col, first, last)}}
				for _, r := range blk.rows {
					n, ok := r[col-1].(xlsx.Number)
					s.Values.Values = append(s.Values.Values, n.Value)
					s.Values.Empty = append(s.Values.Empty, !ok)
					s.Values.Formats = append(s.Values.Formats, n.Format)
				}
				blk.chart.Series = append(blk.chart.Series, s)
			}
			blk.chart.FromCol, blk.chart.FromRow = 0, row
			blk.chart.ToCol, blk.chart.ToRow = 6, row+chartRows-1
			if cw, ok := t.(chartTable); ok {
				cw.AddChart(blk.chart)
			}
		}
		for i := 0; i < chartRows+1; i++ {
			if err := t.Row(); err != nil {
				return err
			}
			row++
		}
	}
	return nil
}

func boldAll(vals []any) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = xlsx.Bold(fmt.Sprint(v))
	}
	return out
}
