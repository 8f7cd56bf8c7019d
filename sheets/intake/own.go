package intake

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/nianbao/nianbao/report"
)

// maxMarkPart bounds what is read of a part to recognise our own outputs.
const maxMarkPart = 1 << 20

// OwnOutput says whether the file is a workbook nianbao wrote as an output
// rather than a school's report, by its content: report.OutputConsolidated
// or report.OutputAnnotated, from the custom property report.PropOutput;
// for files written before that property, from their sheets (汇总, 学校指标
// and 提交情况 together; an annotated copy named NAME_审核 opening on 审核结果).
// "" for anything else, also a file that cannot be read (the reader says why).
func OwnOutput(path string) string {
	f, st, err := openRegular(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	t := &tailReader{f: f, size: st.Size()}
	defer t.release()
	zr, err := zip.NewReader(t, st.Size())
	if err != nil {
		return ""
	}
	var custom, book *zip.File
	for _, e := range zr.File {
		switch strings.TrimPrefix(e.Name, "/") {
		case "docProps/custom.xml":
			custom = e
		case "xl/workbook.xml":
			book = e
		}
	}
	if v := outputProp(custom); v != "" {
		return v
	}
	names := sheetNames(book)
	has := map[string]bool{}
	for _, n := range names {
		has[n] = true
	}
	switch {
	case has[report.RegionSheet] && has[report.IndicatorsSheet] && has[report.StatusSheet] && !has[report.MetaSheet]:
		return report.OutputConsolidated
	case len(names) > 0 && names[0] == report.ResultSheet && strings.HasSuffix(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)), "_审核"):
		return report.OutputAnnotated
	}
	return ""
}

// outputProp is the value of report.PropOutput in docProps/custom.xml.
func outputProp(part *zip.File) string {
	if part == nil {
		return ""
	}
	data := readMarkPart(part)
	// the property's name, where nianbao writes it, is in the part's bytes
	// (a school's workbook has custom properties too, but not this one)
	if !bytes.Contains(data, []byte(report.PropOutput)) {
		return ""
	}
	var props struct {
		Property []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"lpwstr"`
		} `xml:"property"`
	}
	if xml.NewDecoder(bytes.NewReader(data)).Decode(&props) != nil {
		return ""
	}
	for _, p := range props.Property {
		if p.Name == report.PropOutput {
			return strings.TrimSpace(p.Value)
		}
	}
	return ""
}

var sheetName = regexp.MustCompile(`<(?:\w+:)?sheet\s[^>]*?\bname="([^"]*)"`)

// sheetNames are the sheets of xl/workbook.xml in tab order.
func sheetNames(part *zip.File) []string {
	data := readMarkPart(part)
	// what OwnOutput looks for by the sheets is a sheet named 汇总 or
	// 审核结果: without either in the part's bytes (the names are matched
	// as written), no name matters
	if !bytes.Contains(data, []byte(report.RegionSheet)) && !bytes.Contains(data, []byte(report.ResultSheet)) {
		return nil
	}
	var out []string
	for _, m := range sheetName.FindAllSubmatch(data, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// readMarkPart is the start of a part (up to maxMarkPart bytes), nil when
// there is none or it cannot be read.
func readMarkPart(part *zip.File) []byte {
	if part == nil {
		return nil
	}
	rc, err := part.Open()
	if err != nil {
		return nil
	}
	defer rc.Close()
	// read at the size the directory declares (archive/zip holds the part
	// to it), no more than maxMarkPart
	data := make([]byte, min(part.UncompressedSize64, maxMarkPart))
	n, _ := io.ReadFull(rc, data)
	return data[:n]
}

// tailSize is how much of a file's end tailReader reads at once: a school's
// workbook has its zip directory there, and workbook.xml and custom.xml
// near it (the template writes them last).
const tailSize = 32 << 10

// tailReader reads a file at offsets, the reads within its last tailSize
// bytes from one read of them: archive/zip reads the directory, and each
// part's header, data and descriptor, in small reads, each a system call.
type tailReader struct {
	f    *os.File
	size int64
	tail *[]byte // the file's last bytes, read at the first read
	at   int64   // where they start
}

var tails = sync.Pool{New: func() any { b := make([]byte, tailSize); return &b }}

func (t *tailReader) ReadAt(p []byte, off int64) (int, error) {
	if t.tail == nil {
		t.tail = tails.Get().(*[]byte)
		t.at = max(0, t.size-tailSize)
		// what could be read (a file cut since it was measured, or one
		// that fails, has less): a read beyond goes to the file
		n, _ := t.f.ReadAt((*t.tail)[:t.size-t.at], t.at)
		*t.tail = (*t.tail)[:n]
	}
	if off >= t.at && off+int64(len(p)) <= t.at+int64(len(*t.tail)) {
		return copy(p, (*t.tail)[off-t.at:]), nil
	}
	return t.f.ReadAt(p, off)
}

// release gives the bytes read back for the next file.
func (t *tailReader) release() {
	if t.tail != nil {
		*t.tail = (*t.tail)[:tailSize]
		tails.Put(t.tail)
		t.tail = nil
	}
}
