package reader

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/internal/freelist"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/nianbao/nianbao/sheets/reader/cellvalue"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
)

// ReadOptions adjusts reading.
type ReadOptions struct {
	Limits xlsx.Limits // zero: xlsx.DefaultLimits()
}

// WrongTemplateError is a workbook of another report spec.
type WrongTemplateError struct {
	File                string
	Found, FoundVersion string
	Want, WantVersion   string
	Detail              string
}

func (e *WrongTemplateError) Error() string {
	msg := fmt.Sprintf("%s：这是模板 %s（版本 %s）填写的文件，应使用模板 %s（版本 %s）", e.File, e.Found, e.FoundVersion, e.Want, e.WantVersion)
	if e.Detail != "" {
		msg += "：" + e.Detail
	}
	return msg
}

// NotReportError is a workbook in which no table of the report was found.
type NotReportError struct {
	File   string
	Sheets []string
}

func (e *NotReportError) Error() string {
	return fmt.Sprintf("%s：不是本报告的工作簿，没有找到任何报告表（文件中的工作表：%s）", e.File, strings.Join(e.Sheets, "、"))
}

// Reader reads returned workbooks of one compiled spec. It owns what it
// derives from the spec once (the label maps by which rows, columns and
// renamed sheets are recognised); one Reader may read many workbooks at
// once.
type Reader struct {
	p      *formula.Program
	labels labelMaps
	region xlsx.Region
	values map[string]sizes  // how many values a filled workbook's sheet has, by key
	fp     string            // the spec's fingerprint
	years  map[string]string // the comparison columns' labels
	// yearKeys is how many columns years names
	yearKeys int
	plans    map[string]*plan // how workbooks of earlier versions are read, by version
	// sheetNames are the spec's sheets' names, normalised
	sheetNames []string
}

// New returns the Reader of a compiled spec.
func New(p *formula.Program) *Reader {
	rd := &Reader{p: p, labels: newLabelMaps(p.Spec), region: region(p.Spec), values: sheetValues(p.Spec), fp: p.Spec.Fingerprint()}
	rd.years = yearHeaders(p.Spec)
	rd.yearKeys = distinctValues(rd.years)
	rd.plans = plans(p.Spec)
	for i := range p.Spec.Sheets {
		rd.sheetNames = append(rd.sheetNames, norm(p.Spec.Sheets[i].Name))
	}
	return rd
}

// sizes are about how many values a sheet of a filled workbook has: in its
// report.Sheet.Values, and in each data row of a list.
type sizes struct{ values, row int }

// sheetValues is about how many values each sheet of a filled workbook has,
// by key: a record's input rows, an indicator's input rows by their two
// years, a list's summary block's likewise, and a list's data row its input
// columns (a computed cell's live formula is no value). The maps are made
// that size: a presized map takes no rehashing, and one sized for every cell
// of the template would be twice too large.
func sheetValues(s *spec.Spec) map[string]sizes {
	inputs := func(fields []spec.Field) int {
		n := 0
		for i := range fields {
			if fields[i].Input() {
				n++
			}
		}
		return n
	}
	m := make(map[string]sizes, len(s.Sheets))
	for i := range s.Sheets {
		sh := &s.Sheets[i]
		switch sh.Kind {
		case spec.KindRecord:
			m[sh.Key] = sizes{values: inputs(sh.Rows)}
		case spec.KindIndicator:
			m[sh.Key] = sizes{values: 2 * inputs(sh.Rows)}
		case spec.KindList:
			sz := sizes{row: inputs(sh.Columns)}
			if sh.Summary != nil {
				sz.values = 2 * inputs(sh.Summary.Rows)
			}
			m[sh.Key] = sz
		}
	}
	return m
}

// sheet is r.out.Book.Sheet(key): the sheet, made when absent, with its
// values' map of the size a filled template's sheet takes.
func (r *reader) sheet(key string) *report.Sheet {
	b := r.out.Book
	s := b.Sheets[key]
	if s == nil {
		s = &report.Sheet{Values: make(map[report.Key]report.Value, r.rd.values[key].values)}
		b.Sheets[key] = s
	}
	return s
}

// set is r.out.Book.Set, the sheet made by r.sheet.
func (r *reader) set(sheet string, k report.Key, v report.Value) { r.sheet(sheet).Values[k] = v }

// Lists may grow far beyond the rows the template offers, up to
// listAllowance rows (or ten times the template's, if more); columns may be
// inserted, up to colMargin beyond the widest table. What lies further out
// is nothing the reader would read: it is counted, noted and not stored.
const (
	listAllowance = 5000
	colMargin     = 20
	rowMargin     = 100
)

// region is the part of every sheet the reader may read for a spec: the
// widest table (at least the 20 columns of the 说明 sheets) plus colMargin,
// and the longest table (a list's header, rows and summary block) plus
// rowMargin.
func region(s *spec.Spec) xlsx.Region {
	cols, rows := 20, 0
	for i := range s.Sheets {
		sh := &s.Sheets[i]
		n := len(sh.Rows)
		if sh.Kind == spec.KindList {
			cols = max(cols, len(sh.Columns))
			n = 50 + max(listAllowance, 10*s.ListRowCount(sh))
			if sh.Summary != nil {
				n += 10 + len(sh.Summary.Rows)
			}
		}
		rows = max(rows, n)
	}
	return xlsx.Region{MaxRow: rows + rowMargin, MaxCol: cols + colMargin}
}

// ReadBytes reads a report from an .xlsx file's bytes with a Reader made for
// this one call; to read many workbooks, make one Reader with New.
func ReadBytes(p *formula.Program, name string, data []byte, opt ReadOptions) (*report.Report, error) {
	return New(p).ReadBytes(name, data, opt)
}

// ReadBytes reads a report from an .xlsx file's bytes; name is used in
// messages. It never panics on any input.
func (rd *Reader) ReadBytes(name string, data []byte, opt ReadOptions) (*report.Report, error) {
	return rd.read(name, data, nil, opt)
}

// read is ReadBytes, of the zip directory zr of data when not nil (see
// xlsx.OpenZip).
func (rd *Reader) read(name string, data []byte, zr *zip.Reader, opt ReadOptions) (*report.Report, error) {
	p := rd.p
	lim := opt.Limits
	if lim.MaxPart == 0 {
		lim = xlsx.DefaultLimits()
	}
	var wb *xlsx.Book
	var err error
	if zr != nil {
		wb, err = xlsx.OpenZip(zr, data, lim)
	} else {
		wb, err = xlsx.OpenBytes(data, lim)
	}
	if err != nil {
		return nil, fmt.Errorf("%s：%w", name, err)
	}
	r := &reader{rd: rd, p: p, labels: rd.labels, region: rd.region, fp: rd.fp, years: rd.years, wb: wb, out: &report.Report{File: name, Book: report.New()}}
	r.located = freeLocated.Get()
	err = r.read()
	// the report holds no cell of the workbook (strings only): their storage
	// is reused for the next one
	r.grids = nil
	wb.Release()
	if err == nil {
		r.out.Located = slices.Clone(r.located)
	}
	freeLocated.Put(r.located)
	if err != nil {
		return nil, err
	}
	return r.out, nil
}

// freeLocated keeps the readers' lists of cells located for the next
// workbooks: of room for at most maxLocated cells (a filled template's few
// hundred, and lists far longer). The report is given a copy the size it
// takes (lists differ in length: a list made with room for the last
// workbook's grew, and was copied, for a third of them).
var freeLocated = freelist.List[report.Located]{Keep: 8, MaxCap: maxLocated}

const maxLocated = 1 << 14

type reader struct {
	rd     *Reader
	p      *formula.Program
	labels labelMaps
	region xlsx.Region
	fp     string
	years  map[string]string
	wb     *xlsx.Book
	out    *report.Report
	grids  []grid // by workbook sheet index
	// plan is how this workbook of an earlier version is read (nil: it is
	// of this version, or the spec declares no changes)
	plan   *plan
	layout *layout.Book // this version's template, for notes on moved values
	nb     normBuf      // labels normalised for looking up
	// cols and rows are the maps of a table's header columns and label
	// rows, made once and used again for each table (none keeps them)
	cols, rows map[string]int
	// located are the cells of the spec found, in the order found, for
	// r.out.Located
	located []report.Located
}

func (r *reader) read() error {
	name := r.out.File
	for i, sh := range r.wb.Sheets {
		if n := utf16Len(sh.Name); n > 31 {
			r.problem(sh.Name, "", report.Addr{}, sh.Name, fmt.Sprintf("工作表名“%s”有 %d 个字符，超过 Excel 允许的 31 个；请改短", sh.Name, n))
		}
		if unread(sh.Name) {
			r.grids = append(r.grids, newGrid(nil))
			continue
		}
		cells, ignored, err := r.wb.CellsIn(i, r.region)
		if err != nil {
			return fmt.Errorf("%s：%w", name, err)
		}
		if ignored > 0 {
			r.note(sh.Name, "", report.Addr{}, "cells_ignored", fmt.Sprintf("工作表“%s”有 %d 个单元格在报告可能读取的范围（前 %d 行、前 %d 列）之外或超出了可保存的单元格数，未读取",
				sh.Name, ignored, r.region.MaxRow, r.region.MaxCol))
		}
		r.grids = append(r.grids, newGrid(cells))
	}
	if err := r.identity(); err != nil {
		return err
	}
	r.matchSheets()
	found := 0
	for _, m := range r.out.Sheets {
		if m.Name != "" {
			found++
		}
	}
	if id := r.out.Identity; id.SpecID != "" && id.Version != r.p.Spec.Version && found*2 < len(r.out.Sheets) {
		return &WrongTemplateError{File: name, Found: id.SpecID, FoundVersion: id.Version, Want: r.p.Spec.ID, WantVersion: r.p.Spec.Version,
			Detail: fmt.Sprintf("只找到 %d 张表（共 %d 张），表格已不一致，请用版本 %s 的模板重新填写", found, len(r.out.Sheets), r.p.Spec.Version)}
	}
	if found == 0 {
		var names []string
		for _, sh := range r.wb.Sheets {
			names = append(names, sh.Name)
		}
		return &NotReportError{File: name, Sheets: names}
	}
	for i := range r.p.Spec.Sheets {
		sh := &r.p.Spec.Sheets[i]
		m := r.out.Sheets[i]
		if m.Name == "" {
			r.problem("", "", report.Addr{Sheet: sh.Key}, "", fmt.Sprintf("缺少工作表“%s”（%s）：该表的数据未读取", sh.Name, sh.Title))
			continue
		}
		idx := r.wb.SheetIndex(m.Name)
		mv := moved{sheet: m.How == howVersion}
		if mv.sheet {
			mv.version, _ = r.oldSheetMatch(sh, m.Name, firstText(r.grids[idx]))
		}
		switch sh.Kind {
		case spec.KindRecord:
			mv.fields = r.record(sh, m.Name, r.grids[idx])
		case spec.KindIndicator:
			mv.fields = r.indicator(sh, m.Name, r.grids[idx])
		case spec.KindList:
			mv.fields = r.list(sh, m.Name, r.grids[idx])
		}
		if r.plan != nil {
			r.versionNotes(sh, mv)
		}
	}
	r.explanations()
	sort.SliceStable(r.out.Problems, func(i, j int) bool {
		return less(r.out.Problems[i].Sheet, r.out.Problems[i].Cell, r.out.Problems[j].Sheet, r.out.Problems[j].Cell)
	})
	return nil
}

// utf16Len is len(utf16.Encode([]rune(s))), the length Excel counts, without
// either slice: a character beyond U+FFFF is two units, any other one (an
// invalid byte reads as U+FFFD) one.
func utf16Len(s string) int {
	n := 0
	for _, c := range s {
		n++
		if c >= 0x10000 {
			n++
		}
	}
	return n
}

// unread reports whether a sheet is one whose cells the reader never looks
// at — the template's own sheets that matchSheets skips and no other step
// reads (填报说明, _lists, 自查): their parts are not even decompressed. No
// value comes from them, so nothing they hold can change a figure; a
// damaged or oversized part there costs nothing (自查 alone is about 40 % of
// a filled template's bytes), and the office suite or `validate --annotate`,
// which copies every part, still finds a damaged one.
func unread(name string) bool {
	return name == report.GuideSheet || name == report.ListSheet || name == report.SelfCheckSheet
}

func less(s1, c1, s2, c2 string) bool {
	if s1 != s2 {
		return s1 < s2
	}
	col1, row1, _ := xlsx.SplitRef(c1)
	col2, row2, _ := xlsx.SplitRef(c2)
	if row1 != row2 {
		return row1 < row2
	}
	return col1 < col2
}

// cellNames are the A1 names of the cells of the first rows and columns,
// where every table's cells are: made once, not for each workbook.
var cellNames = sync.OnceValue(func() [][]string {
	names := make([][]string, namedRows+1)
	for row := 1; row <= namedRows; row++ {
		names[row] = make([]string, namedCols+1)
		for col := 1; col <= namedCols; col++ {
			names[row][col] = xlsx.CellName(col, row)
		}
	}
	return names
})

const namedRows, namedCols = 300, 40

// cellName is xlsx.CellName(col, row).
func cellName(col, row int) string {
	if row >= 1 && row <= namedRows && col >= 1 && col <= namedCols {
		return cellNames()[row][col]
	}
	return xlsx.CellName(col, row)
}

// locate records where a cell of the spec is.
func (r *reader) locate(key report.Addr, sheet string, row, col int) {
	r.located = append(r.located, report.Located{Addr: key, Cell: report.Cell{Sheet: sheet, Ref: cellName(col, row)}})
}

func (r *reader) note(sheet, cell string, key report.Addr, kind, msg string) {
	r.out.Notes = append(r.out.Notes, report.Note{Sheet: sheet, Cell: cell, Key: key, Kind: kind, Msg: msg})
}

func (r *reader) problem(sheet, cell string, key report.Addr, found, msg string) {
	r.out.Problems = append(r.out.Problems, report.Problem{Sheet: sheet, Cell: cell, Key: key, Found: found, Msg: msg})
}

// identity reads the template's identity from the document properties or the
// very hidden sheet, and refuses a workbook of another spec.
func (r *reader) identity() error {
	s := r.p.Spec
	id := report.Identity{}
	if v := r.wb.Props[report.PropSpecID]; v != "" {
		id = report.Identity{SpecID: v, Version: r.wb.Props[report.PropSpecVersion], Fingerprint: r.wb.Props[report.PropFingerprint], Source: "properties"}
	}
	if i := r.wb.SheetIndex(report.MetaSheet); i >= 0 && id.SpecID == "" {
		g := r.grids[i]
		kv := map[string]string{}
		for row := 1; row <= 200; row++ {
			if k := g.text(row, 1); k != "" {
				kv[k] = g.text(row, 2)
			}
		}
		if kv["spec_id"] != "" {
			id = report.Identity{SpecID: kv["spec_id"], Version: kv["spec_version"], Fingerprint: kv["fingerprint"], Source: "sheet"}
		}
	}
	r.out.Identity = id
	r.plan = r.rd.planFor(id.Version)
	switch {
	case id.SpecID == "":
		r.note("", "", report.Addr{}, "identity", "文件中没有模板标识（可能经过其他软件另存或复制粘贴），按工作表名、标题和标签识别")
	case id.SpecID != s.ID:
		return &WrongTemplateError{File: r.out.File, Found: id.SpecID, FoundVersion: id.Version, Want: s.ID, WantVersion: s.Version}
	case id.Version != s.Version && s.ChangeFrom(id.Version) != nil:
		r.out.Notes = append(r.out.Notes, report.Note{Kind: NoteVersion,
			Msg:   fmt.Sprintf("文件来自模板版本 %s，当前规格为版本 %s：按规格声明的版本变更读入现版，改名、拆分的每个值和未转入的值逐一说明", id.Version, s.Version),
			MsgEn: fmt.Sprintf("the file is of template version %s, the spec of version %s: it is read by the changes the spec declares, with a note for every value renamed, split or not carried", id.Version, s.Version)})
	case id.Version != s.Version || (id.Fingerprint != "" && id.Fingerprint != r.fp):
		r.note("", "", report.Addr{}, "version", fmt.Sprintf("文件来自模板版本 %s，当前规格为版本 %s：按表名和标签读取仍然一致的表", id.Version, s.Version))
	}
	return nil
}

// norm makes a label comparable: no spaces, half-width ASCII, one kind of
// colon, dash and quote, lower case, no required-field marker. A label that
// needs none of it (most do) is returned as it is, without a copy.
func norm(s string) string {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			// the ASCII normRune changes: spaces, A-Z, ~ and '
			if c == ' ' || c >= '\t' && c <= '\r' || c >= 'A' && c <= 'Z' || c == '~' || c == '\'' {
				return normCopy(s)
			}
			i++
			continue
		}
		c, n := utf8.DecodeRuneInString(s[i:])
		if m, keep := normRune(c); !keep || m != c || c == utf8.RuneError && n == 1 {
			return normCopy(s)
		}
		i += n
	}
	return normTrim(s)
}

// normCopy is norm of a label some of whose characters change.
func normCopy(s string) string {
	return string(appendNorm(make([]byte, 0, len(s)), s))
}

// appendNorm appends norm(s) to dst. ASCII and the CJK ideographs, which
// most labels are made of, are normalised without normRune's look-ups in
// the Unicode tables: what it makes of them is in asciiNorm, and an
// ideograph it leaves as it is.
func appendNorm(dst []byte, s string) []byte {
	start := len(dst)
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if m := asciiNorm[c]; m >= 0 {
				dst = append(dst, byte(m))
			}
			i++
			continue
		}
		c, n := utf8.DecodeRuneInString(s[i:])
		if c >= 0x4E00 && c <= 0x9FFF { // CJK Unified Ideographs: no space, case or mapping
			dst = append(dst, s[i:i+n]...)
		} else if m, keep := normRune(c); keep {
			dst = utf8.AppendRune(dst, m)
		}
		i += n
	}
	out := bytes.TrimRight(dst[start:], "*")
	out = bytes.TrimSuffix(out, []byte("(必填)"))
	return dst[:start+len(out)]
}

// normBuf normalises labels into a buffer it reuses, for looking them up
// in a map without making a string of each (m[string(b)] makes none).
type normBuf struct {
	b     []byte
	count int // of the labels normalised (tests count them)
}

// norm is norm(s) as bytes, valid until the next call.
func (nb *normBuf) norm(s string) []byte {
	nb.count++
	nb.b = appendNorm(nb.b[:0], s)
	return nb.b
}

// labelKey is labelKey(s) as bytes, valid until the next call.
func (nb *normBuf) labelKey(s string) []byte {
	n := nb.norm(s)
	if !mayBeNumbered(n) {
		return n
	}
	if m := numbering(n); m > 0 && m < len(n) {
		return n[m:]
	}
	return n
}

// asciiNorm is normRune of each ASCII character: -1 for one it drops.
var asciiNorm = func() (t [utf8.RuneSelf]int16) {
	for c := range t {
		if m, keep := normRune(rune(c)); keep {
			t[c] = int16(m)
		} else {
			t[c] = -1
		}
	}
	return t
}()

// normRune is what norm makes of one character; keep is false for one it
// drops.
func normRune(c rune) (rune, bool) {
	switch {
	case unicode.IsSpace(c) || c == '\u200b' || c == '\u200c' || c == '\u200d' || c == '\ufeff' || c == '\u3000':
		return 0, false
	case c >= '！' && c <= '～':
		c -= '！' - '!'
	}
	switch c {
	case '–', '—', '－', '~', '〜', '−':
		c = '-'
	case '“', '”', '「', '」', '‘', '’', '\'':
		c = '"'
	}
	return unicode.ToLower(c), true
}

// normTrim drops a required field's marker: 学校名称 *, 学校名称(必填).
func normTrim(s string) string {
	return strings.TrimSuffix(strings.TrimRight(s, "*"), "(必填)")
}

// numbering is the length of what people put before a row label, at the
// start of a normalised one: 1. 1、 (1) （一） 一、 — the match of
// ^(?:\(?[0-9一二三四五六七八九十]{1,3}[).、]|\([0-9一二三四五六七八九十]{1,3}\)),
// without the regexp machine (a third of looking up a label): an optional
// (, one to three numerals, then ) . or 、 (the second form is the first's
// with its parenthesis); 0 when there is none.
func numbering(n []byte) int {
	i := 0
	if i < len(n) && n[i] == '(' {
		i++
	}
	k := 0 // numerals
	for i < len(n) {
		if c := n[i]; c >= '0' && c <= '9' {
			i++
		} else if c, size := utf8.DecodeRune(n[i:]); c != utf8.RuneError && strings.ContainsRune(chineseNumerals, c) {
			i += size
		} else {
			break
		}
		k++
	}
	if k < 1 || k > 3 || i == len(n) { // no numeral, or a fourth where ) . or 、 is wanted
		return 0
	}
	switch {
	case n[i] == ')' || n[i] == '.':
		return i + 1
	case bytes.HasPrefix(n[i:], []byte("、")):
		return i + len("、")
	}
	return 0
}

// labelKey is the normalised form of a row label as typed: numbering
// dropped. The reader looks labels up with normBuf.labelKey, which makes no
// string.
func labelKey(s string) string {
	var nb normBuf
	return string(nb.labelKey(s))
}

// mayBeNumbered reports whether a normalised label may start with numbering:
// only one starting with (, a digit or a Chinese numeral can.
func mayBeNumbered(n []byte) bool {
	if len(n) == 0 {
		return false
	}
	if c := n[0]; c == '(' || c >= '0' && c <= '9' {
		return true
	}
	c, _ := utf8.DecodeRune(n)
	return strings.ContainsRune(chineseNumerals, c)
}

// chineseNumerals are those numbering may start with.
const chineseNumerals = "一二三四五六七八九十"

// labelsKey names a field slice of the spec by its first field and length
// (a compiled spec's field slices do not change once loaded).
type labelsKey struct {
	first *spec.Field
	n     int
}

// labelMaps are the fieldLabels of every field slice of one spec, built once
// by New and only read afterwards (safe from many goroutines).
type labelMaps map[labelsKey]labelSet

// labelSet is a field slice's labels and how many fields they name.
type labelSet struct {
	labels map[string]string
	keys   int
}

func newLabelMaps(s *spec.Spec) labelMaps {
	m := labelMaps{}
	s.FieldLists(func(fields []spec.Field) {
		if len(fields) > 0 {
			labels := buildFieldLabels(fields)
			m[labelsKey{&fields[0], len(fields)}] = labelSet{labels, distinctValues(labels)}
		}
	})
	return m
}

// distinctValues is how many different values m has: of a map of labels,
// how many fields (or columns) its labels name.
func distinctValues(m map[string]string) int {
	seen := make(map[string]bool, len(m))
	for _, v := range m {
		seen[v] = true
	}
	return len(seen)
}

// keys is how many fields fieldLabels(fields) names; 0 when it is not one
// of those New built.
func (lm labelMaps) keys(fields []spec.Field) int {
	if len(fields) == 0 {
		return 0
	}
	return lm[labelsKey{&fields[0], len(fields)}].keys
}

// fieldLabels maps the normalised labels a person may have written for each
// field (label, alternatives, with or without the unit, with or without 其中:)
// to the field's key.
func (lm labelMaps) fieldLabels(fields []spec.Field) map[string]string {
	if len(fields) == 0 {
		return map[string]string{}
	}
	if m, ok := lm[labelsKey{&fields[0], len(fields)}]; ok {
		return m.labels
	}
	return buildFieldLabels(fields)
}

func buildFieldLabels(fields []spec.Field) map[string]string {
	m := map[string]string{}
	add := func(label, key string) {
		n := norm(label)
		if _, dup := m[n]; !dup {
			m[n] = key
		}
	}
	for pass := 0; pass < 2; pass++ {
		for _, f := range fields {
			for _, l := range append([]string{f.Label}, f.Alt...) {
				forms := []string{l}
				if f.Unit != "" {
					forms = append(forms, l+"("+f.Unit+")", l+"（"+f.Unit+"）")
				}
				for _, form := range forms {
					if pass == 0 {
						add(form, f.Key)
					} else if short, ok := strings.CutPrefix(norm(form), "其中:"); ok {
						add(short, f.Key)
					}
				}
			}
		}
	}
	return m
}

// matchSheets finds every table of the spec in the workbook: by name, else by
// title, else by its labels.
func (r *reader) matchSheets() {
	s := r.p.Spec
	used := map[int]bool{}
	matches := make([]report.SheetMatch, len(s.Sheets))
	for i := range s.Sheets {
		matches[i].Key = s.Sheets[i].Key
	}
	skip := func(j int) bool {
		n := r.wb.Sheets[j].Name
		return used[j] || n == report.MetaSheet || n == report.ListSheet || n == report.GuideSheet || n == report.SelfCheckSheet
	}
	take := func(i, j int, how string) {
		matches[i].Name, matches[i].How = r.wb.Sheets[j].Name, how
		used[j] = true
	}
	names := make([]string, len(r.wb.Sheets))
	for j := range r.wb.Sheets {
		names[j] = norm(r.wb.Sheets[j].Name)
	}
	for i := range s.Sheets {
		want := r.rd.sheetNames[i]
		// the sheet of that name; of two ("学生情况" and a hidden
		// "学生情况 "), the visible one, and the other is a problem: it is
		// not read, and not taken for another table either
		found, others := -1, []int(nil)
		for j := range r.wb.Sheets {
			if skip(j) || names[j] != want {
				continue
			}
			if found >= 0 && (!r.wb.Sheets[found].Hidden() || r.wb.Sheets[j].Hidden()) {
				others = append(others, j)
				continue
			}
			if found >= 0 {
				others = append(others, found)
			}
			found = j
		}
		if found < 0 {
			continue
		}
		take(i, found, "name")
		for _, j := range others {
			used[j] = true
			r.duplicateSheet(&s.Sheets[i], r.wb.Sheets[found].Name, r.wb.Sheets[j])
		}
	}
	r.oldSheets(matches, skip, take, false)
	for i := range s.Sheets {
		if matches[i].Name != "" {
			continue
		}
		titles := map[string]bool{norm(s.Sheets[i].Title): true}
		for _, a := range s.Sheets[i].Alt {
			titles[norm(a)] = true
		}
		for j := range r.wb.Sheets {
			if !skip(j) && titles[norm(firstText(r.grids[j]))] {
				take(i, j, "title")
				break
			}
		}
	}
	r.oldSheets(matches, skip, take, true)
	for i := range s.Sheets {
		if matches[i].Name != "" {
			continue
		}
		if best := r.byLabels(&s.Sheets[i], skip); best >= 0 {
			take(i, best, "labels")
		}
	}
	r.out.Sheets = matches
	r.noteMatches(matches)
}

// duplicateSheet is the problem of a sheet other that has the name of the
// spec's sheet sh, as the sheet read (name) has: a copy, hidden or not,
// whose values would be taken for the school's if it were read instead.
func (r *reader) duplicateSheet(sh *spec.Sheet, name string, other xlsx.Sheet) {
	state, stateEn := "", ""
	if other.Hidden() {
		state, stateEn = "（隐藏的）", "hidden "
	}
	r.out.Problems = append(r.out.Problems, report.Problem{Sheet: other.Name, Key: report.Addr{Sheet: sh.Key},
		Msg: fmt.Sprintf("工作簿里还有一张%s表“%s”，和“%s”同名：读取的是“%s”，这张没有读取。请删去多余的表，只留一张“%s”",
			state, other.Name, sh.Name, name, sh.Name),
		MsgEn: fmt.Sprintf("the workbook has another %ssheet %q with the name of %s: %q was read, this one was not; delete the extra sheet and keep one %s",
			stateEn, other.Name, sh.Name, name, sh.Name)})
}

// howVersion is the SheetMatch.How of a sheet found by the name or title
// it had in an earlier version of the spec.
const howVersion = "version"

// oldSheets finds the sheets not yet found by the name (or, with byTitle,
// the title) they had in an earlier version.
func (r *reader) oldSheets(matches []report.SheetMatch, skip func(int) bool, take func(i, j int, how string), byTitle bool) {
	if r.plan == nil {
		return
	}
	for i := range r.p.Spec.Sheets {
		if matches[i].Name != "" {
			continue
		}
		for j := range r.wb.Sheets {
			name, title := r.wb.Sheets[j].Name, ""
			if byTitle {
				name, title = "", firstText(r.grids[j])
			}
			if _, ok := r.oldSheetMatch(&r.p.Spec.Sheets[i], name, title); ok && !skip(j) {
				take(i, j, howVersion)
				break
			}
		}
	}
}

// byLabels is the sheet of the workbook (not skipped) that holds most of a
// table's labels, at least half of them (and two); -1 when none does.
func (r *reader) byLabels(sh *spec.Sheet, skip func(int) bool) int {
	labels := r.labels.fieldLabels(sh.Fields())
	best, bestScore := -1, 0
	for j := range r.wb.Sheets {
		if skip(j) {
			continue
		}
		seen := map[string]bool{}
		for _, c := range r.grids[j].cells {
			if k, ok := labels[string(r.nb.norm(c.Value))]; ok && c.Type != "" && c.Type != "n" {
				seen[k] = true
			}
		}
		if len(seen) > bestScore {
			best, bestScore = j, len(seen)
		}
	}
	if need := max(2, (len(sh.Fields())+1)/2); bestScore < need {
		return -1
	}
	return best
}

// noteMatches notes what a person changed: sheets renamed, sheets reordered.
func (r *reader) noteMatches(matches []report.SheetMatch) {
	s := r.p.Spec
	order := []int{}
	for i, m := range matches {
		if m.Name == "" {
			continue
		}
		order = append(order, r.wb.SheetIndex(m.Name))
		if m.How == howVersion {
			sh := &s.Sheets[i]
			v, _ := r.oldSheetMatch(sh, m.Name, firstText(r.grids[r.wb.SheetIndex(m.Name)]))
			r.out.Notes = append(r.out.Notes, report.Note{Sheet: m.Name, Key: report.Addr{Sheet: sh.Key}, Kind: NoteVersion,
				Msg:   fmt.Sprintf("工作表“%s”是版本 %s 的表，现版为“%s”（%s），按现版读入", m.Name, versionText(v), sh.Name, sh.Title),
				MsgEn: fmt.Sprintf("sheet %s is version %s's table that is now %s (%s): read as such", m.Name, versionEn(v), sh.Name, sh.Title)})
			continue
		}
		if m.How != "name" {
			how := map[string]string{"title": "标题", "labels": "行列标签"}[m.How]
			r.note(m.Name, "", report.Addr{Sheet: s.Sheets[i].Key}, "sheet_renamed", fmt.Sprintf("工作表“%s”被改名为“%s”，已按%s识别为“%s”", s.Sheets[i].Name, m.Name, how, s.Sheets[i].Title))
		}
	}
	if !sort.IntsAreSorted(order) {
		r.note("", "", report.Addr{}, "sheet_order", "工作表的顺序与模板不同（不影响读取）")
	}
}

// firstText is the first text in the first three rows: a table's title.
func firstText(g grid) string {
	for row := 1; row <= 3; row++ {
		for col := 1; col <= 10; col++ {
			if c, ok := g.get(row, col); ok && !c.Numeric() && strings.TrimSpace(c.Value) != "" {
				return c.Value
			}
		}
	}
	return ""
}

// value reads one cell as a field's value, with its position; ok is false
// when there is nothing to keep (an empty cell, or one that cannot be read).
func (r *reader) value(sheet string, c xlsx.Cell, f *spec.Field, key report.Addr) (report.Value, bool) {
	cellName := cellName(c.Col, c.Row)
	raw := c.Value
	switch c.Type {
	case "e":
		r.problem(sheet, cellName, key, raw, fmt.Sprintf("单元格是错误值 %s，请改为%s", raw, what(f)))
		return report.Value{}, false
	case "b":
		r.problem(sheet, cellName, key, raw, fmt.Sprintf("单元格是逻辑值（TRUE/FALSE），请改为%s", what(f)))
		return report.Value{}, false
	}
	if c.Formula {
		if raw == "" {
			r.problem(sheet, cellName, key, "", "单元格里是公式但没有保存计算结果，请直接填写数值")
			return report.Value{}, false
		}
		r.note(sheet, cellName, key, "formula_input", fmt.Sprintf("填报单元格里是公式，按其保存的结果 %s 读取", raw))
	}
	v, notes, err := cellvalue.Read(cellvalue.Cell{Raw: raw, Numeric: c.Numeric() && c.Type != "d", Percent: r.wb.Percent(c.Style), Date: r.wb.Date(c.Style) || c.Type == "d", Date1904: r.wb.Date1904}, f)
	for _, n := range notes {
		r.out.Notes = append(r.out.Notes, report.Note{Sheet: sheet, Cell: cellName, Key: key, Kind: n.Kind, Msg: n.Msg, MsgEn: n.MsgEn})
	}
	if err != nil {
		p := report.Problem{Sheet: sheet, Cell: cellName, Key: key, Found: raw, Msg: err.Error()}
		var ce *cellvalue.Error
		if errors.As(err, &ce) {
			p.Msg, p.MsgEn = ce.Msg, ce.MsgEn
		}
		r.out.Problems = append(r.out.Problems, p)
		return report.Value{}, false
	}
	v.Cell = report.Cell{Sheet: sheet, Ref: cellName}
	// an empty value is kept with its position when something was typed
	// there (a placeholder such as — or 无): it reads as empty, not zero
	return v, !v.IsEmpty() || len(notes) > 0
}

func what(f *spec.Field) string {
	switch {
	case f.Numeric():
		return "数字"
	case f.Type == spec.TypeEnum:
		return "下拉列表中的选项"
	}
	return "文字"
}

// computed handles a computed cell: a live formula is left for the engine to
// recompute; a typed value is kept as what the school reported.
func (r *reader) computed(sheet string, c xlsx.Cell, f *spec.Field, key report.Addr, set func(report.Value)) {
	if c.Formula {
		return
	}
	v, ok := r.value(sheet, c, f, key)
	if !ok {
		return
	}
	set(v)
	r.out.Overwritten = append(r.out.Overwritten, report.Overwrite{Sheet: sheet, Cell: cellName(c.Col, c.Row), Key: key, Value: v})
}

// labelRows finds, in the label column (or any of the first columns), the
// row of every field between rows from and to. A label found twice is a
// duplicate: the first visible row is read.
// rows is into, cleared, when not nil (a map of the reader's, used again
// from table to table), else a new map.
func labelRows(nb *normBuf, g grid, labels map[string]string, from, to, maxCol, fields int, into map[string]int) (rows map[string]int, labelCol int, dups []duplicate) {
	// rows holds, until the end, the index in cells of the cell each label
	// was read at: one map, of room for the fields' labels, not two grown
	rows = into
	if rows == nil {
		rows = make(map[string]int, fields)
	} else {
		clear(rows)
	}
	// labels found by column (every cell counted is at most maxCol)
	var small [64]int
	counts := small[:]
	if maxCol >= len(small) {
		counts = make([]int, maxCol+1)
	}
	cells := g.rows(from, to)
	for i, c := range cells {
		if c.Col > maxCol || c.Numeric() {
			continue
		}
		key, ok := labels[string(nb.labelKey(c.Value))]
		if !ok {
			continue
		}
		j, dup := rows[key]
		first := cells[j]
		switch {
		case !dup:
			rows[key] = i
			counts[c.Col]++
		case first.Row == c.Row:
		case first.HiddenRow && !c.HiddenRow:
			rows[key] = i
			dups = append(dups, duplicate{key: key, read: c, other: first})
		default:
			dups = append(dups, duplicate{key: key, read: first, other: c})
		}
	}
	for key, i := range rows {
		rows[key] = cells[i].Row
	}
	// the column with most labels, the first of those with as many
	for col, n := range counts {
		if n > counts[labelCol] {
			labelCol = col
		}
	}
	return rows, labelCol, dups
}

// duplicate is a field's label found on two rows: read is the row read,
// other the one not read.
type duplicate struct {
	key         string
	read, other xlsx.Cell
}

// duplicates reports each label found twice, at the cell of the row not
// read, naming both rows.
func (r *reader) duplicates(sh *spec.Sheet, name string, fields []spec.Field, dups []duplicate) {
	for _, d := range dups {
		label := d.key
		for i := range fields {
			if fields[i].Key == d.key {
				label = fields[i].Label
			}
		}
		at := cellName(d.other.Col, d.other.Row)
		var msg string
		if d.other.HiddenRow {
			msg = fmt.Sprintf("第 %d 行是隐藏行，标签“%s”与第 %d 行相同：读取的是可见的第 %d 行，隐藏行未读取；请删除隐藏行或取消隐藏后核对", d.other.Row, label, d.read.Row, d.read.Row)
		} else {
			msg = fmt.Sprintf("“%s”出现了两次（第 %d 行和第 %d 行）：只读取了第 %d 行，第 %d 行未读取；同一指标请只填一行（如分校区，请合计后填写）", label, d.read.Row, d.other.Row, d.read.Row, d.other.Row)
		}
		r.problem(name, at, report.FieldAddr(sh.Key, d.key), d.other.Value, msg)
	}
}

// layout.HeaderRow finds the row holding most of the given header labels and the
// column of each.
// The header row is the one with most headers, the first of those with as
// many; of a header found twice in it, the first column. The rows are
// looked at in order, each one's headers gathered in a list (a row holds a
// few), not a map a row.
//
// cols is into, cleared, when not nil (see labelRows).
//
// all is how many different keys headers has (0: not known): a row that
// holds all of them is the header row, as no row after it can hold more,
// and the rows after it are not looked at (an indicator table's header is
// near its top; the rest of the sheet is its rows).
func findHeader(nb *normBuf, g grid, headers map[string]string, all, from, maxRow int, into map[string]int) (row int, cols map[string]int) {
	var curBuf, bestBuf [32]header
	cur, best := curBuf[:0], bestBuf[:0]
	curRow := 0
	done := func() { // the row of cur is over
		if len(cur) > len(best) {
			best, cur = cur, best
			row = curRow
		}
		cur = cur[:0]
	}
	for _, c := range g.rows(from, maxRow) {
		if c.Row != curRow && all > 0 && len(cur) == all {
			break // curRow holds every header
		}
		if c.Numeric() {
			continue
		}
		key, ok := headers[string(nb.norm(c.Value))]
		if !ok {
			continue
		}
		if c.Row != curRow {
			done()
			curRow = c.Row
		}
		if !slices.ContainsFunc(cur, func(h header) bool { return h.key == key }) {
			cur = append(cur, header{key, c.Col})
		}
	}
	done()
	if len(best) == 0 {
		return 0, nil
	}
	cols = into
	if cols == nil {
		cols = make(map[string]int, len(best))
	} else {
		clear(cols)
	}
	for _, h := range best {
		cols[h.key] = h.col
	}
	return row, cols
}

// findHeader is findHeader into the reader's map of a header row's
// columns, used again from table to table.
func (r *reader) findHeader(g grid, headers map[string]string, all, from, maxRow int) (row int, cols map[string]int) {
	row, cols = findHeader(&r.nb, g, headers, all, from, maxRow, r.cols)
	if cols != nil {
		r.cols = cols
	}
	return row, cols
}

// duplicateHeaders reports the columns of the header row hrow whose header
// (of headers) is one found before it in the row, at cols (a hidden copy of
// the 本学年 column inserted before it, say): they are not read.
func (r *reader) duplicateHeaders(sh *spec.Sheet, name string, g grid, headers map[string]string, hrow int, cols map[string]int) {
	if hrow == 0 {
		return
	}
	for _, c := range g.rows(hrow, hrow) {
		if c.Numeric() {
			continue
		}
		key, ok := headers[string(r.nb.norm(c.Value))]
		if !ok || cols[key] == c.Col {
			continue
		}
		read, other, text := xlsx.CellName(cols[key], hrow), xlsx.CellName(c.Col, hrow), strings.TrimSpace(c.Value)
		r.out.Problems = append(r.out.Problems, report.Problem{Sheet: name, Cell: other, Key: report.Addr{Sheet: sh.Key},
			Msg: fmt.Sprintf("%s 和 %s 的表头都是“%s”：读取的是 %s 所在的列，这一列没有读取（隐藏的列也算）。请删去多余的一列",
				read, other, text, read),
			MsgEn: fmt.Sprintf("%s and %s have the same header %q: the column of %s is read, this one is not (hidden columns count too); delete the extra column",
				read, other, text, read)})
	}
}

// labelRows is labelRows into the reader's map of the rows of labels,
// used again from table to table.
func (r *reader) labelRows(g grid, labels map[string]string, from, to, maxCol, fields int) (rows map[string]int, labelCol int, dups []duplicate) {
	rows, labelCol, dups = labelRows(&r.nb, g, labels, from, to, maxCol, fields, r.rows)
	r.rows = rows
	return rows, labelCol, dups
}

// header is a header found at a column.
type header struct {
	key string
	col int
}

// record reads a record sheet; it returns the fields found by the labels
// they had in an earlier version, with those labels.
func (r *reader) record(sh *spec.Sheet, name string, g grid) map[string]string {
	rows, labelCol, dups := r.labelRows(g, r.sheetLabels(sh), 1, g.lastRow(), 10, len(sh.Rows))
	r.duplicates(sh, name, sh.Rows, dups)
	if labelCol == 0 {
		labelCol = layout.ColLabel
	}
	var moved map[string]string
	if r.plan != nil {
		moved = r.renamedRows(sh, rows)
		r.oldRows(sh, name, g, rows, map[string]int{"": labelCol + 1})
	}
	for i := range sh.Rows {
		f := &sh.Rows[i]
		row, ok := rows[f.Key]
		if !ok {
			r.problem(name, "", report.FieldAddr(sh.Key, f.Key), "", fmt.Sprintf("找不到“%s”这一行", f.Label))
			continue
		}
		r.locate(report.FieldAddr(sh.Key, f.Key), name, row, labelCol+1)
		c, ok := g.get(row, labelCol+1)
		if !ok {
			continue
		}
		if v, ok := r.value(name, c, f, report.FieldAddr(sh.Key, f.Key)); ok {
			r.set(sh.Key, report.Key{Field: f.Key}, v)
		}
	}
	return moved
}

// yearHeaders are the comparison columns' labels.
func yearHeaders(s *spec.Spec) map[string]string {
	c := s.Columns
	m := map[string]string{norm(c.Label): "label", norm(c.Unit): "unit", norm(c.Prev): spec.ColPrev, norm(c.Cur): spec.ColCur, norm(c.Pct): spec.ColPct}
	for _, alt := range []string{"本学年为上学年", "本学年为上学年%", "本学年为上学年（%）", "与上学年比(%)", "增减(%)"} {
		if _, ok := m[norm(alt)]; !ok {
			m[norm(alt)] = spec.ColPct
		}
	}
	return m
}

func (r *reader) indicator(sh *spec.Sheet, name string, g grid) map[string]string {
	return r.yearBlock(sh, sh.Rows, name, g, 1, 1<<30)
}

// yearBlock reads the rows of an indicator table (or a list's summary block)
// found between rows from and to; it returns the rows found by the labels
// they had in an earlier version, with those labels.
func (r *reader) yearBlock(sh *spec.Sheet, fields []spec.Field, name string, g grid, from, to int) map[string]string {
	hrow, cols := r.findHeader(g, r.years, r.rd.yearKeys, from, to)
	r.duplicateHeaders(sh, name, g, r.years, hrow, cols)
	if cols[spec.ColPrev] == 0 || cols[spec.ColCur] == 0 {
		r.problem(name, "", report.Addr{Sheet: sh.Key}, "", fmt.Sprintf("找不到表头（%s、%s），按模板的列位置读取", r.p.Spec.Columns.Prev, r.p.Spec.Columns.Cur))
		cols = map[string]int{spec.ColPrev: layout.ColPrev, spec.ColCur: layout.ColCur, spec.ColPct: layout.ColPct}
		hrow = from
	}
	labels := r.labels.fieldLabels(fields)
	own := sh.Kind == spec.KindIndicator && r.plan != nil // the sheet's rows, not a summary block
	if own {
		labels = r.sheetLabels(sh)
	}
	rows, _, dups := r.labelRows(g, labels, hrow+1, to, max(1, cols[spec.ColPrev]-1), len(fields))
	r.duplicates(sh, name, fields, dups)
	var moved map[string]string
	var split map[string]int
	if own {
		moved = r.renamedRows(sh, rows)
		split = r.oldRows(sh, name, g, rows, cols)
	}
	for i := range fields {
		f := &fields[i]
		row, ok := rows[f.Key]
		if _, isSplit := split[f.Key]; !ok && isSplit {
			continue // read from the old row by r.oldRows
		}
		if !ok {
			r.problem(name, "", report.FieldAddr(sh.Key, f.Key), "", fmt.Sprintf("找不到“%s”这一行", f.Label))
			continue
		}
		for _, col := range []string{spec.ColPrev, spec.ColCur, spec.ColPct} {
			cn := cols[col]
			if cn == 0 {
				continue
			}
			keyText := report.ColAddr(sh.Key, f.Key, col)
			r.locate(keyText, name, row, cn)
			c, ok := g.get(row, cn)
			if !ok {
				continue
			}
			key := report.Key{Field: f.Key, Col: col}
			set := func(v report.Value) { r.set(sh.Key, key, v) }
			switch {
			case col == spec.ColPct:
				if f.NoCompare || !f.Numeric() {
					continue
				}
				r.computed(name, c, pctField, keyText, set)
			case f.Input():
				if v, ok := r.value(name, c, f, keyText); ok {
					set(v)
				}
			default:
				r.computed(name, c, f, keyText, set)
			}
		}
	}
	return moved
}

// pctField is the 本学年为上学年(%) column.
var pctField = &spec.Field{Key: spec.ColPct, Label: "本学年为上学年", Unit: "%", Type: spec.TypeDecimal, Min: &spec.Number{}}

// totalWords mark a list's 合计 row.
var totalWords = map[string]bool{"合计": true, "总计": true, "小计": true, "合 计": true}

// list reads a list sheet; it returns the columns found by the labels they
// had in an earlier version, with those labels.
func (r *reader) list(sh *spec.Sheet, name string, g grid) map[string]string {
	hrow, cols, moved, ok := r.listHeader(sh, name, g)
	if !ok {
		return nil
	}
	// the end of the list: the summary block's title, if any
	end := 1 << 30
	if sh.Summary != nil {
		title := norm(sh.Summary.Title)
		for _, c := range g.rows(hrow+1, g.lastRow()) {
			if string(r.nb.norm(c.Value)) == title {
				end = c.Row
				break
			}
		}
	}
	lastRow := 0
	if cs := g.rows(0, end-1); len(cs) > 0 {
		lastRow = cs[len(cs)-1].Row
	}
	// the column of each of sh.Columns (0: not found), looked up once
	at := make([]int, len(sh.Columns))
	for i := range sh.Columns {
		at[i] = cols[sh.Columns[i].Key]
	}
	totalSeen := false
	for row := hrow + 1; row <= lastRow; row++ {
		cells := g.rows(row, row) // looked up once for the row's three looks at it
		isTotal := false
		for col := 1; col <= 3; col++ {
			if c, _ := cellAt(cells, col); isTotalWord(&r.nb, c.Value) {
				isTotal = true
				break
			}
		}
		switch {
		case isTotal && totalSeen:
			r.problem(name, cellName(1, row), report.Addr{Sheet: sh.Key}, "", "列表中有第二个合计行，未读取")
		case isTotal:
			totalSeen = true
			r.totalRow(sh, name, cells, row, at)
		case listRowFilled(sh, cells, at):
			r.listRow(sh, name, cells, row, at, lastRow-row+1)
		}
	}
	if s := r.out.Book.Sheets[sh.Key]; s != nil && cap(s.Rows) > 2*len(s.Rows) {
		// far fewer rows than room made (a template's empty rows): the
		// report keeps no more room than appending would have left
		s.Rows = slices.Clone(s.Rows)
	}
	if sh.Summary != nil && end < 1<<30 {
		r.yearBlock(sh, sh.Summary.Rows, name, g, end, 1<<30)
	}
	return moved
}

// isTotalWord reports whether a cell's text is one of totalWords,
// normalised. Each of them has 计, which norm neither makes nor drops: a
// text without it is not normalised to find it is none.
func isTotalWord(nb *normBuf, text string) bool {
	if !strings.Contains(text, "计") {
		return false
	}
	return totalWords[string(nb.norm(text))]
}

// listHeader finds a list's header row and the column of each field, and
// reports the input columns it lacks; ok is false when there is no header.
// moved are the columns found by the labels they had in an earlier version.
func (r *reader) listHeader(sh *spec.Sheet, name string, g grid) (hrow int, cols map[string]int, moved map[string]string, ok bool) {
	headers, all := r.sheetHeaders(sh)
	hrow, cols = r.findHeader(g, headers, all, 0, 50)
	r.duplicateHeaders(sh, name, g, headers, hrow, cols)
	if r.plan != nil {
		moved = r.renamedRows(sh, cols)
	}
	need := 0
	for _, c := range sh.Columns {
		if c.Input() {
			need++
		}
	}
	if hrow == 0 || len(cols) < min(2, need) {
		r.problem(name, "", report.Addr{Sheet: sh.Key}, "", "找不到列表的表头行，无法读取")
		return 0, nil, nil, false
	}
	for _, f := range sh.Columns {
		if _, ok := cols[f.Key]; !ok && f.Input() {
			r.problem(name, cellName(1, hrow), report.FieldAddr(sh.Key, f.Key), "", fmt.Sprintf("表头中找不到“%s”列", f.HeaderLabel()))
		}
	}
	return hrow, cols, moved, true
}

// listRowFilled reports whether a row of a list (its cells) holds any
// input: an empty row (or one of only formulas) is not a data row.
func listRowFilled(sh *spec.Sheet, cells []xlsx.Cell, at []int) bool {
	for i := range sh.Columns {
		f := &sh.Columns[i]
		if f.Type == spec.TypeSeq || at[i] == 0 {
			continue
		}
		c, ok := cellAt(cells, at[i])
		if !ok || (!f.Input() && c.Formula) {
			continue
		}
		if f.Input() && strings.TrimSpace(c.Value) != "" {
			return true
		}
	}
	return false
}

// listRow reads a data row of a list (its cells); at is the column of each
// of sh.Columns, rest the rows from this one to the list's last.
func (r *reader) listRow(sh *spec.Sheet, name string, cells []xlsx.Cell, row int, at []int, rest int) {
	vals := make(map[string]report.Value, r.rd.values[sh.Key].row)
	idx := len(r.out.Book.Rows(sh.Key))
	for i := range sh.Columns {
		f := &sh.Columns[i]
		if f.Type == spec.TypeSeq || at[i] == 0 {
			continue
		}
		keyText := report.RowAddr(sh.Key, idx, f.Key)
		r.locate(keyText, name, row, at[i])
		c, ok := cellAt(cells, at[i])
		if !ok {
			continue
		}
		set := func(v report.Value) { vals[f.Key] = v }
		if f.Input() {
			if v, ok := r.value(name, c, f, keyText); ok {
				set(v)
			}
		} else {
			r.computed(name, c, f, keyText, set)
		}
	}
	s := r.sheet(sh.Key) // r.out.Book.AddRow
	if s.Rows == nil {
		// the list's first row: the rows left are at most as many as rows
		// to its last, room made for them at once, not grown
		s.Rows = make([]map[string]report.Value, 0, rest)
	}
	s.Rows = append(s.Rows, vals)
}

// totalRow reads the 合计 row (its cells): a live formula is recomputed, a
// typed total is kept as reported; at is the column of each of sh.Columns.
func (r *reader) totalRow(sh *spec.Sheet, name string, cells []xlsx.Cell, row int, at []int) {
	for i := range sh.Columns {
		f := &sh.Columns[i]
		if at[i] != 0 {
			r.locate(report.TotalAddr(sh.Key, f.Key), name, row, at[i])
		}
		if k := f.TotalKind(); k != "sum" && k != "derived" {
			continue
		}
		c, ok := cellAt(cells, at[i])
		if !ok || at[i] == 0 {
			continue
		}
		key := report.Key{Field: f.Key, Col: report.TotalCol}
		r.computed(name, c, f, report.TotalAddr(sh.Key, f.Key), func(v report.Value) { r.set(sh.Key, key, v) })
	}
}

// Entry is one value read, at its place, with what was normalised.
type Entry struct {
	Sheet string       `json:"sheet"` // the sheet's name in the file
	Cell  string       `json:"cell"`
	Key   string       `json:"key"` // e.g. students.enrolled.cur, majors[0].name, majors.total.cur_students
	Value report.Value `json:"-"`
	// Computed is true for a computed cell whose formula was typed over.
	Computed bool     `json:"computed,omitempty"`
	Notes    []string `json:"notes,omitempty"`
}

// Entries lists every value of r, in the spec's sheet order and then by
// row and column, each with the notes of its cell.
func Entries(r *report.Report, p *formula.Program) []Entry {
	notes := map[report.Cell][]string{}
	for _, n := range r.Notes {
		if n.Cell != "" {
			at := report.Cell{Sheet: n.Sheet, Ref: n.Cell}
			notes[at] = append(notes[at], n.Msg)
		}
	}
	over := map[report.Cell]bool{}
	for _, o := range r.Overwritten {
		over[report.Cell{Sheet: o.Sheet, Ref: o.Cell}] = true
	}
	var out []Entry
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		var es []Entry
		add := func(key report.Addr, v report.Value) {
			if v.IsEmpty() && v.Cell.IsZero() {
				return
			}
			es = append(es, Entry{Sheet: v.Cell.Sheet, Cell: v.Cell.Ref, Key: key.String(), Value: v, Computed: over[v.Cell], Notes: notes[v.Cell]})
		}
		if s := r.Book.Sheets[sh.Key]; s != nil {
			for k, v := range s.Values {
				switch {
				case k.Col == report.TotalCol:
					add(report.TotalAddr(sh.Key, k.Field), v)
				case k.Col != "":
					add(report.ColAddr(sh.Key, k.Field, k.Col), v)
				default:
					add(report.FieldAddr(sh.Key, k.Field), v)
				}
			}
			for j, row := range s.Rows {
				for col, v := range row {
					add(report.RowAddr(sh.Key, j, col), v)
				}
			}
		}
		sort.Slice(es, func(a, b int) bool { return less("", es[a].Cell, "", es[b].Cell) })
		out = append(out, es...)
	}
	return out
}
