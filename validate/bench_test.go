package validate

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/reader"
)

// BenchmarkCheck validates one generated school (read once, checked b.N times).
func BenchmarkCheck(b *testing.B) {
	p := program(b)
	r, _ := sampleRead(b, p, 1, 0, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Check(p, r, Options{})
	}
}

// BenchmarkCheckCorpus validates every workbook of NIANBAO_BENCH_DIR (e.g.
// made by `nianbao sample -n 300 -o DIR`; 20 generated schools without it),
// read once; an op checks them all.
func BenchmarkCheckCorpus(b *testing.B) {
	p := program(b)
	var reports []*report.Report
	if dir := os.Getenv("NIANBAO_BENCH_DIR"); dir != "" {
		names, _ := filepath.Glob(filepath.Join(dir, "*.xlsx"))
		rd := reader.New(p)
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				b.Fatal(err)
			}
			r, err := rd.ReadBytes(name, data, reader.ReadOptions{})
			if err != nil {
				b.Fatal(name, err)
			}
			reports = append(reports, r)
		}
	} else {
		for i := 0; i < 20; i++ {
			r, _ := sampleRead(b, p, 1, i, nil)
			reports = append(reports, r)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range reports {
			Check(p, r, Options{})
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(reports)), "µs/file")
}
