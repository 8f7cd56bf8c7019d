package intake

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeODS(t *testing.T, rows string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.ods")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	w.Write([]byte("application/vnd.oasis.opendocument.spreadsheet"))
	w, _ = zw.Create("content.xml")
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="学生情况">` + rows + `</table:table></office:spreadsheet></office:body></office:document-content>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

// An .ods whose rows declare millions of cells with content is refused at
// once, before LibreOffice builds them; LibreOffice's own trailing empty
// repeated rows are not.
func TestODSDeclaredCells(t *testing.T) {
	normal := strings.Repeat(`<table:table-row><table:table-cell office:value-type="float" office:value="1883"><text:p>1883</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1023"/></table:table-row>`, 50) +
		`<table:table-row table:number-rows-repeated="1048526"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>`
	if err := checkDeclaredSize(writeODS(t, normal), ODS); err != nil {
		t.Errorf("a normal .ods is refused: %v", err)
	}
	for what, rows := range map[string]string{
		"a value repeated down a million rows":      `<table:table-row table:number-rows-repeated="10000000"><table:table-cell office:value-type="float" office:value="1"/></table:table-row>`,
		"a value repeated across and down":          `<table:table-row table:number-rows-repeated="100000"><table:table-cell office:value-type="string" table:number-columns-repeated="16384"><text:p>x</text:p></table:table-cell></table:table-row>`,
		"a formula repeated":                        `<table:table-row table:number-rows-repeated="3000000"><table:table-cell table:formula="of:=1+1"/></table:table-row>`,
		"many rows of text (counted, not repeated)": strings.Repeat(`<table:table-row><table:table-cell table:number-columns-repeated="30000"><text:p>x</text:p></table:table-cell></table:table-row>`, 100),
	} {
		err := checkDeclaredSize(writeODS(t, rows), ODS)
		if err == nil || !strings.Contains(err.Error(), "有内容的单元格") {
			t.Errorf("%s: %v, want refused", what, err)
		}
	}
}
