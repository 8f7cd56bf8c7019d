//go:build !windows

package command

// consoleProcesses is the number of processes attached to the console: 0,
// where it is not known (not Windows).
func consoleProcesses() int { return 0 }

// enableColor tells whether colour codes may be written to the terminal
// with file descriptor fd: everywhere but Windows, terminals understand them.
func enableColor(fd uintptr) bool { return true }
