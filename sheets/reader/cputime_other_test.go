//go:build !unix

package reader_test

import "time"

// cpuTime is not measured here: the benchmarks report no cpu-ms/file.
func cpuTime() time.Duration { return 0 }
