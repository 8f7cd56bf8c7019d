package intake

import (
	"errors"
	"io/fs"
	"os"

	"github.com/nianbao/nianbao/internal/freelist"
)

var errNotRegular = errors.New("not a regular file")

// afterOpen, when set (by tests), runs right after a submitted file is
// opened: a test swaps the file for a pipe there.
var afterOpen func(path string)

// openRegular opens a submitted file for reading without waiting (a pipe or
// a device put where the file was opens at once instead of blocking until a
// writer comes) and checks that what it opened is a regular file. Everything
// is then read from this handle, never by the name again, so nothing put at
// path after the check is read.
func openRegular(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(onDisk(path), os.O_RDONLY|openNonBlock, 0)
	if err != nil {
		return nil, nil, err
	}
	if afterOpen != nil {
		afterOpen(path)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, st, errNotRegular
	}
	return f, st, nil
}

// readAll reads the whole of an opened regular file of the given size,
// into bytes given back by Release when there are.
func readAll(f *os.File, size int64) ([]byte, error) {
	b := wholeBufs.Get()
	if int64(cap(b)) >= size {
		b = b[:size]
	} else {
		b = make([]byte, size)
	}
	n, err := f.ReadAt(b, 0)
	if n == len(b) {
		return b, nil
	}
	if err == nil {
		err = errors.New("读取时文件被改动了")
	}
	return nil, err
}

// wholeBufs are the bytes of files read whole (workbooks up to wholeSize)
// given back by Release, for the next files: a consolidation reads
// thousands of files of about the same size.
var wholeBufs = freelist.List[byte]{Keep: 8, MaxCap: wholeSize}

// Release gives back the bytes Load returned once nothing uses them (a
// report read from them keeps no part of them): the next file read may be
// read into them. Bytes not given back are simply collected.
func Release(data []byte) { wholeBufs.Put(data[:0]) }
