package spec

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// semanticErrors finds what struct tags cannot: duplicate keys, references to
// enums, sheets and rows that do not exist, rules of the wrong shape.
func semanticErrors(s *Spec, doc *yaml.Node, lang string) Errors {
	var es Errors
	add := func(path string, zh, en string, args ...any) {
		es = append(es, &Error{Path: path, Pos: nodePos(doc, path), Msg: fmt.Sprintf(msg(lang, zh, en), args...)})
	}
	enums := map[string]bool{}
	for i, e := range s.Enums {
		if enums[e.Key] {
			add(fmt.Sprintf("enums[%d].key", i), "枚举键 %q 重复", "duplicate enum key %q", e.Key)
		}
		enums[e.Key] = true
		seen := map[string]bool{}
		for j, v := range e.Values {
			if seen[v] {
				add(fmt.Sprintf("enums[%d].values[%d]", i, j), "枚举 %s 的取值 %q 重复", "enum %s lists %q twice", e.Key, v)
			}
			seen[v] = true
		}
	}
	sheetKeys, sheetNames, roles := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for i := range s.Sheets {
		sh := &s.Sheets[i]
		base := fmt.Sprintf("sheets[%d]", i)
		if sheetKeys[sh.Key] {
			add(base+".key", "表键 %q 重复", "duplicate sheet key %q", sh.Key)
		}
		if sheetNames[sh.Name] {
			add(base+".name", "工作表名 %q 重复", "duplicate sheet name %q", sh.Name)
		}
		sheetKeys[sh.Key], sheetNames[sh.Name] = true, true

		fieldKeys := map[string]bool{}
		checkField := func(path string, f *Field) {
			if fieldKeys[f.Key] {
				add(path+".key", "表 %s 中键 %q 重复", "duplicate key %q in sheet %s", sh.Key, f.Key)
			}
			fieldKeys[f.Key] = true
			if f.Type == TypeEnum && f.Enum != "" && !enums[f.Enum] {
				add(path+".enum", "枚举 %q 未定义", "enum %q is not defined", f.Enum)
			}
			if f.Open && f.Type != TypeEnum {
				add(path+".open", "open 只用于 enum 类型", "open applies to enum fields only")
			}
			if f.Decimals != nil && f.Type != TypeDecimal && f.Type != TypePercent {
				add(path+".decimals", "decimals 只用于 decimal 和 percent 类型", "decimals applies to decimal and percent fields only")
			}
			if f.Derived != nil && f.Type != TypeInteger && f.Type != TypeDecimal && f.Type != TypePercent {
				add(path+".derived", "计算单元格的类型须为 integer、decimal 或 percent", "a derived cell must be integer, decimal or percent")
			}
			if f.Display == "ratio" && f.Type != TypeDecimal {
				add(path+".display", "ratio 显示只用于 decimal 类型", "display ratio applies to decimal fields only")
			}
			if f.Min != nil && f.Max != nil && f.Min.GreaterThan(f.Max.Decimal) {
				add(path+".min", "最小值 %s 大于最大值 %s", "min %s is greater than max %s", f.Min, f.Max)
			}
			if f.Role != "" {
				if roles[f.Role] {
					add(path+".role", "角色 %q 重复", "role %q is given twice", f.Role)
				}
				roles[f.Role] = true
				if sh.Kind != KindRecord {
					add(path+".role", "role 只用于 record 表", "role applies to record sheets only")
				}
			}
			if f.Weight != nil && (sh.Kind != KindIndicator || f.Derived != nil || (f.Type != TypeDecimal && f.Type != TypePercent)) {
				add(path+".weight", "weight 只用于指标表中填报的 decimal 或 percent 行", "weight applies to input decimal or percent rows of indicator sheets only")
			}
			if f.Type == TypeSeq && sh.Kind != KindList {
				add(path+".type", "seq 类型只用于 list 表", "type seq applies to list sheets only")
			}
		}
		for j := range sh.Rows {
			checkField(fmt.Sprintf("%s.rows[%d]", base, j), &sh.Rows[j])
		}
		for j := range sh.Columns {
			checkField(fmt.Sprintf("%s.columns[%d]", base, j), &sh.Columns[j])
		}
		if sh.Summary != nil {
			for j := range sh.Summary.Rows {
				p := fmt.Sprintf("%s.summary.rows[%d]", base, j)
				checkField(p, &sh.Summary.Rows[j])
				if sh.Summary.Rows[j].Derived == nil {
					add(p, "汇总行须有 derived 公式", "a summary row needs a derived formula")
				}
			}
		}
		if sh.Kind == KindList {
			inputs := 0
			for _, c := range sh.Columns {
				if c.Input() {
					inputs++
				}
			}
			if inputs == 0 && len(sh.Columns) > 0 {
				add(base+".columns", "列表至少要有一个填报列", "a list needs at least one input column")
			}
		}

		checkIDs := map[string]bool{}
		for j := range sh.Checks {
			c := &sh.Checks[j]
			p := fmt.Sprintf("%s.checks[%d]", base, j)
			if checkIDs[c.ID] {
				add(p+".id", "审核规则编号 %q 重复", "duplicate check id %q", c.ID)
			}
			checkIDs[c.ID] = true
			kinds := 0
			for _, set := range []bool{c.Sum != nil, c.Compare != nil, c.Range != nil, c.Change != nil, c.Match != nil, c.Expr != nil} {
				if set {
					kinds++
				}
			}
			if kinds != 1 {
				add(p, "审核规则须恰好给出 sum、compare、range、change、match、expr 之一（现有 %d 个）", "a check needs exactly one of sum, compare, range, change, match, expr (it has %d)", kinds)
			}
			switch {
			case c.Each == "year" && sh.Kind != KindIndicator:
				add(p+".each", "each: year 只用于 indicator 表", "each: year applies to indicator sheets only")
			case c.Each == "row" && sh.Kind != KindList:
				add(p+".each", "each: row 只用于 list 表", "each: row applies to list sheets only")
			}
			if c.Change != nil {
				if sh.Kind != KindIndicator {
					add(p+".change", "change 规则只用于 indicator 表", "a change rule applies to indicator sheets only")
				}
				for k, r := range c.Change.Rows {
					if sh.Field(r) == nil {
						add(fmt.Sprintf("%s.change.rows[%d]", p, k), "表 %s 没有行 %q", "sheet %s has no row %q", sh.Key, r)
					}
				}
			}
			if c.Range != nil && c.Range.Min == nil && c.Range.Max == nil {
				add(p+".range", "range 规则至少要有 min 或 max", "a range rule needs min or max")
			}
			if m := c.Match; m != nil {
				if sh.Kind != KindList {
					add(p+".match", "match 规则只用于 list 表", "a match rule applies to list sheets only")
				} else if sh.Field(m.Key) == nil {
					add(p+".match.key", "表 %s 没有列 %q", "sheet %s has no column %q", sh.Key, m.Key)
				}
			}
		}
	}
	// references to other sheets, once every sheet is known
	for i := range s.Sheets {
		for j, c := range s.Sheets[i].Checks {
			m := c.Match
			if m == nil {
				continue
			}
			p := fmt.Sprintf("sheets[%d].checks[%d].match", i, j)
			switch in := s.Sheet(m.In); {
			case in == nil:
				add(p+".in", "表 %q 未定义", "sheet %q is not defined", m.In)
			case in.Kind != KindList:
				add(p+".in", "表 %s 不是 list 表", "sheet %s is not a list sheet", m.In)
			case in.Field(m.InKey) == nil:
				add(p+".in_key", "表 %s 没有列 %q", "sheet %s has no column %q", m.In, m.InKey)
			}
		}
	}
	return es
}
