//go:build windows

package command

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

var procGetConsoleProcessList = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetConsoleProcessList")

// consoleProcesses is the number of processes attached to this process's
// console (1: the console was made for nianbao alone, as when Explorer
// starts it), or 0 when it cannot be known.
func consoleProcesses() int {
	if procGetConsoleProcessList.Find() != nil {
		return 0
	}
	ids := make([]uint32, 8)
	n, _, _ := procGetConsoleProcessList.Call(uintptr(unsafe.Pointer(&ids[0])), uintptr(len(ids)))
	return int(n)
}

// enableColor turns on virtual-terminal processing for the console with
// handle fd, so that colour codes are shown as colours (Windows 10 and
// later); where it cannot be turned on, no colour is written.
func enableColor(fd uintptr) bool {
	h := windows.Handle(fd)
	var mode uint32
	if err := windows.GetConsoleMode(h, &mode); err != nil {
		return false
	}
	if mode&windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0 {
		return true
	}
	return windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING) == nil
}
