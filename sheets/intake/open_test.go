//go:build unix

package intake

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A pipe put where a submitted file was, between the check of what it is
// and the read, is never read: the file is opened once and read from that
// handle, and a pipe named from the start is refused at once.
func TestPipeSwappedInDoesNotHang(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "某校.xlsx")
	want := minimalXLSX(t)
	if err := os.WriteFile(path, want, 0o644); err != nil {
		t.Fatal(err)
	}
	swapped := false
	afterOpen = func(p string) {
		if swapped || p != path {
			return
		}
		swapped = true
		if err := os.Rename(path, path+".old"); err != nil {
			t.Error(err)
		}
		if err := syscall.Mkfifo(path, 0o644); err != nil {
			t.Error(err)
		}
	}
	defer func() { afterOpen = nil }()
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, _, err := Load(context.Background(), path, Options{})
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		if r.err != nil || !bytes.Equal(r.data, want) {
			t.Fatalf("Load after the swap: %d bytes, %v; want the file opened first", len(r.data), r.err)
		}
	case <-time.After(10 * time.Second):
		f, _ := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0) // let a blocked reader go
		if f != nil {
			f.Close()
		}
		t.Fatal("Load hangs on a pipe swapped in for the file")
	}
	if !swapped {
		t.Fatal("the file was not swapped")
	}

	// the pipe itself, named from the start
	afterOpen = nil
	go func() {
		_, _, err := Load(context.Background(), path, Options{})
		done <- result{nil, err}
	}()
	select {
	case r := <-done:
		if r.err == nil {
			t.Fatal("a pipe was read as a workbook")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Load hangs on a pipe")
	}
}

// Bytes given back are read into again by the next file that fits in them,
// and hold only that file; a larger file gets bytes of its own.
func TestReleaseReused(t *testing.T) {
	dir := t.TempDir()
	small, large := filepath.Join(dir, "small.xlsx"), filepath.Join(dir, "large.xlsx")
	a := minimalXLSX(t)
	b := minimalXLSX(t, entry{name: "docProps/app.xml", data: bytes.Repeat([]byte("<x/>"), 5000)})
	for path, data := range map[string][]byte{small: a, large: b} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	load := func(path string) []byte {
		t.Helper()
		data, _, err := Load(context.Background(), path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	first := load(large)
	Release(first)
	got := load(small)
	if !bytes.Equal(got, a) {
		t.Fatal("the file read into bytes given back is not the file")
	}
	if &got[:cap(got)][0] != &first[:cap(first)][0] {
		t.Error("the bytes given back were not used again")
	}
	Release(got)
	if again := load(large); !bytes.Equal(again, b) {
		t.Fatal("a file larger than bytes given back is not the file")
	}
}
