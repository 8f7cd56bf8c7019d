package xlsx

import (
	"fmt"
	"io"
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

// chunked reads a part in pieces of 1 to 40 bytes, so that a window ends
// anywhere in a cell's tags.
type chunked struct {
	r   io.Reader
	rng *rand.Rand
}

func (c chunked) Read(p []byte) (int, error) {
	return c.r.Read(p[:min(len(p), 1+c.rng.Intn(40))])
}

// plainParts are the pieces random worksheets are made of: what plainCell
// reads and everything next to it that it must leave to the tags.
var plainParts = []string{
	`<v>12</v>`, `<v>3.25</v>`, `<v></v>`, `<v>0</v>`, `<v>1</v>`, `<v>9</v>`, `<v> 1 </v>`, `<v>a&amp;b</v>`, `<v>&bogus;</v>`, `<v>x&#13;y</v>`,
	"<v>一\r\n二</v>", `<v>4<!-- c -->2</v>`, `<v><![CDATA[<x>]]></v>`, `<v/>`, `<v >5</v>`, `<v>5</v >`, `<x:v>6</x:v>`, `<v>7</x:v>`, `<v>7</f>`,
	`<f>SUM(A1:B1)</f>`, `<f>A1&amp;"x"</f>`, `<f>&bogus;</f>`, `<f/>`, `<f t="shared" si="0"/>`, `<f t="shared" ref="A1:A2" si="0">B1</f>`, `<f></f>`,
	`<is><t>文本</t></is>`, `<is><t>a_x000D_b</t></is>`, `<x:f>1</x:f>`, ` `, "\n", `<!-- c -->`, `</c>`, `</c>`, `</c>`, `</x:c>`, `<v>`, `</v>`, `<f>`, `</f>`, `<`, `</c`, `</`,
}

var plainCellStarts = []string{`<c r="%s">`, `<c r="%s" t="s">`, `<c r="%s" t="str">`, `<c r="%s" s="2">`, `<c r="%s" t="inlineStr">`, `<c r="%s" t="e">`, `<c>`, `<c r="%s"/>`, `<x:c r="%s">`, `<c r="1%s">`}

// randomSheet is a worksheet of rows of random cells of plainParts.
func randomSheet(rng *rand.Rand) string {
	var b strings.Builder
	b.WriteString(ns + "<sheetData>")
	for row := 1; row <= 1+rng.Intn(6); row++ {
		fmt.Fprintf(&b, `<row r="%d">`, row)
		for col := 1; col <= rng.Intn(8); col++ {
			start := plainCellStarts[rng.Intn(len(plainCellStarts))]
			if strings.Contains(start, "%s") {
				start = fmt.Sprintf(start, CellName(col, row))
			}
			b.WriteString(start)
			if strings.HasSuffix(start, "/>") {
				continue
			}
			// mostly a well-formed cell, sometimes anything
			if rng.Intn(4) > 0 {
				switch rng.Intn(4) {
				case 0:
					b.WriteString(plainParts[rng.Intn(6)])
				case 1:
					b.WriteString(plainParts[19+rng.Intn(2)] + plainParts[rng.Intn(6)])
				case 2:
					b.WriteString(plainParts[19+rng.Intn(2)])
				}
				b.WriteString("</c>")
				continue
			}
			for n := rng.Intn(4); n >= 0; n-- {
				b.WriteString(plainParts[rng.Intn(len(plainParts))])
			}
		}
		b.WriteString("</row>")
	}
	b.WriteString("</sheetData></worksheet>")
	return b.String()
}

// plainCell reads what scanTags reads tag by tag: the same cells (values,
// formulas, skipped and ignored ones) and the same errors, on thousands of
// random worksheets, whole or arriving in pieces of any size.
func TestPlainCellsAsTags(t *testing.T) {
	sst := []string{"学校名称", "合计"}
	plainCells := 0
	scan := func(x string, plain bool, reg Region, rng *rand.Rand) ([]Cell, int, string) {
		c := &cellScan{sst: sst, sheet: "表", bounded: reg != Region{}, reg: reg}
		s := &scanner{data: []byte(x)}
		if rng != nil {
			s = &scanner{data: make([]byte, 0, 16), r: chunked{strings.NewReader(x), rng}}
		}
		s.tagsOnly = !plain
		err := c.scan(s)
		if !plain && s.plain != 0 {
			t.Fatalf("%d cells read as plain markup when every tag is to be read", s.plain)
		}
		plainCells += s.plain
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		return c.out, c.ignored, msg
	}
	rng := rand.New(rand.NewSource(1))
	plainRead, errs := 0, 0
	for i := 0; i < 20000; i++ {
		x := randomSheet(rng)
		reg := Region{}
		if i%3 == 0 {
			reg = Region{MaxRow: 4, MaxCol: 5}
		}
		want, wantIgnored, wantErr := scan(x, false, reg, nil)
		var r *rand.Rand
		if i%2 == 1 {
			r = rand.New(rand.NewSource(int64(i)))
		}
		got, ignored, err := scan(x, true, reg, r)
		if !reflect.DeepEqual(got, want) || ignored != wantIgnored || err != wantErr {
			t.Fatalf("%s\nplain %+v %d %q\ntags  %+v %d %q", x, got, ignored, err, want, wantIgnored, wantErr)
		}
		if wantErr != "" {
			errs++
		} else if len(want) > 0 {
			plainRead++
		}
	}
	if plainRead < 5000 || errs < 1000 {
		t.Errorf("%d worksheets read, %d refused: the cases do not cover both", plainRead, errs)
	}
	if plainCells < 20000 {
		t.Errorf("only %d cells were read as plain markup", plainCells)
	}
}

// plainStringParts are the pieces random shared-string tables are made of.
var plainStringParts = []string{
	`<t>学校名称</t>`, `<t></t>`, `<t>a&amp;b</t>`, `<t>&bogus;</t>`, "<t>一\r\n二</t>", `<t xml:space="preserve">  空格 </t>`, `<t xml:space="keep">x</t>`,
	`<t>a<!-- c -->b</t>`, `<t><![CDATA[<x>]]></t>`, `<t/>`, `<t >y</t>`, `<x:t>z</x:t>`, `<r><t>合</t></r><r><t>计</t></r>`, `<rPh sb="0" eb="1"><t>ごう</t></rPh>`,
	`<rPh>`, `</rPh>`, `</t>`, `<t>`, ` `, `</si>`, `<si>`, `<`, `</t></si`,
}

// randomStrings is a shared-strings part of random strings of
// plainStringParts, mostly plain ones.
func randomStrings(rng *rand.Rand) string {
	var b strings.Builder
	b.WriteString(`<sst xmlns="x">`)
	for n := rng.Intn(12); n >= 0; n-- {
		b.WriteString("<si>")
		if rng.Intn(3) > 0 {
			b.WriteString(plainStringParts[rng.Intn(6)] + "</si>")
			continue
		}
		for k := rng.Intn(4); k >= 0; k-- {
			b.WriteString(plainStringParts[rng.Intn(len(plainStringParts))])
		}
	}
	b.WriteString("</sst>")
	return b.String()
}

// scanStringsFrom reads plain strings as it reads their tags: the same
// strings and the same errors, whole or in pieces of any size.
func TestPlainStringsAsTags(t *testing.T) {
	plainStrings := 0
	scan := func(x string, plain bool, rng *rand.Rand) ([]string, string) {
		s := &scanner{data: []byte(x)}
		if rng != nil {
			s = &scanner{data: make([]byte, 0, 16), r: chunked{strings.NewReader(x), rng}}
		}
		s.tagsOnly = !plain
		out, err := scanStringsFrom(s)
		if !plain && s.plain != 0 {
			t.Fatalf("%d strings read as plain markup when every tag is to be read", s.plain)
		}
		plainStrings += s.plain
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		return out, msg
	}
	rng := rand.New(rand.NewSource(2))
	read, errs := 0, 0
	for i := 0; i < 20000; i++ {
		x := randomStrings(rng)
		want, wantErr := scan(x, false, nil)
		var r *rand.Rand
		if i%2 == 1 {
			r = rand.New(rand.NewSource(int64(i)))
		}
		got, err := scan(x, true, r)
		if !reflect.DeepEqual(got, want) || err != wantErr {
			t.Fatalf("%s\nplain %q %q\ntags  %q %q", x, got, err, want, wantErr)
		}
		if wantErr != "" {
			errs++
		} else if len(want) > 0 {
			read++
		}
	}
	if read < 5000 || errs < 1000 {
		t.Errorf("%d tables read, %d refused: the cases do not cover both", read, errs)
	}
	if plainStrings < 20000 {
		t.Errorf("only %d strings were read as plain markup", plainStrings)
	}
}
