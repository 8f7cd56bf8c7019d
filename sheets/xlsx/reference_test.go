package xlsx

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// cellsXML is the encoding/xml reading of a worksheet that scanCells
// replaced: the reference it is held to. It reads every stored cell of the sheet with a value or a formula, in
// file order (rows ascending), up to the end of its sheetData.
func cellsXML(b *Book, sheet int) ([]Cell, error) {
	sh := b.Sheets[sheet]
	if sh.part == "" {
		return nil, nil // a chart sheet has no cells
	}
	rc, err := b.part(sh.part)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var (
		out      []Cell
		row, col int
		cur      *Cell
		text     bytes.Buffer
		in       string // the element whose text is being read: v, t (inline), f
		inPh     int
		isString bool
		vDone    bool // the current cell's <v> was read
	)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("工作表“%s”无法解析：%w", sh.Name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				if r, err := numAttr(t, "r"); err == nil && r > 0 {
					row = r
				} else {
					row++
				}
				col = 0
			case "c":
				col++
				if ref := unprefixedAttr(t, "r"); ref != "" {
					c, r, ok := SplitRef(ref)
					if !ok {
						return out, fmt.Errorf("工作表“%s”：单元格地址 %q 无效", sh.Name, ref)
					}
					col, row = c, r
				}
				s, _ := strconv.Atoi(strings.Trim(unprefixedAttr(t, "s"), " \t\r\n"))
				cur = &Cell{Row: row, Col: col, Type: unprefixedAttr(t, "t"), Style: s}
				isString, vDone = false, false
			case "v", "f":
				in = t.Name.Local
				text.Reset()
				if in == "f" && cur != nil {
					cur.Formula = true
				}
			case "is":
				isString = true
				text.Reset()
			case "t":
				if isString {
					in = "t"
				}
			case "rPh":
				inPh++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "sheetData": // the cells are all read
				return out, nil
			case "v":
				if cur != nil && !vDone { // the first <v> is the value
					cur.Value = text.String()
				}
				vDone = vDone || cur != nil
				in = ""
			case "f":
				in = ""
			case "t":
				if in == "t" {
					in = ""
				}
			case "is":
				if cur != nil {
					cur.Value = text.String()
				}
				isString = false
			case "rPh":
				inPh--
			case "c":
				if cur != nil {
					if cur.Type == "s" {
						i, err := strconv.Atoi(strings.TrimSpace(cur.Value))
						if err != nil || i < 0 || i >= len(b.strings) {
							return out, fmt.Errorf("工作表“%s”单元格 %s：共享字符串编号 %q 无效", sh.Name, CellName(cur.Col, cur.Row), cur.Value)
						}
						cur.Value = b.strings[i]
					}
					if cur.Value != "" || cur.Formula {
						out = append(out, *cur)
					}
				}
				cur = nil
			}
		case xml.CharData:
			switch {
			case in == "v":
				text.Write(t)
			case in == "t" && inPh == 0:
				text.Write(t)
			}
		}
	}
}

// readStringsXML is the encoding/xml reading of the shared strings that
// scanStrings replaced.
func readStringsXML(b *Book, p string) error {
	rc, err := b.part(p)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var cur strings.Builder
	inT, inPh := false, 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s 无法解析：%w", p, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				cur.Reset()
			case "t":
				inT = true
			case "rPh":
				inPh++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				b.strings = append(b.strings, cur.String())
			case "t":
				inT = false
			case "rPh":
				inPh--
			}
		case xml.CharData:
			if inT && inPh == 0 {
				cur.Write(t)
			}
		}
	}
}

// readStylesXML is the encoding/xml reading of the cell formats that
// scanStyles replaced; it returns what scanStyles returns.
func readStylesXML(b *Book, p string) (map[int]string, []int, error) {
	rc, err := b.part(p)
	if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	custom := map[int]string{}
	var ids []int
	inXfs, inFmts := false, false
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s 无法解析：%w", p, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "numFmts":
				inFmts = true
			case "numFmt":
				if id, err := numAttr(t, "numFmtId"); err == nil && inFmts {
					custom[id] = attr(t, "formatCode")
				}
			case "cellXfs":
				inXfs = true
			case "xf":
				if inXfs {
					id, _ := numAttr(t, "numFmtId")
					ids = append(ids, id)
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "cellXfs":
				inXfs = false
			case "numFmts":
				inFmts = false
			}
		}
	}
	return custom, ids, nil
}

// unprefixedAttr is a cell's attribute: one without a prefix (x:r is another
// vocabulary's, as openpyxl reads it).
func unprefixedAttr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// numAttr is a number attribute as openpyxl and LibreOffice read it: the
// spaces around it ignored.
func numAttr(t xml.StartElement, name string) (int, error) {
	return strconv.Atoi(strings.Trim(attr(t, name), " \t\r\n"))
}
