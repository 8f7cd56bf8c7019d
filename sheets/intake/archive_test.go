package intake

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// writeZip writes a zip of the entries (name → content); gbk entries are
// named in GBK without the UTF-8 flag.
func writeZip(t *testing.T, path string, gbk bool, entries map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range entries {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		if gbk {
			enc, err := simplifiedchinese.GBK.NewEncoder().String(name)
			if err != nil {
				t.Fatal(err)
			}
			h.Name, h.NonUTF8 = enc, true
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestWorkbooksZip(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	dir := t.TempDir()
	for _, gbk := range []bool{false, true} {
		z := filepath.Join(dir, map[bool]string{false: "utf8.zip", true: "gbk.zip"}[gbk])
		writeZip(t, z, gbk, map[string]string{
			"收到/一中/年报.xlsx": "PK not really",
			"收到/说明.pdf":     "%PDF",
			"../逃出.xlsx":    "outside",
			"/绝对.xlsx":      "absolute",
		})
		files, skipped, err := Workbooks([]string{z})
		if err != nil {
			t.Fatal(err)
		}
		want := filepath.Join(z, "收到", "一中", "年报.xlsx")
		if len(files) != 1 || files[0] != want {
			t.Fatalf("gbk=%v: files %q, want [%q]", gbk, files, want)
		}
		if b, err := os.ReadFile(onDisk(files[0])); err != nil || string(b) != "PK not really" {
			t.Errorf("gbk=%v: the extracted file reads %q, %v", gbk, b, err)
		}
		if len(skipped) != 1 || !strings.HasSuffix(skipped[0].File, "说明.pdf") || !strings.Contains(skipped[0].Reason, "不是工作簿") {
			t.Errorf("gbk=%v: skipped %+v", gbk, skipped)
		}
		if _, err := os.Stat(filepath.Join(dir, "逃出.xlsx")); err == nil {
			t.Errorf("an entry was extracted outside the folder")
		}
	}
}

// The limits of workbooks apply to archives: too many entries, too much
// once inflated, a bomb's ratio; the archive is skipped with the reason,
// and the other files are still read.
func TestWorkbooksZipLimits(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	dir := t.TempDir()
	bomb := filepath.Join(dir, "炸弹.zip")
	writeZip(t, bomb, false, map[string]string{"a.xlsx": strings.Repeat("0", 4<<20)})
	if _, err := extractZip(bomb, "炸弹.zip", Limits{}); err == nil || !strings.Contains(err.Error(), "压缩炸弹") {
		t.Errorf("ratio: %v", err)
	}
	big := filepath.Join(dir, "大.zip")
	writeZip(t, big, false, map[string]string{"a.xlsx": strings.Repeat("0", 3000), "b.xlsx": strings.Repeat("1", 3000)})
	if _, err := extractZip(big, "大.zip", Limits{MaxFileSize: 10 << 20, MaxUncompressed: 4000}); err == nil || !strings.Contains(err.Error(), "解压后过大") {
		t.Errorf("total size: %v", err)
	}
	many := filepath.Join(dir, "多.zip")
	writeZip(t, many, false, map[string]string{"a.xlsx": "a", "b.xlsx": "b", "c.xlsx": "c"})
	if _, err := extractZip(many, "多.zip", Limits{MaxEntries: 2}); err == nil || !strings.Contains(err.Error(), "文件过多") {
		t.Errorf("entries: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "好.xlsx"), []byte("x"), 0o600)
	files, skipped, err := Workbooks([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 6 { // 好.xlsx and the five entries of the two archives within the default limits
		t.Errorf("files %q", files)
	}
	var bombSkipped bool
	for _, s := range skipped {
		bombSkipped = bombSkipped || (s.File == bomb && strings.Contains(s.Reason, "压缩炸弹"))
	}
	if !bombSkipped {
		t.Errorf("the bomb is not listed as skipped: %+v", skipped)
	}
}

// ExtractOne takes the one workbook of an upload, named as the school sees
// it, under a name of ours, and refuses archives it cannot stand for.
func TestExtractOne(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name    string
		gbk     bool
		entries map[string]string
		lim     Limits
		entry   string // "" when refused
		refusal string
	}{
		{name: "gbk", gbk: true, entries: map[string]string{"某校/年报.xlsx": "PK-book", "说明.txt": "x"}, entry: "年报.xlsx"},
		{name: "dotdot", entries: map[string]string{"../../etc/年报\x01.xlsx": "PK-book"}, entry: "年报.xlsx"},
		{name: "two", entries: map[string]string{"a.xlsx": "1", "b.xls": "2"}, refusal: "正好有一个工作簿，而这里有 2 个"},
		{name: "none", entries: map[string]string{"a.txt": "1", "~$a.xlsx": "lock"}, refusal: "这里有 0 个"},
		{name: "big", entries: map[string]string{"a.xlsx": strings.Repeat("x", 5000)}, lim: Limits{MaxFileSize: 1000}, refusal: "太大"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			zipPath := filepath.Join(dir, c.name+".zip")
			writeZip(t, zipPath, c.gbk, c.entries)
			out := t.TempDir()
			file, entry, err := ExtractOne(zipPath, out, c.lim)
			if c.refusal != "" {
				if err == nil || !strings.Contains(err.Error(), c.refusal) {
					t.Fatalf("error %v, want one saying %q", err, c.refusal)
				}
				if left, _ := os.ReadDir(out); len(left) > 1 {
					t.Errorf("left %d files", len(left))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if entry != c.entry || filepath.Dir(file) != out || filepath.Base(file) != "inner.xlsx" {
				t.Errorf("got %s as %q, want %q in %s", file, entry, c.entry, out)
			}
			if data, _ := os.ReadFile(file); string(data) != "PK-book" {
				t.Errorf("extracted %q", data)
			}
		})
	}
	if _, _, err := ExtractOne(filepath.Join(dir, "missing.zip"), dir, Limits{}); err == nil || !strings.Contains(err.Error(), "压缩包无法打开") {
		t.Errorf("missing archive: %v", err)
	}
}
