package xlsx

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Chart is a native chart of a sheet (an Excel/WPS/LibreOffice chart part,
// editable there), drawn from ranges of a sheet of the same workbook. Each
// series keeps a cache of its values, so a viewer that does not recalculate
// still shows the bars.
type Chart struct {
	Title string // e.g. "图1 在校生、招生、毕业生人数"
	Kind  string // "bar" (columns), "barh" (horizontal bars) or "pie"
	// Categories are the labels: a range such as '图表'!$A$3:$A$5, with the
	// texts it holds.
	Categories Range
	Series     []Series
	// From and To are the cells the chart covers (0-based column and row of
	// the top-left and bottom-right corner).
	FromCol, FromRow, ToCol, ToRow int
	// NumFmt formats the value axis (e.g. #,##0).
	NumFmt string
}

// Series is one set of values of a chart.
type Series struct {
	Name   Range // one cell holding the series' name, e.g. 上学年
	Values Range
}

// Range is a reference and what it holds.
type Range struct {
	Ref    string
	Texts  []string          // for names and categories
	Values []decimal.Decimal // for values (a nil entry is an empty cell: use Empty)
	Empty  []bool
	// Formats are the number formats of the values' cells (as the sheet
	// shows them), for a reader of the chart that prints the values.
	Formats []string
}

// ChartRef renders an absolute reference to cells of a sheet, e.g.
// '图表'!$B$3:$B$5 for col 2, rows 3 to 5.
func ChartRef(sheet string, col, fromRow, toRow int) string {
	c := strings.TrimRight(CellName(col, 1), "0123456789")
	ref := fmt.Sprintf("'%s'!$%s$%d", strings.ReplaceAll(sheet, "'", "''"), c, fromRow)
	if toRow != fromRow {
		ref += fmt.Sprintf(":$%s$%d", c, toRow)
	}
	return ref
}

const (
	nsChart   = "http://schemas.openxmlformats.org/drawingml/2006/chart"
	nsDrawing = "http://schemas.openxmlformats.org/drawingml/2006/main"
	nsSheetDr = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"

	// ContentTypeChart and ContentTypeDrawing are the parts' content types.
	ContentTypeChart   = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
	ContentTypeDrawing = "application/vnd.openxmlformats-officedocument.drawing+xml"
	// RelChart and RelDrawing are the relationship types that reach them.
	RelChart   = nsRel + "/chart"
	RelDrawing = nsRel + "/drawing"
)

// palette colours the series (Office's default theme, printed apart in grey).
var palette = []string{"4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47", "264478", "9E480E"}

// ChartXML is the chart part of c.
func ChartXML(c Chart) string {
	var b strings.Builder
	b.WriteString(xmlHeader)
	fmt.Fprintf(&b, `<c:chartSpace xmlns:c="%s" xmlns:a="%s" xmlns:r="%s"><c:roundedCorners val="0"/><c:chart>`, nsChart, nsDrawing, nsRel)
	fmt.Fprintf(&b, `<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr sz="1200" b="1"/></a:pPr><a:r><a:rPr lang="zh-CN" sz="1200" b="1"/><a:t>%s</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>`, escape(c.Title))
	b.WriteString(`<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>`)
	pie := c.Kind == "pie"
	if pie {
		b.WriteString(`<c:pieChart><c:varyColors val="1"/>`)
	} else {
		dir := "col"
		if c.Kind == "barh" {
			dir = "bar"
		}
		fmt.Fprintf(&b, `<c:barChart><c:barDir val="%s"/><c:grouping val="clustered"/><c:varyColors val="0"/>`, dir)
	}
	for i, s := range c.Series {
		fmt.Fprintf(&b, `<c:ser><c:idx val="%d"/><c:order val="%d"/>`, i, i)
		b.WriteString(`<c:tx>`)
		strRef(&b, s.Name)
		b.WriteString(`</c:tx>`)
		if !pie {
			fmt.Fprintf(&b, `<c:spPr><a:solidFill><a:srgbClr val="%s"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>`, palette[i%len(palette)])
		} else {
			for j := range c.Categories.Texts {
				fmt.Fprintf(&b, `<c:dPt><c:idx val="%d"/><c:bubble3D val="0"/><c:spPr><a:solidFill><a:srgbClr val="%s"/></a:solidFill></c:spPr></c:dPt>`, j, palette[j%len(palette)])
			}
		}
		b.WriteString(`<c:dLbls><c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/>`)
		if pie {
			b.WriteString(`<c:showPercent val="1"/>`)
		} else {
			b.WriteString(`<c:showPercent val="0"/>`)
		}
		b.WriteString(`<c:showBubbleSize val="0"/></c:dLbls>`)
		b.WriteString(`<c:cat>`)
		strRef(&b, c.Categories)
		b.WriteString(`</c:cat><c:val>`)
		numRef(&b, s.Values, c.NumFmt)
		b.WriteString(`</c:val></c:ser>`)
	}
	if pie {
		b.WriteString(`<c:firstSliceAng val="0"/></c:pieChart>`)
	} else {
		catPos, valPos := "b", "l"
		if c.Kind == "barh" {
			catPos, valPos = "l", "b"
		}
		numFmt := c.NumFmt
		if numFmt == "" {
			numFmt = "General"
		}
		b.WriteString(`<c:gapWidth val="80"/><c:axId val="500000001"/><c:axId val="500000002"/></c:barChart>`)
		// horizontal bars list their categories from the top, as the table does
		orient := "minMax"
		if c.Kind == "barh" {
			orient = "maxMin"
		}
		fmt.Fprintf(&b, `<c:catAx><c:axId val="500000001"/><c:scaling><c:orientation val="%s"/></c:scaling><c:delete val="0"/><c:axPos val="%s"/><c:numFmt formatCode="General" sourceLinked="0"/><c:tickLblPos val="nextTo"/><c:crossAx val="500000002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>`, orient, catPos)
		// bars start at 0 unless a value is below it: an axis from 13.5 makes
		// 17.0 against 14.9 look like a fall by two thirds
		zero := `<c:min val="0"/>`
		for _, s := range c.Series {
			for _, v := range s.Values.Values {
				if v.IsNegative() {
					zero = ""
				}
			}
		}
		fmt.Fprintf(&b, `<c:valAx><c:axId val="500000002"/><c:scaling><c:orientation val="minMax"/>`+zero+`</c:scaling><c:delete val="0"/><c:axPos val="%s"/><c:majorGridlines/><c:numFmt formatCode="%s" sourceLinked="0"/><c:tickLblPos val="nextTo"/><c:crossAx val="500000001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>`, valPos, escape(numFmt))
	}
	b.WriteString(`</c:plotArea><c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>`)
	b.WriteString(`<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="900"/></a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr></c:chartSpace>`)
	return b.String()
}

func strRef(b *strings.Builder, r Range) {
	fmt.Fprintf(b, `<c:strRef><c:f>%s</c:f><c:strCache><c:ptCount val="%d"/>`, escape(r.Ref), len(r.Texts))
	for i, t := range r.Texts {
		fmt.Fprintf(b, `<c:pt idx="%d"><c:v>%s</c:v></c:pt>`, i, escape(t))
	}
	b.WriteString(`</c:strCache></c:strRef>`)
}

func numRef(b *strings.Builder, r Range, format string) {
	if format == "" {
		format = "General"
	}
	fmt.Fprintf(b, `<c:numRef><c:f>%s</c:f><c:numCache><c:formatCode>%s</c:formatCode><c:ptCount val="%d"/>`, escape(r.Ref), escape(format), len(r.Values))
	for i, v := range r.Values {
		if i < len(r.Empty) && r.Empty[i] {
			continue
		}
		fmt.Fprintf(b, `<c:pt idx="%d"><c:v>%s</c:v></c:pt>`, i, v.String())
	}
	b.WriteString(`</c:numCache></c:numRef>`)
}

// DrawingXML is the drawing part of a sheet holding charts; chart i is
// reached through relationship rId(i+1) of the drawing.
func DrawingXML(charts []Chart) string {
	var b strings.Builder
	b.WriteString(xmlHeader)
	fmt.Fprintf(&b, `<xdr:wsDr xmlns:xdr="%s" xmlns:a="%s">`, nsSheetDr, nsDrawing)
	for i, c := range charts {
		fmt.Fprintf(&b, `<xdr:twoCellAnchor editAs="oneCell"><xdr:from><xdr:col>%d</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>%d</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>%d</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>%d</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>`, c.FromCol, c.FromRow, c.ToCol, c.ToRow)
		fmt.Fprintf(&b, `<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="%d" name="%s"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>`, i+2, escape(c.Title))
		fmt.Fprintf(&b, `<a:graphic><a:graphicData uri="%s"><c:chart xmlns:c="%s" xmlns:r="%s" r:id="rId%d"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>`, nsChart, nsChart, nsRel, i+1)
	}
	b.WriteString(`</xdr:wsDr>`)
	return b.String()
}

// DrawingRels are the relationships of a drawing to its charts, numbered
// from first (chart parts xl/charts/chartN.xml).
func DrawingRels(first, count int) string {
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString(`<Relationships xmlns="` + nsPkgRel + `">`)
	for i := 0; i < count; i++ {
		fmt.Fprintf(&b, `<Relationship Id="rId%d" Type="%s" Target="../charts/chart%d.xml"/>`, i+1, RelChart, first+i)
	}
	b.WriteString(`</Relationships>`)
	return b.String()
}
