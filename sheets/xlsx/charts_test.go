package xlsx

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func wellFormed(t *testing.T, what, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v\n%s", what, err, s)
		}
	}
}

// Chart parts are well-formed, reference their ranges and cache their values.
func TestChartParts(t *testing.T) {
	d := decimal.RequireFromString
	c := Chart{Title: "图1 在校生 & 招生 <人>", Kind: "bar", NumFmt: "#,##0",
		Categories: Range{Ref: ChartRef("图'表", 1, 3, 4), Texts: []string{"在校生", "招生"}},
		Series: []Series{{Name: Range{Ref: ChartRef("图'表", 2, 2, 2), Texts: []string{"本学年"}},
			Values: Range{Ref: ChartRef("图'表", 2, 3, 4), Values: []decimal.Decimal{d("17699"), d("0")}, Empty: []bool{false, true}}}}}
	x := ChartXML(c)
	wellFormed(t, "chart", x)
	for _, want := range []string{
		`<c:f>'图''表'!$A$3:$A$4</c:f>`, `<c:f>'图''表'!$B$2</c:f>`,
		`<c:pt idx="0"><c:v>17699</c:v></c:pt>`, `图1 在校生 &amp; 招生 &lt;人&gt;`, `<c:barDir val="col"/>`,
	} {
		if !strings.Contains(x, want) {
			t.Errorf("chart lacks %s", want)
		}
	}
	if strings.Contains(x, `<c:pt idx="1"><c:v>0</c:v>`) {
		t.Error("an empty value is cached as 0")
	}
	c.Kind = "pie"
	wellFormed(t, "pie", ChartXML(c))
	dr := DrawingXML([]Chart{c, c})
	wellFormed(t, "drawing", dr)
	if !strings.Contains(dr, `r:id="rId2"`) {
		t.Error("the second chart is not reached")
	}
	rels := DrawingRels(3, 2)
	wellFormed(t, "rels", rels)
	if !strings.Contains(rels, `Target="../charts/chart4.xml"`) {
		t.Errorf("rels: %s", rels)
	}
}
