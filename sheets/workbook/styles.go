package workbook

import (
	"strings"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
	"github.com/xuri/excelize/v2"
)

// Colours of the template. Every border has a colour: openpyxl refuses a file
// whose border has none.
const (
	borderColor   = xlsx.BorderColor
	headerFill    = xlsx.HeaderFill
	computedFill  = "F2F2F2"
	inputFill     = "FFFFFF"
	prefilledFill = "E2EFDA"
)

type styleKind uint8

const (
	stTitle styleKind = iota
	stHeader
	stLabel
	stLabelBold
	stUnit
	stInput
	stComputed
	stPrefilled
	stPrior // a 上学年 prefilled from last year's report: editable
	stNote
)

type styleKey struct {
	kind   styleKind
	numFmt string
}

// styles creates each distinct style once.
type styles struct {
	f     *excelize.File
	cache map[styleKey]int
}

func newStyles(f *excelize.File) *styles {
	return &styles{f: f, cache: map[styleKey]int{}}
}

func border() []excelize.Border {
	var bs []excelize.Border
	for _, side := range []string{"left", "right", "top", "bottom"} {
		bs = append(bs, excelize.Border{Type: side, Color: borderColor, Style: 1})
	}
	return bs
}

func fill(color string) excelize.Fill {
	return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
}

func (s *styles) get(kind styleKind, numFmt string) (int, error) {
	k := styleKey{kind, numFmt}
	if id, ok := s.cache[k]; ok {
		return id, nil
	}
	st := &excelize.Style{
		Font:       &excelize.Font{Family: "宋体", Size: 11},
		Alignment:  &excelize.Alignment{Vertical: "center", WrapText: true},
		Protection: &excelize.Protection{Locked: true},
	}
	if numFmt != "" {
		st.CustomNumFmt = &numFmt
	}
	switch kind {
	case stTitle:
		st.Font = &excelize.Font{Family: "黑体", Size: 14, Bold: true}
		st.Alignment.Horizontal = "center"
	case stHeader:
		st.Font.Bold = true
		st.Fill, st.Border = fill(headerFill), border()
		st.Alignment.Horizontal = "center"
	case stLabel, stLabelBold:
		st.Border = border()
		st.Font.Bold = kind == stLabelBold
	case stUnit:
		st.Border = border()
		st.Alignment.Horizontal = "center"
	case stInput:
		st.Border, st.Fill = border(), fill(inputFill)
		st.Protection.Locked = false
	case stComputed:
		st.Border, st.Fill = border(), fill(computedFill)
	case stPrefilled:
		st.Border, st.Fill = border(), fill(prefilledFill)
	case stPrior:
		st.Border, st.Fill = border(), fill(priorFill)
		st.Protection.Locked = false
	case stNote:
		st.Alignment.WrapText = true
		st.Alignment.Vertical = "top"
	}
	id, err := s.f.NewStyle(st)
	if err != nil {
		return 0, err
	}
	s.cache[k] = id
	return id, nil
}

// numFmt is the number format of a field's cells.
func numFmt(f *spec.Field) string {
	switch f.Type {
	case spec.TypeInteger, spec.TypeYear, spec.TypeSeq:
		return "0"
	case spec.TypeDecimal, spec.TypePercent:
		p := f.Places()
		format := "0"
		if p > 0 {
			format = "0." + strings.Repeat("0", p)
		}
		if f.Display == "ratio" {
			format += `":1"`
		}
		return format
	case spec.TypeDate:
		return "yyyy-mm-dd"
	case spec.TypeText, spec.TypeEnum, spec.TypeCode, spec.TypePhone, spec.TypeEmail, spec.TypeSchoolYear:
		return "@"
	}
	return ""
}

// inputFmt is the number format of a field's input cells: numFmt, except
// that percentage inputs stay General. A person who types 96.35% into a cell
// formatted 0.00 gets 0.9635 shown as 0.96 in LibreOffice (the format is
// kept); in a General cell both LibreOffice and Excel switch it to a
// percent format, which the reader turns back into 96.35.
func inputFmt(f *spec.Field) string {
	if f.Type == spec.TypePercent {
		return ""
	}
	return numFmt(f)
}

// pctFmt is the format of 本学年为上学年(%) cells.
var pctFmt = "0." + strings.Repeat("0", formula.PctPlaces)
