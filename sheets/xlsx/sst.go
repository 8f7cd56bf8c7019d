package xlsx

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// Limits of the shared-string table: a text longer than sstMaxText bytes,
// or any text once the table holds sstMaxBytes, is written in its cell
// (inline) instead, so that memory stays bounded whatever the schools wrote.
// Only the texts of a table's Shared columns are offered to it: for 10,000
// schools their names, codes and files, the labels and cells, about 2 MB.
const (
	sstMaxText  = 256
	sstMaxBytes = 16 << 20
)

// sharedStrings is a workbook's shared-string table (xl/sharedStrings.xml):
// the texts that repeat — school names and codes, labels, units, cells, file
// names — are written once and referred to by number from their cells, as
// Excel itself writes them. 学校数据 repeats each school's name and every
// label a thousand times; written inline they made most of the workbook's
// bytes and of the time spent compressing it. (Offering it every text made
// it hold every school's own words too: 10,000 schools' run went over its
// memory limit and took three times as long.)
type sharedStrings struct {
	index map[string]int
	texts []string
	bytes int
	count int // references, for the part's count attribute
}

// id is text's number in the table, added if new; ok is false for a text
// written inline.
func (s *sharedStrings) id(text string) (int, bool) {
	if id, ok := s.index[text]; ok {
		s.count++
		return id, true
	}
	if len(text) > sstMaxText || s.bytes+len(text) > sstMaxBytes {
		return 0, false
	}
	if s.index == nil {
		s.index = map[string]int{}
	}
	// a copy: the text may be part of a larger string (a school's record
	// read back), which the table would otherwise keep alive to the end
	text = strings.Clone(text)
	id := len(s.texts)
	s.index[text] = id
	s.texts = append(s.texts, text)
	s.bytes += len(text)
	s.count++
	return id, true
}

func (s *sharedStrings) used() bool { return len(s.texts) > 0 }

// write writes xl/sharedStrings.xml.
func (s *sharedStrings) write(w io.Writer) error {
	b := bufio.NewWriterSize(w, 64<<10)
	b.WriteString(xmlHeader + `<sst xmlns="` + nsMain + `" count="` + strconv.Itoa(s.count) + `" uniqueCount="` + strconv.Itoa(len(s.texts)) + `">`)
	for _, text := range s.texts {
		b.WriteString(`<si>`)
		writeT(b, text)
		b.WriteString(`</si>`)
	}
	b.WriteString(`</sst>`)
	return b.Flush()
}
