package command

import "testing"

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"某某职业学校":              "某某职业学校",
		"A\tB":                "A\tB",
		"\x1b]0;pwned\x07学校":  `\x1b]0;pwned\x07学校`,
		"\x1b[2K\x1b[1A伪造的一行": `\x1b[2K\x1b[1A伪造的一行`,
		"回车\r覆盖":              `回车\x0d覆盖`,
		"\u009b31m C1 CSI":    `\x9b31m C1 CSI`,
		"\u202e\u202dbidi":    `\u202e\u202dbidi`,
		"line\nbreak":         `line\x0abreak`,
		"del\x7f":             `del\x7f`,
		"36\x9b2":             `36\x9b2`, // a raw byte, not UTF-8: 8-bit CSI to some terminals
		"坏\xff\xfe":           `坏\xff\xfe`,
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
		for _, r := range printable(in) {
			if r != '\t' && unsafeRune(r) {
				t.Errorf("printable(%q) still holds %U", in, r)
			}
		}
	}
}
