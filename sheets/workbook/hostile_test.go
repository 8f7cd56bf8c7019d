package workbook

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/realclients"
	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/xuri/excelize/v2"
)

// hostilePackage rewrites a workbook's zip: edit changes or adds entries
// (a nil body drops one).
func hostilePackage(t *testing.T, data []byte, edit map[string]func([]byte) []byte, extra map[string]string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		if fn := edit[f.Name]; fn != nil {
			body = fn(body)
		}
		w, _ := zw.Create(f.Name)
		w.Write(body)
	}
	for name, body := range extra {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func replace(old, new string) func([]byte) []byte {
	return func(b []byte) []byte { return bytes.Replace(b, []byte(old), []byte(new), 1) }
}

// An annotated copy of a hostile package is written (no panic, no abort) and
// carries only parts we understand: no macros, no entries named ../ or /, no
// control characters; the reader reads the copy.
func TestAnnotateHostilePackage(t *testing.T) {
	p := testkit.DefaultProgram(t)
	var tpl bytes.Buffer
	if err := WriteTemplate(p, &tpl, TemplateOptions{}); err != nil {
		t.Fatal(err)
	}
	name := p.Spec.Sheets[0].Name
	cases := map[string][]byte{
		"macros and unsafe names": hostilePackage(t, tpl.Bytes(), map[string]func([]byte) []byte{
			"[Content_Types].xml":        replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
			"xl/_rels/workbook.xml.rels": replace("</Relationships>", `<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>`),
		}, map[string]string{"xl/vbaProject.bin": "MACRO", "../../evil.txt": "x", "/etc/evil": "x", `xl\evil.xml`: "x"}),
		"VBA stored as an image": hostilePackage(t, tpl.Bytes(), map[string]func([]byte) []byte{
			"[Content_Types].xml":        replace("</Types>", `<Override PartName="/xl/media/image1.png" ContentType="application/vnd.ms-office.vbaProject"/></Types>`),
			"xl/_rels/workbook.xml.rels": replace("</Relationships>", `<Relationship Id="rIdX1" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="media/image1.png"/></Relationships>`),
		}, map[string]string{"xl/media/image1.png": "MACRO"}),
		"VBA typed as an image, named by its content type only": hostilePackage(t, tpl.Bytes(), map[string]func([]byte) []byte{
			"[Content_Types].xml": replace("</Types>", `<Override PartName="/xl/media/image1.png" ContentType="application/vnd.ms-office.vbaProject"/></Types>`),
		}, map[string]string{"xl/media/image1.png": "MACRO"}),
		"ActiveX and OLE objects under kept names": hostilePackage(t, tpl.Bytes(), map[string]func([]byte) []byte{
			"[Content_Types].xml":        replace("</Types>", `<Default Extension="bin" ContentType="application/vnd.ms-office.activeX"/></Types>`),
			"xl/_rels/workbook.xml.rels": replace("</Relationships>", `<Relationship Id="rIdX2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject" Target="/xl/media/image2.png"/><Relationship Id="rIdX3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject" Target="file:///c:/evil.xls" TargetMode="External"/></Relationships>`),
		}, map[string]string{"xl/printerSettings/printerSettings1.bin": "MACRO", "xl/media/image2.png": "MACRO"}),
		"relationship target through ../": hostilePackage(t, tpl.Bytes(), map[string]func([]byte) []byte{
			"xl/_rels/workbook.xml.rels": replace(`Target="worksheets/sheet2.xml"`, `Target="../xl/worksheets/sheet2.xml"`),
		}, nil),
		"control character in a shared string": hostilePackage(t, tpl.Bytes(), map[string]func([]byte) []byte{
			"xl/sharedStrings.xml": replace("<t>", "<t>\x01\x1b]0;pwned\x07"),
		}, nil),
		"invalid UTF-8 in a sheet": hostilePackage(t, tpl.Bytes(), map[string]func([]byte) []byte{
			"xl/sharedStrings.xml": replace("<t>", "<t>\xff\xfe"),
		}, nil),
	}
	for what, data := range cases {
		t.Run(what, func(t *testing.T) {
			marks := []report.Mark{{Severity: "error", Label: "错误", Rule: "r", Cells: []string{name + "!B3"}, Message: "名称有误"}}
			var out bytes.Buffer
			if err := WriteAnnotated(data, report.Letter{Marks: marks}, &out); err != nil {
				t.Fatalf("WriteAnnotated: %v", err)
			}
			_, copied := testkit.Unzip(t, out.Bytes())
			for name, body := range copied {
				if strings.Contains(name, "..") || strings.HasPrefix(name, "/") || strings.Contains(name, `\`) || strings.Contains(name, "vba") || strings.Contains(name, "evil") {
					t.Errorf("the copy carries %q", name)
				}
				if bytes.Contains(body, []byte("MACRO")) {
					t.Errorf("the copy carries %s, a macro or object under another name", name)
				}
				if bytes.Contains(body, []byte("macroEnabled")) || bytes.Contains(body, []byte("vbaProject")) ||
					bytes.Contains(body, []byte("ms-office.activeX")) || bytes.Contains(body, []byte("relationships/oleObject")) || bytes.Contains(body, []byte("evil.xls")) {
					t.Errorf("%s still names macros", name)
				}
				if bytes.ContainsAny(body, "\x01\x1b\x07") {
					t.Errorf("%s holds a control character", name)
				}
			}
			f, err := excelize.OpenReader(bytes.NewReader(out.Bytes()))
			if err != nil {
				t.Fatalf("excelize cannot open the copy: %v", err)
			}
			f.Close()
			if _, err := reader.ReadBytes(p, "copy.xlsx", out.Bytes(), reader.ReadOptions{}); err != nil {
				t.Fatalf("the copy cannot be read: %v", err)
			}
		})
	}
}

// templateSheet is the default spec's template and the zip path of its
// sheet of that name.
func templateSheet(t *testing.T, sheet string) (tpl []byte, part string) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteTemplate(testkit.DefaultProgram(t), &buf, TemplateOptions{}); err != nil {
		t.Fatal(err)
	}
	b, err := xlsx.OpenBytes(buf.Bytes(), xlsx.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), b.Sheets[b.SheetIndex(sheet)].Part()
}

// A workbook whose sheets hold far more cells than excelize can take in
// bounded memory (60,000 rows of junk below a table, 540,000 elements) gets
// no annotated copy, but an error that names the sheet and says why, at
// once: excelize held every cell of every sheet, 1.2 GB for 920,000 cells.
func TestAnnotateRefusesHugeSheets(t *testing.T) {
	const sheet = "学生情况"
	tpl, part := templateSheet(t, sheet)
	var rows strings.Builder
	for r := 1000; r < 61000; r++ {
		fmt.Fprintf(&rows, `<row r="%d">`, r)
		for _, c := range "ABCDEFGH" {
			fmt.Fprintf(&rows, `<c r="%c%d"/>`, c, r)
		}
		rows.WriteString(`</row>`)
	}
	data := hostilePackage(t, tpl, map[string]func([]byte) []byte{part: replace("</sheetData>", rows.String()+"</sheetData>")}, nil)
	marks := []report.Mark{{Severity: "error", Label: "错误", Rule: "r", Cells: []string{sheet + "!D4"}, Message: "人数有误"}}
	err := WriteAnnotated(data, report.Letter{Marks: marks}, io.Discard)
	if err == nil {
		t.Fatal("a copy of 540,000 elements was written, want an error saying why not")
	}
	if msg := err.Error(); !strings.Contains(msg, "工作表“"+sheet+"”") || !strings.Contains(msg, "内存") {
		t.Errorf("error %q, want one naming the sheet and why", msg)
	}
}

// Cells no reader could open are made valid in the copy: a number cell whose
// stored value is no number (1,234, 0x1A, NaN, Infinity, "36 2", 1e400)
// becomes text of the same characters (a formula kept), a style index beyond
// the cell formats becomes a valid one; valid numbers stay as they are, and
// the finding's mark lands on the cell. openpyxl opened neither copy.
func TestAnnotateMakesCellsValid(t *testing.T) {
	const sheet = "学生情况"
	tpl, part := templateSheet(t, sheet)
	row := `<row r="900">` +
		`<c r="A900"><v>1,234</v></c><c r="B900" t="n"><v>0x1A</v></c><c r="C900"><v>NaN</v></c>` +
		`<c r="D900"><v>Infinity</v></c><c r="E900" s="1"><v>36 2</v></c><c r="F900"><v>1e400</v></c>` +
		`<c r="G900" s="999"><v>5</v></c><c r="H900"><f>1+1</f><v>1,2</v></c><c r="I900"><v>1.5E3</v></c>` +
		`<c r="J900"><v> 12 </v></c><c r="K900" s="-1"/></row>`
	data := hostilePackage(t, tpl, map[string]func([]byte) []byte{part: replace("</sheetData>", row+"</sheetData>")}, nil)
	marks := []report.Mark{{Severity: "error", Label: "错误", Rule: "r", Cells: []string{sheet + "!A900"}, Message: "不是数字"}}
	var out bytes.Buffer
	if err := WriteAnnotated(data, report.Letter{Marks: marks}, &out); err != nil {
		t.Fatalf("WriteAnnotated: %v", err)
	}

	// every number cell of every sheet holds a number, every style is one of the cell formats
	_, parts := testkit.Unzip(t, out.Bytes())
	cellXfs := regexp.MustCompile(`(?s)<cellXfs[^>]*>.*?</cellXfs>`).Find(parts["xl/styles.xml"])
	nXfs := strings.Count(string(cellXfs), "<xf ") + strings.Count(string(cellXfs), "<xf>")
	cell := regexp.MustCompile(`<c\s([^>]*?)(?:/>|>(.*?)</c>)`)
	attr := regexp.MustCompile(`\s?(\w+)="([^"]*)"`)
	number := regexp.MustCompile(`^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$`)
	for name, body := range parts {
		if !strings.HasPrefix(name, "xl/worksheets/sheet") {
			continue
		}
		for _, c := range cell.FindAllSubmatch(body, -1) {
			attrs := map[string]string{}
			for _, a := range attr.FindAllSubmatch(c[1], -1) {
				attrs[string(a[1])] = string(a[2])
			}
			if s, ok := attrs["s"]; ok {
				if n, err := strconv.Atoi(s); err != nil || n < 0 || n >= nXfs {
					t.Errorf("%s: cell %s has style %q of %d", name, attrs["r"], s, nXfs)
				}
			}
			if typ := attrs["t"]; typ == "" || typ == "n" {
				for _, v := range regexp.MustCompile(`<v>([^<]*)</v>`).FindAllSubmatch(c[2], -1) {
					if _, err := strconv.ParseFloat(strings.TrimSpace(string(v[1])), 64); err != nil || !number.Match(v[1]) {
						t.Errorf("%s: number cell %s holds %q", name, attrs["r"], v[1])
					}
				}
			}
		}
	}

	f, err := excelize.OpenReader(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for ref, want := range map[string]string{"A900": "1,234", "B900": "0x1A", "C900": "NaN", "D900": "Infinity", "E900": "36 2", "F900": "1e400", "G900": "5", "I900": "1500", "J900": "12"} {
		if got, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true}); err != nil || strings.TrimSpace(got) != strings.TrimSpace(want) && !(ref == "I900" && got == "1.5E3") {
			t.Errorf("%s = %q (%v), want %q", ref, got, err, want)
		}
	}
	for _, ref := range []string{"A900", "E900"} {
		if typ, _ := f.GetCellType(sheet, ref); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("%s is of type %v, want text", ref, typ)
		}
	}
	if typ, _ := f.GetCellType(sheet, "I900"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("the number 1.5E3 became of type %v", typ)
	}
	if fm, _ := f.GetCellFormula(sheet, "H900"); fm != "1+1" {
		t.Errorf("H900's formula is %q, want 1+1 kept", fm)
	}
	id, _ := f.GetCellStyle(sheet, "A900")
	if st, err := f.GetStyle(id); err != nil || st.Fill.Pattern != markLook["error"].pattern {
		t.Errorf("A900 is not marked: style %d %v", id, err)
	}

	t.Run("openpyxl", func(t *testing.T) {
		realclients.Python(t)
		path := filepath.Join(t.TempDir(), "copy.xlsx")
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		var got map[string][2]string
		if err := json.Unmarshal(realclients.RunPython(t, "testdata/cells.py", path, sheet, "900"), &got); err != nil {
			t.Fatal(err)
		}
		if got["A900"] != [2]string{"1,234", "s"} || got["E900"] != [2]string{"36 2", "s"} || got["I900"][0] != "1500.0" {
			t.Errorf("openpyxl reads row 900 as %q", got)
		}
	})
}
