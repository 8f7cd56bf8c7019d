package templates

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/spec"
)

// The inventory of the report tables (a copy of shared/report-tables.md): the
// built-in spec must have every table, title, row and column it names.
const inventoryFile = "testdata/report-tables.md"

var (
	sectionHead = regexp.MustCompile(`(?m)^## (\d+) (\S+)(?: \(([^)]*)\))?`)
	hasHan      = regexp.MustCompile(`\p{Han}`)
	listStart   = regexp.MustCompile(`^(?:Rows|Columns|Derived rows[^:]*|Derived):(.*)$`)
	altPart     = regexp.MustCompile(`\[alt: ([^\]]*)\]`)
	trailParen  = regexp.MustCompile(`\s*\([^()]*\)$`)
)

type inventoryItem struct {
	label string
	alts  []string
}

type inventorySection struct {
	num    string
	name   string
	titles []string
	items  []inventoryItem
}

func parseInventory(t *testing.T, text string) []inventorySection {
	t.Helper()
	heads := sectionHead.FindAllStringSubmatchIndex(text, -1)
	var out []inventorySection
	for i, h := range heads {
		end := len(text)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		body := text[h[1]:end]
		sec := inventorySection{num: text[h[2]:h[3]], name: text[h[4]:h[5]]}
		if h[6] >= 0 && sec.num != "1" {
			for _, title := range strings.Split(text[h[6]:h[7]], ";") {
				// a bare section number such as 2.4 is no title
				if title = strings.TrimSpace(title); hasHan.MatchString(title) {
					sec.titles = append(sec.titles, title)
				}
			}
		}
		var lists []string
		if sec.num == "1" { // the cover: one paragraph of fields
			first, _, _ := strings.Cut(strings.TrimSpace(body), "\n\n")
			lists = []string{first}
		}
		// a list starts with Rows:, Columns: or Derived…: and runs on over the
		// following lines until a blank line, Checks: or the next list
		open := false
		for _, line := range strings.Split(body, "\n") {
			if m := listStart.FindStringSubmatch(line); m != nil {
				lists, open = append(lists, m[1]), true
				continue
			}
			if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "Checks:") {
				open = false
			}
			if open {
				lists[len(lists)-1] += " " + line
			}
		}
		for _, l := range lists {
			l = strings.Join(strings.Fields(l), " ")
			l, _, _ = strings.Cut(l, " — ")
			for _, item := range strings.Split(l, "·") {
				item = strings.TrimSpace(item)
				var it inventoryItem
				if m := altPart.FindStringSubmatch(item); m != nil {
					for _, a := range strings.Split(m[1], ",") {
						it.alts = append(it.alts, strings.TrimSpace(a))
					}
					item = strings.TrimSpace(altPart.ReplaceAllString(item, ""))
				}
				// annotations: "学年 (e.g. …)", "生均… = formula", "… . Row 合计"
				item, _, _ = strings.Cut(item, " = ")
				item, _, _ = strings.Cut(item, " (")
				item, _, _ = strings.Cut(item, ". ")
				it.label = strings.TrimSuffix(item, ".")
				if it.label != "" {
					sec.items = append(sec.items, it)
				}
			}
		}
		out = append(out, sec)
	}
	return out
}

// labels of a sheet, as a person reads them: label, label(unit), alternatives.
func sheetLabels(sh *spec.Sheet) map[string]bool {
	m := map[string]bool{}
	fields := sh.Fields()
	if sh.Summary != nil {
		fields = append(append([]spec.Field(nil), fields...), sh.Summary.Rows...)
	}
	for _, f := range fields {
		for _, l := range append([]string{f.Label}, f.Alt...) {
			m[l] = true
			m[l+"("+f.Unit+")"] = true
		}
		m[f.HeaderLabel()] = true
	}
	return m
}

func matches(labels map[string]bool, item string) bool {
	if labels[item] {
		return true
	}
	stripped := item
	for {
		s := trailParen.ReplaceAllString(stripped, "")
		if s == stripped {
			return false
		}
		stripped = s
		if labels[stripped] {
			return true
		}
	}
}

func TestSpecCoversInventory(t *testing.T) {
	data, err := os.ReadFile(inventoryFile)
	if err != nil {
		t.Fatal(err)
	}
	if shared, err := os.ReadFile("../../shared/report-tables.md"); err == nil && !bytes.Equal(shared, data) {
		t.Logf("note: shared/report-tables.md has changed since %s was copied; copy it again and review the spec", inventoryFile)
	}
	p, err := Default("zh")
	if err != nil {
		t.Fatal(err)
	}
	sections := parseInventory(t, string(data))
	if len(sections) != 23 {
		t.Fatalf("parsed %d sections of the inventory, want 23", len(sections))
	}
	if len(p.Spec.Sheets) != len(sections) {
		t.Fatalf("spec has %d sheets, inventory %d", len(p.Spec.Sheets), len(sections))
	}
	items := 0
	for i, sec := range sections {
		sh := &p.Spec.Sheets[i]
		if sh.Name != sec.name {
			t.Errorf("sheet %d: name %q, inventory %q", i+1, sh.Name, sec.name)
		}
		titles := map[string]bool{sh.Title: true}
		for _, a := range sh.Alt {
			titles[a] = true
		}
		for _, title := range sec.titles {
			if !titles[title] {
				t.Errorf("%s: title %q of the inventory is neither its title nor an alt", sh.Name, title)
			}
		}
		labels := sheetLabels(sh)
		for _, it := range sec.items {
			items++
			if !matches(labels, it.label) {
				t.Errorf("%s: no row or column labelled %q", sh.Name, it.label)
			}
			for _, a := range it.alts {
				if !matches(labels, a) {
					t.Errorf("%s: alternative label %q of %q is not recognised", sh.Name, a, it.label)
				}
			}
		}
	}
	if items < 175 {
		t.Errorf("only %d labels parsed from the inventory: the parser missed some", items)
	}
}
