package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Parts of a workbook that a copy we write may carry: the workbook, its
// sheets, strings, styles, theme, comments and their drawings, tables,
// defined names, properties and images. Macros (vbaProject.bin), ActiveX,
// embedded objects, external links and anything unknown are left out.
var keptPart = regexp.MustCompile(`^(\[Content_Types\]\.xml|_rels/\.rels|docProps/[^/]+\.xml|xl/(workbook\.xml|styles\.xml|sharedStrings\.xml|calcChain\.xml|_rels/workbook\.xml\.rels|theme/theme\d+\.xml|worksheets/sheet\d+\.xml|worksheets/_rels/sheet\d+\.xml\.rels|comments\d*\.xml|drawings/(vmlDrawing\d+\.vml|drawing\d+\.xml)|drawings/_rels/(vmlDrawing\d+\.vml|drawing\d+\.xml)\.rels|tables/table\d+\.xml|media/image\d+\.(png|jpeg|jpg|gif|emf|wmf)|printerSettings/printerSettings\d+\.bin|persons/person\.xml|threadedComments/threadedComment\d+\.xml))$`)

const (
	macroMain = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
	plainMain = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
)

var (
	relElement      = regexp.MustCompile(`<Relationship\s[^>]*?/>|<Relationship\s[^>]*?>\s*</Relationship>`)
	overrideElement = regexp.MustCompile(`<Override\s[^>]*?/>`)
	defaultElement  = regexp.MustCompile(`<Default\s[^>]*?/>`)
	targetAttr      = attrValue("Target")
	modeAttr        = attrValue("TargetMode")
	typeAttr        = attrValue("Type")
	partNameAttr    = attrValue("PartName")
	contentTypeAttr = attrValue("ContentType")
	extensionAttr   = attrValue("Extension")
)

// macroKind matches the content types and relationship types of what a copy
// never carries, whatever the part is named: macros (VBA projects and their
// signatures and data, Excel 4 macro and dialog sheets), ActiveX controls,
// embedded or linked objects and packages, external links. The workbook's
// own macro-enabled type is not one: it is made plain.
var macroKind = regexp.MustCompile(`(?i)vba|activex|oleobject|macrosheet|dialogsheet|externallink|/package$|relationships/control$|macroenabled\.12`)

func isMacroKind(typ string) bool {
	return typ != macroMain && macroKind.MatchString(strings.TrimSpace(typ))
}

// macroParts lists the kept parts that the content types or a relationship
// declare of a macro kind (see macroKind).
func macroParts(zr *zip.Reader, keep map[string]bool, limits Limits) []string {
	bad := map[string]bool{}
	for _, f := range zr.File {
		switch {
		case !keep[f.Name]:
		case f.Name == "[Content_Types].xml":
			body := readKept(f, limits)
			byExt := map[string]bool{}
			for _, el := range defaultElement.FindAll(body, -1) {
				ext, typ := extensionAttr.FindSubmatch(el), contentTypeAttr.FindSubmatch(el)
				if ext != nil && typ != nil && isMacroKind(string(typ[1])) {
					byExt[strings.ToLower(string(ext[1]))] = true
				}
			}
			overridden := map[string]bool{}
			for _, el := range overrideElement.FindAll(body, -1) {
				name, typ := partNameAttr.FindSubmatch(el), contentTypeAttr.FindSubmatch(el)
				if name == nil || typ == nil {
					continue
				}
				part := resolve("", string(name[1]))
				overridden[part] = true
				if isMacroKind(string(typ[1])) {
					bad[part] = true
				}
			}
			for name := range keep {
				if ext := strings.ToLower(path.Ext(name)); ext != "" && byExt[ext[1:]] && !overridden[name] {
					bad[name] = true
				}
			}
		case strings.HasSuffix(f.Name, ".rels"):
			base := path.Dir(path.Dir(f.Name))
			for _, el := range relElement.FindAll(readKept(f, limits), -1) {
				typ, target := typeAttr.FindSubmatch(el), targetAttr.FindSubmatch(el)
				if typ != nil && target != nil && isMacroKind(string(typ[1])) {
					bad[resolve(base, string(target[1]))] = true
				}
			}
		}
	}
	var out []string
	for _, f := range zr.File {
		if keep[f.Name] && bad[f.Name] && f.Name != "[Content_Types].xml" && f.Name != "xl/workbook.xml" {
			out = append(out, f.Name)
		}
	}
	return out
}

// readKept is a part Clean looks into before it copies the parts (the
// content types, relationships, styles), nil when it is over limits.MaxPart
// or cannot be read: then nothing is found in it.
func readKept(f *zip.File, limits Limits) []byte {
	if f.UncompressedSize64 > uint64(limits.MaxPart) {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil
	}
	defer rc.Close()
	body, _ := io.ReadAll(io.LimitReader(rc, limits.MaxPart))
	return body
}

func attrValue(name string) *regexp.Regexp {
	return regexp.MustCompile(`\s` + name + `="([^"]*)"`)
}

// Clean returns a copy of an .xlsx package that holds only the parts a copy we
// write may carry (see keptPart): entries with unsafe names (../x, /x, x\y)
// or of unknown kinds, and parts whose content type or relationship type is
// a macro's, an ActiveX control's or an embedded object's whatever their
// name (see macroKind), are left out, with the relationships and
// content-type overrides that name them, and a macro-enabled workbook
// becomes a plain one. Cells no reader could open (a number that is none, a
// style beyond the cell formats) are made valid (see validCells).
// What was left out is listed, for a note. The input is not changed.
func Clean(data []byte, limits Limits) (out []byte, dropped []string, err error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, fmt.Errorf("不是有效的 .xlsx 文件：%w", err)
	}
	if def := DefaultLimits(); limits.MaxPart <= 0 || limits.MaxTotal <= 0 {
		limits = def
	}
	keep := map[string]bool{}
	for _, f := range zr.File {
		if keptPart.MatchString(f.Name) {
			keep[f.Name] = true
		} else {
			dropped = append(dropped, f.Name)
		}
	}
	// a part kept by its name but declared, by its content type or by a
	// relationship to it, a macro, an ActiveX control or an embedded object
	// (a vbaProject stored as xl/media/image1.png) is left out too
	for _, name := range macroParts(zr, keep, limits) {
		delete(keep, name)
		dropped = append(dropped, name)
	}
	nXfs := cellXfCount(zr, keep, limits)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var total, xmlBytes, totalElements int64
	var most TooLargeForCopy // the part of the most elements so far
	for _, f := range zr.File {
		if !keep[f.Name] {
			continue
		}
		if f.UncompressedSize64 > uint64(limits.MaxPart) {
			return nil, nil, fmt.Errorf("%s：%w", f.Name, ErrTooLarge)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, nil, fmt.Errorf("%s：%w", f.Name, err)
		}
		body, err := io.ReadAll(io.LimitReader(rc, limits.MaxPart+1))
		rc.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("%s：%w", f.Name, err)
		}
		if total += int64(len(body)); int64(len(body)) > limits.MaxPart || total > limits.MaxTotal {
			return nil, nil, fmt.Errorf("%s：%w", f.Name, ErrTooLarge)
		}
		if strings.HasSuffix(f.Name, ".xml") || strings.HasSuffix(f.Name, ".rels") || strings.HasSuffix(f.Name, ".vml") {
			n := elements(body)
			xmlBytes += int64(len(body))
			totalElements += n
			if n > most.Elements {
				most = TooLargeForCopy{Part: f.Name, Elements: n}
			}
			if totalElements > MaxCopyElements || xmlBytes > MaxCopyXML {
				most.TotalElements, most.XMLBytes = totalElements, xmlBytes
				return nil, nil, &most
			}
			body = cleanXMLChars(body)
			if worksheetPart.MatchString(f.Name) {
				body = validCells(body, nXfs)
			}
		}
		switch {
		case f.Name == "[Content_Types].xml":
			body = cleanContentTypes(body, keep)
		case strings.HasSuffix(f.Name, ".rels"):
			body = cleanRels(f.Name, body, keep)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
		if err != nil {
			return nil, nil, err
		}
		if _, err := w.Write(body); err != nil {
			return nil, nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), dropped, nil
}

// What a copy is written from at most: the kept parts' XML elements and
// bytes in all. A copy is written by excelize, which holds every element of
// every sheet as a Go value (about 150 bytes each, several times that at its
// peak): 920,000 cells of junk below a sheet's table made 1.2 GB. A filled
// template has some 10,000 elements in 0.5 MB, a list of 5,000 rows of 20
// columns 200,000 in a few MB.
const (
	MaxCopyElements = 500_000
	MaxCopyXML      = 32 << 20
)

// TooLargeForCopy is Clean's error for a package of more than
// MaxCopyElements elements or MaxCopyXML bytes of XML (Clean stops at the
// part that goes over, and the totals are those so far): Part is the part
// of the most elements, with their count.
type TooLargeForCopy struct {
	Part                    string
	Elements, TotalElements int64
	XMLBytes                int64
}

func (e *TooLargeForCopy) Error() string {
	return fmt.Sprintf("工作簿的内容过多（至少 %d 个 XML 元素、%.1f MB，最多 %d 个、%d MB；%s 有 %d 个）",
		e.TotalElements, float64(e.XMLBytes)/(1<<20), MaxCopyElements, MaxCopyXML>>20, e.Part, e.Elements)
}

// elements counts the start tags of an XML part (an empty-element tag is
// one): every < that does not begin an end tag, a comment, a declaration or
// a processing instruction. A < in a comment or CDATA section counts too: the
// count is never less than what a parser finds.
func elements(body []byte) int64 {
	return int64(bytes.Count(body, []byte("<")) - bytes.Count(body, []byte("</")) -
		bytes.Count(body, []byte("<!")) - bytes.Count(body, []byte("<?")))
}

// cleanContentTypes drops the overrides of parts left out and the defaults
// and overrides of a macro kind (see macroKind), and turns a macro-enabled
// workbook's type into the plain one.
func cleanContentTypes(body []byte, keep map[string]bool) []byte {
	body = overrideElement.ReplaceAllFunc(body, func(el []byte) []byte {
		if t := contentTypeAttr.FindSubmatch(el); t != nil && isMacroKind(string(t[1])) {
			return nil
		}
		m := partNameAttr.FindSubmatch(el)
		if m == nil || keep[strings.TrimPrefix(string(m[1]), "/")] {
			return el
		}
		return nil
	})
	body = defaultElement.ReplaceAllFunc(body, func(el []byte) []byte {
		if t := contentTypeAttr.FindSubmatch(el); t != nil && isMacroKind(string(t[1])) {
			return nil
		}
		return el
	})
	return bytes.ReplaceAll(body, []byte(macroMain), []byte(plainMain))
}

// cleanRels drops the relationships whose target is a part left out (or
// outside the package) and names a target reached through ../ by its plain
// absolute name; external links (hyperlinks) stay.
func cleanRels(name string, body []byte, keep map[string]bool) []byte {
	// the folder of the part these relationships belong to: xl/_rels/workbook.xml.rels → xl
	base := path.Dir(path.Dir(name))
	if base == "." {
		base = ""
	}
	return relElement.ReplaceAllFunc(body, func(el []byte) []byte {
		if t := typeAttr.FindSubmatch(el); t != nil && isMacroKind(string(t[1])) {
			return nil // a macro, control or object, linked or not
		}
		if m := modeAttr.FindSubmatch(el); m != nil && string(m[1]) == "External" {
			return el
		}
		m := targetAttr.FindSubmatch(el)
		if m == nil {
			return nil
		}
		target := string(m[1])
		var part string
		if strings.HasPrefix(target, "/") {
			part = strings.TrimPrefix(path.Clean(target), "/")
		} else {
			part = path.Clean(path.Join(base, target))
		}
		switch {
		case !keep[part]:
			return nil
		case strings.Contains(target, ".."):
			// ../xl/worksheets/sheet1.xml: the same part, named plainly
			return targetAttr.ReplaceAll(el, []byte(` Target="/`+part+`"`))
		}
		return el
	})
}

// cleanXMLChars makes a part well-formed XML 1.0 where a writer left
// characters it may not hold: a raw control character (U+0001 in a school's
// name) becomes its _xHHHH_ escape, as Excel writes it; invalid UTF-8 becomes
// U+FFFD. Our reader accepts both; excelize (encoding/xml) refuses the part.
func cleanXMLChars(body []byte) []byte {
	bad := !utf8.Valid(body)
	for _, c := range body {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			bad = true
			break
		}
	}
	if !bad {
		return body
	}
	body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
	var out bytes.Buffer
	out.Grow(len(body))
	for _, c := range body {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			fmt.Fprintf(&out, "_x%04X_", c)
			continue
		}
		out.WriteByte(c)
	}
	return out.Bytes()
}
