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
// which compresses well even so. Each part's deflater is put back when
// the part is closed, for the next one.
func newZipWriter(w io.Writer) *zip.Writer {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		fw, err := deflater(out)
		if err != nil {
			return nil, err
		}
		return &deflating{fw}, nil
	})
	return zw
}

// deflaters are deflaters at the fastest level no longer used: each holds
// half a megabyte (its window, history and table), which a workbook's 60
// parts each made anew. Reset makes one what NewWriter makes: the same
// bytes come out.
var deflaters sync.Pool

// deflater is a deflater at the fastest level writing to out.
func deflater(out io.Writer) (*flate.Writer, error) {
	if fw, ok := deflaters.Get().(*flate.Writer); ok {
		fw.Reset(out)
		return fw, nil
	}
	return flate.NewWriter(out, flate.BestSpeed)
}

// deflating is a part being deflated; its deflater goes back to the pool
// when the part is closed.
type deflating struct{ fw *flate.Writer }

func (d *deflating) Write(p []byte) (int, error) {
	if d.fw == nil {
		return 0, errDeflateClosed
	}
	return d.fw.Write(p)
}

func (d *deflating) Close() error {
	if d.fw == nil {
		return nil
	}
	err := d.fw.Close()
	putDeflater(d.fw)
	d.fw = nil
	return err
}

// putDeflater puts a deflater no longer used back in the pool.
func putDeflater(fw *flate.Writer) {
	fw.Reset(nil) // no longer holding what it wrote to
	deflaters.Put(fw)
}

// errDeflateClosed is a part written after it was closed.
var errDeflateClosed = errors.New("压缩流关闭后仍被写入")

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
