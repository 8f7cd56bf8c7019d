package command

import (
	"bufio"
	"fmt"
	"io"
)

// pauseBeforeExit tells whether to wait for Enter before ending: on Windows,
// when this process is the only one attached to its console, the console was
// made for it — Explorer started it (a double-click, or files dropped on the
// exe) — and closes as soon as it ends, before anyone can read what it said.
func pauseBeforeExit(goos string, consoleProcesses int) bool {
	return goos == "windows" && consoleProcesses == 1
}

// waitForEnter asks for Enter and waits for it (or for the end of in).
func waitForEnter(in io.Reader, w io.Writer, lang string) {
	if lang == "en" {
		fmt.Fprint(w, "\nPress Enter to close this window…")
	} else {
		fmt.Fprint(w, "\n按回车键关闭窗口……")
	}
	bufio.NewReader(in).ReadString('\n')
}
