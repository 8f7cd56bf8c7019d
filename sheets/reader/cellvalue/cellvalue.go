package cellvalue

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nianbao/nianbao/internal/decfit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

// Cell is a cell's content as the file stores it.
type Cell struct {
	Raw string // the stored value: the number's text for a numeric cell
	// Numeric is true when the file stores a number (not text).
	Numeric bool
	// Percent is true when the cell's number format shows a percentage.
	Percent bool
	// Date is true when the cell's number format shows a date, or the cell
	// stores an ISO 8601 date (t="d").
	Date bool
	// Date1904 is the workbook's date system.
	Date1904 bool
}

// Note says what was normalised, in words a clerk understands.
type Note struct {
	Kind  string // spaces, placeholder, fullwidth, thousands, unit, percent, text_number, percent_format, ratio, date
	Msg   string
	MsgEn string // the same in English
}

// Error is a value that cannot be read.
type Error struct {
	Found string // what the cell holds
	Msg   string // why it cannot be read
	MsgEn string // the same in English
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s（单元格内容：%q）", e.Msg, short(e.Found))
}

// short cuts what a cell holds to what a message can show.
func short(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// placeholders people type for "nothing": they mean empty, never zero.
var placeholders = map[string]bool{
	"-": true, "--": true, "—": true, "——": true, "－": true, "–": true, "/": true, "／": true, "\\": true,
	"无": true, "空": true, "暂无": true, "不详": true, "n/a": true, "N/A": true, "NA": true, "na": true, "null": true, "NULL": true,
	"#N/A": true, "*": true, "x": true, "X": true, "×": true,
}

// maxPlaceholder is the longest of placeholders, in bytes.
var maxPlaceholder = func() int {
	n := 0
	for p := range placeholders {
		n = max(n, len(p))
	}
	return n
}()

// mayBePlaceholder reports whether s may be one of placeholders: none is
// longer than maxPlaceholder or starts with a digit. What most cells hold, a
// number, is not looked up (hashing it was a third of reading a value).
func mayBePlaceholder(s string) bool {
	return len(s) <= maxPlaceholder && (len(s) == 0 || s[0] < '0' || s[0] > '9')
}

// spaces trims ordinary, full-width, non-breaking and zero-width spaces.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' || r == '\u3000' || r == '\u00a0'
}

var fullWidth = strings.NewReplacer(
	"０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5", "６", "6", "７", "7", "８", "8", "９", "9",
	"．", ".", "，", ",", "％", "%", "－", "-", "＋", "+", "。", ".", "、", ",", "：", ":", "／", "/", "−", "-",
)

var (
	thousands = regexp.MustCompile(`^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$`)
	// a number followed by a unit: the unit is made of letters (人, 万元,
	// (万元)), never of digits, signs or symbols such as ² or )
	trailingUnit = regexp.MustCompile(`^([+-]?[\d,.]*\d)\s*([\pL()（）]*\pL[\pL()（）]*)$`)
	innerSpace   = regexp.MustCompile(`[\d.,][\s\x{3000}\x{a0}]+[\d.,]`)
)

// Bounds on what a cell of a report can hold. A figure of a school's report
// is far below a trillion (a province's total budget in 万元 is about 10⁷);
// anything beyond is a slip (an extra digit, a pasted serial number, 1e300)
// that must not reach the region's totals. Text follows the template's data
// validation (at most MaxTextRunes characters); Excel itself stops at 32,767.
const (
	MaxMagnitude  = 1e12
	maxNumberText = 40 // characters of a number typed as text
	MaxTextRunes  = 200
)

var maxMagnitude = decimal.NewFromInt(MaxMagnitude)

// Read reads a cell as a value of the field's type.
func Read(c Cell, f *spec.Field) (report.Value, []Note, error) {
	if d, ok := plainStored(c, f); ok {
		return whole(c, d, f, nil)
	}
	return read(c, f)
}

// read is Read of any cell, by every step.
func read(c Cell, f *spec.Field) (report.Value, []Note, error) {
	var notes []Note
	s := strings.TrimFunc(c.Raw, isSpace)
	if s != c.Raw && s != "" {
		notes = append(notes, Note{"spaces", "去掉了首尾的空格或不可见字符", "removed leading or trailing spaces or invisible characters"})
	}
	inner := strings.Map(func(r rune) rune {
		if r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' {
			return -1
		}
		return r
	}, s)
	if inner != s {
		s = inner
		notes = append(notes, Note{"spaces", "去掉了不可见字符", "removed invisible characters"})
	}
	if s == "" {
		return report.Value{}, nil, nil
	}
	if mayBePlaceholder(s) && placeholders[s] {
		return report.Value{}, append(notes, Note{"placeholder", fmt.Sprintf("“%s”按空值处理（不是0）", s), fmt.Sprintf("%q read as empty (not 0)", s)}), nil
	}
	var v report.Value
	var more []Note
	var err error
	switch f.Type {
	case spec.TypeInteger, spec.TypeDecimal, spec.TypePercent, spec.TypeYear, spec.TypeSeq:
		v, more, err = number(c, s, f)
	case spec.TypeCode:
		v, more, err = code(c, s)
	case spec.TypeDate:
		v, more, err = date(c, s)
	case spec.TypeSchoolYear:
		v, more, err = schoolYear(s)
	case spec.TypeEnum, spec.TypeText, spec.TypePhone, spec.TypeEmail:
		v = report.Str(s)
		if c.Numeric {
			v = report.Str(numberText(c.Raw))
		}
		if n := utf8.RuneCountInString(v.Text); n > MaxTextRunes {
			err = &Error{Found: v.Text, Msg: fmt.Sprintf("文字过长（%d 字），本栏不超过 %d 字", n, MaxTextRunes), MsgEn: fmt.Sprintf("the text is too long (%d characters; at most %d)", n, MaxTextRunes)}
		}
	default:
		v = report.Str(s)
	}
	if err != nil {
		return report.Value{}, notes, err
	}
	return v, append(notes, more...), nil
}

// plainStored is the number of what most cells of a report hold, read as
// Read reads it, without its steps for what people type: a number stored
// as one (digits with at most one point, no sign or exponent, 15 significant
// digits at most) in a cell formatted neither as a percentage nor as a
// date, of a numeric field. Such a text has no space or invisible character
// to remove and is no placeholder (none starts with a digit), so Read gives
// whole of its shortDecimal, with no note; ok is false for anything else.
func plainStored(c Cell, f *spec.Field) (decimal.Decimal, bool) {
	if !c.Numeric || c.Percent || c.Date {
		return decimal.Decimal{}, false
	}
	switch f.Type {
	case spec.TypeInteger, spec.TypeDecimal, spec.TypePercent, spec.TypeYear, spec.TypeSeq:
	default:
		return decimal.Decimal{}, false
	}
	s := c.Raw
	if s == "" || s[0] < '0' || s[0] > '9' {
		return decimal.Decimal{}, false
	}
	point := false
	for i := 1; i < len(s); i++ {
		switch b := s[i]; {
		case b >= '0' && b <= '9':
		case b == '.' && !point:
			point = true
		default:
			return decimal.Decimal{}, false
		}
	}
	n, exp, ok := shortDecimal(s)
	if !ok {
		return decimal.Decimal{}, false
	}
	return decfit.New(n, exp), true
}

// isPlainNumber reports whether s matches
// ^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$ (the test's plainNumber),
// without the regexp machine: [+-]? then digits with an optional point (or
// a point and digits), then an optional exponent.
func isPlainNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if digits() > 0 {
		if i < len(s) && s[i] == '.' {
			i++
			digits()
		}
	} else if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	} else {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// numberText shows a stored number as a person typed it: Excel keeps 15
// significant digits, so binary noise past them is dropped (0.1+0.2 stored as
// 0.30000000000000004 reads 0.3).
func numberText(raw string) string {
	d, err := exactStored(raw)
	if err != nil {
		return raw
	}
	return d.String()
}

// exactStored reads a number as stored by an office suite, to the 15
// significant digits every suite keeps.
func exactStored(raw string) (decimal.Decimal, error) {
	// strconv also takes 3_62, hex floats, Inf and NaN: a file's number is
	// none of these
	if !isPlainNumber(raw) {
		return decimal.Decimal{}, fmt.Errorf("not a number")
	}
	if n, exp, ok := shortDecimal(raw); ok {
		return decfit.New(n, exp), nil
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return decimal.Decimal{}, fmt.Errorf("not a number")
	}
	return float15(f), nil
}

// shortDecimal is float15(strconv.ParseFloat(raw)) as coefficient and
// exponent, read from the digits, for what most cells hold: digits with at
// most one point, no sign or exponent, at most 15 significant digits, the
// first of them between 10^-4 and 10^14 (where FormatFloat's 'g' writes no
// exponent). A double keeps any 15 significant digits, so those are what
// float15 gives back, without the trailing zeros after the point; ok is
// false for anything else, which goes through the float.
func shortDecimal(raw string) (n int64, exp int32, ok bool) {
	point := strings.IndexByte(raw, '.')
	intPart, frac := raw, ""
	if point >= 0 {
		intPart, frac = raw[:point], raw[point+1:]
	}
	frac = strings.TrimRight(frac, "0")
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 15 || strings.IndexByte(frac, '.') >= 0 {
		return 0, 0, false
	}
	first := len(intPart) - 1 // the power of ten of the first significant digit
	digits := intPart + frac
	if intPart == "" {
		lead := len(frac) - len(strings.TrimLeft(frac, "0"))
		first = -lead - 1
		digits = frac[lead:]
	}
	if digits == "" {
		return 0, 0, true // zero
	}
	if first < -4 || len(strings.TrimRight(digits, "0")) > 15 || len(digits) > 18 {
		return 0, 0, false
	}
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, int32(-len(frac)), true
}

// float15 is decimal.NewFromString(strconv.FormatFloat(f, 'g', 15, 64)) of
// a finite f, without the string: the digits (at most 15) as the
// coefficient, the exponent less the digits after the point.
func float15(f float64) decimal.Decimal {
	var buf [32]byte
	g := strconv.AppendFloat(buf[:0], f, 'g', 15, 64)
	var n int64
	neg, frac, exp := false, -1, 0
	for i := 0; i < len(g); i++ {
		switch c := g[i]; {
		case c == '-' && i == 0:
			neg = true
		case c >= '0' && c <= '9':
			n = n*10 + int64(c-'0')
			if frac >= 0 {
				frac++
			}
		case c == '.':
			frac = 0
		case c == 'e':
			e, eneg := 0, false
			for _, d := range g[i+1:] {
				switch {
				case d == '-':
					eneg = true
				case d >= '0' && d <= '9':
					e = e*10 + int(d-'0')
				}
			}
			if eneg {
				e = -e
			}
			exp = e
			i = len(g)
		}
	}
	if frac > 0 {
		exp -= frac
	}
	if neg {
		n = -n
	}
	return decfit.New(n, int32(exp))
}

// storedNumber reads a number the file stores as a number: exact to the 15
// digits office suites keep, a percent-formatted fraction as a percentage,
// and a date-formatted one refused (3-4 typed into a count became a date).
func storedNumber(c Cell, s string, f *spec.Field) (report.Value, []Note, error) {
	var notes []Note
	bad := func(msg, en string) (report.Value, []Note, error) {
		return report.Value{}, nil, &Error{Found: c.Raw, Msg: msg, MsgEn: en}
	}
	d, err := exactStored(s)
	if err != nil {
		return bad("不是数字", "not a number")
	}
	if c.Date {
		shown := "日期"
		if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 1 && f <= 2958465 {
			shown = SerialDate(f, c.Date1904).Format("2006-01-02")
		}
		return bad(fmt.Sprintf("单元格是日期格式（显示为 %s），本栏应填%s：可能是输入的数字（如 3-4）被当成了日期，请把单元格设为常规格式后重新输入", shown, unitName(f)),
			fmt.Sprintf("the cell is formatted as a date (shows %s) but takes %s: a number typed as 3-4 may have become a date; set the cell to General and type it again", shown, unitNameEn(f)))
	}
	if c.Percent {
		d = d.Mul(decimal.NewFromInt(100))
		if f.Type != spec.TypePercent {
			return bad(fmt.Sprintf("单元格是百分比格式（%s%%），本栏应填%s", d, unitName(f)), fmt.Sprintf("the cell is formatted as a percentage (%s%%) but takes %s", d, unitNameEn(f)))
		}
		notes = append(notes, Note{"percent_format", fmt.Sprintf("百分比格式的 %s 读作 %s", numberText(s), d), fmt.Sprintf("%s formatted as a percentage read as %s", numberText(s), d)})
	}
	return whole(c, d, f, notes)
}

func number(c Cell, s string, f *spec.Field) (report.Value, []Note, error) {
	var notes []Note
	bad := func(msg, en string) (report.Value, []Note, error) {
		return report.Value{}, nil, &Error{Found: c.Raw, Msg: msg, MsgEn: en}
	}
	if c.Numeric {
		return storedNumber(c, s, f)
	}
	if c.Date && isoDate.MatchString(s) { // an ISO date stored as such (t="d", as SheetJS writes dates)
		return bad(fmt.Sprintf("单元格存的是日期（%s），本栏应填%s：可能是输入的数字（如 3-4）被当成了日期，请把单元格设为常规格式后重新输入", s, unitName(f)),
			fmt.Sprintf("the cell holds a date (%s) but takes %s: a number typed as 3-4 may have become a date; set the cell to General and type it again", s, unitNameEn(f)))
	}
	// text: what people type
	t := fullWidth.Replace(s)
	if t != s {
		notes = append(notes, Note{"fullwidth", "全角数字或符号改为半角", "full-width digits or signs read as half-width"})
	}
	if m := innerSpace.FindString(t); m != "" {
		return bad(fmt.Sprintf("数字中间有空格（“%s”），无法确定是一个数还是几个数，请只填一个数", m), fmt.Sprintf("spaces inside the number (%q): one number or several? Type one number", m))
	}
	t = strings.Join(strings.FieldsFunc(t, isSpace), "")
	if len(t) > maxNumberText {
		return bad(fmt.Sprintf("数字过长（%d 个字符），请核对", len(t)), fmt.Sprintf("the number is too long (%d characters)", len(t)))
	}
	if f.Display == "ratio" && strings.HasSuffix(t, ":1") {
		t = strings.TrimSuffix(t, ":1")
		notes = append(notes, Note{"ratio", fmt.Sprintf("“%s”读作 %s", s, t), fmt.Sprintf("%q read as %s", s, t)})
	}
	if m := trailingUnit.FindStringSubmatch(t); m != nil {
		unit := m[2]
		if !unitMatches(unit, f) {
			if f.Unit == "" {
				return bad(fmt.Sprintf("数字后有多余的文字“%s”", unit), fmt.Sprintf("extra text %q after the number", unit))
			}
			return bad(fmt.Sprintf("单位“%s”与本栏单位“%s”不符，请换算后只填数字", unit, f.Unit), fmt.Sprintf("the unit %q is not this column's unit %q: convert and type the number only", unit, f.Unit))
		}
		t = m[1]
		notes = append(notes, Note{"unit", fmt.Sprintf("去掉了单位“%s”", unit), fmt.Sprintf("removed the unit %q", unit)})
	}
	pct := false
	if strings.HasSuffix(t, "%") {
		if f.Type != spec.TypePercent {
			return bad(fmt.Sprintf("本栏应填%s，不是百分比", unitName(f)), fmt.Sprintf("this column takes %s, not a percentage", unitNameEn(f)))
		}
		t, pct = strings.TrimSuffix(t, "%"), true
	}
	if thousands.MatchString(t) {
		t = strings.ReplaceAll(t, ",", "")
		notes = append(notes, Note{"thousands", "去掉了千分位分隔符", "removed thousands separators"})
	}
	if !isPlainNumber(t) {
		if strings.Contains(t, ",") {
			return bad("数字中的逗号位置不对，无法确定数值", "a comma in the wrong place: the number is unclear")
		}
		return bad("不是数字", "not a number")
	}
	d, err := decimal.NewFromString(t)
	if err != nil {
		return bad("不是数字", "not a number")
	}
	notes = append(notes, Note{"text_number", "文本格式的数字按数值读取", "a number stored as text read as a number"})
	if pct {
		notes = append(notes, Note{"percent", fmt.Sprintf("“%s”读作 %s", s, d), fmt.Sprintf("%q read as %s", s, d)})
	}
	return whole(c, d, f, notes)
}

// whole checks integers are whole and every number within MaxMagnitude.
func whole(c Cell, d decimal.Decimal, f *spec.Field, notes []Note) (report.Value, []Note, error) {
	if tooLarge(d) {
		return report.Value{}, nil, &Error{Found: c.Raw, Msg: "数值大得不合常理（达到或超过一万亿），请核对是否多输了数字或填错了单位", MsgEn: "an implausibly large number (a trillion or more): an extra digit or a wrong unit?"}
	}
	if (f.Type == spec.TypeInteger || f.Type == spec.TypeYear) && !d.IsInteger() {
		return report.Value{}, nil, &Error{Found: c.Raw, Msg: "应为整数", MsgEn: "must be a whole number"}
	}
	return report.Num(d), notes, nil
}

// tooLarge is d.Abs().GreaterThanOrEqual(maxMagnitude) without the big.Int
// that Abs (of a negative number) and Cmp (of a number with another
// exponent) make, for a coefficient of at most 18 digits: with n digits and
// exponent e, |d| is at least 10^(n-1+e) and below 10^(n+e), so it reaches
// 10^12 exactly when n+e ≥ 13.
func tooLarge(d decimal.Decimal) bool {
	if n := d.NumDigits(); n <= 18 {
		return d.Sign() != 0 && n+int(d.Exponent()) >= 13
	}
	return d.Abs().GreaterThanOrEqual(maxMagnitude)
}

func unitNameEn(f *spec.Field) string {
	if f.Unit == "" || f.Unit == "%" {
		return "a number"
	}
	return "a number in " + f.Unit
}

func unitName(f *spec.Field) string {
	if f.Unit == "" || f.Unit == "%" {
		return "数值"
	}
	return "以“" + f.Unit + "”为单位的数值"
}

// unitMatches accepts the field's unit, with or without its parentheses, and
// the 年 of a year.
func unitMatches(typed string, f *spec.Field) bool {
	unit := f.Unit
	if f.Type == spec.TypeYear {
		unit = "年"
	}
	if unit == "" {
		return false
	}
	norm := func(s string) string { return strings.NewReplacer("(", "", ")", "", "（", "", "）", "").Replace(s) }
	return norm(typed) == norm(unit)
}

var codeDigits = regexp.MustCompile(`^\d{10}$`)

func code(c Cell, s string) (report.Value, []Note, error) {
	var notes []Note
	t := fullWidth.Replace(s)
	if t != s {
		notes = append(notes, Note{"fullwidth", "全角数字改为半角", "full-width digits read as half-width"})
	}
	if c.Numeric {
		// a code typed into a number cell: exact only while it has no exponent
		if strings.ContainsAny(t, "eE.") {
			d, err := decimal.NewFromString(t)
			if err != nil || !d.IsInteger() || len(d.String()) != 10 {
				return report.Value{}, nil, &Error{Found: c.Raw, Msg: "学校标识码被存成了数字并丢失了位数，请把单元格设为文本后重新输入10位代码", MsgEn: "the school code was stored as a number and lost digits: set the cell to Text and type the 10 digits again"}
			}
			t = d.String()
		}
		notes = append(notes, Note{"text_number", "数字格式的学校标识码按文本读取", "a school code stored as a number read as text"})
	}
	if !codeDigits.MatchString(t) {
		return report.Value{}, nil, &Error{Found: c.Raw, Msg: "学校标识码应为10位数字", MsgEn: "the school code must be 10 digits"}
	}
	return report.Str(t), notes, nil
}

// isoDate is how a t="d" cell stores its date.
var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$`)

var dateLayouts = []string{"2006-01-02", "2006/01/02", "2006.01.02", "2006年01月02日", "2006-1-2", "2006/1/2", "2006.1.2", "2006年1月2日", "20060102"}

func date(c Cell, s string) (report.Value, []Note, error) {
	if c.Numeric {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !isPlainNumber(s) || f < 1 || f > 2958465 {
			return report.Value{}, nil, &Error{Found: c.Raw, Msg: "不是日期", MsgEn: "not a date"}
		}
		return report.Str(SerialDate(f, c.Date1904).Format("2006-01-02")), nil, nil
	}
	t := fullWidth.Replace(s)
	if c.Date { // t="d": an ISO 8601 date and time, e.g. 2026-10-15T00:00:00Z
		if d, err := time.Parse("2006-01-02", strings.SplitN(t, "T", 2)[0]); err == nil {
			return report.Str(d.Format("2006-01-02")), nil, nil
		}
	}
	for _, layout := range dateLayouts {
		if d, err := time.Parse(layout, t); err == nil {
			return report.Str(d.Format("2006-01-02")), []Note{{"date", "文本日期按日期读取", "a date stored as text read as a date"}}, nil
		}
	}
	return report.Value{}, nil, &Error{Found: c.Raw, Msg: "不是日期（请写成 2020-12-31）", MsgEn: "not a date (write 2020-12-31)"}
}

// SerialDate converts a spreadsheet date serial to a date, in the 1900 or the
// 1904 date system (the 1900 system counts the non-existent 1900-02-29).
func SerialDate(serial float64, date1904 bool) time.Time {
	days := int(math.Floor(serial))
	if date1904 {
		return time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
	}
	if days < 60 {
		return time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
	}
	return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
}

var schoolYearPattern = regexp.MustCompile(`^(\d{4})\s*[-–—~至到/]\s*(\d{4})(学年)?$`)

func schoolYear(s string) (report.Value, []Note, error) {
	t := fullWidth.Replace(s)
	m := schoolYearPattern.FindStringSubmatch(t)
	if m == nil {
		return report.Value{}, nil, &Error{Found: s, Msg: "学年应写成 2019-2020", MsgEn: "write the school year as 2019-2020"}
	}
	y1, _ := strconv.Atoi(m[1])
	y2, _ := strconv.Atoi(m[2])
	if y2 != y1+1 {
		return report.Value{}, nil, &Error{Found: s, Msg: "学年的后一年应为前一年加1", MsgEn: "the second year of a school year is the first plus one"}
	}
	v := fmt.Sprintf("%d-%d", y1, y2)
	var notes []Note
	if v != s {
		notes = append(notes, Note{"schoolyear", fmt.Sprintf("“%s”读作 %s", s, v), fmt.Sprintf("%q read as %s", s, v)})
	}
	return report.Str(v), notes, nil
}
