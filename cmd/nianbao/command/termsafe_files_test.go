package command

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/templates"
)

// hostileName is a school name that, printed raw, sets the window title
// (OSC … BEL), clears the screen (CSI 2J), moves the cursor back over what
// was printed (CR, backspace), rings the bell and starts a sequence with an
// 8-bit CSI, as a C1 character (U+009B) and as a raw byte that is not UTF-8.
const hostileName = "\x1b]0;pwned\x07坏\x1b[2J\x1b[1A\r\b学校\u009b31m\x07\x9b"

// writeHostile writes a filled workbook whose school name is hostileName,
// stored raw in the package (as a hand-made file can), and returns its path.
func writeHostile(t *testing.T, path string, i int) {
	t.Helper()
	p, err := templates.Default("zh")
	if err != nil {
		t.Fatal(err)
	}
	s, err := sample.Generate(p, 7, i)
	if err != nil {
		t.Fatal(err)
	}
	sh, f := p.Spec.Role("school_name")
	s.Book.Set(sh.Key, report.Key{Field: f.Key}, report.Str("NAMEMARK"))
	var buf bytes.Buffer
	if err := workbook.WriteFilled(p, s.Book, &buf, workbook.FillOptions{}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, e := range zr.File {
		rc, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("NAMEMARK")) {
			found = true
			data = bytes.ReplaceAll(data, []byte("NAMEMARK"), []byte(hostileName))
		}
		w, err := zw.Create(e.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil || !found {
		t.Fatalf("no school name to replace (%v)", err)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// controlBytes lists the control characters in out other than \n and \t,
// and the bytes that are not UTF-8 (0x9b alone is a CSI to some terminals).
func controlBytes(out string) []string {
	var bad []string
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRuneInString(out[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			bad = append(bad, out[i:i+1])
		case r == '\n' || r == '\t':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			bad = append(bad, string(r))
		}
		i += n
	}
	return bad
}

// Nothing a file holds reaches the terminal as a control character: school
// names, file names, cell contents and messages quoting them are escaped in
// text output, progress and errors; JSON keeps them exact.
func TestNoControlCharactersFromFiles(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "收到")
	if err := os.MkdirAll(in, 0o755); err != nil {
		t.Fatal(err)
	}
	writeHostile(t, filepath.Join(in, "坏校.xlsx"), 0)
	writeHostile(t, filepath.Join(in, "坏\x1b]0;x\x07名.xlsx"), 1)
	if err := os.WriteFile(filepath.Join(in, "空\x1b[2J.xlsx"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	runs := [][]string{
		{"validate", in},
		{"validate", "--lang", "en", in},
		{"validate", "--annotate", filepath.Join(dir, "退回"), in},
		{"dump", filepath.Join(in, "坏校.xlsx")},
		{"dump", filepath.Join(in, "空\x1b[2J.xlsx")},
		{"consolidate", in, "-o", filepath.Join(dir, "汇总.xlsx")},
		{"consolidate", "--format", "csv", in, "-o", filepath.Join(dir, "表")},
		{"consolidate", in, "-o", filepath.Join(dir, "汇总.xlsx")}, // exists
	}
	for _, args := range runs {
		var stdout, stderr bytes.Buffer
		Main(append([]string{"nianbao"}, args...), &stdout, &stderr)
		for name, out := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
			if bad := controlBytes(out); len(bad) > 0 {
				t.Errorf("%s: %q on %s:\n%s", strings.Join(args, " "), bad, name, out)
			}
		}
		if args[0] == "validate" && !strings.Contains(stdout.String(), `\x1b]0;pwned\x07`) {
			t.Errorf("%s: the school name is not shown escaped:\n%s", strings.Join(args, " "), stdout.String())
		}
	}
	// JSON stays exact: the name as it is, escaped by JSON itself (C1 too),
	// and nothing raw on the terminal
	for _, args := range [][]string{{"validate", "--format", "json"}, {"dump", "--format", "json"}} {
		var stdout, stderr bytes.Buffer
		Main(append(append([]string{"nianbao"}, args...), filepath.Join(in, "坏校.xlsx")), &stdout, &stderr)
		// (the CR is a line feed: XML reads a line end so)
		if !strings.Contains(stdout.String(), `"\u001b]0;pwned\u0007坏\u001b[2J\u001b[1A\n\b学校\u009b31m\u0007`) {
			t.Errorf("%s: the JSON does not hold the exact name:\n%.900s", args[0], stdout.String())
		}
		for name, out := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
			if bad := controlBytes(out); len(bad) > 0 {
				t.Errorf("%s: %q on %s", strings.Join(args, " "), bad, name)
			}
		}
	}
}
