package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"

	"github.com/nianbao/nianbao/internal/freelist"
)

// Limits bound what a workbook may make the reader decompress.
type Limits struct {
	// MaxPart is the largest uncompressed size of one part (a worksheet, the
	// shared strings).
	MaxPart int64
	// MaxTotal is the most the reader decompresses from one workbook in all.
	MaxTotal int64
}

// DefaultLimits suit a school's report workbook: its parts are kilobytes.
func DefaultLimits() Limits { return Limits{MaxPart: 64 << 20, MaxTotal: 256 << 20} }

// ErrTooLarge is returned when a part or the whole workbook decompresses to
// more than the limits allow (a zip bomb, or not a report workbook).
const ErrTooLarge = constError("解压后的内容超过上限")

// constError is an error that can be a constant.
type constError string

func (e constError) Error() string { return string(e) }

// Sheet is a worksheet of the workbook, in tab order.
type Sheet struct {
	Name  string
	State string // visible, hidden or veryHidden
	part  string // zip path of the worksheet, "" for a chart sheet
}

// Hidden reports whether the sheet is hidden (or very hidden) in the
// workbook: a person opening it does not see it.
func (s Sheet) Hidden() bool { return s.State == "hidden" || s.State == "veryHidden" }

// Part is the zip path of the worksheet ("" for a chart sheet).
func (s Sheet) Part() string { return s.part }

// Cell is one stored cell.
type Cell struct {
	Row, Col int // 1-based
	// Type is the cell's t attribute: "" or "n" number, "s" shared string,
	// "str" formula string, "inlineStr", "b" boolean, "e" error, "d" ISO date.
	Type string
	// Value is the stored value: a number's text, a string's text (shared
	// strings resolved), "1"/"0" for a boolean, the error's text.
	Value string
	// Formula is true when the cell holds a formula (its Value is then a
	// cached result, which is never to be trusted).
	Formula bool
	// HiddenRow is true when the cell's row is hidden (<row hidden="1">).
	HiddenRow bool
	Style     int // index into the cell formats
}

// Numeric reports whether the cell stores a number.
func (c Cell) Numeric() bool { return c.Type == "" || c.Type == "n" }

// Book is an opened workbook.
type Book struct {
	Sheets   []Sheet
	Date1904 bool
	// Props are the custom document properties (name → value as text).
	Props map[string]string

	zr       *zip.Reader
	data     []byte // the whole file, when opened by OpenBytes
	files    map[string]*zip.File
	lim      Limits
	used     int64
	strings  []string
	formats  []format         // by cell format index
	kept     int              // cells stored by CellsIn so far
	relsRead map[string][]rel // the _rels parts read, by name
	arena    []byte           // CellsIn's buffer of values, reused from sheet to sheet
	spans    []span           // and of where each value is in it
	text     []byte           // and the buffer a value's text is decoded into
	slab     []Cell           // the cells CellsIn stored, sheet after sheet
	keptB    int              // and the bytes of their values
}

type format struct{ percent, date bool }

// Open reads a workbook's structure: its sheets, shared strings, cell formats
// and custom properties. Worksheets are read on demand with Cells.
func Open(r io.ReaderAt, size int64, lim Limits) (*Book, error) {
	return openBook(r, nil, size, lim)
}

// OpenBytes is Open of a workbook held in memory, whose parts are
// decompressed straight from data (see openPart).
func OpenBytes(data []byte, lim Limits) (*Book, error) {
	return openBook(bytes.NewReader(data), data, int64(len(data)), lim)
}

// OpenZip is OpenBytes of a workbook whose zip directory was read already
// (zr, read of data, as intake.LoadZip gives it): the directory is not
// read again. zr is the book's from then on.
func OpenZip(zr *zip.Reader, data []byte, lim Limits) (*Book, error) {
	zr.RegisterDecompressor(zip.Deflate, inflate) // as NewZipReader
	return openZip(zr, data, lim)
}

func openBook(r io.ReaderAt, data []byte, size int64, lim Limits) (*Book, error) {
	zr, err := NewZipReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("不是有效的 xlsx（zip）文件：%w", err)
	}
	return openZip(zr, data, lim)
}

func openZip(zr *zip.Reader, data []byte, lim Limits) (*Book, error) {
	b := &Book{zr: zr, data: data, files: make(map[string]*zip.File, len(zr.File)), lim: lim, Props: map[string]string{}}
	for _, f := range zr.File {
		name := f.Name
		if !cleanName(name) {
			name = strings.TrimPrefix(path.Clean("/"+name), "/")
		}
		// two entries of one part ("xl/./worksheets/sheet4.xml" beside
		// xl/worksheets/sheet4.xml): which is the workbook's is anybody's
		// guess, and a reader that took the other would show other numbers
		if g := b.files[name]; g != nil {
			if g.CRC32 != f.CRC32 || g.UncompressedSize64 != f.UncompressedSize64 {
				return nil, fmt.Errorf("压缩包里有两个不同的条目都是 %s（%q 和 %q）：不知道哪个是工作簿的，请在 Excel 或 WPS 中打开后另存一份再提交", name, g.Name, f.Name)
			}
			continue // the same bytes twice: either is the part
		}
		b.files[name] = f
	}
	wbPath := b.target("", "_rels/.rels", "officeDocument", "xl/workbook.xml")
	if b.files[wbPath] == nil {
		return nil, errors.New("不是 Excel 工作簿：缺少 xl/workbook.xml")
	}
	if err := b.readWorkbook(wbPath); err != nil {
		return nil, err
	}
	if err := b.sameNames(); err != nil {
		return nil, err
	}
	dir := path.Dir(wbPath)
	rels := path.Join(dir, "_rels", path.Base(wbPath)+".rels")
	// a relationship to a part that is not there: the workbook is read
	// without it, as Excel and LibreOffice open it
	if p := b.target(dir, rels, "sharedStrings", ""); p != "" && b.files[p] != nil {
		if err := b.readStrings(p); err != nil {
			return nil, err
		}
	}
	if p := b.target(dir, rels, "styles", ""); p != "" && b.files[p] != nil {
		if err := b.readStyles(p); err != nil {
			return nil, err
		}
	}
	if p := b.target("", "_rels/.rels", "custom-properties", ""); p != "" && b.files[p] != nil {
		if err := b.readProps(p); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// cleanName reports whether a part name is relative and already clean:
// path.Clean("/"+name) is "/"+name (no empty, . or .. element).
func cleanName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); {
		j := strings.IndexByte(name[i:], '/')
		if j < 0 {
			j = len(name) - i
		}
		if el := name[i : i+j]; el == "" || el == "." || el == ".." {
			return false
		}
		i += j + 1
		if i == len(name) {
			return false // a trailing /
		}
	}
	return true
}

// part opens a zip part with the limits applied.
func (b *Book) part(name string) (io.ReadCloser, error) {
	f := b.files[name]
	if f == nil {
		return nil, fmt.Errorf("缺少部件 %s", name)
	}
	if f.UncompressedSize64 > uint64(b.lim.MaxPart) {
		return nil, fmt.Errorf("%s：%w（声明 %d 字节）", name, ErrTooLarge, f.UncompressedSize64)
	}
	// one object for all: the part read from the file's bytes, within its
	// limits, and its first two bytes, which say whether the part is UTF-16
	op := new(openedPart)
	rc, err := b.openPartIn(f, &op.src)
	if err != nil {
		return nil, fmt.Errorf("%s：%w", name, err)
	}
	p := &op.prefixed
	p.l = limited{rc: rc, b: b, name: name, left: b.lim.MaxPart}
	l := &p.l
	n, err := io.ReadFull(l, p.buf[:])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		l.Close()
		return nil, err
	}
	p.head = p.buf[:n]
	if n == 2 && (p.buf[0] == 0xFF && p.buf[1] == 0xFE || p.buf[0] == 0xFE && p.buf[1] == 0xFF) {
		defer l.Close()
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, fmt.Errorf("%s 无法解析：%w", name, err)
		}
		return io.NopCloser(bytes.NewReader(fromUTF16(data))), nil
	}
	return p, nil
}

// openedPart is what part makes to read a part: the part read within its
// limits (prefixed), from src when openPartIn reads it from the file's
// bytes.
type openedPart struct {
	prefixed
	src partReader
}

// prefixed is a part, read within its limits, whose first bytes were read
// ahead.
type prefixed struct {
	buf  [2]byte
	head []byte
	l    limited
}

func (p *prefixed) Read(b []byte) (int, error) {
	if len(p.head) > 0 {
		n := copy(b, p.head)
		p.head = p.head[n:]
		return n, nil
	}
	return p.l.Read(b)
}

func (p *prefixed) Close() error { return p.l.Close() }

// fromUTF16 turns a part written in UTF-16 (with its byte-order mark), as
// some older tools write XML, into UTF-8 with the declaration saying so.
func fromUTF16(data []byte) []byte {
	order := binary.ByteOrder(binary.LittleEndian)
	if data[0] == 0xFE {
		order = binary.BigEndian
	}
	units := make([]uint16, 0, len(data)/2)
	for i := 2; i+1 < len(data); i += 2 {
		units = append(units, order.Uint16(data[i:]))
	}
	out := []byte(string(utf16.Decode(units)))
	return utf16Decl.ReplaceAll(out, []byte(`${1}UTF-8${2}`))
}

var utf16Decl = regexp.MustCompile(`(?i)(<\?xml[^>]*encoding=["'])utf-16(?:le|be)?(["'])`)

// readPooled is readPart into a pooled buffer, returned to the pool with
// putSmall once data is no longer used.
func (b *Book) readPooled(name string) (data []byte, buf *bytes.Buffer, err error) {
	return b.pooled(name, -1)
}

// pooled decompresses a part into a pooled buffer: at most limit bytes
// (more is errNotSmall), or, with limit < 0, as much as the part's limits
// allow. A failed read names the part.
func (b *Book) pooled(name string, limit int64) (data []byte, buf *bytes.Buffer, err error) {
	rc, err := b.part(name)
	if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	buf = smalls.Get().(*bytes.Buffer)
	buf.Reset()
	var r io.Reader = rc
	if limit >= 0 {
		r = io.LimitReader(rc, limit+1)
	}
	n, err := buf.ReadFrom(r)
	switch {
	case err != nil:
		err = fmt.Errorf("%s 无法解析：%w", name, err)
	case limit >= 0 && n > limit:
		err = errNotSmall // the size declared was not the size
	}
	if err != nil {
		putSmall(buf)
		return nil, nil, err
	}
	return buf.Bytes(), buf, nil
}

// limited counts what is decompressed against the part's and the book's limits.
type limited struct {
	rc   io.ReadCloser
	b    *Book
	name string
	left int64
}

func (l *limited) Read(p []byte) (int, error) {
	n, err := l.rc.Read(p)
	l.left -= int64(n)
	l.b.used += int64(n)
	if l.left < 0 || l.b.used > l.b.lim.MaxTotal {
		return n, fmt.Errorf("%s：%w", l.name, ErrTooLarge)
	}
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%s：%w", l.name, err)
	}
	return n, err
}

func (l *limited) Close() error { return l.rc.Close() }

// target finds the part a relationship of the given type points to, relative
// to dir; def when there is none.
func (b *Book) target(dir, rels, typ, def string) string {
	for _, r := range b.rels(rels) {
		if strings.HasSuffix(r.typ, "/"+typ) {
			return b.resolve(dir, r.target)
		}
	}
	return def
}

// resolve is resolve(dir, target), without making the name when it is
// dir/target and the package has a part of that name: the part's own name
// is returned.
func (b *Book) resolve(dir, target string) string {
	if dir != "" && dir != "." && cleanName(target) && cleanName(dir) {
		var buf [128]byte
		name := append(append(append(buf[:0], dir...), '/'), target...)
		if f := b.files[string(name)]; f != nil && f.Name == string(name) {
			return f.Name
		}
	}
	return resolve(dir, target)
}

func resolve(dir, target string) string {
	if cleanName(target) && (dir == "" || dir == "." || cleanName(dir)) {
		// what path.Clean would leave as it is
		if dir == "" || dir == "." {
			return target
		}
		return dir + "/" + target
	}
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean("/"+path.Join(dir, target)), "/")
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// sameNames refuses two sheets of one name (Excel's names are one sheet
// each, whatever the case): a hidden copy of a table under the same name
// would be found, and read, instead of the one a person sees.
func (b *Book) sameNames() error {
	seen := make(map[string]int, len(b.Sheets))
	for i, sh := range b.Sheets {
		k := strings.ToLower(sh.Name)
		j, ok := seen[k]
		if !ok {
			seen[k] = i
			continue
		}
		hidden := ""
		if sh.Hidden() || b.Sheets[j].Hidden() {
			hidden = "（其中有隐藏的表）"
		}
		return fmt.Errorf("工作簿里有两张表都叫“%s”%s：Excel 不允许同名的表，请删去多余的一张", sh.Name, hidden)
	}
	return nil
}

func (b *Book) readWorkbook(wbPath string) error {
	dir := path.Dir(wbPath)
	rels := b.rels(path.Join(dir, "_rels", path.Base(wbPath)+".rels"))
	targets := make(map[string]string, len(rels))
	for _, r := range rels {
		if strings.HasSuffix(r.typ, "/worksheet") {
			targets[r.id] = b.resolve(dir, r.target)
		}
	}
	data, buf, err := b.readSmall(wbPath)
	defer putSmall(buf)
	if err == nil && plainTags(data, func(_ []byte, t *tag) {
		if t.end {
			return
		}
		switch string(t.name) {
		case "workbookPr":
			v := t.attrText("date1904")
			b.Date1904 = v == "1" || v == "true"
		case "sheet":
			state := t.attrText("state")
			if state == "" {
				state = "visible"
			}
			b.Sheets = append(b.Sheets, Sheet{Name: t.attrText("name"), State: state, part: lookupAttr(targets, t.attr("id"))})
		}
	}) {
		return nil
	}
	// not plain XML, or not decompressed: encoding/xml reads it from the start
	b.Sheets, b.Date1904 = nil, false
	r, err := b.reread(wbPath, data, err)
	if err != nil {
		return err
	}
	defer r.Close()
	return b.readWorkbookXML(r, targets)
}

// lookupAttr is m[decodedAttr(raw)], without making the key when raw needs
// no decoding.
func lookupAttr(m map[string]string, raw []byte) string {
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		return m[string(raw)]
	}
	return m[decodedAttr(raw)]
}

// readWorkbookXML reads xl/workbook.xml with encoding/xml.
func (b *Book) readWorkbookXML(r io.Reader, targets map[string]string) error {
	d := xml.NewDecoder(r)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("xl/workbook.xml 无法解析：%w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "workbookPr":
			v := attr(se, "date1904")
			b.Date1904 = v == "1" || v == "true"
		case "sheet":
			state := attr(se, "state")
			if state == "" {
				state = "visible"
			}
			b.Sheets = append(b.Sheets, Sheet{Name: attr(se, "name"), State: state, part: targets[attr(se, "id")]})
		}
	}
	return nil
}

// readStrings reads the shared strings: the text of each <si>, its runs
// joined, phonetic guides (<rPh>) left out.
func (b *Book) readStrings(p string) error {
	rc, err := b.part(p)
	if err != nil {
		return err
	}
	defer rc.Close()
	sc := b.scanner(rc)
	b.strings, err = scanStringsFrom(sc)
	putWindow(sc)
	if err != nil {
		return fmt.Errorf("%s 无法解析：%w", p, err)
	}
	for i, t := range b.strings {
		b.strings[i] = DecodeEscapes(t)
	}
	return nil
}

// DecodeEscapes decodes OOXML's _xHHHH_ escapes (ST_Xstring), with which
// Excel stores characters XML cannot carry: _x000D_ is a carriage return,
// _x005F_ an underscore that would otherwise start an escape.
func DecodeEscapes(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if n, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				b.WriteRune(rune(n))
				i += 7
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func (b *Book) readStyles(p string) error {
	data, buf, err := b.readPooled(p)
	if err != nil {
		return err
	}
	custom, ids, err := scanStyles(data)
	putSmall(buf) // scanStyles copied what it keeps
	if err != nil {
		return fmt.Errorf("%s 无法解析：%w", p, err)
	}
	b.formats = make([]format, len(ids))
	for i, id := range ids {
		code, ok := custom[id]
		if !ok {
			b.formats[i] = builtinFormat(id)
			continue
		}
		b.formats[i] = codeFormat(code)
	}
	return nil
}

// builtinFormat says what a built-in number format shows.
func builtinFormat(id int) format {
	switch {
	case id == 9 || id == 10:
		return format{percent: true}
	case id >= 14 && id <= 22, id >= 27 && id <= 36, id >= 45 && id <= 47, id >= 50 && id <= 58:
		return format{date: true}
	}
	return format{}
}

// codeFormat reads a format code: a percentage when it has % outside quotes,
// a date when it has date or time letters outside quotes and brackets.
func codeFormat(code string) format {
	var plain, bracket strings.Builder
	inQuote, inBracket, elapsed := false, false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case inQuote:
			inQuote = c != '"'
		case c == '"':
			inQuote = true
		case inBracket:
			if inBracket = c != ']'; inBracket {
				bracket.WriteByte(c)
			} else {
				// [h], [mm], [ss]: a time elapsed, shown from a number of days
				elapsed = elapsed || elapsedTime(bracket.String())
				bracket.Reset()
			}
		case c == '[':
			inBracket = true
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is literal or padding
		default:
			plain.WriteByte(c)
		}
	}
	s := strings.ToLower(plain.String())
	s = strings.ReplaceAll(s, "general", "")
	if strings.Contains(s, "%") {
		return format{percent: true}
	}
	if elapsed || dateTokens(s) || strings.Contains(code, "年") || strings.Contains(code, "月") || strings.Contains(code, "日") {
		return format{date: true}
	}
	return format{}
}

// elapsedTime reports whether a bracket of a format code is an elapsed
// time's (h, mm, sss…: one letter repeated).
func elapsedTime(b string) bool {
	b = strings.ToLower(b)
	return b != "" && (b[0] == 'h' || b[0] == 'm' || b[0] == 's') && strings.Count(b, b[:1]) == len(b)
}

// dateTokens reports whether a format code's plain part (lower case, out of
// quotes and brackets) shows a date or time: y m d h s; the East Asian
// era's year e (not the E+ or E- of a scientific number), era g and
// Buddhist year b; a weekday aaa or aaaa; A/P (AM/PM has an m).
func dateTokens(s string) bool {
	if strings.ContainsAny(s, "ymdhsgb") || strings.Contains(s, "aaa") || strings.Contains(s, "a/p") {
		return true
	}
	for i := 0; i < len(s); i++ {
		if s[i] == 'e' && (i+1 == len(s) || s[i+1] != '+' && s[i+1] != '-') {
			return true
		}
	}
	return false
}

// Percent reports whether a cell format shows its number as a percentage.
func (b *Book) Percent(style int) bool {
	return style >= 0 && style < len(b.formats) && b.formats[style].percent
}

// Date reports whether a cell format shows its number as a date or time.
func (b *Book) Date(style int) bool {
	return style >= 0 && style < len(b.formats) && b.formats[style].date
}

func (b *Book) readProps(p string) error {
	data, buf, err := b.readSmall(p)
	defer putSmall(buf)
	if err == nil {
		props := map[string]string{}
		name, depth := "", 0
		var val []byte
		if plainTags(data, func(text []byte, t *tag) {
			if name != "" && depth > 0 {
				val = append(val, text...)
			}
			isProp := string(t.name) == "property"
			if !t.end {
				if isProp {
					name, depth = t.attrText("name"), 0
					val = val[:0]
				} else if name != "" {
					depth++
				}
			}
			if (t.end || t.selfClose) && isProp {
				props[name] = string(val)
				name = ""
			}
		}) {
			for k, v := range props {
				b.Props[k] = v
			}
			return nil
		}
	}
	// not plain XML, or not decompressed: encoding/xml reads it from the start
	r, err := b.reread(p, data, err)
	if err != nil {
		return err
	}
	defer r.Close()
	return b.readPropsXML(p, r)
}

// readPropsXML reads the custom properties with encoding/xml.
func (b *Book) readPropsXML(p string, r io.Reader) error {
	d := xml.NewDecoder(r)
	name, depth := "", 0
	var val strings.Builder
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s 无法解析：%w", p, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "property" {
				name, depth = attr(t, "name"), 0
				val.Reset()
			} else if name != "" {
				depth++
			}
		case xml.EndElement:
			if t.Name.Local == "property" {
				b.Props[name] = val.String()
				name = ""
			}
		case xml.CharData:
			if name != "" && depth > 0 {
				val.Write(t)
			}
		}
	}
}

// Cells reads every stored cell of the sheet with a value or a formula, in
// file order (rows ascending).
func (b *Book) Cells(sheet int) ([]Cell, error) {
	cells, _, err := b.CellsIn(sheet, Region{})
	return cells, err
}

// Region bounds the cells CellsIn stores: rows 1 to MaxRow and columns 1 to
// MaxCol (0: no bound).
type Region struct{ MaxRow, MaxCol int }

// A workbook's stored cells are bounded whatever the region: a report holds
// a few thousand.
const (
	MaxKeptCells = 200_000
	MaxKeptBytes = 8 << 20
)

// CellsIn reads the cells of the sheet with a value or a formula that lie in
// the region, in file order, streaming the worksheet: cells outside it, and
// every cell once the workbook's stored cells reach MaxKeptCells or
// MaxKeptBytes, are counted in ignored and not stored.
func (b *Book) CellsIn(sheet int, reg Region) (cells []Cell, ignored int, err error) {
	sh := b.Sheets[sheet]
	if sh.part == "" {
		return nil, 0, nil // a chart sheet has no cells
	}
	rc, err := b.part(sh.part)
	if err != nil {
		return nil, 0, fmt.Errorf("工作表“%s”无法解析：%w", sh.Name, err)
	}
	defer rc.Close()
	// (one object less for each sheet: the scan is the stack's, bounded by
	// fields rather than a closure, which took it to the heap)
	c := cellScan{sst: b.strings, sheet: sh.Name, arena: b.arena[:0], spans: b.spans[:0], text: b.text[:0],
		bounded: true, reg: reg, keptBefore: b.kept, keptBytesBefore: b.keptB}
	if b.slab == nil {
		b.slab = slabs.Get()
	}
	room := cap(b.slab) - len(b.slab)
	c.out = b.slab[len(b.slab):len(b.slab)]
	s := b.scanner(rc)
	err = c.scan(s)
	putWindow(s)
	b.spans = c.spans[:0] // emptied by values: the next sheet reuses it
	if cap(c.text) <= 4*window {
		b.text = c.text[:0] // and the buffer the text of a value is decoded into
	}
	if cap(c.arena) <= 4*window {
		b.arena = c.arena[:0] // the values were copied out: the next sheet reuses it
	}
	b.kept, b.keptB = b.kept+len(c.out), b.keptB+c.outBytes
	if cap(c.out) == room {
		b.slab = b.slab[:len(b.slab)+len(c.out)] // the cells were stored in the slab
	} else {
		// they outgrew it: they move to a new slab with room for the next
		// sheets' as well (as many cells as the workbook has so far, up to
		// slabSpare more), which Release keeps for the next workbook
		n := len(c.out)
		grown := make([]Cell, n, n+min(len(b.slab)+n, slabSpare))
		copy(grown, c.out)
		c.out, b.slab = grown, grown
	}
	return c.out[:len(c.out):len(c.out)], c.ignored, err
}

// slabSpare is the most room for more cells a slab is given when a sheet
// outgrows it.
const slabSpare = 8192

// slabs are the arrays the cells of a workbook are stored in, reused from
// book to book once the reader is done with one (Release): of at most
// maxFreeSlab cells each (a report's workbook stores a few thousand).
var slabs = freelist.List[Cell]{Keep: 8, MaxCap: maxFreeSlab}

const maxFreeSlab = 1 << 14

// Release tells the book that no cell it returned is used any more: their
// storage is reused by the next workbook opened. A book is not used after.
func (b *Book) Release() {
	if b.slab == nil {
		return
	}
	slabs.Put(b.slab) // cleared: no value of this book is kept alive by it
	b.slab = nil
}

// scanner streams a part through the book's window.
func (b *Book) scanner(r io.Reader) *scanner {
	w := windows.Get().(*[]byte)
	return &scanner{data: (*w)[:0], r: r, win: w}
}

// windows are the scanners' windows, reused from part to part (each by the
// pointer it came in, so that putting one back makes no slice header).
var windows = sync.Pool{New: func() any { w := make([]byte, 0, window); return &w }}

// putWindow keeps a scanner's window for the next part, unless a long token
// grew it.
func putWindow(s *scanner) {
	if cap(s.data) <= 4*window {
		*s.win = s.data[:0]
		windows.Put(s.win)
	}
}

// SplitRef splits an A1 reference into column and row numbers.
func SplitRef(ref string) (col, row int, ok bool) { return splitRef(ref) }

func splitRef[T string | []byte](ref T) (col, row int, ok bool) {
	i := 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' || i < len(ref) && ref[i] >= 'a' && ref[i] <= 'z' {
		c := ref[i]
		if c >= 'a' {
			c -= 'a' - 'A'
		}
		col = col*26 + int(c-'A'+1)
		i++
		if col > 16384 {
			return 0, 0, false
		}
	}
	if i == 0 || i == len(ref) {
		return 0, 0, false
	}
	if ref[i] == '+' && i+1 < len(ref) {
		i++ // as strconv.Atoi reads it
	}
	for ; i < len(ref); i++ {
		if ref[i] < '0' || ref[i] > '9' {
			return 0, 0, false
		}
		if row = row*10 + int(ref[i]-'0'); row > 1048576 {
			return 0, 0, false
		}
	}
	if row < 1 || row > 1048576 {
		return 0, 0, false
	}
	return col, row, true
}

// CellName is the A1 name of a cell.
func CellName(col, row int) string {
	var buf [32]byte
	return string(AppendCellName(buf[:0], col, row))
}

// AppendCellName appends CellName(col, row) to dst.
func AppendCellName(dst []byte, col, row int) []byte {
	var letters [8]byte
	i := len(letters) // the letters are written backwards, ending here
	for c := col; c > 0 && i > 0; c = (c - 1) / 26 {
		i--
		letters[i] = byte('A' + (c-1)%26)
	}
	if i == 0 || col > 16384 { // no column of a worksheet: as it was, one letter at a time
		var name []byte
		for c := col; c > 0; c = (c - 1) / 26 {
			name = append([]byte{byte('A' + (c-1)%26)}, name...)
		}
		return strconv.AppendInt(append(dst, name...), int64(row), 10)
	}
	return strconv.AppendInt(append(dst, letters[i:]...), int64(row), 10)
}
