//go:build !windows

package outfile

// isSharingViolation is false: only Windows refuses to write a file another
// program has open.
func isSharingViolation(error) bool { return false }

// checkNotLocked has nothing to check where files are not locked.
func checkNotLocked(string) error { return nil }

// checkDirNotLocked has nothing to check where files are not locked.
func checkDirNotLocked(string) error { return nil }

// isReplaceDenied is false: a file is replaced whoever has it open.
func isReplaceDenied(error) bool { return false }
