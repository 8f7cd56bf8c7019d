package validate

import (
	"strings"
	"testing"
	"unicode"

	"github.com/nianbao/nianbao/report"
)

// With --lang en what the reader normalised or could not read is said in
// English: no Han character in those findings but the cell's own content.
func TestReaderFindingsInEnglish(t *testing.T) {
	p := program(t)
	r := &report.Report{Book: report.New(),
		Notes:    []report.Note{{Sheet: "学生情况", Cell: "D4", Kind: "thousands", Msg: "去掉了千分位分隔符", MsgEn: "removed thousands separators"}},
		Problems: []report.Problem{{Sheet: "学生情况", Cell: "D7", Found: "约九百", Msg: "不是数字", MsgEn: "not a number"}},
		Sheets:   make([]report.SheetMatch, len(p.Spec.Sheets)),
	}
	for _, lang := range []string{"en", "zh"} {
		var normalised, unreadable string
		for _, f := range Check(p, r, Options{Lang: lang}) {
			switch f.Rule {
			case RuleNormalised:
				normalised = f.Message
			case RuleUnreadable:
				unreadable = f.Message
			}
		}
		if lang == "zh" {
			if !strings.Contains(normalised, "千分位") || !strings.Contains(unreadable, "不是数字（单元格内容：约九百）") {
				t.Errorf("zh: %q, %q", normalised, unreadable)
			}
			continue
		}
		if normalised != "read after normalising: removed thousands separators" {
			t.Errorf("en normalised: %q", normalised)
		}
		if unreadable != "not a number (the cell holds: 约九百)" {
			t.Errorf("en unreadable: %q", unreadable)
		}
		for _, m := range []string{normalised, strings.ReplaceAll(unreadable, "约九百", "")} {
			for _, c := range m {
				if unicode.Is(unicode.Han, c) {
					t.Errorf("en message %q holds Chinese", m)
					break
				}
			}
		}
	}
}
