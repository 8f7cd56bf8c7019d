package serve

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nianbao/nianbao/consolidate"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/store"
	"github.com/nianbao/nianbao/validate"
)

// checked is what validation made of one file of a school.
type checked struct {
	Status   string
	Counts   validate.Counts
	Error    string
	Findings []Finding
	Code     string // 学校标识码 read from the workbook
	Year     string
	Person   string
	Phone    string
	xlsx     []byte        // the workbook as .xlsx, for the annotated copy
	letter   report.Letter // what the annotated copy says
	res      *validate.Result
}

// stored is what the store keeps of a checked upload (its content key is
// set by the Store), and the 学年 it is filed under there: the year
// collected, else the one it reports; nil when it has none (an unreadable
// upload without Config.Year), and serve alone keeps it.
func (s *Server) stored(c *checked, size int64) (*store.Workbook, string, error) {
	year := s.cfg.Year
	if year == "" {
		year = c.Year
	}
	if year == "" {
		return nil, "", nil
	}
	w, err := consolidate.StoreWorkbook(s.cfg.Program, c.res, "", size)
	return w, year, err
}

// check reads and validates a school's file with the school's 说明, in one
// of the pool's slots (a burst of uploads waits for a slot rather than
// reading all at once). name is the file's name as the school gave it: it
// stands for the server's own temporary path in any message.
func (s *Server) check(ctx context.Context, code string, data []byte, ext, name string) (*checked, error) {
	select {
	case s.pool <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.pool }()
	expl, err := s.cfg.Store.Explanations(ctx, code)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "serve-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "upload"+ext) // a name the server makes, never the school's
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return nil, err
	}
	r, xlsx, err := s.cfg.Read(ctx, path)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		msg := strings.ReplaceAll(err.Error(), path, name)
		msg = strings.ReplaceAll(msg, dir+string(filepath.Separator), "")
		msg = strings.ReplaceAll(msg, dir, "")
		return &checked{Status: validate.StatusUnreadable, Error: msg, Findings: []Finding{},
			res: &validate.Result{File: name, Status: validate.StatusUnreadable, Error: msg}}, nil
	}
	addExplanations(r, expl)
	p := s.cfg.Program
	school, year := roleValue(s, r, "school_code"), roleValue(s, r, "school_year")
	prior, err := s.prior(ctx, school, year)
	if err != nil {
		return nil, err
	}
	fs := validate.Check(p, r, validate.Options{Lang: "zh", Prior: prior})
	c := &checked{Counts: validate.Count(fs), xlsx: xlsx,
		letter: validate.LetterOf(p.Spec, r, fs, "zh", time.Now().Format("2006-01-02")),
		Code:   school, Year: year,
		Person: roleValue(s, r, "contact_person"), Phone: roleValue(s, r, "contact_phone")}
	c.Status = validate.Status(c.Counts)
	c.res = &validate.Result{File: name, Report: r, Findings: fs, Counts: c.Counts, Status: c.Status}
	c.Findings = make([]Finding, len(fs))
	for i, f := range fs {
		c.Findings[i] = Finding{Finding: f}
		if i < len(c.letter.Marks) {
			c.Findings[i].Row, c.Findings[i].Column = c.letter.Marks[i].Row, c.letter.Marks[i].Column
		}
	}
	return c, nil
}

// addExplanations gives a report a school's 说明.
func addExplanations(r *report.Report, expl []Explanation) {
	for _, e := range expl {
		r.Explanations = append(r.Explanations, report.Explanation{Rule: e.Rule, Sheet: e.Sheet, Cell: e.Cell, Text: e.Text})
	}
}

// everySchool is the bureau's list, each school's submissions newest first
// and the locks by school code.
func (s *Server) everySchool(ctx context.Context) ([]School, map[string][]*Submission, map[string]int64, error) {
	list, err := s.cfg.Store.Schools(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	subs, err := s.cfg.Store.Submissions(ctx, "")
	if err != nil {
		return nil, nil, nil, err
	}
	locks, err := s.cfg.Store.Locks(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	bySchool := map[string][]*Submission{}
	for _, sub := range subs {
		bySchool[sub.School] = append(bySchool[sub.School], sub)
	}
	return list, bySchool, locks, nil
}

// roleValue is the value read for the record field with a role.
func roleValue(s *Server, r *report.Report, role string) string {
	sh, f := s.cfg.Program.Spec.Role(role)
	if f == nil {
		return ""
	}
	return r.Book.Get(sh.Key, report.Key{Field: f.Key}).String()
}

// schoolSubs are a school's submissions newest first, the one the bureau
// uses (nil when none) and whether the school is locked.
func (s *Server) schoolSubs(ctx context.Context, code string) (subs []*Submission, used *Submission, locked bool, err error) {
	if subs, err = s.cfg.Store.Submissions(ctx, code); err != nil {
		return nil, nil, false, err
	}
	locks, err := s.cfg.Store.Locks(ctx)
	if err != nil {
		return nil, nil, false, err
	}
	return subs, s.used(subs, locks[code]), locks[code] != 0, nil
}

// used is the submission the bureau uses for a school, from its
// submissions newest first: the locked one, else the newest readable one
// of the year collected; nil when there is none.
func (s *Server) used(subs []*Submission, locked int64) *Submission {
	return pickUsed(subs, locked, s.cfg.Year)
}

// pickUsed is the rule of used, for the year collected (any when ""): the
// store's accepted upload of a school's year is decided by it too.
func pickUsed(subs []*Submission, locked int64, year string) *Submission {
	for _, sub := range subs {
		if locked != 0 {
			if sub.ID == locked {
				return sub
			}
			continue
		}
		if sub.Status != validate.StatusUnreadable && (year == "" || sub.Year == year) {
			return sub
		}
	}
	return nil
}
