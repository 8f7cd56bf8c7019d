package command

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// printable shows text from a file (a school's name, a cell's content, a
// file name) safely on a terminal: control characters — ESC and the whole
// CSI/OSC sequences they start, BEL, backspace, carriage return, C1 codes,
// DEL — and the bidirectional overrides that reorder what is shown become
// visible escapes such as \x1b, so that a file can neither rewrite the
// window's title nor erase or disguise the lines printed before it.
//
// A byte that is not UTF-8 (a raw 0x9b is an 8-bit CSI to some terminals) is
// shown as \x9b too.
func printable(s string) string {
	ok := true
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r) || r == utf8.RuneError && n == 1 {
			ok = false
			break
		}
		i += n
	}
	if ok {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// unsafeRune is a character a terminal acts on instead of showing it (a tab
// is kept: it only moves the cursor forward).
func unsafeRune(r rune) bool {
	switch {
	case r == '\t':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

// printableText is printable for text of several lines (a message listing
// many problems): line breaks are kept, everything else as printable.
func printableText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = printable(l)
	}
	return strings.Join(lines, "\n")
}
