package consolidate

import (
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"
)

// Every indicator table school by school holds, for each school, row and
// year, the value 学校数据 (checked against the reader) has for it.
func TestWideSheets(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 11, 6)
	out := filepath.Join(t.TempDir(), "汇总.xlsx")
	run(t, p, files(t, dir), Options{}, out)
	// 学校数据: 学校标识码, 学校名称, 表, 指标, 列, 值, …
	long := map[[4]string]string{}
	for _, r := range rows(t, out, SheetSchoolData)[1:] {
		if len(r) > 5 {
			long[[4]string{r[0], r[2], r[3], r[4]}] = r[5]
		}
	}
	compared := 0
	for _, sh := range indicatorSheets(p.Spec) {
		got := rows(t, out, wideName(sh))
		if len(got) != 2+6 {
			t.Fatalf("%s: %d rows, want 2 header rows and 6 schools", wideName(sh), len(got))
		}
		if got[0][2] != p.Spec.Columns.Cur || got[0][2+len(sh.Rows)] != p.Spec.Columns.Prev {
			t.Errorf("%s: blocks %v", wideName(sh), got[0])
		}
		for _, r := range got[2:] {
			for c, year := range []string{p.Spec.Columns.Cur, p.Spec.Columns.Prev} {
				for j, f := range sh.Rows {
					i := 2 + c*len(sh.Rows) + j
					cell := ""
					if i < len(r) {
						cell = r[i]
					}
					want := long[[4]string{r[0], sh.Name, f.Label, year}]
					if cell == "" && want == "" {
						continue
					}
					if cell == "" || want == "" || !decimal.RequireFromString(cell).Equal(decimal.RequireFromString(want)) {
						t.Errorf("%s %s %s %s: %q, 学校数据 has %q", wideName(sh), r[0], f.Label, year, cell, want)
						continue
					}
					compared++
				}
			}
		}
	}
	if compared < 500 {
		t.Fatalf("only %d values compared", compared)
	}
}
