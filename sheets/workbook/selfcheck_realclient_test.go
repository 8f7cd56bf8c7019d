package workbook_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/internal/realclients"
	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/validate"
	"github.com/xuri/excelize/v2"
)

// TestSelfCheckAgreesWithValidate writes sample schools with injected
// mistakes of every kind (one kind per school, then three at once, and clean
// schools), has LibreOffice open, recalculate and save them, and compares the
// 自查 sheet with validate: every check validate reports as failed shows
// 未通过 as many times as validate reports it (per year, per list row), and
// no other check does.
func TestSelfCheckAgreesWithValidate(t *testing.T) {
	if !realclients.Required() {
		t.Skip("skipped: set NIANBAO_REAL_CLIENTS=1 to run it (LibreOffice recalculates sample workbooks, ~1 minute)")
	}
	realclients.Soffice(t)
	p := testkit.DefaultProgram(t)
	dir := t.TempDir()
	var plans [][]string
	for _, k := range sample.Kinds() {
		plans = append(plans, []string{k}, []string{k})
	}
	plans = append(plans, sample.Kinds()[:3], sample.Kinds()[3:6], sample.Kinds()[6:], nil, nil)
	var files []string
	want := map[string]map[string]int{} // file → rule → failures validate reports
	injected := map[string]bool{}
	for i, kinds := range plans {
		s, err := sample.Generate(p, 41, i)
		if err != nil {
			t.Fatal(err)
		}
		var raw []workbook.RawCell
		if kinds != nil {
			var ms []sample.Mistake
			raw, ms, err = sample.Inject(p, s, kinds, rand.New(rand.NewPCG(uint64(i), 3)))
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				injected[m.Kind] = true
			}
		}
		var buf bytes.Buffer
		if err := workbook.WriteFilled(p, s.Book, &buf, workbook.FillOptions{Raw: raw}); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, fmt.Sprintf("s%02d.xlsx", i))
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
		r, err := reader.ReadBytes(p, filepath.Base(path), buf.Bytes(), reader.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		fails := map[string]int{}
		for _, f := range validate.Check(p, r, validate.Options{}) {
			if isCheck(p, f.Rule) {
				fails[f.Rule]++
			}
		}
		want[path] = fails
	}
	for _, k := range sample.Kinds() {
		if !injected[k] {
			t.Errorf("no mistake of kind %s was injected", k)
		}
	}
	rows := workbook.SelfCheckRows(p, 0)
	saved := realclients.ConvertAll(t, files, filepath.Join(dir, "lo"))
	failing := 0
	for i, path := range saved {
		got, statuses := selfCheckFailures(t, path, rows)
		w := want[files[i]]
		failing += len(w)
		for _, rule := range union(got, w) {
			if got[rule] != w[rule] {
				t.Errorf("%s (%v): %s: 自查 shows 未通过 %d times, validate reports %d", filepath.Base(files[i]), plans[i], rule, got[rule], w[rule])
			}
		}
		if statuses[formula.StatusPass] == 0 {
			t.Errorf("%s: no check shows 通过: %v", filepath.Base(files[i]), statuses)
		}
		t.Logf("%s %v: %v", filepath.Base(files[i]), plans[i], statuses)
	}
	if failing == 0 {
		t.Fatal("validate reports no failed check: the mistakes do not exercise 自查")
	}
}

// selfCheckFailures reads the 自查 sheet's cached results: how often each
// rule shows 未通过, and how many rows show each status.
func selfCheckFailures(t *testing.T, path string, rows []workbook.SelfCheckRow) (map[string]int, map[string]int) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fails, statuses := map[string]int{}, map[string]int{}
	for _, r := range rows {
		v, err := f.GetCellValue(report.SelfCheckSheet, fmt.Sprintf("F%d", r.Row))
		if err != nil {
			t.Fatal(err)
		}
		statuses[v]++
		if v == formula.StatusFail {
			fails[r.Rule]++
		}
	}
	return fails, statuses
}

func isCheck(p *formula.Program, rule string) bool {
	for _, sh := range p.Spec.Sheets {
		for _, c := range sh.Checks {
			if c.ID == rule {
				return true
			}
		}
	}
	return false
}

func union(a, b map[string]int) []string {
	var out []string
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
