// Command minread is the floor of the benchmarks: it reads every cell of every
// .xlsx in a folder with the minimal archive/zip + encoding/xml reader, with a
// worker per CPU, and prints how many files and cells it read.
//
//	minread DIR
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/nianbao/nianbao/internal/minread"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: minread DIR")
		os.Exit(2)
	}
	files, err := filepath.Glob(filepath.Join(os.Args[1], "*.xlsx"))
	if err != nil || len(files) == 0 {
		fmt.Fprintln(os.Stderr, "minread: no .xlsx in", os.Args[1])
		os.Exit(2)
	}
	var cells, failed atomic.Int64
	next := make(chan string)
	var wg sync.WaitGroup
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range next {
				data, err := os.ReadFile(f)
				if err == nil {
					var n int
					n, err = minread.Cells(data)
					cells.Add(int64(n))
				}
				if err != nil {
					failed.Add(1)
					fmt.Fprintln(os.Stderr, f, err)
				}
			}
		}()
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	fmt.Printf("%d files, %d cells, %d failed\n", len(files), cells.Load(), failed.Load())
	if failed.Load() > 0 {
		os.Exit(1)
	}
}
