package consolidate

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/consolidate/summary"
	"github.com/shopspring/decimal"
)

// Every number of 报告摘要 is the 汇总 cell it cites (as the report prints it),
// and every sentence of the spec is there, written or with why not.
func TestDigestCitesRegion(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	corpus(t, p, dir, 5, 12)
	out := filepath.Join(t.TempDir(), "汇总.xlsx")
	run(t, p, files(t, dir), Options{}, out)
	region := rows(t, out, SheetRegion)
	sentences, err := summary.Parse(rows(t, out, SheetDigest))
	if err != nil {
		t.Fatal(err)
	}
	if len(sentences) != len(p.Spec.Sentences) {
		t.Fatalf("%d sentences, want %d", len(sentences), len(p.Spec.Sentences))
	}
	cellRef := regexp.MustCompile(`^汇总!([A-Z]+)(\d+)$`)
	written := 0
	for _, s := range sentences {
		if s.Text == "" {
			t.Logf("%s: %s", s.Heading, s.Missing)
			continue
		}
		written++
		if len(s.Cites) == 0 {
			t.Errorf("%s cites nothing", s.Heading)
		}
		for _, c := range s.Cites {
			m := cellRef.FindStringSubmatch(c)
			if m == nil {
				t.Fatalf("%s cites %q", s.Heading, c)
			}
			row, _ := strconv.Atoi(m[2])
			col := int(m[1][0] - 'A')
			if row > len(region) || col >= len(region[row-1]) || region[row-1][col] == "" {
				t.Errorf("%s cites %s, which is empty", s.Heading, c)
				continue
			}
			v := decimal.RequireFromString(region[row-1][col])
			if m[1] == "C" { // 上学年: shown through the change from it to 本学年 (column D)
				cur := decimal.RequireFromString(region[row-1][3])
				if !showsChange(s.Text, v, cur) {
					t.Errorf("%s: %q shows no change from %s = %s to %s", s.Heading, s.Text, c, v, cur)
				}
				continue
			}
			if !showsNumber(s.Text, v) {
				t.Errorf("%s: %q does not show %s = %s", s.Heading, s.Text, c, v)
			}
		}
	}
	if written == 0 {
		t.Fatal("no sentence could be written: the test shows nothing")
	}
}

// showsNumber says whether text shows v with some number of decimals and
// thousands separators, as a report prints it.
func showsNumber(text string, v decimal.Decimal) bool {
	for places := int32(0); places <= 4; places++ {
		if strings.Contains(text, group(v.StringFixed(places))) {
			return true
		}
	}
	return false
}

// showsChange says whether text shows the change from prev to cur: as a
// percentage of prev, in percentage points, or as a difference.
func showsChange(text string, prev, cur decimal.Decimal) bool {
	diff := cur.Sub(prev)
	if diff.IsZero() {
		return strings.Contains(text, "持平")
	}
	if !prev.IsZero() && strings.Contains(text, diff.Abs().Mul(decimal.NewFromInt(100)).Div(prev.Abs()).Round(1).StringFixed(1)+"%") {
		return true
	}
	return showsNumber(text, diff.Abs())
}

// group puts thousands separators into a decimal's text.
func group(s string) string {
	whole, frac, ok := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 && c != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if ok {
		return b.String() + "." + frac
	}
	return b.String()
}
