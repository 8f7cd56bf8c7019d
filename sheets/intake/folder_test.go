package intake

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nianbao/nianbao/report"
)

// annotatedBook is an annotated copy as nianbao marks it now (by the custom
// property, whatever its name and sheets).
func annotatedBook(t testing.TB) []byte {
	return minimalXLSX(t, entry{name: "docProps/custom.xml", data: []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="` + report.PropOutput + `"><vt:lpwstr>` + report.OutputAnnotated + `</vt:lpwstr></property></Properties>`)})
}

// A folder's workbooks are checked for our own outputs several at a time,
// and Workbooks gives what checking them one after another gives: the same
// files read and skipped, in the same order, for the same reasons; a file
// under an excluded path is skipped for that and not opened.
func TestWorkbooksOwnOutputsInOrder(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	dir := t.TempDir()
	school := minimalXLSX(t)
	books := map[string][]byte{
		"school":          school,
		"consolidated":    tableBook(t, true, "随便"),
		"oldConsolidated": tableBook(t, false, "汇总", "学校指标", "提交情况"),
		"result":          tableBook(t, false, report.ResultSheet, "学生情况"),
		"annotated":       annotatedBook(t),
	}
	write := func(name string, data []byte) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var workbooks []string // as named in dir
	for i := range 48 {
		name := fmt.Sprintf("%02d_学校", i)
		if i%4 == 1 {
			name = filepath.Join("分校", name)
		}
		kind := "school"
		switch i % 9 {
		case 0:
			kind, name = "result", name+"_审核" // an old annotated copy
		case 2:
			kind, name = "annotated", name+"_审核"
		case 3:
			kind = "consolidated"
		case 5:
			kind = "result" // opens on 审核结果 but is not named as a copy
		case 7:
			kind = "oldConsolidated"
		case 8:
			kind = "annotated"
		}
		ext := ".xlsx"
		if i == 13 {
			ext = ".xlsm"
		}
		write(name+ext, books[kind])
		workbooks = append(workbooks, name+ext)
	}
	write("旧表.xls", []byte("not a real xls")) // read, not recognised
	write("汇总结果.xlsx", books["consolidated"])
	write(filepath.Join("输出", "汇总.xlsx"), books["consolidated"])
	write(filepath.Join("输出", "学校.xlsx"), school)
	workbooks = append(workbooks, "旧表.xls", "汇总结果.xlsx", filepath.Join("输出", "汇总.xlsx"), filepath.Join("输出", "学校.xlsx"))
	notWorkbooks := []string{"说明.txt", "名单.docx", "~$03_学校.xlsx", ".隐藏.xlsx", filepath.Join("分校", "照片.jpg")}
	for _, name := range notWorkbooks {
		write(name, []byte("x"))
	}
	exclude := []Exclude{
		{Path: filepath.Join(dir, "汇总结果.xlsx"), Reason: "本次输出", En: "this run's output"},
		{Path: filepath.Join(dir, "输出"), Reason: "本次输出的文件夹", En: "this run's output folder"},
	}

	var mu sync.Mutex
	opened := map[string]int{}
	afterOpen = func(p string) {
		mu.Lock()
		opened[p]++
		mu.Unlock()
	}
	t.Cleanup(func() { afterOpen = nil })

	// what checking the workbooks one after another gives: the files that
	// are not workbooks skipped as the folder is walked (not checked here,
	// reason ""), then the workbooks in name order
	var wantSkipped []Skipped
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && slices.Contains(notWorkbooks, strings.TrimPrefix(p, dir+string(filepath.Separator))) {
			wantSkipped = append(wantSkipped, Skipped{File: p})
		}
		return err
	})
	if len(wantSkipped) != len(notWorkbooks) {
		t.Fatalf("walked %d files that are not workbooks, wrote %d", len(wantSkipped), len(notWorkbooks))
	}
	var wantFiles []string
	slices.Sort(workbooks)
	for _, name := range workbooks {
		path := filepath.Join(dir, name)
		if e := excluded(path, exclude); e != nil {
			wantSkipped = append(wantSkipped, Skipped{File: path, Reason: e.Reason, En: e.En})
		} else if kind := OwnOutput(path); kind != "" {
			wantSkipped = append(wantSkipped, Skipped{File: path, Reason: ownReason(kind), En: ownReasonEn(kind)})
		} else {
			wantFiles = append(wantFiles, path)
		}
	}
	// the reference itself tells the kinds apart
	var counts [3]int // read, own outputs, excluded
	for _, s := range wantSkipped[len(notWorkbooks):] {
		if strings.Contains(s.Reason, "nianbao") {
			counts[1]++
		} else {
			counts[2]++
		}
	}
	counts[0] = len(wantFiles)
	if counts[0] < 20 || counts[1] < 15 || counts[2] != 3 {
		t.Fatalf("the reference reads %d files, skips %d own outputs and %d excluded", counts[0], counts[1], counts[2])
	}

	clear(opened)
	files, skipped, err := Workbooks([]string{dir}, exclude...)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(files, wantFiles) {
		t.Errorf("files:\n%q\nwant (checked one after another):\n%q", files, wantFiles)
	}
	same := len(skipped) == len(wantSkipped)
	for i := 0; same && i < len(skipped); i++ {
		if w := wantSkipped[i]; skipped[i].File != w.File || w.Reason != "" && skipped[i] != w {
			same = false
		}
	}
	if !same {
		t.Errorf("skipped:\n%+v\nwant (checked one after another):\n%+v", skipped, wantSkipped)
	}
	for _, e := range exclude {
		for p := range opened {
			if p == e.Path || strings.HasPrefix(p, e.Path+string(filepath.Separator)) {
				t.Errorf("%s is excluded but was opened", p)
			}
		}
	}
	for _, path := range wantFiles {
		if opened[path] != 1 {
			t.Errorf("%s was opened %d times to check it, want once", path, opened[path])
		}
	}

	// files named, in the order named (one that does not exist among
	// them): only a consolidated workbook is skipped, as checking them one
	// after another skips it
	var args []string
	wantFiles, wantSkipped = nil, nil
	for i := range workbooks {
		path := filepath.Join(dir, workbooks[(i*7)%len(workbooks)])
		if i == 10 {
			args = append(args, filepath.Join(dir, "没有这个文件.xlsx"))
			wantFiles = append(wantFiles, args[len(args)-1])
		}
		args = append(args, path)
		if kind := OwnOutput(path); kind == report.OutputConsolidated {
			wantSkipped = append(wantSkipped, Skipped{File: path, Reason: ownReason(kind), En: ownReasonEn(kind)})
		} else {
			wantFiles = append(wantFiles, path)
		}
	}
	if len(args) != len(workbooks)+1 || len(wantSkipped) < 10 {
		t.Fatalf("%d files named, %d skipped by the reference", len(args), len(wantSkipped))
	}
	files, skipped, err = Workbooks(args, exclude...)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(files, wantFiles) || !slices.Equal(skipped, wantSkipped) {
		t.Errorf("files named: read\n%q\nskipped\n%+v\nwant (checked one after another)\n%q\n%+v", files, skipped, wantFiles, wantSkipped)
	}

	// ownOutputs on its own: as OwnOutput one after another, for no file,
	// one, and fewer files than goroutines could run
	var paths, want []string
	for _, name := range workbooks {
		paths = append(paths, filepath.Join(dir, name))
		want = append(want, OwnOutput(paths[len(paths)-1]))
	}
	for _, n := range []int{0, 1, 2, 3, len(paths)} {
		if got := ownOutputs(paths[:n]); !slices.Equal(got, want[:n]) {
			t.Errorf("ownOutputs of %d files: %q, want %q", n, got, want[:n])
		}
	}
}
