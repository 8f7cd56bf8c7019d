package formula

import (
	"regexp"
	"strconv"
	"strings"
)

var (
	unexpectedToken = regexp.MustCompile(`^unexpected token (\w+)(?:\((".*")\))?$`)
	badInteger      = regexp.MustCompile(`^invalid (?:integer|float) literal: strconv\.Parse\w+: parsing "(.*)": value out of range$`)
	unrecognized    = regexp.MustCompile(`^unrecognized character: U\+[0-9A-F]+ '(.*)'$`)
	badNumber       = regexp.MustCompile(`^bad number syntax: "(.*)"$`)
)

// parseError turns one of expr-lang's parse messages into ours, in Chinese and
// English, at a rune offset of src.
func parseError(src string, off int, m string) *SyntaxError {
	switch {
	case m == "unexpected token EOF" || m == "unexpected end of expression":
		return errAt(off, "语法错误：表达式不完整，末尾缺少内容", "syntax error: the expression ends too early")
	case unexpectedToken.MatchString(m):
		g := unexpectedToken.FindStringSubmatch(m)
		tok := g[1]
		if v, err := strconv.Unquote(g[2]); err == nil {
			tok = v
		}
		return errAt(off, "语法错误：此处不应出现 “%s”", "syntax error: unexpected “%s”", tok)
	case badInteger.MatchString(m):
		num := badInteger.FindStringSubmatch(m)[1]
		if i := strings.Index(src, num); i >= 0 {
			off = len([]rune(src[:i]))
		}
		return errAt(off, "数字 %s 太大，整数最多 18 位（需要更多位时写成小数，如 %s.0）",
			"the number %s is too large: whole numbers have at most 18 digits (write more as a decimal, such as %s.0)", num, num)
	case m == "integer literal is too large" || m == "float literal is too large":
		return errAt(off, "数字太大", "the number is too large")
	case m == "literal not terminated":
		return errAt(off, "语法错误：文字缺少结尾的引号", "syntax error: a text has no closing quote")
	case m == "invalid char escape":
		return errAt(off, "语法错误：文字中的 \\ 转义无效", "syntax error: an invalid \\ escape in a text")
	case unrecognized.MatchString(m):
		return errAt(off, "语法错误：无法识别的字符 “%s”", "syntax error: unrecognised character “%s”", unrecognized.FindStringSubmatch(m)[1])
	case badNumber.MatchString(m):
		return errAt(off, "语法错误：数字写法有误 “%s”", "syntax error: a badly written number “%s”", badNumber.FindStringSubmatch(m)[1])
	}
	return errAt(off, "语法错误（解析器：%s）", "syntax error: %s", m)
}
