// Package consolidate turns many schools' returned workbooks into the
// bureau's: every file read and validated by validate's per-file Pipeline
// (the same step as the validate command) in parallel (bounded workers,
// bounded memory: each school's data is spilled to a temporary file and read
// back in order), duplicates resolved by a stated rule, region totals by the
// spec's aggregation rules, and every table written as rows to a Sink: a
// workbook (NewWorkbook), CSV or JSON files (NewFiles).
package consolidate

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unsafe"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/internal/decfit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/schools"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
	"github.com/nianbao/nianbao/store"
	"github.com/nianbao/nianbao/validate"
	"github.com/shopspring/decimal"
)

// Options adjust a consolidation.
type Options struct {
	// Pipeline is the per-file step (read, check, annotated copy), shared
	// with the validate command; its Lang is the findings' language.
	Pipeline *validate.Pipeline
	Workers  int // 0: one per CPU
	// Prefer names files that win over others of the same school.
	Prefer []string
	// Expected is the bureau's list of schools; the missing ones are listed
	// as 未提交.
	Expected []schools.School
	// Year is the school year consolidated; empty: the one most files report.
	Year string
	// Progress, when set, is called after each file.
	Progress func(done, total int)
	// By names fields of the record sheets (key or label, e.g. 所在地区)
	// the schools are grouped by in the sheet 分组汇总.
	By []string
	// Roots are the folders given on the command line: a file found in one
	// is named relative to it in the workbook.
	Roots []string
	// Store, when set, keeps every submission and makes the run
	// incremental (see stored.go); Hash then says what a file's content is
	// (intake.Hash).
	Store *store.Store
	Hash  func(path string) (sum string, size int64, err error)
	// History are the region's figures of earlier years (any order), shown
	// with this run's on the sheet 历年; a year equal to this run's is ignored.
	History []YearFigures
}

// Submission is one file's outcome.
type Submission struct {
	File     string
	Code     string
	Name     string
	Year     string
	FillDate string
	Contact  Contact
	Version  string
	Status   string // a validate.Status… key
	Error    string // why it could not be read or was not used
	// AnnotateError says why its annotated copy could not be written (the
	// file is consolidated all the same).
	AnnotateError string
	Counts        validate.Counts
	Rows          map[string]int // data rows per list sheet
	Findings      int
	chosen        bool
	offset        int64 // of its record in the spill file
	size          int
	workbook      int64 // its workbook in the store (Options.Store)
	submission    int64 // and its submission there
}

// Contact is whom the bureau asks about a school's return: the fields of
// the spec with the roles contact_person, contact_phone, contact_email.
type Contact struct {
	Person, Phone, Email string
}

// record is what is kept of a school between reading and writing, on disk.
type record struct {
	Values   map[string]string     // input key (sheet.field.col) → value text
	Rows     map[string][][]string // list sheet → rows → values by column index
	RowAt    map[string][]int      // list sheet → source row numbers
	Sheets   map[string]string     // sheet key → name in the file
	Cells    map[string]string     // report.Addr text → report.Cell text (学生情况!D4)
	Findings []validate.Finding

	// report is the report whose cells (Located) are kept, where Cells is
	// not made (keep)
	report *report.Report
	// cellsAt are the cells of a record read back from the spill file, by
	// the place of their address in the walk (datum.n), where Cells is not
	// made
	cellsAt []string
}

// cell is the text of the cell a value of the school is in (学生情况!D4),
// "" where it is in none; key is scratch space.
func (r *record) cell(d *datum, key []byte) (string, []byte) {
	if r.cellsAt != nil {
		if d.n < len(r.cellsAt) {
			return r.cellsAt[d.n], key
		}
		return "", key
	}
	key = d.addr.Append(key[:0])
	return r.Cells[string(key)], key
}

// collect reads and validates every file with a pool of workers and spills
// each school's data to w; it returns one Submission per file, in the order
// given.
func collect(ctx context.Context, p *formula.Program, files []string, opt Options, spill *spillFile) ([]*Submission, error) {
	subs := make([]*Submission, len(files))
	type result struct {
		sub  *Submission
		data []byte
	}
	err := eachFile(ctx, files, opt, func(path string) (any, error) {
		sub, data, err := one(ctx, p, path, opt)
		return result{sub, data}, err
	}, func(i int, v any) (err error) {
		r := v.(result)
		if r.data != nil {
			r.sub.offset, r.sub.size, err = spill.add(r.data)
			putSpillBuf(r.data)
		}
		subs[i] = r.sub
		return err
	})
	if err != nil {
		return nil, err
	}
	return subs, spill.flush()
}

// eachFile runs work on every file with a pool of workers, and done with
// each result, one at a time; the first error of either stops the run.
func eachFile(ctx context.Context, files []string, opt Options, work func(path string) (any, error), done func(i int, v any) error) error {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	jobs := make(chan int)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		finished int
		firstErr error
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				v, err := work(files[i])
				mu.Lock()
				if err == nil && firstErr == nil {
					err = done(i, v)
				}
				if err != nil && firstErr == nil {
					firstErr = err
				}
				finished++
				if opt.Progress != nil {
					opt.Progress(finished, len(files))
				}
				mu.Unlock()
			}
		}()
	}
	for i := range files {
		if ctx.Err() != nil {
			break
		}
		mu.Lock()
		stop := firstErr != nil
		mu.Unlock()
		if stop {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// one reads and validates one file. An unreadable file is a Submission with
// its error, and so is an annotated copy that cannot be written: only
// failures to spill the school's data stop the run.
// The data is the spill file's encoding of the school (spill), not the
// store's (recordOf).
func one(ctx context.Context, p *formula.Program, path string, opt Options) (*Submission, []byte, error) {
	res := opt.Pipeline.Check(ctx, path)
	sub, rec := keep(p, res, false)
	if rec == nil {
		return sub, nil, nil
	}
	data := spillReport(getSpillBuf(), p, rec, res.Report)
	if err := opt.Pipeline.WriteAnnotated(res); err != nil {
		sub.AnnotateError = err.Error() // this file's failure, not the run's
	}
	return sub, data, nil
}

// oneRecord is one, with the record the data encodes.
func oneRecord(ctx context.Context, p *formula.Program, path string, opt Options) (*Submission, *record, []byte, error) {
	res := opt.Pipeline.Check(ctx, path)
	sub, rec, data, err := recordOf(p, res)
	if rec != nil {
		if err := opt.Pipeline.WriteAnnotated(res); err != nil {
			sub.AnnotateError = err.Error() // this file's failure, not the run's
		}
	}
	return sub, rec, data, err
}

// recordOf is what a run keeps of a checked file: its Submission, its
// record and the record's encoding (no record when it was not read or
// names no school).
func recordOf(p *formula.Program, res *validate.Result) (*Submission, *record, []byte, error) {
	sub, rec := keep(p, res, true)
	if rec == nil {
		return sub, nil, nil, nil
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(rec); err != nil {
		return sub, nil, nil, err
	}
	return sub, rec, buf.Bytes(), nil
}

// keep is what a run keeps of a checked file: its Submission and its record
// (none when it was not read or names no school). Without texts the record
// has no Values, Rows and Cells: the spill file keeps the report's book
// (spillReport) and cells (record.addrs) instead.
func keep(p *formula.Program, res *validate.Result, texts bool) (*Submission, *record) {
	sub := &Submission{File: res.File, Status: res.Status, Error: res.Error, Counts: res.Counts, Findings: len(res.Findings)}
	r := res.Report
	if r == nil {
		return sub, nil
	}
	sub.Version = strings.Clone(r.Identity.Version)
	rec := &record{RowAt: map[string][]int{}, Sheets: map[string]string{}, Findings: res.Findings}
	for i, m := range r.Sheets {
		rec.Sheets[p.Spec.Sheets[i].Key] = m.Name
	}
	if texts {
		rec.Values, rec.Rows = map[string]string{}, map[string][][]string{}
		rec.Cells = make(map[string]string, len(r.Located))
		for _, l := range r.Located { // the later place of an address found twice
			rec.Cells[l.Addr.String()] = l.Cell.String()
		}
	} else {
		rec.report = r
	}
	sub.Rows = map[string]int{}
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		switch sh.Kind {
		case spec.KindRecord, spec.KindIndicator:
			keepValues(sh, r, rec, sub)
		case spec.KindList:
			keepRows(sh, r, rec)
			sub.Rows[sh.Key] = len(r.Book.Rows(sh.Key))
		}
	}
	rowsAt(p.Spec, r, rec)
	if sub.Code == "" {
		sub.Status, sub.Error = validate.StatusUnreadable, noCode
		return sub, nil
	}
	return sub, rec
}

// noCode is why a file without a school code is not consolidated.
const noCode = "没有填写学校标识码，无法汇总"

// keepValues keeps the input values of a record or indicator sheet, and the
// school's identity from the fields with a role.
func keepValues(sh *spec.Sheet, r *report.Report, rec *record, sub *Submission) {
	for _, f := range sh.Rows {
		if !f.Input() {
			continue
		}
		for _, col := range inputCols(sh) {
			if rec.Values == nil {
				break
			}
			if v := r.Book.Get(sh.Key, report.Key{Field: f.Key, Col: col}); !v.IsEmpty() {
				rec.Values[valueKey(sh.Key, f.Key, col)] = v.String()
			}
		}
		// a Submission is kept for the whole run: its texts are copies, not
		// parts of the workbook's shared strings or cell text (one string
		// each), which they would keep alive — 14 KB a file, 140 MB for
		// 10,000 files, where the run's heap limit is 200 MB
		text := func() string { return strings.Clone(r.Book.Get(sh.Key, report.Key{Field: f.Key}).String()) }
		switch f.Role {
		case "school_code":
			sub.Code = text()
		case "school_name":
			sub.Name = text()
		case "school_year":
			sub.Year = text()
		case "fill_date":
			sub.FillDate = text()
		case "contact_person":
			sub.Contact.Person = text()
		case "contact_phone":
			sub.Contact.Phone = text()
		case "contact_email":
			sub.Contact.Email = text()
		}
	}
}

// keepRows keeps a list sheet's input values (rowsAt the row each came
// from).
func keepRows(sh *spec.Sheet, r *report.Report, rec *record) {
	if rec.Rows == nil {
		return
	}
	for _, row := range r.Book.Rows(sh.Key) {
		vals := make([]string, len(sh.Columns))
		for j, f := range sh.Columns {
			if f.Input() {
				vals[j] = row[f.Key].String()
			}
		}
		rec.Rows[sh.Key] = append(rec.Rows[sh.Key], vals)
	}
}

// rowsAt keeps the row each list row came from (record.RowAt): the row of
// its first column (in the spec's order) with a cell. The cells located
// are gone through once (the report's map of them is made only when a
// cell is looked up); a cell located again is at its later place.
func rowsAt(s *spec.Spec, r *report.Report, rec *record) {
	type list struct {
		sh        *spec.Sheet
		at, first []int // first: the column of at[i], +1 (0: none yet)
	}
	var lists []list
	for i := range s.Sheets {
		if sh := &s.Sheets[i]; sh.Kind == spec.KindList {
			n := len(r.Book.Rows(sh.Key))
			lists = append(lists, list{sh, make([]int, n), make([]int, n)})
		}
	}
	for i := range r.Located {
		l := &r.Located[i]
		if !l.Addr.InRow || l.Cell.IsZero() {
			continue
		}
		k := 0
		for k < len(lists) && lists[k].sh.Key != l.Addr.Sheet {
			k++
		}
		if k == len(lists) || l.Addr.Row < 0 || l.Addr.Row >= len(lists[k].at) {
			continue
		}
		li, row := &lists[k], l.Addr.Row
		j := columnIndex(li.sh, l.Addr.Field) + 1
		if j == 0 || (li.first[row] != 0 && j > li.first[row]) {
			continue
		}
		li.first[row] = j
		_, li.at[row], _ = xlsx.SplitRef(l.Cell.Ref)
	}
	for _, li := range lists {
		if len(li.at) > 0 { // a list of no rows has none, as the record had
			rec.RowAt[li.sh.Key] = li.at
		}
	}
}

// columnIndex is the index of a list's column of the key, -1 when it has
// none.
func columnIndex(sh *spec.Sheet, key string) int {
	for j := range sh.Columns {
		if sh.Columns[j].Key == key {
			return j
		}
	}
	return -1
}

// inputCols are the columns of a sheet's inputs (not to be changed).
func inputCols(sh *spec.Sheet) []string {
	if sh.Kind == spec.KindIndicator {
		return yearInputs
	}
	return recordInputs
}

var yearInputs, recordInputs = []string{spec.ColPrev, spec.ColCur}, []string{""}

// inputKeys calls fn with the key of every input value of a record or
// indicator sheet, field by field (上学年 and 本学年 of an indicator row):
// the one order in which the spill writes a school's values and reads them
// back (spill, decode).
func inputKeys(sh *spec.Sheet, fn func(f *spec.Field, k report.Key)) {
	cols := inputCols(sh)
	for j := range sh.Rows {
		f := &sh.Rows[j]
		if !f.Input() {
			continue
		}
		for _, col := range cols {
			fn(f, report.Key{Field: f.Key, Col: col})
		}
	}
}

func valueKey(sheet, field, col string) string {
	if col == "" {
		return sheet + "." + field
	}
	return sheet + "." + field + "." + col
}

// spillFile keeps the schools' records on disk while the files are read.
type spillFile struct {
	p   *formula.Program // the records' layout (spill)
	f   *os.File
	w   *bufio.Writer
	off int64
}

func newSpill(p *formula.Program) (*spillFile, error) {
	f, err := os.CreateTemp("", "nianbao-consolidate-*")
	if err != nil {
		return nil, fmt.Errorf("无法创建临时文件: %w", err)
	}
	return &spillFile{p: p, f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

func (s *spillFile) add(data []byte) (int64, int, error) {
	off := s.off
	n, err := s.w.Write(data)
	s.off += int64(n)
	return off, n, err
}

// flush makes everything added readable.
func (s *spillFile) flush() error { return s.w.Flush() }

// recordSource is where the schools' records are read back from: the spill
// file, or the store.
type recordSource interface {
	// read gives a school's record and its inputs (bookOf the record),
	// made in the room of a school written before where it can.
	read(*Submission, *bookRoom) (*record, *report.Book, error)
}

// read reads a record back with its book, made in room (safe from many
// goroutines after flush).
func (s *spillFile) read(sub *Submission, room *bookRoom) (*record, *report.Book, error) {
	buf := make([]byte, sub.size)
	if _, err := s.f.ReadAt(buf, sub.offset); err != nil {
		return nil, nil, err
	}
	return s.decode(buf, room)
}

func (s *spillFile) close() {
	s.f.Close()
	os.Remove(s.f.Name())
}

// mostYear is the 学年 of the most files (of two as many, the later).
func mostYear(counts map[string]int) string {
	year := ""
	for y, n := range counts {
		if n > counts[year] || (n == counts[year] && y > year) {
			year = y
		}
	}
	return year
}

// choose decides which submission of each school is used: the one named by
// Prefer, else the newest 填报日期, else the last file name; and refuses
// files of another school year than the one consolidated.
func choose(subs []*Submission, opt Options) (year string) {
	year = opt.Year
	if year == "" {
		counts := map[string]int{}
		for _, s := range subs {
			if s.Code != "" && s.Status != validate.StatusUnreadable {
				counts[s.Year]++
			}
		}
		year = mostYear(counts)
	}
	prefer := map[string]bool{}
	for _, f := range opt.Prefer {
		prefer[filepath.Clean(f)] = true
	}
	byCode := map[string][]*Submission{}
	for _, s := range subs {
		if s.Code == "" || s.Status == validate.StatusUnreadable {
			continue
		}
		if s.Year != year {
			s.Status, s.Error = validate.StatusWrongYear, fmt.Sprintf("学年 %s 与本次汇总的学年 %s 不符，未汇总", s.Year, year)
			continue
		}
		byCode[s.Code] = append(byCode[s.Code], s)
	}
	for _, list := range byCode {
		sort.Slice(list, func(i, j int) bool {
			a, b := list[i], list[j]
			if prefer[filepath.Clean(a.File)] != prefer[filepath.Clean(b.File)] {
				return prefer[filepath.Clean(a.File)]
			}
			if a.FillDate != b.FillDate {
				return a.FillDate > b.FillDate
			}
			return a.File > b.File
		})
		list[0].chosen = true
		for _, s := range list[1:] {
			s.Status = validate.StatusDuplicate
			s.Error = fmt.Sprintf("同一学校（%s）的另一份文件 %s 已采用（规则：--prefer 指定的优先，其次填报日期最新，再次文件名靠后）", s.Code, display(opt.Roots, list[0].File))
		}
	}
	return year
}

// spillReport is spill of a school's report.
func spillReport(dst []byte, p *formula.Program, rec *record, r *report.Report) []byte {
	return spill(dst, p, rec, r.Book, true)
}

// spill encodes what the writing pass needs of a school for the spill
// file: its record but for the input texts (Values, Rows), and the book
// bookOf makes of them, its values by their place in the spec (p). A plain
// encoding, read back by spillFile.decode: encoding/gob of the record, then
// bookOf again, took a tenth of a consolidation's CPU. The store keeps the
// record as gob (recordOf, recordFormat).
//
// Numbers, texts: uvarint lengths and counts; a value is a kind (0 empty,
// 'n' a coefficient that fits an int64 and its exponent as varints, 'N' a
// larger number's text, 's' a text).
//
// With retype, book is a report's and each input is retyped as it is
// encoded (rowInput, sheetInput: spillReport); without, its values are
// already as the record keeps them (bookOf's).
func spill(dst []byte, p *formula.Program, rec *record, book *report.Book, retype bool) []byte {
	e := spillEnc{b: dst}
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		if sh.Kind == spec.KindList {
			rows := book.Rows(sh.Key)
			e.uint(len(rows))
			for _, row := range rows {
				for j := range sh.Columns {
					if f := &sh.Columns[j]; f.Input() {
						v := row[f.Key]
						if retype {
							v = rowInput(f, v)
						}
						e.value(v)
					}
				}
			}
			ats := rec.RowAt[sh.Key]
			e.uint(len(ats))
			for _, at := range ats {
				e.uint(at)
			}
			continue
		}
		values := sheetValues(book, sh.Key)
		inputKeys(sh, func(f *spec.Field, k report.Key) {
			v := values[k]
			if retype {
				v = sheetInput(f, v)
			}
			e.value(v)
		})
	}
	// the sheets' names in the file, in the spec's order (recordOf)
	e.uint(len(rec.Sheets))
	for i := range p.Spec.Sheets {
		if name, ok := rec.Sheets[p.Spec.Sheets[i].Key]; ok {
			e.uint(i)
			e.str(name)
		}
	}
	// the cells of every address in the order of walk (record.cellsAt),
	// their count first, in four bytes filled in after
	at := len(e.b)
	e.b = append(e.b, 0, 0, 0, 0)
	cells := 0
	if c := placesOf(p); c.ok && rec.Cells == nil {
		// the report's cells, each put at its place (cellPlaces)
		sc := getSpillScratch()
		sc.bases, sc.cells = c.lay(sc.bases, sc.cells, p.Spec, book, rec.report.Located)
		cells = len(sc.cells)
		for i := range sc.cells {
			e.cell(sc.cells[i])
		}
		spillScratches.Put(sc)
	} else {
		var text []byte
		walk(p, book, formula.Computed{}, true, func(d datum) error {
			cells++
			if rec.Cells == nil {
				text = rec.report.Cell(d.addr).Append(text[:0])
			} else {
				text = d.addr.Append(text[:0])
				text = append(text[:0], rec.Cells[string(text)]...)
			}
			e.text(text)
			return nil
		})
	}
	binary.LittleEndian.PutUint32(e.b[at:], uint32(cells))
	e.uint(len(rec.Findings))
	for i := range rec.Findings {
		f := &rec.Findings[i]
		e.str(f.Severity)
		e.str(f.Rule)
		e.str(f.Sheet)
		e.str(f.Cell)
		e.uint(len(f.Cells))
		for _, c := range f.Cells {
			e.str(c)
		}
		e.uint(len(f.Values))
		for _, v := range f.Values {
			e.str(v.Cell)
			e.str(v.Value)
		}
		e.str(f.Reported)
		e.str(f.Expected)
		e.str(f.Message)
		e.str(f.Explanation)
		if f.Explained {
			e.uint(1)
		} else {
			e.uint(0)
		}
	}
	return e.b
}

type spillEnc struct{ b []byte }

// spillBufs are the workers' buffers for spill, each back when its
// school is in the spill file.
var spillBufs sync.Pool

func getSpillBuf() []byte {
	if b, ok := spillBufs.Get().(*[]byte); ok {
		return (*b)[:0]
	}
	return make([]byte, 0, 64<<10)
}

func putSpillBuf(b []byte) { spillBufs.Put(&b) }

// spillScratch is a worker's room to lay a school's cells out in (spill).
type spillScratch struct {
	bases []int
	cells []report.Cell
}

var spillScratches = sync.Pool{New: func() any { return new(spillScratch) }}

func getSpillScratch() *spillScratch { return spillScratches.Get().(*spillScratch) }

// bookRoom is the memory of a school's book read back (decode), used
// again for a school read after this one is written (builder.release):
// its maps are emptied and filled again, not made again. A book made in
// it is the room's until then.
type bookRoom struct {
	book   report.Book
	sheets []*report.Sheet // by spec sheet index, with their rows' maps
}

// reset empties the book, for a spec of n sheets.
func (r *bookRoom) reset(n int) *report.Book {
	if r.book.Sheets == nil {
		r.book.Sheets = make(map[string]*report.Sheet, n)
	}
	clear(r.book.Sheets)
	if len(r.sheets) != n {
		r.sheets = make([]*report.Sheet, n)
	}
	return &r.book
}

// sheet is the spec's i-th sheet, emptied (not in the book).
func (r *bookRoom) sheet(i int) *report.Sheet {
	s := r.sheets[i]
	if s == nil {
		s = &report.Sheet{Values: map[report.Key]report.Value{}}
		r.sheets[i] = s
		return s
	}
	clear(s.Values)
	s.Rows = s.Rows[:0]
	return s
}

// addRow adds an empty row to a sheet: the map of a row it had before
// reset, emptied, where there is one.
func addRow(s *report.Sheet) map[string]report.Value {
	if n := len(s.Rows); n < cap(s.Rows) {
		if row := s.Rows[:n+1][n]; row != nil {
			clear(row)
			s.Rows = s.Rows[:n+1]
			return row
		}
	}
	row := map[string]report.Value{}
	s.Rows = append(s.Rows, row)
	return row
}

func (e *spillEnc) uint(n int) { e.b = binary.AppendUvarint(e.b, uint64(n)) }

func (e *spillEnc) str(s string) {
	e.uint(len(s))
	e.b = append(e.b, s...)
}

// cell is text of the cell's text (Sheet!A1, "" for the zero Cell).
func (e *spillEnc) cell(c report.Cell) {
	if c.IsZero() {
		e.b = append(e.b, 0)
		return
	}
	e.uint(len(c.Sheet) + 1 + len(c.Ref))
	e.b = append(append(append(e.b, c.Sheet...), '!'), c.Ref...)
}

func (e *spillEnc) text(s []byte) {
	e.uint(len(s))
	e.b = append(e.b, s...)
}

func (e *spillEnc) value(v report.Value) {
	switch v.Kind {
	case report.Number:
		if v.Num.NumDigits() <= 18 {
			e.b = append(e.b, 'n')
			e.b = binary.AppendVarint(e.b, v.Num.CoefficientInt64())
			e.b = binary.AppendVarint(e.b, int64(v.Num.Exponent()))
			return
		}
		e.b = append(e.b, 'N')
		e.str(v.Num.String())
	case report.Text:
		e.b = append(e.b, 's')
		e.str(v.Text)
	default:
		e.b = append(e.b, 0)
	}
}

// decode reads back what spill wrote: the record (without Values and
// Rows) and the book, made in room (nil: a new one). It takes buf, which
// must not change afterwards.
func (s *spillFile) decode(buf []byte, room *bookRoom) (*record, *report.Book, error) {
	p := s.p
	// the record's texts are parts of buf, made a string without a copy
	// (they live as long as the school is written); the book's texts, which
	// pivots and charts keep as keys, are copies
	d := spillDec{s: unsafe.String(unsafe.SliceData(buf), len(buf))}
	if room == nil {
		room = new(bookRoom)
	}
	book := room.reset(len(p.Spec.Sheets))
	rec := &record{RowAt: map[string][]int{}, Sheets: map[string]string{}}
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		if sh.Kind == spec.KindList {
			n := d.uint()
			if n > 0 && d.err == nil {
				// the rows of a list of the key before are added to
				// (Book.AddRow)
				rs := book.Sheets[sh.Key]
				if rs == nil {
					rs = room.sheet(i)
					book.Sheets[sh.Key] = rs
				}
				for range n {
					row := addRow(rs)
					for j := range sh.Columns {
						if sh.Columns[j].Input() {
							if v := d.value(); v.Kind != report.Empty {
								row[sh.Columns[j].Key] = v
							}
						}
					}
				}
			}
			if n := d.uint(); n > 0 && d.err == nil {
				ats := make([]int, n)
				for k := range ats {
					ats[k] = d.uint()
				}
				rec.RowAt[sh.Key] = ats
			}
			continue
		}
		// a sheet is in the book when it has a value (Book.Set)
		vs := room.sheet(i)
		inputKeys(sh, func(_ *spec.Field, k report.Key) {
			if v := d.value(); v.Kind != report.Empty {
				vs.Values[k] = v
			}
		})
		if len(vs.Values) > 0 {
			book.Sheets[sh.Key] = vs
		}
	}
	for range d.uint() {
		i := d.uint()
		name := d.str()
		if i < len(p.Spec.Sheets) {
			rec.Sheets[p.Spec.Sheets[i].Key] = name
		}
	}
	if n := d.u32(); n > 0 && d.err == nil {
		rec.cellsAt = make([]string, n)
		for i := range rec.cellsAt {
			rec.cellsAt[i] = d.str()
		}
	}
	if n := d.uint(); n > 0 && d.err == nil {
		rec.Findings = make([]validate.Finding, n)
		for i := range rec.Findings {
			f := &rec.Findings[i]
			f.Severity, f.Rule, f.Sheet, f.Cell = d.str(), d.str(), d.str(), d.str()
			if n := d.uint(); n > 0 && d.err == nil {
				f.Cells = make([]string, n)
				for k := range f.Cells {
					f.Cells[k] = d.str()
				}
			}
			if n := d.uint(); n > 0 && d.err == nil {
				f.Values = make([]validate.Value, n)
				for k := range f.Values {
					f.Values[k].Cell, f.Values[k].Value = d.str(), d.str()
				}
			}
			f.Reported, f.Expected, f.Message, f.Explanation = d.str(), d.str(), d.str(), d.str()
			f.Explained = d.uint() == 1
		}
	}
	if d.err == nil && d.at != len(d.s) {
		d.err = errors.New("多余的数据")
	}
	if d.err != nil {
		return nil, nil, fmt.Errorf("临时文件中的记录无法读取: %w", d.err)
	}
	return rec, book, nil
}

// spillDec reads spill's encoding; its first error stays in err.
type spillDec struct {
	s   string
	at  int
	err error
}

var errSpillShort = errors.New("记录不完整")

func (d *spillDec) uint() int {
	n := d.uvarint()
	if n > uint64(len(d.s)) { // no count or length is larger than the record
		d.fail()
		return 0
	}
	return int(n)
}

// uvarint is binary.Uvarint on the string.
func (d *spillDec) uvarint() uint64 {
	var x uint64
	for shift := uint(0); d.err == nil && shift < 64; shift += 7 {
		if d.at >= len(d.s) {
			break
		}
		c := d.s[d.at]
		d.at++
		if c < 0x80 {
			return x | uint64(c)<<shift
		}
		x |= uint64(c&0x7f) << shift
	}
	d.fail()
	return 0
}

// u32 is a count in four bytes (spill's cells), no larger than the
// record.
func (d *spillDec) u32() int {
	if d.err != nil || d.at+4 > len(d.s) {
		d.fail()
		return 0
	}
	b := d.s[d.at : d.at+4]
	n := int(uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24)
	d.at += 4
	if n > len(d.s) {
		d.fail()
		return 0
	}
	return n
}

func (d *spillDec) varint() int64 {
	u := d.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (d *spillDec) fail() {
	if d.err == nil {
		d.err = errSpillShort
	}
}

func (d *spillDec) str() string {
	n := d.uint()
	if d.err != nil || d.at+n > len(d.s) {
		d.err = errSpillShort
		return ""
	}
	s := d.s[d.at : d.at+n]
	d.at += n
	return s
}

func (d *spillDec) value() report.Value {
	if d.err != nil || d.at >= len(d.s) {
		d.err = errSpillShort
		return report.Value{}
	}
	kind := d.s[d.at]
	d.at++
	switch kind {
	case 0:
		return report.Value{}
	case 'n':
		c := d.varint()
		exp := d.varint()
		return report.Num(decfit.New(c, int32(exp)))
	case 'N':
		n, err := decimal.NewFromString(d.str())
		if err != nil && d.err == nil {
			d.err = err
		}
		return report.Num(n)
	case 's':
		return report.Str(strings.Clone(d.str()))
	}
	d.err = fmt.Errorf("值类型 %q 无效", kind)
	return report.Value{}
}
