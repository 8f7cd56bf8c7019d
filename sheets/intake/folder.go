package intake

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nianbao/nianbao/report"
)

// Skipped is a file that a run does not read, and why.
type Skipped struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// Exclude is a path (a file or a folder) a run writes to: what a folder
// holds under it is not read, for Reason.
type Exclude struct{ Path, Reason string }

// Workbooks expands the files and folders a user named into the files to
// read: a folder (walked recursively, hidden folders skipped) gives the
// workbooks in it (.xlsx, .xlsm, .xls, .et, .ods; not Office lock files or
// hidden files), in name order; a named file is taken whatever its
// extension, and one that does not exist too (reported as unreadable with
// the others). A folder with no workbook is an error.
//
// Our own outputs are not read back as schools, and each one left out is
// listed with the reason: in a folder, what lies under an excluded path (the
// run's own outputs) and every workbook nianbao wrote as an output (by its
// content, see OwnOutput); a consolidated workbook also when named.
func Workbooks(args []string, exclude ...Exclude) ([]string, []Skipped, error) {
	var out []string
	var skipped []Skipped
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				out = append(out, a)
				continue
			}
			return nil, nil, err
		}
		if !st.IsDir() {
			if OwnOutput(a) == report.OutputConsolidated {
				skipped = append(skipped, Skipped{a, ownReason(report.OutputConsolidated)})
				continue
			}
			out = append(out, a)
			continue
		}
		found, err := folderWorkbooks(a)
		if err != nil {
			return nil, nil, err
		}
		for _, f := range found {
			if why := excluded(f, exclude); why != "" {
				skipped = append(skipped, Skipped{f, why})
				continue
			}
			if kind := OwnOutput(f); kind != "" {
				skipped = append(skipped, Skipped{f, ownReason(kind)})
				continue
			}
			out = append(out, f)
		}
	}
	return out, skipped, nil
}

// ownReason says why one of our outputs is not read.
func ownReason(kind string) string {
	if kind == report.OutputAnnotated {
		return "这是 nianbao 写出的批注副本，不作为学校的报表读取（学校修改后交回的，请直接给出该文件名）"
	}
	return "这是 nianbao 写出的汇总工作簿，不作为学校的报表读取"
}

// excluded is the reason a file lies under an excluded path, or "".
func excluded(file string, exclude []Exclude) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return ""
	}
	for _, e := range exclude {
		p, err := filepath.Abs(e.Path)
		if err != nil || e.Path == "" {
			continue
		}
		if abs == p || strings.HasPrefix(abs, p+string(filepath.Separator)) {
			return e.Reason
		}
	}
	return ""
}

// folderWorkbooks are the workbooks under a folder, named through the folder
// as given (a linked folder is walked where it points).
func folderWorkbooks(a string) ([]string, error) {
	var found []string
	root := a
	if real, err := filepath.EvalSymlinks(a); err == nil && real != a {
		root = real
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && strings.HasPrefix(name, ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(name, "~$") || strings.HasPrefix(name, ".") {
			return nil // Office lock files, hidden files
		}
		switch strings.ToLower(filepath.Ext(name)) {
		case ".xlsx", ".xlsm", ".xls", ".et", ".ods":
			if rel, err := filepath.Rel(root, path); err == nil {
				path = filepath.Join(a, rel)
			}
			found = append(found, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("无法读取文件夹 %s: %w", a, err)
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("文件夹 %s 中没有工作簿（.xlsx/.xls/.et/.ods）", a)
	}
	sort.Strings(found)
	return found, nil
}
