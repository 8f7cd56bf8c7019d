package intake

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is what a file really is, whatever its name says.
type Kind int

const (
	// Unknown is anything else (a PDF, a picture, a Word document, garbage).
	Unknown Kind = iota
	// XLSX is a zip with [Content_Types].xml and xl/workbook.xml (also .xlsm).
	XLSX
	// ODS is an OpenDocument spreadsheet (a zip whose mimetype entry says
	// application/vnd.oasis.opendocument.spreadsheet).
	ODS
	// LegacyXLS is a compound file (D0 CF 11 E0 A1 B1 1A E1) with a Workbook
	// or Book stream: Excel 97-2003 .xls or WPS .et.
	LegacyXLS
	// Encrypted is a compound file with EncryptionInfo and EncryptedPackage
	// streams: an .xlsx protected with a password to open.
	Encrypted
	// XMLSpreadsheet is Excel 2003 XML (SpreadsheetML), which some web
	// systems export as "xls"; LibreOffice converts it.
	XMLSpreadsheet
	// HTML is a web page, often an "xls" exported by a web system.
	HTML
	// Text is CSV, TSV or plain text (often renamed to .xls or .xlsx).
	Text
	// Empty is a file of 0 bytes or of whitespace only.
	Empty
)

var kindNames = [...]string{
	Unknown:        "unknown",
	XLSX:           "xlsx",
	ODS:            "ods",
	LegacyXLS:      "legacy xls",
	Encrypted:      "encrypted",
	XMLSpreadsheet: "xml 2003",
	HTML:           "html",
	Text:           "text",
	Empty:          "empty",
}

// String gives a short English name.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Convertible reports whether LibreOffice can turn a file of this kind into
// .xlsx (see Convert): .xls/.et, .ods and Excel 2003 XML.
func (k Kind) Convertible() bool {
	return k == LegacyXLS || k == ODS || k == XMLSpreadsheet
}

// KindOfExt is the kind a file name's extension promises (".xlsx" → XLSX,
// ".et" → LegacyXLS, ".csv" → Text, …); Unknown for any other extension.
func KindOfExt(ext string) Kind {
	switch strings.ToLower(ext) {
	case ".xlsx", ".xlsm", ".xltx", ".xltm":
		return XLSX
	case ".ods", ".ots":
		return ODS
	case ".xls", ".xlt", ".et", ".ett":
		return LegacyXLS
	case ".htm", ".html", ".mht", ".mhtml":
		return HTML
	case ".csv", ".tsv", ".txt":
		return Text
	case ".xml":
		return XMLSpreadsheet
	}
	return Unknown
}

// Info is what Sniff found.
type Info struct {
	Path string
	Kind Kind
	Size int64 // bytes on disk
	// Ext is the name's extension, in lower case with its dot ("" if none).
	Ext string
	// Mismatch is true when the extension does not fit the content: an .xlsx
	// renamed to .xls, a web page named .xls, an encrypted workbook named .doc…
	Mismatch bool
	// Format names the content more finely than Kind: "xlsx", "xlsm", "ods",
	// "xls", "et", "xml2003", "html", "mht", "csv", "tsv", "txt", and for
	// what is refused "docx", "pptx", "xlsb", "odt", "zip", "doc", "ppt",
	// "cfb", "pdf", "png", "jpeg", "rar", "7z", "xml"…; "" when unknown.
	Format string
	// Encoding is the character encoding of Text and HTML: "utf-8",
	// "utf-8-bom", "utf-16le", "utf-16be", "gbk" ("" when not text or not
	// recognised).
	Encoding string
	// Entries and Uncompressed are a zip's number of entries and the total
	// uncompressed size its central directory declares.
	Entries      int
	Uncompressed int64
	// Encrypted is true for a LegacyXLS with a password to open (a FILEPASS
	// record): LibreOffice cannot convert it without the password.
	Encrypted bool
}

// Limits bound what Sniff accepts, against zip bombs and files that cannot
// be a report workbook. A zero field means DefaultLimits()' value, a negative
// one no limit.
type Limits struct {
	// MaxFileSize is the largest file on disk, in bytes.
	MaxFileSize int64
	// MaxUncompressed is the largest total uncompressed size a zip's
	// central directory may declare, in bytes.
	MaxUncompressed int64
	// MaxRatio is the highest compression ratio (declared uncompressed size
	// over compressed size) of one zip entry of at least RatioFloor bytes.
	MaxRatio int
	// MaxEntries is the most entries a zip may have.
	MaxEntries int
}

// RatioFloor is the uncompressed size from which MaxRatio applies: a small
// entry compressing very well (an empty sheet, a repeated style) is harmless.
const RatioFloor = 1 << 20

// DefaultLimits suit a school's report workbook: a few MB on disk and tens of
// MB uncompressed at most. Real workbooks compress 2–15 times (even a sheet of
// a million identical styled cells stays under 20), a deflated zip bomb about
// 1000 times; a workbook of 30 sheets has about 100 entries.
func DefaultLimits() Limits {
	return Limits{
		MaxFileSize:     64 << 20,
		MaxUncompressed: 256 << 20,
		MaxRatio:        100,
		MaxEntries:      10000,
	}
}

func (l Limits) withDefaults() Limits {
	def := DefaultLimits()
	if l.MaxFileSize == 0 {
		l.MaxFileSize = def.MaxFileSize
	}
	if l.MaxUncompressed == 0 {
		l.MaxUncompressed = def.MaxUncompressed
	}
	if l.MaxRatio == 0 {
		l.MaxRatio = def.MaxRatio
	}
	if l.MaxEntries == 0 {
		l.MaxEntries = def.MaxEntries
	}
	if l.MaxFileSize < 0 {
		l.MaxFileSize = math.MaxInt64
	}
	if l.MaxUncompressed < 0 {
		l.MaxUncompressed = math.MaxInt64
	}
	if l.MaxRatio < 0 {
		l.MaxRatio = math.MaxInt
	}
	if l.MaxEntries < 0 {
		l.MaxEntries = math.MaxInt
	}
	return l
}

// Reason says why a file is refused (or a conversion failed), for callers
// that act on it; the message says it to people.
type Reason string

const (
	ReasonNotFound       Reason = "not-found"        // no such file
	ReasonNotFile        Reason = "not-file"         // a folder, a device, a pipe
	ReasonUnreadable     Reason = "unreadable"       // permission denied, I/O error
	ReasonEmpty          Reason = "empty"            // 0 bytes or whitespace only
	ReasonTooLarge       Reason = "too-large"        // over MaxFileSize
	ReasonCorrupt        Reason = "corrupt"          // a zip or compound file that cannot be read
	ReasonNotWorkbook    Reason = "not-workbook"     // a readable container that holds no workbook (.docx, .zip, .xlsb, .doc…)
	ReasonZipBomb        Reason = "zip-bomb"         // declared uncompressed size or ratio over the limit
	ReasonTooManyEntries Reason = "too-many-entries" // over MaxEntries
	ReasonHTML           Reason = "html"             // a web page
	ReasonText           Reason = "text"             // CSV, TSV, plain text
	ReasonUnknown        Reason = "unknown"          // unrecognised content
	ReasonEncrypted      Reason = "encrypted"        // a password is needed (see EncryptedError)
	ReasonNoConverter    Reason = "no-converter"     // LibreOffice is not installed
	ReasonTimeout        Reason = "timeout"          // the conversion took too long and was killed
	ReasonCanceled       Reason = "canceled"         // the conversion's context was canceled
	ReasonConvertFailed  Reason = "convert-failed"   // LibreOffice could not convert the file
)

// Error is a file refused, or a conversion that failed, with a message for
// the school clerk or the bureau's staff in Chinese and English.
type Error struct {
	File   string // the path as given
	Kind   Kind   // what the file was found to be
	Reason Reason
	Zh, En string // the message without the file name
	Err    error  // the underlying error, if any
}

// Error gives "FILE: message" in Chinese.
func (e *Error) Error() string { return e.File + ": " + e.Zh }

// Message gives "FILE: message" in English when lang is "en" (or "en-…"),
// in Chinese otherwise.
// LocalMessage is an error's text in a language: the Chinese or English
// message where the error (or one it wraps) has both, else its text.
func LocalMessage(err error, lang string) string {
	var m interface{ Message(lang string) string }
	if errors.As(err, &m) {
		return m.Message(lang)
	}
	return err.Error()
}

func (e *Error) Message(lang string) string {
	l := strings.ToLower(lang)
	if l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_") {
		return e.File + ": " + e.En
	}
	return e.Error()
}

// Unwrap gives the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// EncryptedHelpZh and EncryptedHelpEn tell what to do with a workbook that has
// a password to open (Kind Encrypted, or a LegacyXLS with Info.Encrypted).
// EncryptedUploadZh is the same for a workbook uploaded through the web
// page, where there is no --password to give.
const (
	EncryptedUploadZh = "文件已加密：请在 Excel/WPS 中取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存为 .xlsx 再上传"
	EncryptedHelpZh   = "文件已加密：请在 Excel/WPS 中取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存为 .xlsx 再提交，或用 --password 提供密码"
	EncryptedHelpEn   = "the file is encrypted: remove its password in Excel/WPS (File → Info → Protect Workbook → Encrypt with Password, clear the password), save it as .xlsx and submit it again, or give the password with --password"
)

// EncryptedError is the error a reader gives for an encrypted workbook it
// was given no (or a wrong) password for.
func EncryptedError(file string) *Error {
	return &Error{File: file, Kind: Encrypted, Reason: ReasonEncrypted, Zh: EncryptedHelpZh, En: EncryptedHelpEn}
}

// headSize is how much of a file Sniff reads to recognise it.
const headSize = 64 << 10

// Sniff says what the file at path really is. It opens the file read-only and
// reads only its first bytes, a zip's central directory (never an entry's
// data, except a few bytes of an ODS's mimetype or an OOXML package's
// relationships) or a compound file's directory. It returns an *Error for a
// file that cannot be read as a workbook: missing, empty, too large, a
// truncated or corrupt zip or compound file, a zip that holds no workbook
// (.docx, .xlsb, a plain zip), a zip bomb, a web page or text file, unknown
// content. XLSX, ODS, LegacyXLS, XMLSpreadsheet and Encrypted are not errors:
// the caller decides (open, convert, ask for the password). The Info is
// filled as far as Sniff got, also with an error.
func Sniff(path string, lim Limits) (Info, error) {
	info, f, _, _, err := sniffOpen(path, lim)
	if f != nil {
		f.Close()
	}
	return info, err
}

// sniffOpen is Sniff that also returns the file it opened (nil when it
// could not be opened), for the caller to read what was sniffed — the same
// file, whatever is put at path meanwhile — and to close; and, for a file of
// at most wholeSize bytes, all of it (read once, sniffed from memory), with
// the zip directory read of it when it is a zip that was not refused.
func sniffOpen(path string, lim Limits) (Info, *os.File, []byte, *zip.Reader, error) {
	lim = lim.withDefaults()
	info := Info{Path: path, Ext: strings.ToLower(filepath.Ext(path))}
	s := &sniffer{path: path, lim: lim, info: &info}
	err := s.sniff()
	info, f := s.result()
	zr := s.zr
	if err != nil || s.whole == nil {
		zr = nil
	}
	return info, f, s.whole, zr, err
}

func (s *sniffer) result() (Info, *os.File) {
	info := *s.info
	info.Mismatch = info.Kind != Unknown && info.Kind != Empty && !extFits(info.Kind, info.Ext)
	return info, s.f
}

// wholeSize is the largest file read whole when it is sniffed (a school's
// workbook is mostly under 1 MB): its zip directory is then checked in
// memory, and Load takes the bytes sniffed instead of reading them again.
const wholeSize = 4 << 20

type sniffer struct {
	path string
	lim  Limits
	info *Info
	f    *os.File
	r    io.ReaderAt // f, or whole when the file was read whole
	size int64
	head []byte // the first headSize bytes at most
	// whole is the file when it is at most wholeSize bytes
	whole []byte
	// zr is the zip directory read, when the file is a zip
	zr *zip.Reader
}

// fail returns an *Error for the file, of the Kind found so far.
func (s *sniffer) fail(r Reason, err error, zh, en string) error {
	return &Error{File: s.path, Kind: s.info.Kind, Reason: r, Zh: zh, En: en, Err: err}
}

func (s *sniffer) sniff() error {
	st, err := os.Stat(onDisk(s.path))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return s.fail(ReasonNotFound, err, "找不到文件，请检查文件名和所在文件夹", "no such file: check the name and the folder")
	case err != nil:
		return s.fail(ReasonUnreadable, err, "无法读取文件（"+err.Error()+"）", "cannot read the file ("+err.Error()+")")
	case st.IsDir():
		return s.fail(ReasonNotFile, nil, "这是文件夹，不是文件", "this is a folder, not a file")
	case !st.Mode().IsRegular():
		return s.fail(ReasonNotFile, nil, "不是普通文件（可能是设备或管道），无法作为工作簿读取", "not a regular file (a device or a pipe?): it cannot be read as a workbook")
	}
	f, st, err := openRegular(s.path)
	switch {
	case errors.Is(err, errNotRegular): // what was opened, not what was named a moment ago
		return s.fail(ReasonNotFile, nil, "不是普通文件，无法作为工作簿读取", "not a regular file: it cannot be read as a workbook")
	case err != nil:
		return s.fail(ReasonUnreadable, err, "无法打开文件（"+err.Error()+"）", "cannot open the file ("+err.Error()+")")
	}
	s.f = f // closed by the caller of sniff
	s.size = st.Size()
	s.info.Size = s.size
	if s.size == 0 {
		s.info.Kind = Empty
		return s.fail(ReasonEmpty, nil, "文件是空的（0 字节），可能保存或上传没有完成，请重新保存后提交", "the file is empty (0 bytes): saving or uploading it may not have finished; save it again and resubmit")
	}
	if s.size > s.lim.MaxFileSize {
		return s.fail(ReasonTooLarge, nil,
			fmt.Sprintf("文件过大（%s，上限 %s），拒绝读取。年报工作簿通常只有几 MB：请删除不必要的图片或附件后另存为 .xlsx，或确认提交的是正确的文件", mb(s.size), mb(s.lim.MaxFileSize)),
			fmt.Sprintf("the file is too large (%s, the limit is %s) and is not read. A report workbook is a few MB: remove needless pictures or attachments and save it as .xlsx again, or check that this is the right file", mbEn(s.size), mbEn(s.lim.MaxFileSize)))
	}
	s.r = f
	if s.size <= wholeSize {
		if s.whole, err = readAll(f, s.size); err == nil {
			s.head, s.r = s.whole[:min(s.size, headSize)], bytes.NewReader(s.whole)
		}
	} else {
		s.head, err = readAt(f, 0, min(s.size, headSize))
	}
	if err != nil {
		return s.fail(ReasonUnreadable, err, "读取文件失败（"+err.Error()+"）", "reading the file failed ("+err.Error()+")")
	}
	h := s.head
	switch {
	case hasPrefix(h, "PK\x03\x04"), hasPrefix(h, "PK\x05\x06"), hasPrefix(h, "PK\x07\x08"):
		return s.zip()
	case hasPrefix(h, cfbSignature):
		return s.cfb()
	}
	for _, m := range magics {
		if hasPrefix(h, m.magic) && (m.format != "exe" || !isText(h)) {
			s.info.Format = m.format
			return s.fail(ReasonUnknown, nil,
				zhJoin("不是 Excel 工作簿：这是", m.zh, "。请提交 Excel 工作簿（.xlsx）"),
				"not an Excel workbook: this is "+m.en+". Please submit an Excel workbook (.xlsx)")
		}
	}
	return s.text()
}

// readAt reads n bytes at off; a file that shrank meanwhile gives fewer.
func readAt(f io.ReaderAt, off, n int64) ([]byte, error) {
	b := make([]byte, n)
	m, err := f.ReadAt(b, off)
	if err == io.EOF {
		err = nil
	}
	return b[:m], err
}

func hasPrefix(b []byte, p string) bool { return len(b) >= len(p) && string(b[:len(p)]) == p }

// magics are the formats recognised by their first bytes only, all refused.
var magics = []struct{ magic, format, zh, en string }{
	{"%PDF", "pdf", "PDF 文件", "a PDF file"},
	{"\x89PNG\r\n\x1a\n", "png", "PNG 图片", "a PNG picture"},
	{"\xff\xd8\xff", "jpeg", "JPEG 图片", "a JPEG picture"},
	{"GIF87a", "gif", "GIF 图片", "a GIF picture"},
	{"GIF89a", "gif", "GIF 图片", "a GIF picture"},
	{"Rar!\x1a\x07", "rar", "RAR 压缩包（请解压后提交其中的工作簿）", "a RAR archive (extract it and submit the workbook inside)"},
	{"7z\xbc\xaf\x27\x1c", "7z", "7z 压缩包（请解压后提交其中的工作簿）", "a 7z archive (extract it and submit the workbook inside)"},
	{"\x1f\x8b", "gz", "gzip 压缩包（请解压后提交其中的工作簿）", "a gzip archive (extract it and submit the workbook inside)"},
	{"{\\rtf", "rtf", "RTF 文档", "an RTF document"},
	{"MZ", "exe", "一个 Windows 程序（.exe）", "a Windows program (.exe)"},
	{"\x7fELF", "elf", "一个程序", "a program"},
}

// extFits reports whether ext is a usual extension for content of kind k.
func extFits(k Kind, ext string) bool {
	switch k {
	case Encrypted:
		// Excel saves an encrypted .xlsx under its own name; an encrypted .xls
		// keeps the .xls extension (and is a LegacyXLS).
		return KindOfExt(ext) == XLSX
	case XMLSpreadsheet:
		return ext == ".xml" || ext == ".xls"
	}
	return KindOfExt(ext) == k
}

// mb formats a size in MB for the Chinese messages, mbEn for the English.
func mb(n int64) string {
	if n < 100<<10 {
		return fmt.Sprintf("%d 字节", n)
	}
	return mbEn(n)
}

func mbEn(n int64) string {
	v := float64(n) / (1 << 20)
	switch {
	case n < 100<<10:
		return fmt.Sprintf("%d bytes", n)
	case v >= 10:
		return fmt.Sprintf("%.0f MB", v)
	}
	return fmt.Sprintf("%.1f MB", v)
}

// zhJoin joins message parts, with a space where Chinese meets a Latin letter
// or digit ("内容是" + "CSV 文本" → "内容是 CSV 文本").
func zhJoin(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if b.Len() > 0 && p != "" {
			last, _ := utf8.DecodeLastRuneInString(b.String())
			first, _ := utf8.DecodeRuneInString(p)
			if wide(last) && latin(first) || latin(last) && wide(first) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(p)
	}
	return b.String()
}

func wide(r rune) bool { return unicode.Is(unicode.Han, r) }
func latin(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.')
}
