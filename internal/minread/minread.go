// Package minread is the floor the reader is measured against: the least an
// .xlsx reader can do, with archive/zip and encoding/xml only. It decodes the
// shared strings and every cell value of every worksheet, and nothing more
// (no sheet names, no types, no formats, no limits). Benchmarks only.
package minread

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
)

// Cells returns how many cell values the workbook holds, having decoded them.
func Cells(data []byte) (int, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 0, err
	}
	var strs []string
	for _, f := range zr.File {
		if f.Name == "xl/sharedStrings.xml" {
			if strs, err = sharedStrings(f); err != nil {
				return 0, err
			}
		}
	}
	n := 0
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/sheet") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return 0, err
		}
		d := xml.NewDecoder(rc)
		isS, inV := false, false
		for {
			tok, err := d.RawToken()
			if err == io.EOF {
				break
			}
			if err != nil {
				rc.Close()
				return 0, err
			}
			switch t := tok.(type) {
			case xml.StartElement:
				switch t.Name.Local {
				case "c":
					isS = false
					for _, a := range t.Attr {
						if a.Name.Local == "t" && a.Value == "s" {
							isS = true
						}
					}
				case "v":
					inV = true
				}
			case xml.EndElement:
				if t.Name.Local == "v" {
					inV = false
				}
			case xml.CharData:
				if inV {
					if isS {
						if i, err := strconv.Atoi(string(t)); err == nil && i < len(strs) {
							_ = strs[i]
						}
					}
					n++
				}
			}
		}
		rc.Close()
	}
	return n, nil
}

func sharedStrings(f *zip.File) ([]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var out []string
	var cur strings.Builder
	inT := false
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "si" {
				cur.Reset()
			}
			inT = t.Name.Local == "t"
		case xml.EndElement:
			if t.Name.Local == "si" {
				out = append(out, cur.String())
			}
			inT = false
		case xml.CharData:
			if inT {
				cur.Write(t)
			}
		}
	}
}
