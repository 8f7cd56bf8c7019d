package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The corpus is two returned workbooks of the sample generator: one as
// nianbao writes it (excelize), one saved again by LibreOffice.
func corpusFiles(t testing.TB) map[string][]byte {
	names, _ := filepath.Glob("testdata/corpus/*.xlsx")
	if len(names) == 0 {
		t.Fatal("no testdata/corpus/*.xlsx")
	}
	out := map[string][]byte{}
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(n)] = data
	}
	return out
}

// unzipParts and zipParts take a workbook apart and put it back together.
func unzipParts(t testing.TB, data []byte) (names []string, parts map[string][]byte) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts = map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		names = append(names, f.Name)
		parts[f.Name] = b
	}
	return names, parts
}

func zipParts(t testing.TB, names []string, parts map[string][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(parts[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// opened is what Open read of a workbook, or its error.
type opened struct {
	Sheets   []Sheet
	Date1904 bool
	Props    map[string]string
	Strings  []string
	Formats  []format
	Err      string
}

func open(data []byte, xmlParts bool) opened {
	xmlOnly = xmlParts
	defer func() { xmlOnly = false }()
	b, err := Open(bytes.NewReader(data), int64(len(data)), DefaultLimits())
	if err != nil {
		return opened{Err: err.Error()}
	}
	return opened{Sheets: b.Sheets, Date1904: b.Date1904, Props: b.Props, Strings: b.strings, Formats: b.formats}
}

// The package parts read by the scanner are what encoding/xml reads, on
// the corpus and on every variant of its parts, plain or not.
func TestPackagePartsAsXML(t *testing.T) {
	type edit struct {
		part string
		fn   func(string) string
	}
	repl := func(old, new string) func(string) string {
		return func(s string) string { return strings.Replace(s, old, new, 1) }
	}
	const (
		rels   = "_rels/.rels"
		wbRels = "xl/_rels/workbook.xml.rels"
		wb     = "xl/workbook.xml"
		custom = "docProps/custom.xml"
	)
	edits := map[string]edit{
		"as is":                      {wb, func(s string) string { return s }},
		"entities in a sheet name":   {wb, repl(`name="基本信息"`, `name="基本&amp;信息&#x4E2D;&#20013;&lt;&gt;&quot;&apos;"`)},
		"newline in a sheet name":    {wb, repl(`name="基本信息"`, "name=\"基本\r\n信\r息\t\"")},
		"single quotes":              {wb, repl(`name="基本信息"`, `name='基本"信息'`)},
		"spaces around =":            {wb, repl(`name="基本信息"`, `name = "基本信息"`)},
		"no space between attrs":     {wb, repl(`name="基本信息" `, `name="基本信息"`)},
		"prefixed elements":          {wb, repl(`<sheets>`, `<sheets><x:sheet xmlns:x="y" name="前缀" sheetId="99" r:id="rId2"/>`)},
		"two colons":                 {wb, repl(`<sheets>`, `<sheets><a:b:sheet name="两个" r:id="rId2"/>`)},
		"comment":                    {wb, repl(`<sheets>`, `<sheets><!-- <sheet name="注释"/> -->`)},
		"CDATA":                      {wb, repl(`<sheets>`, `<sheets><![CDATA[<sheet name="x"/>]]>`)},
		"processing instruction":     {wb, repl(`<sheets>`, `<sheets><?pi x?>`)},
		"DOCTYPE with entities":      {wb, func(s string) string { return `<!DOCTYPE w [<!ENTITY a "aaaa">]>` + s }},
		"byte order mark":            {wb, func(s string) string { return "\uFEFF" + s }},
		"GBK declaration":            {wb, repl(`encoding="UTF-8"`, `encoding="GBK"`)},
		"utf-8 lower case":           {wb, repl(`encoding="UTF-8"`, `encoding='utf-8'`)},
		"version 1.1":                {wb, repl(`version="1.0"`, `version="1.1"`)},
		"no declaration":             {wb, func(s string) string { return s[strings.Index(s, "?>")+2:] }},
		"stylesheet instruction":     {wb, func(s string) string { return `<?xml-stylesheet href="x"?>` + s[strings.Index(s, "?>")+2:] }},
		"control character":          {wb, repl(`name="基本信息"`, "name=\"基本\x01信息\"")},
		"invalid UTF-8":              {wb, repl(`name="基本信息"`, "name=\"基本\xff信息\"")},
		"U+FFFE":                     {wb, repl(`name="基本信息"`, "name=\"基本\uFFFE信息\"")},
		"bad character reference":    {wb, repl(`name="基本信息"`, `name="基本&#0;信息"`)},
		"unknown entity":             {wb, repl(`name="基本信息"`, `name="基本&nbsp;信息"`)},
		"bare ampersand in text":     {wb, repl(`<sheets>`, `<sheets>a & b`)},
		"entity in text":             {wb, repl(`<sheets>`, `<sheets>a &amp; b &#65;`)},
		"unquoted attribute":         {wb, repl(`name="基本信息"`, `name=基本信息`)},
		"attribute without value":    {wb, repl(`name="基本信息"`, `name`)},
		"< in an attribute":          {wb, repl(`name="基本信息"`, `name="基本<信息"`)},
		"> in an attribute":          {wb, repl(`name="基本信息"`, `name="基本>信息"`)},
		"end tag with attributes":    {wb, repl(`</sheets>`, `</sheets x="1">`)},
		"end tag self-closing":       {wb, repl(`</sheets>`, `</sheets/>`)},
		"name starting with a digit": {wb, repl(`<sheets>`, `<sheets><1x/>`)},
		"space after <":              {wb, repl(`<sheets>`, `< sheets>`)},
		"truncated":                  {wb, func(s string) string { return s[:len(s)*2/3] }},
		"truncated in a tag":         {wb, func(s string) string { return s[:strings.Index(s, `name="基本信息"`)+8] }},
		"date1904 true":              {wb, repl(`<workbookPr`, `<workbookPr date1904="true"`)},
		"date1904 as a reference":    {wb, repl(`<workbookPr`, `<workbookPr date1904="&#49;"`)},
		"state hidden":               {wb, repl(`name="基本信息"`, `name="基本信息" state="hidden"`)},
		"empty":                      {wb, func(string) string { return "" }},
		"rels: entities in a target": {wbRels, repl(`Target="worksheets/sheet2.xml"`, `Target="worksheets/sheet&#50;.xml"`)},
		"rels: comment":              {wbRels, repl(`<Relationship `, `<!-- x --><Relationship `)},
		"rels: entities in ids":      {wbRels, func(s string) string { return strings.ReplaceAll(s, `Id="rId`, `Id="r&#73;d`) }},
		"entities in sheets' ids":    {wb, func(s string) string { return strings.ReplaceAll(s, `r:id="rId`, `r:id="r&#73;d`) }},
		"rels: absolute targets":     {wbRels, func(s string) string { return strings.ReplaceAll(s, `Target="worksheets/`, `Target="/xl/worksheets/`) }},
		"rels: targets with ..": {wbRels, func(s string) string {
			return strings.ReplaceAll(s, `Target="worksheets/`, `Target="../xl/./worksheets/`)
		}},
		"rels: target not a part":   {wbRels, repl(`Target="worksheets/sheet2.xml"`, `Target="worksheets/sheet2.xm"`)},
		"rels: truncated":           {wbRels, func(s string) string { return s[:len(s)/2] }},
		"rels: unquoted":            {wbRels, repl(`Id="rId3"`, `Id=rId3`)},
		"rels: duplicate id":        {wbRels, repl(`Id="rId3"`, `Id="rId2"`)},
		"rels: two officeDocuments": {rels, repl(`<Relationship `, `<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/xl/workbook.xml"/><Relationship `)},
		"rels: bad entity":          {rels, repl(`<Relationship `, `&bogus;<Relationship `)},
		"rels: empty":               {rels, func(string) string { return "" }},
		"props: CDATA value":        {custom, repl(`<vt:lpwstr>zhongzhi_annual_quality</vt:lpwstr>`, `<vt:lpwstr><![CDATA[zhongzhi]]>_annual_quality</vt:lpwstr>`)},
		"props: entities":           {custom, repl(`<vt:lpwstr>zhongzhi_annual_quality</vt:lpwstr>`, `<vt:lpwstr>a&amp;b&#x4E2D;</vt:lpwstr>`)},
		"props: text around":        {custom, repl(`<vt:lpwstr>zhongzhi_annual_quality</vt:lpwstr>`, ` x <vt:lpwstr>zhongzhi_annual_quality</vt:lpwstr> y <b/> z `)},
		"props: self-closing":       {custom, repl(`<property `, `<property name="空"/><property `)},
		"props: no name":            {custom, repl(`<property `, `<property><vt:lpwstr>无名</vt:lpwstr></property><property `)},
		"props: comment":            {custom, repl(`<property `, `<!--c--><property `)},
		"props: truncated":          {custom, func(s string) string { return s[:len(s)-40] }},
		"props: bad entity":         {custom, repl(`<vt:lpwstr>zhongzhi_annual_quality</vt:lpwstr>`, `<vt:lpwstr>&x;</vt:lpwstr>`)},
		"workbook over 1 MB":        {wb, repl(`<sheets>`, `<sheets>`+strings.Repeat(" ", maxSmall))},
		"rels over 1 MB":            {wbRels, repl(`<Relationship `, strings.Repeat("\n", maxSmall)+`<Relationship `)},
		"props over 1 MB":           {custom, repl(`<property `, strings.Repeat("\t", maxSmall)+`<property `)},
		"props: line ends":          {custom, repl(`<vt:lpwstr>zhongzhi_annual_quality</vt:lpwstr>`, "<vt:lpwstr>a\r\nb\rc</vt:lpwstr>")},
	}
	for file, data := range corpusFiles(t) {
		names, parts := unzipParts(t, data)
		for _, p := range []string{rels, wbRels, wb, custom} {
			if !plainTags(parts[p], func([]byte, *tag) {}) {
				t.Errorf("%s %s is not read by the scanner", file, p)
			}
		}
		for name, e := range edits {
			t.Run(file+"/"+name, func(t *testing.T) {
				changed := map[string][]byte{}
				for k, v := range parts {
					changed[k] = v
				}
				if _, ok := parts[e.part]; !ok {
					t.Fatalf("no part %s", e.part)
				}
				changed[e.part] = []byte(e.fn(string(parts[e.part])))
				if name != "as is" && bytes.Equal(changed[e.part], parts[e.part]) && name != "rels: duplicate id" {
					t.Fatalf("the edit changed nothing")
				}
				x := zipParts(t, names, changed)
				got, want := open(x, false), open(x, true)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("scanner %s\nxml     %s", show(got), show(want))
				}
				if name == "as is" && (want.Err != "" || len(want.Sheets) < 20 || len(want.Props) < 3) {
					t.Errorf("the corpus reads as %s", show(want))
				}
			})
		}
	}
}

func show(o opened) string {
	return fmt.Sprintf("err %q date1904 %v props %q sheets %+v", o.Err, o.Date1904, o.Props, o.Sheets)
}

// Every worksheet of the corpus reads as encoding/xml reads it, whole and
// within a region.
func TestCorpusCellsAsXML(t *testing.T) {
	for file, data := range corpusFiles(t) {
		b, err := Open(bytes.NewReader(data), int64(len(data)), DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for i, sh := range b.Sheets {
			want, err := cellsXML(b, i)
			if err != nil {
				t.Fatalf("%s %s: reference: %v", file, sh.Name, err)
			}
			got, err := b.Cells(i)
			if err != nil {
				t.Fatal(err)
			}
			for j := range got {
				got[j].HiddenRow = false // the reference does not read it
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s:\nscanner %+v\nxml     %+v", file, sh.Name, got, want)
			}
			reg := Region{MaxRow: 30, MaxCol: 4}
			in, ignored, err := b.CellsIn(i, reg)
			if err != nil {
				t.Fatal(err)
			}
			var inWant []Cell
			for _, c := range want {
				if c.Row <= reg.MaxRow && c.Col <= reg.MaxCol {
					inWant = append(inWant, c)
				}
			}
			for j := range in {
				in[j].HiddenRow = false
			}
			if !reflect.DeepEqual(in, inWant) || ignored != len(want)-len(inWant) {
				t.Errorf("%s %s in %v: %d cells, %d ignored; want %d, %d", file, sh.Name, reg, len(in), ignored, len(inWant), len(want)-len(inWant))
			}
			total += len(got)
		}
		if total < 500 {
			t.Errorf("%s: only %d cells", file, total)
		}
	}
}

// Whatever workbook.xml holds, the scanner reads what encoding/xml reads.
func FuzzWorkbookPart(f *testing.F) {
	data := corpusFiles(f)["libreoffice.xlsx"]
	names, parts := unzipParts(f, data)
	f.Add(string(parts["xl/workbook.xml"]))
	f.Add(`<?xml version="1.0"?><workbook><sheets><sheet name="a&amp;b" r:id="rId2"/></sheets></workbook>`)
	f.Fuzz(func(t *testing.T, x string) {
		changed := map[string][]byte{}
		for k, v := range parts {
			changed[k] = v
		}
		changed["xl/workbook.xml"] = []byte(x)
		z := zipParts(t, names, changed)
		if got, want := open(z, false), open(z, true); !reflect.DeepEqual(got, want) {
			t.Errorf("scanner %s\nxml     %s", show(got), show(want))
		}
	})
}

// OpenZip, from a directory read already, reads what OpenBytes reads.
func TestOpenZipAsOpenBytes(t *testing.T) {
	for file, data := range corpusFiles(t) {
		want, err := OpenBytes(data, DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := OpenZip(zr, data, DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Sheets, want.Sheets) || !reflect.DeepEqual(got.strings, want.strings) ||
			!reflect.DeepEqual(got.formats, want.formats) || !reflect.DeepEqual(got.Props, want.Props) || got.Date1904 != want.Date1904 {
			t.Errorf("%s: OpenZip %s\nOpenBytes %s", file, show(opened{Sheets: got.Sheets, Props: got.Props}), show(opened{Sheets: want.Sheets, Props: want.Props}))
		}
		for i := range want.Sheets {
			gc, gerr := got.Cells(i)
			wc, werr := want.Cells(i)
			if !reflect.DeepEqual(gc, wc) || (gerr == nil) != (werr == nil) {
				t.Errorf("%s, sheet %s: OpenZip %d cells, %v; OpenBytes %d, %v", file, want.Sheets[i].Name, len(gc), gerr, len(wc), werr)
			}
		}
	}
}
