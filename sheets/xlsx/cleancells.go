package xlsx

import (
	"archive/zip"
	"bytes"
	"regexp"
	"strconv"
	"strings"
)

// A copy we write must open wherever the school opens it, also where the
// school's own file did not: a number cell whose stored value is no number
// (1,234, 0x1A, NaN, "36 2": openpyxl stops at int()), or a style index
// beyond the cell formats (s="999": openpyxl's list index out of range,
// excelize's GetStyle error) is made valid in the copy. The reader reads
// the original, so what is reported does not change.
var (
	worksheetPart = regexp.MustCompile(`^xl/worksheets/sheet\d+\.xml$`)
	cellAttr      = regexp.MustCompile(`\s([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)\s*=\s*("[^"]*"|'[^']*')`)
	valueEl       = regexp.MustCompile(`<(?:[A-Za-z_][\w.-]*:)?v(?:\s[^>]*)?>([^<]*)</(?:[A-Za-z_][\w.-]*:)?v\s*>`)
	formulaEl     = regexp.MustCompile(`<(?:[A-Za-z_][\w.-]*:)?f[\s/>]`)
	// a decimal number as Excel writes one and openpyxl reads one
	decimalNumber = regexp.MustCompile(`^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$`)
	xmlSpaceTrim  = " \t\r\n"
)

// cellXfCount is how many cell formats the package's styles part declares
// (0 when it has none, or they cannot be read), as the reader counts them.
func cellXfCount(zr *zip.Reader, keep map[string]bool, limits Limits) int {
	for _, f := range zr.File {
		if f.Name == "xl/styles.xml" && keep[f.Name] {
			_, ids, _ := scanStyles(readKept(f, limits))
			return len(ids)
		}
	}
	return 0
}

// validCells rewrites the cells of a worksheet that no reader could open: a
// number cell (no t, or t="n") whose value is not a finite decimal number
// becomes a text cell of the same characters (its formula, if it has one,
// kept: t="str"), and a style index that is not one of the styles part's
// nXfs cell formats becomes 0. Cells are found by hand, not by a regular
// expression, which took seconds over long texts.
func validCells(body []byte, nXfs int) []byte {
	var out []byte // nil while no cell has changed
	done := 0      // body[:done] is in out
	for i := 0; ; {
		j := bytes.IndexByte(body[i:], '<')
		if j < 0 {
			break
		}
		i += j
		el, prefix, attrs, content, ok := cellAt(body[i:])
		if !ok {
			i++
			continue
		}
		if fixed, changed := validCell(prefix, attrs, content, nXfs); changed {
			out = append(append(out, body[done:i]...), fixed...)
			done = i + el
		}
		i += el
	}
	if out == nil {
		return body
	}
	return append(out, body[done:]...)
}

// cellAt reads the cell element d begins with, if it does: its length, its
// name's prefix (x: of <x:c>), its attributes and its content (nil for
// <c/>).
func cellAt(d []byte) (n int, prefix, attrs, content []byte, ok bool) {
	k := 1
	for k < len(d) && d[k] != '>' && d[k] != '/' && !isSpace(d[k]) {
		k++
	}
	name := d[1:k]
	if c := bytes.LastIndexByte(name, ':'); c >= 0 {
		prefix, name = name[:c+1], name[c+1:]
	}
	if string(name) != "c" || k == len(d) {
		return 0, nil, nil, nil, false
	}
	// the start tag ends at the first > outside quotes
	end, quote := -1, byte(0)
	for p := k; p < len(d); p++ {
		switch c := d[p]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			end = p
		}
		if end >= 0 {
			break
		}
	}
	if end < 0 {
		return 0, nil, nil, nil, false
	}
	if d[end-1] == '/' {
		return end + 1, prefix, d[k : end-1], nil, true
	}
	attrs = d[k:end]
	closing := append(append([]byte("</"), prefix...), 'c')
	for p := end + 1; ; {
		q := bytes.Index(d[p:], closing)
		if q < 0 {
			return 0, nil, nil, nil, false
		}
		p += q + len(closing)
		r := p
		for r < len(d) && isSpace(d[r]) {
			r++
		}
		if r < len(d) && d[r] == '>' {
			return r + 1, prefix, attrs, d[end+1 : p-len(closing)], true
		}
	}
}

// validCell is a cell made valid (see validCells), if it was not.
func validCell(prefix, attrs, content []byte, nXfs int) ([]byte, bool) {
	styleBad, numeric := false, true
	found := cellAttr.FindAllSubmatch(attrs, -1)
	for _, a := range found {
		if string(a[1]) == "xmlns:" {
			continue
		}
		val := strings.Trim(decodedAttr(a[3][1:len(a[3])-1]), xmlSpaceTrim)
		switch string(a[2]) {
		case "s":
			if n, err := strconv.Atoi(val); err != nil || n < 0 || n >= max(nXfs, 1) {
				styleBad = true
			}
		case "t":
			numeric = numeric && (val == "" || val == "n")
		}
	}
	var text []byte // the raw text of a value that is no number
	if numeric {
		for _, v := range valueEl.FindAllSubmatch(content, -1) {
			if !isNumber(string(v[1])) {
				text = v[1]
				break
			}
		}
	}
	if !styleBad && text == nil {
		return nil, false
	}
	var out bytes.Buffer
	out.WriteString("<")
	out.Write(prefix)
	out.WriteString("c")
	for _, a := range found {
		name := string(a[2])
		switch {
		case string(a[1]) == "xmlns:":
		case name == "s" && styleBad:
			continue
		case name == "t" && text != nil:
			continue
		}
		out.Write(a[0])
	}
	if styleBad {
		out.WriteString(` s="0"`)
	}
	switch {
	case text == nil:
	case formulaEl.Match(content):
		out.WriteString(` t="str"`)
	default:
		out.WriteString(` t="inlineStr"`)
		content = []byte("<" + string(prefix) + `is><` + string(prefix) + `t xml:space="preserve">` + string(text) +
			"</" + string(prefix) + "t></" + string(prefix) + "is>")
	}
	if content == nil {
		out.WriteString("/>")
		return out.Bytes(), true
	}
	out.WriteString(">")
	out.Write(content)
	out.WriteString("</" + string(prefix) + "c>")
	return out.Bytes(), true
}

// isNumber reports whether a number cell's raw value (entities not yet
// decoded) is an empty value or a finite decimal number.
func isNumber(raw string) bool {
	if raw == "" {
		return true
	}
	s := strings.Trim(decodedAttr([]byte(raw)), xmlSpaceTrim)
	if !decimalNumber.MatchString(s) {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
