//go:build unix

package runtemp

import (
	"errors"
	"syscall"
)

// processGone says whether no process with the id exists (known is true: a
// signal 0 answers it on Unix).
func processGone(pid int) (gone, known bool) {
	err := syscall.Kill(pid, 0)
	return errors.Is(err, syscall.ESRCH), true
}
