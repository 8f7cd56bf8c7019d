package consolidate

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkConsolidate consolidates the workbooks of NIANBAO_BENCH_DIR (e.g.
// made by `nianbao sample -n 1000 --via-libreoffice 0 -o DIR`), or 50
// generated here. Profile it with -cpuprofile / -memprofile; whole-command
// timings are scripts/bench.sh.
func BenchmarkConsolidate(b *testing.B) {
	p := program(b)
	dir := os.Getenv("NIANBAO_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
		corpus(b, p, dir, 1, 50)
	}
	in := files(b, dir)
	out := filepath.Join(b.TempDir(), "汇总.xlsx")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sink, err := NewWorkbook(out, "汇总", true)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Run(context.Background(), p, in, Options{Pipeline: pipeline(p)}, sink); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(in)*b.N)/b.Elapsed().Seconds(), "files/s")
}
