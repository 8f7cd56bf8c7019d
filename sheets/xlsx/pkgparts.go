package xlsx

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
)

// The package's small parts — the relationships, xl/workbook.xml, the
// custom properties — were read with encoding/xml, whose decoder, tokens
// and attribute strings cost as much as reading a few worksheets. They are
// now read with the worksheet scanner when the part is plain XML, which is
// what every office suite writes: valid UTF-8 of XML characters, no
// comments, CDATA sections, DOCTYPE or processing instructions (but a UTF-8
// declaration of version 1.0 at the very start), names of ASCII name
// characters with at most one colon, every attribute quoted, every entity
// one of XML's five or a character reference. On plain XML the scanner
// tokenizes as encoding/xml's RawToken does; on anything else (and on a
// part that cannot be decompressed) the part is read by encoding/xml as it
// always was, so what is read, and every error, stays encoding/xml's.
// pkgparts_test.go holds the two readings to each other.

// xmlOnly makes every part read by encoding/xml: the reference the tests
// hold the scanner's reading to.
var xmlOnly = false

// plainTags calls fn with every tag of a plain part and the text before it
// (decoded); it returns false, having stopped, when the part is not plain.
func plainTags(data []byte, fn func(text []byte, t *tag)) bool {
	if xmlOnly || !plainChars(data) {
		return false
	}
	rest := data
	if bytes.HasPrefix(rest, []byte("<?xml")) {
		end := bytes.Index(rest, []byte("?>"))
		if end < 0 || !plainDecl(rest[len("<?xml"):end]) {
			return false
		}
		rest = rest[end+2:]
	}
	if bytes.Contains(rest, []byte("<!")) || bytes.Contains(rest, []byte("<?")) {
		return false
	}
	s := &scanner{data: rest}
	var buf, text []byte
	t := new(tag) // one for the part (fn's pointer makes it the heap's), not one a tag
	for {
		raw, body, ok, err := s.next()
		if err != nil {
			return false
		}
		switch {
		case indexText(raw) < 0:
			text = raw // nothing to decode: the text is its bytes
		default:
			if buf, err = appendText(buf[:0], raw); err != nil {
				return false
			}
			text = buf
		}
		if !ok {
			return true
		}
		*t = parseTag(body)
		if !plainTag(t) {
			return false
		}
		fn(text, t)
	}
}

// plainChars reports whether data is valid UTF-8 of XML characters only.
func plainChars(data []byte) bool {
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 || !isXMLChar(r) {
			return false
		}
		i += n
	}
	return true
}

// plainDecl reports whether an XML declaration's content (after <?xml) is
// one encoding/xml accepts without a charset reader: version 1.0, UTF-8.
func plainDecl(content []byte) bool {
	if len(content) == 0 || !isSpace(content[0]) {
		return false
	}
	a := content
	for {
		key, val, rest, ok := nextAttr(a)
		if !ok {
			return len(bytes.TrimSpace(a)) == 0
		}
		switch string(key) {
		case "version":
			if string(val) != "1.0" {
				return false
			}
		case "encoding":
			if !strings.EqualFold(string(val), "utf-8") {
				return false
			}
		case "standalone":
		default:
			return false
		}
		a = rest
	}
}

// plainTag reports whether a tag is one whose name and attributes the
// scanner reads as encoding/xml does: plain names, every attribute quoted
// and decodable, nothing else.
func plainTag(t *tag) bool {
	// parseTag dropped a prefix from the name: the name is checked whole
	if !plainName(t.fullName) {
		return false
	}
	if t.end {
		return len(bytes.TrimSpace(t.attrs)) == 0 && !t.selfClose
	}
	if len(t.attrs) > 0 && !isSpace(t.attrs[0]) {
		return false
	}
	var scratch [64]byte
	for a := t.attrs; ; {
		_, val, rest, ok := nextAttr(a) // its key has lost the prefix:
		if !ok {
			return len(bytes.TrimSpace(a)) == 0
		}
		eq := bytes.IndexByte(a, '=') // the name is checked whole
		if !plainName(bytes.TrimSpace(a[:eq])) {
			return false
		}
		// a value without &, < or a carriage return is its text (most
		// are, and a relationship's type is longer than scratch)
		if indexText(val) < 0 {
			a = rest
			continue
		}
		if _, err := appendText(scratch[:0], val); err != nil {
			return false
		}
		a = rest
	}
}

// plainName is an ASCII XML name with at most one colon, not at either end.
func plainName(n []byte) bool {
	if len(n) == 0 {
		return false
	}
	colons := 0
	for i, c := range n {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case c == ':':
			colons++
			if i == 0 || i == len(n)-1 || colons > 1 {
				return false
			}
		case i > 0 && (c >= '0' && c <= '9' || c == '.' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// attrText is a tag's attribute decoded, as encoding/xml gives it ("" when
// absent); the tag is plain.
func (t *tag) attrText(name string) string { return decodedAttr(t.attr(name)) }

// decodedAttr is decodedRaw(raw) as a string.
func decodedAttr(raw []byte) string { return string(decodedRaw(raw)) }

// rel is one relationship of a _rels part.
type rel struct{ id, typ, target string }

// rel reads a plain Relationship tag: its Id, Type and Target as attrText
// gives each (the first of each), in one pass over its attributes; a type
// of those every workbook has is not copied, and an id or target that
// needs no decoding is a substring of the part's text (see partText).
func (t *tag) rel(pt partText) rel {
	var id, typ, target []byte
	var seenID, seenType, seenTarget bool
	for a := t.attrs; ; {
		key, v, rest, ok := nextAttr(a)
		if !ok {
			break
		}
		switch string(key) {
		case "Id":
			if !seenID {
				id, seenID = v, true
			}
		case "Type":
			if !seenType {
				typ, seenType = v, true
			}
		case "Target":
			if !seenTarget {
				target, seenTarget = v, true
			}
		}
		a = rest
	}
	r := rel{id: pt.attr(id), target: pt.attr(target)}
	if known, ok := relTypes[string(typ)]; ok {
		r.typ = known // no entity or line end: its text is itself
	} else {
		r.typ = decodedAttr(typ)
	}
	return r
}

// partText is a part's bytes and the same as one string, made once: the
// values read from it that need no decoding are substrings of it rather
// than a string each.
type partText struct {
	data []byte
	text string
}

func newPartText(data []byte) partText { return partText{data, string(data)} }

// attr is decodedAttr(raw), a substring of the part's text when raw is of
// data and needs no decoding.
func (pt partText) attr(raw []byte) string {
	// raw is data[off:off+len(raw)]: slices of data (never made with a
	// capacity of their own) keep its capacity from where they start
	off := cap(pt.data) - cap(raw)
	if off < 0 || off+len(raw) > len(pt.text) || len(raw) == 0 || string(raw) != pt.text[off:off+len(raw)] {
		return decodedAttr(raw)
	}
	if bytes.IndexByte(raw, '&') >= 0 || bytes.IndexByte(raw, '\r') >= 0 {
		return decodedAttr(raw)
	}
	return pt.text[off : off+len(raw)]
}

// relTypes are the relationship types of the parts every workbook has.
var relTypes = func() map[string]string {
	m := map[string]string{}
	for _, t := range []string{"officeDocument", "extended-properties", "custom-properties", "worksheet", "chartsheet", "styles", "theme", "sharedStrings", "calcChain", "drawing", "comments", "printerSettings", "table", "vmlDrawing", "hyperlink"} {
		m[nsRels+t] = nsRels + t
	}
	core := "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
	m[core] = core
	return m
}()

// nsRels is the relationship types' namespace.
const nsRels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

// rels returns the relationships of a _rels part, read once per book; a
// part that is missing or cannot be read gives the relationships before
// the fault (none when missing), as reading it token by token did.
func (b *Book) rels(name string) []rel {
	if rs, ok := b.relsRead[name]; ok {
		return rs
	}
	var rs []rel
	data, buf, err := b.readSmall(name)
	var pt partText
	if err == nil {
		pt = newPartText(data)
	}
	if err != nil || !plainTags(data, func(_ []byte, t *tag) {
		if !t.end && string(t.name) == "Relationship" {
			rs = append(rs, t.rel(pt))
		}
	}) {
		rs = b.relsXML(name, data, err)
	}
	putSmall(buf)
	if b.relsRead == nil {
		b.relsRead = map[string][]rel{}
	}
	b.relsRead[name] = rs
	return rs
}

// relsXML reads a _rels part with encoding/xml (from what reread gives for
// readSmall's data and error), up to its end or its first fault.
func (b *Book) relsXML(name string, data []byte, readErr error) []rel {
	r, err := b.reread(name, data, readErr)
	if err != nil {
		return nil
	}
	defer r.Close()
	var rs []rel
	d := xml.NewDecoder(r)
	for {
		tok, err := d.RawToken()
		if err != nil {
			return rs
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Relationship" {
			rs = append(rs, rel{id: attr(se, "Id"), typ: attr(se, "Type"), target: attr(se, "Target")})
		}
	}
}

// smalls are the buffers small parts are decompressed into.
var smalls = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxSmall is the most of a part readSmall holds: a larger part (no office
// suite writes one) is streamed through encoding/xml as it always was, so
// memory stays bounded whatever the part.
const maxSmall = 1 << 20

// errNotSmall is a part larger than maxSmall.
const errNotSmall = constError("部件过大，按流读取")

// readSmall decompresses a whole part of at most maxSmall bytes into a
// pooled buffer, returned to the pool with putSmall once data is no longer
// used.
func (b *Book) readSmall(name string) (data []byte, buf *bytes.Buffer, err error) {
	if f := b.files[name]; f != nil && f.UncompressedSize64 > maxSmall {
		return nil, nil, errNotSmall
	}
	return b.pooled(name, maxSmall)
}

// reread is a part for encoding/xml to read when the scanner did not: the
// data readSmall decompressed when it could (readErr nil), else the part
// opened anew.
func (b *Book) reread(name string, data []byte, readErr error) (io.ReadCloser, error) {
	if readErr == nil {
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	return b.part(name)
}

func putSmall(buf *bytes.Buffer) {
	if buf != nil && buf.Cap() <= 1<<20 {
		smalls.Put(buf)
	}
}
