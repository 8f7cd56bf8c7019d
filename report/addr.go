package report

import (
	"fmt"
	"strconv"
	"strings"
)

// Addr is a cell of the spec, by keys: where a value is in the report,
// whatever the file. Its text (String) is the key the tool shows and writes
// in JSON:
//
//	basic.school_code            a record field       FieldAddr
//	students.enrolled.cur        an indicator's column ColAddr (prev, cur, pct)
//	majors[0].name               a list row's column   RowAddr
//	majors.total.cur_students    a list's 合计 row       TotalAddr
//
// A bare sheet (majors) or a sheet and field alone (majors.name: a list
// column as a whole) name what a reader's problem is about. The text is read
// back by ParseAddr; sheet.total.x is always a list's 合计 (a row keyed
// total would not read back).
type Addr struct {
	Sheet string
	Field string // row key (record, indicator, summary) or column key (list)
	// Col is prev, cur or pct of an indicator or summary row, TotalCol for a
	// list's 合计 row, "" otherwise.
	Col string
	// Row is the index of a list's data row, when InRow.
	Row   int
	InRow bool
}

// FieldAddr is a record field, or a sheet's field as a whole.
func FieldAddr(sheet, field string) Addr { return Addr{Sheet: sheet, Field: field} }

// ColAddr is a column (prev, cur, pct) of an indicator or summary row.
func ColAddr(sheet, field, col string) Addr { return Addr{Sheet: sheet, Field: field, Col: col} }

// RowAddr is a column of a list's data row (0-based).
func RowAddr(sheet string, row int, field string) Addr {
	return Addr{Sheet: sheet, Field: field, Row: row, InRow: true}
}

// TotalAddr is a column of a list's 合计 row.
func TotalAddr(sheet, field string) Addr { return Addr{Sheet: sheet, Field: field, Col: TotalCol} }

// String is the address as a key: majors[0].name, students.enrolled.cur.
func (a Addr) String() string {
	switch {
	case a.InRow:
		return a.Sheet + "[" + strconv.Itoa(a.Row) + "]." + a.Field
	case a.Col == TotalCol:
		return a.Sheet + "." + TotalCol + "." + a.Field
	case a.Col != "":
		return a.Sheet + "." + a.Field + "." + a.Col
	case a.Field != "":
		return a.Sheet + "." + a.Field
	}
	return a.Sheet
}

// Append appends the address's text (String) to dst, for a caller that
// writes many.
func (a Addr) Append(dst []byte) []byte {
	switch {
	case a.InRow:
		dst = append(append(dst, a.Sheet...), '[')
		return append(append(strconv.AppendInt(dst, int64(a.Row), 10), "]."...), a.Field...)
	case a.Col == TotalCol:
		return append(append(append(append(dst, a.Sheet...), '.'), TotalCol+"."...), a.Field...)
	case a.Col != "":
		return append(append(append(append(append(dst, a.Sheet...), '.'), a.Field...), '.'), a.Col...)
	case a.Field != "":
		return append(append(append(dst, a.Sheet...), '.'), a.Field...)
	}
	return append(dst, a.Sheet...)
}

// yearCols are the Col of an indicator or summary row (spec.ColPrev, ColCur,
// ColPct; this package does not import spec).
var yearCols = map[string]bool{"prev": true, "cur": true, "pct": true}

// ParseAddr reads an address back from its text.
func ParseAddr(s string) (Addr, error) {
	bad := fmt.Errorf("not a cell key: %q", s)
	if s == "" {
		return Addr{}, bad
	}
	if i := strings.IndexByte(s, '['); i >= 0 {
		j := strings.Index(s, "].")
		n, err := strconv.Atoi(s[min(i+1, len(s)):max(j, i+1)])
		if i == 0 || j < i || err != nil || n < 0 || strings.ContainsAny(s[j+2:], ".[]") || s[j+2:] == "" {
			return Addr{}, bad
		}
		return RowAddr(s[:i], n, s[j+2:]), nil
	}
	parts := strings.Split(s, ".")
	for _, p := range parts {
		if p == "" || strings.Contains(p, "]") {
			return Addr{}, bad
		}
	}
	switch {
	case len(parts) == 1:
		return Addr{Sheet: s}, nil
	case len(parts) == 2:
		return FieldAddr(parts[0], parts[1]), nil
	case len(parts) == 3 && parts[1] == TotalCol: // a list column may be called cur or pct
		return TotalAddr(parts[0], parts[2]), nil
	case len(parts) == 3 && yearCols[parts[2]]:
		return ColAddr(parts[0], parts[1], parts[2]), nil
	}
	return Addr{}, bad
}

// Cell is a place in the workbook file: a sheet's name and an A1 reference
// (or a range, A1:B9). Its text is 学生情况!D4; the zero Cell is "".
type Cell struct {
	Sheet string
	Ref   string
}

// IsZero reports whether the cell is nowhere.
func (c Cell) IsZero() bool { return c == Cell{} }

// String is the cell as Excel writes a reference: 学生情况!D4.
func (c Cell) String() string {
	if c.IsZero() {
		return ""
	}
	return c.Sheet + "!" + c.Ref
}

// Append appends the cell's text (String) to dst.
func (c Cell) Append(dst []byte) []byte {
	if c.IsZero() {
		return dst
	}
	return append(append(append(dst, c.Sheet...), '!'), c.Ref...)
}

// ParseCell reads a cell back from Sheet!A1 (the sheet's name may itself
// hold a !: the last one separates).
func ParseCell(s string) (Cell, bool) {
	i := strings.LastIndexByte(s, '!')
	if i < 0 {
		return Cell{}, false
	}
	return Cell{Sheet: s[:i], Ref: s[i+1:]}, true
}

// Range is the range from c to the cell to (on c's sheet): 专业结构!E3:E12.
func (c Cell) Range(to Cell) Cell {
	if c.IsZero() || to.IsZero() || to.Ref == c.Ref {
		return c
	}
	return Cell{Sheet: c.Sheet, Ref: c.Ref + ":" + to.Ref}
}

// First is the first cell of a range (the cell itself when it is one).
func (c Cell) First() Cell {
	from, _, _ := strings.Cut(c.Ref, ":")
	return Cell{Sheet: c.Sheet, Ref: from}
}
