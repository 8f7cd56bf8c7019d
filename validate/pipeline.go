package validate

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/outfile"
	"github.com/nianbao/nianbao/report"
)

// Statuses of a returned file, as keys; StatusText gives them in words. The
// first four are a file's own (Status); the last three are what a
// consolidation says of a file among others.
const (
	StatusPassed     = "passed"     // no error, every warning explained
	StatusWarnings   = "warnings"   // no error, a warning without 说明
	StatusErrors     = "errors"     // at least one error
	StatusUnreadable = "unreadable" // the file could not be read
	StatusMissing    = "missing"    // a school of the list sent no file
	StatusDuplicate  = "duplicate"  // another file of the same school was used
	StatusWrongYear  = "wrong_year" // a file of another school year
)

var statusWords = map[string][2]string{ // zh, en
	StatusPassed:     {"通过", "passed"},
	StatusWarnings:   {"有警告", "warnings"},
	StatusErrors:     {"有错误", "errors"},
	StatusUnreadable: {"无法读取", "unreadable"},
	StatusMissing:    {"未提交", "missing"},
	StatusDuplicate:  {"重复（未采用）", "duplicate (not used)"},
	StatusWrongYear:  {"学年不符", "wrong school year"},
}

// StatusText is a status in the user's language (zh, or en).
func StatusText(status, lang string) string {
	w, ok := statusWords[status]
	if !ok {
		return status
	}
	if lang == "en" {
		return w[1]
	}
	return w[0]
}

// Status is the status of a readable file with these counts.
func Status(c Counts) string {
	switch {
	case c.Errors > 0:
		return StatusErrors
	case c.Warnings > c.Explained:
		return StatusWarnings
	}
	return StatusPassed
}

// ReadFunc reads a file into a report and returns the file's .xlsx bytes
// with it (package sheets/reader does it; its error is the message shown).
type ReadFunc func(ctx context.Context, path string) (*report.Report, []byte, error)

// AnnotateFunc writes the annotated copy of a workbook's .xlsx bytes: the
// marks' cells coloured and commented, and the letter as a sheet of findings
// (package sheets/workbook does it).
type AnnotateFunc func(data []byte, l report.Letter, w io.Writer) error

// Pipeline is the per-file step that the validate command and a
// consolidation share: read → check → count → status → annotated copy.
// Reading and writing workbooks are given to it, so this package stays free
// of excelize.
type Pipeline struct {
	Program *formula.Program
	Read    ReadFunc
	Lang    string // zh (default) or en findings
	// AnnotateDir, when set, is where each file's annotated copy is written
	// (NAME_审核.xlsx) by Annotate; Force overwrites an existing copy.
	AnnotateDir string
	Annotate    AnnotateFunc
	Force       bool
	// Date is the 审核日期 the copies show (2026-01-05); "" is today.
	Date string
	// Prior, when set, gives what the school of a report sent the year
	// before, for the cross-year check (Options.Prior); nil and no error:
	// nothing to compare with. It is called after reading, before checking.
	// An error is not a skip: the file gets a warning (RulePriorYear) that
	// says the check was not made and why.
	Prior func(ctx context.Context, r *report.Report) (*report.PriorYear, error)

	// Release, when set, is given the .xlsx bytes Read returned once the
	// step is done with them (intake.Release: the next file may be read
	// into them).
	Release func(data []byte)

	copyNames map[string]string // file → its copy's name, set by NameCopies
}

// NameCopies gives every file of a run the name of its annotated copy before
// any is written, so that two schools' files of the same name (年报.xlsx
// from two sub-folders) never share a copy: see CopyNames.
func (p *Pipeline) NameCopies(files []string) { p.copyNames = CopyNames(files) }

// CopyNames names the annotated copy of each file, the same for the same
// files in any order: NAME_审核.xlsx, and where several files have one NAME,
// their folders' names in front (甲_年报_审核.xlsx, 乙_年报_审核.xlsx) until
// they differ, then the extension, then a number.
func CopyNames(files []string) map[string]string {
	sorted := append([]string(nil), files...)
	sort.Strings(sorted)
	stem := func(f string) string { return strings.TrimSuffix(filepath.Base(f), filepath.Ext(f)) }
	groups := map[string][]string{}
	for _, f := range sorted {
		k := strings.ToLower(stem(f))
		groups[k] = append(groups[k], f)
	}
	name := map[string]string{}
	for _, g := range groups {
		if len(g) == 1 {
			name[g[0]] = stem(g[0])
			continue
		}
		// each file takes one more folder (then its extension) while its
		// name is another's
		dirs, depth, ext := map[string][]string{}, map[string]int{}, map[string]bool{}
		for _, f := range g {
			d := strings.FieldsFunc(filepath.ToSlash(filepath.Dir(filepath.Clean(f))), func(r rune) bool { return r == '/' })
			dirs[f] = slices.DeleteFunc(d, func(s string) bool { return s == "." || s == ".." || strings.HasSuffix(s, ":") })
			depth[f] = min(1, len(dirs[f]))
		}
		for changed := true; changed; {
			changed = false
			holders := map[string][]string{}
			for _, f := range g {
				d := dirs[f]
				n := strings.Join(append(slices.Clone(d[len(d)-depth[f]:]), stem(f)), "_")
				if ext[f] {
					n += "_" + strings.TrimPrefix(strings.ToLower(filepath.Ext(f)), ".")
				}
				name[f] = n
				holders[strings.ToLower(n)] = append(holders[strings.ToLower(n)], f)
			}
			for _, fs := range holders {
				if len(fs) < 2 {
					continue
				}
				for _, f := range fs {
					switch {
					case depth[f] < len(dirs[f]):
						depth[f]++
						changed = true
					case !ext[f]:
						ext[f] = true
						changed = true
					}
				}
			}
		}
	}
	out := make(map[string]string, len(sorted))
	used := map[string]bool{}
	for _, f := range sorted {
		n := name[f]
		for i := 2; used[strings.ToLower(n)]; i++ {
			n = fmt.Sprintf("%s_%d", name[f], i)
		}
		used[strings.ToLower(n)] = true
		out[f] = n + "_审核.xlsx"
	}
	return out
}

// Result is what the pipeline made of one file.
type Result struct {
	File   string
	Report *report.Report // nil when the file could not be read
	Error  string         // why it could not be read
	// Findings are sorted by sheet and cell (empty, never nil, when read).
	Findings []Finding
	Counts   Counts
	Status   string // one of the Status… keys
	// Annotated is the path of the annotated copy, when one was written.
	Annotated string

	data []byte // the .xlsx bytes, until the copy is written
}

// File runs the whole step on one file. An unreadable file is a Result
// with StatusUnreadable, not an error: the error is a failure to write the
// annotated copy.
func (p *Pipeline) File(ctx context.Context, path string) (*Result, error) {
	res := p.Check(ctx, path)
	return res, p.WriteAnnotated(res)
}

// Check reads and checks one file: File without the annotated copy, for a
// caller that decides first whether the file is to be annotated.
func (p *Pipeline) Check(ctx context.Context, path string) *Result {
	res := &Result{File: path}
	r, data, err := p.Read(ctx, path)
	if err != nil {
		res.Status, res.Error = StatusUnreadable, err.Error()
		return res
	}
	res.Report = r
	opt := Options{Lang: p.Lang}
	var priorErr error
	if p.Prior != nil {
		opt.Prior, priorErr = p.Prior(ctx, r)
	}
	res.Findings = Check(p.Program, r, opt)
	if priorErr != nil {
		res.Findings = append(res.Findings, priorFinding(priorErr, p.Lang))
		sortFindings(res.Findings, r)
	}
	res.Counts = Count(res.Findings)
	res.Status = Status(res.Counts)
	if p.AnnotateDir != "" {
		res.data = data
	} else {
		p.release(data)
	}
	return res
}

// release gives the bytes of a file back (Release), when there are.
func (p *Pipeline) release(data []byte) {
	if p.Release != nil && data != nil {
		p.Release(data)
	}
}

// WriteAnnotated writes the annotated copy of a checked file into
// AnnotateDir, when set and the file was read; the workbook's bytes are let
// go of either way. The input file is never written to.
func (p *Pipeline) WriteAnnotated(res *Result) error {
	data := res.data
	res.data = nil
	defer p.release(data)
	if p.AnnotateDir == "" || res.Report == nil {
		return nil
	}
	if err := os.MkdirAll(p.AnnotateDir, 0o755); err != nil {
		return fmt.Errorf("无法创建文件夹 %s: %w", p.AnnotateDir, err)
	}
	date := p.Date
	if date == "" {
		date = time.Now().Format("2006-01-02")
	}
	letter := LetterOf(p.Program.Spec, res.Report, res.Findings, p.Lang, date)
	name := p.copyNames[res.File]
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(res.File), filepath.Ext(res.File)) + "_审核.xlsx"
	}
	out := filepath.Join(p.AnnotateDir, name)
	if err := outfile.Write(out, p.Force, func(w io.Writer) error { return p.Annotate(data, letter, w) }); err != nil {
		return fmt.Errorf("%s：批注副本未写出：%w", res.File, err)
	}
	res.Annotated = out
	return nil
}

// priorFinding is the warning of a file whose last year's data could not be
// had: the cross-year check was not made.
func priorFinding(err error, lang string) Finding {
	msg := fmt.Sprintf("未做跨学年核对：无法取得该校上一学年报送的数据（%v）", err)
	if lang == "en" {
		msg = fmt.Sprintf("the cross-year check was not made: the school's data of the year before could not be had (%v)", err)
	}
	return Finding{Severity: Warning, Rule: RulePriorYear, Cells: []string{}, Values: []Value{}, Message: msg}
}
