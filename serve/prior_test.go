package serve

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/spec"
	"github.com/nianbao/nianbao/validate"
	"github.com/shopspring/decimal"
)

// asLastYear is what a store gives for a generated school whose last
// year's 本学年 is this year's 上学年; bump, when set, is one value made
// one more.
func asLastYear(p *spec.Spec, s *sample.School, bump bool) (*report.PriorYear, report.Addr) {
	py := &report.PriorYear{Year: "2024-2025", File: "去年.xlsx", Values: map[report.Addr]report.Value{}}
	var bumped report.Addr
	for _, sh := range p.Sheets {
		if sh.Kind != spec.KindIndicator {
			continue
		}
		for _, f := range sh.Rows {
			v := s.Book.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColPrev})
			if !f.Input() || v.IsEmpty() {
				continue
			}
			a := report.ColAddr(sh.Key, f.Key, spec.ColCur)
			if v.Kind == report.Number && bump && bumped == (report.Addr{}) {
				v, bumped = report.Num(v.Num.Add(decimal.NewFromInt(1))), report.ColAddr(sh.Key, f.Key, spec.ColPrev)
			}
			py.Values[a] = v
		}
	}
	return py, bumped
}

// TestPriorYear: with last year's figures the school's template has them as
// 上学年, and an upload whose 上学年 differs gets the cross-year warning.
func TestPriorYear(t *testing.T) {
	var prior *report.PriorYear
	e := newEnv(t, 1, func(c *Config) {
		c.Prior = func(_ context.Context, code, year string) (*report.PriorYear, error) {
			if code != "4141000001" || year != sample.SchoolYear {
				return nil, nil
			}
			return prior, nil
		}
	})
	s := e.schools[0]
	prior, _ = asLastYear(e.prog.Spec, s, false)
	// the template
	c := e.client()
	tok := e.tokens[s.Code]
	resp, err := c.Get(e.ts.URL + "/s/" + tok + "/template.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	tpl, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	path := filepath.Join(t.TempDir(), "模板.xlsx")
	os.WriteFile(path, tpl, 0o644)
	r, _, err := testReader(e.prog)(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for a, v := range prior.Values {
		got := r.Book.Get(a.Sheet, report.Key{Field: a.Field, Col: spec.ColPrev})
		if got.String() != v.String() {
			t.Errorf("the template's 上学年 of %s.%s: %q, want last year's %q", a.Sheet, a.Field, got.String(), v.String())
		}
		n++
	}
	if n == 0 {
		t.Fatal("no value of last year")
	}
	// a clean upload agrees with last year
	e.submit(0, 0)
	subs, _ := e.store.Submissions(context.Background(), s.Code)
	if subs[0].Status != validate.StatusPassed {
		t.Errorf("a school whose 上学年 is last year's: %s", subs[0].Status)
	}
	// last year said one more somewhere: a cross-year warning
	var bumped report.Addr
	prior, bumped = asLastYear(e.prog.Spec, s, true)
	e.submit(0, 0)
	subs, _ = e.store.Submissions(context.Background(), s.Code)
	sub, _ := e.store.Submission(context.Background(), subs[0].ID)
	found := false
	for _, f := range sub.Findings {
		found = found || f.Rule == validate.RuleCrossYear
	}
	if !found || sub.Status != validate.StatusWarnings {
		t.Errorf("last year's %v differs: %s, findings %+v", bumped, sub.Status, sub.Findings)
	}
}
