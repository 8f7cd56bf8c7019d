package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// A table's numbers keep their formats, totals are bold, the header is
// frozen and repeated on every printed page, and each sheet is set up for A4
// one page wide with a footer.
func TestTableFormats(t *testing.T) {
	w, err := NewTableWriter("t")
	if err != nil {
		t.Fatal(err)
	}
	tb, err := w.Add("汇总", TableOptions{Rows: 4, Cols: 3, Header: 1, Borders: true, Widths: []float64{20, 12, 12}})
	if err != nil {
		t.Fatal(err)
	}
	d := decimal.RequireFromString
	rows := [][]any{
		{"指标", "本学年", "生师比"},
		{"在校生", Number{Value: d("17699"), Format: "#,##0"}, Number{Value: d("18.9"), Format: `0.0":1"`}},
		{Bold("合计"), Number{Value: d("102.885"), Format: "0.00", Bold: true}, nil},
		{Title("表二")},
	}
	for _, r := range rows {
		if err := tb.Row(r...); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	format := func(cell string) (string, bool, bool) {
		id, err := f.GetCellStyle("汇总", cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		code := map[int]string{2: "0.00", 3: "#,##0"}[st.NumFmt]
		if st.CustomNumFmt != nil {
			code = *st.CustomNumFmt
		}
		return code, st.Font != nil && st.Font.Bold, len(st.Border) == 4
	}
	for cell, want := range map[string]struct {
		code         string
		bold, border bool
	}{
		"B2": {"#,##0", false, true}, "C2": {`0.0":1"`, false, true},
		"B3": {"0.00", true, true}, "A3": {"", true, true}, "C3": {"", false, true},
		"A1": {"", true, true},
	} {
		code, bold, border := format(cell)
		if (want.code != "" && code != want.code) || bold != want.bold || border != want.border {
			t.Errorf("%s: format %q bold %v border %v, want %+v", cell, code, bold, border, want)
		}
	}
	if v, _ := f.GetCellValue("汇总", "B3", excelize.Options{RawCellValue: true}); v != "102.885" {
		t.Errorf("B3 holds %q, want the exact 102.885", v)
	}
	if _, _, border := format("A4"); border {
		t.Error("a title row has borders")
	}
	names := f.GetDefinedName()
	found := false
	for _, n := range names {
		found = found || n.Name == "_xlnm.Print_Titles" && n.Scope == "汇总" && n.RefersTo == "'汇总'!$1:$1"
	}
	if !found {
		t.Errorf("no print titles: %+v", names)
	}
	body := string(zipPart(t, buf.Bytes(), "xl/worksheets/sheet1.xml"))
	for _, want := range []string{`<pageSetUpPr fitToPage="1"/>`, `paperSize="9"`, `fitToWidth="1" fitToHeight="0"`, `state="frozen"`, `&amp;P`, `&amp;A`} {
		if !bytes.Contains([]byte(body), []byte(want)) {
			t.Errorf("sheet lacks %s", want)
		}
	}
}

func zipPart(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no %s", name)
	return nil
}

// escapeAsRunes is the escaping writeEscaped replaced: the text ranged
// over rune by rune.
func escapeAsRunes(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r == '<':
			sb.WriteString("&lt;")
		case r == '>':
			sb.WriteString("&gt;")
		case r == '&':
			sb.WriteString("&amp;")
		case r == '"':
			sb.WriteString("&quot;")
		case r == '\r':
			sb.WriteString("&#13;")
		case r == '\t' || r == '\n' || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000 && r <= 0x10FFFF:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// writeEscaped writes what ranging over the text rune by rune wrote, and
// appendT what it wrote before.
func TestWriteEscapedAsRunes(t *testing.T) {
	cases := []string{"", "plain", "学校名称", "a<b>c&d\"e'f", "x\r\ny\tz\x00\x01\x1f\x7f", "\xff\xfe", "a\xe4\xb8", "\uFFFE\uFFFF\uFFFD",
		"\U0001F600", "\xed\xa0\x80", "1,883人", "end&", "<", "\x00"}
	for i := 0; i < 256; i++ {
		cases = append(cases, string([]byte{byte(i)}), "中"+string([]byte{byte(i), 'a'}))
	}
	cases = append(cases, " a", "a ", "\ta", "a\n", "\u3000中文", "中文\u3000", "\u0085x", "x\u00a0", "\xe3\x80", " ", "中 文", "\uFFFE", "a\xef\xbf", "\xef\xbf\xbf")
	for _, s := range cases {
		if got, want := escape(s), escapeAsRunes(s); got != want {
			t.Errorf("escape(%q) = %q, want %q", s, got, want)
		}
		if got, want := string(appendT(nil, s)), tAsBefore(s); got != want {
			t.Errorf("appendT(%q) = %q, want %q", s, got, want)
		}
	}
}

// tAsBefore is appendT before it looked at a text's first and last runes
// only (it trimmed its spaces) and appended a text needing no escape at
// once.
func tAsBefore(text string) string {
	if strings.TrimSpace(text) != text || strings.Contains(text, "\n") {
		return `<t xml:space="preserve">` + escapeAsRunes(text) + `</t>`
	}
	return `<t>` + escapeAsRunes(text) + `</t>`
}

// Whatever the text, writeEscaped writes what ranging over it wrote.
func FuzzWriteEscaped(f *testing.F) {
	f.Add("a<b>&\"\r\n\x01\xff中")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := escape(s), escapeAsRunes(s); got != want {
			t.Fatalf("escape(%q) = %q, want %q", s, got, want)
		}
		if got, want := string(appendT(nil, s)), tAsBefore(s); got != want {
			t.Fatalf("appendT(%q) = %q, want %q", s, got, want)
		}
	})
}

// Texts whose bytes fall in the same set of a table's cache of shared
// texts stay in it, four of them; a fifth takes the place after the one a
// text was found in last. The numbers are the texts' own whichever place
// they are in.
func TestSeenTexts(t *testing.T) {
	w, err := NewTableWriter("t")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tb, err := w.AddStream("表", TableOptions{Cols: 1, Shared: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	// texts of the same length, as far apart in one string as the sets
	// go round: one set
	apart := 16 * len(seenTexts{}.sets)
	big := []byte(strings.Repeat("x", 5*apart))
	var texts []string
	for i, c := range []string{"甲", "乙", "丙", "丁", "戊"} {
		copy(big[i*apart:], c)
	}
	all := string(big)
	for i := 0; i < 5; i++ {
		texts = append(texts, all[i*apart:i*apart+3])
	}
	in := func(s string) (found bool) {
		for _, set := range tb.seen.sets {
			for _, e := range set {
				found = found || e.p == unsafe.StringData(s)
			}
		}
		return found
	}
	for _, x := range []struct {
		text int
		kept []int
	}{
		{0, []int{0}}, {1, []int{0, 1}}, {2, []int{0, 1, 2}}, {3, []int{0, 1, 2, 3}},
		{0, []int{0, 1, 2, 3}}, {4, []int{0, 2, 3, 4}}, {1, []int{0, 3, 4, 1}}, {4, []int{0, 3, 4, 1}},
	} {
		id, ok := tb.sharedID(texts[x.text])
		if !ok || string(id) != strconv.Itoa(x.text) {
			t.Fatalf("%q: %q, %v; want %d", texts[x.text], id, ok, x.text)
		}
		for _, k := range x.kept {
			if !in(texts[k]) {
				t.Errorf("after %q, %q is no longer kept", texts[x.text], texts[k])
			}
		}
	}
}
