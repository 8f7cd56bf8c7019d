package consolidate

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/store"
)

// BenchmarkConsolidate consolidates the workbooks of NIANBAO_BENCH_DIR (e.g.
// made by `nianbao sample -n 1000 --via-libreoffice 0 -o DIR`), or 50
// generated here. Profile it with -cpuprofile / -memprofile; whole-command
// timings are scripts/bench.sh.
func BenchmarkConsolidate(b *testing.B) {
	p, _, in, out := benchInput(b)
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

// BenchmarkConsolidateStore is BenchmarkConsolidate storing every school
// into a new SQLite store (the first run of `consolidate --db`).
func BenchmarkConsolidateStore(b *testing.B) {
	p, dir, in, out := benchInput(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		sink, err := NewWorkbook(out, "汇总", true)
		if err != nil {
			b.Fatal(err)
		}
		opt := withStore(st)
		opt.Pipeline, opt.Roots = pipeline(p), []string{dir}
		b.StartTimer()
		if _, err := Run(context.Background(), p, in, opt, sink); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
	b.ReportMetric(float64(len(in)*b.N)/b.Elapsed().Seconds(), "files/s")
}

// benchInput is what both benchmarks consolidate: the program, the folder of
// workbooks (NIANBAO_BENCH_DIR, or 50 generated), its files, and where the
// consolidated workbook goes.
func benchInput(b *testing.B) (p *formula.Program, dir string, in []string, out string) {
	p = program(b)
	dir = os.Getenv("NIANBAO_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
		corpus(b, p, dir, 1, 50)
	}
	return p, dir, files(b, dir), filepath.Join(b.TempDir(), "汇总.xlsx")
}
