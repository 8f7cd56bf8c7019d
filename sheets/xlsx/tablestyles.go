package xlsx

import (
	"fmt"
	"strings"
)

// Fonts of a TableWriter's workbook.
const (
	fontNormal = iota
	fontBold
	fontTitle
)

// style is one look of a cell: a number format, a font, the header's fill,
// a thin border, wrapped text.
type style struct {
	format string // Excel format code; "" is General
	font   int
	fill   bool
	border bool
	wrap   bool
}

// builtinFormats are the format codes Excel numbers itself.
var builtinFormats = map[string]int{"": 0, "General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "@": 49}

// styleSet numbers the styles of a workbook in the order they are first
// used, so the same rows give the same styles.xml.
type styleSet struct {
	ids     map[style]int
	list    []style
	formats map[string]int
	custom  []string // custom format codes, numbered from 164
}

func newStyleSet() *styleSet {
	s := &styleSet{ids: map[style]int{}, formats: map[string]int{}}
	s.id(style{}) // xf 0: the default
	return s
}

func (s *styleSet) id(st style) int {
	if id, ok := s.ids[st]; ok {
		return id
	}
	if _, ok := builtinFormats[st.format]; !ok {
		if _, ok := s.formats[st.format]; !ok {
			s.formats[st.format] = 164 + len(s.custom)
			s.custom = append(s.custom, st.format)
		}
	}
	s.ids[st] = len(s.list)
	s.list = append(s.list, st)
	return len(s.list) - 1
}

func (s *styleSet) formatID(code string) int {
	if id, ok := builtinFormats[code]; ok {
		return id
	}
	return s.formats[code]
}

// xml is styles.xml. Every border has a colour: openpyxl refuses a file
// whose border has none.
func (s *styleSet) xml() string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<styleSheet xmlns="` + nsMain + `">`)
	if len(s.custom) > 0 {
		fmt.Fprintf(&b, `<numFmts count="%d">`, len(s.custom))
		for i, code := range s.custom {
			fmt.Fprintf(&b, `<numFmt numFmtId="%d" formatCode="%s"/>`, 164+i, escape(code))
		}
		b.WriteString(`</numFmts>`)
	}
	line := func(side string) string {
		return `<` + side + ` style="thin"><color rgb="FF` + BorderColor + `"/></` + side + `>`
	}
	b.WriteString(`<fonts count="3"><font><sz val="11"/><name val="宋体"/><family val="2"/></font><font><b/><sz val="11"/><name val="宋体"/><family val="2"/></font><font><b/><sz val="12"/><name val="宋体"/><family val="2"/></font></fonts>` +
		`<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FF` + HeaderFill + `"/><bgColor indexed="64"/></patternFill></fill></fills>` +
		`<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>` + line("left") + line("right") + line("top") + line("bottom") + `<diagonal/></border></borders>` +
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>`)
	fmt.Fprintf(&b, `<cellXfs count="%d">`, len(s.list))
	for _, st := range s.list {
		fill, border := 0, 0
		if st.fill {
			fill = 2
		}
		if st.border {
			border = 1
		}
		fmt.Fprintf(&b, `<xf numFmtId="%d" fontId="%d" fillId="%d" borderId="%d" xfId="0"`, s.formatID(st.format), st.font, fill, border)
		if st.format != "" {
			b.WriteString(` applyNumberFormat="1"`)
		}
		if st.font != fontNormal {
			b.WriteString(` applyFont="1"`)
		}
		if st.fill {
			b.WriteString(` applyFill="1"`)
		}
		if st.border {
			b.WriteString(` applyBorder="1"`)
		}
		switch {
		case st.wrap && st.fill: // a header
			b.WriteString(` applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>`)
		case st.wrap:
			b.WriteString(` applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>`)
		default:
			b.WriteString(`/>`)
		}
	}
	b.WriteString(`</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`)
	return b.String()
}

// TextWidth is the column width a text needs in the workbook's font: a
// Chinese character takes about two digits' room.
func TextWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r >= 0x2E80: // CJK, full-width forms
			w += 2.1
		default:
			w += 1.1
		}
	}
	return w + 1.5
}
