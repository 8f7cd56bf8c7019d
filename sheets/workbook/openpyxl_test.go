package workbook

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/internal/realclients"
	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/nianbao/nianbao/spec"
)

type inspected struct {
	Names  []string `json:"names"`
	Sheets map[string]struct {
		State                   string   `json:"state"`
		Protected               bool     `json:"protected"`
		SelectLockedForbidden   bool     `json:"select_locked_forbidden"`
		SelectUnlockedForbidden bool     `json:"select_unlocked_forbidden"`
		Validations             int      `json:"validations"`
		ValidationTypes         []string `json:"validation_types"`
		Formulas                int      `json:"formulas"`
		ReadonlyRows            int      `json:"readonly_rows"`
		MaxRow                  int      `json:"max_row"`
	} `json:"sheets"`
}

// TestOpenpyxlReadsTemplate has openpyxl, an independent reader, open the
// template and checks it sees every sheet, every data validation, the
// protection and every formula — also in read-only mode, as pandas reads.
func TestOpenpyxlReadsTemplate(t *testing.T) {
	realclients.Python(t)
	p := testkit.DefaultProgram(t)
	path := filepath.Join(t.TempDir(), "template.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteTemplate(p, f, TemplateOptions{}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var got inspected
	if err := json.Unmarshal(realclients.RunPython(t, "testdata/read_workbook.py", path), &got); err != nil {
		t.Fatal(err)
	}
	bl := layout.New(p, 0)
	formulas := map[string]int{}
	for _, c := range bl.ComputedCells(report.New()) {
		formulas[c.Sheet]++
	}
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		g, ok := got.Sheets[sh.Name]
		if !ok {
			t.Errorf("openpyxl does not see sheet %s", sh.Name)
			continue
		}
		inputs := 0
		for _, f := range sh.Fields() {
			if f.Input() {
				inputs++
			}
		}
		if g.Validations != inputs {
			t.Errorf("%s: openpyxl sees %d data validations, want one per input field: %d", sh.Name, g.Validations, inputs)
		}
		if !g.Protected || g.SelectLockedForbidden || g.SelectUnlockedForbidden {
			t.Errorf("%s: protection %+v: want protected with every cell selectable", sh.Name, g)
		}
		if g.Formulas != formulas[sh.Name] {
			t.Errorf("%s: openpyxl sees %d formulas, the layout has %d computed cells", sh.Name, g.Formulas, formulas[sh.Name])
		}
		if l := bl.Sheets[sh.Key]; g.ReadonlyRows != l.LastRow || g.MaxRow != l.LastRow {
			t.Errorf("%s: openpyxl sees %d rows (read-only mode %d), want %d", sh.Name, g.MaxRow, g.ReadonlyRows, l.LastRow)
		}
		if g.State != "visible" {
			t.Errorf("%s: state %s, want visible", sh.Name, g.State)
		}
		if sh.Kind == spec.KindList && !contains(g.ValidationTypes, "list") && hasEnum(sh) {
			t.Errorf("%s: no drop-down list validation seen", sh.Name)
		}
	}
	if s := got.Sheets[report.MetaSheet]; s.State != "veryHidden" {
		t.Errorf("identity sheet state %q, want veryHidden", s.State)
	}
	if s := got.Sheets[listSheet]; s.State != "hidden" {
		t.Errorf("list sheet state %q, want hidden", s.State)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func hasEnum(sh *spec.Sheet) bool {
	for _, f := range sh.Fields() {
		if f.Type == spec.TypeEnum {
			return true
		}
	}
	return false
}
