package xlsx

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A worksheet is most of what a workbook holds, and encoding/xml's tokenizer
// spent most of the reader's time and allocations on it (a token, a name and
// attribute strings for every element). scanCells reads the few elements a
// worksheet's cells are made of straight from the bytes: row, c (r, t, s),
// v, f, is, t, rPh. Prefixed names (x:c) are accepted; comments, processing
// instructions and CDATA sections are handled; entities and character
// references are decoded and line ends normalised as encoding/xml does. A
// tag that does not end is an error. scan_test.go holds it to the
// encoding/xml reading of reference_test.go.

// scanError is a worksheet that cannot be parsed.
type scanError struct {
	off int
	msg string
}

func (e *scanError) Error() string { return fmt.Sprintf("第 %d 字节：%s", e.off, e.msg) }

// tag is one start or end tag.
type tag struct {
	name      []byte // local name
	end       bool   // </name>
	selfClose bool   // <name/>
	attrs     []byte // the raw attribute text
}

// attr returns an attribute's raw value.
func (t *tag) attr(name string) []byte {
	a := t.attrs
	for len(a) > 0 {
		i := 0
		for i < len(a) && isSpace(a[i]) {
			i++
		}
		a = a[i:]
		eq := bytes.IndexByte(a, '=')
		if eq < 0 {
			return nil
		}
		key := bytes.TrimSpace(a[:eq])
		if c := bytes.IndexByte(key, ':'); c >= 0 {
			key = key[c+1:]
		}
		rest := bytes.TrimLeft(a[eq+1:], " \t\r\n")
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return nil
		}
		q := rest[0]
		end := bytes.IndexByte(rest[1:], q)
		if end < 0 {
			return nil
		}
		if string(key) == name {
			return rest[1 : 1+end]
		}
		a = rest[2+end:]
	}
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// scanner walks a worksheet's bytes.
type scanner struct {
	data []byte
	pos  int
}

// next returns the next tag and the text before it (raw, undecoded). At the
// end it returns ok false.
func (s *scanner) next() (text []byte, t tag, ok bool, err error) {
	start := s.pos
	for {
		i := bytes.IndexByte(s.data[s.pos:], '<')
		if i < 0 {
			s.pos = len(s.data)
			return s.data[start:], tag{}, false, nil
		}
		lt := s.pos + i
		if lt+1 < len(s.data) && (s.data[lt+1] == '!' || s.data[lt+1] == '?') {
			after, cdata, err := s.markup(lt)
			if err != nil {
				return nil, tag{}, false, err
			}
			s.pos = after
			if cdata { // CDATA is text: it stays in the text, decoded by appendText
				continue
			}
			// a comment, instruction or declaration: no tag
			return s.data[start:lt], tag{}, true, nil
		}
		text = s.data[start:lt]
		// the tag's end: the first > outside quotes
		j, q := lt+1, byte(0)
		for ; j < len(s.data); j++ {
			c := s.data[j]
			if q != 0 {
				if c == q {
					q = 0
				}
				continue
			}
			if c == '"' || c == '\'' {
				q = c
			} else if c == '>' {
				break
			}
		}
		if j >= len(s.data) {
			return nil, tag{}, false, &scanError{lt, "标签没有结束"}
		}
		s.pos = j + 1
		return text, parseTag(s.data[lt+1 : j]), true, nil
	}
}

// markup finds the end of the CDATA section, comment, processing
// instruction or declaration that starts at lt (a < followed by ! or ?).
func (s *scanner) markup(lt int) (after int, cdata bool, err error) {
	rest := s.data[lt:]
	skip := func(open, close, what string) (int, error) {
		end := bytes.Index(rest[len(open):], []byte(close))
		if end < 0 {
			return 0, &scanError{lt, what + "没有结束"}
		}
		return lt + len(open) + end + len(close), nil
	}
	switch {
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		after, err = skip("<![CDATA[", "]]>", "CDATA ")
		return after, true, err
	case bytes.HasPrefix(rest, []byte("<!--")):
		after, err = skip("<!--", "-->", "注释")
	case bytes.HasPrefix(rest, []byte("<?")):
		after, err = skip("<?", "?>", "处理指令")
	default:
		after, err = skip("<!", ">", "声明")
	}
	return after, false, err
}

// parseTag reads a tag's body (between < and >): end or self-closing, its
// local name and its attributes' text.
func parseTag(body []byte) (t tag) {
	if len(body) > 0 && body[0] == '/' {
		t.end = true
		body = body[1:]
	}
	if len(body) > 0 && body[len(body)-1] == '/' {
		t.selfClose = true
		body = body[:len(body)-1]
	}
	n := 0
	for n < len(body) && !isSpace(body[n]) {
		n++
	}
	t.name, t.attrs = body[:n], body[n:]
	if c := bytes.IndexByte(t.name, ':'); c >= 0 {
		t.name = t.name[c+1:]
	}
	return t
}

// appendText decodes raw text (entities, character references, CDATA,
// line ends) onto buf.
func appendText(buf []byte, raw []byte) ([]byte, error) {
	for len(raw) > 0 {
		if bytes.HasPrefix(raw, []byte("<![CDATA[")) {
			end := bytes.Index(raw, []byte("]]>"))
			buf = appendNewlines(buf, raw[9:end])
			raw = raw[end+3:]
			continue
		}
		i := bytes.IndexAny(raw, "&<\r")
		if i < 0 {
			return append(buf, raw...), nil
		}
		buf = append(buf, raw[:i]...)
		raw = raw[i:]
		switch raw[0] {
		case '<':
			if !bytes.HasPrefix(raw, []byte("<![CDATA[")) {
				return buf, fmt.Errorf("文本中有 <")
			}
		case '\r':
			buf = append(buf, '\n')
			raw = raw[1:]
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
		case '&':
			semi := bytes.IndexByte(raw, ';')
			if semi < 0 {
				return buf, fmt.Errorf("实体没有结束")
			}
			ent := string(raw[1:semi])
			raw = raw[semi+1:]
			switch ent {
			case "lt":
				buf = append(buf, '<')
			case "gt":
				buf = append(buf, '>')
			case "amp":
				buf = append(buf, '&')
			case "quot":
				buf = append(buf, '"')
			case "apos":
				buf = append(buf, '\'')
			default:
				if !strings.HasPrefix(ent, "#") {
					return buf, fmt.Errorf("无效的实体 &%s;", ent)
				}
				var n uint64
				var err error
				if strings.HasPrefix(ent, "#x") {
					n, err = strconv.ParseUint(ent[2:], 16, 32)
				} else {
					n, err = strconv.ParseUint(ent[1:], 10, 32)
				}
				if err != nil || !isXMLChar(rune(n)) {
					return buf, fmt.Errorf("无效的字符引用 &%s;", ent)
				}
				buf = utf8.AppendRune(buf, rune(n))
			}
		}
	}
	return buf, nil
}

func appendNewlines(buf, raw []byte) []byte {
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '\r')
		if i < 0 {
			return append(buf, raw...)
		}
		buf = append(append(buf, raw[:i]...), '\n')
		raw = raw[i+1:]
		if len(raw) > 0 && raw[0] == '\n' {
			raw = raw[1:]
		}
	}
	return buf
}

// isXMLChar is the Char production of XML 1.0, as encoding/xml checks it.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// scanCells reads every cell with a value or a formula, as Cells returns them.
// Its states and transitions are those of the encoding/xml reading it
// replaced (a self-closing tag is a start and an end).
func scanCells(data []byte, sst []string, sheet string) ([]Cell, error) {
	s := &scanner{data: data}
	c := &cellScan{sst: sst, sheet: sheet}
	fail := func(err error) ([]Cell, error) {
		return c.out, fmt.Errorf("工作表“%s”无法解析：%w", sheet, err)
	}
	for {
		raw, t, ok, err := s.next()
		if err != nil {
			return fail(err)
		}
		if (c.in == "v" || (c.in == "t" && c.inPh == 0)) && len(raw) > 0 {
			if c.text, err = appendText(c.text, raw); err != nil {
				return fail(err)
			}
		}
		if !ok {
			return c.out, nil
		}
		name := string(t.name)
		if !t.end {
			if err := c.open(name, &t); err != nil {
				return c.out, err
			}
		}
		if !t.end && !t.selfClose {
			continue
		}
		if err := c.close(name); err != nil {
			return c.out, err
		}
	}
}

// cellScan is what scanCells knows between two tags.
type cellScan struct {
	sst      []string
	sheet    string
	out      []Cell
	row, col int
	cur      *Cell
	text     []byte
	in       string // v, t (inline) or f: the element whose text is read
	isString bool
	inPh     int
}

// open takes a start tag (or a self-closing one).
func (c *cellScan) open(name string, t *tag) error {
	switch name {
	case "row":
		if r, err := strconv.Atoi(string(t.attr("r"))); err == nil && r > 0 {
			c.row = r
		} else {
			c.row++
		}
		c.col = 0
	case "c":
		c.col++
		if ref := t.attr("r"); len(ref) > 0 {
			col, row, ok := SplitRef(string(ref))
			if !ok {
				return fmt.Errorf("工作表“%s”：单元格地址 %q 无效", c.sheet, ref)
			}
			c.col, c.row = col, row
		}
		st, _ := strconv.Atoi(string(t.attr("s")))
		c.cur = &Cell{Row: c.row, Col: c.col, Type: string(t.attr("t")), Style: st}
		c.isString = false
	case "v", "f":
		c.in, c.text = name, c.text[:0]
		if name == "f" && c.cur != nil {
			c.cur.Formula = true
		}
	case "is":
		c.isString, c.text = true, c.text[:0]
	case "t":
		if c.isString {
			c.in = "t"
		}
	case "rPh":
		c.inPh++
	}
	return nil
}

// close takes an end tag (or a self-closing one).
func (c *cellScan) close(name string) error {
	switch name {
	case "v":
		if c.cur != nil {
			c.cur.Value = string(c.text)
		}
		c.in = ""
	case "f":
		c.in = ""
	case "t":
		if c.in == "t" {
			c.in = ""
		}
	case "is":
		if c.cur != nil {
			c.cur.Value = string(c.text)
		}
		c.isString = false
	case "rPh":
		c.inPh--
	case "c":
		if c.cur != nil {
			cell, keep, err := finish(c.cur, c.sst, c.sheet)
			if err != nil {
				return err
			}
			if keep {
				c.out = append(c.out, cell)
			}
		}
		c.cur = nil
	}
	return nil
}

// finish resolves a cell's value (a shared string's text).
func finish(cur *Cell, sst []string, sheet string) (Cell, bool, error) {
	if cur.Type == "s" {
		i, err := strconv.Atoi(strings.TrimSpace(cur.Value))
		if err != nil || i < 0 || i >= len(sst) {
			return *cur, false, fmt.Errorf("工作表“%s”单元格 %s：共享字符串编号 %q 无效", sheet, CellName(cur.Col, cur.Row), cur.Value)
		}
		cur.Value = sst[i]
	}
	return *cur, cur.Value != "" || cur.Formula, nil
}

// scanStrings reads the shared strings: the text of each <si>, its runs
// joined, phonetic guides (<rPh>) left out, as the encoding/xml reading did.
func scanStrings(data []byte) ([]string, error) {
	s := &scanner{data: data}
	var (
		out  []string
		cur  []byte
		inT  bool
		inPh int
	)
	for {
		raw, t, ok, err := s.next()
		if err != nil {
			return out, err
		}
		if inT && inPh == 0 && len(raw) > 0 {
			if cur, err = appendText(cur, raw); err != nil {
				return out, err
			}
		}
		if !ok {
			return out, nil
		}
		name := string(t.name)
		if !t.end {
			switch name {
			case "si":
				cur = cur[:0]
			case "t":
				inT = true
			case "rPh":
				inPh++
			}
		}
		if !t.end && !t.selfClose {
			continue
		}
		switch name {
		case "si":
			out = append(out, string(cur))
		case "t":
			inT = false
		case "rPh":
			inPh--
		}
	}
}

// scanStyles reads the number formats (id → format code) and the number
// format of each cell format (cellXfs), as the encoding/xml reading did.
func scanStyles(data []byte) (custom map[int]string, ids []int, err error) {
	s := &scanner{data: data}
	custom = map[int]string{}
	inXfs := false
	for {
		_, t, ok, err := s.next()
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return custom, ids, nil
		}
		name := string(t.name)
		if !t.end {
			switch name {
			case "numFmt":
				if id, err := strconv.Atoi(string(t.attr("numFmtId"))); err == nil {
					code, err := appendText(nil, t.attr("formatCode"))
					if err != nil {
						return nil, nil, err
					}
					custom[id] = string(code)
				}
			case "cellXfs":
				inXfs = true
			case "xf":
				if inXfs {
					id, _ := strconv.Atoi(string(t.attr("numFmtId")))
					ids = append(ids, id)
				}
			}
		}
		if (t.end || t.selfClose) && name == "cellXfs" {
			inXfs = false
		}
	}
}
