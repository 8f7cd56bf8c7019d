package outfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.txt")
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	if err := Write(path, false, write("one")); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, false, write("two")); !errors.Is(err, ErrExists) {
		t.Fatalf("second write without overwrite: got %v, want ErrExists", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "one" {
		t.Fatalf("file changed to %q", b)
	}
	if err := Write(path, true, write("three")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "three" {
		t.Fatalf("overwrite gave %q", b)
	}
	failing := func(w io.Writer) error { io.WriteString(w, "half"); return errors.New("boom") }
	if err := Write(filepath.Join(dir, "b.txt"), false, failing); err == nil {
		t.Fatal("want the write error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("a failed write left files behind: %v", names)
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckFile(filepath.Join(dir, "out.xlsx")); err != nil {
		t.Errorf("a writable folder: %v", err)
	}
	for _, bad := range []string{filepath.Join(dir, "nosuch", "out.xlsx"), filepath.Join(file, "out.xlsx"), dir} {
		if err := CheckFile(bad); err == nil {
			t.Errorf("CheckFile(%s): want an error", bad)
		}
	}
	if err := CheckDir(filepath.Join(dir, "new", "sub")); err != nil {
		t.Errorf("a new folder: %v", err)
	}
	if err := CheckDir(file); err == nil {
		t.Error("CheckDir of a file: want an error")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("the checks left files: %v", entries)
	}
}

// Text and CSV files meant for people start with a BOM and end lines in
// CRLF; a BOM or CRLF of the writer's own is not doubled.
func TestWriteText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "规则.txt")
	err := WriteText(path, false, func(w io.Writer) error {
		io.WriteString(w, "\ufeff学校名称,学校标识码\n")
		io.WriteString(w, "一中,4141000001\r\n二")
		io.WriteString(w, "中\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if want := "\ufeff学校名称,学校标识码\r\n一中,4141000001\r\n二中\r\n"; string(b) != want {
		t.Errorf("got %q, want %q", b, want)
	}
}

// A file another program holds open (Excel, on Windows) is said to be so,
// with what to do.
func TestLockedMessage(t *testing.T) {
	defer func(f func(error) bool) { sharingViolation = f }(sharingViolation)
	sharingViolation = func(err error) bool { return err == errSharing }
	err := lockedError("汇总.xlsx", errSharing)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "请先在 Excel（或 WPS）中关闭 汇总.xlsx") {
		t.Errorf("got %v", err)
	}
	if err := lockedOr("汇总.xlsx", errSharing); !errors.Is(err, ErrLocked) {
		t.Errorf("a failed replace: %v", err)
	}
	other := errors.New("disk full")
	if err := lockedError("汇总.xlsx", other); err != other {
		t.Errorf("another error changed: %v", err)
	}
}

var errSharing = errors.New("The process cannot access the file because it is being used by another process.")
