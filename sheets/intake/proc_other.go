//go:build !unix

package intake

import (
	"os/exec"
	"runtime"
	"strconv"
)

// killGroupOnCancel makes the context's cancellation kill the command and,
// on Windows, the processes it started (soffice.exe starts soffice.bin).
func killGroupOnCancel(cmd *exec.Cmd) {
	cmd.Cancel = func() error {
		if runtime.GOOS == "windows" {
			if exec.Command("taskkill", "/T", "/F", "/PID", strconv.Itoa(cmd.Process.Pid)).Run() == nil {
				return nil
			}
		}
		return cmd.Process.Kill()
	}
}

// memoryCapped runs name as it is: there is no prlimit here.
func memoryCapped(name string, args []string) (string, []string) { return name, args }

// openNonBlock: only Unix files can be pipes that block on open.
const openNonBlock = 0
