package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"path"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// adder writes a test workbook's parts into zw.
func adder(t testing.TB, zw *zip.Writer) func(name, body string) {
	return func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
}

// book makes a workbook of one worksheet with the given XML and shared strings.
func book(t testing.TB, sheetXML string, sst []string) *Book {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := adder(t, zw)
	add("_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	add("xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)
	s := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
	for _, x := range sst {
		s += "<si><t>" + x + "</t></si>"
	}
	add("xl/sharedStrings.xml", s+"</sst>")
	add("xl/worksheets/sheet1.xml", sheetXML)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const ns = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`

var sheetCases = map[string]string{
	"plain":         ns + `<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>1883</v></c><c r="C1" s="3"><f>SUM(A1:B1)</f><v>5</v></c></row></sheetData></worksheet>`,
	"no refs":       ns + `<sheetData><row><c><v>1</v></c><c><v>2</v></c></row><row><c t="str"><f>A1&amp;"x"</f><v>1x</v></c></row></sheetData></worksheet>`,
	"inline rich":   ns + `<sheetData><row r="2"><c r="B2" t="inlineStr"><is><r><t>学校</t></r><r><rPr><b/></rPr><t xml:space="preserve"> 名称 </t></r><rPh sb="0" eb="1"><t>がっこう</t></rPh></is></c></row></sheetData></worksheet>`,
	"entities":      ns + `<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a&lt;b&gt;c&amp;d&quot;e&apos;f&#20320;&#x597D;</t></is></c><c r="A2" t="str"><v>x&#13;&#10;y</v></c></row></sheetData></worksheet>`,
	"cdata comment": ns + `<!-- a comment --><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[<not a tag> & stays]]> after</t></is></c><c r="B1"><v>4<!-- inside -->2</v></c></row></sheetData></worksheet>`,
	// attribute values as encoding/xml gives them (character references
	// decoded) and number attributes as openpyxl reads them (spaces around
	// ignored): s="&#54;" is a date's style, not the default
	"attribute references": ns + `<sheetData><row r="&#51;"><c r="&#65;3" s="&#54;" t="&#115;"><v>0</v></c><c r="B3" s=" 6 "><v>362</v></c></row><row r=" 5 "><c r="A5" s="&#49;8"><v>0.9463</v></c></row></sheetData></worksheet>`,
	// a cell's attributes have no prefix: y:r is another vocabulary's
	"prefixed attribute": ns + `<sheetData><row r="4"><c y:r="D9" xmlns:y="urn:foo" r="D4" y:t="s"><v>362</v></c></row></sheetData></worksheet>`,
	"prefixed":           `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="3"><x:c r="D3" t="s"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
	"shared formula":     ns + `<sheetData><row r="1"><c r="A1"><f t="shared" ref="A1:A2" si="0">B1*2</f><v>2</v></c></row><row r="2"><c r="A2"><f t="shared" si="0"/><v>4</v></c><c r="B2" s="1"/><c r="C2"><v/></c></row></sheetData></worksheet>`,
	"line ends":          ns + "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>一\r\n二\r三</t></is></c></row></sheetData></worksheet>",
	"quotes in attr":     ns + `<sheetData><row r='1' spans="1:3"><c r='A1' s='2' t='n' x="a>b"><v>7.25</v></c></row></sheetData></worksheet>`,
	"empty":              ns + `<sheetData/></worksheet>`,
	// a value set twice, a shared string's number as Atoi reads it, a cell
	// left open: the scanner keeps each value once, however it came
	"repeated values": ns + `<sheetData><row r="1"><c r="A1"><v>1</v><v>22</v></c><c r="B1" t="inlineStr"><v>9</v><is><t>文本</t></is></c>` +
		`<c r="C1" t="str"><is><t>x</t></is><v>y</v></c><c r="D1"><v>5</v><v></v></c><c r="E1" t="s"><v>0</v><v>1</v></c></row></sheetData></worksheet>`,
	"shared numbers": ns + `<sheetData><row r="1"><c r="A1" t="s"><v> 1 </v></c><c r="B1" t="s"><v>+0</v></c><c r="C1" t="s"><v>0001</v></c>` +
		`<c r="D1" t="s"><is><t>1</t></is></c><c r="E1" t="s"><f>X</f><v>0</v></c></row></sheetData></worksheet>`,
	"cell left open": ns + `<sheetData><row r="1"><c r="A1"><v>12</v><c r="B1"><v>3</v></c><c r="C1"><v>456</v></c><c r="D1" t="str"><f>A1</f><v></v></c></row></sheetData></worksheet>`,
}

// scanCells reads what encoding/xml reads, on every case.
func TestScanCellsAsXML(t *testing.T) {
	for name, x := range sheetCases {
		t.Run(name, func(t *testing.T) {
			b := book(t, x, []string{"学校名称", "合计"})
			want, err := cellsXML(b, 0)
			if err != nil {
				t.Fatalf("reference: %v", err)
			}
			got, err := b.Cells(0)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("scanner %+v\nxml     %+v", got, want)
			}
			if name != "empty" && len(got) == 0 {
				t.Error("no cells read")
			}
		})
	}
	for name, x := range map[string]string{
		"unterminated tag": ns + `<sheetData><row r="1"><c r="A1"`,
		"bad entity":       ns + `<sheetData><row r="1"><c r="A1" t="str"><v>&bogus;</v></c></row></sheetData></worksheet>`,
		"bad reference":    ns + `<sheetData><row r="1"><c r="1A"><v>1</v></c></row></sheetData></worksheet>`,
		"bad shared index": ns + `<sheetData><row r="1"><c r="A1" t="s"><v>9</v></c></row></sheetData></worksheet>`,
	} {
		if _, err := book(t, x, nil).Cells(0); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// scanStrings reads the shared strings as encoding/xml did.
func TestScanStringsAsXML(t *testing.T) {
	sst := []string{"学校名称", "a&amp;b&lt;c&#x4E2D;", "<![CDATA[x<y]]>", "", "一\r\n二"}
	b := book(t, sheetCases["plain"], sst)
	got := b.strings
	b.strings = nil
	if err := readStringsXML(b, "xl/sharedStrings.xml"); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, b.strings) || len(got) != len(sst) {
		t.Errorf("scanner %q\nxml     %q", got, b.strings)
	}
	rich := `<sst><si><r><t>合</t></r><r><t>计</t></r><rPh><t>ごう</t></rPh></si><si><t/></si><x:si xmlns:x="u"><x:t>前缀</x:t></x:si></sst>`
	s, err := scanStrings([]byte(rich))
	if err != nil || !reflect.DeepEqual(s, []string{"合计", "", "前缀"}) {
		t.Errorf("rich: %q, %v", s, err)
	}
}

// scanStyles reads the cell formats as encoding/xml did.
func TestScanStylesAsXML(t *testing.T) {
	styles := `<?xml version="1.0"?><styleSheet xmlns="x"><numFmts count="3"><numFmt numFmtId="164" formatCode="0.00%"/>` +
		`<numFmt numFmtId="165" formatCode='0.0&quot;:1&quot;'/><numFmt numFmtId="166" formatCode="yyyy\-mm\-dd"/></numFmts>` +
		`<cellStyleXfs count="1"><xf numFmtId="9"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/>` +
		`<xf numFmtId="165"></xf><xf numFmtId="14"/><xf numFmtId="&#49;4"/><xf numFmtId=" 10 "/></cellXfs><x:cellXfs xmlns:x="y"/>` +
		`<dxfs count="1"><dxf><numFmt numFmtId="170" formatCode="yyyy-mm-dd"/></dxf></dxfs></styleSheet>`
	custom, ids, err := scanStyles([]byte(styles))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("s.xml")
	w.Write([]byte(styles))
	zw.Close()
	b := &Book{files: map[string]*zip.File{}, lim: DefaultLimits()}
	zr, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	b.files["s.xml"] = zr.File[0]
	wantCustom, wantIDs, err := readStylesXML(b, "s.xml")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(custom, wantCustom) || !reflect.DeepEqual(ids, wantIDs) || !reflect.DeepEqual(ids, []int{0, 164, 165, 14, 14, 10}) || custom[165] != `0.0":1"` || len(custom) != 3 {
		t.Errorf("scanner %v %v\nxml     %v %v", custom, ids, wantCustom, wantIDs)
	}
}

// Whatever the worksheet holds, the scanner never panics, and where
// encoding/xml reads it the scanner reads the same cells.
func FuzzScanCells(f *testing.F) {
	for _, x := range sheetCases {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x string) {
		b := book(t, x, []string{"a", "b"})
		got, err := b.Cells(0)
		want, werr := cellsXML(b, 0)
		if werr != nil {
			return // not well-formed: the scanner may read it or refuse it
		}
		if err != nil {
			t.Fatalf("encoding/xml reads it, the scanner says %v", err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("scanner %+v\nxml     %+v", got, want)
		}
	})
}

func TestDecodeEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"plain":              "plain",
		"a_x000D_b":          "a\rb",
		"_x005F_x0041_":      "_x0041_",
		"学校_x0020_名称":        "学校 名称",
		"_x00zz_ stays":      "_x00zz_ stays",
		"short _x00":         "short _x00",
		"_x4E2D__x6587_":     "中文",
		"trailing _x0041":    "trailing _x0041",
		"two_x0041__x0042_.": "twoAB.",
	} {
		if got := DecodeEscapes(in); got != want {
			t.Errorf("DecodeEscapes(%q) = %q, want %q", in, got, want)
		}
	}
}

// Inline strings are decoded like shared strings.
func TestInlineStringEscapes(t *testing.T) {
	x := `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>学校_x0020_名称_x000D_</t></is></c></row></sheetData></worksheet>`
	cells, err := scanCells([]byte(x), nil, "表")
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 1 || cells[0].Value != "学校 名称\r" {
		t.Fatalf("cells %+v", cells)
	}
}

// CellName names every column and row as the letters-then-number it always did.
func TestCellName(t *testing.T) {
	old := func(col, row int) string {
		var name []byte
		for c := col; c > 0; c = (c - 1) / 26 {
			name = append([]byte{byte('A' + (c-1)%26)}, name...)
		}
		return string(name) + strconv.Itoa(row)
	}
	for _, col := range []int{-1, 0, 1, 2, 25, 26, 27, 52, 53, 701, 702, 703, 16384, 16385, 1 << 40} {
		for _, row := range []int{-5, 0, 1, 9, 10, 1048576, 1 << 40} {
			if got, want := CellName(col, row), old(col, row); got != want {
				t.Errorf("CellName(%d, %d) = %q, want %q", col, row, got, want)
			}
		}
	}
}

// nextAttrRef is how nextAttr read attributes at first, with bytes'
// trimming and searching (and a prefix split off as encoding/xml does: not
// an empty one, nor before an empty name).
func nextAttrRef(a []byte) (key, val, rest []byte, ok bool) {
	i := 0
	for i < len(a) && isSpace(a[i]) {
		i++
	}
	a = a[i:]
	eq := bytes.IndexByte(a, '=')
	if eq < 0 {
		return nil, nil, nil, false
	}
	key = bytes.TrimSpace(a[:eq])
	if c := bytes.IndexByte(key, ':'); c > 0 && c < len(key)-1 { // a prefix as encoding/xml splits it
		key = key[c+1:]
	}
	after := bytes.TrimLeft(a[eq+1:], " \t\r\n")
	if len(after) == 0 || (after[0] != '"' && after[0] != '\'') {
		return nil, nil, nil, false
	}
	end := bytes.IndexByte(after[1:], after[0])
	if end < 0 {
		return nil, nil, nil, false
	}
	return key, after[1 : 1+end], after[2+end:], true
}

// nextAttr splits attributes as the reference does, whatever the text.
func FuzzNextAttr(f *testing.F) {
	for _, s := range []string{` r="A1" s="3" t="s"`, ` x:r = 'A1'`, `r=A1`, ` a:b:c="1"`, " \tr\n=\r\"x\"", `="x"`, ` :r="1"`, ` r:="1"`, ` a b="1"`, `r="1`, ` r =`, "\u00a0r=\"1\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k1, v1, r1, ok1 := nextAttr([]byte(s))
		k2, v2, r2, ok2 := nextAttrRef([]byte(s))
		if ok1 != ok2 || !bytes.Equal(k1, k2) || !bytes.Equal(v1, v2) || !bytes.Equal(r1, r2) {
			t.Fatalf("%q: %q %q %q %v, want %q %q %q %v", s, k1, v1, r1, ok1, k2, v2, r2, ok2)
		}
	})
}

// scanStrings reads the shared strings of a whole part.
func scanStrings(data []byte) ([]string, error) { return scanStringsFrom(&scanner{data: data}) }

// The pooled inflater reads what was deflated, refuses reads after Close,
// takes a second Close, and a reused one starts afresh.
func TestInflater(t *testing.T) {
	var buf bytes.Buffer
	zw := newZipWriter(&buf)
	for i, body := range []string{strings.Repeat("年报", 5000), "短"} {
		w, _ := zw.Create(fmt.Sprintf("p%d.xml", i))
		io.WriteString(w, body)
	}
	zw.Close()
	zr, err := NewZipReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 3; round++ {
		for i, want := range []string{strings.Repeat("年报", 5000), "短"} {
			rc, err := zr.File[i].Open()
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			if err != nil || string(got) != want {
				t.Fatalf("round %d part %d: %d bytes, %v", round, i, len(got), err)
			}
			rc.Close()
			if err := rc.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
		}
	}
	fr := inflate(bytes.NewReader(nil))
	fr.Close()
	if _, err := fr.Read(make([]byte, 1)); err == nil {
		t.Error("read after Close")
	}
}

func TestCleanNameAsPathClean(t *testing.T) {
	pieces := []string{"xl", "a", ".", "..", "/", "//", "sheet1.xml", "_rels", ".rels", "x.y", "\\"}
	rnd := rand.New(rand.NewSource(1))
	for i := 0; i < 100000; i++ {
		var b strings.Builder
		for n := rnd.Intn(6); n > 0; n-- {
			b.WriteString(pieces[rnd.Intn(len(pieces))])
		}
		name := b.String()
		if cleanName(name) && strings.TrimPrefix(path.Clean("/"+name), "/") != name {
			t.Fatalf("cleanName(%q) but path.Clean gives %q", name, path.Clean("/"+name))
		}
		for _, dir := range []string{"", ".", "xl", "xl/worksheets", "/xl", "xl/..", "a/./b"} {
			want := strings.TrimPrefix(path.Clean("/"+path.Join(dir, name)), "/")
			if strings.HasPrefix(name, "/") {
				want = strings.TrimPrefix(path.Clean(name), "/")
			}
			if got := resolve(dir, name); got != want {
				t.Fatalf("resolve(%q, %q) = %q, want %q", dir, name, got, want)
			}
		}
	}
}

// cellAttrs reads a cell's r, s and t as a pass of nextAttr over its
// attributes does (the first of each), its fast path for ` k="v"` included.
func FuzzCellAttrs(f *testing.F) {
	f.Add(` r="A1" s="3" t="s"`)
	f.Add(` r='A1' s="3"t="s" r="B2"`)
	f.Add(` x:r="A1"  s = "3" t="s`)
	f.Fuzz(func(t *testing.T, a string) {
		tg := tag{attrs: []byte(a)}
		r1, s1, t1 := tg.cellAttrs()
		var r2, s2, t2 []byte
		var sr, ss, st bool
		for b := []byte(a); ; {
			key, v, rest, ok := nextAttr(b)
			if !ok {
				break
			}
			if attrPrefixed(b) { // x:r is not the cell's r
				key = nil
			}
			switch string(key) {
			case "r":
				if !sr {
					r2, sr = v, true
				}
			case "s":
				if !ss {
					s2, ss = v, true
				}
			case "t":
				if !st {
					t2, st = v, true
				}
			}
			b = rest
		}
		if fmt.Sprintf("%q %q %q %v %v %v", r1, s1, t1, r1 == nil, s1 == nil, t1 == nil) != fmt.Sprintf("%q %q %q %v %v %v", r2, s2, t2, r2 == nil, s2 == nil, t2 == nil) {
			t.Fatalf("%q: %q %q %q, want %q %q %q", a, r1, s1, t1, r2, s2, t2)
		}
	})
}

// indexText is bytes.IndexAny(raw, "&<\r") on every byte at every place.
func TestIndexTextAsIndexAny(t *testing.T) {
	for c := 0; c < 256; c++ {
		for n := 0; n < 20; n++ {
			raw := bytes.Repeat([]byte("a中"), n)
			for at := 0; at <= len(raw); at++ {
				b := append(append(append([]byte(nil), raw[:at]...), byte(c)), raw[at:]...)
				if got, want := indexText(b), bytes.IndexAny(b, "&<\r"); got != want {
					t.Fatalf("indexText(%q) = %d, want %d", b, got, want)
				}
			}
		}
	}
	if indexText(nil) != -1 || indexText([]byte("plain text 文字")) != -1 {
		t.Error("indexText found a stop in plain text")
	}
}

// A format code shows a date or time, a percentage, or a plain number, as
// Excel and LibreOffice show it.
func TestCodeFormat(t *testing.T) {
	for code, want := range map[string]format{
		"yyyy-mm-dd":             {date: true},
		`yyyy"年"m"月"d"日"`:        {date: true},
		"[$-804]aaaa":            {date: true}, // a weekday in Chinese
		"aaa":                    {date: true},
		"[h]":                    {date: true}, // a time elapsed
		"[mm]:ss":                {date: true},
		"[h]:mm:ss":              {date: true},
		"e":                      {date: true}, // the era's year
		"ge.m.d":                 {date: true},
		"bbbb":                   {date: true}, // the Buddhist year
		"h:mm A/P":               {date: true},
		"0.00E+00":               {}, // scientific, not an era
		"##0.0e-0":               {}, // likewise
		"0":                      {},
		"#,##0.00":               {},
		`0"人"`:                   {},
		"[DBNum1][$-804]General": {},
		"[Red][<0]0;0":           {},
		"[$-804]0.00":            {},
		"0.00%":                  {percent: true},
		`\a\a\a0`:                {}, // escaped letters are literal
		`"aaaa"0`:                {},
		"General":                {},
	} {
		if got := codeFormat(code); got != want {
			t.Errorf("codeFormat(%q) = %+v, want %+v", code, got, want)
		}
	}
}
