package consolidate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
)

// SheetGroups is the region's indicators per group of schools (--by).
const SheetGroups = "分组汇总"

// byField is a field of a record sheet the schools are grouped by.
type byField struct {
	sheet *spec.Sheet
	field *spec.Field
}

// resolveBy finds the fields named (by key or label) among the record
// sheets' fields, e.g. 所在地区 or region.
func resolveBy(s *spec.Spec, names []string) ([]byField, error) {
	var out []byField
	for _, name := range names {
		var found *byField
		var known []string
		for i := range s.Sheets {
			sh := &s.Sheets[i]
			if sh.Kind != spec.KindRecord {
				continue
			}
			for j := range sh.Rows {
				f := &sh.Rows[j]
				known = append(known, f.Label)
				if f.Key == name || f.Label == name || strings.EqualFold(f.Key, name) {
					found = &byField{sh, f}
				}
			}
		}
		if found == nil {
			return nil, fmt.Errorf("--by %s：%s 中没有这一项（可用：%s）", name, "基本信息", strings.Join(known, "、"))
		}
		out = append(out, *found)
	}
	return out, nil
}

// groupOf is a school's group: its values of the --by fields, joined.
func groupOf(by []byField, book *report.Book) []string {
	var g []string
	for _, b := range by {
		v := strings.TrimSpace(book.Get(b.sheet.Key, report.Key{Field: b.field.Key}).String())
		if v == "" {
			v = "（未填）"
		}
		g = append(g, v)
	}
	return g
}

// groups are the region split by the --by fields, each summed as the region.
type groups struct {
	by   []byField
	aggs map[string]*aggregate
	keys map[string][]string
}

func (b *builder) addToGroup(x *prepared) {
	if len(b.groups.by) == 0 {
		return
	}
	g := groupOf(b.groups.by, x.book)
	k := strings.Join(g, "\x00")
	a := b.groups.aggs[k]
	if a == nil {
		a = newAggregate(b.p)
		b.groups.aggs[k], b.groups.keys[k] = a, g
	}
	a.add(x.contrib)
}

// groupTable writes 分组汇总: for each group (in order of its values) and
// then for the region (合计, equal to 汇总), every indicator of 汇总 with
// its rates recomputed from the group's sums, one row each.
func (b *builder) groupTable() error {
	by := b.groups.by
	if len(by) == 0 {
		return nil
	}
	keys := make([]string, 0, len(b.groups.aggs))
	for k := range b.groups.aggs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	perGroup := 0
	for _, sh := range b.p.Spec.Sheets {
		if sh.Kind == spec.KindIndicator {
			perGroup += len(sh.Rows)
		}
	}
	var header []any
	var widths []float64
	for _, f := range by {
		header = append(header, f.field.Label)
		widths = append(widths, 16)
	}
	header = append(header, "学校数", "表")
	widths = append(widths, 8, 12)
	header = append(header, regionHeader(b.p.Spec.Columns)...)
	widths = append(widths, 30, 8, 13, 13, 12, 9, 9, 24)
	t, err := b.sink.Table(SheetGroups, TableOptions{Rows: 1 + (len(keys)+1)*perGroup, Cols: len(header), Header: 1, Filter: true,
		Borders: true, FreezeCols: len(by), Widths: widths, WrapCols: []int{len(header)}})
	if err != nil {
		return err
	}
	if err := t.Row(header...); err != nil {
		return err
	}
	write := func(agg *aggregate, label []any, bold bool) error {
		in := agg.book()
		out := b.p.Compute(in)
		for i := range b.p.Spec.Sheets {
			sh := &b.p.Spec.Sheets[i]
			if sh.Kind != spec.KindIndicator {
				continue
			}
			for j := range sh.Rows {
				row := append(append([]any{}, label...), count(agg.schools), sh.Name)
				row = append(row, b.regionRow(agg, sh, &sh.Rows[j], in, out)...)
				if bold {
					row = boldRow(row)
				}
				if err := t.Row(row...); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, k := range keys {
		var label []any
		for _, v := range b.groups.keys[k] {
			label = append(label, v)
		}
		if err := write(b.groups.aggs[k], label, false); err != nil {
			return err
		}
	}
	total := []any{}
	for range by {
		total = append(total, b.p.Spec.Columns.Total)
	}
	return write(b.agg, total, true)
}
