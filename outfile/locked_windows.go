//go:build windows

package outfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// isSharingViolation tells whether err is a sharing or lock violation.
func isSharingViolation(err error) bool {
	return errors.Is(err, windows.ERROR_SHARING_VIOLATION) || errors.Is(err, windows.ERROR_LOCK_VIOLATION)
}

// isReplaceDenied tells whether err is the "Access is denied" that
// replacing a file open in Excel gives.
func isReplaceDenied(err error) bool { return errors.Is(err, windows.ERROR_ACCESS_DENIED) }

// checkNotLocked finds out whether an existing file can be opened for
// writing (nothing is written): Excel keeps a workbook it shows open so
// that no other program may write it.
func checkNotLocked(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		if isSharingViolation(err) {
			return lockedError(path, err)
		}
		return nil // other reasons show when the file is written
	}
	return f.Close()
}

// checkDirNotLocked checks every file in dir (not below it) as
// checkNotLocked does.
func checkDirNotLocked(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			if err := checkNotLocked(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}
