// Package cputime gives the CPU time the process has used, for benchmarks
// to report beside the elapsed time: other jobs on a shared machine change
// it less, and it counts the work of every goroutine (a deflate on another
// core, the garbage collector), which the elapsed time hides.
package cputime

import "time"

// Used is the CPU time the process has used, user and system, every
// thread; 0 where it is not measured (Known says).
func Used() time.Duration { return used() }

// Known reports whether Used measures anything here.
func Known() bool { return used() > 0 }
