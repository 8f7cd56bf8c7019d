package xlsx

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// A worksheet is most of what a workbook holds, and encoding/xml's tokenizer
// spent most of the reader's time and allocations on it (a token, a name and
// attribute strings for every element). scanCells reads the few elements a
// worksheet's cells are made of straight from the bytes: row, c (r, t, s),
// v, f, is, t, rPh. Prefixed names (x:c) are accepted; comments, processing
// instructions and CDATA sections are handled; entities and character
// references are decoded and line ends normalised as encoding/xml does. A
// tag that does not end is an error. A worksheet's cells are in its
// sheetData: what follows its end is decompressed (and so checked against
// the part's size and CRC-32) but not parsed. scan_test.go holds it to the
// encoding/xml reading of reference_test.go.

// scanError is a worksheet that cannot be parsed.
type scanError struct {
	off int
	msg string
}

func (e *scanError) Error() string { return fmt.Sprintf("第 %d 字节：%s", e.off, e.msg) }

// tag is one start or end tag.
type tag struct {
	fullName  []byte // the name with its prefix, if any
	name      []byte // local name
	end       bool   // </name>
	selfClose bool   // <name/>
	attrs     []byte // the raw attribute text
}

// nextAttr splits the first attribute off raw attribute text: its local
// name (any prefix dropped), its raw value and the text after it; ok is false
// when no well-formed attribute is left.
func nextAttr(a []byte) (key, val, rest []byte, ok bool) {
	i := 0
	for i < len(a) && isSpace(a[i]) {
		i++
	}
	// the key: up to =, without the spaces around it and any prefix (the
	// bytes are looked at one by one: a key is a few of them)
	eq := indexByte(a, i, '=')
	if eq < 0 {
		return nil, nil, nil, false
	}
	key = a[i:eq]
	if len(key) > 0 && (key[0] <= ' ' || key[0] >= 0x80 || key[len(key)-1] <= ' ' || key[len(key)-1] >= 0x80) {
		key = bytes.TrimSpace(key) // Unicode spaces too
	}
	if c := indexByte(key, 0, ':'); c > 0 && c < len(key)-1 {
		key = key[c+1:] // a prefix, split off as parseTag does
	}
	// the value: quoted, after spaces
	j := eq + 1
	for j < len(a) && isSpace(a[j]) {
		j++
	}
	if j == len(a) || (a[j] != '"' && a[j] != '\'') {
		return nil, nil, nil, false
	}
	q := indexByte(a, j+1, a[j])
	if q < 0 {
		return nil, nil, nil, false
	}
	return key, a[j+1 : q], a[q+1:], true
}

// indexByte is the index of the first c in b from i on, -1 if none: as
// bytes.IndexByte, for the short distances of markup (a name, a value),
// where a loop costs less than its call.
func indexByte(b []byte, i int, c byte) int {
	for ; i < len(b); i++ {
		if b[i] == c {
			return i
		}
	}
	return -1
}

// attr returns an attribute's raw value.
func (t *tag) attr(name string) []byte {
	for a := t.attrs; ; {
		key, val, rest, ok := nextAttr(a)
		if !ok {
			return nil
		}
		if string(key) == name {
			return val
		}
		a = rest
	}
}

// cellAttrs returns a cell's r, s and t attributes in one pass over its
// attributes, as attr would return each.
func (t *tag) cellAttrs() (r, s, typ []byte) {
	var seenR, seenS, seenT bool
	for a := t.attrs; ; {
		var key, v, rest []byte
		if len(a) >= 5 && a[0] == ' ' && a[1] > ' ' && a[1] < utf8.RuneSelf && a[1] != '=' && a[1] != ':' && a[2] == '=' && (a[3] == '"' || a[3] == '\'') {
			// ` k="v"`, as every office suite writes a cell's attributes:
			// what nextAttr reads of it, without its general case
			q := indexByte(a, 4, a[3])
			if q < 0 {
				return
			}
			key, v, rest = a[1:2], a[4:q], a[q+1:]
		} else {
			var ok bool
			if key, v, rest, ok = nextAttr(a); !ok {
				return
			}
			if attrPrefixed(a) {
				// y:r="D9" is another vocabulary's attribute, not the
				// cell's reference (a cell's attributes have no prefix)
				key = nil
			}
		}
		switch string(key) {
		case "r":
			if !seenR {
				r, seenR = v, true
			}
		case "s":
			if !seenS {
				s, seenS = v, true
			}
		case "t":
			if !seenT {
				typ, seenT = v, true
			}
		}
		a = rest
	}
}

// attrPrefixed reports whether the first attribute of a (as nextAttr reads it)
// has a prefix: a colon in its name, not first nor last.
func attrPrefixed(a []byte) bool {
	i := 0
	for i < len(a) && isSpace(a[i]) {
		i++
	}
	eq := indexByte(a, i, '=')
	if eq < 0 {
		return false
	}
	key := bytes.TrimSpace(a[i:eq])
	c := bytes.IndexByte(key, ':')
	return c > 0 && c < len(key)-1
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// decodedRaw is a raw attribute value as encoding/xml gives it, entities and
// character references decoded (s="&#54;" is s="6" to every reader) and
// line ends made \n: the raw bytes themselves when there is nothing to
// decode, as in what office suites write. A value that does not decode is
// given as it is, and refused where it is used.
func decodedRaw(raw []byte) []byte {
	if indexByte(raw, 0, '&') < 0 && indexByte(raw, 0, '\r') < 0 {
		return raw
	}
	v, err := appendText(nil, raw)
	if err != nil {
		return raw
	}
	return v
}

// attrInt reads a number attribute (a style's index, a row's number, a
// format's id) as openpyxl and LibreOffice read it: decoded, and with the
// spaces around it ignored (s=" 6 " is style 6, not the default).
func attrInt(raw []byte) (int, error) {
	return strconv.Atoi(string(bytes.Trim(decodedRaw(raw), " \t\r\n")))
}

// scanner walks a worksheet's bytes. With a reader it holds only a window
// of the part: the text before a tag and the tag itself (at most maxToken
// bytes), so a part of any size is scanned in bounded memory.
type scanner struct {
	data []byte
	pos  int
	r    io.Reader // nil: data is the whole part
	base int       // offset of data[0] in the part
	eof  bool
	win  *[]byte // the pooled window data is (see putWindow)
	// tagsOnly reads every tag one by one, plain markup too (plainCell,
	// plainString): tests hold the two readings to each other; plain
	// counts the cells and strings read as plain markup
	tagsOnly bool
	plain    int
}

// window is the scanner's read size; maxToken the longest text and tag it
// holds at once (a cell's text is at most 32,767 characters).
const (
	window   = 64 << 10
	maxToken = 8 << 20
)

// errToken is a run of text, a tag or a comment longer than maxToken.
const errToken = constError("标签或文本过长")

// next returns the next tag's body (between < and >, for parseTag) and the
// text before it (raw, undecoded); a comment, instruction or declaration is
// a nil body (a zero tag). At the end it returns ok false. The caller parses
// the body into a tag of its own stack: returning the tag (five slices)
// through try cost more than reading it, and filling one through a pointer
// costs a write barrier for each slice while the GC runs.
func (s *scanner) next() (text, body []byte, ok bool, err error) {
	for {
		text, body, ok, more, err := s.try()
		if !more {
			return text, body, ok, err
		}
		if err := s.fill(); err != nil {
			return nil, nil, false, err
		}
	}
}

// fill moves the unread bytes to the front of the window and reads more.
func (s *scanner) fill() error {
	n := copy(s.data, s.data[s.pos:])
	s.base += s.pos
	s.data, s.pos = s.data[:n], 0
	if n == cap(s.data) {
		if n >= maxToken {
			return &scanError{s.base, errToken.Error()}
		}
		grown := make([]byte, n, 2*n)
		copy(grown, s.data)
		s.data = grown
	}
	for {
		m, err := s.r.Read(s.data[n:cap(s.data)])
		s.data = s.data[:n+m]
		if err == io.EOF {
			s.eof = true
			return nil
		}
		if err != nil {
			return err
		}
		if m > 0 {
			return nil
		}
	}
}

// drain reads the rest of the part without looking at it: what the part's
// reader checks at its end (its size, its CRC-32, the limits) is checked.
func (s *scanner) drain() error {
	s.pos = len(s.data)
	if s.r == nil || s.eof {
		return nil
	}
	buf := s.data[:cap(s.data)]
	for {
		_, err := s.r.Read(buf)
		if err == io.EOF {
			s.eof = true
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// try reads the next tag from the window; more is true when the window ends
// before it does and the part has more.
func (s *scanner) try() (text, body []byte, ok, more bool, err error) {
	start, pos := s.pos, s.pos
	partial := s.r != nil && !s.eof
	for {
		i := indexLT(s.data[pos:])
		if i < 0 {
			if partial {
				return nil, nil, false, true, nil
			}
			s.pos = len(s.data)
			return s.data[start:], nil, false, false, nil
		}
		lt := pos + i
		if lt+1 >= len(s.data) && partial {
			return nil, nil, false, true, nil
		}
		if lt+1 < len(s.data) && (s.data[lt+1] == '!' || s.data[lt+1] == '?') {
			after, cdata, err := s.markup(lt)
			if err != nil {
				if partial {
					return nil, nil, false, true, nil
				}
				return nil, nil, false, false, err
			}
			pos = after
			if cdata { // CDATA is text: it stays in the text, decoded by appendText
				continue
			}
			// a comment, instruction or declaration: no tag
			s.pos = after
			return s.data[start:lt], nil, true, false, nil
		}
		j := tagEnd(s.data, lt+1)
		if j < 0 {
			if partial {
				return nil, nil, false, true, nil
			}
			return nil, nil, false, false, &scanError{s.base + lt, "标签没有结束"}
		}
		s.pos = j + 1
		return s.data[start:lt], s.data[lt+1 : j], true, false, nil
	}
}

// indexLT is bytes.IndexByte(d, '<'), looking at the first bytes one by
// one: the text between two tags of a worksheet is mostly short or none.
func indexLT(d []byte) int {
	n := min(len(d), 16)
	for i := 0; i < n; i++ {
		if d[i] == '<' {
			return i
		}
	}
	if n == len(d) {
		return -1
	}
	if i := bytes.IndexByte(d[n:], '<'); i >= 0 {
		return n + i
	}
	return -1
}

// tagStop marks the bytes tagEnd stops at: the end of a tag and the quotes
// an attribute's value is in.
var tagStop = [256]bool{'>': true, '"': true, '\'': true}

// tagEnd is the index of the first > outside quotes from i on; -1 when
// there is none.
func tagEnd(d []byte, i int) int {
	for i < len(d) {
		c := d[i]
		if !tagStop[c] {
			i++
			continue
		}
		if c == '>' {
			return i
		}
		q := indexByte(d, i+1, c)
		if q < 0 {
			return -1
		}
		i = q + 1
	}
	return -1
}

// errUnread is markup cut by the end of the window, the part not read to
// its end: try reads more, and never returns it. (The first markup of a
// part, its declaration, mostly is: the part's first read gives the two
// bytes read ahead of it, see Book.part.)
var errUnread = &scanError{msg: "未读完"}

// markup finds the end of the CDATA section, comment, processing
// instruction or declaration that starts at lt (a < followed by ! or ?).
func (s *scanner) markup(lt int) (after int, cdata bool, err error) {
	rest := s.data[lt:]
	skip := func(open, close, what string) (int, error) {
		end := bytes.Index(rest[min(len(open), len(rest)):], []byte(close))
		if end < 0 {
			return 0, &scanError{s.base + lt, what + "没有结束"}
		}
		return lt + len(open) + end + len(close), nil
	}
	switch {
	case len(rest) < 9 && s.r != nil && !s.eof:
		return 0, false, errUnread // more is read first
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		after, err = skip("<![CDATA[", "]]>", "CDATA ")
		return after, true, err
	case bytes.HasPrefix(rest, []byte("<!--")):
		after, err = skip("<!--", "-->", "注释")
	case bytes.HasPrefix(rest, []byte("<?")):
		after, err = skip("<?", "?>", "处理指令")
	default:
		end := directiveEnd(rest)
		if end < 0 {
			return 0, false, &scanError{s.base + lt, "声明没有结束"}
		}
		after = lt + end
	}
	return after, false, err
}

// directiveEnd is the index just past the '>' that ends the declaration at
// the start of d ("<!…"), found as encoding/xml finds it: the byte after
// "<!" is taken as it is, whatever it is; after it, angle brackets in
// quotes do not count, others nest, and a comment inside is passed whole;
// -1 when d ends first.
func directiveEnd(d []byte) int {
	var quote byte
	depth := 0
	for i := 3; i < len(d); i++ {
		switch b := d[i]; {
		case quote != 0:
			if b == quote {
				quote = 0
			}
		case b == '>':
			if depth == 0 {
				return i + 1
			}
			depth--
		case b == '\'' || b == '"':
			quote = b
		case b == '<':
			if !bytes.HasPrefix(d[i:], []byte("<!--")) {
				depth++
				continue
			}
			end := bytes.Index(d[i+4:], []byte("-->"))
			if end < 0 {
				return -1
			}
			i += 4 + end + 2 // at the comment's '>'
		}
	}
	return -1
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
	t.fullName = t.name
	// a prefix is split off as encoding/xml does: not an empty one (":c"
	// is a name of its own, not c), nor before an empty local name
	for i, c := range t.name {
		if c == ':' {
			if i > 0 && i < len(t.name)-1 {
				t.name = t.name[i+1:]
			}
			break
		}
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
		i := indexText(raw)
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

// textStop marks the bytes appendText acts on: an entity's &, the < of a
// CDATA section (or a stray one) and a carriage return.
var textStop = [256]bool{'&': true, '<': true, '\r': true}

// indexText is bytes.IndexAny(raw, "&<\r"), looking at the bytes one by one
// in a table: IndexAny makes its set of bytes at each call, and a cell's
// value is a few bytes.
func indexText(raw []byte) int {
	for i, c := range raw {
		if textStop[c] {
			return i
		}
	}
	return -1
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
func scanCells(data []byte, sst []string, sheet string) ([]Cell, error) {
	c := &cellScan{sst: sst, sheet: sheet}
	err := c.scan(&scanner{data: data})
	return c.out, err
}

// scan reads the cells of a worksheet. Its states and transitions are those
// of the encoding/xml reading it replaced (a self-closing tag is a start and
// an end).
func (c *cellScan) scan(s *scanner) error {
	err := c.scanTags(s)
	c.values()
	return err
}

// fail is a worksheet that cannot be read.
func (c *cellScan) fail(err error) error {
	return fmt.Errorf("工作表“%s”无法解析：%w", c.sheet, err)
}

// addText takes a text of a cell's value: kept, or only marked when the
// cell is skipped.
func (c *cellScan) addText(raw []byte) error {
	if c.skip {
		c.skipped = true
		return nil
	}
	var err error
	if c.text, err = appendText(c.text, raw); err != nil {
		return c.fail(err)
	}
	return nil
}

func (c *cellScan) scanTags(s *scanner) error {
	for {
		raw, body, ok, err := s.next()
		if err != nil {
			return c.fail(err)
		}
		if (c.in == inV || (c.in == inT && c.inPh == 0)) && len(raw) > 0 {
			if err := c.addText(raw); err != nil {
				return err
			}
		}
		if !ok {
			return nil
		}
		t := parseTag(body)
		el := element(t.name)
		if el == elOther {
			continue
		}
		if el == elSheetData {
			if !t.end && !t.selfClose {
				continue
			}
			// the cells are all read: the rest of the part (conditional
			// formats, data validations, page setup: often a third of it)
			// is decompressed, so that its size and CRC-32 are checked,
			// but not parsed
			if err := s.drain(); err != nil {
				return c.fail(err)
			}
			return nil
		}
		if !t.end {
			if err := c.open(el, &t); err != nil {
				return err
			}
		}
		if !t.end && !t.selfClose {
			if el == elC && !s.tagsOnly {
				if err := c.plainCell(s); err != nil {
					return err
				}
			}
			continue
		}
		if err := c.close(el); err != nil {
			return err
		}
	}
}

// plainCell reads, right after a cell's start tag, what most cells hold as
// every office suite writes it — <v>text</v>, <f>text</f> and the cell's
// end tag </c>, unprefixed and without attributes — straight from the
// window, taking each as scanTags takes its tags (open, the text, close)
// without tokenizing them: some 5,700 of the 9,400 tags of a filled
// template's worksheets (a value's three, a formula's three, an empty
// cell's end). It stops at anything else (another element, markup in the
// text, a prefix, the end of the window), which scanTags then reads from
// there; an error is the one scanTags would return.
func (c *cellScan) plainCell(s *scanner) error {
	for {
		d := s.data[s.pos:]
		if len(d) < 4 || d[0] != '<' {
			return nil
		}
		switch {
		case d[1] == '/' && d[2] == 'c' && d[3] == '>':
			s.pos += 4
			s.plain++
			return c.close(elC)
		case d[2] == '>' && (d[1] == 'v' || d[1] == 'f'):
			el := elV
			if d[1] == 'f' {
				el = elF
			}
			// the text, up to the next <, which must be the element's end
			i := indexLT(d[3:])
			if i < 0 {
				return nil
			}
			end := 3 + i
			if len(d) < end+4 || d[end+1] != '/' || d[end+2] != d[1] || d[end+3] != '>' {
				return nil
			}
			c.open(el, nil) // takes no attribute
			if raw := d[3:end]; c.in == inV && len(raw) > 0 {
				if err := c.addText(raw); err != nil {
					return err
				}
			}
			s.pos += end + 4
			if err := c.close(el); err != nil {
				return err
			}
		default:
			return nil
		}
	}
}

// The elements of a worksheet the scanner acts on.
const (
	elOther = iota
	elRow
	elC
	elV
	elF
	elIs
	elT
	elRPh
	elSi
	elSheetData
)

// What the text read belongs to.
const (
	inNone = iota
	inV
	inT
	inF
)

func element(name []byte) int {
	switch string(name) {
	case "c":
		return elC
	case "v":
		return elV
	case "row":
		return elRow
	case "f":
		return elF
	case "is":
		return elIs
	case "t":
		return elT
	case "rPh":
		return elRPh
	case "si":
		return elSi
	case "sheetData":
		return elSheetData
	}
	return elOther
}

// cellType is a cell's t attribute as a string, without allocating for the
// types there are.
func cellType(t []byte) string {
	switch string(t) {
	case "":
		return ""
	case "s":
		return "s"
	case "n":
		return "n"
	case "str":
		return "str"
	case "inlineStr":
		return "inlineStr"
	case "b":
		return "b"
	case "e":
		return "e"
	case "d":
		return "d"
	}
	return string(t)
}

// cellScan is what scanCells knows between two tags.
type cellScan struct {
	sst      []string
	sheet    string
	out      []Cell
	row, col int
	hidden   bool // the row is hidden
	cur      Cell
	inCell   bool
	text     []byte
	in       int // inV, inT (inline) or inF: the element whose text is read
	isString bool
	inPh     int
	vDone    bool // the current cell's <v> was read: a second one is not its value

	// bounded: only the cells in reg are stored, and only while the
	// workbook's stored cells stay under MaxKeptCells and MaxKeptBytes
	// (keptBefore and keptBytesBefore were stored by the sheets before)
	bounded                     bool
	reg                         Region
	keptBefore, keptBytesBefore int

	skip     bool // the current cell is not stored
	skipped  bool // it has a value
	ignored  int  // cells with a value or formula not stored
	outBytes int  // the bytes of the stored cells' values

	// The stored cells' values are copied into arena, and made one string
	// for the sheet by values, rather than a string per cell. The current
	// cell's value is arena[start:] when inArena; sstDone says its shared
	// string was already looked up (Value is the string, not its number).
	arena   []byte
	start   int
	keptEnd int // the end of the last stored cell's value in arena
	inArena bool
	sstDone bool
	spans   []span // where in arena each stored cell's value is
}

// span is a stored cell's value in the arena: c.out[cell].Value is
// arena[from:to].
type span struct{ cell, from, to int32 }

// values gives the stored cells their values from the arena: one string.
func (c *cellScan) values() {
	if len(c.spans) == 0 {
		return
	}
	all := string(c.arena)
	for _, s := range c.spans {
		c.out[s.cell].Value = all[s.from:s.to]
	}
	c.spans = c.spans[:0]
}

// setText makes the current cell's value the text read (a <v>): a shared
// string's number is looked up at once when it is plain digits, other text
// is copied into the arena.
func (c *cellScan) setText() {
	c.arena = c.arena[:c.start] // what a value read before wrote is dropped
	c.inArena, c.sstDone = false, false
	if c.cur.Type == "s" {
		if i, ok := plainIndex(c.text); ok && i < len(c.sst) {
			c.cur.Value, c.sstDone = c.sst[i], true
			return
		}
		c.cur.Value = string(c.text)
		return
	}
	c.arena = append(c.arena, c.text...)
	c.cur.Value, c.inArena = "", true
}

// plainIndex reads a shared string's number written as plain digits, as
// strconv.Atoi would; ok is false for anything else (spaces, signs, long
// numbers), which finish reads.
func plainIndex(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, d := range b {
		if d < '0' || d > '9' {
			return 0, false
		}
		n = n*10 + int(d-'0')
	}
	return n, true
}

// stores says whether a cell at row and col is stored.
func (c *cellScan) stores(row, col int) bool {
	if !c.bounded {
		return true
	}
	if reg := c.reg; reg.MaxRow > 0 && row > reg.MaxRow || reg.MaxCol > 0 && col > reg.MaxCol {
		return false
	}
	return c.keptBefore+len(c.out) < MaxKeptCells && c.keptBytesBefore+c.outBytes < MaxKeptBytes
}

// open takes a start tag (or a self-closing one).
func (c *cellScan) open(el int, t *tag) error {
	switch el {
	case elRow:
		if r, err := attrInt(t.attr("r")); err == nil && r > 0 {
			c.row = r
		} else {
			c.row++
		}
		c.col = 0
		h := decodedRaw(t.attr("hidden"))
		c.hidden = string(h) == "1" || string(h) == "true"
	case elC:
		c.col++
		ref, style, typ := t.cellAttrs()
		ref, style, typ = decodedRaw(ref), decodedRaw(style), decodedRaw(typ)
		if len(ref) > 0 {
			col, row, ok := splitRef(ref)
			if !ok {
				return fmt.Errorf("工作表“%s”：单元格地址 %q 无效", c.sheet, ref)
			}
			c.col, c.row = col, row
		}
		c.skip, c.skipped = !c.stores(c.row, c.col), false
		c.inCell, c.isString, c.vDone = true, false, false
		if c.skip {
			break
		}
		st := 0 // as strconv.Atoi reads an absent s: 0 (and no error made)
		if n, ok := plainIndex(style); ok {
			st = n // plain digits: what strconv.Atoi reads
		} else if len(style) > 0 {
			st, _ = attrInt(style)
		}
		c.cur = Cell{Row: c.row, Col: c.col, Type: cellType(typ), Style: st, HiddenRow: c.hidden}
		c.arena = c.arena[:c.keptEnd] // what a cell left unclosed wrote is dropped
		c.start, c.inArena, c.sstDone = c.keptEnd, false, false
	case elV, elF:
		c.in, c.text = inV, c.text[:0]
		if el == elF {
			c.in = inF
			if c.inCell {
				c.cur.Formula = true
				c.skipped = true
			}
		}
	case elIs:
		c.isString, c.text = true, c.text[:0]
	case elT:
		if c.isString {
			c.in = inT
		}
	case elRPh:
		c.inPh++
	}
	return nil
}

// close takes an end tag (or a self-closing one).
func (c *cellScan) close(el int) error {
	switch el {
	case elV:
		// the first <v> is the cell's value, as openpyxl and LibreOffice
		// read it (<v>362</v><v/> is 362)
		if c.inCell && !c.skip && !c.vDone {
			c.setText()
		}
		c.vDone = c.vDone || c.inCell
		c.in = inNone
	case elF:
		c.in = inNone
	case elT:
		if c.in == inT {
			c.in = inNone
		}
	case elIs:
		if c.inCell && !c.skip {
			c.arena = c.arena[:c.start]
			c.inArena, c.sstDone = false, false
			if c.cur.Type != "s" && !bytes.Contains(c.text, []byte("_x")) {
				c.arena = append(c.arena, c.text...)
				c.cur.Value, c.inArena = "", true
			} else {
				c.cur.Value = DecodeEscapes(string(c.text))
			}
		}
		c.isString = false
	case elRPh:
		c.inPh--
	case elC:
		if c.inCell && c.skip {
			if c.skipped {
				c.ignored++
			}
		} else if c.inCell {
			var keep bool
			n := len(c.cur.Value)
			switch {
			case c.inArena: // a value of the arena: no shared string to look up
				n = len(c.arena) - c.start
				keep = n > 0 || c.cur.Formula
			case c.sstDone:
				keep = c.cur.Value != "" || c.cur.Formula
			default:
				var err error
				if keep, err = finish(&c.cur, c.sst, c.sheet); err != nil {
					return err
				}
				n = len(c.cur.Value)
			}
			if keep {
				if c.inArena {
					c.spans = append(c.spans, span{int32(len(c.out)), int32(c.start), int32(len(c.arena))})
					c.keptEnd = len(c.arena)
				}
				c.out = append(c.out, c.cur)
				c.outBytes += n
			}
			c.arena = c.arena[:c.keptEnd]
		}
		c.inCell, c.skip = false, false
		c.inArena, c.sstDone = false, false
		c.cur = Cell{}
	}
	return nil
}

// finish resolves a cell's value (a shared string's text).
func finish(cur *Cell, sst []string, sheet string) (bool, error) {
	if cur.Type == "s" {
		i, err := strconv.Atoi(strings.TrimSpace(cur.Value))
		if err != nil || i < 0 || i >= len(sst) {
			return false, fmt.Errorf("工作表“%s”单元格 %s：共享字符串编号 %q 无效", sheet, CellName(cur.Col, cur.Row), cur.Value)
		}
		cur.Value = sst[i]
	}
	return cur.Value != "" || cur.Formula, nil
}

// Shared strings are bounded: a report's workbook has a few thousand; a
// table of millions of tiny strings is refused rather than held.
const (
	maxStrings     = 500_000
	maxStringBytes = 16 << 20
)

// errStrings is a shared-strings table beyond those bounds.
var errStrings = fmt.Errorf("共享字符串超过上限（%d 个或 %d MB）", maxStrings, maxStringBytes>>20)

// scanStringsFrom reads the shared strings: the text of each <si>, its
// runs joined, phonetic guides (<rPh>) left out, as the encoding/xml
// reading did; into one string (the strings are slices of it).
func scanStringsFrom(s *scanner) ([]string, error) {
	var (
		inT  bool
		inPh int
	)
	// the text and the ends of the strings are gathered in buffers kept
	// from book to book: only the one string they are copied into is new
	sb, _ := sstBufs.Get().(*sstBuf)
	if sb == nil {
		sb = new(sstBuf)
	}
	buf, ends := sb.text[:0], sb.ends[:0]
	defer func() {
		if cap(buf) <= 1<<20 && cap(ends) <= 1<<16 {
			sb.text, sb.ends = buf[:0], ends[:0]
			sstBufs.Put(sb)
		}
	}()
	done := func() []string {
		all := string(buf)
		out := make([]string, len(ends))
		start := 0
		for i, e := range ends {
			out[i], start = all[start:e], e
		}
		return out
	}
	for {
		raw, body, ok, err := s.next()
		if err != nil {
			return done(), err
		}
		if inT && inPh == 0 && len(raw) > 0 {
			if buf, err = appendText(buf, raw); err != nil {
				return done(), err
			}
			if len(buf) > maxStringBytes {
				return nil, errStrings
			}
		}
		if !ok {
			return done(), nil
		}
		t := parseTag(body)
		el := element(t.name)
		if el == elSi && !t.end && !t.selfClose && !s.tagsOnly {
			// <si><t>text</t></si>, as most strings are written: taken
			// as the tags would be, without tokenizing them
			if n, end := plainString(s.data[s.pos:]); n > 0 {
				buf = buf[:lastEnd(ends)]
				if raw := s.data[s.pos+n : s.pos+end]; inPh == 0 && len(raw) > 0 {
					if buf, err = appendText(buf, raw); err != nil {
						return done(), err
					}
					if len(buf) > maxStringBytes {
						return nil, errStrings
					}
				}
				inT = false
				if len(ends) >= maxStrings {
					return nil, errStrings
				}
				ends = append(ends, len(buf))
				s.pos += end + len("</t></si>")
				s.plain++
				continue
			}
		}
		if !t.end {
			switch el {
			case elSi:
				buf = buf[:lastEnd(ends)]
			case elT:
				inT = true
			case elRPh:
				inPh++
			}
		}
		if !t.end && !t.selfClose {
			continue
		}
		switch el {
		case elSi:
			if len(ends) >= maxStrings {
				return nil, errStrings
			}
			ends = append(ends, len(buf))
		case elT:
			inT = false
		case elRPh:
			inPh--
		}
	}
}

// plainString reads what follows a shared string's <si> in the window when
// it is <t>text</t></si> (the <t> may keep its spaces, xml:space="preserve"):
// the text is d[n:end], the string ends at end+len("</t></si>"); n is 0
// for anything else (markup in the text, a prefix, the end of the window).
func plainString(d []byte) (n, end int) {
	switch {
	case bytes.HasPrefix(d, []byte("<t>")):
		n = len("<t>")
	case bytes.HasPrefix(d, []byte(`<t xml:space="preserve">`)):
		n = len(`<t xml:space="preserve">`)
	default:
		return 0, 0
	}
	i := indexLT(d[n:])
	if i < 0 || !bytes.HasPrefix(d[n+i:], []byte("</t></si>")) {
		return 0, 0
	}
	return n, n + i
}

// sstBuf is scanStringsFrom's buffers.
type sstBuf struct {
	text []byte
	ends []int
}

var sstBufs sync.Pool

func lastEnd(ends []int) int {
	if len(ends) == 0 {
		return 0
	}
	return ends[len(ends)-1]
}

// scanStyles reads the number formats (id → format code) and the number
// format of each cell format (cellXfs), as the encoding/xml reading did.
func scanStyles(data []byte) (custom map[int]string, ids []int, err error) {
	s := &scanner{data: data}
	custom = map[int]string{}
	// the cell formats are those of <numFmts> and <cellXfs>: a <numFmt>
	// of a conditional format's <dxf> is not a cell's, nor is an <xf> of
	// <cellStyleXfs>
	inXfs, inFmts := false, false
	for {
		_, body, ok, err := s.next()
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return custom, ids, nil
		}
		t := parseTag(body)
		name := t.name
		if !t.end {
			switch string(name) {
			case "numFmts":
				inFmts = true
			case "numFmt":
				if !inFmts {
					break
				}
				if id, err := attrInt(t.attr("numFmtId")); err == nil {
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
					id, _ := attrInt(t.attr("numFmtId"))
					ids = append(ids, id)
				}
			}
		}
		if t.end || t.selfClose {
			switch string(name) {
			case "cellXfs":
				inXfs = false
			case "numFmts":
				inFmts = false
			}
		}
	}
}
