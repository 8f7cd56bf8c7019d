//go:build unix

package intake

import (
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
