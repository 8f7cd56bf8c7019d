package workbook

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// sheetState finds the sheets that declare a state (hidden, veryHidden); the
// others are visible.
var sheetState = regexp.MustCompile(`<sheet name="([^"]+)"[^>]*? state="(\w+)"[^>]*>`)

// dumpWorkbook writes what a person (or an office suite) would find in a
// workbook as text: every sheet's visibility, panes, merges, widths, print
// setup, protection; every cell's value or formula with its style; every data
// validation; the defined names and document properties.
func dumpWorkbook(t *testing.T, data []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	states := map[string]string{}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == "xl/workbook.xml" {
			rc, _ := zf.Open()
			wb, _ := io.ReadAll(rc)
			rc.Close()
			for _, m := range sheetState.FindAllStringSubmatch(string(wb), -1) {
				states[m[1]] = m[2]
			}
		}
	}
	calc, _ := f.GetCalcProps()
	p("calc fullCalcOnLoad=%v", calc.FullCalcOnLoad != nil && *calc.FullCalcOnLoad)
	props, _ := f.GetCustomProps()
	for _, prop := range props {
		p("property %s=%v", prop.Name, prop.Value)
	}
	names := f.GetDefinedName()
	sort.Slice(names, func(i, j int) bool { return names[i].Scope+names[i].Name < names[j].Scope+names[j].Name })
	for _, n := range names {
		p("name %s scope=%s -> %s", n.Name, n.Scope, n.RefersTo)
	}
	for _, sheet := range f.GetSheetList() {
		state := states[sheet]
		if state == "" {
			state = "visible"
		}
		dim, _ := f.GetSheetDimension(sheet)
		p("\n== sheet %s (%s) dimension %s", sheet, state, dim)
		prot, err := f.GetSheetProtection(sheet)
		if err == nil {
			p("protection selectLocked=%v selectUnlocked=%v insertRows=%v deleteRows=%v formatCells=%v password=%q",
				prot.SelectLockedCells, prot.SelectUnlockedCells, prot.InsertRows, prot.DeleteRows, prot.FormatCells, prot.Password)
		} else {
			p("protection none")
		}
		if panes, err := f.GetPanes(sheet); err == nil && panes.Freeze {
			p("freeze x=%d y=%d top=%s", panes.XSplit, panes.YSplit, panes.TopLeftCell)
		}
		if pl, err := f.GetPageLayout(sheet); err == nil && pl.Size != nil {
			p("print size=%d orientation=%s fitToWidth=%d fitToHeight=%d", *pl.Size, deref(pl.Orientation), derefInt(pl.FitToWidth), derefInt(pl.FitToHeight))
		}
		merges, _ := f.GetMergeCells(sheet)
		for _, m := range merges {
			p("merge %s:%s", m.GetStartAxis(), m.GetEndAxis())
		}
		lastCol, lastRow := 1, 1
		if i := strings.Index(dim, ":"); i >= 0 {
			lastCol, lastRow, _ = excelize.CellNameToCoordinates(dim[i+1:])
		}
		var widths []string
		for c := 1; c <= lastCol; c++ {
			w, _ := f.GetColWidth(sheet, colName(c))
			widths = append(widths, fmt.Sprintf("%s=%g", colName(c), w))
		}
		p("widths %s", strings.Join(widths, " "))
		for r := 1; r <= lastRow; r++ {
			for c := 1; c <= lastCol; c++ {
				cell := cellName(c, r)
				v, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
				fm, _ := f.GetCellFormula(sheet, cell)
				sid, _ := f.GetCellStyle(sheet, cell)
				if v == "" && fm == "" && sid == 0 {
					continue
				}
				content := fmt.Sprintf("%q", v)
				if fm != "" {
					content = "=" + fm
				}
				p("%s %s %s", cell, content, styleText(t, f, sid))
			}
		}
		dvs, _ := f.GetDataValidations(sheet)
		for _, dv := range dvs {
			p("validation %s type=%s op=%s f1=%s f2=%s errorStyle=%s error=%q prompt=%q",
				dv.Sqref, dv.Type, dv.Operator, dv.Formula1, dv.Formula2, deref(dv.ErrorStyle), deref(dv.Error), deref(dv.Prompt))
		}
	}
	return b.String()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefInt(i *int) int {
	if i == nil {
		return 0
	}
	return *i
}

func styleText(t *testing.T, f *excelize.File, id int) string {
	if id == 0 {
		return "[default]"
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	if st.Protection != nil && !st.Protection.Locked {
		parts = append(parts, "unlocked")
	} else {
		parts = append(parts, "locked")
	}
	if len(st.Fill.Color) > 0 {
		parts = append(parts, "fill="+st.Fill.Color[0])
	}
	if st.CustomNumFmt != nil {
		parts = append(parts, "fmt="+*st.CustomNumFmt)
	}
	if st.Font != nil && st.Font.Bold {
		parts = append(parts, "bold")
	}
	for _, bd := range st.Border {
		if bd.Color == "" {
			parts = append(parts, "border-without-colour:"+bd.Type)
		}
	}
	if len(st.Border) > 0 {
		parts = append(parts, "border")
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// TestTemplateGolden compares a text dump of the whole template (3 list rows)
// with testdata/template.golden; go test -update rewrites it, and a reviewer
// reads the diff.
func TestTemplateGolden(t *testing.T) {
	p := testkit.DefaultProgram(t)
	var buf bytes.Buffer
	if err := WriteTemplate(p, &buf, TemplateOptions{ListRows: 3, Generator: "nianbao test"}); err != nil {
		t.Fatal(err)
	}
	got := dumpWorkbook(t, buf.Bytes())
	const golden = "testdata/template.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./sheets -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("template differs from %s at line %d:\n got: %s\nwant: %s\n(go test ./sheets -update rewrites it; read the diff)", golden, i+1, g, w)
			}
		}
	}
}
