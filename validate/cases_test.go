package validate

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/rogpeppe/go-internal/txtar"
	"github.com/shopspring/decimal"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/cases")

// TestCases runs testdata/cases/*.txtar: each takes a generated school (on
// which every rule is silent), changes some cells as a person would, and
// wants exactly the findings listed. Edits name cells by key:
//
//	students.male.cur += 7          add to the number there
//	students.male.cur = 100         a number; "text" a text; empty: nothing
//	students.male.cur text          the same number, typed as text
//	majors.total.cur_students paste the computed value typed over the formula
//	moral_courses[*].weeks = 1      every data row of a list
//	情况说明!D3 = "…"                a cell by address
//
// go test ./validate -update rewrites the want sections; read the diff.
func TestCases(t *testing.T) {
	p := program(t)
	files, _ := filepath.Glob("testdata/cases/*.txtar")
	if len(files) < 50 {
		t.Fatalf("only %d cases", len(files))
	}
	covered := map[string]bool{}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var edits, want []byte
			for _, f := range ar.Files {
				switch f.Name {
				case "edits":
					edits = f.Data
				case "want":
					want = f.Data
				}
			}
			got := runCase(t, p, string(edits))
			for _, line := range strings.Split(got, "\n") {
				if fields := strings.Fields(line); len(fields) > 1 {
					covered[fields[1]] = true
				}
			}
			if *update {
				for i := range ar.Files {
					if ar.Files[i].Name == "want" {
						ar.Files[i].Data = []byte(got)
					}
				}
				if want == nil {
					ar.Files = append(ar.Files, txtar.File{Name: "want", Data: []byte(got)})
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(want) {
				t.Errorf("findings differ (go test ./validate -update rewrites them)\n--- got\n%s--- want\n%s", got, want)
			}
		})
	}
	if t.Failed() || *update {
		return
	}
	// every check of the spec, and every rule of the validator, fires in some case
	for _, sh := range p.Spec.Sheets {
		for _, c := range sh.Checks {
			if !covered[c.ID] {
				t.Errorf("no case makes %s fire", c.ID)
			}
		}
	}
	for _, r := range []string{RuleUnreadable, RuleRequired, RuleRange, RuleEnum, RulePattern, RuleCatalogue, RuleComputed, RuleOverwritten, RuleNormalised} {
		if !covered[r] {
			t.Errorf("no case makes the %s rule fire", r)
		}
	}
}

// The school the cases start from has no finding at all: every rule is
// silent on right values.
func TestCaseBaseIsClean(t *testing.T) {
	if got := runCase(t, program(t), ""); got != "" {
		t.Errorf("findings on the unedited school:\n%s", got)
	}
}

var editLine = regexp.MustCompile(`^(\S+)\s+(\+=|=|text|paste)\s*(.*)$`)

// runCase applies the edits to school 0 of seed 1 and returns its findings,
// one line each.
func runCase(t *testing.T, p *formula.Program, edits string) string {
	t.Helper()
	s, err := sample.Generate(p, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	computed := p.Compute(s.Book)
	var raw []workbook.RawCell
	for _, line := range strings.Split(edits, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := editLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("bad edit %q", line)
		}
		if sheet, cell, ok := strings.Cut(m[1], "!"); ok { // a cell outside the report's tables
			raw = append(raw, workbook.RawCell{Sheet: sheet, Cell: cell, Value: literal(m[3])})
			continue
		}
		for _, key := range expandKey(s.Book, m[1]) {
			sheet, k, row := parseKey(t, key)
			name, cell, err := layout.CellOf(p, 0, sheet, k, row)
			if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			old := valueAt(s.Book, computed, sheet, k, row)
			var v any
			switch m[2] {
			case "+=":
				v = old.Num.Add(decimal.RequireFromString(m[3]))
			case "text":
				v = old.String()
			case "paste":
				v = old.Num
			default:
				v = literal(m[3])
			}
			raw = append(raw, workbook.RawCell{Sheet: name, Cell: cell, Value: v})
		}
	}
	var buf bytes.Buffer
	if err := workbook.WriteFilled(p, s.Book, &buf, workbook.FillOptions{Raw: raw}); err != nil {
		t.Fatal(err)
	}
	r, err := reader.ReadBytes(p, "case.xlsx", buf.Bytes(), reader.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range Check(p, r, Options{}) {
		fmt.Fprintf(&b, "%s %s %s | %s", f.Severity, f.Rule, strings.Join(f.Cells, " "), f.Message)
		if f.Explained {
			fmt.Fprintf(&b, " [已说明：%s]", f.Explanation)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func literal(s string) any {
	switch {
	case s == "empty":
		return nil
	case strings.HasPrefix(s, `"`):
		u, err := strconv.Unquote(s)
		if err != nil {
			return s
		}
		return u
	}
	if d, err := decimal.NewFromString(s); err == nil {
		return d
	}
	return s
}

// expandKey turns sheet[*].field into one key per data row.
func expandKey(b *report.Book, key string) []string {
	sheet, rest, ok := strings.Cut(key, "[*]")
	if !ok {
		return []string{key}
	}
	var out []string
	for i := range b.Rows(sheet) {
		out = append(out, fmt.Sprintf("%s[%d]%s", sheet, i, rest))
	}
	return out
}

// parseKey reads sheet.field.col, sheet.field, sheet[i].field, sheet.total.field.
func parseKey(t *testing.T, key string) (sheet string, k report.Key, row int) {
	parts := strings.Split(key, ".")
	sheet = parts[0]
	if i := strings.IndexByte(sheet, '['); i > 0 {
		n, err := strconv.Atoi(strings.TrimSuffix(sheet[i+1:], "]"))
		if err != nil || len(parts) != 2 {
			t.Fatalf("bad key %q", key)
		}
		return sheet[:i], report.Key{Field: parts[1]}, n
	}
	switch {
	case len(parts) == 3 && parts[1] == report.TotalCol:
		return sheet, report.Key{Field: parts[2], Col: report.TotalCol}, 0
	case len(parts) == 3:
		return sheet, report.Key{Field: parts[1], Col: parts[2]}, -1
	case len(parts) == 2:
		return sheet, report.Key{Field: parts[1]}, -1
	}
	t.Fatalf("bad key %q", key)
	return
}

// valueAt is the value of a cell: an input of the book, or a computed one.
func valueAt(b, computed *report.Book, sheet string, k report.Key, row int) report.Value {
	if row >= 0 && k.Col == "" {
		if rows := b.Rows(sheet); row < len(rows) {
			if v, ok := rows[row][k.Field]; ok {
				return v
			}
		}
		if rows := computed.Rows(sheet); row < len(rows) {
			return rows[row][k.Field]
		}
		return report.Value{}
	}
	if v := b.Get(sheet, k); !v.IsEmpty() {
		return v
	}
	return computed.Get(sheet, k)
}
