package xlsx

import (
	"archive/zip"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
)

// The parts of a workbook are deflated and inflated by
// github.com/klauspost/compress/flate rather than the standard library's
// compress/flate: the same format, faster at both (consolidating 1,000
// workbooks inflates their sheets and deflates a workbook of 300 MB of
// XML; the two were a fifth of the time).

// inflaters are flate readers to reuse (one per part being read).
var inflaters sync.Pool

// inflater is the decompressor of zip.Deflate entries for the readers of
// workbooks: it hands its flate reader back to the pool when closed.
func inflater(r io.Reader) io.ReadCloser {
	if fr, ok := inflaters.Get().(io.ReadCloser); ok {
		if err := fr.(flate.Resetter).Reset(r, nil); err == nil {
			return &pooledInflater{fr}
		}
	}
	return &pooledInflater{flate.NewReader(r)}
}

type pooledInflater struct{ io.ReadCloser }

func (p *pooledInflater) Close() error {
	if p.ReadCloser == nil {
		return nil // closed before
	}
	err := p.ReadCloser.Close()
	inflaters.Put(p.ReadCloser)
	p.ReadCloser = nil
	return err
}

// Read after Close is an error, not a read from a reader handed on.
func (p *pooledInflater) Read(b []byte) (int, error) {
	if p.ReadCloser == nil {
		return 0, io.ErrClosedPipe
	}
	return p.ReadCloser.Read(b)
}

// NewZipReader is zip.NewReader inflating with the faster flate.
func NewZipReader(r io.ReaderAt, size int64) (*zip.Reader, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	zr.RegisterDecompressor(zip.Deflate, inflater)
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
