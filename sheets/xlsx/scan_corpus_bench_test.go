package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkScanCorpus scans the worksheets of the first 100 workbooks of
// NIANBAO_BENCH_DIR (skipped without it), already inflated: the scanner
// alone, on the sheets a report's workbook holds.
func BenchmarkScanCorpus(b *testing.B) {
	dir := os.Getenv("NIANBAO_BENCH_DIR")
	if dir == "" {
		b.Skip("NIANBAO_BENCH_DIR not set")
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*.xlsx"))
	if len(names) > 100 {
		names = names[:100]
	}
	var sheets [][]byte
	var size int64
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range zr.File {
			if !strings.HasPrefix(f.Name, "xl/worksheets/sheet") || f.UncompressedSize64 > 100<<10 {
				continue
			}
			rc, _ := f.Open()
			part, _ := io.ReadAll(rc)
			rc.Close()
			sheets = append(sheets, part)
			size += int64(len(part))
		}
	}
	sst := make([]string, 1000)
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, data := range sheets {
			if _, err := scanCells(data, sst, "表"); err != nil {
				b.Fatal(err)
			}
		}
	}
}
