package intake

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/nianbao/nianbao/internal/realclients"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// ---- fixtures built in Go ----

type entry struct {
	name   string
	data   []byte
	stored bool
	// raw, when set, is written as is (already compressed) with these
	// declared sizes and method.
	raw          []byte
	method       uint16
	uncompressed uint64
	crc          uint32
	nonUTF8      bool
}

func zipOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		var err error
		switch {
		case e.raw != nil:
			var f interface{ Write([]byte) (int, error) }
			f, err = w.CreateRaw(&zip.FileHeader{Name: e.name, Method: e.method, CRC32: e.crc,
				CompressedSize64: uint64(len(e.raw)), UncompressedSize64: e.uncompressed, NonUTF8: e.nonUTF8})
			if err == nil {
				_, err = f.Write(e.raw)
			}
		default:
			method := zip.Deflate
			if e.stored {
				method = zip.Store
			}
			var f interface{ Write([]byte) (int, error) }
			f, err = w.CreateHeader(&zip.FileHeader{Name: e.name, Method: method, NonUTF8: e.nonUTF8})
			if err == nil {
				_, err = f.Write(e.data)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`

const workbookXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>`

// minimalXLSX is a real minimal xlsx zip: [Content_Types].xml and xl/workbook.xml.
func minimalXLSX(t testing.TB, extra ...entry) []byte {
	return zipOf(t, append([]entry{
		{name: "[Content_Types].xml", data: []byte(contentTypes)},
		{name: "xl/workbook.xml", data: []byte(workbookXML)},
	}, extra...)...)
}

// zeros10MB is 10 MB of zeros deflated (about 10 KB: a ratio of about 1000)
// and its CRC, to declare honestly in a zip entry.
func zeros10MB(t testing.TB) (raw []byte, size uint64, crc uint32) {
	t.Helper()
	const n = 10 << 20
	zero := make([]byte, n)
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(zero)
	fw.Close()
	return buf.Bytes(), n, crc32.ChecksumIEEE(zero)
}

type stream struct {
	name string
	data []byte
}

// cfbOf writes a minimal valid compound file (version 3, 512-byte sectors):
// one FAT sector, one directory sector (root + up to 3 streams, all at the
// root), and each stream padded to 4096 bytes so that none lives in the mini
// stream.
func cfbOf(t testing.TB, streams ...stream) []byte {
	t.Helper()
	const sector, streamSectors = 512, 8
	const free, endOfChain, fatSect, noStream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
	if len(streams) > 3 {
		t.Fatal("cfbOf: at most 3 streams")
	}
	le := binary.LittleEndian
	header := make([]byte, sector)
	copy(header, cfbSignature)
	le.PutUint16(header[24:], 0x003E) // minor version
	le.PutUint16(header[26:], 3)      // major version
	le.PutUint16(header[28:], 0xFFFE) // byte order
	le.PutUint16(header[30:], 9)      // sector shift: 512
	le.PutUint16(header[32:], 6)      // mini sector shift: 64
	le.PutUint32(header[44:], 1)      // FAT sectors
	le.PutUint32(header[48:], 1)      // first directory sector
	le.PutUint32(header[56:], 4096)   // mini stream cutoff
	le.PutUint32(header[60:], endOfChain)
	le.PutUint32(header[68:], endOfChain)
	le.PutUint32(header[76:], 0) // DIFAT[0]: the FAT is sector 0
	for i := 1; i < 109; i++ {
		le.PutUint32(header[76+4*i:], free)
	}

	fat := make([]byte, sector)
	for i := range 128 {
		le.PutUint32(fat[4*i:], free)
	}
	le.PutUint32(fat[0:], fatSect)
	le.PutUint32(fat[4:], endOfChain) // the directory
	dir := make([]byte, sector)
	dirEntry := func(i int, name string, typ byte, child, right uint32, start uint32, size uint64) {
		e := dir[128*i : 128*(i+1)]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			le.PutUint16(e[2*j:], c)
		}
		le.PutUint16(e[64:], uint16(2*len(u)+2))
		e[66], e[67] = typ, 1 // black
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], right)
		le.PutUint32(e[76:], child)
		le.PutUint32(e[116:], start)
		le.PutUint64(e[120:], size)
	}
	for i := 1 + len(streams); i < 4; i++ {
		le.PutUint32(dir[128*i+68:], noStream)
		le.PutUint32(dir[128*i+72:], noStream)
		le.PutUint32(dir[128*i+76:], noStream)
	}
	child := uint32(noStream)
	if len(streams) > 0 {
		child = 1
	}
	dirEntry(0, "Root Entry", 5, child, noStream, endOfChain, 0)
	body := []byte{}
	for i, s := range streams {
		if len(s.data) > streamSectors*sector {
			t.Fatal("cfbOf: stream too long")
		}
		start := uint32(2 + i*streamSectors)
		for k := range uint32(streamSectors) {
			next := uint32(endOfChain)
			if k < streamSectors-1 {
				next = start + k + 1
			}
			le.PutUint32(fat[4*(start+k):], next)
		}
		right := uint32(noStream)
		if i+1 < len(streams) {
			right = uint32(i + 2)
		}
		dirEntry(i+1, s.name, 2, noStream, right, start, streamSectors*sector)
		padded := make([]byte, streamSectors*sector)
		copy(padded, s.data)
		body = append(body, padded...)
	}
	return slicesConcat(header, fat, dir, body)
}

func slicesConcat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

// biff is a BIFF8 workbook stream's start: BOF, optionally FILEPASS (a
// password to open), a BOUNDSHEET, EOF.
func biff(filePass bool) []byte {
	rec := func(id uint16, data []byte) []byte {
		b := binary.LittleEndian.AppendUint16(nil, id)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(data)))
		return append(b, data...)
	}
	bof := rec(0x0809, []byte{0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	out := bof
	if filePass {
		out = append(out, rec(0x002F, make([]byte, 54))...)
	}
	out = append(out, rec(0x0085, make([]byte, 10))...)
	return append(out, rec(0x000A, nil)...)
}

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func utf16le(s string) []byte {
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}

// zip64TooMany is a file ending in a zip64 end of central directory that
// declares a million entries (and no directory: it must be refused by the
// count alone).
func zip64TooMany() []byte {
	le := binary.LittleEndian
	b := append([]byte("PK\x03\x04"), make([]byte, 100)...)
	off := uint64(len(b))
	rec := []byte("PK\x06\x06")
	rec = le.AppendUint64(rec, 44)
	rec = le.AppendUint16(rec, 45)
	rec = le.AppendUint16(rec, 45)
	rec = le.AppendUint32(rec, 0)
	rec = le.AppendUint32(rec, 0)
	rec = le.AppendUint64(rec, 1_000_000)
	rec = le.AppendUint64(rec, 1_000_000)
	rec = le.AppendUint64(rec, 46_000_000)
	rec = le.AppendUint64(rec, 4)
	b = append(b, rec...)
	loc := []byte("PK\x06\x07")
	loc = le.AppendUint32(loc, 0)
	loc = le.AppendUint64(loc, off)
	loc = le.AppendUint32(loc, 1)
	b = append(b, loc...)
	end := []byte("PK\x05\x06")
	end = le.AppendUint32(end, 0)
	end = le.AppendUint16(end, 0xFFFF)
	end = le.AppendUint16(end, 0xFFFF)
	end = le.AppendUint32(end, 0xFFFFFFFF)
	end = le.AppendUint32(end, 0xFFFFFFFF)
	end = le.AppendUint16(end, 0)
	return append(b, end...)
}

const spreadsheetML = `<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="学生情况"><Table>
  <Row><Cell><Data ss:Type="String">学校名称</Data></Cell><Cell><Data ss:Type="String">示例职业学校</Data></Cell></Row>
  <Row><Cell><Data ss:Type="String">学生数</Data></Cell><Cell><Data ss:Type="Number">1883</Data></Cell></Row>
 </Table></Worksheet>
</Workbook>
`

// ---- the table ----

func TestSniff(t *testing.T) {
	bombRaw, bombSize, bombCRC := zeros10MB(t)
	var thirtyBombs []entry
	for i := range 30 {
		thirtyBombs = append(thirtyBombs, entry{name: "xl/media/image" + strconv.Itoa(i) + ".bin", raw: bombRaw, method: zip.Deflate, uncompressed: bombSize, crc: bombCRC})
	}
	var tooMany []entry
	for i := range 10001 {
		tooMany = append(tooMany, entry{name: "xl/n" + strconv.Itoa(i), stored: true})
	}
	xlsx := minimalXLSX(t)
	randomBytes := make([]byte, 4096)
	rng := rand.NewChaCha8([32]byte{1, 2, 3})
	rng.Read(randomBytes)
	randomBytes[0], randomBytes[1] = 0x13, 0x00
	xlsWorkbook := cfbOf(t, stream{"Workbook", biff(false)}, stream{"\x05SummaryInformation", nil})

	tests := []struct {
		name string
		file string // the name in the test's folder
		data []byte
		// make, when set, creates the file (or not) instead of data.
		make      func(t *testing.T, path string)
		lim       Limits
		kind      Kind
		format    string
		encoding  string
		mismatch  bool
		encrypted bool
		entries   int
		reason    Reason // "" when Sniff must accept the file
		zh, en    string // phrases of the messages
	}{
		{name: "minimal xlsx", file: "年报.xlsx", data: xlsx, kind: XLSX, format: "xlsx", entries: 2},
		{name: "xlsx renamed to xls", file: "年报.xls", data: xlsx, kind: XLSX, format: "xlsx", mismatch: true, entries: 2},
		{name: "xlsm with macros", file: "年报.xlsm", data: minimalXLSX(t, entry{name: "xl/vbaProject.bin", data: []byte("vba")}), kind: XLSX, format: "xlsm", entries: 3},
		{name: "xlsx whose workbook part is named by _rels/.rels", file: "other.xlsx",
			data: zipOf(t,
				entry{name: "[Content_Types].xml", data: []byte(contentTypes)},
				entry{name: "_rels/.rels", data: []byte(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/xl/workbook2.xml"/></Relationships>`)},
				entry{name: "xl/workbook2.xml", data: []byte(workbookXML)}),
			kind: XLSX, format: "xlsx", entries: 3},
		{name: "ods", file: "年报.ods",
			data: zipOf(t,
				entry{name: "mimetype", data: []byte("application/vnd.oasis.opendocument.spreadsheet"), stored: true},
				entry{name: "content.xml", data: []byte("<office:document-content/>")},
				entry{name: "META-INF/manifest.xml", data: []byte("<manifest:manifest/>")}),
			kind: ODS, format: "ods", entries: 3},
		{name: "odt", file: "说明.ods",
			data: zipOf(t, entry{name: "mimetype", data: []byte("application/vnd.oasis.opendocument.text"), stored: true}, entry{name: "content.xml", data: []byte("<x/>")}),
			kind: Unknown, format: "odt", entries: 2, reason: ReasonNotWorkbook, zh: "不是电子表格：这是 OpenDocument 的其他文档（.odt）", en: "another OpenDocument file (.odt)"},
		{name: "docx", file: "年报.xlsx",
			data: zipOf(t, entry{name: "[Content_Types].xml", data: []byte(contentTypes)}, entry{name: "word/document.xml", data: []byte("<w:document/>")}),
			kind: Unknown, format: "docx", entries: 2, reason: ReasonNotWorkbook, zh: "不是 Excel 工作簿：这是 Word 文档（.docx）", en: "a Word document (.docx)"},
		{name: "xlsb", file: "年报.xlsb",
			data: zipOf(t, entry{name: "[Content_Types].xml", data: []byte(contentTypes)}, entry{name: "xl/workbook.bin", data: []byte{1, 2, 3}}),
			kind: Unknown, format: "xlsb", entries: 2, reason: ReasonNotWorkbook, zh: "Excel 二进制工作簿（.xlsb）", en: "Excel binary workbook (.xlsb)"},
		{name: "random zip", file: "年报.xlsx",
			data: zipOf(t, entry{name: "readme.txt", data: []byte("hello")}, entry{name: "photo.jpg", data: []byte{0xff, 0xd8, 0xff}}),
			kind: Unknown, format: "zip", entries: 2, reason: ReasonNotWorkbook, zh: "这是一个 zip 压缩包，里面没有工作簿", en: "a zip archive with no workbook in it"},
		{name: "zip holding a workbook with a GBK name", file: "材料.xlsx",
			data: zipOf(t, entry{name: string(gbk(t, "学校材料/年报.xlsx")), data: xlsx, nonUTF8: true}),
			kind: Unknown, format: "zip", entries: 1, reason: ReasonNotWorkbook, zh: "里面有 年报.xlsx。请解压后提交其中的工作簿本身", en: "holding 年报.xlsx. Extract it"},
		{name: "empty zip", file: "年报.xlsx", data: zipOf(t), kind: Unknown, format: "zip", reason: ReasonNotWorkbook, zh: "空的 zip 压缩包", en: "an empty zip archive"},
		{name: "xlsx repacked with LZMA", file: "年报.xlsx",
			data: zipOf(t, entry{name: "[Content_Types].xml", data: []byte(contentTypes)}, entry{name: "xl/workbook.xml", raw: []byte{1, 2, 3}, method: 14, uncompressed: 10}),
			kind: XLSX, format: "xlsx", entries: 2, reason: ReasonCorrupt, zh: "使用了不支持的压缩方式（14）", en: "unsupported compression method (14)"},
		{name: "truncated zip", file: "年报.xlsx", data: xlsx[:len(xlsx)/2],
			kind: Unknown, reason: ReasonCorrupt, zh: "文件不完整或已损坏（zip 结构无法读取），可能是下载或复制中断，请重新保存后提交", en: "incomplete or damaged"},
		{name: "zip bomb: 300 MB of zeros declared", file: "年报.xlsx", data: minimalXLSX(t, thirtyBombs...),
			kind: XLSX, format: "xlsx", entries: 32, reason: ReasonZipBomb, zh: "文件解压后过大（声明 300 MB，超过上限 256 MB），拒绝读取", en: "declares 300 MB, over the limit of 256 MB"},
		{name: "zip bomb: a directory that lies", file: "年报.xlsx",
			data: minimalXLSX(t, entry{name: "xl/worksheets/sheet1.xml", raw: bombRaw[:100], method: zip.Deflate, uncompressed: 1 << 40}),
			kind: XLSX, format: "xlsx", entries: 3, reason: ReasonZipBomb, zh: "文件解压后过大（声明 1048576 MB", en: "too large uncompressed"},
		{name: "zip bomb: compression ratio", file: "年报.xlsx",
			data: minimalXLSX(t, entry{name: "xl/worksheets/sheet1.xml", raw: bombRaw, method: zip.Deflate, uncompressed: bombSize, crc: bombCRC}),
			kind: XLSX, format: "xlsx", entries: 3, reason: ReasonZipBomb, zh: "文件中“xl/worksheets/sheet1.xml”的压缩比异常", en: "compresses abnormally well"},
		{name: "ratio under a raised limit", file: "年报.xlsx", lim: Limits{MaxRatio: 5000},
			data: minimalXLSX(t, entry{name: "xl/worksheets/sheet1.xml", raw: bombRaw, method: zip.Deflate, uncompressed: bombSize, crc: bombCRC}),
			kind: XLSX, format: "xlsx", entries: 3},
		{name: "too many entries", file: "年报.xlsx", data: minimalXLSX(t, tooMany...),
			kind: Unknown, reason: ReasonTooManyEntries, zh: "文件包含的条目过多（10003 个，上限 10000 个）", en: "too many entries (10003"},
		{name: "zip64 declaring a million entries", file: "年报.xlsx", data: zip64TooMany(),
			kind: Unknown, reason: ReasonTooManyEntries, zh: "条目过多（1000000 个", en: "too many entries (1000000"},
		{name: "file over MaxFileSize", file: "年报.xlsx",
			make: func(t *testing.T, path string) { sparse(t, path, []byte("PK\x03\x04"), 65<<20) },
			kind: Unknown, reason: ReasonTooLarge, zh: "文件过大（65 MB，上限 64 MB），拒绝读取", en: "too large (65 MB, the limit is 64 MB)"},
		{name: "empty", file: "年报.xlsx", data: []byte{},
			kind: Empty, reason: ReasonEmpty, zh: "文件是空的（0 字节）", en: "empty (0 bytes)"},
		{name: "whitespace only", file: "年报.xls", data: []byte(" \r\n\t  \n"),
			kind: Empty, reason: ReasonEmpty, zh: "文件是空的（只有空白字符，共 7 字节）", en: "whitespace only, 7 bytes"},
		{name: "random bytes", file: "年报.xlsx", data: randomBytes,
			kind: Unknown, reason: ReasonUnknown, zh: "无法识别的文件格式，不是 Excel 工作簿（开头字节 13 00", en: "unrecognised file format"},
		{name: "pdf", file: "年报.xlsx", data: []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
			kind: Unknown, format: "pdf", reason: ReasonUnknown, zh: "不是 Excel 工作簿：这是 PDF 文件。请提交 Excel 工作簿（.xlsx）", en: "this is a PDF file"},
		{name: "Windows program", file: "年报.xls", data: append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...),
			kind: Unknown, format: "exe", reason: ReasonUnknown, zh: "这是一个 Windows 程序（.exe）", en: "a Windows program"},
		{name: "text that starts with MZ", file: "年报.xls", data: []byte("MZ,学生数\n1,2\n"),
			kind: Text, format: "csv", encoding: "utf-8", mismatch: true, reason: ReasonText, zh: "内容是 CSV 文本", en: "CSV text"},
		{name: "html with BOM and leading spaces", file: "导出数据.xls",
			data: []byte("\xef\xbb\xbf\r\n   <!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body><table><tr><td>学校</td></tr></table></body></html>"),
			kind: HTML, format: "html", encoding: "utf-8-bom", mismatch: true, reason: ReasonHTML,
			zh: "不是 Excel 工作簿：内容是网页（HTML），可能是从网站导出的“假 xls”。请用 Excel 或 WPS 打开后另存为 .xlsx", en: "a web page (HTML)"},
		{name: "table fragment", file: "报表.xlsx", data: []byte("<table border=1><tr><td>学生数</td><td>1883</td></tr></table>"),
			kind: HTML, format: "html", encoding: "utf-8", mismatch: true, reason: ReasonHTML, zh: "内容是网页（HTML）", en: "fake xls"},
		{name: "Excel web page in GBK", file: "报表.xls",
			data: gbk(t, `<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta http-equiv=Content-Type content="text/html; charset=gb2312"></head><body><table><tr><td>学校名称</td></tr></table></body></html>`),
			kind: HTML, format: "html", encoding: "gbk", mismatch: true, reason: ReasonHTML, zh: "内容是网页（HTML）", en: "web page"},
		{name: "html named .html", file: "报表.html", data: []byte("<html><body>x</body></html>"),
			kind: HTML, format: "html", encoding: "utf-8", reason: ReasonHTML, zh: "不是 Excel 工作簿：这是网页（HTML）文件", en: "this is a web page (HTML)"},
		{name: "mht", file: "报表.xls", data: []byte("MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\nContent-Type: multipart/related; boundary=\"----=_NextPart\"\r\n"),
			kind: HTML, format: "mht", mismatch: true, reason: ReasonHTML, zh: "内容是网页（HTML）", en: "web page"},
		{name: "Excel 2003 XML", file: "导出.xls", data: []byte(spreadsheetML), kind: XMLSpreadsheet, format: "xml2003", encoding: "utf-8"},
		{name: "other XML", file: "数据.xlsx", data: []byte(`<?xml version="1.0"?><data><row a="1"/></data>`),
			kind: Unknown, format: "xml", reason: ReasonUnknown, zh: "内容是 XML 或其他标记文本", en: "XML or other markup"},
		{name: "CSV in UTF-8 renamed to xlsx", file: "学生.xlsx", data: []byte("学校名称,学生数\n示例职业学校,1883\n"),
			kind: Text, format: "csv", encoding: "utf-8", mismatch: true, reason: ReasonText,
			zh: "不是 Excel 工作簿：内容是 CSV 文本（逗号分隔），扩展名却是 .xlsx，可能是从系统导出的“假 xls”", en: "CSV text (comma-separated), only named .xlsx"},
		{name: "CSV in GBK renamed to xls", file: "学生.xls", data: gbk(t, "学校名称,学生数\r\n示例职业学校,1883\r\n"),
			kind: Text, format: "csv", encoding: "gbk", mismatch: true, reason: ReasonText, zh: "内容是 CSV 文本（逗号分隔），GBK 编码，扩展名却是 .xls", en: "GBK encoded"},
		{name: "Excel Unicode text (UTF-16 TSV)", file: "学生.xls", data: utf16le("学校名称\t学生数\r\n示例职业学校\t1883\r\n"),
			kind: Text, format: "tsv", encoding: "utf-16le", mismatch: true, reason: ReasonText, zh: "内容是制表符分隔的文本，UTF-16 编码", en: "tab-separated text, UTF-16"},
		{name: "a real .csv", file: "学生.csv", data: []byte("a,b\n1,2\n"),
			kind: Text, format: "csv", encoding: "utf-8", reason: ReasonText, zh: "不是 Excel 工作簿：这是 CSV 文本（逗号分隔）文件", en: "this is a CSV text (comma-separated) file"},
		{name: "legacy xls", file: "年报.xls", data: xlsWorkbook, kind: LegacyXLS, format: "xls"},
		{name: "WPS et", file: "年报.et", data: xlsWorkbook, kind: LegacyXLS, format: "et"},
		{name: "xls with a password to open", file: "年报.xls", data: cfbOf(t, stream{"Workbook", biff(true)}), kind: LegacyXLS, format: "xls", encrypted: true},
		{name: "encrypted xlsx", file: "年报.xlsx",
			data: cfbOf(t, stream{"EncryptionInfo", []byte{4, 0, 4, 0, 0x40, 0, 0, 0}}, stream{"EncryptedPackage", []byte{0x10, 0, 0, 0}}),
			kind: Encrypted, format: "ooxml"},
		{name: "Word 97 document", file: "年报.xls", data: cfbOf(t, stream{"WordDocument", []byte{0xec, 0xa5}}),
			kind: Unknown, format: "doc", reason: ReasonNotWorkbook, zh: "这是 Word 文档（.doc）", en: "Word document (.doc)"},
		{name: "compound file without a workbook", file: "年报.xls", data: cfbOf(t, stream{"Contents", []byte("x")}),
			kind: Unknown, format: "cfb", reason: ReasonNotWorkbook, zh: "Office 97-2003 格式的其他文件，里面没有工作簿", en: "no workbook in it"},
		{name: "workbook stream longer than the file", file: "年报.xls",
			data: func() []byte {
				b := bytes.Clone(xlsWorkbook)
				binary.LittleEndian.PutUint32(b[1024+128+120:], 1<<30) // the Workbook entry's size
				return b
			}(),
			kind: LegacyXLS, format: "xls", reason: ReasonCorrupt, zh: "文件不完整或已损坏（Office 97-2003 文件结构无法读取）", en: "incomplete or damaged"},
		{name: "truncated compound file", file: "年报.xls", data: xlsWorkbook[:700],
			kind: Unknown, reason: ReasonCorrupt, zh: "文件不完整或已损坏（Office 97-2003 文件结构无法读取）", en: "Office 97-2003 structure"},
		{name: "a folder", file: "年报.xlsx", make: func(t *testing.T, path string) { os.Mkdir(path, 0o755) },
			kind: Unknown, reason: ReasonNotFile, zh: "这是文件夹，不是文件", en: "a folder"},
		{name: "missing", file: "没有这个文件.xlsx", make: func(t *testing.T, path string) {},
			kind: Unknown, reason: ReasonNotFound, zh: "找不到文件", en: "no such file"},
	}
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.file)
			if tc.make != nil {
				tc.make(t, path)
			} else {
				if err := os.WriteFile(path, tc.data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before := snapshot(t, path, old)

			start := time.Now()
			info, err := Sniff(path, tc.lim)
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("Sniff took %v", d)
			}

			if info.Kind != tc.kind {
				t.Errorf("Kind = %v, want %v", info.Kind, tc.kind)
			}
			if info.Format != tc.format {
				t.Errorf("Format = %q, want %q", info.Format, tc.format)
			}
			if tc.encoding != "" && info.Encoding != tc.encoding {
				t.Errorf("Encoding = %q, want %q", info.Encoding, tc.encoding)
			}
			if info.Mismatch != tc.mismatch {
				t.Errorf("Mismatch = %v, want %v (ext %q)", info.Mismatch, tc.mismatch, info.Ext)
			}
			if info.Encrypted != tc.encrypted {
				t.Errorf("Encrypted = %v, want %v", info.Encrypted, tc.encrypted)
			}
			if tc.entries != 0 && info.Entries != tc.entries {
				t.Errorf("Entries = %d, want %d", info.Entries, tc.entries)
			}
			if info.Path != path {
				t.Errorf("Path = %q", info.Path)
			}
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("Sniff: %v", err)
				}
			} else {
				var fe *Error
				if !errors.As(err, &fe) {
					t.Fatalf("Sniff error = %v (%T), want an *Error %s", err, err, tc.reason)
				}
				if fe.Reason != tc.reason {
					t.Errorf("Reason = %s, want %s (%v)", fe.Reason, tc.reason, err)
				}
				if fe.Kind != tc.kind {
					t.Errorf("Error.Kind = %v, want %v", fe.Kind, tc.kind)
				}
				if msg := err.Error(); !strings.HasPrefix(msg, path+": ") || !strings.Contains(msg, tc.zh) {
					t.Errorf("message\n %s\nwant the file name and %q", msg, tc.zh)
				}
				if msg := fe.Message("en"); !strings.HasPrefix(msg, path+": ") || !strings.Contains(msg, tc.en) {
					t.Errorf("English message\n %s\nwant the file name and %q", msg, tc.en)
				}
				if fe.Message("zh") != err.Error() {
					t.Errorf("Message(zh) = %q, want Error()", fe.Message("zh"))
				}
			}
			if after := snapshot(t, path, time.Time{}); after != before {
				t.Errorf("Sniff changed the file: %+v → %+v", before, after)
			}
		})
	}
}

// fileState is what Sniff must leave as it was.
type fileState struct {
	exists bool
	size   int64
	mtime  time.Time
	sum    [32]byte
}

// snapshot records a file's state, first setting its mtime to set (if not
// zero) so that any write would show.
func snapshot(t *testing.T, path string, set time.Time) fileState {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		return fileState{}
	}
	if !set.IsZero() {
		if err := os.Chtimes(path, set, set); err != nil {
			t.Fatal(err)
		}
		st, _ = os.Stat(path)
	}
	s := fileState{exists: true, size: st.Size(), mtime: st.ModTime()}
	if st.Mode().IsRegular() {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s.sum = sha256.Sum256(data)
	}
	return s
}

// sparse makes a file of size bytes that starts with head and is zeros (a
// hole, costing no disk) after it.
func sparse(t testing.TB, path string, head []byte, size int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(head); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
}

// readSoFar is how many bytes this process has read (Linux: rchar of
// /proc/self/io); ok is false where that is not known.
func readSoFar(t *testing.T) (n int64, ok bool) {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, found := strings.CutPrefix(line, "rchar: "); found {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// TestSniffHugeGarbage: whatever a 100 MB file starts with, Sniff answers
// from its headers and directories, never reading the whole (counted in
// bytes read, not timed: a busy machine must not fail it).
func TestSniffHugeGarbage(t *testing.T) {
	const size = 100 << 20
	garbage := make([]byte, 4096)
	rand.NewChaCha8([32]byte{9}).Read(garbage)
	cfbHeader := append([]byte(cfbSignature), garbage[8:512]...)
	binary.LittleEndian.PutUint16(cfbHeader[30:], 9)
	validCFBHead := cfbOf(t, stream{"Workbook", biff(false)})[:1024]
	spaces := bytes.Repeat([]byte(" "), 20<<20)
	for _, tc := range []struct {
		name   string
		head   []byte
		reason Reason
		kind   Kind
	}{
		{"random", append([]byte{0x13}, garbage...), ReasonUnknown, Unknown},
		{"zip signature", append([]byte("PK\x03\x04"), garbage...), ReasonCorrupt, Unknown},
		{"compound file signature", cfbHeader, ReasonCorrupt, Unknown},
		{"compound file header then zeros", validCFBHead, ReasonCorrupt, Unknown},
		{"20 MB of spaces then zeros", spaces, ReasonUnknown, Unknown},
		{"20 MB of spaces then CSV", append(spaces, "a,b\n1,2\n"...), ReasonText, Text},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "big.xlsx")
			size := int64(size)
			if tc.kind == Text {
				size = int64(len(tc.head))
			}
			sparse(t, path, tc.head, size)
			before, counted := readSoFar(t)
			info, err := Sniff(path, Limits{MaxFileSize: -1})
			after, _ := readSoFar(t)
			var fe *Error
			if !errors.As(err, &fe) || fe.Reason != tc.reason || info.Kind != tc.kind {
				t.Fatalf("Sniff = %+v, %v; want %s, %v", info, err, tc.reason, tc.kind)
			}
			if read := after - before; counted && tc.kind != Text && read > size/2 {
				t.Errorf("Sniff of %d MB read %d MB", size>>20, read>>20)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{XLSX: "xlsx", ODS: "ods", LegacyXLS: "legacy xls", Encrypted: "encrypted",
		XMLSpreadsheet: "xml 2003", HTML: "html", Text: "text", Empty: "empty", Unknown: "unknown", Kind(99): "Kind(99)"} {
		if got := k.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(k), got, want)
		}
	}
	if !LegacyXLS.Convertible() || !ODS.Convertible() || XLSX.Convertible() || HTML.Convertible() {
		t.Error("Convertible: want .xls/.et, .ods and Excel 2003 XML only")
	}
}

func TestEncryptedError(t *testing.T) {
	e := EncryptedError("学校/年报.xlsx")
	if got := e.Error(); got != "学校/年报.xlsx: "+EncryptedHelpZh || !strings.Contains(got, "--password") || !strings.Contains(got, "用密码进行加密") {
		t.Errorf("Error() = %q", got)
	}
	if got := e.Message("en"); !strings.Contains(got, "Encrypt with Password") || !strings.HasPrefix(got, "学校/年报.xlsx: ") {
		t.Errorf("Message(en) = %q", got)
	}
}

func TestLimitsDefaults(t *testing.T) {
	if got := (Limits{}).withDefaults(); got != DefaultLimits() {
		t.Errorf("zero Limits = %+v, want DefaultLimits", got)
	}
	if got := (Limits{MaxEntries: -1, MaxRatio: 7}).withDefaults(); got.MaxEntries < 1<<40 || got.MaxRatio != 7 || got.MaxFileSize != DefaultLimits().MaxFileSize {
		t.Errorf("Limits = %+v", got)
	}
}

// ---- Convert ----

// fakeSoffice puts a fake soffice first on PATH. Its behaviour is chosen by
// FAKE_MODE: "sleep" starts a child that sleeps (its pid in FAKE_PID) and
// waits for it, "ok" copies FAKE_XLSX to the output folder as LibreOffice
// would, "nothing" exits 0 having written nothing. It records its arguments
// in FAKE_ARGS.
func fakeSoffice(t *testing.T, mode string) (dir string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake soffice is a shell script")
	}
	dir = t.TempDir()
	script := `#!/bin/sh
printf '%s\n' "$@" > "$FAKE_ARGS"
out=""; prev=""; last=""
for a in "$@"; do
  if [ "$prev" = "--outdir" ]; then out="$a"; fi
  prev="$a"; last="$a"
done
[ -f "$last" ] || exit 3
case "$FAKE_MODE" in
sleep) sleep 60 & echo $! > "$FAKE_PID"; wait ;;
ok) cp "$FAKE_XLSX" "$out/input.xlsx" ;;
nothing) echo "Error: source file could not be loaded" >&2 ;;
esac
`
	if err := os.WriteFile(filepath.Join(dir, "soffice"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("FAKE_MODE", mode)
	t.Setenv("FAKE_ARGS", filepath.Join(dir, "args"))
	t.Setenv("FAKE_PID", filepath.Join(dir, "pid"))
	t.Setenv("TMPDIR", t.TempDir()) // Convert's work folder, to check it is removed
	return dir
}

func writeFixture(t *testing.T, path string, data []byte) fileState {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return snapshot(t, path, time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC))
}

func TestConvertTimeoutKillsProcessGroup(t *testing.T) {
	fake := fakeSoffice(t, "sleep")
	in := filepath.Join(t.TempDir(), "学校 年报.xls")
	before := writeFixture(t, in, cfbOf(t, stream{"Workbook", biff(false)}))
	start := time.Now()
	_, err := Convert(context.Background(), in, t.TempDir(), 300*time.Millisecond)
	d := time.Since(start)
	var fe *Error
	if !errors.As(err, &fe) || fe.Reason != ReasonTimeout {
		t.Fatalf("Convert = %v, want a timeout *Error", err)
	}
	if d > 3*time.Second {
		t.Errorf("Convert returned after %v: the timeout did not kill soffice", d)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, in+": ") || !strings.Contains(msg, "转换超时") || !strings.Contains(msg, "另存为 .xlsx") {
		t.Errorf("message = %q", msg)
	}
	pidText, err := os.ReadFile(filepath.Join(fake, "pid"))
	if err != nil {
		t.Fatalf("the fake soffice did not start its child: %v", err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(pidText)))
	if !waitDead(pid, 2*time.Second) {
		exec.Command("kill", "-9", strconv.Itoa(pid)).Run()
		t.Errorf("soffice's child %d survived the timeout: the process group was not killed", pid)
	}
	if after := snapshot(t, in, time.Time{}); after != before {
		t.Error("Convert changed its input")
	}
	assertNoWorkLeft(t)
}

// waitDead waits for a process to be gone (or a zombie).
func waitDead(pid int, within time.Duration) bool {
	for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			if _, err := os.Stat("/proc/self"); err != nil { // no /proc: ask kill -0
				if exec.Command("kill", "-0", strconv.Itoa(pid)).Run() != nil {
					return true
				}
				continue
			}
			return true
		}
		if f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:])); len(f) > 0 && f[0] == "Z" {
			return true
		}
	}
	return false
}

func assertNoWorkLeft(t *testing.T) {
	t.Helper()
	left, _ := os.ReadDir(os.Getenv("TMPDIR"))
	if len(left) > 0 {
		t.Errorf("Convert left %v in the temporary folder", left)
	}
}

func TestConvertCopiesInputAndNeverReplaces(t *testing.T) {
	fake := fakeSoffice(t, "ok")
	xlsx := filepath.Join(t.TempDir(), "result.xlsx")
	if err := os.WriteFile(xlsx, minimalXLSX(t), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FAKE_XLSX", xlsx)
	in := filepath.Join(t.TempDir(), "学校 A's 年报 (final) $HOME;.xls")
	before := writeFixture(t, in, cfbOf(t, stream{"Workbook", biff(false)}))
	out := t.TempDir()
	var profiles []string
	for i, want := range []string{"学校 A's 年报 (final) $HOME;.xlsx", "学校 A's 年报 (final) $HOME; (2).xlsx"} {
		got, err := Convert(context.Background(), in, out, 10*time.Second)
		if err != nil {
			t.Fatalf("Convert #%d: %v", i+1, err)
		}
		if got != filepath.Join(out, want) {
			t.Errorf("Convert #%d = %q, want %q", i+1, got, want)
		}
		if info, err := Sniff(got, Limits{}); err != nil || info.Kind != XLSX {
			t.Errorf("result: %+v, %v", info, err)
		}
		args, _ := os.ReadFile(filepath.Join(fake, "args"))
		lines := strings.Split(strings.TrimSpace(string(args)), "\n")
		if !strings.HasPrefix(lines[0], "-env:UserInstallation=file:///") || !strings.Contains(string(args), "--headless\n") ||
			!strings.Contains(string(args), "--convert-to\nxlsx") {
			t.Errorf("soffice arguments:\n%s", args)
		}
		if last := lines[len(lines)-1]; last == in || filepath.Base(last) != "input.xls" {
			t.Errorf("soffice was given %q, want a copy named input.xls", last)
		}
		profiles = append(profiles, lines[0])
	}
	if profiles[0] == profiles[1] {
		t.Errorf("both conversions used the profile %s", profiles[0])
	}
	if after := snapshot(t, in, time.Time{}); after != before {
		t.Error("Convert changed its input")
	}
	assertNoWorkLeft(t)
}

func TestConvertFailure(t *testing.T) {
	fakeSoffice(t, "nothing")
	in := filepath.Join(t.TempDir(), "坏的.xls")
	writeFixture(t, in, cfbOf(t, stream{"Workbook", biff(true)}))
	_, err := Convert(context.Background(), in, t.TempDir(), 10*time.Second)
	var fe *Error
	if !errors.As(err, &fe) || fe.Reason != ReasonConvertFailed {
		t.Fatalf("Convert = %v, want a failed conversion", err)
	}
	// The input has a FILEPASS record: the message says so.
	if msg := err.Error(); !strings.HasPrefix(msg, in+": ") || !strings.Contains(msg, "文件有打开密码") {
		t.Errorf("message = %q", msg)
	}
	if !strings.Contains(fe.Err.Error(), "source file could not be loaded") {
		t.Errorf("cause = %v, want LibreOffice's words", fe.Err)
	}
	assertNoWorkLeft(t)
}

func TestConvertWithoutLibreOffice(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, ok := SofficePath(); ok && runtime.GOOS == "linux" {
		t.Fatal("SofficePath found soffice on an empty PATH")
	}
	if runtime.GOOS != "linux" {
		t.Skip("Windows and macOS also look where the installer puts LibreOffice")
	}
	in := filepath.Join(t.TempDir(), "年报.xls")
	writeFixture(t, in, cfbOf(t, stream{"Workbook", biff(false)}))
	_, err := Convert(context.Background(), in, t.TempDir(), time.Minute)
	var fe *Error
	if !errors.As(err, &fe) || fe.Reason != ReasonNoConverter {
		t.Fatalf("Convert = %v, want no converter", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, in+": ") || !strings.Contains(msg, "没有安装 LibreOffice") || !strings.Contains(msg, "另存为 .xlsx 后再提交") {
		t.Errorf("message = %q", msg)
	}
}

// TestConvertWithLibreOffice makes real .xls, .et and .ods files from a CSV
// with LibreOffice, checks Sniff recognises them, and converts them (and an
// Excel 2003 XML file) back to .xlsx.
func TestConvertWithLibreOffice(t *testing.T) {
	soffice := realclients.Soffice(t)
	src := t.TempDir()
	csv := filepath.Join(src, "学校 年报.csv")
	if err := os.WriteFile(csv, []byte("学校名称,学生数\n示例职业学校,1883\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	profile := t.TempDir()
	for _, to := range []string{"xls:MS Excel 97", "ods"} {
		cmd := exec.Command(soffice, "-env:UserInstallation="+fileURL(profile), "--headless", "--norestore",
			"--infilter=CSV:44,34,76", "--convert-to", to, "--outdir", src, csv)
		cmd.Env = append(os.Environ(), "HOME="+profile)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice --convert-to %s: %v\n%s", to, err, out)
		}
	}
	xls := filepath.Join(src, "学校 年报.xls")
	data, err := os.ReadFile(xls)
	if err != nil {
		t.Fatalf("LibreOffice made no .xls: %v", err)
	}
	et := filepath.Join(src, "学校 年报.et")
	xml := filepath.Join(src, "学校 年报 2003.xml")
	for path, data := range map[string][]byte{et: data, xml: []byte(spreadsheetML)} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		in     string
		kind   Kind
		format string
	}{
		{xls, LegacyXLS, "xls"},
		{et, LegacyXLS, "et"},
		{filepath.Join(src, "学校 年报.ods"), ODS, "ods"},
		{xml, XMLSpreadsheet, "xml2003"},
	} {
		t.Run(filepath.Ext(tc.in), func(t *testing.T) {
			info, err := Sniff(tc.in, Limits{})
			if err != nil || info.Kind != tc.kind || info.Format != tc.format || info.Encrypted {
				t.Fatalf("Sniff = %+v, %v; want %v %s", info, err, tc.kind, tc.format)
			}
			before := snapshot(t, tc.in, time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC))
			out := t.TempDir()
			got, err := Convert(context.Background(), tc.in, out, 3*time.Minute)
			if err != nil {
				t.Fatalf("Convert: %v", err)
			}
			want := filepath.Join(out, strings.TrimSuffix(filepath.Base(tc.in), filepath.Ext(tc.in))+".xlsx")
			if got != want {
				t.Errorf("Convert = %q, want %q", got, want)
			}
			if info, err := Sniff(got, Limits{}); err != nil || info.Kind != XLSX {
				t.Fatalf("converted file: %+v, %v", info, err)
			}
			if s := sharedStrings(t, got); !strings.Contains(s, "示例职业学校") {
				t.Errorf("the converted workbook lost its text: %s", s)
			}
			if after := snapshot(t, tc.in, time.Time{}); after != before {
				t.Error("Convert changed its input")
			}
		})
	}
}

// sharedStrings is the converted workbook's xl/sharedStrings.xml.
func sharedStrings(t *testing.T, path string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == "xl/sharedStrings.xml" {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var b bytes.Buffer
			b.ReadFrom(r)
			return b.String()
		}
	}
	return ""
}

// Load reads a workbook of a usual size once: what Sniff checked is what
// it returns, not read from disk a second time (counted in bytes read).
func TestLoadReadsOnce(t *testing.T) {
	pad := make([]byte, 2<<20) // stored, so the file is 2 MB on disk
	rand.NewChaCha8([32]byte{3}).Read(pad)
	want := minimalXLSX(t, entry{name: "xl/media/pad.bin", data: pad, stored: true})
	path := filepath.Join(t.TempDir(), "某校.xlsx")
	if err := os.WriteFile(path, want, 0o644); err != nil {
		t.Fatal(err)
	}
	before, counted := readSoFar(t)
	data, _, err := Load(context.Background(), path, Options{})
	after, _ := readSoFar(t)
	if err != nil || !bytes.Equal(data, want) {
		t.Fatalf("Load = %d bytes, %v; want the file's %d", len(data), err, len(want))
	}
	// the file and a little (its head was read twice before)
	if read := after - before; counted && read > int64(len(want))+16<<10 {
		t.Errorf("Load of a %d-byte workbook read %d bytes", len(want), read)
	}
}
