package intake

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/xlsx"
)

// tableBook is a workbook of the consolidated kind: the sheets given, with
// nianbao's output mark or without it (as written before the mark).
func tableBook(t testing.TB, mark bool, sheets ...string) []byte {
	t.Helper()
	w, err := xlsx.NewTableWriter("汇总")
	if err != nil {
		t.Fatal(err)
	}
	if mark {
		w.SetProp(report.PropOutput, report.OutputConsolidated)
	}
	if err := w.Reserve(sheets...); err != nil {
		t.Fatal(err)
	}
	for _, s := range sheets {
		tb, err := w.Add(s, xlsx.TableOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := tb.Row("学校", "4141000001"); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Our own outputs are known by what they hold, whatever their name.
func TestOwnOutput(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"某校.xlsx", tableBook(t, true, "随便"), report.OutputConsolidated},
		{"旧汇总.xlsx", tableBook(t, false, "汇总", "学校指标", "提交情况", "审核结果"), report.OutputConsolidated},
		{"学校自己的汇总.xlsx", tableBook(t, false, "汇总", "其他"), ""},
		{"旧副本_审核.xlsx", tableBook(t, false, report.ResultSheet, "学生情况"), report.OutputAnnotated},
		{"不是副本.xlsx", tableBook(t, false, report.ResultSheet, "学生情况"), ""},
		{"学校.xlsx", minimalXLSX(t), ""},
		{"空.xlsx", nil, ""},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		if got := OwnOutput(path); got != c.want {
			t.Errorf("%s: OwnOutput %q, want %q", c.name, got, c.want)
		}
	}
	files, skipped, err := Workbooks([]string{dir}, Exclude{Path: filepath.Join(dir, "学校.xlsx"), Reason: "输出"})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || len(skipped) != 4 {
		t.Errorf("read %q, skipped %v; want 3 read and 4 skipped", files, skipped)
	}
}

// BenchmarkOwnOutput is the check a folder run makes of every workbook it
// finds (NIANBAO_BENCH_DIR's, else the tests' few kinds, many times).
func BenchmarkOwnOutput(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(os.Getenv("NIANBAO_BENCH_DIR"), "*.xlsx"))
	if os.Getenv("NIANBAO_BENCH_DIR") == "" {
		dir := b.TempDir()
		for i, data := range [][]byte{tableBook(b, true, "随便"), tableBook(b, false, "汇总", "其他"), minimalXLSX(b)} {
			path := filepath.Join(dir, fmt.Sprintf("%d.xlsx", i))
			if err := os.WriteFile(path, data, 0o644); err != nil {
				b.Fatal(err)
			}
			files = append(files, path)
		}
	}
	for b.Loop() {
		for _, f := range files {
			OwnOutput(f)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(files)), "µs/file")
}

// tailReader reads what the file holds, wherever and however much is read,
// in a file longer than its tail and in one shorter; a file cut short after
// it was measured is an error, not short data.
func TestTailReader(t *testing.T) {
	dir := t.TempDir()
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, 1000, tailSize, tailSize + 1, 3*tailSize + 17} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(rnd.IntN(256))
		}
		path := filepath.Join(dir, fmt.Sprintf("%d.xlsx", size))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		r := &tailReader{f: f, size: int64(size)}
		for range 500 {
			off := rnd.IntN(size + 1)
			n := rnd.IntN(size - off + 1)
			p := make([]byte, n)
			if got, err := r.ReadAt(p, int64(off)); err != nil || got != n || !bytes.Equal(p, data[off:off+n]) {
				t.Fatalf("size %d: ReadAt(%d bytes at %d) = %d, %v, or other bytes", size, n, off, got, err)
			}
		}
		r.release()
		f.Close()
	}
	path := filepath.Join(dir, "cut.xlsx")
	if err := os.WriteFile(path, make([]byte, 100), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := &tailReader{f: f, size: 200} // measured before it was cut
	if _, err := r.ReadAt(make([]byte, 10), 150); err == nil {
		t.Error("a file cut short reads")
	}
	if n, err := r.ReadAt(make([]byte, 10), 50); n != 10 || err != nil {
		t.Errorf("what a file cut short still holds: %d bytes, %v", n, err)
	}
	r.release()
}
