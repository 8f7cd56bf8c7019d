package xlsx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"hash/crc32"
	"io"
	"os"

	"github.com/klauspost/compress/flate"
)

// The consolidated workbook is mostly deflating: the sheets' XML is made on
// one core and deflated on another (asyncWriter), and a long table written
// at the same time as the others (TableWriter.AddStream) is deflated as it
// comes into a file of its own and copied into the workbook as it is.

// asyncWriter writes to w on a goroutine of its own the chunks handed to
// it (send), and gives them back to be filled again (buffer). An error of
// w is returned by Close.
type asyncWriter struct {
	w      io.Writer
	ch     chan []byte
	free   chan []byte
	done   chan struct{}
	err    error // w's first error; read after done
	closed bool
}

func newAsyncWriter(w io.Writer) *asyncWriter {
	a := &asyncWriter{w: w, ch: make(chan []byte, 4), free: make(chan []byte, 6), done: make(chan struct{})}
	go a.run()
	return a
}

func (a *asyncWriter) run() {
	defer close(a.done)
	for p := range a.ch {
		if a.err == nil {
			_, a.err = a.w.Write(p)
		}
		select {
		case a.free <- p[:0]:
		default:
		}
	}
}

// chunkSize is how much of a sheet's XML is handed over at once.
const chunkSize = 64 << 10

// buffer is an empty chunk to fill: one written already, else a new one
// with room for a row beyond chunkSize.
func (a *asyncWriter) buffer() []byte {
	select {
	case buf := <-a.free:
		return buf
	default:
		return make([]byte, 0, chunkSize+chunkSize/4)
	}
}

// send hands p over to be written; it is the writer's from now on.
func (a *asyncWriter) send(p []byte) error {
	if a.closed {
		return os.ErrClosed
	}
	a.ch <- p
	return nil
}

// sheetOut is a sheet's XML, made in chunks of about chunkSize bytes that
// are handed whole to the asyncWriter which deflates them: the rows are
// made where they are deflated from (they were copied into a bufio.Writer,
// and from it into a buffer of the asyncWriter). Deflate does not depend
// on how its input is cut: the same bytes come out.
type sheetOut struct {
	buf   []byte
	async *asyncWriter
}

func newSheetOut(a *asyncWriter) *sheetOut { return &sheetOut{buf: a.buffer(), async: a} }

// next hands the chunk over once it holds chunkSize bytes.
func (o *sheetOut) next() error {
	if len(o.buf) < chunkSize {
		return nil
	}
	return o.flush()
}

// flush hands over what the chunk holds.
func (o *sheetOut) flush() error {
	if len(o.buf) == 0 {
		return nil
	}
	err := o.async.send(o.buf)
	o.buf = o.async.buffer()
	return err
}

// Close waits until everything is written.
func (a *asyncWriter) Close() error {
	if !a.closed {
		a.closed = true
		close(a.ch)
	}
	<-a.done
	return a.err
}

// sheetStream is an AddStream sheet's rows (and its end), deflated into a
// temporary file as they come; its head, which holds the dimension, is
// deflated when the rows are counted and put before them (copyTo).
type sheetStream struct {
	f     *os.File
	bw    *bufio.Writer
	fw    *flate.Writer
	crc   uint32 // of the text written
	n     int64  // bytes of text written
	async *asyncWriter
}

func newSheetStream() (*sheetStream, error) {
	f, err := os.CreateTemp("", "nianbao-sheet-*")
	if err != nil {
		return nil, err
	}
	s := &sheetStream{f: f, bw: bufio.NewWriterSize(f, 256<<10)}
	if s.fw, err = deflater(s.bw); err != nil {
		s.remove()
		return nil, err
	}
	s.async = newAsyncWriter(writerFunc(func(p []byte) (int, error) {
		s.crc = crc32.Update(s.crc, crc32.IEEETable, p)
		s.n += int64(len(p))
		return s.fw.Write(p)
	}))
	return s, nil
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// close ends the deflated text (its last block).
func (s *sheetStream) close() error {
	if err := s.async.Close(); err != nil {
		return err
	}
	if err := s.fw.Close(); err != nil {
		return err
	}
	putDeflater(s.fw)
	s.fw = nil
	return s.bw.Flush()
}

// copyTo adds the part name to zw: head, deflated up to a flush (which ends
// on a whole byte and is not the last block, so that the rows' deflated
// text can follow as it is: one deflate stream), then the rows.
func (s *sheetStream) copyTo(zw *zip.Writer, name string, head []byte) error {
	defer s.remove()
	var hz bytes.Buffer
	fw, err := deflater(&hz)
	if err != nil {
		return err
	}
	if _, err := fw.Write(head); err != nil {
		return err
	}
	if err := fw.Flush(); err != nil {
		return err
	}
	putDeflater(fw)
	size, err := s.f.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate,
		CreatorVersion: 20, ReaderVersion: 20,
		CRC32:              crc32Combine(crc32.ChecksumIEEE(head), s.crc, s.n),
		CompressedSize64:   uint64(hz.Len()) + uint64(size),
		UncompressedSize64: uint64(len(head)) + uint64(s.n)})
	if err != nil {
		return err
	}
	if _, err := w.Write(hz.Bytes()); err != nil {
		return err
	}
	_, err = io.Copy(w, s.f)
	return err
}

func (s *sheetStream) remove() {
	if s.async != nil {
		s.async.Close()
	}
	s.f.Close()
	os.Remove(s.f.Name())
}

// crc32Combine is the CRC-32 (IEEE) of a text whose first part has crc1
// and whose second part, len2 bytes long, has crc2 (zlib's crc32_combine:
// the first CRC is advanced over len2 zero bytes by squaring an operator
// matrix over GF(2)).
func crc32Combine(crc1, crc2 uint32, len2 int64) uint32 {
	if len2 <= 0 {
		return crc1
	}
	var even, odd [32]uint32
	odd[0] = crc32.IEEE // the operator for one zero bit
	row := uint32(1)
	for n := 1; n < 32; n++ {
		odd[n] = row
		row <<= 1
	}
	square(&even, &odd) // two zero bits
	square(&odd, &even) // four
	for {
		square(&even, &odd)
		if len2&1 != 0 {
			crc1 = times(&even, crc1)
		}
		if len2 >>= 1; len2 == 0 {
			break
		}
		square(&odd, &even)
		if len2&1 != 0 {
			crc1 = times(&odd, crc1)
		}
		if len2 >>= 1; len2 == 0 {
			break
		}
	}
	return crc1 ^ crc2
}

func times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func square(sq, mat *[32]uint32) {
	for n := range sq {
		sq[n] = times(mat, mat[n])
	}
}
