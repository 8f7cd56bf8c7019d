package outfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// ErrExists is returned when the target exists and overwriting was not asked for.
const ErrExists = constError("文件已存在")

// constError is an error that can be a constant.
type constError string

func (e constError) Error() string { return string(e) }

// Write creates path with what write produces. With overwrite false an
// existing file is left alone and ErrExists returned.
func Write(path string, overwrite bool, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if !overwrite {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s: %w（如需覆盖请加 --force）", path, ErrExists)
		}
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("无法在 %s 中创建文件: %w", dir, err)
	}
	defer Track(tmp.Name())()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 256<<10)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("写入 %s 失败: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("写入 %s 失败: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("写入 %s 失败: %w", path, err)
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if overwrite {
		if err = os.Rename(tmp.Name(), path); err != nil {
			return lockedOr(path, err)
		}
		return nil
	}
	// a hard link fails if the name was taken meanwhile: no race replaces a file
	if err = os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			err = fmt.Errorf("%s: %w（如需覆盖请加 --force）", path, ErrExists)
			return err
		}
		// file systems without hard links
		if _, statErr := os.Lstat(path); statErr == nil {
			err = fmt.Errorf("%s: %w（如需覆盖请加 --force）", path, ErrExists)
			return err
		}
		if err = os.Rename(tmp.Name(), path); err != nil {
			return lockedOr(path, err)
		}
		return nil
	}
	return os.Remove(tmp.Name())
}

// lockedOr says what to do about an output another program holds open, or
// that writing path failed.
func lockedOr(path string, err error) error {
	if sharingViolation(err) || replaceDenied(err) {
		return fmt.Errorf("无法写入 %s：%w——请先在 Excel（或 WPS）中关闭 %s，再重新运行", path, ErrLocked, path)
	}
	return fmt.Errorf("写入 %s 失败: %w", path, err)
}

// pending are the temporary files being written now, by path: what
// RemovePending removes when the run is interrupted.
var pending = struct {
	sync.Mutex
	paths map[string]bool
}{paths: map[string]bool{}}

// Track notes a temporary file (or folder) that is being written next to an
// output, and so outside the run's temporary folder; the returned function
// forgets it.
func Track(path string) (forget func()) {
	pending.Lock()
	pending.paths[path] = true
	pending.Unlock()
	return func() {
		pending.Lock()
		delete(pending.paths, path)
		pending.Unlock()
	}
}

// RemovePending removes every tracked temporary file: on Ctrl-C or SIGTERM,
// no half-written output is left beside the finished ones.
func RemovePending() {
	pending.Lock()
	defer pending.Unlock()
	for p := range pending.paths {
		os.RemoveAll(p)
		delete(pending.paths, p)
	}
}
