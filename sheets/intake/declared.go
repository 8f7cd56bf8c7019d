package intake

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// maxDeclaredCells is the most cells with content an OpenDocument file may
// declare before it is refused unconverted. A report has a few thousand; a
// file whose rows say "repeated a million times" with a value in them makes
// LibreOffice build every one of them (gigabytes, minutes).
const maxDeclaredCells = 2_000_000

// maxContentXML bounds how much of content.xml is decompressed to count.
const maxContentXML = 256 << 20

var errTooManyCells = errors.New("too many declared cells")

// odsDeclaredCells counts the cells with content that an .ods declares,
// repetitions multiplied out, stopping as soon as the count passes
// maxDeclaredCells. Empty repeated rows and columns (LibreOffice writes a
// million of them after the last used row) cost nothing and are not counted.
func odsDeclaredCells(path string) (int64, error) {
	f, st, err := openRegular(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		return 0, err
	}
	var content *zip.File
	for _, f := range zr.File {
		if f.Name == "content.xml" {
			content = f
		}
	}
	if content == nil {
		return 0, errors.New("content.xml missing")
	}
	rc, err := content.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	d := xml.NewDecoder(io.LimitReader(rc, maxContentXML))
	var total, rowRepeat, rowCells int64
	var cellRepeat int64
	cellHasContent := false
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "table-row":
				rowRepeat, rowCells = repeatAttr(t, "number-rows-repeated"), 0
			case "table-cell", "covered-table-cell":
				cellRepeat, cellHasContent = repeatAttr(t, "number-columns-repeated"), false
				for _, a := range t.Attr {
					if a.Name.Local == "value-type" || a.Name.Local == "formula" {
						cellHasContent = true
					}
				}
			case "p":
				cellHasContent = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "table-cell", "covered-table-cell":
				if cellHasContent {
					rowCells += cellRepeat
				}
			case "table-row":
				total += rowRepeat * rowCells
				if total > maxDeclaredCells || total < 0 {
					return total, errTooManyCells
				}
			}
		}
	}
}

// repeatAttr reads a repetition count (1 when absent or not a number).
func repeatAttr(se xml.StartElement, local string) int64 {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			if n, err := strconv.ParseInt(a.Value, 10, 64); err == nil && n > 0 {
				return min(n, 1<<31)
			}
		}
	}
	return 1
}

// checkDeclaredSize refuses, before LibreOffice is started, an OpenDocument
// file that declares more cells with content than any report has.
func checkDeclaredSize(path string, kind Kind) error {
	if kind != ODS {
		return nil
	}
	_, err := odsDeclaredCells(path)
	if errors.Is(err, errTooManyCells) {
		return fmt.Errorf("%s：文件声明了超过 %d 个有内容的单元格（重复行列展开后），远超任何报表，未转换；请用 Excel 或 WPS 另存为 .xlsx 后再提交", path, maxDeclaredCells)
	}
	if err != nil {
		return fmt.Errorf("%s：OpenDocument 文件无法读取（%v），请另存为 .xlsx 后再提交", path, err)
	}
	return nil
}
