package xlsx

import (
	"archive/zip"
	"bufio"
	"errors"
	"io"
	"sync"

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

// inflate is the deflate decompressor of workbook parts (the faster flate,
// reading its input through a bufio.Reader of the default size), with that
// bufio.Reader kept for the next part as well as the decompressor, not made
// anew for each part.
func inflate(r io.Reader) io.ReadCloser {
	in, ok := inflaters.Get().(*inflater)
	if !ok {
		in = &inflater{br: bufio.NewReader(r)}
		in.fr = flate.NewReader(in.br)
	} else {
		in.br.Reset(r)
		in.fr.(flate.Resetter).Reset(in.br, nil)
	}
	return &inflating{in: in}
}

var inflaters sync.Pool

type inflater struct {
	br *bufio.Reader
	fr io.ReadCloser
}

// inflating is one part being decompressed; its inflater goes back to the
// pool when it is closed.
type inflating struct{ in *inflater }

// errInflateClosed is a part read after it was closed (as archive/zip says).
var errInflateClosed = errors.New("zip: read after close")

func (p *inflating) Read(b []byte) (int, error) {
	if p.in == nil {
		return 0, errInflateClosed
	}
	return p.in.fr.Read(b)
}

func (p *inflating) Close() error {
	if p.in == nil {
		return nil
	}
	err := p.in.fr.Close()
	p.in.br.Reset(nil)
	inflaters.Put(p.in)
	p.in = nil
	return err
}
