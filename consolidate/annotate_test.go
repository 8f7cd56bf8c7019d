package consolidate

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
)

// An annotated copy that cannot be written is that file's failure: the run
// goes on, the other copies and the consolidated workbook are written, the
// failure names the file, and no temporary file is left. Two schools that
// both sent 年报.xlsx from two folders get two copies.
func TestAnnotateFailureDoesNotAbort(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	var in []string
	for i, sub := range []string{"甲", "乙", "丙"} {
		s, err := sample.Generate(p, 21, i)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, "收到", sub), 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "收到", sub, "年报.xlsx")
		writeSchool(t, p, s, path, nil)
		in = append(in, path)
	}
	pipe := pipeline(p)
	pipe.AnnotateDir = filepath.Join(dir, "退回")
	write, calls := pipe.Annotate, 0
	pipe.Annotate = func(data []byte, l report.Letter, w io.Writer) error {
		if err := write(data, l, w); err != nil {
			return err
		}
		if calls++; calls == 1 { // the first file in name order (one worker): 丙
			return errors.New("XML syntax error on line 2: illegal character code U+0001")
		}
		return nil
	}
	out := filepath.Join(dir, "汇总.xlsx")
	sum := run(t, p, in, Options{Pipeline: pipe, Workers: 1}, out)
	if _, err := os.Stat(out); err != nil {
		t.Fatalf("no consolidated workbook: %v", err)
	}
	if sum.Schools != 3 {
		t.Errorf("%d schools consolidated, want 3", sum.Schools)
	}
	var failed []string
	for _, s := range sum.Submissions {
		if s.AnnotateError != "" {
			failed = append(failed, s.AnnotateError)
		}
	}
	if len(failed) != 1 || !strings.Contains(failed[0], filepath.Join("收到", "丙", "年报.xlsx")) || !strings.Contains(failed[0], "U+0001") {
		t.Errorf("failures %q, want one naming 收到/丙/年报.xlsx and why", failed)
	}
	entries, _ := os.ReadDir(pipe.AnnotateDir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "乙_年报_审核.xlsx 甲_年报_审核.xlsx" {
		t.Errorf("annotation folder holds %q, want the two copies written and nothing else", names)
	}
}

// With a store, a file known by its content is not read for the
// consolidation, but its annotated copy, when asked for, is still written;
// a copy that cannot be written is that file's failure, read or known.
func TestAnnotateWithStore(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	var in []string
	failing := "" // 乙's school name
	for i, name := range []string{"甲", "乙", "丙"} {
		s, err := sample.Generate(p, 22, i)
		if err != nil {
			t.Fatal(err)
		}
		if name == "乙" {
			failing = s.Name
		}
		path := filepath.Join(dir, "收到", name+".xlsx")
		os.MkdirAll(filepath.Dir(path), 0o755)
		writeSchool(t, p, s, path, nil)
		in = append(in, path)
	}
	st := openStore(t, filepath.Join(t.TempDir(), "x.db"))
	for round := 1; round <= 2; round++ {
		opt := withStore(st)
		opt.Roots = []string{filepath.Join(dir, "收到")}
		opt.Workers = 1
		opt.Pipeline = pipeline(p)
		opt.Pipeline.AnnotateDir = filepath.Join(dir, fmt.Sprintf("退回%d", round))
		write := opt.Pipeline.Annotate
		opt.Pipeline.Annotate = func(data []byte, l report.Letter, w io.Writer) error {
			if l.School == failing {
				return errors.New("写不出")
			}
			return write(data, l, w)
		}
		sum := run(t, p, in, opt, filepath.Join(dir, fmt.Sprintf("汇总%d.xlsx", round)))
		if want := map[int]int{1: 3, 2: 0}[round]; sum.Read != want {
			t.Errorf("round %d: %d files read for the consolidation, want %d", round, sum.Read, want)
		}
		var failed []string
		for _, s := range sum.Submissions {
			if s.AnnotateError != "" {
				failed = append(failed, s.File+": "+s.AnnotateError)
			}
		}
		if len(failed) != 1 || !strings.Contains(failed[0], "乙") || !strings.Contains(failed[0], "写不出") {
			t.Errorf("round %d: failures %q, want 乙's", round, failed)
		}
		entries, _ := os.ReadDir(opt.Pipeline.AnnotateDir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if strings.Join(names, " ") != "丙_审核.xlsx 甲_审核.xlsx" {
			t.Errorf("round %d: copies %q, want 甲's and 丙's", round, names)
		}
	}
}
