package consolidate

import (
	"strings"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/shopspring/decimal"
)

// Chart is one chart of the sheet 图表 as the workbook draws it: the same
// categories and values its chart part caches, each value also as the
// sheet shows it (the spec's decimals).
type Chart struct {
	Title      string
	Kind       string // "bar" (columns), "barh" (horizontal bars) or "pie"
	Categories []string
	Series     []ChartSeries
}

// ChartSeries is one set of values of a chart, one point per category.
type ChartSeries struct {
	Name   string // e.g. 上学年
	Points []ChartPoint
}

// ChartPoint is one value of a series; an Empty one has no bar.
type ChartPoint struct {
	Value decimal.Decimal
	Empty bool
	Text  string // as the sheet shows it: 1,234 / 17.5 / 18.9:1
}

// ChartSink is a Sink that writes no table and keeps the charts of 图表,
// for a caller that draws them itself (serve's charts page). The charts
// are those the workbook sink would draw from the same run.
type ChartSink struct {
	charts []Chart
}

// NewChartSink is an empty ChartSink.
func NewChartSink() *ChartSink { return &ChartSink{} }

// Charts are the charts of 图表, in the spec's order, once Run has ended.
func (s *ChartSink) Charts() []Chart { return s.charts }

func (s *ChartSink) Reserve(...string) error { return nil }

func (s *ChartSink) Table(name string, _ TableOptions) (RowWriter, error) {
	if name == SheetCharts {
		return chartKeeper{s}, nil
	}
	return discard{}, nil
}

func (s *ChartSink) Close() error { return nil }
func (s *ChartSink) Abort()       {}

type discard struct{}

func (discard) Row(...any) error { return nil }

// chartKeeper is the table 图表 of a ChartSink: rows are dropped, charts
// kept.
type chartKeeper struct{ s *ChartSink }

func (chartKeeper) Row(...any) error { return nil }

func (k chartKeeper) AddChart(c xlsx.Chart) {
	out := Chart{Title: c.Title, Kind: c.Kind, Categories: c.Categories.Texts}
	for _, s := range c.Series {
		cs := ChartSeries{Name: strings.Join(s.Name.Texts, "")}
		for i, v := range s.Values.Values {
			p := ChartPoint{Value: v, Empty: i < len(s.Values.Empty) && s.Values.Empty[i]}
			if !p.Empty {
				format := ""
				if i < len(s.Values.Formats) {
					format = s.Values.Formats[i]
				}
				p.Text = ShowNumber(v, format)
			}
			cs.Points = append(cs.Points, p)
		}
		out.Series = append(out.Series, cs)
	}
	k.s.charts = append(k.s.charts, out)
}

// ShowNumber is a number as a cell of the consolidated workbook shows it in
// one of the formats consolidate writes (see format.go): #,##0 and #,##0.00
// (thousands separators), 0 and 0.0 (none), a literal suffix in quotes
// (0.0":1"), rounded half away from zero as Excel does. An empty format
// shows the exact value.
func ShowNumber(d decimal.Decimal, format string) string {
	if format == "" {
		return d.String()
	}
	format, _, _ = strings.Cut(format, ";") // the positive section; a sign is added below
	pattern, suffix := format, ""
	if i := strings.IndexByte(format, '"'); i >= 0 {
		pattern, suffix = format[:i], strings.ReplaceAll(format[i:], `"`, "")
	}
	places := 0
	if _, dec, ok := strings.Cut(pattern, "."); ok {
		places = strings.Count(dec, "0")
	}
	pattern = strings.TrimPrefix(pattern, "+")
	neg := d.Round(int32(places)).IsNegative()
	text := d.Abs().StringFixed(int32(places))
	if strings.Contains(pattern, ",") {
		text = report.GroupThousands(text)
	}
	if neg {
		text = "-" + text
	}
	return text + suffix
}
