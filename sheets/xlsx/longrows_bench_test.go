package xlsx

import (
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/cputime"

	"github.com/shopspring/decimal"
)

// BenchmarkLongRows writes a table shaped like consolidate's 学校数据 (an
// AddStream sheet, Dense, shared texts): 100 schools of 750 rows, each row
// a school's code, name and file, a sheet, label, column and unit of the
// spec (the same strings on every school's rows), a number and the cell
// (a school's own string, as read back from its record). The values are
// made values (any) before the clock starts, as consolidate's boxes make
// them once: a cell's text the same value for every school that has it, a
// label of the spec, a number; so that allocs/op are the writer's. An op
// writes the whole workbook; cpu-ms/op counts the deflating on other cores
// too.
func BenchmarkLongRows(b *testing.B) {
	const schools, rows = 100, 750
	labels := make([]string, rows)
	for i := range labels {
		labels[i] = "指标" + strconv.Itoa(i%250) + "（人）"
	}
	sheets := []string{"学生情况", "教师队伍", "专业设置", "经费收支"}
	cols := []string{"上学年", "本学年", "本学年为上学年(%)"}
	nums := make([]any, rows)
	for i := range nums {
		nums[i] = Number{Value: decimal.New(int64(i*37+5), -int32(i%3)), Format: "#,##0"}
	}
	// each school's cells as its record gives them (substrings of one
	// string of its own), made values by their content as consolidate's
	// boxes do: the same value for the same cell of every school
	boxed := map[string]any{}
	cells := make([][]any, schools)
	for s := range cells {
		var sb strings.Builder
		for i := 0; i < rows; i++ {
			sb.WriteString(sheets[i%len(sheets)] + "!" + CellName(3+i%3, 4+i/3))
		}
		all, at := sb.String(), 0
		for i := 0; i < rows; i++ {
			n := len(sheets[i%len(sheets)] + "!" + CellName(3+i%3, 4+i/3))
			cell := all[at : at+n]
			if _, ok := boxed[cell]; !ok {
				boxed[cell] = strings.Clone(cell)
			}
			cells[s] = append(cells[s], boxed[cell])
			at += n
		}
	}
	sheetv, labelv, colv := make([]any, len(sheets)), make([]any, rows), make([]any, len(cols))
	for i := range sheets {
		sheetv[i] = sheets[i]
	}
	for i := range labels {
		labelv[i] = labels[i]
	}
	for i := range cols {
		colv[i] = cols[i]
	}
	unit := any("人")
	b.ReportAllocs()
	cpu0 := cputime.Used()
	for b.Loop() {
		w, err := NewTableWriter("t")
		if err != nil {
			b.Fatal(err)
		}
		t, err := w.AddStream("学校数据", TableOptions{Cols: 9, Header: 1, Filter: true, PrintGrid: true, Dense: true, FreezeCols: 2,
			Shared: []int{1, 2, 3, 4, 5, 7, 8, 9}, Widths: []float64{13, 28, 12, 26, 17, 14, 9, 14, 36}})
		if err != nil {
			b.Fatal(err)
		}
		row := make([]any, 9)
		for s := 0; s < schools; s++ {
			code, name, file := any("41410000"+strconv.Itoa(10+s)), any("学校"+strconv.Itoa(s)), any("收到的文件/"+strconv.Itoa(s)+".xlsx")
			for i := 0; i < rows; i++ {
				row[0], row[1], row[2], row[3], row[4] = code, name, sheetv[i%len(sheets)], labelv[i], colv[i%3]
				row[5], row[6], row[7], row[8] = nums[i], unit, cells[s][i], file
				if err := t.Row(row...); err != nil {
					b.Fatal(err)
				}
			}
		}
		if _, err := w.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	if cputime.Known() {
		b.ReportMetric(float64(cputime.Used()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkBoxedRows writes a table shaped like consolidate's lists of
// every school (明细 sheets, written with Add): borders around every cell,
// cells with their references; 1,000 schools of 20 rows, each row the
// school's code and name (shared), 6 values of the list (texts and
// numbers) and where the row came from (a text of its own).
func BenchmarkBoxedRows(b *testing.B) {
	const schools, rows = 1000, 20
	texts := []any{"专任教师", "兼职教师", "本科", "硕士研究生", "是", "否"}
	nums := make([]any, 64)
	for i := range nums {
		nums[i] = Number{Value: decimal.New(int64(i*13+1), -int32(i%2)), Format: "#,##0"}
	}
	from := make([]any, rows)
	for i := range from {
		from[i] = "收到的文件/学校.xlsx 教师 第" + strconv.Itoa(i+4) + "行"
	}
	b.ReportAllocs()
	cpu0 := cputime.Used()
	for b.Loop() {
		w, err := NewTableWriter("t")
		if err != nil {
			b.Fatal(err)
		}
		t, err := w.Add("教师明细", TableOptions{Rows: schools*rows + 1, Cols: 9, Header: 1, Filter: true, Borders: true,
			Shared: []int{1, 2}, Widths: []float64{13, 28, 12, 12, 12, 12, 12, 12, 40}})
		if err != nil {
			b.Fatal(err)
		}
		if err := t.Row("学校标识码", "学校名称", "类别", "学历", "在编", "年龄", "课时", "工龄", "来源"); err != nil {
			b.Fatal(err)
		}
		row := make([]any, 9)
		for s := 0; s < schools; s++ {
			row[0], row[1] = any("41410000"+strconv.Itoa(10+s)), any("学校"+strconv.Itoa(s))
			for i := 0; i < rows; i++ {
				row[2], row[3], row[4] = texts[i%2], texts[2+i%3/2], texts[4+i%2]
				row[5], row[6], row[7], row[8] = nums[(s+i)%64], nums[i%64], nil, from[i]
				if err := t.Row(row...); err != nil {
					b.Fatal(err)
				}
			}
		}
		if _, err := w.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	if cputime.Known() {
		b.ReportMetric(float64(cputime.Used()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkAppendT writes texts as <t> elements: a list's row's source,
// labels, a school's words (CJK with full-width punctuation), a text to
// escape.
func BenchmarkAppendT(b *testing.B) {
	texts := []string{"收到的文件/学校.xlsx 教师 第12行", "专任教师", "本学年为上学年(%)", "在校生（人）", "学生情况!C4",
		"学校坚持立德树人，深化产教融合，毕业生就业率达到98.5%。", "a<b & c", "41410000123"}
	buf := make([]byte, 0, 1024)
	for b.Loop() {
		for _, s := range texts {
			buf = appendT(buf[:0], s)
		}
	}
}
