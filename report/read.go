package report

import "sync/atomic"

// Identity is what a workbook says of the template it was made from.
type Identity struct {
	SpecID      string `json:"spec_id"`
	Version     string `json:"version"`
	Fingerprint string `json:"fingerprint"`
	// Source is where it was found: "properties", "sheet", or "" when the
	// workbook carries none (recognised by its sheets' titles and labels).
	Source string `json:"source"`
}

// SheetMatch says which sheet of the file holds a table of the spec.
type SheetMatch struct {
	Key  string `json:"key"`  // spec sheet key
	Name string `json:"name"` // the sheet's name in the file ("" when it is missing)
	// How it was found: name, title, labels; "" when missing.
	How string `json:"how"`
}

// Note is a value that was read after normalising it, or something about the
// file worth knowing that does not stop the reading.
type Note struct {
	Sheet, Cell string // sheet name in the file; "" for the whole sheet or file
	Key         Addr   // e.g. students.enrolled.cur, majors[2].name; zero for the file
	Kind        string // cellvalue's kinds, and sheet_renamed, sheet_order, identity, formula_input, version, not_carried
	Msg         string
	MsgEn       string // the same in English, where the reader has it
}

// Text is the note in the language asked for ("en", else Chinese).
func (n Note) Text(lang string) string { return inLang(lang, n.Msg, n.MsgEn) }

// Problem is a value that cannot be read, or a table that is not there.
type Problem struct {
	Sheet, Cell string
	Key         Addr
	Found       string // what the cell holds
	Msg         string
	MsgEn       string // the same in English, where the reader has it
}

// Text is the problem in the language asked for ("en", else Chinese).
func (p Problem) Text(lang string) string { return inLang(lang, p.Msg, p.MsgEn) }

// inLang is en for lang "en" when there is one, else zh.
func inLang(lang, zh, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return zh
}

// Overwrite is a computed cell whose formula was replaced by a typed value:
// the value is kept in the book as what the school reported.
type Overwrite struct {
	Sheet, Cell string
	Key         Addr
	Value       Value
}

// Report is one school's report as read from a workbook: the values, where
// each cell of the spec is, and what the reader noted or could not read.
type Report struct {
	File     string
	Identity Identity
	// Book holds every input value, and the values typed over computed cells,
	// each with the cell it came from (Value.Cell, e.g. 学生情况!D4).
	Book        *Book
	Sheets      []SheetMatch
	Notes       []Note
	Problems    []Problem
	Overwritten []Overwrite
	// Located says where each cell of the spec is in the file
	// (students.enrolled.cur, basic.school_code, majors[0].name,
	// majors.total.cur_students), whether or not it holds a value: findings
	// name these cells. In the order the reader found them; an address
	// found twice is at its later place (what Cell gives).
	Located []Located
	// cells is Located by address, made at the first Cell: a school
	// without findings is never looked up, and most workbooks were read
	// only to be written out in that order (a map of their ~800 cells was
	// a quarter of the bytes the reader allocated)
	cells atomic.Pointer[map[Addr]Cell]
	// Explanations are the school's 说明 for warnings (情况说明, 审核结果).
	Explanations []Explanation
}

// Located is where one cell of the spec is in the file.
type Located struct {
	Addr Addr
	Cell Cell
}

// Cell returns where a cell of the spec is in the file (学生情况!D4), or the
// zero Cell. Safe from many goroutines while Located does not change.
func (r *Report) Cell(a Addr) Cell {
	m := r.cells.Load()
	if m == nil {
		// made again by a goroutine that comes in between: the same map
		cells := make(map[Addr]Cell, len(r.Located))
		for _, l := range r.Located {
			cells[l.Addr] = l.Cell
		}
		m = &cells
		r.cells.Store(m)
	}
	return (*m)[a]
}

// ColumnRange returns the cells of a list column's data rows, e.g.
// 专业结构!E3:E12, or the zero Cell when the list has no rows.
func (r *Report) ColumnRange(sheet, field string) Cell {
	n := len(r.Book.Rows(sheet))
	if n == 0 {
		return Cell{}
	}
	return r.Cell(RowAddr(sheet, 0, field)).Range(r.Cell(RowAddr(sheet, n-1, field)))
}

// Explanation is a school's 说明 for a finding.
type Explanation struct {
	Sheet, Cell, Rule string // what it explains (any may be empty)
	Text              string
	At                string // where it was written, e.g. 情况说明!D3
}

// Mark is one finding as an annotated copy shows it: the cells to colour and
// comment and the row of its 审核结果 sheet.
type Mark struct {
	Severity string   // error, warning, info
	Label    string   // 错误, 警告, 提示
	Rule     string   // the rule's id
	Cells    []string // Sheet!A1 or Sheet!A1:B9; the first one gets the comment
	Message  string
	Reported string
	Expected string // what it should be, as the school reads it: 331, ≤ 1883, 0–100
	// Row and Column are where the first cell is, in words: the row's label
	// (学生情况's 在校生, 第3行（机电技术应用）, 合计) and the column's title
	// (本学年, 专业名称); "" where the cell is not one of the spec's.
	Row, Column string
	// Explanation is the school's 说明 (written back into the result sheet).
	Explanation string
}

// Letter is what an annotated copy's 审核结果 sheet says to the school: who
// and which year it is about, when it was checked, and every finding.
type Letter struct {
	School string // 学校名称 as the school filled it ("" when empty)
	Year   string // 学年, e.g. 2025-2026
	Date   string // 审核日期, e.g. 2026-01-05
	Marks  []Mark
}
