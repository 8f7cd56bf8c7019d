package serve

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// svgChart is what a test reads of a chart's SVG.
type svgChart struct {
	XMLName   xml.Name `xml:"svg"`
	Role      string   `xml:"role,attr"`
	AriaLabel string   `xml:"aria-label,attr"`
	Title     string   `xml:"title"`
	Texts     []svgText
	Rects     []struct {
		Class    string `xml:"class,attr"`
		Series   string `xml:"data-series,attr"`
		Category string `xml:"data-category,attr"`
		Value    string `xml:"data-value,attr"`
	} `xml:"rect"`
	Paths []struct {
		Class    string `xml:"class,attr"`
		Category string `xml:"data-category,attr"`
		Value    string `xml:"data-value,attr"`
	} `xml:"path"`
	Scripts []struct{} `xml:"script"`
	Any     []struct {
		XMLName xml.Name
	} `xml:",any"`
}

type svgText struct {
	Class string   `xml:"class,attr"`
	Text  string   `xml:",chardata"`
	Spans []string `xml:"tspan"`
}

// text is the text's words: its own, else its lines joined.
func (t svgText) text() string {
	if len(t.Spans) > 0 {
		return strings.Join(t.Spans, "")
	}
	return strings.TrimSpace(t.Text)
}

func (c svgChart) texts(class string) []string {
	var out []string
	for _, t := range c.Texts {
		if t.Class == class {
			out = append(out, t.text())
		}
	}
	return out
}

func (c svgChart) bars() (cats, series, values []string) {
	for _, r := range c.Rects {
		if r.Class == "bar" {
			cats, series, values = append(cats, r.Category), append(series, r.Series), append(values, r.Value)
		}
	}
	for _, p := range c.Paths {
		if p.Class == "slice" {
			cats, series, values = append(cats, p.Category), append(series, ""), append(values, p.Value)
		}
	}
	return
}

var svgRE = regexp.MustCompile(`(?s)<svg .*?</svg>`)

// pageCharts parses every SVG of a page.
func pageCharts(t *testing.T, page string) []svgChart {
	t.Helper()
	var out []svgChart
	for _, s := range svgRE.FindAllString(page, -1) {
		var c svgChart
		if err := xml.Unmarshal([]byte(s), &c); err != nil {
			t.Fatalf("an SVG of the page is not XML: %v\n%s", err, s)
		}
		// the texts are direct children of <svg>
		dec := xml.NewDecoder(strings.NewReader(s))
		depth := 0
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			switch x := tok.(type) {
			case xml.StartElement:
				depth++
				if depth == 2 && x.Name.Local == "text" {
					var tx svgText
					if err := dec.DecodeElement(&tx, &x); err != nil {
						t.Fatal(err)
					}
					for _, a := range x.Attr {
						if a.Name.Local == "class" {
							tx.Class = a.Value
						}
					}
					c.Texts = append(c.Texts, tx)
					depth--
				}
			case xml.EndElement:
				depth--
			}
		}
		out = append(out, c)
	}
	return out
}

// partChart is what a test reads of a chart part of 汇总.xlsx: bars or a pie.
type partChart struct {
	Title string       `xml:"chart>title>tx>rich>p>r>t"`
	Bars  []partSeries `xml:"chart>plotArea>barChart>ser"`
	Pie   []partSeries `xml:"chart>plotArea>pieChart>ser"`
}

type partSeries struct {
	Name string   `xml:"tx>strRef>strCache>pt>v"`
	Cats []string `xml:"cat>strRef>strCache>pt>v"`
	Ref  string   `xml:"val>numRef>f"`
	Pts  []struct {
		Idx int    `xml:"idx,attr"`
		V   string `xml:"v"`
	} `xml:"val>numRef>numCache>pt"`
}

// regionChartParts are the chart parts of a workbook, in their order.
func regionChartParts(t *testing.T, data []byte) []partChart {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "xl/charts/chart") {
			names = append(names, f.Name)
			files[f.Name] = f
		}
	}
	num := func(s string) int {
		n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(s, "xl/charts/chart"), ".xml"))
		return n
	}
	sort.Slice(names, func(i, j int) bool { return num(names[i]) < num(names[j]) })
	var out []partChart
	for _, n := range names {
		rc, _ := files[n].Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		var c partChart
		if err := xml.Unmarshal(b, &c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// TestChartsEqualRegion: the charts page draws every chart of the spec,
// each bar (or slice) with the value of 汇总.xlsx's chart part and printed
// as its 图表 sheet shows it (the spec's decimals); each chart downloads as
// an .svg with the same values.
func TestChartsEqualRegion(t *testing.T) {
	e := newEnv(t, 3, nil)
	e.submit(0, 0)
	e.submit(1, 2)
	e.submit(2, 0)
	b := e.client()
	e.login(b)
	code, _, page := e.getBytes(b, "/bureau/charts/")
	if code != 200 {
		t.Fatalf("charts page: %d", code)
	}
	charts := pageCharts(t, string(page))
	code, _, region := e.getBytes(b, "/bureau/region.xlsx")
	if code != 200 {
		t.Fatalf("region: %d", code)
	}
	parts := regionChartParts(t, region)
	if len(charts) != len(e.prog.Spec.Charts) || len(parts) != len(charts) {
		t.Fatalf("%d charts on the page, %d in 汇总.xlsx, %d in the spec", len(charts), len(parts), len(e.prog.Spec.Charts))
	}
	xl, err := excelize.OpenReader(bytes.NewReader(region))
	if err != nil {
		t.Fatal(err)
	}
	defer xl.Close()
	refRE := regexp.MustCompile(`^'[^']+'!\$([A-Z])\$(\d+)`)
	for i, c := range charts {
		part := parts[i]
		if c.Title != part.Title || c.AriaLabel != part.Title || c.Role != "img" {
			t.Errorf("chart %d: title %q, aria-label %q, role %q; 汇总's %q", i+1, c.Title, c.AriaLabel, c.Role, part.Title)
		}
		if len(c.texts("title")) != 1 || c.texts("title")[0] != part.Title {
			t.Errorf("chart %d: the title drawn is %v", i+1, c.texts("title"))
		}
		// what 汇总 has, in the SVG's order: series by series for a pie,
		// category by category for bars
		var wantCats, wantSeries, wantValues, wantTexts []string
		series := append(part.Bars, part.Pie...)
		if len(series) == 0 {
			t.Fatalf("chart %d (%s): no series in 汇总.xlsx", i+1, part.Title)
		}
		for k := range series[0].Cats {
			for _, s := range series {
				m := refRE.FindStringSubmatch(s.Ref)
				for _, p := range s.Pts {
					if p.Idx != k {
						continue
					}
					wantCats = append(wantCats, s.Cats[k])
					if len(part.Bars) > 0 {
						wantSeries = append(wantSeries, s.Name)
					} else {
						wantSeries = append(wantSeries, "")
					}
					wantValues = append(wantValues, p.V)
					row, _ := strconv.Atoi(m[2])
					shown, _ := xl.GetCellValue("图表", m[1]+strconv.Itoa(row+k))
					wantTexts = append(wantTexts, shown)
				}
			}
		}
		cats, ser, vals := c.bars()
		if strings.Join(cats, "|") != strings.Join(wantCats, "|") || strings.Join(ser, "|") != strings.Join(wantSeries, "|") {
			t.Errorf("%s: bars of %v / %v, 汇总 has %v / %v", part.Title, cats, ser, wantCats, wantSeries)
		}
		if len(vals) != len(wantValues) {
			t.Fatalf("%s: %d values drawn, 汇总 has %d", part.Title, len(vals), len(wantValues))
		}
		for k := range vals {
			if !decimal.RequireFromString(vals[k]).Equal(decimal.RequireFromString(wantValues[k])) {
				t.Errorf("%s: %s is %s in the SVG, %s in 汇总", part.Title, wantCats[k], vals[k], wantValues[k])
			}
		}
		if len(part.Bars) > 0 {
			if got := c.texts("value"); strings.Join(got, "|") != strings.Join(wantTexts, "|") {
				t.Errorf("%s: values printed %v, 汇总's 图表 shows %v", part.Title, got, wantTexts)
			}
			if got := c.texts("category"); len(got) != len(series[0].Cats) {
				t.Errorf("%s: category labels %v, want %v", part.Title, got, series[0].Cats)
			}
			// the value axis starts at 0 (no value is below it here)
			if ticks := c.texts("tick"); len(ticks) == 0 || ticks[0] != "0" {
				t.Errorf("%s: the value axis starts at %v", part.Title, ticks)
			}
		} else {
			for k, legend := range c.texts("legend") {
				if !strings.HasPrefix(legend, wantCats[k]+"："+wantTexts[k]+"（") {
					t.Errorf("%s: legend %q, want %s：%s", part.Title, legend, wantCats[k], wantTexts[k])
				}
			}
		}
		// the same chart as a file
		code, h, svg := e.getBytes(b, "/bureau/charts/"+strconv.Itoa(i+1)+".svg")
		if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "image/svg+xml") || !strings.Contains(h.Get("Content-Disposition"), ".svg") {
			t.Fatalf("chart %d as .svg: %d %v", i+1, code, h)
		}
		file := pageCharts(t, string(svg))
		if len(file) != 1 {
			t.Fatalf("chart %d as .svg: %d charts", i+1, len(file))
		}
		if fc, fs, fv := file[0].bars(); strings.Join(fv, "|") != strings.Join(vals, "|") || strings.Join(fc, "|") != strings.Join(cats, "|") || strings.Join(fs, "|") != strings.Join(ser, "|") {
			t.Errorf("chart %d: the .svg draws %v, the page %v", i+1, fv, vals)
		}
	}
	// a chart that is not there: a page saying so
	for _, bad := range []string{"0.svg", "99.svg", "x.svg", "1.png"} {
		code, _, body := e.getBytes(b, "/bureau/charts/"+bad)
		if code != http.StatusNotFound || !strings.Contains(string(body), "没有这幅图") {
			t.Errorf("/bureau/charts/%s: %d", bad, code)
		}
	}
	// only for the bureau
	if code, _, _ := e.getBytes(e.client(), "/bureau/charts/1.svg"); code != http.StatusSeeOther {
		t.Errorf("a chart without a login: %d", code)
	}
}

// TestChartsEscapeLabels: a school named to inject markup is drawn as
// text; nothing of its name becomes an element or an attribute.
func TestChartsEscapeLabels(t *testing.T) {
	e := newEnv(t, 1, nil)
	ctx := context.Background()
	hostile := `<script>alert("x")</script><a href='javascript:1'>&amp;</a>]]>`
	sc, err := sample.Generate(e.prog, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	sh, f := e.prog.Spec.Role("school_name")
	sc.Book.Set(sh.Key, report.Key{Field: f.Key}, report.Str(hostile))
	var wb bytes.Buffer
	if err := workbook.WriteFilled(e.prog, sc.Book, &wb, workbook.FillOptions{TemplateOptions: workbook.TemplateOptions{Generator: "test"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.PutSchools(ctx, []School{{Code: sc.Code, Name: hostile, Year: sample.SchoolYear, Fields: e.fields(sc)}}); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	tok := e.tokens[sc.Code]
	_, _, csrf := e.get(c, "/s/"+tok+"/")
	if resp, body := e.upload(c, tok, csrf, "a.xlsx", wb.Bytes()); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	b := e.client()
	e.login(b)
	_, _, page := e.getBytes(b, "/bureau/charts/")
	if bytes.Contains(page, []byte("<script")) || bytes.Contains(page, []byte("<a href='javascript")) {
		t.Fatalf("the school's name is markup in the page")
	}
	found := false
	for _, ch := range pageCharts(t, string(page)) {
		if len(ch.Scripts) > 0 {
			t.Errorf("%s: a <script> element", ch.Title)
		}
		for _, el := range ch.Any {
			switch el.XMLName.Local {
			case "title", "desc", "rect", "text", "line", "path":
			default:
				t.Errorf("%s: an element <%s>", ch.Title, el.XMLName.Local)
			}
		}
		cats, _, _ := ch.bars()
		for i, cat := range cats {
			if cat == hostile {
				found = true
				if labels := ch.texts("category"); i >= len(labels) || !strings.Contains(strings.Join(labels, ""), "<script>") {
					t.Errorf("%s: the name is not drawn as text: %v", ch.Title, labels)
				}
			}
		}
	}
	if !found {
		t.Fatal("no chart draws the school by its name")
	}
	_, _, svg := e.getBytes(b, "/bureau/charts/4.svg")
	if bytes.Contains(svg, []byte("<script")) {
		t.Error("the school's name is markup in the .svg")
	}
}

// TestChartsWithoutSubmissions: before any school submits, the page says
// so; a chart's file is a picture saying there is no data.
func TestChartsWithoutSubmissions(t *testing.T) {
	e := newEnv(t, 2, nil)
	b := e.client()
	e.login(b)
	code, _, page := e.getBytes(b, "/bureau/charts/")
	if code != 200 || !bytes.Contains(page, []byte(`id="no-charts"`)) || !bytes.Contains(page, []byte("暂无图表")) {
		t.Fatalf("charts page without submissions: %d\n%s", code, page)
	}
	if n := len(svgRE.FindAll(page, -1)); n != 0 {
		t.Errorf("%d charts drawn without data", n)
	}
	code, _, svg := e.getBytes(b, "/bureau/charts/1.svg")
	charts := pageCharts(t, string(svg))
	if code != 200 || len(charts) != 1 || len(charts[0].texts("empty")) != 1 {
		t.Fatalf("a chart without data as .svg: %d\n%s", code, svg)
	}
	if cats, _, _ := charts[0].bars(); len(cats) != 0 {
		t.Errorf("bars without data: %v", cats)
	}
}

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		whole  bool
		want   string
	}{
		{0, 1, true, "[0 1]"},
		{0, 3, true, "[0 1 2 3]"},
		{0, 1, false, "[0 0.2 0.4 0.6 0.8 1]"},
		{0, 26.67, false, "[0 10 20 30]"},
		{0, 362, true, "[0 100 200 300 400]"},
		{-40, 90, true, "[-50 0 50 100]"},
	} {
		if got := fmt.Sprint(niceTicks(c.lo, c.hi, c.whole)); got != c.want {
			t.Errorf("niceTicks(%v, %v, %v) = %s, want %s", c.lo, c.hi, c.whole, got, c.want)
		}
	}
}
