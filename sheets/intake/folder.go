package intake

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Workbooks expands the files and folders a user named into the files to
// read: a folder (walked recursively, hidden folders skipped) gives the
// workbooks in it (.xlsx, .xlsm, .xls, .et, .ods; not Office lock files or
// hidden files), in name order; a named file is taken whatever its
// extension, and one that does not exist too (reported as unreadable with
// the others). A folder with no workbook is an error.
func Workbooks(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				out = append(out, a)
				continue
			}
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		found, err := folderWorkbooks(a)
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
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
