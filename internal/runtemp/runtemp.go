// Package runtemp gives each run of nianbao a temporary folder of its own and
// makes sure nothing of a school's data stays behind in the system's
// temporary folder: not after a normal exit, not after Ctrl-C or SIGTERM
// (the caller removes the folder on the signal), and not after kill -9 or a
// power cut (the next run removes the folders of runs that are gone).
package runtemp

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// prefix names a run's folder: nianbao-run-PID-RANDOM.
const prefix = "nianbao-run-"

// staleAge is how old the folder of a run must be before it is removed
// where it cannot be told whether the run's process still exists.
const staleAge = 24 * time.Hour

// Start makes this run's temporary folder inside the system's, points TMPDIR
// (and TMP and TEMP, which Windows uses) at it, so that every temporary file
// of the run — spill files, workbooks being assembled, LibreOffice's
// conversions and profiles — lands there, and removes the folders of earlier
// runs whose process is gone. The returned function removes the folder and
// gives the environment back; it may be called more than once.
func Start() (cleanup func(), err error) {
	base := os.TempDir()
	RemoveStale(base)
	dir, err := os.MkdirTemp(base, prefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return func() {}, fmt.Errorf("无法创建临时文件夹：%w", err)
	}
	vars := []string{"TMPDIR", "TMP", "TEMP"}
	old := map[string]*string{}
	for _, v := range vars {
		if s, ok := os.LookupEnv(v); ok {
			old[v] = &s
		} else {
			old[v] = nil
		}
		os.Setenv(v, dir)
	}
	done := false
	return func() {
		if done {
			return
		}
		done = true
		for _, v := range vars {
			if old[v] != nil {
				os.Setenv(v, *old[v])
			} else {
				os.Unsetenv(v)
			}
		}
		os.RemoveAll(dir)
	}, nil
}

// RemoveStale removes the folders of earlier runs in base whose process no
// longer exists (or, where that cannot be known, that are older than a day).
func RemoveStale(base string) {
	entries, err := os.ReadDir(base)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, prefix) {
			continue
		}
		pidText, _, _ := strings.Cut(strings.TrimPrefix(name, prefix), "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid == os.Getpid() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		gone, known := processGone(pid)
		if gone || (!known && time.Since(info.ModTime()) > staleAge) {
			os.RemoveAll(filepath.Join(base, name))
		}
	}
}
