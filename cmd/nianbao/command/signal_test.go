package command

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildNianbao builds the command into a temporary folder.
func buildNianbao(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "nianbao")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/nianbao/nianbao/cmd/nianbao").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runDirs lists the run folders in a temporary folder.
func runDirs(t *testing.T, tmp string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(tmp, "nianbao-run-*"))
	return m
}

// waitForRunFiles waits until a run folder in tmp holds a file (the run is
// spilling school data), or the process ended.
func waitForRunFiles(t *testing.T, tmp string, exited <-chan error) bool {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return false
		default:
		}
		for _, d := range runDirs(t, tmp) {
			if es, _ := os.ReadDir(d); len(es) > 0 {
				return true
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no run folder with files appeared")
	return false
}

// Ctrl-C/SIGTERM leave nothing in $TMPDIR nor beside the outputs; after
// kill -9 the next run removes what the killed one left.
func TestSignalsLeaveNoTemporaryFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and generates samples")
	}
	bin := buildNianbao(t)
	work := t.TempDir()
	in := filepath.Join(work, "in")
	if out, err := exec.Command(bin, "sample", "-n", "120", "--seed", "3", "--via-libreoffice", "0", "-o", in).CombinedOutput(); err != nil {
		t.Fatalf("sample: %v\n%s", err, out)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			tmp, outDir := t.TempDir(), t.TempDir()
			cmd := exec.Command(bin, "consolidate", "--workers", "1", "-o", filepath.Join(outDir, "汇总.xlsx"), in)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			if !waitForRunFiles(t, tmp, exited) {
				t.Skip("the run ended before it could be interrupted")
			}
			cmd.Process.Signal(sig)
			err := <-exited
			if sig == syscall.SIGKILL {
				if len(runDirs(t, tmp)) == 0 {
					t.Fatal("kill -9 left no run folder: the test shows nothing")
				}
				other := exec.Command(bin, "spec", "--format", "json")
				other.Env = append(os.Environ(), "TMPDIR="+tmp)
				if out, err := other.CombinedOutput(); err != nil {
					t.Fatalf("next run: %v\n%s", err, out)
				}
			} else if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
				t.Errorf("exit after %v: %v, want status 130", sig, err)
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				var names []string
				for _, e := range left {
					names = append(names, e.Name())
				}
				t.Errorf("left in $TMPDIR after %v: %s", sig, strings.Join(names, ", "))
			}
			if sig != syscall.SIGKILL {
				if left, _ := os.ReadDir(outDir); len(left) > 0 {
					t.Errorf("left beside the outputs after %v: %v", sig, left[0].Name())
				}
			}
		})
	}
}
