package serve

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/nianbao/nianbao/consolidate"
	"github.com/nianbao/nianbao/schools"
	"github.com/shopspring/decimal"
)

// The charts of 汇总 drawn in the page: consolidate computes them over the
// submissions used (a ChartSink keeps what the workbook's 图表 draws), and
// this file lays them out as SVG for the template "chartsvg" (drawn with
// presentation attributes, no style attribute and no script, so the CSP
// holds inline and as a downloaded .svg).

// regionCharts are the charts of 汇总 and how many schools it takes in.
func (s *Server) regionCharts(ctx context.Context) ([]consolidate.Chart, int, error) {
	sink := consolidate.NewChartSink()
	sum, err := s.consolidateInto(ctx, sink)
	if err != nil {
		return nil, 0, err
	}
	return sink.Charts(), sum.Schools, nil
}

// chartsPage is 图表: every chart of the spec, as 汇总.xlsx's 图表 sheet
// draws it, in SVG.
func (s *Server) chartsPage(w http.ResponseWriter, r *http.Request) {
	charts, n, err := s.regionCharts(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	views := make([]chartView, len(charts))
	for i, c := range charts {
		views[i] = layoutChart(c, fmt.Sprintf("chart%d", i+1))
		views[i].Download = fmt.Sprintf("/bureau/charts/%d.svg", i+1)
	}
	s.render(w, r, http.StatusOK, "charts", view{"Title": "图表", "Charts": views, "Schools": n, "Declared": len(s.cfg.Program.Spec.Charts),
		"Bureau": true, "SpecTitle": s.cfg.Program.Spec.Title, "Year": s.cfg.Year})
}

// chartSVG sends one chart (/bureau/charts/N.svg, N from 1) as an SVG file.
func (s *Server) chartSVG(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	num, ok := strings.CutSuffix(file, ".svg")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 1 || n > len(s.cfg.Program.Spec.Charts) {
		s.render(w, r, http.StatusNotFound, "message", view{"Title": "没有这幅图", "Status": 404, "Bureau": true,
			"Message": fmt.Sprintf("没有“%s”这幅图：图按编号下载，从 1 到 %d，请从“图表”页面的链接下载。", file, len(s.cfg.Program.Spec.Charts)), "Back": "/bureau/charts/"})
		return
	}
	charts, _, err := s.regionCharts(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if n > len(charts) { // a spec's chart consolidate did not draw
		s.notFound(w, r)
		return
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	if err := s.pages.ExecuteTemplate(&b, "chartsvg", layoutChart(charts[n-1], fmt.Sprintf("chart%d", n))); err != nil {
		s.internal(w, r, err)
		return
	}
	b.WriteString("\n")
	attachment(w, schools.SafeName(charts[n-1].Title, 80)+".svg", "image/svg+xml; charset=utf-8", b.Bytes())
}

// chartView is a chart laid out for the template "chartsvg": every
// position computed here, every text escaped there.
type chartView struct {
	ID, Title, Desc string
	Width, Height   float64
	Empty           bool // no value to draw: a message instead
	Legend          []legendItem
	Grid            []tick // value axis: a line and a label per tick
	Axis            line   // the zero line
	Bars            []bar
	Labels          []label // categories
	Slices          []slice
	Download        string
	Table           chartTable
}

type legendItem struct {
	X, Y, TextX, TextY float64
	Fill, Text         string
}

type tick struct {
	X1, Y1, X2, Y2 float64
	TextX, TextY   float64
	Anchor, Text   string
}

type line struct{ X1, Y1, X2, Y2 float64 }

type bar struct {
	X, Y, W, H     float64
	Fill           string
	Series, Cat    string
	Value          string // exact, for a reader of the SVG
	Text           string // as 汇总 shows it
	TextX, TextY   float64
	Anchor         string
	ShowText, Tall bool
}

type label struct {
	X, Y   float64
	Anchor string
	Lines  []string
	Full   string // when the lines shorten it
	LineH  float64
}

type slice struct {
	D, Fill, Cat, Value, Text, Pct string
	TextX, TextY                   float64
	Inside                         bool
}

// chartTable is a chart's data as a table under it (for screen readers
// and for a reader who wants the numbers).
type chartTable struct {
	Header []string
	Rows   [][]string
}

// palette colours the series as the workbook's charts do (Office's default
// theme), distinct in grey print too.
var palette = []string{"#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5", "#70AD47", "#264478", "#9E480E"}

// Sizes, in the SVG's units (pixels at 100%): the page shows it at most
// this wide, and A4 print scales it to the page.
const (
	chartW     = 860.0
	fontSize   = 14.0
	titleSize  = 17.0
	valueSize  = 13.0
	margin     = 16.0
	plotHeight = 300.0
)

// textWidth estimates a text's width: CJK characters are square, others
// about 0.6 of the font size.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		if r < 0x2E80 {
			w += 0.6 * size
		} else {
			w += size
		}
	}
	return w
}

// wrap cuts a text into at most max lines of at most width each, the last
// ending in … when the text is longer.
func wrap(s string, width, size float64, max int) []string {
	var lines []string
	var cur []rune
	w := 0.0
	for _, r := range s {
		rw := textWidth(string(r), size)
		if w+rw > width && len(cur) > 0 {
			if len(lines) == max-1 {
				for len(cur) > 0 && w+textWidth("…", size) > width {
					w -= textWidth(string(cur[len(cur)-1]), size)
					cur = cur[:len(cur)-1]
				}
				return append(lines, string(cur)+"…")
			}
			lines = append(lines, string(cur))
			cur, w = nil, 0
		}
		cur = append(cur, r)
		w += rw
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// clean drops control characters from a label (SVG is XML: they have no
// place in it, escaped or not).
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// niceTicks are the value axis's ticks: 0 and round steps covering lo..hi
// (whole steps when every value is whole: no 0.2 of a prize).
func niceTicks(lo, hi float64, whole bool) []float64 {
	if hi <= lo {
		hi = lo + 1
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag * 10
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*mag && (!whole || m*mag >= 1 && math.Mod(m*mag, 1) == 0) {
			step = m * mag
			break
		}
	}
	var out []float64
	for i := math.Floor(lo / step); i*step < hi+step*0.999; i++ {
		out = append(out, math.Round(i*step*1e9)/1e9)
	}
	return out
}

// tickText shows a tick with as many decimals as its step needs.
func tickText(v, step float64) string {
	places := 0
	if step < 1 {
		places = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	format := "#,##0"
	if places > 0 {
		format += "." + strings.Repeat("0", places)
	}
	return consolidate.ShowNumber(decimal.NewFromFloat(v), format)
}

// layoutChart lays a chart out; id names its SVG elements.
func layoutChart(c consolidate.Chart, id string) chartView {
	v := chartView{ID: id, Title: clean(c.Title), Width: chartW}
	cats := make([]string, len(c.Categories))
	for i, s := range c.Categories {
		cats[i] = clean(s)
	}
	// the data, as a table and as the SVG's description
	v.Table.Header = []string{""}
	for _, s := range c.Series {
		v.Table.Header = append(v.Table.Header, clean(s.Name))
	}
	var desc []string
	drawn := false
	for i, cat := range cats {
		row := []string{cat}
		parts := []string{}
		for _, s := range c.Series {
			text := "—"
			if i < len(s.Points) && !s.Points[i].Empty {
				text, drawn = s.Points[i].Text, true
			}
			row = append(row, text)
			if len(c.Series) > 1 {
				parts = append(parts, clean(s.Name)+" "+text)
			} else {
				parts = append(parts, text)
			}
		}
		v.Table.Rows = append(v.Table.Rows, row)
		desc = append(desc, cat+"："+strings.Join(parts, "，"))
	}
	v.Desc = strings.Join(desc, "；")
	if !drawn {
		v.Empty, v.Height, v.Desc = true, 110, "暂无数据"
		return v
	}
	switch c.Kind {
	case "pie":
		layoutPie(&v, c, cats)
	case "barh":
		layoutBarH(&v, c, cats)
	default:
		layoutBar(&v, c, cats)
	}
	return v
}

// legend puts the series' names in a row under the title; it returns the
// y where the plot may start.
func (v *chartView) legend(names []string, y float64) float64 {
	if len(names) < 2 {
		return y
	}
	x := margin
	for i, n := range names {
		n = clean(n)
		v.Legend = append(v.Legend, legendItem{X: x, Y: y - 11, TextX: x + 20, TextY: y, Fill: palette[i%len(palette)], Text: n})
		x += 20 + textWidth(n, fontSize) + 24
	}
	return y + 16
}

// valueTicks are the ticks of the value axis: the span of the values,
// always taking in 0.
func valueTicks(c consolidate.Chart) []float64 {
	lo, hi, whole := 0.0, 0.0, true
	for _, s := range c.Series {
		for _, p := range s.Points {
			if p.Empty {
				continue
			}
			f := p.Value.InexactFloat64()
			lo, hi = min(lo, f), max(hi, f)
			whole = whole && p.Value.Equal(p.Value.Truncate(0))
		}
	}
	return niceTicks(lo, hi, whole)
}

func seriesNames(c consolidate.Chart) []string {
	var out []string
	for _, s := range c.Series {
		out = append(out, s.Name)
	}
	return out
}

// layoutBar: columns, the categories under them, the values above.
func layoutBar(v *chartView, c consolidate.Chart, cats []string) {
	top := v.legend(seriesNames(c), 58) + 26 // room for a value above the highest bar
	ticks := valueTicks(c)
	step := ticks[1] - ticks[0]
	tickW := 0.0
	for _, t := range ticks {
		tickW = max(tickW, textWidth(tickText(t, step), valueSize))
	}
	left, right := margin+tickW+8, chartW-margin
	bottom := top + plotHeight
	y := func(f float64) float64 {
		return bottom - (f-ticks[0])/(ticks[len(ticks)-1]-ticks[0])*plotHeight
	}
	for _, t := range ticks {
		v.Grid = append(v.Grid, tick{X1: left, Y1: y(t), X2: right, Y2: y(t), TextX: left - 6, TextY: y(t) + 4, Anchor: "end", Text: tickText(t, step)})
	}
	v.Axis = line{left, y(0), right, y(0)}
	slot := (right - left) / float64(len(cats))
	group := slot * 0.7
	bw := min(group/float64(len(c.Series)), 110)
	lines := 1
	for i, cat := range cats {
		cx := left + slot*(float64(i)+0.5)
		x0 := cx - bw*float64(len(c.Series))/2
		for j, s := range c.Series {
			if i >= len(s.Points) || s.Points[i].Empty {
				continue
			}
			p := s.Points[i]
			f := p.Value.InexactFloat64()
			b := bar{X: x0 + bw*float64(j), W: bw - 2, Fill: palette[j%len(palette)], Series: clean(s.Name), Cat: cat,
				Value: p.Value.String(), Text: p.Text, Anchor: "middle", ShowText: true}
			b.Y, b.H = min(y(f), y(0)), math.Abs(y(f)-y(0))
			b.TextX = b.X + b.W/2
			if f >= 0 {
				b.TextY = b.Y - 5
			} else {
				b.TextY = b.Y + b.H + valueSize + 2
			}
			v.Bars = append(v.Bars, b)
		}
		l := label{X: cx, Y: bottom + 20, Anchor: "middle", Lines: wrap(cat, slot-8, fontSize, 3), LineH: 18}
		if strings.Join(l.Lines, "") != cat {
			l.Full = cat
		}
		lines = max(lines, len(l.Lines))
		v.Labels = append(v.Labels, l)
	}
	v.Height = bottom + 20 + float64(lines)*18 + margin
}

// layoutBarH: horizontal bars from the top, the categories on the left,
// the values at the bars' ends.
func layoutBarH(v *chartView, c consolidate.Chart, cats []string) {
	top := v.legend(seriesNames(c), 58) + 8
	ticks := valueTicks(c)
	step := ticks[1] - ticks[0]
	labelW := 0.0
	for _, cat := range cats {
		labelW = max(labelW, textWidth(cat, fontSize))
	}
	labelW = min(labelW, 300)
	valueW := 0.0
	for _, s := range c.Series {
		for _, p := range s.Points {
			valueW = max(valueW, textWidth(p.Text, valueSize))
		}
	}
	left := margin + labelW + 10
	right := chartW - margin - valueW - 8
	x := func(f float64) float64 {
		return left + (f-ticks[0])/(ticks[len(ticks)-1]-ticks[0])*(right-left)
	}
	n := float64(len(c.Series))
	rowH := max(28, 18*n+10)
	lines := 1
	for _, cat := range cats {
		lines = max(lines, len(wrap(cat, labelW, fontSize, 2)))
	}
	if lines > 1 {
		rowH = max(rowH, 40)
	}
	bh := (rowH - 8) / n
	bottom := top + rowH*float64(len(cats))
	for _, t := range ticks {
		v.Grid = append(v.Grid, tick{X1: x(t), Y1: top, X2: x(t), Y2: bottom, TextX: x(t), TextY: bottom + 18, Anchor: "middle", Text: tickText(t, step)})
	}
	v.Axis = line{x(0), top, x(0), bottom}
	for i, cat := range cats {
		y0 := top + rowH*float64(i) + 4
		for j, s := range c.Series {
			if i >= len(s.Points) || s.Points[i].Empty {
				continue
			}
			p := s.Points[i]
			f := p.Value.InexactFloat64()
			b := bar{Y: y0 + bh*float64(j), H: bh - 1, Fill: palette[j%len(palette)], Series: clean(s.Name), Cat: cat,
				Value: p.Value.String(), Text: p.Text, ShowText: true}
			b.X, b.W = min(x(f), x(0)), math.Abs(x(f)-x(0))
			b.TextY = b.Y + bh/2 + 4
			if f >= 0 {
				b.TextX, b.Anchor = b.X+b.W+5, "start"
			} else {
				b.TextX, b.Anchor = b.X-5, "end"
			}
			v.Bars = append(v.Bars, b)
		}
		l := label{X: left - 8, Anchor: "end", Lines: wrap(cat, labelW, fontSize, 2), LineH: 17}
		l.Y = y0 + (rowH-8)/2 + 5 - float64(len(l.Lines)-1)*l.LineH/2
		if strings.Join(l.Lines, "") != cat {
			l.Full = cat
		}
		v.Labels = append(v.Labels, l)
	}
	v.Height = bottom + 18 + margin + 4
}

// layoutPie: slices clockwise from the top, each with its share inside
// when it has room; the legend on the right names each with its value.
func layoutPie(v *chartView, c consolidate.Chart, cats []string) {
	const r = 130.0
	cx, cy := margin+r+20, 58+r+14
	s := c.Series[0]
	total := decimal.Zero
	for _, p := range s.Points {
		if !p.Empty && p.Value.IsPositive() {
			total = total.Add(p.Value)
		}
	}
	v.Height = cy + r + margin + 10
	if !total.IsPositive() {
		v.Empty, v.Height = true, 110
		return
	}
	angle := 0.0 // from the top, clockwise, in turns
	lx, ly := cx+r+50, 70.0
	for i, cat := range cats {
		fill := palette[i%len(palette)]
		var p consolidate.ChartPoint
		if i < len(s.Points) {
			p = s.Points[i]
		}
		share := 0.0
		if !p.Empty && p.Value.IsPositive() {
			share = p.Value.Div(total).InexactFloat64()
		}
		pct := consolidate.ShowNumber(decimal.NewFromFloat(share*100), "0.0") + "%"
		text := p.Text
		if p.Empty {
			text = "—"
		}
		v.Legend = append(v.Legend, legendItem{X: lx, Y: ly - 11, TextX: lx + 20, TextY: ly, Fill: fill, Text: cat + "：" + text + "（" + pct + "）"})
		ly += 24
		if share <= 0 {
			continue
		}
		sl := slice{Fill: fill, Cat: cat, Value: p.Value.String(), Text: text, Pct: pct}
		a0, a1 := angle*2*math.Pi, (angle+share)*2*math.Pi
		pt := func(a, rad float64) (float64, float64) { return cx + rad*math.Sin(a), cy - rad*math.Cos(a) }
		if share >= 0.9999 {
			sl.D = fmt.Sprintf("M %.1f %.1f A %.1f %.1f 0 1 1 %.1f %.1f A %.1f %.1f 0 1 1 %.1f %.1f Z", cx, cy-r, r, r, cx, cy+r, r, r, cx, cy-r)
		} else {
			x0, y0 := pt(a0, r)
			x1, y1 := pt(a1, r)
			large := 0
			if share > 0.5 {
				large = 1
			}
			sl.D = fmt.Sprintf("M %.1f %.1f L %.1f %.1f A %.1f %.1f 0 %d 1 %.1f %.1f Z", cx, cy, x0, y0, r, r, large, x1, y1)
		}
		sl.TextX, sl.TextY = pt((a0+a1)/2, r*0.62)
		sl.TextY += 5
		sl.Inside = share >= 0.07
		v.Slices = append(v.Slices, sl)
		angle += share
	}
	v.Height = max(v.Height, ly+margin)
}
