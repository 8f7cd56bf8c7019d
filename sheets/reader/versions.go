package reader

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
)

// Note kinds of reading a workbook of an earlier version of the spec.
const (
	// NoteVersion is a value read at its place in an earlier version's
	// workbook into this version's key (a renamed sheet, row or column, a
	// split row), and the note that the workbook is of an earlier version.
	NoteVersion = "version"
	// NoteNotCarried is a value of an earlier version's workbook that this
	// version has no place for (a removed row, a split whose new rows are
	// filled too): it is not read into the report.
	NoteNotCarried = "not_carried"
)

// Pseudo keys by which old labels are told from this version's in the
// label maps: they never collide with a spec key (keys are [a-z0-9_]).
const (
	keyRenamed = "\x00renamed:"
	keyRemoved = "\x00removed:"
	keySplit   = "\x00split:"
)

// plan is how the workbooks of an earlier version are read: the changes of
// the spec that apply, by sheet, and the label maps that take the old labels
// too. One plan is made per declared version, and one for workbooks of an
// unknown version (every change applies, the first that matches wins).
type plan struct {
	sheets map[string][]oldSheet
	rows   map[string]map[string]oldField // sheet → this version's field → what it was
	gone   map[string][]oldRemoved
	splits map[string][]oldSplit
	labels map[string]map[string]string // sheet → old and new labels → key
}

type oldSheet struct {
	version string // of the old name or title the sheet was found by
	spec.OldSheet
}

type oldField struct {
	version string // of the change that gives it
	spec.OldField
}

type oldRemoved struct {
	version string // of the change that gives it
	spec.RemovedRow
}

type oldSplit struct {
	version string // of the change that gives it
	*spec.SplitRow
}

// plans makes the plan of every declared version, and the plan of every
// change under "".
func plans(s *spec.Spec) map[string]*plan {
	if len(s.Changes) == 0 {
		return nil
	}
	out := map[string]*plan{}
	var all []*spec.Change
	for i := range s.Changes {
		ch := &s.Changes[i]
		out[ch.FromVersion] = newPlan(s, []*spec.Change{ch})
		all = append(all, ch)
	}
	out[""] = newPlan(s, all)
	return out
}

func newPlan(s *spec.Spec, changes []*spec.Change) *plan {
	pl := &plan{sheets: map[string][]oldSheet{}, rows: map[string]map[string]oldField{},
		gone: map[string][]oldRemoved{}, splits: map[string][]oldSplit{}, labels: map[string]map[string]string{}}
	for _, ch := range changes {
		v := ch.FromVersion
		for _, r := range ch.Sheets {
			pl.sheets[r.Key] = append(pl.sheets[r.Key], oldSheet{v, r.RenamedFrom})
		}
		for _, r := range ch.Rows {
			if pl.rows[r.Sheet] == nil {
				pl.rows[r.Sheet] = map[string]oldField{}
			}
			if _, ok := pl.rows[r.Sheet][r.Key]; !ok {
				pl.rows[r.Sheet][r.Key] = oldField{v, r.RenamedFrom}
			}
		}
		for _, r := range ch.Removed {
			pl.gone[r.Sheet] = append(pl.gone[r.Sheet], oldRemoved{v, r})
		}
		for j := range ch.Split {
			pl.splits[ch.Split[j].Sheet] = append(pl.splits[ch.Split[j].Sheet], oldSplit{v, &ch.Split[j]})
		}
	}
	for i := range s.Sheets {
		sh := &s.Sheets[i]
		var old []spec.Field
		for _, f := range sh.Fields() {
			if o, ok := pl.rows[sh.Key][f.Key]; ok && o.Label != "" {
				old = append(old, spec.Field{Key: keyRenamed + f.Key, Label: o.Label, Unit: cmp.Or(o.Unit, f.Unit)})
			}
		}
		for j, r := range pl.gone[sh.Key] {
			old = append(old, spec.Field{Key: keyRemoved + strconv.Itoa(j), Label: r.Label, Unit: r.Unit})
		}
		for j, sp := range pl.splits[sh.Key] {
			unit := sp.From.Unit
			if f := sh.Field(sp.Into[0]); unit == "" && f != nil {
				unit = f.Unit
			}
			old = append(old, spec.Field{Key: keySplit + strconv.Itoa(j), Label: sp.From.Label, Unit: unit})
		}
		if len(old) == 0 {
			continue
		}
		m := buildFieldLabels(sh.Fields())
		for k, v := range buildFieldLabels(old) {
			if _, taken := m[k]; !taken {
				m[k] = v
			}
		}
		pl.labels[sh.Key] = m
	}
	return pl
}

// planFor is the plan for a workbook of a version: nil for this version (or
// a spec without changes), the declared version's, else every change's.
func (rd *Reader) planFor(version string) *plan {
	if rd.plans == nil || version == rd.p.Spec.Version {
		return nil
	}
	if pl := rd.plans[version]; pl != nil {
		return pl
	}
	return rd.plans[""]
}

// sheetLabels are the labels of a sheet's rows or columns, with the old
// ones of the plan.
func (r *reader) sheetLabels(sh *spec.Sheet) map[string]string {
	m, _ := r.sheetHeaders(sh)
	return m
}

// sheetHeaders is sheetLabels, and how many fields its labels name (0: not
// known, for a plan's labels).
func (r *reader) sheetHeaders(sh *spec.Sheet) (labels map[string]string, keys int) {
	if r.plan != nil {
		if m := r.plan.labels[sh.Key]; m != nil {
			return m, 0
		}
	}
	return r.labels.fieldLabels(sh.Fields()), r.labels.keys(sh.Fields())
}

// oldSheetMatch says whether a sheet of the workbook, by its name (or its
// title), is the spec's sheet sh under the name it had in an earlier
// version, and which version that was.
func (r *reader) oldSheetMatch(sh *spec.Sheet, name, title string) (version string, ok bool) {
	if r.plan == nil {
		return "", false
	}
	for _, o := range r.plan.sheets[sh.Key] {
		if (o.Name != "" && norm(o.Name) == norm(name)) || (o.Title != "" && title != "" && norm(o.Title) == norm(title)) {
			return o.version, true
		}
	}
	return "", false
}

// renamedRows resolves the rows found by an old label: a field of this
// version not found by its own label takes the row of its old one. It
// returns the fields so read, with their old labels.
func (r *reader) renamedRows(sh *spec.Sheet, rows map[string]int) map[string]string {
	moved := map[string]string{}
	for k, row := range rows {
		key, ok := strings.CutPrefix(k, keyRenamed)
		if !ok {
			continue
		}
		delete(rows, k)
		if _, own := rows[key]; !own {
			rows[key] = row
			moved[key] = r.plan.rows[sh.Key][key].Label
		}
	}
	return moved
}

// moved is what a sheet of an earlier version's workbook holds at other
// places than this version: the whole sheet (renamed), and fields found by
// their old labels.
type moved struct {
	sheet   bool
	version string            // of the old name or title the sheet was found by
	fields  map[string]string // this version's field key → its old label
}

// versionNotes notes every value of a sheet read from a moved place: where
// it was in the old workbook and where it is in this version's template.
func (r *reader) versionNotes(sh *spec.Sheet, m moved) {
	if !m.sheet && len(m.fields) == 0 {
		return
	}
	book := r.out.Book.Sheets[sh.Key]
	if book == nil {
		return
	}
	noted := map[report.Addr]bool{} // a split's rows have their notes
	for _, n := range r.out.Notes {
		if n.Kind == NoteVersion {
			noted[n.Key] = true
		}
	}
	note := func(f *spec.Field, key report.Addr, v report.Value, col string) {
		old, ok := m.fields[f.Key]
		if (!ok && !m.sheet) || noted[key] {
			return
		}
		from := m.version // of the sheet's name, else of the row's label
		if o, renamed := r.plan.rows[sh.Key][f.Key]; ok && renamed {
			from = o.version
		}
		if old == "" {
			old = f.Label
		}
		oldSheet := v.Cell.Sheet // the sheet's name in the old workbook
		if oldSheet == "" {
			oldSheet = sh.Name
		}
		newCell := r.templateCell(sh, key)
		r.out.Notes = append(r.out.Notes, report.Note{Sheet: v.Cell.Sheet, Cell: v.Cell.Ref, Key: key, Kind: NoteVersion,
			Msg: fmt.Sprintf("版本 %s 的%s读入现版的%s",
				versionText(from), placeZh(oldSheet, old, col, v.Cell.String()), placeZh(sh.Name, f.Label, col, newCell)),
			MsgEn: fmt.Sprintf("version %s's %s is read into version %s's %s",
				versionEn(from), placeEn(oldSheet, old, col, v.Cell.String()), r.p.Spec.Version, placeEn(sh.Name, f.Label, col, newCell))})
	}
	switch sh.Kind {
	case spec.KindList:
		for i, row := range book.Rows {
			for j := range sh.Columns {
				f := &sh.Columns[j]
				if v, ok := row[f.Key]; ok {
					note(f, report.RowAddr(sh.Key, i, f.Key), v, fmt.Sprintf("第 %d 行", i+1))
				}
			}
		}
		for j := range sh.Columns {
			f := &sh.Columns[j]
			if v, ok := book.Values[report.Key{Field: f.Key, Col: report.TotalCol}]; ok {
				note(f, report.TotalAddr(sh.Key, f.Key), v, r.colText(report.TotalCol))
			}
		}
	default:
		for j := range sh.Rows {
			f := &sh.Rows[j]
			for _, col := range []string{"", spec.ColPrev, spec.ColCur, spec.ColPct} {
				if v, ok := book.Values[report.Key{Field: f.Key, Col: col}]; ok {
					note(f, report.ColAddr(sh.Key, f.Key, col), v, r.colText(col))
				}
			}
		}
	}
}

// colText names an indicator column (上学年, 本学年, 本学年为上学年(%)) or a
// list's 合计; "" for a record's value.
func (r *reader) colText(col string) string {
	c := r.p.Spec.Columns
	return map[string]string{spec.ColPrev: c.Prev, spec.ColCur: c.Cur, spec.ColPct: c.Pct, report.TotalCol: c.Total}[col]
}

// placeZh is a value's place in words: “团组织”表“团员数”（本学年，团组织!D5）,
// for a list “培训规模”表“培训人次”（第 1 行，培训规模!D3）.
func placeZh(sheet, label, col, cell string) string {
	where := cell
	if col != "" {
		where = col + "，" + cell
	}
	return fmt.Sprintf("“%s”表“%s”（%s）", sheet, label, where)
}

// placeEn is placeZh in English: 团组织 “团员数” (本学年, 团组织!D5).
func placeEn(sheet, label, col, cell string) string {
	where := cell
	if n, ok := strings.CutPrefix(col, "第 "); ok {
		col = "row " + strings.TrimSuffix(n, " 行")
	}
	if col != "" {
		where = col + ", " + cell
	}
	return fmt.Sprintf("%s “%s” (%s)", sheet, label, where)
}

func versionText(v string) string {
	if v == "" {
		return "（未知）"
	}
	return v
}

// versionEn is versionText in English.
func versionEn(v string) string {
	if v == "" {
		return "unknown"
	}
	return v
}

// templateCell is where a key is in this version's template (its default
// list rows), e.g. 团组织!D5; "" for a list row beyond them.
func (r *reader) templateCell(sh *spec.Sheet, a report.Addr) string {
	if r.layout == nil {
		r.layout = layout.New(r.p, 0)
	}
	l := r.layout.Sheets[sh.Key]
	switch {
	case a.InRow:
		if l.ListFirst+a.Row > l.ListLast {
			return "模板之外"
		}
		return sh.Name + "!" + xlsx.CellName(l.ColOf[a.Field], l.ListFirst+a.Row)
	case a.Col == report.TotalCol:
		return sh.Name + "!" + xlsx.CellName(l.ColOf[a.Field], l.TotalRow)
	case sh.Kind == spec.KindRecord:
		return sh.Name + "!" + xlsx.CellName(layout.ColRecValue, l.RowOf[a.Field])
	}
	c, _ := layout.YearCol(a.Col)
	return sh.Name + "!" + xlsx.CellName(c, l.RowOf[a.Field])
}

// oldRows reads what a sheet of an earlier version holds on rows this
// version removed or split, found by their old labels in rows (which loses
// those pseudo keys). cols are the value columns (record: "" only). It
// returns the fields of this version whose row is a split's old row, so
// that their own rows are not reported missing, with that row.
func (r *reader) oldRows(sh *spec.Sheet, name string, g grid, rows map[string]int, cols map[string]int) map[string]int {
	if r.plan == nil {
		return nil
	}
	covered := map[string]int{}
	order := []string{"", spec.ColPrev, spec.ColCur}
	for j, rm := range r.plan.gone[sh.Key] {
		row, ok := rows[keyRemoved+strconv.Itoa(j)]
		delete(rows, keyRemoved+strconv.Itoa(j))
		if !ok {
			continue
		}
		why, whyEn := "", ""
		if rm.Why != "" {
			why, whyEn = "（"+rm.Why+"）", " ("+rm.Why+")"
		}
		for _, col := range order {
			r.notCarried(sh, name, g, row, cols[col], rm.version, rm.Label, col,
				fmt.Sprintf("现版 %s 已删去这一行%s", r.p.Spec.Version, why), fmt.Sprintf("version %s has no such row%s", r.p.Spec.Version, whyEn))
		}
	}
	for j, sp := range r.plan.splits[sh.Key] {
		row, ok := rows[keySplit+strconv.Itoa(j)]
		delete(rows, keySplit+strconv.Itoa(j))
		if !ok {
			continue
		}
		var own []string
		for _, t := range sp.Into {
			if _, found := rows[t]; found {
				own = append(own, sh.Field(t).Label)
			}
		}
		if len(own) > 0 {
			for _, col := range order {
				r.notCarried(sh, name, g, row, cols[col], sp.version, sp.From.Label, col,
					fmt.Sprintf("工作表中已有拆分后的“%s”，旧行未拆分读入", strings.Join(own, "”“")),
					fmt.Sprintf("the sheet has the rows it was split into (%s) too: the old row is not read", strings.Join(own, ", ")))
			}
			continue
		}
		for _, t := range sp.Into {
			covered[t] = row
		}
		for _, col := range order {
			if cols[col] != 0 {
				r.split(sh, name, g, row, cols[col], col, sp)
			}
		}
	}
	return covered
}

// notCarried notes a value of an old row that is not read (nothing when
// the cell is empty).
func (r *reader) notCarried(sh *spec.Sheet, name string, g grid, row, col int, version, label, colKey, why, whyEn string) {
	if col == 0 {
		return
	}
	c, ok := g.get(row, col)
	if !ok || strings.TrimSpace(c.Value) == "" {
		return
	}
	at := xlsx.CellName(col, row)
	r.out.Notes = append(r.out.Notes, report.Note{Sheet: name, Cell: at, Key: report.Addr{Sheet: sh.Key}, Kind: NoteNotCarried,
		Msg:   fmt.Sprintf("版本 %s 的%s的值 %s 未转入现版：%s", versionText(version), placeZh(name, label, r.colText(colKey), name+"!"+at), c.Value, why),
		MsgEn: fmt.Sprintf("the value %s of version %s's %s is not carried into version %s: %s", c.Value, versionEn(version), placeEn(name, label, r.colText(colKey), name+"!"+at), r.p.Spec.Version, whyEn)})
}

// split reads an old row's value in one column into the rows it was split
// into, by the split's rule, with a note for every row.
func (r *reader) split(sh *spec.Sheet, name string, g grid, row, col int, colKey string, sp oldSplit) {
	first := sh.Field(sp.Into[0])
	for _, t := range sp.Into {
		r.locate(report.ColAddr(sh.Key, t, colKey), name, row, col)
	}
	c, ok := g.get(row, col)
	if !ok {
		return
	}
	v, ok := r.value(name, c, first, report.ColAddr(sh.Key, sp.Into[0], colKey))
	if !ok || v.Kind != report.Number {
		return
	}
	parts := sp.SplitParts(v.Num, first.Places())
	colName := r.colText(colKey)
	from, fromEn := placeZh(name, sp.From.Label, colName, v.Cell.String()), placeEn(name, sp.From.Label, colName, v.Cell.String())
	var labels []string
	for _, t := range sp.Into {
		labels = append(labels, sh.Field(t).Label)
	}
	for i, t := range sp.Into {
		f := sh.Field(t)
		key := report.ColAddr(sh.Key, t, colKey)
		at := r.templateCell(sh, key)
		to, toEn := placeZh(sh.Name, f.Label, colName, at), placeEn(sh.Name, f.Label, colName, at)
		var how, howEn string
		switch {
		case sp.Rule == spec.SplitFirst && i == 0:
			how, howEn = "全部计入"+to, "all of it into "+toEn
		case sp.Rule == spec.SplitFirst:
			how = fmt.Sprintf("%s留空（旧版未分开填报，全部计入“%s”）", to, first.Label)
			howEn = fmt.Sprintf("%s left empty (not reported apart; all of it is in “%s”)", toEn, first.Label)
		default:
			how = fmt.Sprintf("按规格的比例 %s%% 计入%s：%s", sp.Shares[i].String(), to, parts[i].String())
			howEn = fmt.Sprintf("its %s%% share by the spec into %s: %s", sp.Shares[i].String(), toEn, parts[i].String())
		}
		if parts[i] != nil {
			r.set(sh.Key, report.Key{Field: t, Col: colKey}, report.Value{Kind: report.Number, Num: *parts[i], Cell: v.Cell})
		}
		r.out.Notes = append(r.out.Notes, report.Note{Sheet: name, Cell: v.Cell.Ref, Key: key, Kind: NoteVersion,
			Msg: fmt.Sprintf("版本 %s 的%s = %s 在现版拆分为“%s”：%s",
				versionText(sp.version), from, v.Num.String(), strings.Join(labels, "”“"), how),
			MsgEn: fmt.Sprintf("version %s's %s = %s is split into %s in version %s: %s",
				versionEn(sp.version), fromEn, v.Num.String(), strings.Join(labels, ", "), r.p.Spec.Version, howEn)})
	}
}
