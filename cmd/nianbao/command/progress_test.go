package command

import (
	"strings"
	"testing"
)

// The progress lines shown on a terminal: files done of all, and a new line
// at the end.
func TestProgress(t *testing.T) {
	var b strings.Builder
	bar := progressBar(&b)
	bar(1, 3)
	bar(3, 3)
	if got := b.String(); !strings.Contains(got, "1/3 个文件") || !strings.Contains(got, "3/3 个文件") || !strings.HasSuffix(got, "\n") || !strings.Contains(got, "剩余约") {
		t.Errorf("progress bar wrote %q", got)
	}
	b.Reset()
	p := progress(&b)
	p(2, 2)
	if got := b.String(); !strings.HasPrefix(got, "\r2/2 个文件") || !strings.HasSuffix(got, "\n") {
		t.Errorf("sample progress wrote %q", got)
	}
}
