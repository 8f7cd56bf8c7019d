package validate

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/workbook"
)

// The pipeline reads through the function it is given, checks, counts, gives
// the status key, and hands the bytes it read to the annotator, then lets
// go of them.
func TestPipeline(t *testing.T) {
	p := program(t)
	s, err := sample.Generate(p, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := workbook.WriteFilled(p, s.Book, &buf, workbook.FillOptions{}); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	read := func(_ context.Context, path string) (*report.Report, []byte, error) {
		if path == "坏.xlsx" {
			return nil, nil, errors.New("坏.xlsx：读不了")
		}
		r, err := reader.ReadBytes(p, path, good, reader.ReadOptions{})
		return r, good, err
	}
	var annotated [][]byte
	released := 0
	dir := t.TempDir()
	pipe := &Pipeline{Program: p, Read: read, AnnotateDir: dir,
		Annotate: func(data []byte, _ report.Letter, w io.Writer) error {
			if released > 0 {
				t.Error("the bytes were given back before the copy was written")
			}
			annotated = append(annotated, data)
			_, err := w.Write([]byte("copy"))
			return err
		},
		Release: func(data []byte) {
			if !bytes.Equal(data, good) {
				t.Error("other bytes given back than those read")
			}
			released++
		}}
	res, err := pipe.File(context.Background(), "某校.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusPassed || res.Report == nil || res.Findings == nil || res.Counts != Count(res.Findings) {
		t.Errorf("a clean sample: status %q, counts %+v", res.Status, res.Counts)
	}
	if len(annotated) != 1 || !bytes.Equal(annotated[0], good) || res.data != nil || released != 1 {
		t.Errorf("the annotator got %d copies; bytes kept after writing: %v; given back %d times", len(annotated), res.data != nil, released)
	}
	if want := filepath.Join(dir, "某校_审核.xlsx"); res.Annotated != want {
		t.Errorf("annotated copy %q, want %q", res.Annotated, want)
	} else if b, _ := os.ReadFile(want); string(b) != "copy" {
		t.Errorf("annotated copy holds %q", b)
	}
	bad, err := pipe.File(context.Background(), "坏.xlsx")
	if err != nil || bad.Status != StatusUnreadable || bad.Error != "坏.xlsx：读不了" || bad.Annotated != "" || len(annotated) != 1 || released != 1 {
		t.Errorf("an unreadable file: %+v, %v; bytes given back %d times", bad, err, released)
	}
	// without copies the bytes are given back as soon as the file is checked
	pipe.AnnotateDir = ""
	if res := pipe.Check(context.Background(), "某校.xlsx"); res.data != nil || released != 2 {
		t.Errorf("checked without a copy: bytes kept %v, given back %d times in all", res.data != nil, released)
	} else if err := pipe.WriteAnnotated(res); err != nil || released != 2 {
		t.Errorf("WriteAnnotated without a copy: %v, bytes given back %d times in all", err, released)
	}
}

func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		c    Counts
		want string
	}{
		{Counts{}, StatusPassed},
		{Counts{Infos: 3}, StatusPassed},
		{Counts{Warnings: 2, Explained: 2}, StatusPassed},
		{Counts{Warnings: 2, Explained: 1}, StatusWarnings},
		{Counts{Errors: 1, Warnings: 2}, StatusErrors},
	} {
		if got := Status(tc.c); got != tc.want {
			t.Errorf("Status(%+v) = %q, want %q", tc.c, got, tc.want)
		}
	}
	for _, k := range []string{StatusPassed, StatusWarnings, StatusErrors, StatusUnreadable, StatusMissing, StatusDuplicate, StatusWrongYear} {
		zh, en := StatusText(k, "zh"), StatusText(k, "en")
		if zh == k || en == "" || zh == en && k != "" {
			t.Errorf("status %q has no words: %q, %q", k, zh, en)
		}
	}
}

// Files of the same name from different folders get different copies, the
// same whatever the order; a name alone in the run keeps NAME_审核.xlsx.
func TestCopyNames(t *testing.T) {
	files := []string{"收到/乙校/年报.xlsx", "收到/甲校/年报.xlsx", "收到/年报.xls", "收到/年报.xlsx", "b/x/某校.xlsx", "c/x/某校.xlsx", "收到/甲校_年报.xlsx", "独一.xlsx"}
	want := map[string]string{
		"收到/乙校/年报.xlsx": "乙校_年报_审核.xlsx",
		"收到/甲校/年报.xlsx": "甲校_年报_审核.xlsx",
		"收到/年报.xls":     "收到_年报_xls_审核.xlsx",
		"收到/年报.xlsx":    "收到_年报_xlsx_审核.xlsx",
		"b/x/某校.xlsx":   "b_x_某校_审核.xlsx",
		"c/x/某校.xlsx":   "c_x_某校_审核.xlsx",
		"收到/甲校_年报.xlsx": "甲校_年报_2_审核.xlsx",
		"独一.xlsx":       "独一_审核.xlsx",
	}
	for i := 0; i < 2; i++ {
		got := CopyNames(files)
		for f, w := range want {
			if got[f] != w {
				t.Errorf("%s: copy %q, want %q", f, got[f], w)
			}
		}
		slices.Reverse(files)
	}
}
