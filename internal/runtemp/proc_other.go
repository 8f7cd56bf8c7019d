//go:build !unix

package runtemp

// processGone cannot tell here; folders are removed by age.
func processGone(pid int) (gone, known bool) { return false, false }
