package consolidate

import (
	"github.com/nianbao/nianbao/consolidate/summary"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
)

// regionFigures are the region's values of 汇总, for the 报告摘要.
type regionFigures struct{ b *builder }

func (r regionFigures) Value(sheet, field, col string) report.Value {
	sh := r.b.p.Spec.Sheet(sheet)
	if sh == nil || sh.Field(field) == nil {
		return report.Value{}
	}
	k := report.Key{Field: field, Col: col}
	if sh.Field(field).Input() {
		return r.b.regionBook.in.Get(sheet, k)
	}
	return r.b.regionBook.out.Get(sheet, k)
}

// Cell is where 汇总 shows the value: 上学年 in column C, 本学年 in D.
func (r regionFigures) Cell(sheet, field, col string) string {
	row, ok := r.b.regionRows[[2]string{sheet, field}]
	if !ok {
		return ""
	}
	c := 4
	if col == spec.ColPrev {
		c = 3
	}
	return SheetRegion + "!" + xlsx.CellName(c, row)
}

func (r regionFigures) Schools() int { return r.b.agg.schools }

// digest writes 报告摘要: the spec's sentences filled in with the region's
// figures, each with the 汇总 cells it came from.
func (b *builder) digest() error {
	if len(b.p.Spec.Sentences) == 0 {
		return nil
	}
	sentences := summary.Render(b.p.Spec, regionFigures{b})
	t, err := b.sink.Table(SheetDigest, TableOptions{Rows: len(sentences) + 1, Cols: 5, Header: 1, Borders: true,
		Widths: []float64{6, 12, 60, 22, 20}, WrapCols: []int{3, 4, 5}})
	if err != nil {
		return err
	}
	header := summary.Headers()
	row := make([]any, len(header))
	for i, h := range header {
		row[i] = h
	}
	if err := t.Row(row...); err != nil {
		return err
	}
	for i, s := range sentences {
		cells := summary.Row(i, s)
		row := []any{i + 1}
		for _, c := range cells[1:] {
			row = append(row, nullable(c))
		}
		if err := t.Row(row...); err != nil {
			return err
		}
	}
	return nil
}
