package consolidate

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nianbao/nianbao/consolidate/summary"
	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
	"github.com/nianbao/nianbao/validate"
	"github.com/shopspring/decimal"
)

// Names of the sheets every consolidation has.
const (
	SheetRegion     = report.RegionSheet
	SheetDigest     = summary.SheetName // 报告摘要
	SheetIndicators = report.IndicatorsSheet
	SheetStatus     = report.StatusSheet
	SheetFindings   = "审核结果"
)

// Summary says what a consolidation did.
type Summary struct {
	Year        string
	Files       int
	Schools     int // consolidated
	Passed      int
	Warnings    int
	Errors      int
	Unreadable  int
	Duplicates  int
	WrongYear   int
	Missing     int
	Submissions []*Submission // every file, in name order
	// With a store: of this run's files, Read were read (new or changed)
	// and Reused were known by their content; Files counts every file the
	// store holds for the year.
	Read, Reused int
	// Region are this run's figures of 汇总, for a store to keep.
	Region YearFigures
}

// Run reads and validates every file and writes the consolidated tables to
// the sink, each file through opt.Pipeline (required). The same files in
// any order give the same tables.
func Run(ctx context.Context, p *formula.Program, files []string, opt Options, sink Sink) (*Summary, error) {
	if opt.Pipeline == nil || opt.Pipeline.Read == nil {
		sink.Abort()
		return nil, errors.New("consolidate: Options.Pipeline (how to read each file) is not set")
	}
	by, err := resolveBy(p.Spec, opt.By)
	if err != nil {
		sink.Abort()
		return nil, err
	}
	files = append([]string(nil), files...)
	sort.Strings(files)
	opt.Pipeline.NameCopies(files)
	var (
		subs    []*Submission
		records recordSource
		year    string
		stored  *storedRun
	)
	if opt.Store != nil {
		if stored, err = fromStore(ctx, p, files, opt); err == nil {
			subs, records, year = stored.subs, storeRecords{ctx, opt.Store, p}, stored.year
		}
		opt.Roots = nil // files are named as the store has them
		if err == nil && opt.History == nil {
			opt.History, err = storedHistory(ctx, opt.Store, p.Spec.ID, year)
		}
	} else {
		var spill *spillFile
		if spill, err = newSpill(p); err != nil {
			sink.Abort()
			return nil, err
		}
		defer spill.close()
		if subs, err = collect(ctx, p, files, opt, spill); err == nil {
			records, year = spill, choose(subs, opt)
		}
	}
	if err != nil {
		sink.Abort()
		return nil, err
	}
	var chosen []*Submission
	for _, s := range subs {
		if s.chosen {
			chosen = append(chosen, s)
		}
	}
	sort.Slice(chosen, func(i, j int) bool { return chosen[i].Code < chosen[j].Code })
	b := &builder{p: p, opt: opt, records: records, chosen: chosen, subs: subs, year: year, sink: newSpool(sink),
		groups: groups{by: by, aggs: map[string]*aggregate{}, keys: map[string][]string{}}}
	if err := b.build(); err != nil {
		b.sink.Abort()
		return nil, err
	}
	sum := b.summary()
	if stored != nil {
		sum.Read, sum.Reused = stored.read, stored.reused
	}
	if opt.Store != nil && sum.Schools > 0 {
		if err := keepRegion(ctx, opt.Store, p.Spec.ID, sum.Region); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

type builder struct {
	boxes boxes // 学校数据's texts as values (its goroutine's only)
	// rowBoxes are the values of the other tables' rows of a school
	// (school: the goroutine of eachSchool's)
	rowBoxes boxes
	// wideCells is the row wideRows makes, one after another (the
	// goroutine of eachSchool's; a table does not keep a row)
	wideCells []xlsx.RowCell
	p         *formula.Program
	opt       Options
	records   recordSource
	chosen    []*Submission
	subs      []*Submission
	year      string
	sink      Sink

	missing int
	agg     *aggregate
	groups  groups
	pivot   map[string][]*pivot // list sheet key → its pivots
	total   int                 // findings of the chosen schools
	// regionRows is the row of 汇总 where each indicator row stands, by
	// sheet key and field key, for the 报告摘要 to cite; regionBook holds the
	// region's inputs and what is computed from them
	regionRows map[[2]string]int
	regionBook struct{ in, out *report.Book }
	charts     *chartData // what the charts by list and by school gather
	// lists and indicators are the spec's list and indicator sheets;
	// formats the number format of each of their fields (fieldFormat), by
	// sheet, in the order of its columns (a list) or rows
	lists, indicators []*spec.Sheet
	formats           map[*spec.Sheet][]string
	// rooms are the memory of schools written, for the next ones
	// (prepare, release)
	rooms sync.Pool
}

func listSheets(s *spec.Spec) []*spec.Sheet { return sheetsOf(s, spec.KindList) }

// sheetsOf are the spec's sheets of a kind, in order.
func sheetsOf(s *spec.Spec, kind string) []*spec.Sheet {
	var out []*spec.Sheet
	for i := range s.Sheets {
		if s.Sheets[i].Kind == kind {
			out = append(out, &s.Sheets[i])
		}
	}
	return out
}

func detailName(sh *spec.Sheet) string { return cut31(sh.Name + "明细") }
func pivotName(sh *spec.Sheet) string {
	return cut31(sh.Name + "按" + strings.TrimSuffix(pivotField(sh).Label, "名称"))
}

func cut31(s string) string {
	r := []rune(s)
	if len(r) > 31 {
		r = r[:31]
	}
	return string(r)
}

// pivotField is the column a list is pivoted by: its first named column.
func pivotField(sh *spec.Sheet) *spec.Field {
	for i := range sh.Columns {
		f := &sh.Columns[i]
		if f.Type == spec.TypeText || f.Type == spec.TypeEnum {
			return f
		}
	}
	return &sh.Columns[0]
}

func (b *builder) build() error {
	if err := b.sink.Reserve(b.sheetNames()...); err != nil {
		return err
	}
	if err := b.status(); err != nil {
		return err
	}
	b.lists, b.indicators = listSheets(b.p.Spec), indicatorSheets(b.p.Spec)
	b.formats = map[*spec.Sheet][]string{}
	for _, sh := range append(append([]*spec.Sheet(nil), b.lists...), b.indicators...) {
		fs := sh.Fields()
		for j := range fs {
			b.formats[sh] = append(b.formats[sh], fieldFormat(&fs[j]))
		}
	}
	b.agg = newAggregate(b.p)
	b.pivot = map[string][]*pivot{}
	for _, sh := range listSheets(b.p.Spec) {
		b.pivot[sh.Key] = pivotsOf(sh)
	}
	if err := b.schools(); err != nil {
		return err
	}
	if err := b.region(); err != nil {
		return err
	}
	if err := b.digest(); err != nil {
		return err
	}
	if err := b.chartSheet(); err != nil {
		return err
	}
	if err := b.historySheet(); err != nil {
		return err
	}
	if err := b.groupTable(); err != nil {
		return err
	}
	for _, sh := range listSheets(b.p.Spec) {
		for _, pv := range b.pivot[sh.Key] {
			if err := b.pivotTable(pv); err != nil {
				return err
			}
		}
	}
	return b.sink.Close()
}

// sheetNames are the consolidated workbook's sheets, in the order shown.
func (b *builder) sheetNames() []string {
	names := []string{SheetRegion}
	if len(b.p.Spec.Sentences) > 0 {
		names = append(names, SheetDigest)
	}
	if len(b.p.Spec.Charts) > 0 {
		names = append(names, SheetCharts)
	}
	if len(b.opt.History) > 0 {
		names = append(names, SheetHistory)
	}
	if len(b.groups.by) > 0 {
		names = append(names, SheetGroups)
	}
	names = append(names, SheetIndicators, SheetStatus, SheetFindings, SheetSchoolData)
	for _, sh := range indicatorSheets(b.p.Spec) {
		names = append(names, wideName(sh))
	}
	for _, sh := range listSheets(b.p.Spec) {
		names = append(names, detailName(sh))
		for _, pv := range pivotsOf(sh) {
			names = append(names, pv.name)
		}
	}
	return names
}

// schools is the pass over the schools, in code order: their rows of 学校指标,
// 审核结果, 学校数据, the tables school by school and the lists' details,
// and what the region, the pivots and the charts gather.
func (b *builder) schools() error {
	ind, err := b.indicatorsTable()
	if err != nil {
		return err
	}
	ft, err := b.findingsTable()
	if err != nil {
		return err
	}
	long, err := b.newLongTable(SheetSchoolData)
	if err != nil {
		return err
	}
	details, err := b.detailTables()
	if err != nil {
		return err
	}
	wide, err := b.wideTables()
	if err != nil {
		return err
	}
	b.charts = newChartData()
	// 学校数据, most of the workbook, is written on a goroutine of its own
	// while this one writes the other tables: the two share nothing but the
	// schools, which neither changes. (The other tables are spooled and only
	// reach the workbook, its shared strings and styles, after this pass.)
	data := make(chan *prepared, 8)
	dataErr := make(chan error, 1)
	var failed atomic.Bool
	go func() {
		var err error
		for x := range data {
			if err == nil {
				if err = b.schoolData(x, long); err != nil {
					failed.Store(true)
				}
			}
			b.release(x) // 学校数据 is the last to read a school
		}
		dataErr <- err
	}()
	err = b.eachSchool(func(x *prepared) error {
		if failed.Load() {
			return errDataFailed
		}
		if err := b.school(x, ind, ft, details); err != nil {
			return err
		}
		if err := b.wideRows(x, wide); err != nil {
			return err
		}
		b.chartSchool(x)
		data <- x
		return nil
	})
	close(data)
	if derr := <-dataErr; derr != nil {
		return derr
	}
	if err != nil {
		return err
	}
	return b.indicatorTotal(ind)
}

// errDataFailed stops the pass when 学校数据 could not be written (its own
// error is the one returned).
var errDataFailed = errors.New("学校数据写入失败")

// findingsTable starts 审核结果: one row per finding of the schools used.
func (b *builder) findingsTable() (RowWriter, error) {
	findings := 0
	for _, s := range b.chosen {
		findings += s.Findings
	}
	ft, err := b.sink.Table(SheetFindings, TableOptions{Rows: findings + 1, Cols: 9, Header: 1, Filter: true, Borders: true,
		Widths: []float64{13, 28, 7, 12, 8, 20, 50, 11, 11}})
	if err != nil {
		return nil, err
	}
	return ft, ft.Row("学校标识码", "学校名称", "级别", "工作表", "单元格", "规则", "问题", "填报值", "应为")
}

// detailTables start each list's 明细: every school's rows, with their source.
func (b *builder) detailTables() (map[string]RowWriter, error) {
	details := map[string]RowWriter{}
	for _, sh := range listSheets(b.p.Spec) {
		rows := 1
		for _, s := range b.chosen {
			rows += s.Rows[sh.Key]
		}
		t, err := b.sink.Table(detailName(sh), TableOptions{Rows: rows, Cols: len(sh.Columns) + 3, Header: 1, Filter: true, Borders: true, Widths: detailWidths(sh),
			Shared: []int{1, 2}}) // the school; 来源 (file, sheet, row) is each row's own
		if err != nil {
			return nil, err
		}
		header := []any{"学校标识码", "学校名称"}
		for _, f := range sh.Columns {
			header = append(header, f.HeaderLabel())
		}
		if err := t.Row(append(header, "来源")...); err != nil {
			return nil, err
		}
		details[sh.Key] = t
	}
	return details, nil
}

// school writes one school used: its row of 学校指标, its findings, its
// lists' rows; and adds it to the region and the pivots.
func (b *builder) school(x *prepared, ind, ft RowWriter, details map[string]RowWriter) error {
	s, rec, book, computed := x.s, x.rec, x.book, x.computed
	b.agg.add(x.contrib)
	b.addToGroup(x)
	if err := ind.Row(append([]any{s.Code, s.Name}, x.ind...)...); err != nil {
		return err
	}
	for _, f := range rec.Findings {
		if err := ft.Row(s.Code, s.Name, validate.SeverityLabel(f.Severity, b.opt.Pipeline.Lang), f.Sheet, f.Cell, f.Rule, f.Message, f.Reported, f.Expected); err != nil {
			return err
		}
	}
	file := b.display(s.File)              // once per school: it asks the file system
	var vals []any                         // a row after another: Row keeps none
	code, name := any(s.Code), any(s.Name) // made values once
	var src []byte
	for _, sh := range b.lists {
		formats := b.formats[sh]
		sheet := rec.Sheets[sh.Key]
		for i, row := range book.Rows(sh.Key) {
			vals = append(vals[:0], code, name)
			for j := range sh.Columns {
				f := &sh.Columns[j]
				v := row[f.Key]
				if !f.Input() {
					v = computed.Row(sh.Key, i, f.Key)
				}
				vals = append(vals, b.rowBoxes.value(v, formats[j]))
			}
			// 来源: the file, the sheet and the row (fmt.Sprintf("%s %s 第%d行"))
			src = append(append(append(append(src[:0], file...), ' '), sheet...), " 第"...)
			src = append(strconv.AppendInt(src, int64(rec.RowAt[sh.Key][i]), 10), "行"...)
			vals = append(vals, string(src))
			if err := details[sh.Key].Row(vals...); err != nil {
				return err
			}
			for _, pv := range b.pivot[sh.Key] {
				pv.add(s.Code, row, computed, i)
			}
		}
	}
	return nil
}

func detailWidths(sh *spec.Sheet) []float64 {
	w := []float64{13, 28}
	for _, f := range sh.Columns {
		least := 9.0
		if !f.Numeric() {
			least = 16
		}
		w = append(w, headerWidth(f.HeaderLabel(), least))
	}
	return append(w, 36)
}

// bookOf rebuilds a school's inputs from its record.
func bookOf(p *formula.Program, rec *record) *report.Book {
	book := report.New()
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		switch sh.Kind {
		case spec.KindList:
			for _, vals := range rec.Rows[sh.Key] {
				row := map[string]report.Value{}
				for j := range sh.Columns {
					if vals[j] != "" {
						row[sh.Columns[j].Key] = typed(&sh.Columns[j], vals[j])
					}
				}
				book.AddRow(sh.Key, row)
			}
		default:
			for j := range sh.Rows {
				f := &sh.Rows[j]
				for _, col := range inputCols(sh) {
					if v, ok := rec.Values[valueKey(sh.Key, f.Key, col)]; ok {
						book.Set(sh.Key, report.Key{Field: f.Key, Col: col}, typed(f, v))
					}
				}
			}
		}
	}
	return book
}

// rowInput is a list row's input value as the record keeps it and bookOf
// reads it back: retyped, and empty for an empty text (a row keeps none:
// keepRows).
func rowInput(f *spec.Field, v report.Value) report.Value {
	if v.Kind == report.Number || (v.Kind == report.Text && v.Text != "") {
		return retyped(f, v)
	}
	return report.Value{}
}

// sheetInput is a record's or indicator's input value as the record keeps
// it and bookOf reads it back: retyped.
func sheetInput(f *spec.Field, v report.Value) report.Value {
	if v.IsEmpty() {
		return v
	}
	return retyped(f, v)
}

// retyped is typed(f, v.String()): a value as the record keeps it and bookOf
// reads it back. A number of a numeric field is itself when its text reads
// back to the same coefficient and exponent: a whole number with exponent 0,
// or a fraction whose last digit is not 0 (dectext writes no trailing zeros;
// decimal.NewFromString reads 1500 as 1500×10⁰ and 1.5 as 15×10⁻¹).
func retyped(f *spec.Field, v report.Value) report.Value {
	if v.Kind == report.Number && f.Numeric() && v.Num.NumDigits() <= 18 {
		exp, c := v.Num.Exponent(), v.Num.CoefficientInt64()
		if exp == 0 || (exp < 0 && c%10 != 0) {
			return report.Num(v.Num)
		}
	}
	return typed(f, v.String())
}

func typed(f *spec.Field, s string) report.Value {
	if f.Numeric() {
		if d, err := decimal.NewFromString(s); err == nil {
			return report.Num(d)
		}
	}
	return report.Str(s)
}

// status writes 提交情况: every expected school and every file.
func (b *builder) status() error {
	type row struct {
		code, name string
		s          *Submission
	}
	var rows []row
	sent, expected := map[string]bool{}, map[string]string{}
	for _, e := range b.opt.Expected {
		expected[e.Code] = e.Name
	}
	for _, s := range b.subs {
		rows = append(rows, row{s.Code, s.Name, s})
		sent[s.Code] = true
	}
	for _, e := range b.opt.Expected {
		if !sent[e.Code] {
			rows = append(rows, row{e.Code, e.Name, nil})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if (rows[i].code == "") != (rows[j].code == "") {
			return rows[j].code == "" // files with no school code last
		}
		if rows[i].code != rows[j].code {
			return rows[i].code < rows[j].code
		}
		return rows[i].s != nil && rows[j].s != nil && rows[i].s.File < rows[j].s.File
	})
	listed := len(b.opt.Expected) > 0
	t, err := b.sink.Table(SheetStatus, TableOptions{Rows: len(rows) + 1, Cols: len(statusHeader()), Header: 1, Filter: true, Borders: true,
		FreezeCols: 2, Widths: []float64{13, 28, 30, 9, 14, 11, 7, 7, 7, 7, 10, 14, 22, 11, 40}, WrapCols: []int{15}})
	if err != nil {
		return err
	}
	if err := t.Row(statusHeader()...); err != nil {
		return err
	}
	// the bureau's workbook is in Chinese throughout (sheet names, headers):
	// statuses are written in Chinese whatever the findings' language
	for _, r := range rows {
		if r.s == nil {
			if err := t.Row(r.code, r.name, nil, nil, validate.StatusText(validate.StatusMissing, "zh"), "未提交", nil, nil, nil, nil, nil, nil, nil, nil, "名单中的学校未提交文件"); err != nil {
				return err
			}
			b.missing++
			continue
		}
		s := r.s
		name := s.Name
		if name == "" {
			name = expected[s.Code]
		}
		var counts []any
		if s.Status == validate.StatusUnreadable {
			counts = []any{nil, nil, nil, nil}
		} else {
			counts = []any{count(s.Counts.Errors), count(s.Counts.Warnings), count(s.Counts.Explained), count(s.Counts.Infos)}
		}
		var list any
		if _, ok := expected[s.Code]; listed && s.Code != "" && !ok {
			list = "不在名单中"
		}
		vals := append([]any{nullable(s.Code), nullable(name), b.display(s.File), nullable(s.Version), validate.StatusText(s.Status, "zh"), list}, counts...)
		vals = append(vals, nullable(s.Contact.Person), nullable(s.Contact.Phone), nullable(s.Contact.Email), nullable(s.FillDate))
		if err := t.Row(append(vals, nullable(s.Error))...); err != nil {
			return err
		}
	}
	return nil
}

// statusHeader is the header of 提交情况.
func statusHeader() []any {
	return []any{"学校标识码", "学校名称", "文件", "模板版本", "状态", "名单", "错误", "警告", "已说明", "提示",
		"填报人", "联系电话", "电子邮箱", "填报日期", "说明"}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (b *builder) summary() *Summary {
	sum := &Summary{Year: b.year, Files: len(b.subs), Missing: b.missing}
	for _, s := range b.subs {
		switch s.Status {
		case validate.StatusUnreadable:
			sum.Unreadable++
		case validate.StatusDuplicate:
			sum.Duplicates++
		case validate.StatusWrongYear:
			sum.WrongYear++
		}
		if !s.chosen {
			continue
		}
		sum.Schools++
		switch s.Status {
		case validate.StatusPassed:
			sum.Passed++
		case validate.StatusWarnings:
			sum.Warnings++
		case validate.StatusErrors:
			sum.Errors++
		}
	}
	sum.Submissions = b.subs
	sum.Region = b.yearFigures()
	return sum
}

// indicatorsTable starts 学校指标: one row per school, then the region.
func (b *builder) indicatorsTable() (RowWriter, error) {
	ind := b.p.Spec.Indicators
	widths := []float64{13, 28}
	header := []any{"学校标识码", "学校名称"}
	for _, x := range ind {
		label := x.Label
		if x.Unit != "" {
			label += "(" + x.Unit + ")"
		}
		header = append(header, label)
		widths = append(widths, headerWidth(label, 9))
	}
	t, err := b.sink.Table(SheetIndicators, TableOptions{Rows: len(b.chosen) + 2, Cols: len(header), Header: 1, Filter: true,
		Borders: true, FreezeCols: 2, Widths: widths})
	if err != nil {
		return nil, err
	}
	return t, t.Row(header...)
}

func (b *builder) indicatorValues(env formula.Env, total bool) []any {
	var out []any
	for i := range b.p.Spec.Indicators {
		x := &b.p.Spec.Indicators[i]
		v := b.p.Expr(&x.Value).Eval(env, formula.Ctx{})
		if v.Kind == report.Number {
			places := 2
			if x.Decimals != nil {
				places = *x.Decimals
			}
			v.Num = v.Num.Round(int32(places))
		}
		out = append(out, formatted(v, indicatorFormat(b.p, x), total))
	}
	return out
}

func (b *builder) indicatorTotal(t RowWriter) error {
	return t.Row(append([]any{nil, xlsx.Bold(fmt.Sprintf("%s（%d 所学校）", b.p.Spec.Columns.Total, len(b.chosen)))}, b.indicatorValues(b.p.NewEnv(b.agg.book()), true)...)...)
}

// prepared is one school, ready to be written.
type prepared struct {
	s        *Submission
	rec      *record
	book     *report.Book
	computed formula.Computed
	ind      []any
	contrib  []contribution
	room     *schoolRoom // of book and computed (release)
}

// eachSchool reads the chosen schools back from disk and prepares them with
// a pool of workers, and hands them to fn one by one in code order. At most
// a few schools per worker are in memory at once.
func (b *builder) eachSchool(fn func(*prepared) error) error {
	workers := b.opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	type result struct {
		i   int
		x   *prepared
		err error
	}
	window := make(chan struct{}, 4*workers) // schools in flight
	jobs := make(chan int)
	results := make(chan result)
	stop := make(chan struct{})
	defer close(stop)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				x, err := b.prepare(b.chosen[i])
				select {
				case results <- result{i, x, err}:
				case <-stop:
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range b.chosen {
			select {
			case window <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case jobs <- i:
			case <-stop:
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	waiting := map[int]*prepared{}
	next := 0
	for r := range results {
		if r.err != nil {
			return fmt.Errorf("读回 %s 的数据失败: %w", b.chosen[r.i].File, r.err)
		}
		waiting[r.i] = r.x
		for x, ok := waiting[next]; ok; x, ok = waiting[next] {
			delete(waiting, next)
			next++
			<-window
			if err := fn(x); err != nil {
				return err
			}
		}
	}
	if next != len(b.chosen) {
		return fmt.Errorf("只汇总了 %d 所学校（共 %d 所）", next, len(b.chosen))
	}
	return nil
}

func (b *builder) prepare(s *Submission) (*prepared, error) {
	room, _ := b.rooms.Get().(*schoolRoom)
	if room == nil {
		room = new(schoolRoom)
	}
	rec, book, err := b.records.read(s, &room.book)
	if err != nil {
		return nil, err
	}
	computed, env := b.p.ComputeCellsIn(book, room.computed)
	room.computed = computed
	return &prepared{s: s, rec: rec, book: book, computed: computed, room: room,
		ind: b.indicatorValues(env, false), contrib: b.agg.contributions(book, env)}, nil
}

// schoolRoom is the memory of a school prepared, used again for a later
// one once it is written (release).
type schoolRoom struct {
	book     bookRoom
	computed formula.Computed
}

// release gives a school's memory to the schools prepared after it: x is
// written, and its book and computed values are gone.
func (b *builder) release(x *prepared) {
	if x.room != nil {
		b.rooms.Put(x.room)
	}
	x.room, x.book, x.computed = nil, nil, formula.Computed{}
}
