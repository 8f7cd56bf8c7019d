//go:build race

package xlsx

// raceEnabled: the race detector's instrumentation changes what is
// allocated, so the tests counting allocations are skipped.
const raceEnabled = true
