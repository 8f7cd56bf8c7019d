package spec

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// semantics collects what struct tags cannot find: duplicate keys, references
// to enums, sheets and rows that do not exist, rules of the wrong shape.
type semantics struct {
	s     *Spec
	doc   *yaml.Node
	lang  string
	es    Errors
	enums map[string]bool
	roles map[string]bool
}

// semanticErrors returns every such mistake of a spec.
func semanticErrors(s *Spec, doc *yaml.Node, lang string) Errors {
	c := &semantics{s: s, doc: doc, lang: lang, enums: map[string]bool{}, roles: map[string]bool{}}
	c.enumErrors()
	sheetKeys, sheetNames := map[string]bool{}, map[string]bool{}
	for i := range s.Sheets {
		sh := &s.Sheets[i]
		base := fmt.Sprintf("sheets[%d]", i)
		if sheetKeys[sh.Key] {
			c.add(base+".key", "表键 %q 重复", "duplicate sheet key %q", sh.Key)
		}
		if sheetNames[sh.Name] {
			c.add(base+".name", "工作表名 %q 重复", "duplicate sheet name %q", sh.Name)
		}
		sheetKeys[sh.Key], sheetNames[sh.Name] = true, true
		c.fieldsErrors(base, sh)
		c.checkErrors(base, sh)
		for j, keys := range sh.Pivots {
			for k, key := range keys {
				if f := sh.Field(key); f == nil {
					c.add(fmt.Sprintf("%s.pivots[%d][%d]", base, j, k), "表 %s 没有列 %q，无法按它汇总", "sheet %s has no column %q to group by", sh.Key, key)
				}
			}
		}
	}
	c.sentenceErrors()
	c.chartErrors()
	c.changeErrors()
	c.historyErrors()
	return c.es
}

// placeholder finds the {…} of a sentence.
var placeholder = regexp.MustCompile(`\{([^{}]*)\}`)

// sentenceErrors checks that every placeholder of a sentence names a figure
// the region has: {schools}, or an indicator row of an indicator sheet and
// one of cur, prev, unit, change, diff, dir.
func (c *semantics) sentenceErrors() {
	keys := map[string]bool{}
	for i, st := range c.s.Sentences {
		base := fmt.Sprintf("sentences[%d]", i)
		if keys[st.Key] {
			c.add(base+".key", "摘要句键 %q 重复", "duplicate sentence key %q", st.Key)
		}
		keys[st.Key] = true
		for _, m := range placeholder.FindAllStringSubmatch(st.Text, -1) {
			if m[1] == "schools" {
				continue
			}
			parts := strings.Split(m[1], ".")
			if len(parts) != 3 || !SentenceWord(parts[2]) {
				c.add(base+".text", "占位符 {%s} 应写成 {表.行.cur|prev|unit|change|diff|dir} 或 {schools}", "placeholder {%s} must be {sheet.row.cur|prev|unit|change|diff|dir} or {schools}", m[1])
				continue
			}
			sh := c.s.Sheet(parts[0])
			if sh == nil || sh.Kind != KindIndicator {
				c.add(base+".text", "占位符 {%s}：没有指标表 %q", "placeholder {%s}: no indicator sheet %q", m[1], parts[0])
				continue
			}
			if f := sh.Field(parts[1]); f == nil {
				c.add(base+".text", "占位符 {%s}：表 %s 没有行 %q", "placeholder {%s}: sheet %s has no row %q", m[1], sh.Key, parts[1])
			} else if (parts[2] == "change" || parts[2] == "diff" || parts[2] == "dir") && !f.Numeric() {
				c.add(base+".text", "占位符 {%s}：%s 不是数值，无法比较增减", "placeholder {%s}: %s is not a number and has no change", m[1], f.Label)
			}
		}
	}
}

func (c *semantics) add(path string, zh, en string, args ...any) {
	c.es = append(c.es, &Error{Path: path, Pos: nodePos(c.doc, path), Msg: fmt.Sprintf(msg(c.lang, zh, en), args...)})
}

func (c *semantics) enumErrors() {
	for i, e := range c.s.Enums {
		if c.enums[e.Key] {
			c.add(fmt.Sprintf("enums[%d].key", i), "枚举键 %q 重复", "duplicate enum key %q", e.Key)
		}
		c.enums[e.Key] = true
		seen := map[string]bool{}
		for j, v := range e.Values {
			if seen[v] {
				c.add(fmt.Sprintf("enums[%d].values[%d]", i, j), "枚举 %s 的取值 %q 重复", "enum %s lists %q twice", e.Key, v)
			}
			seen[v] = true
		}
	}
}

// fieldsErrors checks the rows, columns and summary rows of a sheet.
func (c *semantics) fieldsErrors(base string, sh *Sheet) {
	keys := map[string]bool{}
	for j := range sh.Rows {
		c.fieldErrors(fmt.Sprintf("%s.rows[%d]", base, j), sh, &sh.Rows[j], keys)
	}
	for j := range sh.Columns {
		c.fieldErrors(fmt.Sprintf("%s.columns[%d]", base, j), sh, &sh.Columns[j], keys)
	}
	if sh.Summary != nil {
		for j := range sh.Summary.Rows {
			p := fmt.Sprintf("%s.summary.rows[%d]", base, j)
			c.fieldErrors(p, sh, &sh.Summary.Rows[j], keys)
			if sh.Summary.Rows[j].Derived == nil {
				c.add(p, "汇总行须有 derived 公式", "a summary row needs a derived formula")
			}
		}
	}
	if sh.Kind == KindList {
		inputs := 0
		for _, f := range sh.Columns {
			if f.Input() {
				inputs++
			}
		}
		if inputs == 0 && len(sh.Columns) > 0 {
			c.add(base+".columns", "列表至少要有一个填报列", "a list needs at least one input column")
		}
	}
}

// fieldErrors checks one field; keys are the sheet's field keys so far.
func (c *semantics) fieldErrors(path string, sh *Sheet, f *Field, keys map[string]bool) {
	if keys[f.Key] {
		c.add(path+".key", "表 %s 中键 %q 重复", "duplicate key %q in sheet %s", sh.Key, f.Key)
	}
	keys[f.Key] = true
	if f.Type == TypeEnum && f.Enum != "" && !c.enums[f.Enum] {
		c.add(path+".enum", "枚举 %q 未定义", "enum %q is not defined", f.Enum)
	}
	if f.Open && f.Type != TypeEnum {
		c.add(path+".open", "open 只用于 enum 类型", "open applies to enum fields only")
	}
	if f.Decimals != nil && f.Type != TypeDecimal && f.Type != TypePercent {
		c.add(path+".decimals", "decimals 只用于 decimal 和 percent 类型", "decimals applies to decimal and percent fields only")
	}
	if f.Derived != nil && f.Type != TypeInteger && f.Type != TypeDecimal && f.Type != TypePercent {
		c.add(path+".derived", "计算单元格的类型须为 integer、decimal 或 percent", "a derived cell must be integer, decimal or percent")
	}
	if f.Display == "ratio" && f.Type != TypeDecimal {
		c.add(path+".display", "ratio 显示只用于 decimal 类型", "display ratio applies to decimal fields only")
	}
	if f.Min != nil && f.Max != nil && f.Min.GreaterThan(f.Max.Decimal) {
		c.add(path+".min", "最小值 %s 大于最大值 %s", "min %s is greater than max %s", f.Min, f.Max)
	}
	if f.Role != "" {
		if c.roles[f.Role] {
			c.add(path+".role", "角色 %q 重复", "role %q is given twice", f.Role)
		}
		c.roles[f.Role] = true
		if sh.Kind != KindRecord {
			c.add(path+".role", "role 只用于 record 表", "role applies to record sheets only")
		}
	}
	if f.Weight != nil && (sh.Kind != KindIndicator || f.Derived != nil || (f.Type != TypeDecimal && f.Type != TypePercent)) {
		c.add(path+".weight", "weight 只用于指标表中填报的 decimal 或 percent 行", "weight applies to input decimal or percent rows of indicator sheets only")
	}
	if f.Type == TypeSeq && sh.Kind != KindList {
		c.add(path+".type", "seq 类型只用于 list 表", "type seq applies to list sheets only")
	}
}

// checkErrors checks the checks of a sheet: unique ids, one kind each, each
// fitting the sheet, and the kind's own shape.
func (c *semantics) checkErrors(base string, sh *Sheet) {
	ids := map[string]bool{}
	var names []string
	for _, k := range checkKinds {
		names = append(names, k.Name)
	}
	for j := range sh.Checks {
		ch := &sh.Checks[j]
		p := fmt.Sprintf("%s.checks[%d]", base, j)
		if ids[ch.ID] {
			c.add(p+".id", "审核规则编号 %q 重复", "duplicate check id %q", ch.ID)
		}
		ids[ch.ID] = true
		kinds := 0
		for _, k := range checkKinds {
			if k.Set(ch) {
				kinds++
			}
		}
		if kinds != 1 {
			c.add(p, "审核规则须恰好给出 "+strings.Join(names, "、")+" 之一（现有 %d 个）",
				"a check needs exactly one of "+strings.Join(names, ", ")+" (it has %d)", kinds)
		}
		switch {
		case ch.Each == "year" && sh.Kind != KindIndicator:
			c.add(p+".each", "each: year 只用于 indicator 表", "each: year applies to indicator sheets only")
		case ch.Each == "row" && sh.Kind != KindList:
			c.add(p+".each", "each: row 只用于 list 表", "each: row applies to list sheets only")
		}
		for _, k := range checkKinds {
			if k.Set(ch) && k.Shape != nil {
				k.Shape(c.s, sh, ch, func(path, zh, en string, args ...any) { c.add(p+"."+path, zh, en, args...) })
			}
		}
	}
}

// chartErrors checks that every chart has one source and that it names what
// the spec has.
func (c *semantics) chartErrors() {
	for i, ch := range c.s.Charts {
		base := fmt.Sprintf("charts[%d]", i)
		sources := 0
		for _, set := range []bool{len(ch.Rows) > 0, ch.List != "", ch.Indicator != ""} {
			if set {
				sources++
			}
		}
		if sources != 1 {
			c.add(base+".title", "图表 %q 须有且只有一个数据来源（rows、list 或 indicator）", "chart %q needs exactly one source (rows, list or indicator)", ch.Title)
			continue
		}
		for j, r := range ch.Rows {
			sheet, row, _ := strings.Cut(r, ".")
			sh := c.s.Sheet(sheet)
			if sh == nil || sh.Kind != KindIndicator || sh.Field(row) == nil || !sh.Field(row).Numeric() {
				c.add(fmt.Sprintf("%s.rows[%d]", base, j), "图表 %q：%q 不是指标表中的数值行（写成 表.行）", "chart %q: %q is not a numeric row of an indicator sheet (sheet.row)", ch.Title, r)
			}
		}
		if ch.List != "" {
			sh := c.s.Sheet(ch.List)
			switch {
			case sh == nil || sh.Kind != KindList:
				c.add(base+".list", "图表 %q：没有列表 %q", "chart %q: no list sheet %q", ch.Title, ch.List)
			case sh.Field(ch.By) == nil:
				c.add(base+".by", "图表 %q：列表 %s 没有列 %q", "chart %q: list %s has no column %q", ch.Title, ch.List, ch.By)
			case ch.Sum != "" && (sh.Field(ch.Sum) == nil || !sh.Field(ch.Sum).Numeric()):
				c.add(base+".sum", "图表 %q：列表 %s 没有数值列 %q", "chart %q: list %s has no numeric column %q", ch.Title, ch.List, ch.Sum)
			}
		}
		if ch.Indicator != "" {
			found := false
			for _, ind := range c.s.Indicators {
				found = found || ind.Key == ch.Indicator
			}
			if !found {
				c.add(base+".indicator", "图表 %q：没有指标 %q", "chart %q: no indicator %q", ch.Title, ch.Indicator)
			}
		}
	}
}
