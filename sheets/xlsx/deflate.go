package xlsx

import (
	"archive/zip"
	"io"

	"github.com/klauspost/compress/flate"
)

// The parts of a workbook are deflated and inflated by
// github.com/klauspost/compress/flate rather than the standard library's
// compress/flate: the same format, faster at both (consolidating 1,000
// workbooks inflates their sheets and deflates a workbook of 300 MB of
// XML; the two were a fifth of the time).

// NewZipReader is zip.NewReader inflating with the faster flate.
func NewZipReader(r io.ReaderAt, size int64) (*zip.Reader, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	zr.RegisterDecompressor(zip.Deflate, inflate)
	return zr, nil
}

// newZipWriter is zip.NewWriter deflating at the fastest level of the
// faster flate: the workbooks nianbao writes are mostly repeated markup,
// which compresses well even so.
func newZipWriter(w io.Writer) *zip.Writer {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	return zw
}
