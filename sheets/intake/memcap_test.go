//go:build unix

package intake

import (
	"os/exec"
	"strings"
	"testing"
)

// A conversion runs under the memory cap: a child that asks for more than
// convertMemory is refused it (python3 stands in for LibreOffice here; the
// conversion tests show LibreOffice still converts under the cap).
func TestConversionMemoryCap(t *testing.T) {
	if _, err := exec.LookPath("prlimit"); err != nil {
		t.Skip("prlimit (util-linux) is not installed")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	name, args := memoryCapped(py, []string{"-c", "x = bytearray(3 << 30); print('allocated')"})
	out, err := exec.Command(name, args...).CombinedOutput()
	if err == nil || strings.Contains(string(out), "allocated") {
		t.Fatalf("3 GB allocated under a %d-byte cap: %v\n%s", convertMemory, err, out)
	}
	if !strings.Contains(string(out), "MemoryError") {
		t.Errorf("want a MemoryError, got %v\n%s", err, out)
	}
	name, args = memoryCapped(py, []string{"-c", "x = bytearray(100 << 20); print('allocated')"})
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil || !strings.Contains(string(out), "allocated") {
		t.Errorf("100 MB refused under the cap: %v\n%s", err, out)
	}
}
