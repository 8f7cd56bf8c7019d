package consolidate

import (
	"fmt"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
)

// wideName is the sheet of an indicator table school by school, e.g.
// 学生情况（各校）.
func wideName(sh *spec.Sheet) string { return cut31(sh.Name + "（各校）") }

func indicatorSheets(s *spec.Spec) []*spec.Sheet { return sheetsOf(s, spec.KindIndicator) }

// wideTables starts, for every indicator table, its sheet school by school:
// a row per school, its 本学年 values as columns, then its 上学年 values in a
// second block (two header rows: the block, then the row's label and unit).
func (b *builder) wideTables() (map[string]cellWriter, error) {
	out := map[string]cellWriter{}
	for _, sh := range indicatorSheets(b.p.Spec) {
		blocks := []any{"", ""}
		header := []any{"学校标识码", "学校名称"}
		widths := []float64{13, 28}
		for _, year := range []string{b.p.Spec.Columns.Cur, b.p.Spec.Columns.Prev} {
			for j, f := range sh.Rows {
				label := f.Label
				if f.Unit != "" {
					label += "(" + f.Unit + ")"
				}
				block := any(nil)
				if j == 0 {
					block = year
				}
				blocks = append(blocks, block)
				header = append(header, label)
				widths = append(widths, headerWidth(label, 10))
			}
		}
		t, err := b.sink.Table(wideName(sh), TableOptions{Rows: len(b.chosen) + 2, Cols: len(header), Header: 2, Filter: true,
			Borders: true, FreezeCols: 2, Widths: widths, Shared: []int{1, 2}})
		if err != nil {
			return nil, err
		}
		if err := t.Row(blocks...); err != nil {
			return nil, err
		}
		if err := t.Row(header...); err != nil {
			return nil, err
		}
		cw, ok := t.(cellWriter) // the spool's tables take a row's cells
		if !ok {
			return nil, fmt.Errorf("表“%s”不能逐个单元格写入", wideName(sh))
		}
		out[sh.Key] = cw
	}
	return out, nil
}

// wideRows writes a school's row of every indicator table, as cells (the
// spool's tables take them: wideTables).
func (b *builder) wideRows(x *prepared, tables map[string]cellWriter) error {
	cells := b.wideCells
	defer func() { b.wideCells = cells }()
	for _, sh := range b.indicators {
		formats := b.formats[sh]
		cells = append(cells[:0], xlsx.RowCell{Kind: xlsx.CellText, Text: x.s.Code}, xlsx.RowCell{Kind: xlsx.CellText, Text: x.s.Name})
		for _, col := range []string{spec.ColCur, spec.ColPrev} {
			for j := range sh.Rows {
				f := &sh.Rows[j]
				k := report.Key{Field: f.Key, Col: col}
				v := x.book.Get(sh.Key, k)
				if !f.Input() {
					v = x.computed.Get(sh.Key, k)
				}
				cells = append(cells, valueCell(v, formats[j]))
			}
		}
		if err := tables[sh.Key].Cells(cells); err != nil {
			return err
		}
	}
	return nil
}
