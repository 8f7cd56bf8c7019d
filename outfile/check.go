package outfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// CheckFile finds out, before any work is done, whether the file path can be
// written: its folder exists and takes a new file, path is not a folder, and
// (on Windows) no program such as Excel holds it open (ErrLocked).
// It writes nothing that stays.
func CheckFile(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s 是文件夹，请给出输出文件名", path)
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("无法写入 %s：文件夹 %s 不存在", path, dir)
	case err != nil:
		return fmt.Errorf("无法写入 %s：%w", path, err)
	case !st.IsDir():
		return fmt.Errorf("无法写入 %s：%s 不是文件夹", path, dir)
	}
	if err := checkNotLocked(path); err != nil {
		return err
	}
	return probe(dir, path)
}

// CheckDir makes the folder dir when it does not exist and finds out whether
// it takes new files, before any work is done.
func CheckDir(dir string) error {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return fmt.Errorf("无法写入文件夹 %s：这是一个文件，不是文件夹", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("无法创建文件夹 %s：%w", dir, err)
	}
	if err := checkDirNotLocked(dir); err != nil {
		return err
	}
	return probe(dir, dir)
}

// probe creates and removes a file in dir.
func probe(dir, what string) error {
	f, err := os.CreateTemp(dir, ".nianbao-probe-*")
	if err != nil {
		return fmt.Errorf("无法写入 %s：%w", what, err)
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}
