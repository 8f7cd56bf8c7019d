package reader_test

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nianbao/nianbao/internal/cputime"
	"github.com/nianbao/nianbao/internal/minread"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/templates"
)

// corpus is the workbooks the read benchmarks read: every .xlsx of
// NIANBAO_BENCH_DIR (e.g. made by `nianbao sample -n 1000 -o DIR`), else 100
// sample schools written to a temporary folder. The benchmarks read the files
// from disk (the page cache, after the first run) each time, so the heap
// holds only what reading takes, not the corpus.
func corpus(b *testing.B) []string {
	b.Helper()
	if dir := os.Getenv("NIANBAO_BENCH_DIR"); dir != "" {
		names, _ := filepath.Glob(filepath.Join(dir, "*.xlsx"))
		if len(names) == 0 {
			b.Fatalf("NIANBAO_BENCH_DIR=%s has no .xlsx", dir)
		}
		return names
	}
	p, err := templates.Default("zh")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	var out []string
	for i := 0; i < 100; i++ {
		s, err := sample.Generate(p, 1, i)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := workbook.WriteFilled(p, s.Book, &buf, workbook.FillOptions{}); err != nil {
			b.Fatal(err)
		}
		name := filepath.Join(dir, sample.FileName(s))
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
		out = append(out, name)
	}
	return out
}

// peak runs fn and returns the most heap it used above what was in use
// before (the corpus itself is not counted), sampled every millisecond with
// runtime/metrics, which does not stop the world.
func peak(fn func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	var top atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if v := read(); v > top.Load() {
				top.Store(v)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(stop)
	<-done
	if v := read(); v > top.Load() {
		top.Store(v)
	}
	if top.Load() < base {
		return 0
	}
	return top.Load() - base
}

func reportRate(b *testing.B, files int, peakBytes uint64) {
	b.ReportMetric(float64(files*b.N)/b.Elapsed().Seconds(), "files/s")
	b.ReportMetric(float64(peakBytes)/(1<<20), "peak-heap-MB")
}

// benchRead reads every file of the corpus b.N times with the given number
// of workers.
func benchRead(b *testing.B, workers int, read func(data []byte) error) {
	files := corpus(b)
	b.ResetTimer()
	cpu0 := cputime.Used()
	pk := peak(func() {
		for i := 0; i < b.N; i++ {
			next := make(chan string)
			var wg sync.WaitGroup
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for name := range next {
						data, err := os.ReadFile(name)
						if err == nil {
							err = read(data)
						}
						if err != nil {
							b.Error(name, err)
						}
					}
				}()
			}
			for _, name := range files {
				next <- name
			}
			close(next)
			wg.Wait()
		}
	})
	if cpu0 > 0 {
		b.ReportMetric(float64(cputime.Used()-cpu0)/float64(time.Millisecond)/float64(len(files)*b.N), "cpu-ms/file")
	}
	reportRate(b, len(files), pk)
}

func readReport(b *testing.B) func([]byte) error {
	p, err := templates.Default("zh")
	if err != nil {
		b.Fatal(err)
	}
	rd := reader.New(p)
	return func(data []byte) error {
		_, err := rd.ReadBytes("x.xlsx", data, reader.ReadOptions{})
		return err
	}
}

// BenchmarkReadReports reads every workbook of the corpus into the report's
// data, on one core.
func BenchmarkReadReports(b *testing.B) { benchRead(b, 1, readReport(b)) }

// BenchmarkReadReportsParallel reads the corpus with a worker per CPU.
func BenchmarkReadReportsParallel(b *testing.B) { benchRead(b, runtime.GOMAXPROCS(0), readReport(b)) }

// BenchmarkMinimalReader is the floor: archive/zip and encoding/xml decoding
// every cell value of the same workbooks, and nothing else, on one core.
func BenchmarkMinimalReader(b *testing.B) {
	benchRead(b, 1, func(data []byte) error {
		_, err := minread.Cells(data)
		return err
	})
}
