package consolidate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/nianbao/nianbao/store"
	"github.com/nianbao/nianbao/validate"
	"github.com/shopspring/decimal"
)

// With a store (Options.Store), a run is incremental: each file is known by
// its content's hash, and a file whose content the store holds (read with
// the same spec) is not read again. What is new is read, checked and stored
// (its record, every value, every finding); then the year's submissions —
// every file ever received for it, and the web upload nianbao serve uses
// for a school (its others, superseded, are left out) — are taken from the store, the
// duplicate rule decides between them as in a run without a store, the
// decisions are stored, and the workbook is built from the store alone. A
// run with no files builds the year's workbook from the store.

// recordFormat is how a school's record is kept in the store (gob of
// record). Change it when record changes: workbooks stored in another
// format are then read again.
const recordFormat = 1

// storeBatch is how many workbooks are stored in one transaction.
const storeBatch = 16

// specKey names what a workbook was read with: the whole spec (rules and
// messages too) and the record format. A changed spec reads files again.
func specKey(p *formula.Program) string {
	b, _ := json.Marshal(p.Spec)
	h := sha256.Sum256(append(b, byte(recordFormat)))
	return hex.EncodeToString(h[:12])
}

// storedRun is what fromStore gives the builder.
type storedRun struct {
	subs         []*Submission
	year         string
	read, reused int // of this run's files: read, known by their content
}

// readFile is a file read in this run: its workbook for the store, and why
// its annotated copy could not be written.
type readFile struct {
	w           *store.Workbook
	annotateErr string
}

// received is a file of this run as the store knows it.
type received struct {
	file string // as shown: relative to the folder it was found in
	id   int64  // its workbook
	year string // the 学年 it reports
	read bool   // read in this run (else known by its content)
	// annotateErr says why the annotated copy asked for a known file could
	// not be written
	annotateErr string
}

// fromStore stores this run's new files and returns the year's submissions
// from the store, decided, with where their records are.
func fromStore(ctx context.Context, p *formula.Program, files []string, opt Options) (*storedRun, error) {
	st := opt.Store
	if opt.Hash == nil {
		return nil, errors.New("consolidate: Options.Hash (how a file's content is known) is not set")
	}
	key := specKey(p)
	known, err := st.Known(ctx, key)
	if err != nil {
		return nil, storeErr(st, err)
	}
	accepted, err := st.Accepted(ctx, p.Spec.ID)
	if err != nil {
		return nil, storeErr(st, err)
	}
	got, err := ingest(ctx, p, files, opt, key, known, priorIDs(accepted))
	if err != nil {
		return nil, err
	}
	run := &storedRun{}
	for _, r := range got {
		if r.read {
			run.read++
		} else {
			run.reused++
		}
	}
	if run.year, err = runYear(ctx, st, got, opt.Year); err != nil {
		return nil, err
	}
	year := run.year
	receipts := map[string]int64{}
	for _, r := range got {
		receipts[r.file] = r.id
	}
	if err := st.Receive(ctx, year, receipts); err != nil {
		return nil, storeErr(st, err)
	}
	stored, err := st.Submissions(ctx, year)
	if err != nil {
		return nil, storeErr(st, err)
	}
	// web uploads the bureau does not use are serve's history, not this
	// consolidation's submissions: left out, their decision kept
	stored = slices.DeleteFunc(stored, func(x *store.Submission) bool { return x.Decision == store.DecisionSuperseded })
	if run.subs, err = submissionsOf(stored, key, year); err != nil {
		return nil, err
	}
	for _, r := range got {
		if r.annotateErr == "" {
			continue
		}
		for _, sub := range run.subs {
			if sub.File == r.file {
				sub.AnnotateError = r.annotateErr
			}
		}
	}
	o := opt
	o.Year = year
	o.Prefer = nil
	for _, f := range opt.Prefer {
		o.Prefer = append(o.Prefer, display(opt.Roots, f))
	}
	choose(run.subs, o)
	if err := st.Decide(ctx, decisions(run.subs)); err != nil {
		return nil, storeErr(st, err)
	}
	return run, nil
}

func storeErr(st *store.Store, err error) error {
	return fmt.Errorf("数据库 %s: %w", st, err)
}

// runYear is the 学年 consolidated: the one asked for, else the one most of
// this run's files report, else the newest in the store.
func runYear(ctx context.Context, st *store.Store, got []received, asked string) (string, error) {
	if asked != "" {
		return asked, nil
	}
	counts := map[string]int{}
	for _, r := range got {
		if r.year != "" {
			counts[r.year]++
		}
	}
	if year := mostYear(counts); year != "" {
		return year, nil
	}
	years, err := st.Years(ctx)
	if err != nil {
		return "", storeErr(st, err)
	}
	if len(years) == 0 {
		return "", fmt.Errorf("数据库 %s 中还没有任何提交：请给出要汇总的文件或文件夹", st)
	}
	return years[0], nil
}

// submissionsOf turns the store's submissions of a year into this
// package's; one read with another spec is an error naming the files to
// consolidate again.
func submissionsOf(stored []*store.Submission, key, year string) ([]*Submission, error) {
	var subs []*Submission
	var stale []string
	for _, x := range stored {
		w := &x.Workbook
		if w.Fingerprint != key || (w.RecordFormat != recordFormat && w.Status != validate.StatusUnreadable) {
			stale = append(stale, x.File)
			continue
		}
		s := &Submission{File: x.File, Code: w.Code, Name: w.Name, Year: w.Year, FillDate: w.FillDate,
			Contact: Contact{Person: w.Person, Phone: w.Phone, Email: w.Email}, Version: w.Version,
			Status: w.Status, Error: w.Error, Counts: w.Counts, Rows: w.ListRows,
			Findings: w.Counts.Errors + w.Counts.Warnings + w.Counts.Infos, workbook: w.ID, submission: x.ID}
		subs = append(subs, s)
	}
	if len(stale) > 0 {
		more := ""
		if len(stale) > 3 {
			stale, more = stale[:3], fmt.Sprintf(" 等 %d 个", len(stale))
		}
		return nil, fmt.Errorf("%s 学年的 %s%s文件是按另一版本的规格读取的：请把它们与 --db 一起重新汇总（会按现在的规格重新读取）", year, strings.Join(stale, "、"), more)
	}
	return subs, nil
}

// decisions are what choose decided of each submission, for the store.
func decisions(subs []*Submission) map[int64][2]string {
	d := map[int64][2]string{}
	for _, s := range subs {
		switch {
		case s.chosen:
			d[s.submission] = [2]string{store.DecisionAccepted, ""}
		case s.Status == validate.StatusDuplicate || s.Status == validate.StatusWrongYear || s.Status == validate.StatusUnreadable:
			d[s.submission] = [2]string{s.Status, s.Error}
		default:
			d[s.submission] = [2]string{"", s.Error}
		}
	}
	return d
}

// storeRecords reads the schools' records back from the store.
type storeRecords struct {
	ctx context.Context
	st  *store.Store
	p   *formula.Program
}

func (r storeRecords) read(s *Submission, _ *bookRoom) (*record, *report.Book, error) {
	format, data, err := r.st.Record(r.ctx, s.workbook)
	if err != nil {
		return nil, nil, storeErr(r.st, err)
	}
	if format != recordFormat {
		return nil, nil, fmt.Errorf("%s 在库中的记录格式为 %d（应为 %d）", s.File, format, recordFormat)
	}
	var rec record
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&rec); err != nil {
		return nil, nil, fmt.Errorf("%s 在库中的记录无法读取: %w", s.File, err)
	}
	return &rec, bookOf(r.p, &rec), nil
}

// ingest reads, checks and stores the files of this run the store does not
// know, a batch of workbooks per transaction, and returns every file of the
// run as the store knows it.
func ingest(ctx context.Context, p *formula.Program, files []string, opt Options, key string, known map[string]store.Known, prior func(code, year string) int64) ([]received, error) {
	out := make([]received, len(files))
	// one writer stores the batches while the workers read on
	type job struct {
		wbs []*store.Workbook
		at  []int // where each goes in out
	}
	jobs := make(chan job, 1)
	var writeErr error
	written := make(chan struct{})
	go func() {
		defer close(written)
		for j := range jobs {
			if writeErr != nil {
				continue
			}
			if err := opt.Store.AddWorkbooks(ctx, j.wbs); err != nil {
				writeErr = storeErr(opt.Store, fmt.Errorf("保存 %s 等 %d 个文件失败: %w", out[j.at[0]].file, len(j.wbs), err))
				continue
			}
			for i, w := range j.wbs {
				out[j.at[i]].id = w.ID
			}
		}
	}()
	var cur job
	err := eachFile(ctx, files, opt, func(path string) (any, error) {
		sum, size, hashErr := opt.Hash(path)
		// known, and checked against the previous year the store now uses
		if k, ok := known[sum]; ok && hashErr == nil && k.PriorID == prior(k.Code, k.Year) {
			got := received{id: k.ID, year: k.Year}
			if opt.Pipeline.AnnotateDir != "" {
				// annotated copies are asked for every file: a known one is
				// read again for its copy (the store keeps no workbook bytes)
				if err := opt.Pipeline.WriteAnnotated(opt.Pipeline.Check(ctx, path)); err != nil {
					got.annotateErr = err.Error()
				}
			}
			return got, nil
		}
		sub, rec, data, err := oneRecord(ctx, p, path, opt)
		if err != nil {
			return nil, err
		}
		w := workbookOf(p, sub, rec, data)
		w.Fingerprint, w.SpecID, w.Spec, w.Hash, w.Size = key, p.Spec.ID, p.Spec.Version, sum, size
		w.PriorID = prior(w.Code, w.Year)
		if hashErr != nil { // unreadable: stored under its name and error, tried again next time
			w.Hash = "unreadable:" + hashText(display(opt.Roots, path)+"\x00"+hashErr.Error())
			if w.Status != validate.StatusUnreadable {
				w.Status, w.Error = validate.StatusUnreadable, hashErr.Error()
			}
		}
		return readFile{w, sub.AnnotateError}, nil
	}, func(i int, v any) error {
		out[i].file = display(opt.Roots, files[i])
		switch v := v.(type) {
		case received:
			out[i].id, out[i].year, out[i].annotateErr = v.id, v.year, v.annotateErr
		case readFile:
			out[i].read = true
			out[i].year, out[i].annotateErr = v.w.Year, v.annotateErr
			cur.wbs, cur.at = append(cur.wbs, v.w), append(cur.at, i)
			if len(cur.wbs) == storeBatch {
				jobs <- cur
				cur = job{}
			}
		}
		return nil
	})
	if len(cur.wbs) > 0 {
		jobs <- cur
	}
	close(jobs)
	<-written
	if err == nil {
		err = writeErr
	}
	return out, err
}

// priorIDs says which workbook of the previous year a school's workbook of
// a year is checked against (0: none), from the store's accepted ones.
func priorIDs(accepted map[[2]string]int64) func(code, year string) int64 {
	return func(code, year string) int64 {
		prev, ok := report.PreviousYear(year)
		if !ok || code == "" {
			return 0
		}
		return accepted[[2]string{code, prev}]
	}
}

func hashText(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// StoreWorkbook is what the store keeps of a file checked outside a run —
// a web upload of nianbao serve, read and checked there with the school's
// 说明 — exactly as a run over the file would keep it (the same spec key,
// record, values and findings): a run with the store then consolidates it
// without the file. key is its content key in the store (unique per
// upload for serve), size its bytes.
func StoreWorkbook(p *formula.Program, res *validate.Result, key string, size int64) (*store.Workbook, error) {
	sub, rec, data, err := recordOf(p, res)
	if err != nil {
		return nil, err
	}
	w := workbookOf(p, sub, rec, data)
	w.Fingerprint, w.SpecID, w.Spec, w.Hash, w.Size = specKey(p), p.Spec.ID, p.Spec.Version, key, size
	return w, nil
}

// workbookOf is what the store keeps of a file read: the submission, its
// record and every value as 学校数据 shows it.
func workbookOf(p *formula.Program, sub *Submission, rec *record, data []byte) *store.Workbook {
	w := &store.Workbook{Code: sub.Code, Name: sub.Name, Year: sub.Year, FillDate: sub.FillDate,
		Person: sub.Contact.Person, Phone: sub.Contact.Phone, Email: sub.Contact.Email, Version: sub.Version,
		Status: sub.Status, Error: sub.Error, Counts: sub.Counts, ListRows: sub.Rows, RecordFormat: recordFormat, Record: data}
	if rec == nil {
		return w
	}
	w.Findings = rec.Findings
	book := bookOf(p, rec)
	computed, _ := p.ComputeCells(book)
	eachValue(p, book, computed, func(d datum) error {
		a := d.addr
		row := -1
		if a.InRow {
			row = a.Row
		}
		w.Values = append(w.Values, store.Value{Sheet: a.Sheet, Field: a.Field, Col: a.Col, Row: row, Addr: a.String(),
			SheetName: d.sheet.Name, Item: d.item, Column: d.col, Unit: d.unit(), Cell: rec.Cells[a.String()],
			Text: d.v.String(), Number: d.v.Kind == report.Number, Places: places(d), Input: isInput(d)})
		return nil
	})
	return w
}

// places are the decimal places a value of the field is shown with.
func places(d datum) int {
	if d.addr.Col == spec.ColPct {
		return 2
	}
	return max(d.f.Places(), 0)
}

// isInput tells a value the school typed from one computed (a summary row
// under a list is always derived: see spec's checks).
func isInput(d datum) bool {
	return d.f.Input() && d.addr.Col != spec.ColPct && d.addr.Col != report.TotalCol
}

// display is how a file is named in the workbook and the store: relative
// to the folder it was found in (given on the command line), else as given.
func display(roots []string, file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return file
	}
	for _, root := range roots {
		r, err := filepath.Abs(root)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(r, abs); err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(rel)
		}
	}
	return file
}

// storedHistory are the region's figures of every year before year the
// store keeps (none: no 历年 sheet, the same workbook as without a store).
func storedHistory(ctx context.Context, st *store.Store, specID, year string) ([]YearFigures, error) {
	years, err := st.Region(ctx, specID)
	if err != nil {
		return nil, storeErr(st, err)
	}
	var out []YearFigures
	for _, y := range years {
		if y.Year >= year {
			continue
		}
		f := YearFigures{Year: y.Year, Schools: y.Schools, Values: map[report.Addr]report.Value{}}
		for a, text := range y.Values {
			addr, err := report.ParseAddr(a)
			if err != nil {
				return nil, fmt.Errorf("数据库 %s 中 %s 学年的区域数据: %w", st, y.Year, err)
			}
			v := report.Str(text)
			if y.Numbers[a] {
				d, err := decimal.NewFromString(text)
				if err != nil {
					return nil, fmt.Errorf("数据库 %s 中 %s 学年的 %s 不是数: %q", st, y.Year, a, text)
				}
				v = report.Num(d)
			}
			f.Values[addr] = v
		}
		out = append(out, f)
	}
	return out, nil
}

// keepRegion stores this run's region figures as its year's (the year's
// last consolidation is what 历年 shows of it).
func keepRegion(ctx context.Context, st *store.Store, specID string, f YearFigures) error {
	r := store.RegionYear{Year: f.Year, Schools: f.Schools, Values: map[string]string{}, Numbers: map[string]bool{}}
	for a, v := range f.Values {
		r.Values[a.String()] = v.String()
		r.Numbers[a.String()] = v.Kind == report.Number
	}
	if err := st.SetRegion(ctx, specID, r); err != nil {
		return storeErr(st, err)
	}
	return nil
}
