package reader

import (
	"bytes"
	"math/rand"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"

	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/workbook"
)

// normSlow is norm as it was, rune by rune into a new string: norm's fast
// path (no copy when nothing changes) must give the same for every input.
func normSlow(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case unicode.IsSpace(c) || c == '\u200b' || c == '\u200c' || c == '\u200d' || c == '\ufeff' || c == '\u3000':
			continue
		case c >= '！' && c <= '～':
			c -= '！' - '!'
		}
		switch c {
		case '–', '—', '－', '~', '〜', '−':
			c = '-'
		case '“', '”', '「', '」', '‘', '’', '\'':
			c = '"'
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return strings.TrimSuffix(strings.TrimRight(b.String(), "*"), "(必填)")
}

func TestNormSameAsSlow(t *testing.T) {
	pieces := []string{"学校", "名称", "a", "Z", "z", "1", "９", "（", "）", "(", ")", "必填", "*", " ", "\t", "\u00a0", "\u0085", "\u200b", "\ufeff", "\u3000",
		"–", "—", "－", "~", "〜", "−", "“", "”", "「", "」", "‘", "’", "'", "\"", "：", ":", "\xff", "\xe4\xb8", "\uFFFD", "Ä", "ä", "Σ", "İ", "一、", "(1)", "%", "％", "其中:", "其中："}
	rnd := rand.New(rand.NewSource(1))
	var nb normBuf
	for i := 0; i < 200000; i++ {
		var b strings.Builder
		for n := rnd.Intn(6); n >= 0; n-- {
			b.WriteString(pieces[rnd.Intn(len(pieces))])
		}
		s := b.String()
		if got, want := norm(s), normSlow(s); got != want {
			t.Fatalf("norm(%q) = %q, want %q", s, got, want)
		}
		if got, want := labelKey(s), labelKeySlow(s); got != want {
			t.Fatalf("labelKey(%q) = %q, want %q", s, got, want)
		}
		if got, want := string(nb.norm(s)), normSlow(s); got != want {
			t.Fatalf("normBuf.norm(%q) = %q, want %q", s, got, want)
		}
		if got, want := string(nb.labelKey(s)), labelKeySlow(s); got != want {
			t.Fatalf("normBuf.labelKey(%q) = %q, want %q", s, got, want)
		}
	}
}

func labelKeySlow(s string) string {
	n := normSlow(s)
	if m := numberingRegexp.FindString(n); m != "" && len(m) < len(n) {
		return n[len(m):]
	}
	return n
}

func TestNormNoCopy(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { norm("本学年在校生数(人)") }); n != 0 {
		t.Errorf("norm of a label that does not change allocates %v times", n)
	}
}

func TestUTF16Len(t *testing.T) {
	for _, s := range []string{"", "abc", "学校基本情况", "𠀀𠀁x", "\xff\xfe", "a\xed\xa0\x80b", "😀", strings.Repeat("表", 40), "\U0010FFFF\uFFFD"} {
		if got, want := utf16Len(s), len(utf16.Encode([]rune(s))); got != want {
			t.Errorf("utf16Len(%q) = %d, want %d", s, got, want)
		}
	}
}

// Every character, alone and between others, is normalised as normSlow does
// (appendNorm's fast paths for ASCII and the ideographs included).
func TestNormEveryRune(t *testing.T) {
	var nb normBuf
	for c := rune(0); c <= unicode.MaxRune; c++ {
		for _, s := range []string{string(c), "a" + string(c) + "学"} {
			if got, want := string(nb.norm(s)), normSlow(s); got != want {
				t.Fatalf("normBuf.norm(%q) = %q, want %q", s, got, want)
			}
		}
	}
}

// isTotalWord is totalWords of the normalised text, whatever the text.
func TestIsTotalWord(t *testing.T) {
	pieces := []string{"合", "计", "总", "小", " ", "\u3000", "\u200b", "*", "(必填)", "（必填）", "：", "a", "A", "计划", "\xe8\xae", "\xa1"}
	rnd := rand.New(rand.NewSource(2))
	var nb normBuf
	for i := 0; i < 200000; i++ {
		var b strings.Builder
		for n := rnd.Intn(5); n >= 0; n-- {
			b.WriteString(pieces[rnd.Intn(len(pieces))])
		}
		s := b.String()
		if got, want := isTotalWord(&nb, s), totalWords[norm(s)]; got != want {
			t.Fatalf("isTotalWord(%q) = %v, want %v", s, got, want)
		}
	}
	for w := range totalWords {
		if !isTotalWord(&nb, w) && norm(w) == w {
			t.Errorf("%q is not a total word", w)
		}
	}
}

// Where the report says a cell is, is where locating it last put it: a
// key located twice is at its last place.
func TestCellsAsLocated(t *testing.T) {
	r := &reader{out: &report.Report{}}
	want := map[report.Addr]report.Cell{}
	for i := 0; i < 3000; i++ {
		key := report.RowAddr("majors", i%700, "name")
		r.locate(key, "专业", i+1, 2)
		want[key] = report.Cell{Sheet: "专业", Ref: cellName(2, i+1)}
	}
	if len(r.located) != 3000 {
		t.Errorf("%d cells located, want 3000", len(r.located))
	}
	r.out.Located = r.located
	for key, c := range want {
		if got := r.out.Cell(key); got != c {
			t.Fatalf("Cell(%v) = %v, want %v", key, got, c)
		}
	}
	if got := r.out.Cell(report.RowAddr("majors", 700, "name")); !got.IsZero() {
		t.Errorf("a key not located is at %v", got)
	}
}

// numberingRegexp is what numbering stands for.
var numberingRegexp = regexp.MustCompile(`^(?:\(?[0-9一二三四五六七八九十]{1,3}[).、]|\([0-9一二三四五六七八九十]{1,3}\))`)

// numbering finds what the regexp it stands for finds, at the start of
// texts made of numerals, parentheses, points, 、 and others.
func TestNumberingAsRegexp(t *testing.T) {
	pieces := []string{"1", "0", "9", "一", "十", "二", "(", ")", ".", "、", "在校生", "a", "\xff", "\xe4\xb8", "\uFFFD", ",", "（", "）", "百", "〇"}
	rnd := rand.New(rand.NewSource(5))
	cases := []string{"", "1.", "1、在校生", "(1)在校生", "(一)", "一、", "1234.", "(1234)", "123.", "((1)", "(1", "1", "(", "十二、", "1)"}
	for i := 0; i < 200000; i++ {
		var b strings.Builder
		for n := rnd.Intn(7); n >= 0; n-- {
			b.WriteString(pieces[rnd.Intn(len(pieces))])
		}
		cases = append(cases, b.String())
	}
	matched := 0
	for _, s := range cases {
		want := len(numberingRegexp.FindString(s))
		if got := numbering([]byte(s)); got != want {
			t.Fatalf("numbering(%q) = %d, want %d", s, got, want)
		}
		if want > 0 {
			matched++
		}
	}
	if matched < len(cases)/20 {
		t.Errorf("only %d of %d texts numbered", matched, len(cases))
	}
}

// A list of cells located is kept emptied for the next workbook, at most
// freeLocated.Keep of them, none larger than maxLocated.
func TestLocatedKept(t *testing.T) {
	for freeLocated.Get() != nil {
	}
	l := append(freeLocated.Get(), report.Located{Addr: report.FieldAddr("basic", "name"), Cell: report.Cell{Sheet: "基本信息", Ref: "B2"}})
	freeLocated.Put(l)
	if l[0] != (report.Located{}) {
		t.Errorf("the list kept holds %+v", l[0])
	}
	if got := freeLocated.Get(); len(got) != 0 || cap(got) == 0 || &got[:1][0] != &l[0] {
		t.Errorf("the list kept is not the one put (%d, room %d)", len(got), cap(got))
	}
	freeLocated.Put(make([]report.Located, 0, maxLocated+1))
	for i := 0; i < freeLocated.Keep+3; i++ {
		freeLocated.Put(make([]report.Located, 1, 10))
	}
	n := 0
	for l := freeLocated.Get(); l != nil; l = freeLocated.Get() {
		if len(l) != 0 || cap(l) != 10 {
			t.Errorf("a list of %d, room %d, kept", len(l), cap(l))
		}
		n++
	}
	if n != freeLocated.Keep {
		t.Errorf("%d lists kept, want %d", n, freeLocated.Keep)
	}
}

// A report keeps its cells when the reader goes on to the next workbook
// (whose cells are located in the list the first one's were).
func TestLocatedOwnedByReport(t *testing.T) {
	p := testkit.DefaultProgram(t)
	var reports []*report.Report
	var kept [][]report.Located
	for seed := uint64(1); seed <= 3; seed++ {
		var b bytes.Buffer
		if err := workbook.WriteFilled(p, testkit.RandomInputs(p, seed), &b, workbook.FillOptions{}); err != nil {
			t.Fatal(err)
		}
		r, err := ReadBytes(p, "filled.xlsx", b.Bytes(), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		reports = append(reports, r)
		kept = append(kept, slices.Clone(r.Located))
	}
	for i, r := range reports {
		if len(r.Located) < 100 {
			t.Errorf("report %d: only %d cells located", i, len(r.Located))
		}
		if !slices.Equal(r.Located, kept[i]) {
			t.Errorf("report %d: its cells changed when the next workbooks were read", i)
		}
		for _, l := range r.Located {
			if l.Cell.IsZero() || l.Addr.Sheet == "" {
				t.Fatalf("report %d: a cell located is %+v", i, l)
			}
		}
	}
}
