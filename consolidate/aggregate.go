package consolidate

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

// acc accumulates one input cell over the schools: a sum, or for a weighted
// field Σ weight × value and Σ weight.
type acc struct {
	sum, wsum, w total
	n            int // schools that filled it
}

// aggregate is the region: every indicator input summed or weighted.
type aggregate struct {
	p *formula.Program
	// accs are the input cells, one after another in the spec's order:
	// each numeric input row of an indicator sheet, 上学年 then 本学年
	// (cells); slot finds one by its valueKey
	accs    []acc
	cells   []aggCell
	slot    map[string]int
	schools int
}

// aggCell is an input cell the region sums.
type aggCell struct {
	sh  *spec.Sheet
	f   *spec.Field
	col string
}

func newAggregate(p *formula.Program) *aggregate {
	a := &aggregate{p: p, slot: map[string]int{}}
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		if sh.Kind != spec.KindIndicator {
			continue
		}
		for j := range sh.Rows {
			f := &sh.Rows[j]
			if !f.Input() || !f.Numeric() {
				continue
			}
			for _, col := range []string{spec.ColPrev, spec.ColCur} {
				a.slot[valueKey(sh.Key, f.Key, col)] = len(a.cells)
				a.cells = append(a.cells, aggCell{sh, f, col})
			}
		}
	}
	a.accs = make([]acc, len(a.cells))
	return a
}

// acc is the input cell with the key (valueKey), nil when the region sums
// no such cell.
func (a *aggregate) acc(key string) *acc {
	if i, ok := a.slot[key]; ok {
		return &a.accs[i]
	}
	return nil
}

// contribution is what one school adds to one input cell of the region.
type contribution struct {
	slot     int // in accs
	value    decimal.Decimal
	weight   decimal.Decimal
	weighted bool
}

// contributions lists what a school adds (safe to call from many goroutines).
func (a *aggregate) contributions(book *report.Book, env formula.Env) []contribution {
	out := make([]contribution, 0, len(a.cells)) // at most one a cell: no growing
	for i, c := range a.cells {
		v := book.Get(c.sh.Key, report.Key{Field: c.f.Key, Col: c.col})
		if v.Kind != report.Number {
			continue
		}
		x := contribution{slot: i, value: v.Num}
		if c.f.Weight != nil {
			w := a.p.Expr(c.f.Weight).Eval(env, formula.Ctx{Year: c.col})
			if w.Kind != report.Number || w.Num.Sign() <= 0 {
				continue // no weight: the school is not in this average
			}
			x.weight, x.weighted = w.Num, true
		}
		out = append(out, x)
	}
	return out
}

// add counts a school's contributions.
func (a *aggregate) add(cs []contribution) {
	a.schools++
	for _, c := range cs {
		x := &a.accs[c.slot]
		x.n++
		if c.weighted {
			x.wsum.addProduct(c.weight, c.value)
			x.w.add(c.weight)
		} else {
			x.sum.add(c.value)
		}
	}
}

// book is the region's inputs: sums, and weighted averages rounded to the
// field's decimals.
func (a *aggregate) book() *report.Book {
	book := report.New()
	for i := range a.p.Spec.Sheets {
		sh := &a.p.Spec.Sheets[i]
		if sh.Kind != spec.KindIndicator {
			continue
		}
		for j := range sh.Rows {
			f := &sh.Rows[j]
			for _, col := range []string{spec.ColPrev, spec.ColCur} {
				x := a.acc(valueKey(sh.Key, f.Key, col))
				if x == nil || x.n == 0 {
					continue
				}
				v := x.sum.value()
				if f.Weight != nil {
					v = formula.Div(x.wsum.value(), x.w.value()).Round(int32(f.Places()))
				}
				book.Set(sh.Key, report.Key{Field: f.Key, Col: col}, report.Num(v))
			}
		}
	}
	return book
}

// regionRows is the number of rows of 汇总.
func regionRows(s *spec.Spec) int {
	n := 1 // the header
	for _, sh := range s.Sheets {
		if sh.Kind == spec.KindIndicator {
			n += 2 + len(sh.Rows) // title, rows, a blank line
		}
	}
	return n
}

// regionHeader is the header of 汇总.
func regionHeader(c spec.Columns) []any {
	return []any{c.Label, c.Unit, c.Prev, c.Cur, "增减", "增减(%)", "填报学校数", "说明"}
}

// region writes 汇总: every indicator table of the region, under one
// header: 指标 | 单位 | 上学年 | 本学年 | 增减 | 增减(%) | 填报学校数 | 说明.
// Counts and amounts are summed, rates and 生均 recomputed from the sums,
// rates without parts averaged with their weights; 增减 is 本学年 − 上学年
// and 增减(%) that change over 上学年 (empty when 上学年 is 0 or empty); a
// cell some schools left empty says how many it covers.
func (b *builder) region() error {
	in := b.agg.book()
	out := b.p.Compute(in)
	t, err := b.sink.Table(SheetRegion, TableOptions{Rows: regionRows(b.p.Spec), Cols: 8, Header: 1, Borders: true,
		Widths: []float64{30, 8, 13, 13, 12, 9, 9, 24}, WrapCols: []int{8}})
	if err != nil {
		return err
	}
	if err := t.Row(regionHeader(b.p.Spec.Columns)...); err != nil {
		return err
	}
	n := b.agg.schools
	b.regionBook.in, b.regionBook.out = in, out
	b.regionRows = map[[2]string]int{}
	row := 1 // the header
	for i := range b.p.Spec.Sheets {
		sh := &b.p.Spec.Sheets[i]
		if sh.Kind != spec.KindIndicator {
			continue
		}
		if err := t.Row(xlsx.Title(fmt.Sprintf("%s（%d 所学校）", sh.Title, n))); err != nil {
			return err
		}
		row++
		for j := range sh.Rows {
			if err := t.Row(b.regionRow(b.agg, sh, &sh.Rows[j], in, out)...); err != nil {
				return err
			}
			row++
			b.regionRows[[2]string{sh.Key, sh.Rows[j].Key}] = row
		}
		if err := t.Row(); err != nil {
			return err
		}
		row++
	}
	return nil
}

// regionRow is one indicator of 汇总 (or of a group of 分组汇总): 指标, 单位,
// 上学年, 本学年, 增减, 增减(%), 填报学校数, 说明.
func (b *builder) regionRow(agg *aggregate, sh *spec.Sheet, f *spec.Field, in, out *report.Book) []any {
	n := agg.schools
	format := fieldFormat(f)
	vals := []any{f.Label, nullable(f.Unit)}
	var notes []string
	var years [2]report.Value
	for c, col := range []string{spec.ColPrev, spec.ColCur} {
		k := report.Key{Field: f.Key, Col: col}
		v := in.Get(sh.Key, k)
		if !f.Input() {
			v = out.Get(sh.Key, k)
		}
		years[c] = v
		vals = append(vals, formatted(v, format, false))
	}
	var filled any
	if f.Input() && f.Numeric() && n > 0 {
		for _, col := range []string{spec.ColPrev, spec.ColCur} {
			k := 0
			if x := agg.acc(valueKey(sh.Key, f.Key, col)); x != nil {
				k = x.n
			}
			if col == spec.ColCur {
				filled = count(k)
			}
			if k < n {
				notes = append(notes, fmt.Sprintf("%s %d/%d 所学校填报", yearName(b.p, col), k, n))
			}
		}
	}
	change, pct := changeCells(years[0], years[1], f.Places())
	vals = append(vals, change, pct, filled)
	switch {
	case f.Weight != nil:
		notes = append([]string{"按" + weightLabel(b.p, f) + "加权平均"}, notes...)
	case !f.Input():
		notes = append([]string{"由汇总数重算"}, notes...)
	}
	return append(vals, nullable(strings.Join(notes, "；")))
}

func yearName(p *formula.Program, col string) string {
	if col == spec.ColPrev {
		return p.Spec.Columns.Prev
	}
	return p.Spec.Columns.Cur
}

// weightLabel names a weight: the label of the row it reads, or its text.
func weightLabel(p *formula.Program, f *spec.Field) string {
	e := p.Expr(f.Weight)
	if len(e.Refs) == 1 {
		if sh := p.Spec.Sheet(e.Refs[0].Sheet); sh != nil {
			if g := sh.Field(e.Refs[0].Field); g != nil {
				return g.Label
			}
		}
	}
	return f.Weight.Src
}

// pivot sums a list's numbers by item across schools.
type pivot struct {
	sh     *spec.Sheet
	keys   []*spec.Field                // the columns the rows are grouped by
	name   string                       // the sheet it is written to
	counts bool                         // shows how many rows each group has (declared pivots)
	sums   []*spec.Field                // the columns summed (TotalKind sum)
	parts  map[string][]string          // item → its key columns' values
	items  map[string]map[string]*total // item → column → sum
	filled map[string]map[string]bool
	// schools counts the schools of an item, and all those of any item:
	// schools come one after another (in code order), so a school is new
	// to an item when it is not the item's last one (no set of codes kept
	// per item: 10,000 schools of a dozen majors each)
	schools    map[string]int
	last       map[string]string
	all        int
	allLast    string
	allCounted bool
}

// rowCount is where a pivot counts an item's rows (no column has this key).
const rowCount = "\x00rows"

func newPivot(sh *spec.Sheet, keys []*spec.Field, name string) *pivot {
	pv := &pivot{sh: sh, keys: keys, name: name, parts: map[string][]string{}, items: map[string]map[string]*total{},
		filled: map[string]map[string]bool{}, schools: map[string]int{}, last: map[string]string{}}
	for i := range sh.Columns {
		if sh.Columns[i].TotalKind() == "sum" {
			pv.sums = append(pv.sums, &sh.Columns[i])
		}
	}
	return pv
}

// oneRow is what a row adds to its item's count.
var oneRow = decimal.NewFromInt(1)

// pivotPart is a row's value of a key column, or （未填）.
func pivotPart(row map[string]report.Value, k *spec.Field) string {
	if s := row[k.Key].String(); s != "" {
		return s
	}
	return "（未填）"
}

// pivotsOf are a list's summaries: by its first named column, then by each
// grouping the spec declares.
func pivotsOf(sh *spec.Sheet) []*pivot {
	out := []*pivot{newPivot(sh, []*spec.Field{pivotField(sh)}, pivotName(sh))}
	for _, keys := range sh.Pivots {
		var fs []*spec.Field
		var labels []string
		for _, k := range keys {
			f := sh.Field(k)
			fs = append(fs, f)
			labels = append(labels, strings.TrimSuffix(f.Label, "名称"))
		}
		pv := newPivot(sh, fs, cut31(sh.Name+"按"+strings.Join(labels, "和")))
		pv.counts = true
		out = append(out, pv)
	}
	return out
}

// add counts one list row of a school, the i-th; computed holds its
// derived values (a derived column summed in the 合计 row, like 总课时, is
// summed).
func (p *pivot) add(code string, row map[string]report.Value, computed formula.Computed, i int) {
	var item string
	var parts []string // made for a new item only when there is one key
	if len(p.keys) == 1 {
		item = pivotPart(row, p.keys[0])
	} else {
		parts = make([]string, len(p.keys))
		for i, k := range p.keys {
			parts[i] = pivotPart(row, k)
		}
		item = strings.Join(parts, "\x00")
	}
	sums := p.items[item]
	if sums == nil {
		if parts == nil {
			parts = []string{item}
		}
		sums = map[string]*total{rowCount: {}}
		for _, f := range p.sums {
			sums[f.Key] = &total{}
		}
		p.items[item], p.filled[item] = sums, map[string]bool{}
		p.parts[item] = parts
	}
	sums[rowCount].add(oneRow)
	if last, ok := p.last[item]; !ok || last != code {
		p.schools[item]++
		p.last[item] = code
	}
	if !p.allCounted || p.allLast != code {
		p.all++
		p.allLast, p.allCounted = code, true
	}
	filled := p.filled[item]
	for _, f := range p.sums {
		v := row[f.Key]
		if !f.Input() {
			v = computed.Row(p.sh.Key, i, f.Key)
		}
		if v.Kind == report.Number {
			sums[f.Key].add(v.Num)
			filled[f.Key] = true
		}
	}
}

// pivotColumns are the columns a pivot shows: the sums and what is computed
// from them.
func pivotColumns(sh *spec.Sheet) []*spec.Field {
	var out []*spec.Field
	for i := range sh.Columns {
		f := &sh.Columns[i]
		if k := f.TotalKind(); k == "sum" || k == "derived" {
			out = append(out, f)
		}
	}
	return out
}

func (b *builder) pivotTable(pv *pivot) error {
	sh := pv.sh
	items := make([]string, 0, len(pv.items))
	for it := range pv.items {
		items = append(items, it)
	}
	sort.Slice(items, func(i, j int) bool { return b.itemLess(pv, items[i], items[j]) })
	// one list row per item holding the sums: derived columns and the 合计
	// row are then computed as for one school's list
	book := report.New()
	for _, it := range items {
		row := map[string]report.Value{}
		for i, k := range pv.keys {
			row[k.Key] = report.Str(pv.parts[it][i])
		}
		for k, v := range pv.items[it] {
			if pv.filled[it][k] {
				row[k] = report.Num(v.value())
			}
		}
		book.AddRow(sh.Key, row)
	}
	got := b.p.Compute(book)
	cols := pivotColumns(sh)
	header, widths := pivotHeader(pv, cols)
	t, err := b.sink.Table(pv.name, TableOptions{Rows: len(items) + 2, Cols: len(header), Header: 1, Filter: true, Borders: true, Widths: widths})
	if err != nil {
		return err
	}
	if err := t.Row(header...); err != nil {
		return err
	}
	rowsAll := decimal.Zero
	for i, it := range items {
		var vals []any
		for _, part := range pv.parts[it] {
			vals = append(vals, part)
		}
		vals = append(vals, count(pv.schools[it]))
		if pv.counts {
			rows := pv.items[it][rowCount].value()
			vals = append(vals, num(rows, fmtCount))
			rowsAll = rowsAll.Add(rows)
		}
		for _, f := range cols {
			v := book.Rows(sh.Key)[i][f.Key]
			if f.TotalKind() == "derived" {
				v = got.Rows(sh.Key)[i][f.Key]
			}
			vals = append(vals, formatted(v, fieldFormat(f), false))
		}
		if err := t.Row(vals...); err != nil {
			return err
		}
	}
	vals := []any{xlsx.Bold(b.p.Spec.Columns.Total)}
	for range pv.keys[1:] {
		vals = append(vals, nil)
	}
	vals = append(vals, xlsx.Number{Value: decimal.NewFromInt(int64(pv.all)), Format: fmtCount, Bold: true})
	if pv.counts {
		vals = append(vals, xlsx.Number{Value: rowsAll, Format: fmtCount, Bold: true})
	}
	for _, f := range cols {
		v := got.Get(sh.Key, report.Key{Field: f.Key, Col: report.TotalCol})
		if f.TotalKind() == "sum" && !f.Input() { // a derived column summed: the sum of the items
			v = sumColumn(book.Rows(sh.Key), f.Key)
		}
		vals = append(vals, formatted(v, fieldFormat(f), true))
	}
	return t.Row(vals...)
}

func sumColumn(rows []map[string]report.Value, key string) report.Value {
	var sum decimal.Decimal
	found := false
	for _, r := range rows {
		if v := r[key]; v.Kind == report.Number {
			sum, found = sum.Add(v.Num), true
		}
	}
	if !found {
		return report.Value{}
	}
	return report.Num(sum)
}

// itemLess orders a pivot's items column by column: a drop-down column in
// its list's order (国家级, 省级, 市级), others by text.
func (b *builder) itemLess(pv *pivot, x, y string) bool {
	px, py := pv.parts[x], pv.parts[y]
	for i, k := range pv.keys {
		if px[i] == py[i] {
			continue
		}
		if k.Enum != "" {
			if e := b.p.Spec.Enum(k.Enum); e != nil {
				ix, iy := slices.Index(e.Values, px[i]), slices.Index(e.Values, py[i])
				if ix != iy && ix >= 0 && iy >= 0 {
					return ix < iy
				}
			}
		}
		return px[i] < py[i]
	}
	return false
}

// pivotHeader is a pivot's header and column widths: its key columns, 学校数,
// 行数 for a declared pivot, then the summed and derived columns.
func pivotHeader(pv *pivot, cols []*spec.Field) (header []any, widths []float64) {
	for _, k := range pv.keys {
		header = append(header, k.Label)
		widths = append(widths, 28/float64(len(pv.keys))+6)
	}
	header = append(header, "学校数")
	widths = append(widths, 8)
	if pv.counts {
		header = append(header, "行数")
		widths = append(widths, 8)
	}
	for _, f := range cols {
		header = append(header, f.HeaderLabel())
		widths = append(widths, headerWidth(f.HeaderLabel(), 9))
	}
	return header, widths
}

// changeCells are 增减 and 增减(%) from base to v: empty unless both are
// numbers, 增减(%) also when base is 0.
func changeCells(base, v report.Value, places int) (change, pct any) {
	if base.Kind != report.Number || v.Kind != report.Number {
		return nil, nil
	}
	diff := v.Num.Sub(base.Num)
	change = num(diff, changeFormat(places))
	if !base.Num.IsZero() {
		pct = num(diff.Mul(decimal.NewFromInt(100)).DivRound(base.Num, 2), changeFormat(2))
	}
	return change, pct
}
