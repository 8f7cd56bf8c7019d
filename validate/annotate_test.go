package validate

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/realclients"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/xuri/excelize/v2"
)

func errorsAndWarnings(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		if f.Severity != Info {
			out = append(out, f.Severity+" "+f.Rule+" "+strings.Join(f.Cells, " "))
		}
	}
	return out
}

// An annotated copy keeps the school's data (it validates the same), marks
// every finding, links each row of 审核结果 to its cell, and a 说明 written
// there on a warning is read back as its explanation.
func TestAnnotatedCopy(t *testing.T) {
	p := program(t)
	s, err := sample.Generate(p, 6, 1)
	if err != nil {
		t.Fatal(err)
	}
	raw, _, err := sample.Inject(p, s, sample.Kinds(), rand.New(rand.NewPCG(6, 1)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := workbook.WriteFilled(p, s.Book, &buf, workbook.FillOptions{Raw: raw}); err != nil {
		t.Fatal(err)
	}
	orig := bytes.Clone(buf.Bytes())
	r, err := reader.ReadBytes(p, "某校.xlsx", buf.Bytes(), reader.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fs := Check(p, r, Options{})
	if len(errorsAndWarnings(fs)) < 5 {
		t.Fatalf("only %d findings", len(fs))
	}
	var out bytes.Buffer
	if err := workbook.WriteAnnotated(buf.Bytes(), LetterOf(p.Spec, r, fs, "zh", "2026-01-05"), &out); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), orig) {
		t.Fatal("writing the copy changed the input's bytes")
	}

	again, err := reader.ReadBytes(p, "某校_审核.xlsx", out.Bytes(), reader.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := errorsAndWarnings(Check(p, again, Options{})), errorsAndWarnings(fs); !slices.Equal(a, b) {
		t.Errorf("the annotated copy validates differently:\n%q\n%q", a, b)
	}

	f, err := excelize.OpenReader(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.GetSheetList()[0] != report.ResultSheet || f.GetActiveSheetIndex() != 0 {
		t.Errorf("审核结果 is not first and active: %v", f.GetSheetList()[:3])
	}
	// a title, the date and counts, what to do, the header, then the findings
	const first = 5
	rows, err := f.GetRows(report.ResultSheet)
	if err != nil || len(rows) != len(fs)+first-1 {
		t.Fatalf("审核结果 has %d rows for %d findings (%v)", len(rows), len(fs), err)
	}
	if !strings.Contains(rows[0][0], "审核结果") || !strings.Contains(rows[1][0], "审核日期：2026-01-05") || !strings.Contains(rows[2][0], "说明") {
		t.Errorf("审核结果 starts %q", rows[:3])
	}
	var warnRow int
	for i, f := range fs {
		row := rows[i+first-1]
		if row[10] != f.Rule {
			t.Errorf("row %d: rule %q, want %q", i+first, row[10], f.Rule)
		}
		if strings.HasPrefix(row[8], "=") {
			t.Errorf("row %d: 应为 %q", i+first, row[8])
		}
		if f.Sheet != "" && f.Rule != RuleFile && row[3] == "" {
			t.Errorf("row %d: no 指标 for %s!%s", i+first, f.Sheet, f.Cell)
		}
		if f.Severity == Warning && warnRow == 0 {
			warnRow = i + first
		}
	}
	if visible, err := f.GetColVisible(report.ResultSheet, "K"); err != nil || visible {
		t.Errorf("the rule column is visible (%v)", err)
	}
	for _, fd := range fs {
		if fd.Sheet == "" {
			continue
		}
		comments, err := f.GetComments(fd.Sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(comments, func(c excelize.Comment) bool {
			return c.Cell == fd.Cell && strings.Contains(c.Text+paragraphs(c), fd.Message)
		}) {
			t.Errorf("no comment with %q at %s!%s", fd.Message, fd.Sheet, fd.Cell)
		}
	}

	// the school explains a warning in the copy and sends it back
	if warnRow == 0 {
		t.Fatal("no warning to explain")
	}
	if err := f.SetCellValue(report.ResultSheet, "J"+itoa(warnRow), "经核实数据无误"); err != nil {
		t.Fatal(err)
	}
	var back bytes.Buffer
	if _, err := f.WriteTo(&back); err != nil {
		t.Fatal(err)
	}
	rb, err := reader.ReadBytes(p, "某校_审核.xlsx", back.Bytes(), reader.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	explained := 0
	for _, fd := range Check(p, rb, Options{}) {
		if fd.Explained {
			explained++
			if fd.Severity != Warning || fd.Explanation != "经核实数据无误" {
				t.Errorf("explained: %+v", fd)
			}
		}
	}
	if explained != 1 {
		t.Errorf("%d findings explained, want 1", explained)
	}

	// LibreOffice opens, recalculates and saves the copy; openpyxl then sees
	// every comment and link
	realclients.PythonUno(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "某校_审核.xlsx")
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	saved := realclients.Convert(t, path, filepath.Join(dir, "lo"))
	var seen struct {
		Sheets   []string
		Active   string
		Comments []struct{ Sheet, Cell, Text string }
		Results  []struct{ Rule, Cell, Link string }
	}
	if err := json.Unmarshal(realclients.RunPython(t, "testdata/comments.py", saved), &seen); err != nil {
		t.Fatal(err)
	}
	if seen.Active != report.ResultSheet || len(seen.Results) != len(fs) {
		t.Errorf("after LibreOffice: active %s, %d result rows for %d findings", seen.Active, len(seen.Results), len(fs))
	}
	for i, res := range seen.Results {
		if fs[i].Sheet != "" && !strings.HasSuffix(res.Link, "!"+fs[i].Cell) {
			t.Errorf("result row %d links to %q, want %s!%s", i+first, res.Link, fs[i].Sheet, fs[i].Cell)
		}
	}
	for _, fd := range fs {
		if fd.Sheet != "" && !slices.ContainsFunc(seen.Comments, func(c struct{ Sheet, Cell, Text string }) bool {
			return c.Sheet == fd.Sheet && c.Cell == fd.Cell && strings.Contains(c.Text, fd.Message)
		}) {
			t.Errorf("after LibreOffice, no comment at %s!%s", fd.Sheet, fd.Cell)
		}
	}
	data, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	lo, err := reader.ReadBytes(p, "lo.xlsx", data, reader.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := errorsAndWarnings(Check(p, lo, Options{})), errorsAndWarnings(fs); !slices.Equal(a, b) {
		t.Errorf("saved by LibreOffice, the copy validates differently:\n%q\n%q", a, b)
	}
}

func paragraphs(c excelize.Comment) string {
	var b strings.Builder
	for _, p := range c.Paragraph {
		b.WriteString(p.Text)
	}
	return b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }
