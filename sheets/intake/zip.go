package intake

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

const (
	corruptZipZh = "文件不完整或已损坏（zip 结构无法读取），可能是下载或复制中断，请重新保存后提交"
	corruptZipEn = "the file is incomplete or damaged (its zip structure cannot be read): a download or copy may have been interrupted; save it again and resubmit"
)

// zip inspects a zip from its central directory.
func (s *sniffer) zip() error {
	entries, err := zipEntryCount(s.r, s.size)
	if err != nil {
		return s.fail(ReasonCorrupt, err, corruptZipZh, corruptZipEn)
	}
	if entries > uint64(s.lim.MaxEntries) {
		return s.tooManyEntries(entries)
	}
	zr, err := zip.NewReader(s.r, s.size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return s.fail(ReasonCorrupt, err, corruptZipZh, corruptZipEn)
	}
	if err != nil {
		return s.fail(ReasonCorrupt, err,
			"文件已损坏或被篡改（zip 内含不安全的路径），拒绝读取",
			"the file is damaged or tampered with (the zip holds unsafe paths) and is not read")
	}
	s.zr = zr
	s.info.Entries = len(zr.File)
	if uint64(len(zr.File)) > uint64(s.lim.MaxEntries) {
		return s.tooManyEntries(uint64(len(zr.File)))
	}

	byName := make(map[string]*zip.File, len(zr.File))
	var total uint64
	for _, f := range zr.File {
		byName[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
		if total += f.UncompressedSize64; total < f.UncompressedSize64 {
			total = math.MaxUint64 // overflow: a hostile directory
		}
	}
	s.info.Uncompressed = int64(min(total, math.MaxInt64))
	s.zipKind(byName)

	// Safety first: a bomb is refused whatever it claims to be.
	if total > uint64(s.lim.MaxUncompressed) {
		return s.fail(ReasonZipBomb, nil,
			fmt.Sprintf("文件解压后过大（声明 %s，超过上限 %s），拒绝读取。年报工作簿解压后通常只有几 MB，这可能是压缩炸弹或不是年报文件", mb(s.info.Uncompressed), mb(s.lim.MaxUncompressed)),
			fmt.Sprintf("the file is too large uncompressed (it declares %s, over the limit of %s) and is not read. A report workbook is a few MB uncompressed: this may be a zip bomb, or not a report", mbEn(s.info.Uncompressed), mbEn(s.lim.MaxUncompressed)))
	}
	for _, f := range zr.File {
		if f.UncompressedSize64 < RatioFloor {
			continue
		}
		ratio := f.UncompressedSize64 / max(f.CompressedSize64, 1)
		if ratio > uint64(s.lim.MaxRatio) {
			name := zipName(f)
			return s.fail(ReasonZipBomb, nil,
				fmt.Sprintf("文件中“%s”的压缩比异常（%d 倍，上限 %d 倍：%s 压缩成 %s），疑似压缩炸弹，拒绝读取", name, ratio, s.lim.MaxRatio, mb(int64(min(f.UncompressedSize64, math.MaxInt64))), mb(int64(min(f.CompressedSize64, math.MaxInt64)))),
				fmt.Sprintf("the entry %q compresses abnormally well (%d times, the limit is %d: %s in %s): a suspected zip bomb, not read", name, ratio, s.lim.MaxRatio, mbEn(int64(min(f.UncompressedSize64, math.MaxInt64))), mbEn(int64(min(f.CompressedSize64, math.MaxInt64)))))
		}
	}

	switch s.info.Kind {
	case XLSX, ODS:
		for _, f := range zr.File {
			if f.Method != zip.Store && f.Method != zip.Deflate {
				return s.fail(ReasonCorrupt, nil,
					fmt.Sprintf("文件中“%s”使用了不支持的压缩方式（%d），可能是被其他压缩软件重新打包过。请用 Excel 或 WPS 打开后另存为 .xlsx", zipName(f), f.Method),
					fmt.Sprintf("the entry %q uses an unsupported compression method (%d): the file may have been repacked by an archiver. Open it in Excel or WPS and save it as .xlsx", zipName(f), f.Method))
			}
		}
		return nil
	}
	return s.notWorkbookZip(zr.File)
}

func (s *sniffer) tooManyEntries(n uint64) error {
	return s.fail(ReasonTooManyEntries, nil,
		fmt.Sprintf("文件包含的条目过多（%d 个，上限 %d 个），不像是正常的工作簿，拒绝读取", n, s.lim.MaxEntries),
		fmt.Sprintf("the file holds too many entries (%d, the limit is %d): it does not look like a workbook and is not read", n, s.lim.MaxEntries))
}

// zipKind sets Kind and Format from the names of a zip's entries (and, for an
// ODS or an OOXML package without xl/workbook.xml, a few bytes of one entry).
func (s *sniffer) zipKind(byName map[string]*zip.File) {
	_, contentTypes := byName["[content_types].xml"]
	_, vba := byName["xl/vbaproject.bin"]
	if contentTypes {
		if byName["xl/workbook.xml"] != nil {
			s.info.Kind = XLSX
		} else if t := s.officeDocument(byName); strings.HasSuffix(t, ".xml") && !strings.HasPrefix(t, "word/") && !strings.HasPrefix(t, "ppt/") && byName[t] != nil {
			// excelize, like Excel, follows _rels/.rels to the workbook part.
			s.info.Kind = XLSX
		}
	}
	if s.info.Kind == XLSX {
		s.info.Format = "xlsx"
		if vba {
			s.info.Format = "xlsm"
		}
		return
	}
	if f := byName["mimetype"]; f != nil {
		mt := strings.TrimSpace(string(readEntry(f, 128)))
		if strings.HasPrefix(mt, "application/vnd.oasis.opendocument.spreadsheet") {
			s.info.Kind = ODS
			s.info.Format = "ods"
			return
		}
		if strings.HasPrefix(mt, "application/vnd.oasis.opendocument.") {
			s.info.Format = "od" + strings.TrimPrefix(mt, "application/vnd.oasis.opendocument.")
			if f, ok := odfFormats[s.info.Format]; ok {
				s.info.Format = f
			}
			return
		}
	}
	switch {
	case byName["xl/workbook.bin"] != nil:
		s.info.Format = "xlsb"
	case byName["word/document.xml"] != nil:
		s.info.Format = "docx"
	case byName["ppt/presentation.xml"] != nil:
		s.info.Format = "pptx"
	case contentTypes:
		s.info.Format = "ooxml"
	default:
		s.info.Format = "zip"
	}
}

var odfFormats = map[string]string{"odtext": "odt", "odpresentation": "odp", "odgraphics": "odg", "odformula": "odf", "odchart": "odc"}

var officeDocumentRel = regexp.MustCompile(`<Relationship\b[^>]*\bType="[^"]*/officeDocument"[^>]*>`)
var targetAttr = regexp.MustCompile(`\bTarget="([^"]*)"`)

// officeDocument is the main part _rels/.rels names, lower case, "" if none.
func (s *sniffer) officeDocument(byName map[string]*zip.File) string {
	f := byName["_rels/.rels"]
	if f == nil {
		return ""
	}
	rel := officeDocumentRel.Find(readEntry(f, 64<<10))
	if rel == nil {
		return ""
	}
	m := targetAttr.FindSubmatch(rel)
	if m == nil {
		return ""
	}
	return strings.ToLower(strings.TrimPrefix(path.Clean("/"+string(m[1])), "/"))
}

// readEntry reads at most n bytes of a zip entry (a small one: the mimetype,
// the package relationships), nil on any error.
func readEntry(f *zip.File, n int64) []byte {
	if f.UncompressedSize64 > uint64(n) {
		return nil
	}
	r, err := f.Open()
	if err != nil {
		return nil
	}
	defer r.Close()
	b, _ := io.ReadAll(io.LimitReader(r, n))
	return b
}

// notWorkbookZip explains what a zip that holds no workbook is.
func (s *sniffer) notWorkbookZip(files []*zip.File) error {
	const submitZh, submitEn = "。请提交 Excel 工作簿（.xlsx）", ". Please submit an Excel workbook (.xlsx)"
	switch s.info.Format {
	case "xlsb":
		return s.fail(ReasonNotWorkbook, nil,
			"这是 Excel 二进制工作簿（.xlsb），无法读取。请在 Excel 中“另存为”→“Excel 工作簿（*.xlsx）”后再提交",
			"this is an Excel binary workbook (.xlsb), which cannot be read. In Excel, Save As → Excel Workbook (*.xlsx) and submit that")
	case "docx":
		return s.fail(ReasonNotWorkbook, nil, "不是 Excel 工作簿：这是 Word 文档（.docx）"+submitZh, "not an Excel workbook: this is a Word document (.docx)"+submitEn)
	case "pptx":
		return s.fail(ReasonNotWorkbook, nil, "不是 Excel 工作簿：这是 PowerPoint 演示文稿（.pptx）"+submitZh, "not an Excel workbook: this is a PowerPoint presentation (.pptx)"+submitEn)
	case "ooxml":
		return s.fail(ReasonNotWorkbook, nil,
			"不是完整的 Excel 工作簿：文件是 Office 格式，但找不到工作簿部分（xl/workbook.xml），可能已损坏。请用 Excel 或 WPS 打开后另存为 .xlsx",
			"not a complete Excel workbook: the file is an Office package but has no workbook part (xl/workbook.xml); it may be damaged. Open it in Excel or WPS and save it as .xlsx")
	case "odt", "odp", "odg", "odf", "odc":
		return s.fail(ReasonNotWorkbook, nil,
			"不是电子表格：这是 OpenDocument 的其他文档（."+s.info.Format+"）"+submitZh,
			"not a spreadsheet: this is another OpenDocument file (."+s.info.Format+")"+submitEn)
	}
	if strings.HasPrefix(s.info.Format, "od") {
		return s.fail(ReasonNotWorkbook, nil, "不是电子表格：这是其他 OpenDocument 文档"+submitZh, "not a spreadsheet: this is another OpenDocument file"+submitEn)
	}
	if len(files) == 0 {
		return s.fail(ReasonNotWorkbook, nil, "不是 Excel 工作簿：这是一个空的 zip 压缩包"+submitZh, "not an Excel workbook: this is an empty zip archive"+submitEn)
	}
	var inner []string
	for _, f := range files {
		if k := KindOfExt(path.Ext(f.Name)); (k == XLSX || k == ODS || k == LegacyXLS) && !strings.HasSuffix(f.Name, "/") {
			inner = append(inner, path.Base(zipName(f)))
		}
	}
	if len(inner) > 0 {
		more := ""
		if len(inner) > 3 {
			inner, more = inner[:3], " …"
		}
		return s.fail(ReasonNotWorkbook, nil,
			"不是 Excel 工作簿：这是一个 zip 压缩包，里面有 "+strings.Join(inner, "、")+more+"。请解压后提交其中的工作簿本身",
			"not an Excel workbook: this is a zip archive holding "+strings.Join(inner, ", ")+more+". Extract it and submit the workbook itself")
	}
	return s.fail(ReasonNotWorkbook, nil,
		"不是 Excel 工作簿：这是一个 zip 压缩包，里面没有工作簿"+submitZh,
		"not an Excel workbook: this is a zip archive with no workbook in it"+submitEn)
}

// zipName is an entry's name, decoded from GBK when it is not UTF-8 (as
// Chinese Windows archivers write names).
func zipName(f *zip.File) string {
	if utf8.ValidString(f.Name) {
		return f.Name
	}
	if s, err := simplifiedchinese.GB18030.NewDecoder().String(f.Name); err == nil {
		return s
	}
	return strings.ToValidUTF8(f.Name, "?")
}

// zipEntryCount reads the number of entries from the end of central
// directory record (zip64 too), so that a zip declaring millions of entries
// is refused before its directory is parsed. A file without the record is a
// truncated or damaged zip.
func zipEntryCount(r io.ReaderAt, size int64) (uint64, error) {
	const eocdLen, maxComment = 22, 65535
	for _, n := range []int64{1024, eocdLen + maxComment} {
		n = min(n, size)
		buf, err := readAt(r, size-n, n)
		if err != nil {
			return 0, err
		}
		i := findEOCD(buf)
		if i < 0 {
			if n == size {
				break
			}
			continue
		}
		d := buf[i:]
		entries := uint64(binary.LittleEndian.Uint16(d[10:12]))
		if entries != 0xffff && binary.LittleEndian.Uint32(d[12:16]) != 0xffffffff && binary.LittleEndian.Uint32(d[16:20]) != 0xffffffff {
			return entries, nil
		}
		// zip64: the locator precedes the record.
		abs := size - n + int64(i)
		if abs < 20 {
			return entries, nil
		}
		loc, err := readAt(r, abs-20, 20)
		if err != nil || !hasPrefix(loc, "PK\x06\x07") {
			return entries, nil // not zip64 after all: exactly 65535 entries
		}
		off := int64(binary.LittleEndian.Uint64(loc[8:16]))
		if off < 0 || off > size-56 {
			return 0, errors.New("zip64 end of central directory out of range")
		}
		d64, err := readAt(r, off, 56)
		if err != nil || !hasPrefix(d64, "PK\x06\x06") || len(d64) < 56 {
			return 0, errors.New("bad zip64 end of central directory")
		}
		return binary.LittleEndian.Uint64(d64[32:40]), nil
	}
	return 0, errors.New("no end of central directory record: the zip is truncated")
}

// findEOCD finds the end of central directory record's signature, from the
// end, where its comment length fits.
func findEOCD(b []byte) int {
	for i := len(b) - 22; i >= 0; i-- {
		if b[i] == 'P' && b[i+1] == 'K' && b[i+2] == 5 && b[i+3] == 6 {
			if n := int(binary.LittleEndian.Uint16(b[i+20 : i+22])); i+22+n <= len(b) {
				return i
			}
		}
	}
	return -1
}
