package cputime

import "testing"

// Used grows with work done (where it is measured at all).
func TestUsedGrows(t *testing.T) {
	if !Known() {
		t.Skip("CPU time is not measured on this system")
	}
	before := Used()
	x := 0
	for i := 0; Used()-before < 20e6 && i < 1e10; i++ { // 20 ms of work
		x += i % 7
	}
	if Used() <= before {
		t.Fatalf("CPU time did not grow (%d)", x)
	}
}
