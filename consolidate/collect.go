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
	"encoding/gob"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/schools"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
	"github.com/nianbao/nianbao/store"
	"github.com/nianbao/nianbao/validate"
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
func one(ctx context.Context, p *formula.Program, path string, opt Options) (*Submission, []byte, error) {
	sub, _, data, err := oneRecord(ctx, p, path, opt)
	return sub, data, err
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
	sub := &Submission{File: res.File, Status: res.Status, Error: res.Error, Counts: res.Counts, Findings: len(res.Findings)}
	r := res.Report
	if r == nil {
		return sub, nil, nil, nil
	}
	sub.Version = strings.Clone(r.Identity.Version)
	rec := &record{Values: map[string]string{}, Rows: map[string][][]string{}, RowAt: map[string][]int{}, Sheets: map[string]string{}, Findings: res.Findings}
	for i, m := range r.Sheets {
		rec.Sheets[p.Spec.Sheets[i].Key] = m.Name
	}
	rec.Cells = make(map[string]string, len(r.Cells))
	for a, c := range r.Cells {
		rec.Cells[a.String()] = c.String()
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
	if sub.Code == "" {
		sub.Status, sub.Error = validate.StatusUnreadable, noCode
		return sub, nil, nil, nil
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(rec); err != nil {
		return sub, nil, nil, err
	}
	return sub, rec, buf.Bytes(), nil
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

// keepRows keeps a list sheet's input values and the row each came from.
func keepRows(sh *spec.Sheet, r *report.Report, rec *record) {
	for i, row := range r.Book.Rows(sh.Key) {
		vals := make([]string, len(sh.Columns))
		for j, f := range sh.Columns {
			if f.Input() {
				vals[j] = row[f.Key].String()
			}
		}
		rec.Rows[sh.Key] = append(rec.Rows[sh.Key], vals)
		at := 0
		for _, f := range sh.Columns {
			if c := r.Cell(report.RowAddr(sh.Key, i, f.Key)); !c.IsZero() {
				_, at, _ = xlsx.SplitRef(c.Ref)
				break
			}
		}
		rec.RowAt[sh.Key] = append(rec.RowAt[sh.Key], at)
	}
}

func inputCols(sh *spec.Sheet) []string {
	if sh.Kind == spec.KindIndicator {
		return []string{spec.ColPrev, spec.ColCur}
	}
	return []string{""}
}

func valueKey(sheet, field, col string) string {
	if col == "" {
		return sheet + "." + field
	}
	return sheet + "." + field + "." + col
}

// spillFile keeps the schools' records on disk while the files are read.
type spillFile struct {
	f   *os.File
	w   *bufio.Writer
	off int64
}

func newSpill() (*spillFile, error) {
	f, err := os.CreateTemp("", "nianbao-consolidate-*")
	if err != nil {
		return nil, fmt.Errorf("无法创建临时文件: %w", err)
	}
	return &spillFile{f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
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
	read(*Submission) (*record, error)
}

// read reads a record back (safe from many goroutines after flush).
func (s *spillFile) read(sub *Submission) (*record, error) {
	buf := make([]byte, sub.size)
	if _, err := s.f.ReadAt(buf, sub.offset); err != nil {
		return nil, err
	}
	var rec record
	if err := gob.NewDecoder(bytes.NewReader(buf)).Decode(&rec); err != nil {
		return nil, err
	}
	return &rec, nil
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
