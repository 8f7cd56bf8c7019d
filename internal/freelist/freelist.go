// Package freelist keeps a few emptied slices for the next user, on any
// goroutine: buffers a reader fills for each workbook. A sync.Pool keeps
// what is put back for the processor it was put back on, and the next
// workbook, read after its goroutine moved to another processor, found
// none and grew its own (about every fifth workbook on two cores).
package freelist

import "sync"

// List keeps at most Keep slices of at most MaxCap elements each.
type List[T any] struct {
	Keep, MaxCap int

	mu   sync.Mutex
	free [][]T
}

// Get returns an empty slice kept, nil when none is.
func (l *List[T]) Get() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.free)
	if n == 0 {
		return nil
	}
	s := l.free[n-1]
	l.free[n-1] = nil
	l.free = l.free[:n-1]
	return s
}

// Put keeps s, emptied and cleared (nothing it held stays alive through
// it), unless Keep slices are kept already or s is larger than MaxCap.
func (l *List[T]) Put(s []T) {
	if cap(s) > l.MaxCap {
		return
	}
	clear(s)
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.free) < l.Keep {
		l.free = append(l.free, s[:0])
	}
}
