package intake

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/richardlehane/mscfb"
)

// cfbSignature opens every compound file (OLE2): .xls, .et, .doc, .ppt, and
// encrypted .xlsx.
const cfbSignature = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

const (
	corruptCFBZh = "文件不完整或已损坏（Office 97-2003 文件结构无法读取），可能是下载或复制中断，请重新保存后提交"
	corruptCFBEn = "the file is incomplete or damaged (its Office 97-2003 structure cannot be read): a download or copy may have been interrupted; save it again and resubmit"
)

// cfb inspects a compound file's directory: which streams it holds.
func (s *sniffer) cfb() error {
	if err := checkCFBHeader(s.head, s.size); err != nil {
		return s.fail(ReasonCorrupt, err, corruptCFBZh, corruptCFBEn)
	}
	// The directory of a real workbook is a few sectors; a hostile one is cut
	// short rather than followed through the whole file.
	r, err := openCFB(&budgetReader{r: s.r, bytes: 16 << 20, calls: 1 << 17})
	if err != nil {
		return s.fail(ReasonCorrupt, err, corruptCFBZh, corruptCFBEn)
	}
	root := map[string]*mscfb.File{}
	for _, f := range r.File {
		if len(f.Path) == 0 {
			root[strings.ToLower(f.Name)] = f
		}
	}
	switch {
	case root["encryptioninfo"] != nil && root["encryptedpackage"] != nil:
		// An OOXML package encrypted with a password to open (ECMA-376 agile
		// or standard encryption); almost always a workbook here, but an
		// encrypted .docx looks the same until decrypted.
		s.info.Kind = Encrypted
		s.info.Format = "ooxml"
		return nil
	case root["workbook"] != nil || root["book"] != nil:
		s.info.Kind = LegacyXLS
		s.info.Format = "xls"
		if s.info.Ext == ".et" || s.info.Ext == ".ett" {
			s.info.Format = "et"
		}
		wb := root["workbook"]
		if wb == nil {
			wb = root["book"]
		}
		if wb.Size <= 0 || wb.Size > s.size {
			return s.fail(ReasonCorrupt, fmt.Errorf("workbook stream of %d bytes in a file of %d", wb.Size, s.size), corruptCFBZh, corruptCFBEn)
		}
		s.info.Encrypted = filePass(wb)
		return nil
	case root["worddocument"] != nil:
		s.info.Format = "doc"
		return s.fail(ReasonNotWorkbook, nil,
			"不是 Excel 工作簿：这是 Word 文档（.doc）。请提交 Excel 工作簿（.xlsx）",
			"not an Excel workbook: this is a Word document (.doc). Please submit an Excel workbook (.xlsx)")
	case root["powerpoint document"] != nil:
		s.info.Format = "ppt"
		return s.fail(ReasonNotWorkbook, nil,
			"不是 Excel 工作簿：这是 PowerPoint 演示文稿（.ppt）。请提交 Excel 工作簿（.xlsx）",
			"not an Excel workbook: this is a PowerPoint presentation (.ppt). Please submit an Excel workbook (.xlsx)")
	}
	s.info.Format = "cfb"
	return s.fail(ReasonNotWorkbook, nil,
		"不是 Excel 工作簿：这是 Office 97-2003 格式的其他文件，里面没有工作簿。请提交 Excel 工作簿（.xlsx）",
		"not an Excel workbook: this is another Office 97-2003 file, with no workbook in it. Please submit an Excel workbook (.xlsx)")
}

// openCFB reads a compound file's directory, turning a panic of the parser
// on hostile input into an error.
func openCFB(ra io.ReaderAt) (r *mscfb.Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("mscfb: %v", p)
		}
	}()
	return mscfb.New(ra)
}

// checkCFBHeader refuses a header whose counts cannot fit in the file, before
// the parser allocates for them.
func checkCFBHeader(h []byte, size int64) error {
	if len(h) < 512 || size < 1024 {
		return errors.New("compound file shorter than its header and one sector")
	}
	var sector int64
	switch binary.LittleEndian.Uint16(h[30:32]) {
	case 9:
		sector = 512
	case 12:
		sector = 4096
	default:
		return errors.New("compound file: bad sector size")
	}
	sectors := size/sector + 1
	for _, off := range []int{40, 44, 64, 72} { // directory, FAT, mini FAT, DIFAT sector counts
		if int64(binary.LittleEndian.Uint32(h[off:off+4])) > sectors {
			return fmt.Errorf("compound file: sector count at %d larger than the file", off)
		}
	}
	if dir := int64(binary.LittleEndian.Uint32(h[48:52])); dir >= sectors {
		return errors.New("compound file: directory outside the file")
	}
	return nil
}

// filePass reports whether a BIFF workbook stream has a FILEPASS record (a
// password to open) in its globals, which come first.
func filePass(wb *mscfb.File) (found bool) {
	defer func() {
		if recover() != nil {
			found = false
		}
	}()
	buf := make([]byte, min(wb.Size, 8192))
	n, _ := io.ReadFull(wb, buf)
	buf = buf[:n]
	for off := 0; off+4 <= len(buf); {
		id := binary.LittleEndian.Uint16(buf[off:])
		size := int(binary.LittleEndian.Uint16(buf[off+2:]))
		switch {
		case off == 0 && id&0xff != 0x09: // not a BOF: not BIFF
			return false
		case id == 0x002f: // FILEPASS
			return true
		case id == 0x0085 || id == 0x000a: // BOUNDSHEET, EOF: past the encryption header
			return false
		}
		off += 4 + size
	}
	return false
}

// budgetReader fails once too much has been read or too many reads made.
type budgetReader struct {
	r            io.ReaderAt
	bytes, calls int64
}

var errBudget = errors.New("compound file directory too large or looping")

func (b *budgetReader) ReadAt(p []byte, off int64) (int, error) {
	b.calls--
	b.bytes -= int64(len(p))
	if b.calls < 0 || b.bytes < 0 {
		return 0, errBudget
	}
	return b.r.ReadAt(p, off)
}
