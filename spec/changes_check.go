package spec

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

var hundredNumber = decimal.NewFromInt(100)

// changeErrors checks the changes from earlier versions: every sheet and
// row they name exists (or, for what was removed or split, no longer
// does), no old name or label stands for two things, and every split has a
// complete rule.
func (c *semantics) changeErrors() {
	versions := map[string]bool{}
	for i := range c.s.Changes {
		ch := &c.s.Changes[i]
		base := fmt.Sprintf("changes[%d]", i)
		switch {
		case ch.FromVersion == c.s.Version:
			c.add(base+".from_version", "from_version %q 是本规格自己的版本：变更只能来自更早的版本", "from_version %q is this spec's own version: changes come from earlier versions", ch.FromVersion)
		case versions[ch.FromVersion]:
			c.add(base+".from_version", "版本 %q 的变更写了两次", "the changes from version %q are given twice", ch.FromVersion)
		}
		versions[ch.FromVersion] = true
		old := oldNames{}
		c.sheetRenames(base, ch, old)
		c.rowRenames(base, ch, old)
		c.removedRows(base, ch, old)
		c.splitRows(base, ch, old)
	}
}

// oldNames are the old names a change has given so far, each with the path
// of the entry that gave it, so that none is given twice.
type oldNames map[string]string

// claim records an old name ("what:" + name; an empty name is not
// recorded); it returns the entry that already gave it, or "".
func (o oldNames) claim(name, what string) string {
	if strings.HasSuffix(name, ":") { // nothing given
		return ""
	}
	if prev, ok := o[name]; ok && prev != what {
		return prev
	}
	o[name] = what
	return ""
}

// noSpace is a label without its white space, as labels are compared.
func noSpace(s string) string { return strings.Join(strings.Fields(s), "") }

func sameLabel(a, b string) bool { return noSpace(a) == noSpace(b) }

// changedSheet is the sheet a change names at path, or nil (a problem).
func (c *semantics) changedSheet(path, key string) *Sheet {
	sh := c.s.Sheet(key)
	if sh == nil {
		c.add(path, "没有表 %q", "no sheet %q", key)
	}
	return sh
}

func (c *semantics) sheetRenames(base string, ch *Change, old oldNames) {
	renamed := map[string]bool{}
	for j, r := range ch.Sheets {
		p := fmt.Sprintf("%s.sheets[%d]", base, j)
		sh := c.changedSheet(p+".key", r.Key)
		if sh == nil {
			continue
		}
		if renamed[r.Key] {
			c.add(p+".key", "表 %s 的改名写了两次", "sheet %s is renamed twice", r.Key)
		}
		renamed[r.Key] = true
		from := r.RenamedFrom
		if from.Key == "" && from.Name == "" && from.Title == "" {
			c.add(p, "renamed_from 须给出旧的 key、name 或 title 中至少一项", "renamed_from needs the old key, name or title (at least one)")
			continue
		}
		for k := range c.s.Sheets {
			other := &c.s.Sheets[k]
			if other == sh {
				continue
			}
			switch {
			case from.Key != "" && from.Key == other.Key:
				c.add(p+".renamed_from.key", "旧表键 %q 与本版本的表 %s 相同，无法区分", "the old sheet key %q is sheet %s of this version: they cannot be told apart", from.Key, other.Key)
			case from.Name != "" && sameLabel(from.Name, other.Name):
				c.add(p+".renamed_from.name", "旧表名 %q 与本版本的表 %s 相同，无法区分", "the old sheet name %q is sheet %s of this version: they cannot be told apart", from.Name, other.Key)
			case from.Title != "" && sameLabel(from.Title, other.Title):
				c.add(p+".renamed_from.title", "旧标题 %q 与本版本的表 %s 相同，无法区分", "the old title %q is sheet %s of this version: they cannot be told apart", from.Title, other.Key)
			}
		}
		if old.claim("sheet key:"+from.Key, p) != "" {
			c.add(p+".renamed_from.key", "旧表键 %q 在这次变更中写了两次", "the old sheet key %q is given twice in these changes", from.Key)
		}
		if old.claim("sheet name:"+noSpace(from.Name), p) != "" {
			c.add(p+".renamed_from.name", "旧表名 %q 在这次变更中写了两次", "the old sheet name %q is given twice in these changes", from.Name)
		}
	}
}

// fieldClash says which field of a sheet (other than f) has the key or
// label, or "".
func fieldClash(sh *Sheet, f *Field, key, label string) string {
	for _, g := range sh.Fields() {
		if f != nil && g.Key == f.Key {
			continue
		}
		if key != "" && g.Key == key {
			return g.Key
		}
		for _, l := range append([]string{g.Label}, g.Alt...) {
			if label != "" && sameLabel(l, label) {
				return g.Key
			}
		}
	}
	return ""
}

func (c *semantics) rowRenames(base string, ch *Change, old oldNames) {
	renamed := map[string]bool{}
	for j, r := range ch.Rows {
		p := fmt.Sprintf("%s.rows[%d]", base, j)
		sh := c.changedSheet(p+".sheet", r.Sheet)
		if sh == nil {
			continue
		}
		f := fieldOf(sh, r.Key)
		if f == nil {
			c.add(p+".key", "表 %s 没有行或列 %q", "sheet %s has no row or column %q", sh.Key, r.Key)
			continue
		}
		if renamed[sh.Key+"."+f.Key] {
			c.add(p+".key", "%s.%s 的改名写了两次", "%s.%s is renamed twice", sh.Key, f.Key)
		}
		renamed[sh.Key+"."+f.Key] = true
		c.oldField(p+".renamed_from", sh, f, r.RenamedFrom, old, false)
	}
}

// oldField checks an old row's key and label: given (both when full), not
// a field of this version (other than f, the row renamed), and not given to
// another old row of the change.
func (c *semantics) oldField(p string, sh *Sheet, f *Field, o OldField, old oldNames, full bool) {
	switch {
	case !full && o.Key == "" && o.Label == "":
		c.add(p, "renamed_from 须给出旧的 key 或 label 中至少一项", "renamed_from needs the old key or label (at least one)")
		return
	case full && o.Key == "":
		c.add(p, "须给出旧行的 key", "the old row's key is required")
	case full && o.Label == "":
		c.add(p, "须给出旧行的 label（按它在旧工作簿中找到这一行）", "the old row's label is required (the row is found by it in an old workbook)")
	}
	if g := fieldClash(sh, f, o.Key, ""); g != "" {
		c.add(p+".key", "旧键 %q 是本版本表 %s 的行 %s，无法区分", "the old key %[1]q is row %[3]s of sheet %[2]s in this version: they cannot be told apart", o.Key, sh.Key, g)
	}
	if g := fieldClash(sh, f, "", o.Label); g != "" {
		c.add(p+".label", "旧标签 %q 是本版本表 %s 的行 %s 的标签，无法区分", "the old label %[1]q is that of row %[3]s of sheet %[2]s in this version: they cannot be told apart", o.Label, sh.Key, g)
	}
	if old.claim(sh.Key+" key:"+o.Key, p) != "" {
		c.add(p+".key", "旧键 %q 在这次变更中写了两次", "the old key %q is given twice in these changes", o.Key)
	}
	if old.claim(sh.Key+" label:"+noSpace(o.Label), p) != "" {
		c.add(p+".label", "旧标签 %q 在这次变更中写了两次", "the old label %q is given twice in these changes", o.Label)
	}
}

// fieldOf is a row or list column (not a summary row) of a sheet.
func fieldOf(sh *Sheet, key string) *Field {
	fs := sh.Fields()
	for i := range fs {
		if fs[i].Key == key {
			return &fs[i]
		}
	}
	return nil
}

func (c *semantics) removedRows(base string, ch *Change, old oldNames) {
	for j, r := range ch.Removed {
		p := fmt.Sprintf("%s.removed[%d]", base, j)
		sh := c.changedSheet(p+".sheet", r.Sheet)
		switch {
		case sh == nil:
			continue
		case sh.Kind == KindList:
			c.add(p+".sheet", "removed 只用于 record 和 indicator 表的行", "removed applies to rows of record and indicator sheets only")
			continue
		}
		c.oldField(p, sh, nil, r.OldField, old, true)
	}
}

func (c *semantics) splitRows(base string, ch *Change, old oldNames) {
	for j := range ch.Split {
		sp := &ch.Split[j]
		p := fmt.Sprintf("%s.split[%d]", base, j)
		sh := c.changedSheet(p+".sheet", sp.Sheet)
		switch {
		case sh == nil:
			continue
		case sh.Kind != KindIndicator:
			c.add(p+".sheet", "split 只用于 indicator 表的行", "split applies to rows of indicator sheets only")
			continue
		}
		c.oldField(p+".from", sh, nil, sp.From, old, true)
		if len(sp.Into) < 2 {
			c.add(p+".into", "split 须拆成至少两行（into 列出本版本的行键）", "a split needs at least two rows of this version in into")
		}
		var first *Field
		seen := map[string]bool{}
		for k, key := range sp.Into {
			pk := fmt.Sprintf("%s.into[%d]", p, k)
			f := fieldOf(sh, key)
			switch {
			case f == nil:
				c.add(pk, "表 %s 没有行 %q", "sheet %s has no row %q", sh.Key, key)
				continue
			case seen[key]:
				c.add(pk, "行 %q 写了两次", "row %q is given twice", key)
			case !f.Input() || !f.Numeric():
				c.add(pk, "拆分的去处 %s 须是填报的数值行", "row %s to split into must be an input number row", key)
			case first != nil && (f.Type != first.Type || f.Places() != first.Places()):
				c.add(pk, "拆分的各行须类型和小数位相同（%s 与 %s 不同）", "the rows of a split must have one type and number of decimals (%s differs from %s)", key, first.Key)
			}
			seen[key] = true
			if first == nil {
				first = f
			}
		}
		switch sp.Rule {
		case SplitFirst:
			if len(sp.Shares) > 0 {
				c.add(p+".shares", "rule: first 不用 shares（全部计入第一行，其余留空）；按比例拆分请写 rule: shares", "rule first takes no shares (all into the first row, the others empty); to divide by shares write rule: shares")
			}
		case SplitShares:
			c.splitShares(p, sp)
		}
	}
}

// splitShares checks that a split by shares gives one share above 0 per
// row, adding up to 100.
func (c *semantics) splitShares(p string, sp *SplitRow) {
	if len(sp.Shares) != len(sp.Into) {
		c.add(p+".shares", "rule: shares 须为 into 的每一行给出一个百分比（into 有 %d 行，shares 有 %d 个）", "rule shares needs one percentage per row of into (into has %d, shares %d)", len(sp.Into), len(sp.Shares))
		return
	}
	var sum Number
	for k, sh := range sp.Shares {
		if !sh.IsPositive() {
			c.add(fmt.Sprintf("%s.shares[%d]", p, k), "比例 %s 须大于 0", "share %s must be above 0", sh.String())
		}
		sum.Decimal = sum.Add(sh.Decimal)
	}
	if !sum.Equal(hundredNumber) {
		c.add(p+".shares", "各行比例之和为 %s，应为 100", "the shares add up to %s, not 100", sum.String())
	}
}
