package spec

import (
	"fmt"
	"io"
	"strings"
)

// Describe writes the spec as a bureau analyst reads it: every sheet with its
// rows or columns, types, units and formulas, and every check in words.
func Describe(w io.Writer, s *Spec) error {
	p := &printer{w: w}
	p.f("%s\n规格 %s，版本 %s，结构指纹 %s\n", s.Title, s.ID, s.Version, s.Fingerprint())
	for i := range s.Sheets {
		sh := &s.Sheets[i]
		p.f("\n%d %s — %s（%s）\n", i+1, sh.Name, sh.Title, kindText(s, sh))
		if len(sh.Alt) > 0 {
			p.f("  亦称：%s\n", strings.Join(sh.Alt, "；"))
		}
		if sh.Kind == KindList {
			p.f("  列：\n")
		} else {
			p.f("  行：\n")
		}
		for j := range sh.Fields() {
			p.field(s, &sh.Fields()[j])
		}
		if sh.Kind == KindList {
			p.f("  合计行：%s\n", totalText(sh))
		}
		if sh.Summary != nil {
			p.f("  %s（上学年、本学年）：\n", sh.Summary.Title)
			for j := range sh.Summary.Rows {
				p.field(s, &sh.Summary.Rows[j])
			}
		}
		p.f("  审核规则：\n")
		for j := range sh.Checks {
			c := &sh.Checks[j]
			p.f("    %s %s：%s\n      %s\n", severityText(c.Severity), c.ID, c.Message, RuleText(sh, c))
		}
		for _, r := range implicitRules(s, sh) {
			p.f("    %s\n", r)
		}
	}
	p.changes(s)
	return p.err
}

// changes writes what changed since earlier versions: how their workbooks
// are read.
func (p *printer) changes(s *Spec) {
	if len(s.Changes) == 0 {
		return
	}
	p.f("\n版本变更（旧版本模板填写的工作簿按此读入本版本，nianbao migrate 按此转换）：\n")
	old := func(key, label string) string {
		var parts []string
		if key != "" {
			parts = append(parts, "键 "+key)
		}
		if label != "" {
			parts = append(parts, "标签“"+label+"”")
		}
		return strings.Join(parts, "，")
	}
	for _, ch := range s.Changes {
		p.f("  自版本 %s：\n", ch.FromVersion)
		for _, r := range ch.Sheets {
			var parts []string
			for _, x := range [][2]string{{"键 ", r.RenamedFrom.Key}, {"表名 ", r.RenamedFrom.Name}, {"标题 ", r.RenamedFrom.Title}} {
				if x[1] != "" {
					parts = append(parts, x[0]+x[1])
				}
			}
			name := r.Key
			if sh := s.Sheet(r.Key); sh != nil {
				name = sh.Name
			}
			p.f("    表“%s”（%s）原为：%s\n", name, r.Key, strings.Join(parts, "，"))
		}
		for _, r := range ch.Rows {
			label := r.Key
			if sh := s.Sheet(r.Sheet); sh != nil && sh.Field(r.Key) != nil {
				label = sh.Field(r.Key).Label
			}
			p.f("    %s.%s“%s”原为：%s\n", r.Sheet, r.Key, label, old(r.RenamedFrom.Key, r.RenamedFrom.Label))
		}
		for _, r := range ch.Removed {
			why := ""
			if r.Why != "" {
				why = "（" + r.Why + "）"
			}
			p.f("    删去 %s 的行“%s”（%s）：旧工作簿中这一行的值不转入，逐一说明%s\n", r.Sheet, r.Label, r.Key, why)
		}
		for _, sp := range ch.Split {
			rule := "全部计入第一行，其余行留空（不填 0），逐一说明"
			if sp.Rule == SplitShares {
				var shares []string
				for _, x := range sp.Shares {
					shares = append(shares, x.String()+"%")
				}
				rule = "按比例 " + strings.Join(shares, "、") + " 拆分（各份截到该行的小数位，余下的最小单位依次给截去部分最大的行，各份之和等于原值），逐一说明"
			}
			p.f("    拆分 %s 的行“%s”（%s）为 %s：%s\n", sp.Sheet, sp.From.Label, sp.From.Key, strings.Join(sp.Into, "、"), rule)
		}
	}
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) field(s *Spec, f *Field) {
	label := f.Label
	if f.Unit != "" {
		label += "（" + f.Unit + "）"
	}
	if f.Required {
		label += " *"
	}
	desc := DescribeType(s, f)
	if f.Derived != nil {
		desc = "计算：" + f.Derived.Src + "，" + desc
	}
	if len(f.Alt) > 0 {
		desc += "；亦称 " + strings.Join(f.Alt, "、")
	}
	p.f("    %s %s  [%s]\n", pad(label, 30), desc, f.Key)
}

// pad fills s with spaces to a display width, counting CJK characters double.
func pad(s string, width int) string {
	w := 0
	for _, r := range s {
		w++
		if r >= 0x2E80 {
			w++
		}
	}
	if w >= width {
		return s
	}
	return s + strings.Repeat(" ", width-w)
}

func kindText(s *Spec, sh *Sheet) string {
	switch sh.Kind {
	case KindRecord:
		return "单条记录"
	case KindIndicator:
		c := s.Columns
		return fmt.Sprintf("指标表：%s | %s | %s", c.Prev, c.Cur, c.Pct)
	}
	return fmt.Sprintf("列表：逐行填写，预留 %d 行，末行%s", s.ListRowCount(sh), s.Columns.Total)
}

func severityText(sev string) string {
	if sev == SeverityError {
		return "错误"
	}
	return "警告"
}

// DescribeType describes a field's type and range in words.
func DescribeType(s *Spec, f *Field) string {
	min, max := f.Bounds()
	bounds := ""
	switch {
	case min != nil && max != nil:
		bounds = fmt.Sprintf("，%s–%s", min, max)
	case min != nil:
		bounds = fmt.Sprintf("，≥%s", min)
	case max != nil:
		bounds = fmt.Sprintf("，≤%s", max)
	}
	switch f.Type {
	case TypeInteger:
		return "整数" + bounds
	case TypeDecimal:
		t := fmt.Sprintf("数值，%d位小数%s", f.Places(), bounds)
		if f.Display == "ratio" {
			t += "，显示为 N:1"
		}
		return t
	case TypePercent:
		return fmt.Sprintf("百分数，%d位小数%s", f.Places(), bounds)
	case TypeEnum:
		t := "选项"
		if e := s.Enum(f.Enum); e != nil {
			t += "：" + e.Label
			if len(e.Values) <= 6 {
				t += "（" + strings.Join(e.Values, "/") + "）"
			}
		}
		if f.Open {
			t += "，目录外的值为警告"
		}
		return t
	case TypeYear:
		return "年份" + bounds
	case TypeSchoolYear:
		return "学年，如 2019-2020"
	case TypeDate:
		return "日期"
	case TypeCode:
		return "10位数字代码"
	case TypePhone:
		return "电话"
	case TypeEmail:
		return "电子邮箱"
	case TypeSeq:
		return "序号，自动"
	}
	return "文本"
}

func totalText(sh *Sheet) string {
	var parts []string
	for _, c := range sh.Columns {
		switch c.TotalKind() {
		case "sum":
			parts = append(parts, c.Label+" 为各行之和")
		case "derived":
			parts = append(parts, c.Label+" 按合计值重新计算")
		}
	}
	return strings.Join(parts, "；")
}

// RuleText writes a check's rule as a formula-like line.
func RuleText(sh *Sheet, c *Check) string {
	var rule string
	for _, k := range checkKinds {
		if k.Set(c) {
			rule = k.Describe(c)
			break
		}
	}
	var notes []string
	switch c.Each {
	case "once":
		notes = append(notes, "全表一次")
	case "row":
		notes = append(notes, "逐行")
	case "year":
		notes = append(notes, "上学年、本学年各一次")
	default:
		switch sh.Kind {
		case KindIndicator:
			notes = append(notes, "上学年、本学年各一次")
		case KindList:
			notes = append(notes, "逐行")
		}
	}
	if c.When != nil {
		notes = append(notes, "仅当 "+c.When.Src)
	}
	if c.Missing == "zero" {
		notes = append(notes, "空的部分按 0 计")
	} else {
		notes = append(notes, "有空值时不审核")
	}
	return rule + "（" + strings.Join(notes, "；") + "）"
}

func cond(e *Expr) string {
	if e == nil {
		return ""
	}
	return "满足 " + e.Src + " 的"
}

// implicitRules are the checks every sheet gets from its fields: types,
// ranges, drop-downs and computed cells.
func implicitRules(s *Spec, sh *Sheet) []string {
	var out []string
	derived, inputs := 0, 0
	for _, f := range sh.Fields() {
		if f.Derived != nil {
			derived++
		} else if f.Input() {
			inputs++
		}
	}
	if inputs > 0 {
		out = append(out, "错误 （类型）：每个填报单元格须符合其类型、范围和选项；必填项不能为空")
	}
	for _, f := range sh.Fields() {
		if f.Open {
			out = append(out, fmt.Sprintf("警告 （目录）：%s 不在“%s”中", f.Label, s.Enum(f.Enum).Label))
		}
	}
	if derived > 0 || sh.Kind == KindIndicator || sh.Summary != nil {
		out = append(out, "错误 （计算）：每个计算单元格（含本学年为上学年(%)）须等于按公式重算并四舍五入的值；仅因截断而差末位一个单位的为警告")
	}
	if sh.Kind == KindList {
		out = append(out, fmt.Sprintf("错误 （合计）：%s行须等于各行之和（比率按合计重算）", s.Columns.Total))
	}
	if yearInputs(sh) {
		// validate.RuleCrossYear; run when last year's data is at hand
		out = append(out, fmt.Sprintf("警告 cross_year（跨学年）：有该校上一学年报送的数据时，每行的%s须等于上一学年报送的%s（整数须相等，小数按四舍五入区间比较）",
			s.Columns.Prev, s.Columns.Cur))
	}
	return out
}

// yearInputs reports whether a sheet has an input row with 上学年 and 本学年:
// an indicator table, or the indicator rows below a list.
func yearInputs(sh *Sheet) bool {
	rows := sh.YearRows()
	for i := range rows {
		if rows[i].Input() {
			return true
		}
	}
	return false
}
