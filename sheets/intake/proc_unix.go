//go:build unix

package intake

import (
	"fmt"
	"os/exec"
	"syscall"
)

// killGroupOnCancel starts the command in a process group of its own and
// makes the context's cancellation kill the whole group: soffice is a script
// that starts oosplash and soffice.bin, which killing the script alone would
// leave running (and holding the output pipes open).
func killGroupOnCancel(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

// convertMemory caps the address space of one LibreOffice conversion: a
// hostile file (rows declared repeated millions of times) otherwise drives
// it to gigabytes before the timeout ends it, and two workers double that.
// A report converts in a few hundred MB.
const convertMemory = 2 << 30

// memoryCapped runs name under prlimit (util-linux, in every Debian) with the
// address space capped at convertMemory; without prlimit, as it is.
func memoryCapped(name string, args []string) (string, []string) {
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		return name, args
	}
	return prlimit, append([]string{fmt.Sprintf("--as=%d", convertMemory), "--", name}, args...)
}

// openNonBlock opens a pipe or device without waiting for the other end.
const openNonBlock = syscall.O_NONBLOCK
