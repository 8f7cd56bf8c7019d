package consolidate

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// chartPart is what a test reads of a chart part: its title, the ranges it
// draws from and the values it caches.
type chartPart struct {
	Title  string `xml:"chart>title>tx>rich>p>r>t"`
	Series []struct {
		Name struct {
			Ref string `xml:"strRef>f"`
		} `xml:"tx"`
		Cat struct {
			Ref   string   `xml:"strRef>f"`
			Texts []string `xml:"strRef>strCache>pt>v"`
		} `xml:"cat"`
		Val struct {
			Ref    string `xml:"numRef>f"`
			Points []struct {
				Idx int    `xml:"idx,attr"`
				V   string `xml:"v"`
			} `xml:"numRef>numCache>pt"`
		} `xml:"val"`
	} `xml:"chart>plotArea>barChart>ser"`
	PieSeries []struct{} `xml:"chart>plotArea>pieChart>ser"`
}

var rangeRef = regexp.MustCompile(`^'([^']+)'!\$([A-Z])\$(\d+)(?::\$([A-Z])\$(\d+))?$`)

// The 图表 sheet has a chart per chart of the spec, each drawn from ranges
// of the sheet that hold exactly the values and labels it caches.
// namedChart is a chart part of a workbook and its name in the zip.
type namedChart struct {
	Name string
	chartPart
}

// chartParts reads every chart of the workbook out, in the zip's order.
func chartParts(t *testing.T, out string) []namedChart {
	t.Helper()
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var charts []namedChart
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/charts/chart") {
			continue
		}
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		c := namedChart{Name: f.Name}
		if err := xml.Unmarshal(data, &c.chartPart); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		charts = append(charts, c)
	}
	return charts
}

func TestChartsReferenceTheirData(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 7, 10)
	out := filepath.Join(t.TempDir(), "汇总.xlsx")
	run(t, p, files(t, dir), Options{}, out)
	sheet := rows(t, out, SheetCharts)
	cell := func(col string, row int) string {
		c := int(col[0] - 'A')
		if row < 1 || row > len(sheet) || c >= len(sheet[row-1]) {
			return ""
		}
		return sheet[row-1][c]
	}
	charts := 0
	for _, c := range chartParts(t, out) {
		charts++
		if !strings.HasPrefix(c.Title, "图") {
			t.Errorf("%s: title %q is not a figure's", c.Name, c.Title)
		}
		if len(c.Series) == 0 && len(c.PieSeries) == 0 {
			t.Errorf("%s (%s): no series", c.Name, c.Title)
		}
		for _, s := range c.Series {
			m := rangeRef.FindStringSubmatch(s.Cat.Ref)
			if m == nil || m[1] != SheetCharts {
				t.Fatalf("%s: categories %q are not a range of %s", c.Title, s.Cat.Ref, SheetCharts)
			}
			from, _ := strconv.Atoi(m[3])
			for i, text := range s.Cat.Texts {
				if got := cell(m[2], from+i); got != text {
					t.Errorf("%s: category %d is %q in the chart, %q in the sheet", c.Title, i, text, got)
				}
			}
			v := rangeRef.FindStringSubmatch(s.Val.Ref)
			if v == nil {
				t.Fatalf("%s: values %q", c.Title, s.Val.Ref)
			}
			vfrom, _ := strconv.Atoi(v[3])
			for _, pt := range s.Val.Points {
				got := cell(v[2], vfrom+pt.Idx)
				if got == "" || !decimal.RequireFromString(got).Equal(decimal.RequireFromString(pt.V)) {
					t.Errorf("%s: value %d is %s in the chart, %q in the sheet", c.Title, pt.Idx, pt.V, got)
				}
			}
		}
	}
	if charts != len(p.Spec.Charts) {
		t.Errorf("%d chart parts, want %d", charts, len(p.Spec.Charts))
	}
}

// A declared pivot groups a list's rows of every school by its columns, in
// the drop-down's order, with the rows and sums of each group adding up to
// the 合计.
func TestDeclaredPivots(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 3, 10)
	out := filepath.Join(t.TempDir(), "汇总.xlsx")
	run(t, p, files(t, dir), Options{}, out)
	sh := p.Spec.Sheet("contests")
	if len(sh.Pivots) == 0 {
		t.Skip("the built-in report declares no pivot of 技能大赛")
	}
	pv := pivotsOf(sh)[1]
	got := rows(t, out, pv.name)
	if len(got) < 3 || got[0][0] != "赛事级别" || got[0][1] != "获奖等级" || got[0][3] != "行数" {
		t.Fatalf("%s: %v", pv.name, got)
	}
	levels := p.Spec.Enum(sh.Field("level").Enum).Values
	last := -1
	rowsSum, prizes := decimal.Zero, decimal.Zero
	for _, r := range got[1 : len(got)-1] {
		i := -1
		for j, l := range levels {
			if l == r[0] {
				i = j
			}
		}
		if i < last {
			t.Errorf("%s comes after a later level", r[0])
		}
		last = i
		rowsSum = rowsSum.Add(decimal.RequireFromString(r[3]))
		prizes = prizes.Add(decimal.RequireFromString(r[4]))
	}
	total := got[len(got)-1]
	if total[0] != "合计" || total[3] != rowsSum.String() || total[4] != prizes.String() {
		t.Errorf("合计 %v, want %s rows and %s prizes", total, rowsSum, prizes)
	}
	// the same rows as the list's details
	details := rows(t, out, detailName(sh))
	if n := len(details) - 1; rowsSum.IntPart() != int64(n) {
		t.Errorf("%s rows grouped, %d in %s", rowsSum, n, detailName(sh))
	}
}

// A ChartSink keeps the charts the workbook draws from the same files:
// the same titles, categories and values as the chart parts, and each
// value's text as the sheet shows the cell (excelize formats it).
func TestChartSinkKeepsTheWorkbooksCharts(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 7, 10)
	out := filepath.Join(t.TempDir(), "汇总.xlsx")
	run(t, p, files(t, dir), Options{}, out)
	sink := NewChartSink()
	if _, err := Run(context.Background(), p, files(t, dir), Options{Pipeline: pipeline(p)}, sink); err != nil {
		t.Fatal(err)
	}
	got := sink.Charts()
	parts := chartParts(t, out)
	if len(got) != len(p.Spec.Charts) || len(parts) != len(got) {
		t.Fatalf("%d charts kept, %d chart parts, %d in the spec", len(got), len(parts), len(p.Spec.Charts))
	}
	shown, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer shown.Close()
	for i, c := range got {
		part := parts[i]
		if c.Title != part.Title || c.Kind != p.Spec.Charts[i].Kind {
			t.Errorf("chart %d: %q (%s), the part's %q", i, c.Title, c.Kind, part.Title)
		}
		if len(part.Series) == 0 { // a pie: read through the sheet below
			continue
		}
		if len(c.Series) != len(part.Series) {
			t.Fatalf("%s: %d series, the part has %d", c.Title, len(c.Series), len(part.Series))
		}
		for j, s := range part.Series {
			if strings.Join(c.Categories, "|") != strings.Join(s.Cat.Texts, "|") {
				t.Errorf("%s: categories %v, the part's %v", c.Title, c.Categories, s.Cat.Texts)
			}
			v := rangeRef.FindStringSubmatch(s.Val.Ref)
			from, _ := strconv.Atoi(v[3])
			for _, pt := range s.Val.Points {
				kept := c.Series[j].Points[pt.Idx]
				if !kept.Value.Equal(decimal.RequireFromString(pt.V)) {
					t.Errorf("%s: value %d is %s, the part's %s", c.Title, pt.Idx, kept.Value, pt.V)
				}
				cell, _ := shown.GetCellValue(SheetCharts, v[2]+strconv.Itoa(from+pt.Idx))
				if kept.Text != cell {
					t.Errorf("%s: value %d shown %q, the sheet shows %q", c.Title, pt.Idx, kept.Text, cell)
				}
			}
		}
	}
}

func TestShowNumber(t *testing.T) {
	for _, c := range []struct{ value, format, want string }{
		{"1234567", "#,##0", "1,234,567"},
		{"999", "#,##0", "999"},
		{"1234.5", "#,##0", "1,235"},
		{"-1234.5", "#,##0.00", "-1,234.50"},
		{"17.25", "0.0", "17.3"},
		{"17.24", "0.0", "17.2"},
		{"-0.04", "0.0", "0.0"},
		{"18.94", `0.0":1"`, "18.9:1"},
		{"2026", "0", "2026"},
		{"12.5", "", "12.5"},
		{"-5", "+#,##0;-#,##0;#,##0", "-5"},
	} {
		if got := ShowNumber(decimal.RequireFromString(c.value), c.format); got != c.want {
			t.Errorf("ShowNumber(%s, %q) = %q, want %q", c.value, c.format, got, c.want)
		}
	}
}

// pagesOf reads how a sheet of the workbook at out is printed: its manual
// page breaks (rows after which a page ends) and the rows (from 1) each of
// its charts covers.
func pagesOf(t *testing.T, out, sheet string) (breaks []int, charts [][2]int) {
	t.Helper()
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	read := func(name string) []byte {
		f, err := zr.Open(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer f.Close()
		data, _ := io.ReadAll(f)
		return data
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
		} `xml:"sheets>sheet"`
	}
	xml.Unmarshal(read("xl/workbook.xml"), &wb)
	n := slices.IndexFunc(wb.Sheets, func(s struct {
		Name string `xml:"name,attr"`
	}) bool {
		return s.Name == sheet
	}) + 1
	if n == 0 {
		t.Fatalf("no sheet %s", sheet)
	}
	var brks struct {
		Brk []struct {
			ID int `xml:"id,attr"`
		} `xml:"rowBreaks>brk"`
	}
	part := read(fmt.Sprintf("xl/worksheets/sheet%d.xml", n))
	xml.Unmarshal(part, &brks)
	for _, b := range brks.Brk {
		breaks = append(breaks, b.ID)
	}
	if !bytes.Contains(part, []byte("<drawing ")) {
		return breaks, nil
	}
	var rels struct {
		Rel []struct {
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	xml.Unmarshal(read(fmt.Sprintf("xl/worksheets/_rels/sheet%d.xml.rels", n)), &rels)
	var drawing struct {
		Anchors []struct {
			From int `xml:"from>row"`
			To   int `xml:"to>row"`
		} `xml:"twoCellAnchor"`
	}
	xml.Unmarshal(read("xl/"+strings.TrimPrefix(rels.Rel[0].Target, "../")), &drawing)
	for _, a := range drawing.Anchors {
		charts = append(charts, [2]int{a.From + 1, a.To + 1})
	}
	return breaks, charts
}

// checkPages fails when a printed page of the sheet ends within a chart
// that would fit on a page: pages end at the sheet's manual breaks, or
// when full (perPage rows below one repeated header row).
func checkPages(t *testing.T, out, sheet string, perPage int) {
	t.Helper()
	breaks, charts := pagesOf(t, out, sheet)
	if len(charts) == 0 {
		t.Fatalf("%s: no charts", sheet)
	}
	var ends []int
	for end := 1; end < charts[len(charts)-1][1]; {
		next := end + perPage
		if i := slices.IndexFunc(breaks, func(b int) bool { return b > end }); i >= 0 && breaks[i] < next {
			next = breaks[i]
		}
		ends = append(ends, next)
		end = next
	}
	for _, c := range charts {
		for _, e := range ends {
			if c[0] <= e && e < c[1] && c[1]-c[0] < perPage {
				t.Errorf("%s: the page ending after row %d cuts the chart over rows %d–%d (page ends %v)", sheet, e, c[0], c[1], ends)
			}
		}
	}
}

// A printed chart is never cut in two: 图表 ends a page before a chart
// (with its data) that does not fit on what is left of it.
func TestChartsNeverCutByAPage(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 9, 12)
	out := filepath.Join(t.TempDir(), "汇总.xlsx")
	run(t, p, files(t, dir), Options{}, out)
	breaks, _ := pagesOf(t, out, SheetCharts)
	if len(breaks) == 0 {
		t.Fatal("图表 has no page breaks")
	}
	checkPages(t, out, SheetCharts, 46)
}

func TestPageBreaks(t *testing.T) {
	for _, c := range []struct {
		header, lead int
		blocks       []int
		perPage      int
		want         []int
	}{
		{1, 0, []int{20, 20, 20}, 46, []int{41}},          // two fit, the third starts a page
		{1, 14, []int{17, 17, 17, 17}, 46, []int{32, 66}}, // 历年: table and one chart, then two
		{1, 0, []int{60, 10}, 46, nil},                    // taller than a page: runs on; the next fits after it
		{1, 0, []int{60, 40}, 46, []int{61}},              // …or starts a page
		{1, 0, []int{10, 10}, 46, nil},                    // all on one page
		{1, 46, []int{10}, 46, nil},                       // the lead fills a page exactly: the page ends by itself
		{2, 5, []int{41, 1}, 46, nil},                     // exactly full: the page ends by itself
	} {
		if got := pageBreaks(c.header, c.lead, c.blocks, c.perPage); !slices.Equal(got, c.want) {
			t.Errorf("pageBreaks(%d, %d, %v, %d) = %v, want %v", c.header, c.lead, c.blocks, c.perPage, got, c.want)
		}
	}
}
