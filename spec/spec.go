package spec

import "github.com/shopspring/decimal"

// Sheet kinds.
const (
	KindRecord    = "record"    // one record: a label column and one value column (基本信息)
	KindIndicator = "indicator" // fixed rows × the comparison columns 上学年 | 本学年 | 本学年为上学年(%)
	KindList      = "list"      // open rows the school adds, with a 合计 row
)

// Value types of a field.
const (
	TypeInteger    = "integer"    // whole number
	TypeDecimal    = "decimal"    // decimal number with Decimals places
	TypePercent    = "percent"    // percentage number, 96.35 means 96.35 %
	TypeText       = "text"       // free text
	TypeEnum       = "enum"       // one of the values of an enum of the spec
	TypeYear       = "year"       // a calendar year such as 2019
	TypeSchoolYear = "schoolyear" // a school year such as 2019-2020
	TypeDate       = "date"       // a calendar date
	TypeCode       = "code"       // the 10-digit national school ID, kept as text
	TypePhone      = "phone"      // a telephone number, kept as text
	TypeEmail      = "email"      // an e-mail address
	TypeSeq        = "seq"        // 序号: the row's number in a list, computed
)

// Indicator column keys: every indicator sheet has these three columns.
const (
	ColPrev = "prev" // 上学年
	ColCur  = "cur"  // 本学年
	ColPct  = "pct"  // 本学年为上学年(%) = 本学年 ÷ 上学年 × 100
)

// YearIndex is the place of an indicator column among a row's three (the
// order above: 上学年, 本学年, 本学年为上学年(%)), -1 for another column.
func YearIndex(col string) int {
	switch col {
	case ColPrev:
		return 0
	case ColCur:
		return 1
	case ColPct:
		return 2
	}
	return -1
}

// TotalRow is the key by which expressions name the 合计 row of a list sheet.
const TotalRow = "total"

// Severities of a check.
const (
	SeverityError   = "error"   // 错误: must be fixed
	SeverityWarning = "warning" // 警告: must be verified; may stand with an explanation
)

// Spec is one report: an ordered list of sheets and the enums they use.
type Spec struct {
	ID       string  `yaml:"id" json:"id" validate:"required,key"`
	Version  string  `yaml:"version" json:"version" validate:"required"`
	Title    string  `yaml:"title" json:"title" validate:"required"`
	Contact  string  `yaml:"contact,omitempty" json:"contact,omitempty"`
	ListRows int     `yaml:"list_rows,omitempty" json:"list_rows,omitempty" validate:"omitempty,min=1,max=2000"`
	Columns  Columns `yaml:"columns" json:"columns"`
	Enums    []Enum  `yaml:"enums,omitempty" json:"enums,omitempty" validate:"dive"`
	Sheets   []Sheet `yaml:"sheets" json:"sheets" validate:"required,min=1,dive"`
	// Indicators are the key figures of one school, shown one row per school
	// (and a total row) when many schools are consolidated.
	Indicators []Indicator `yaml:"indicators,omitempty" json:"indicators,omitempty" validate:"dive"`
	// Sentences are what a region's report is written from (报告摘要), one
	// per indicator group, with placeholders for the region's figures.
	Sentences []Sentence `yaml:"sentences,omitempty" json:"sentences,omitempty" validate:"dive"`
	// Charts are the figures of the region's report, drawn on the
	// consolidated workbook's 图表 sheet.
	Charts []Chart `yaml:"charts,omitempty" json:"charts,omitempty" validate:"dive"`
	// Changes say what changed since earlier versions of the spec, one entry
	// per earlier version, so that a workbook of that version is read into
	// this one (see Change).
	Changes []Change `yaml:"changes,omitempty" json:"changes,omitempty" validate:"dive"`
	// History are the key indicators of the region year by year (the
	// consolidated workbook's 历年 sheet): numeric rows of indicator sheets,
	// written sheet.row. Empty: the rows the sentences and charts cite (see
	// HistoryRows).
	History []string `yaml:"history,omitempty" json:"history,omitempty"`

	// File is the name the spec was read from, for messages.
	File string `yaml:"-" json:"-"`
}

// Columns holds the labels of the comparison columns every indicator sheet has.
type Columns struct {
	Label string `yaml:"label" json:"label" validate:"required"` // 指标
	Unit  string `yaml:"unit" json:"unit" validate:"required"`   // 单位
	Prev  string `yaml:"prev" json:"prev" validate:"required"`   // 上学年
	Cur   string `yaml:"cur" json:"cur" validate:"required"`     // 本学年
	Pct   string `yaml:"pct" json:"pct" validate:"required"`     // 本学年为上学年(%)
	Total string `yaml:"total" json:"total" validate:"required"` // 合计
}

// Enum is a named list of allowed values (drop-down lists in the template).
type Enum struct {
	Key    string   `yaml:"key" json:"key" validate:"required,key"`
	Label  string   `yaml:"label" json:"label" validate:"required"`
	Values []string `yaml:"values" json:"values" validate:"required,min=1,dive,required,excludesall=0x2C"`
	Pos    Pos      `yaml:"-" json:"-"`
}

// Sheet is one table of the report.
type Sheet struct {
	Key     string   `yaml:"key" json:"key" validate:"required,key"`
	Name    string   `yaml:"name" json:"name" validate:"required,max=31,sheetname"`
	Title   string   `yaml:"title" json:"title" validate:"required"`
	Alt     []string `yaml:"alt,omitempty" json:"alt,omitempty" validate:"dive,required"`
	Kind    string   `yaml:"kind" json:"kind" validate:"required,oneof=record indicator list"`
	Note    string   `yaml:"note,omitempty" json:"note,omitempty"`
	Rows    []Field  `yaml:"rows,omitempty" json:"rows,omitempty" validate:"required_unless=Kind list,excluded_if=Kind list,dive"`
	Columns []Field  `yaml:"columns,omitempty" json:"columns,omitempty" validate:"required_if=Kind list,excluded_unless=Kind list,dive"`
	// ListRows is how many empty rows a list sheet offers above its 合计 row.
	ListRows int `yaml:"list_rows,omitempty" json:"list_rows,omitempty" validate:"omitempty,min=1,max=2000"`
	// Summary is a computed block below a list (e.g. prizes per 学年), laid out
	// like an indicator table: its rows are derived, its columns prev and cur.
	Summary *Summary `yaml:"summary,omitempty" json:"summary,omitempty" validate:"omitempty,excluded_unless=Kind list"`
	Checks  []Check  `yaml:"checks,omitempty" json:"checks,omitempty" validate:"dive"`
	// Pivots are further summaries of a list when many schools are
	// consolidated: its rows grouped by these columns (one or more each),
	// besides the summary by its first named column.
	Pivots [][]string `yaml:"pivots,omitempty" json:"pivots,omitempty" validate:"omitempty,excluded_unless=Kind list,dive,min=1,dive,required"`
	Pos    Pos        `yaml:"-" json:"-"`
}

// Indicator is a key figure of a school: an expression over explicit cells
// (e.g. teachers.ratio.cur), evaluated per school and for the region.
type Indicator struct {
	Key   string `yaml:"key" json:"key" validate:"required,key"`
	Label string `yaml:"label" json:"label" validate:"required"`
	Unit  string `yaml:"unit,omitempty" json:"unit,omitempty"`
	Value Expr   `yaml:"value" json:"value" validate:"required"`
	// Decimals the figure is rounded to (default 2).
	Decimals *int `yaml:"decimals,omitempty" json:"decimals,omitempty" validate:"omitempty,min=0,max=6"`
}

// Sentence is one sentence of the region's report summary (报告摘要). Its
// text holds placeholders in braces:
//
//	{schools}            how many schools were consolidated
//	{sheet.row.cur}      the region's 本学年 value of an indicator row (prev: 上学年)
//	{sheet.row.unit}     the row's unit
//	{sheet.row.change}   增长 2.3% / 减少 1.2% / 持平; for a rate (unit %): 提高 1.2 个百分点
//	{sheet.row.diff}     增加 412 人 / 减少 412 人 / 持平
//	{sheet.row.dir}      增长 / 减少 / 持平 alone
//
// A sentence whose figures are missing is left out, with the reason.
type Sentence struct {
	Key     string `yaml:"key" json:"key" validate:"required,key"`
	Heading string `yaml:"heading" json:"heading" validate:"required"`
	Text    string `yaml:"text" json:"text" validate:"required"`
}

// Placeholder words of a Sentence after sheet.row.
var sentenceWords = map[string]bool{"cur": true, "prev": true, "unit": true, "change": true, "diff": true, "dir": true}

// SentenceWord reports whether w may follow sheet.row in a sentence's
// placeholder.
func SentenceWord(w string) bool { return sentenceWords[w] }

// Chart is a figure of the region's report (图1 …), drawn from one source:
//
//	rows: [sheet.row, …]   indicator rows of the region: 上学年 and 本学年 side
//	                        by side (a pie shows 本学年)
//	list, by, sum           a list sheet's rows of every school, grouped by the
//	                        column by, summing the column sum (counting rows
//	                        when sum is empty)
//	indicator               one of the spec's indicators, school by school,
//	                        sorted (at most MaxChartSchools schools)
type Chart struct {
	Title     string   `yaml:"title" json:"title" validate:"required"`
	Kind      string   `yaml:"kind" json:"kind" validate:"required,oneof=bar barh pie"`
	Rows      []string `yaml:"rows,omitempty" json:"rows,omitempty"`
	List      string   `yaml:"list,omitempty" json:"list,omitempty"`
	By        string   `yaml:"by,omitempty" json:"by,omitempty"`
	Sum       string   `yaml:"sum,omitempty" json:"sum,omitempty"`
	Indicator string   `yaml:"indicator,omitempty" json:"indicator,omitempty"`
}

// MaxChartSchools is the most schools a chart by school shows.
const MaxChartSchools = 60

// Summary is a derived block under a list sheet.
type Summary struct {
	Title string  `yaml:"title" json:"title" validate:"required"`
	Rows  []Field `yaml:"rows" json:"rows" validate:"required,min=1,dive"`
}

// Field is a row of a record or indicator sheet, or a column of a list sheet.
type Field struct {
	Key      string   `yaml:"key" json:"key" validate:"required,key"`
	Label    string   `yaml:"label" json:"label" validate:"required"`
	Alt      []string `yaml:"alt,omitempty" json:"alt,omitempty" validate:"dive,required"`
	Unit     string   `yaml:"unit,omitempty" json:"unit,omitempty"`
	Type     string   `yaml:"type" json:"type" validate:"required,oneof=integer decimal percent text enum year schoolyear date code phone email seq"`
	Decimals *int     `yaml:"decimals,omitempty" json:"decimals,omitempty" validate:"omitempty,min=0,max=6"`
	Min      *Number  `yaml:"min,omitempty" json:"min,omitempty"`
	Max      *Number  `yaml:"max,omitempty" json:"max,omitempty"`
	Enum     string   `yaml:"enum,omitempty" json:"enum,omitempty" validate:"required_if=Type enum,excluded_unless=Type enum"`
	// Open lets a value outside the enum stand with a warning (the major list).
	Open     bool   `yaml:"open,omitempty" json:"open,omitempty"`
	Required bool   `yaml:"required,omitempty" json:"required,omitempty"`
	Role     string `yaml:"role,omitempty" json:"role,omitempty" validate:"omitempty,oneof=school_name school_code school_year fill_date contact_person contact_phone contact_email"`
	// Derived is the formula of a computed cell; nil for an input cell.
	Derived *Expr `yaml:"derived,omitempty" json:"derived,omitempty"`
	// Display "ratio" shows 13.5 as 13.5:1 (生师比).
	Display string `yaml:"display,omitempty" json:"display,omitempty" validate:"omitempty,oneof=ratio"`
	// Total says what the 合计 row of a list shows in this column: sum, derived
	// (the column's formula over the totals), label (the word 合计) or none.
	// Empty means: sum for numbers, derived for derived numbers, none otherwise.
	Total string `yaml:"total,omitempty" json:"total,omitempty" validate:"omitempty,oneof=sum derived label none"`
	// Weight says how a value that is neither a count nor an amount (a rate
	// with no parts, an average) is combined across schools: averaged,
	// weighted by this expression (e.g. students.enrolled). Without it input
	// numbers are summed and derived ones recomputed from the sums.
	Weight *Expr `yaml:"weight,omitempty" json:"weight,omitempty"`
	// NoCompare leaves the 本学年为上学年(%) cell of an indicator row empty.
	NoCompare bool   `yaml:"no_compare,omitempty" json:"no_compare,omitempty"`
	Width     int    `yaml:"width,omitempty" json:"width,omitempty" validate:"omitempty,min=4,max=80"`
	Hint      string `yaml:"hint,omitempty" json:"hint,omitempty"`
	Pos       Pos    `yaml:"-" json:"-"`
}

// Check is one rule of the report. Exactly one of the rule kinds is set.
type Check struct {
	ID        string `yaml:"id" json:"id" validate:"required"`
	Severity  string `yaml:"severity" json:"severity" validate:"required,oneof=error warning"`
	Message   string `yaml:"message" json:"message" validate:"required"`
	MessageEn string `yaml:"message_en" json:"message_en" validate:"required"`
	// Each says what the rule runs over: year (indicator sheets: once for 上学年 and
	// once for 本学年, the default there), row (list sheets: every filled row, the
	// default there) or once.
	Each string `yaml:"each,omitempty" json:"each,omitempty" validate:"omitempty,oneof=year row once"`
	// Missing is the strategy for empty values: skip (default: the rule is not
	// evaluated when a value it reads is empty) or zero (empty parts count as
	// zero; the rule is still skipped when its whole/right side is empty or when
	// every part is empty).
	Missing string `yaml:"missing,omitempty" json:"missing,omitempty" validate:"omitempty,oneof=skip zero"`
	// When is a condition: the rule applies only where it holds.
	When *Expr `yaml:"when,omitempty" json:"when,omitempty"`

	Sum     *SumRule     `yaml:"sum,omitempty" json:"sum,omitempty"`
	Compare *CompareRule `yaml:"compare,omitempty" json:"compare,omitempty"`
	Range   *RangeRule   `yaml:"range,omitempty" json:"range,omitempty"`
	Change  *ChangeRule  `yaml:"change,omitempty" json:"change,omitempty"`
	Match   *MatchRule   `yaml:"match,omitempty" json:"match,omitempty"`
	Expr    *Expr        `yaml:"expr,omitempty" json:"expr,omitempty"`
	Pos     Pos          `yaml:"-" json:"-"`
}

// SumRule: the parts add up to the total (op eq) or stay within it (op le).
type SumRule struct {
	Total Expr   `yaml:"total" json:"total" validate:"required"`
	Parts []Expr `yaml:"parts" json:"parts" validate:"required,min=1"`
	Op    string `yaml:"op,omitempty" json:"op,omitempty" validate:"omitempty,oneof=eq le"`
}

// CompareRule: left op right, e.g. 专任教师 <= 教职工总数.
type CompareRule struct {
	Left  Expr   `yaml:"left" json:"left" validate:"required"`
	Op    string `yaml:"op" json:"op" validate:"required,oneof=== <= >= < >"`
	Right Expr   `yaml:"right" json:"right" validate:"required"`
}

// RangeRule: min <= value <= max (either bound may be absent).
type RangeRule struct {
	Value Expr    `yaml:"value" json:"value" validate:"required"`
	Min   *Number `yaml:"min,omitempty" json:"min,omitempty"`
	Max   *Number `yaml:"max,omitempty" json:"max,omitempty"`
}

// ChangeRule: |本学年 − 上学年| <= Max for the listed rows of an indicator sheet
// (all rows when Rows is empty).
type ChangeRule struct {
	Rows []string `yaml:"rows,omitempty" json:"rows,omitempty"`
	Max  Number   `yaml:"max" json:"max"`
}

// MatchRule: every row of this list sheet where Where holds has a row in sheet
// In with the same key value, and that row satisfies Require.
type MatchRule struct {
	Key     string `yaml:"key" json:"key" validate:"required"`
	Where   *Expr  `yaml:"where,omitempty" json:"where,omitempty"`
	In      string `yaml:"in" json:"in" validate:"required"`
	InKey   string `yaml:"in_key" json:"in_key" validate:"required"`
	Require *Expr  `yaml:"require,omitempty" json:"require,omitempty"`
}

// Pos is a position in the spec file (1-based; zero when unknown).
type Pos struct {
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
}

// Expr is an expression kept as source text with its position in the spec.
type Expr struct {
	Src string
	Pos Pos
	// Quoted is true when the YAML scalar was quoted: the text starts one column
	// after Pos.
	Quoted bool
}

// Number is an exact decimal read from the spec.
type Number struct{ decimal.Decimal }

// Sheet returns the sheet with the given key, or nil.
func (s *Spec) Sheet(key string) *Sheet {
	for i := range s.Sheets {
		if s.Sheets[i].Key == key {
			return &s.Sheets[i]
		}
	}
	return nil
}

// Enum returns the enum with the given key, or nil.
func (s *Spec) Enum(key string) *Enum {
	for i := range s.Enums {
		if s.Enums[i].Key == key {
			return &s.Enums[i]
		}
	}
	return nil
}

// Role returns the record field with a role (school_name, school_code,
// school_year, fill_date; contact_person, contact_phone, contact_email: whom
// the bureau asks about the return) and its sheet, or nils.
func (s *Spec) Role(role string) (*Sheet, *Field) {
	for i := range s.Sheets {
		for j := range s.Sheets[i].Rows {
			if s.Sheets[i].Rows[j].Role == role {
				return &s.Sheets[i], &s.Sheets[i].Rows[j]
			}
		}
	}
	return nil, nil
}

// ListRowCount is the number of empty rows the template offers for a list sheet.
func (s *Spec) ListRowCount(sh *Sheet) int {
	switch {
	case sh.ListRows > 0:
		return sh.ListRows
	case s.ListRows > 0:
		return s.ListRows
	}
	return 30
}

// FieldLists calls fn with each list of fields of every sheet — its rows,
// its columns and its summary's rows — so that every field is met once.
func (s *Spec) FieldLists(fn func(fields []Field)) {
	for i := range s.Sheets {
		sh := &s.Sheets[i]
		fn(sh.Rows)
		fn(sh.Columns)
		if sh.Summary != nil {
			fn(sh.Summary.Rows)
		}
	}
}

// Fields returns the rows (record, indicator) or columns (list) of a sheet.
func (sh *Sheet) Fields() []Field {
	if sh.Kind == KindList {
		return sh.Columns
	}
	return sh.Rows
}

// Field returns the row or column with the given key, or nil. Summary rows of a
// list sheet are found too.
func (sh *Sheet) Field(key string) *Field {
	fs := sh.Fields()
	for i := range fs {
		if fs[i].Key == key {
			return &fs[i]
		}
	}
	if sh.Summary != nil {
		for i := range sh.Summary.Rows {
			if sh.Summary.Rows[i].Key == key {
				return &sh.Summary.Rows[i]
			}
		}
	}
	return nil
}

// Numeric reports whether the field holds a number.
func (f *Field) Numeric() bool {
	switch f.Type {
	case TypeInteger, TypeDecimal, TypePercent, TypeYear, TypeSeq:
		return true
	}
	return false
}

// Places is the number of decimals the field is shown and rounded with.
func (f *Field) Places() int {
	if f.Decimals != nil {
		return *f.Decimals
	}
	switch f.Type {
	case TypeDecimal, TypePercent:
		return 2
	}
	return 0
}

// Bounds returns the field's range: the declared one, or the type's default
// (counts and amounts are not negative, percentages lie in 0–100).
func (f *Field) Bounds() (min, max *decimal.Decimal) {
	if f.Min != nil {
		v := f.Min.Decimal
		min = &v
	}
	if f.Max != nil {
		v := f.Max.Decimal
		max = &v
	}
	zero, hundred := decimal.Zero, decimal.NewFromInt(100)
	switch f.Type {
	case TypeInteger, TypeDecimal:
		if min == nil {
			min = &zero
		}
	case TypePercent:
		if min == nil {
			min = &zero
		}
		if max == nil {
			max = &hundred
		}
	case TypeYear:
		if min == nil {
			y := decimal.NewFromInt(1949)
			min = &y
		}
		if max == nil {
			y := decimal.NewFromInt(2100)
			max = &y
		}
	}
	return min, max
}

// TotalKind resolves the Total setting of a list column.
func (f *Field) TotalKind() string {
	if f.Total != "" {
		return f.Total
	}
	switch {
	case f.Type == TypeSeq:
		return "none"
	case f.Derived != nil && f.Numeric():
		return "derived"
	case f.Numeric() && f.Type != TypeYear:
		return "sum"
	}
	return "none"
}

// Input reports whether the school types this cell (it is not computed).
func (f *Field) Input() bool { return f.Derived == nil && f.Type != TypeSeq }

// HeaderLabel is the label of a list column with its unit, e.g. 上学年在校生(人).
func (f *Field) HeaderLabel() string {
	if f.Unit == "" {
		return f.Label
	}
	return f.Label + "(" + f.Unit + ")"
}
