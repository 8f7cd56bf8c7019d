package reader

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/sheets/workbook"
)

// ReadFile reads a workbook from the zip directory intake read of it to
// check it, not reading the directory again: what it reads is what
// ReadBytes reads of the file's bytes, with fewer objects made than
// intake and ReadBytes make together.
func TestReadFileOneDirectory(t *testing.T) {
	p := testkit.DefaultProgram(t)
	var buf bytes.Buffer
	if err := workbook.WriteFilled(p, testkit.RandomInputs(p, 5), &buf, workbook.FillOptions{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "某校.xlsx")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rd := New(p)
	got, data, err := rd.ReadFile(context.Background(), path, FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := rd.ReadBytes(path, buf.Bytes(), ReadOptions{})
	if err != nil || !bytes.Equal(data, buf.Bytes()) || !reflect.DeepEqual(got, want) {
		t.Fatalf("ReadFile and ReadBytes differ (%v)", err)
	}
	if raceEnabled {
		return
	}
	file := testing.AllocsPerRun(10, func() { rd.ReadFile(context.Background(), path, FileOptions{}) })
	bytes := testing.AllocsPerRun(10, func() { rd.ReadBytes(path, buf.Bytes(), ReadOptions{}) })
	// intake's own (the file opened and read, its entries' names looked
	// at) are a few dozen; the directory of a workbook's 40 parts is four
	// times as many
	if file-bytes > 60 {
		t.Errorf("ReadFile makes %v objects, ReadBytes %v: the zip directory is read twice?", file, bytes)
	}
}
