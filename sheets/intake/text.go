package intake

import (
	"bytes"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// text recognises what is not a container: web pages, Excel 2003 XML, CSV
// and other text, whitespace; anything else is unknown binary.
func (s *sniffer) text() error {
	b := s.head
	complete := int64(len(b)) == s.size // the head is the whole file
	wide := false
	switch {
	case hasPrefix(b, "\xef\xbb\xbf"):
		s.info.Encoding, b = "utf-8-bom", b[3:]
	case hasPrefix(b, "\xff\xfe"):
		s.info.Encoding, b, wide = "utf-16le", decodeUTF16(b[2:], false), true
	case hasPrefix(b, "\xfe\xff"):
		s.info.Encoding, b, wide = "utf-16be", decodeUTF16(b[2:], true), true
	}
	i := bytes.IndexFunc(b, notSpace)
	if i < 0 && !complete && !wide {
		// Whitespace so far: look for the first other byte further on.
		var err error
		b, complete, err = s.afterSpace(int64(len(s.head)))
		if err != nil {
			return s.fail(ReasonUnreadable, err, "读取文件失败（"+err.Error()+"）", "reading the file failed ("+err.Error()+")")
		}
		i = bytes.IndexFunc(b, notSpace)
	}
	if i < 0 {
		if complete {
			s.info.Kind = Empty
			return s.fail(ReasonEmpty, nil,
				fmt.Sprintf("文件是空的（只有空白字符，共 %d 字节），可能保存或导出没有完成，请重新保存后提交", s.size),
				fmt.Sprintf("the file is empty (whitespace only, %d bytes): saving or exporting it may not have finished; save it again and resubmit", s.size))
		}
		b = nil // UTF-16 whitespace beyond the head: plain text
	} else {
		b = b[i:]
	}

	if len(b) > 0 && b[0] == '<' {
		return s.markup(b)
	}
	if lower := bytes.ToLower(b[:min(len(b), 512)]); bytes.HasPrefix(lower, []byte("mime-version:")) ||
		bytes.Contains(lower, []byte("content-type: multipart/related")) {
		s.info.Kind, s.info.Format = HTML, "mht"
		return s.htmlError()
	}
	if !wide && !isText(b) {
		s.info.Encoding = ""
		n := min(len(s.head), 8)
		return s.fail(ReasonUnknown, nil,
			fmt.Sprintf("无法识别的文件格式，不是 Excel 工作簿（开头字节 % X）。请用 Excel 或 WPS 打开后另存为 .xlsx 再提交；如果 Excel 也打不开，说明文件已损坏", s.head[:n]),
			fmt.Sprintf("unrecognised file format, not an Excel workbook (first bytes % X). Open it in Excel or WPS and save it as .xlsx; if Excel cannot open it either, the file is damaged", s.head[:n]))
	}
	s.info.Kind = Text
	if s.info.Encoding == "" {
		switch {
		case utf8.Valid(trimPartialRune(b, complete)):
			s.info.Encoding = "utf-8"
		case validGB18030(b, complete):
			s.info.Encoding = "gbk"
		}
	}
	s.info.Format = textFormat(b)
	return s.textError()
}

// afterSpace reads on from off past whitespace and returns up to headSize
// bytes from the first other byte (empty if there is none), and whether they
// reach the end of the file.
func (s *sniffer) afterSpace(off int64) ([]byte, bool, error) {
	for off < s.size {
		chunk, err := readAt(s.r, off, min(s.size-off, headSize))
		if err != nil || len(chunk) == 0 {
			return nil, true, err
		}
		if i := bytes.IndexFunc(chunk, notSpace); i >= 0 {
			w, err := readAt(s.r, off+int64(i), min(s.size-off-int64(i), headSize))
			return w, off+int64(i)+int64(len(w)) >= s.size, err
		}
		off += int64(len(chunk))
	}
	return nil, true, nil
}

func notSpace(r rune) bool {
	return r != ' ' && r != '\t' && r != '\n' && r != '\r' && r != '\f' && r != '\v'
}

// markup classifies text that starts with '<'.
func (s *sniffer) markup(b []byte) error {
	lower := bytes.ToLower(b[:min(len(b), 8192)])
	has := func(t string) bool { return bytes.Contains(lower, []byte(t)) }
	if (bytes.HasPrefix(lower, []byte("<?xml")) || bytes.HasPrefix(lower, []byte("<workbook"))) &&
		has("urn:schemas-microsoft-com:office:spreadsheet") && has("<workbook") && !has("<html") {
		s.info.Kind, s.info.Format = XMLSpreadsheet, "xml2003"
		s.setTextEncoding(b)
		return nil
	}
	for _, tag := range []string{"<!doctype html", "<html", "<head", "<body", "<table", "<tr", "<td", "<meta", "<title", "<style"} {
		if has(tag) {
			s.info.Kind, s.info.Format = HTML, "html"
			s.setTextEncoding(b)
			return s.htmlError()
		}
	}
	s.info.Format = "xml"
	return s.fail(ReasonUnknown, nil,
		"不是 Excel 工作簿：内容是 XML 或其他标记文本。请用 Excel 或 WPS 打开后另存为 .xlsx",
		"not an Excel workbook: the content is XML or other markup. Open it in Excel or WPS and save it as .xlsx")
}

func (s *sniffer) setTextEncoding(b []byte) {
	if s.info.Encoding != "" {
		return
	}
	complete := int64(len(s.head)) == s.size
	switch {
	case utf8.Valid(trimPartialRune(b, complete)):
		s.info.Encoding = "utf-8"
	case validGB18030(b, complete):
		s.info.Encoding = "gbk"
	}
}

func (s *sniffer) htmlError() error {
	if KindOfExt(s.info.Ext) == HTML {
		return s.fail(ReasonHTML, nil,
			"不是 Excel 工作簿：这是网页（HTML）文件。请用 Excel 或 WPS 打开后另存为 .xlsx",
			"not an Excel workbook: this is a web page (HTML). Open it in Excel or WPS and save it as .xlsx")
	}
	return s.fail(ReasonHTML, nil,
		"不是 Excel 工作簿：内容是网页（HTML），可能是从网站导出的“假 xls”。请用 Excel 或 WPS 打开后另存为 .xlsx",
		"not an Excel workbook: the content is a web page (HTML), probably a \"fake xls\" exported from a website. Open it in Excel or WPS and save it as .xlsx")
}

func (s *sniffer) textError() error {
	what, whatEn := "纯文本", "plain text"
	switch s.info.Format {
	case "csv":
		what, whatEn = "CSV 文本（逗号分隔）", "CSV text (comma-separated)"
	case "tsv":
		what, whatEn = "制表符分隔的文本", "tab-separated text"
	}
	switch s.info.Encoding {
	case "gbk":
		what, whatEn = what+"，GBK 编码", whatEn+", GBK encoded"
	case "utf-16le", "utf-16be":
		what, whatEn = what+"，UTF-16 编码", whatEn+", UTF-16 encoded"
	}
	if KindOfExt(s.info.Ext) == Text {
		return s.fail(ReasonText, nil,
			zhJoin("不是 Excel 工作簿：这是", what, "文件。请用 Excel 或 WPS 打开后另存为 .xlsx"),
			"not an Excel workbook: this is a "+whatEn+" file. Open it in Excel or WPS and save it as .xlsx")
	}
	ext, extEn := zhJoin("扩展名却是", s.info.Ext), "only named "+s.info.Ext
	if s.info.Ext == "" {
		ext, extEn = "没有扩展名", "with no extension"
	}
	return s.fail(ReasonText, nil,
		zhJoin("不是 Excel 工作簿：内容是", what, "，"+ext+"，可能是从系统导出的“假 xls”。请用 Excel 或 WPS 打开后另存为 .xlsx"),
		"not an Excel workbook: the content is "+whatEn+", "+extEn+", probably a \"fake xls\" exported from a system. Open it in Excel or WPS and save it as .xlsx")
}

// isText reports whether b looks like text: no NUL, at most 1% other control
// bytes.
func isText(b []byte) bool {
	ctl := 0
	for _, c := range b {
		switch {
		case c == 0:
			return false
		case c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x1a: // 0x1a: DOS end of file
		case c < 0x20 || c == 0x7f:
			ctl++
		}
	}
	return ctl*100 <= len(b)
}

// textFormat says from the first line whether text is CSV, TSV or plain.
func textFormat(b []byte) string {
	line := b[:min(len(b), 4096)]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	tabs, commas := bytes.Count(line, []byte("\t")), bytes.Count(line, []byte(","))+bytes.Count(line, []byte("，"))
	switch {
	case tabs > 0 && tabs >= commas:
		return "tsv"
	case commas > 0 || bytes.Contains(line, []byte(";")):
		return "csv"
	}
	return "txt"
}

// trimPartialRune drops a rune cut by the end of a head that is not the
// whole file.
func trimPartialRune(b []byte, complete bool) []byte {
	if complete {
		return b
	}
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// validGB18030 reports whether b is well-formed GB18030 (so GBK, GB2312).
func validGB18030(b []byte, complete bool) bool {
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c < 0x80:
			i++
			continue
		case c == 0x80 || c == 0xff:
			return false
		case i+1 >= len(b):
			return !complete
		}
		if c2 := b[i+1]; c2 >= 0x40 && c2 <= 0xfe && c2 != 0x7f {
			i += 2
			continue
		} else if c2 >= 0x30 && c2 <= 0x39 {
			if i+3 >= len(b) {
				return !complete
			}
			if b[i+2] >= 0x81 && b[i+2] <= 0xfe && b[i+3] >= 0x30 && b[i+3] <= 0x39 {
				i += 4
				continue
			}
		}
		return false
	}
	return true
}

// decodeUTF16 decodes UTF-16 to UTF-8 (an odd last byte is dropped).
func decodeUTF16(b []byte, bigEndian bool) []byte {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return []byte(string(utf16.Decode(u)))
}
