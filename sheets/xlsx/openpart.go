package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"strings"
)

// openPart is f.Open(): the part's contents, inflated, their CRC-32 and size
// checked at the end. For a deflated part of a workbook held in memory
// (OpenBytes) whose compressed bytes and data descriptor lie within the
// file, it reads them straight from the file's bytes, with what
// archive/zip's Open and checksumReader do, step for step — without the
// half-dozen objects they make for each part (section readers, the hash,
// buffers for the headers). Anything else is archive/zip's own reading.
// openpart_test.go holds the two to each other on damaged files.
func (b *Book) openPart(f *zip.File) (io.ReadCloser, error) {
	return b.openPartIn(f, nil)
}

// openPartIn is openPart, reading the part's bytes straight from the file
// with p (made anew when nil).
func (b *Book) openPartIn(f *zip.File, p *partReader) (io.ReadCloser, error) {
	if b.data == nil || f.Method != zip.Deflate || strings.HasSuffix(f.Name, "/") {
		return f.Open()
	}
	off, err := f.DataOffset() // Open's first step: the local header
	if err != nil {
		return nil, err
	}
	size, n := int64(f.CompressedSize64), int64(len(b.data))
	end := off + size
	if size < 0 || off > n || end < off || end > n {
		return f.Open() // beyond the file: archive/zip says what happens
	}
	if p == nil {
		p = new(partReader)
	}
	*p = partReader{f: f}
	if f.Flags&0x8 != 0 { // a data descriptor follows the compressed bytes
		if end+dataDescriptorLen > n {
			return f.Open()
		}
		p.desc = b.data[end : end+dataDescriptorLen]
	}
	p.src.Reset(b.data[off:end])
	p.rc = inflate(&p.src)
	return p, nil
}

// dataDescriptorLen is archive/zip's: the descriptor's signature, CRC-32
// and two 32-bit sizes.
const dataDescriptorLen = 16

// partReader is archive/zip's checksumReader over a part's compressed bytes.
type partReader struct {
	rc    io.ReadCloser
	src   bytes.Reader
	f     *zip.File
	desc  []byte // the data descriptor, if the part has one
	crc   uint32
	nread uint64
	err   error
}

func (r *partReader) Read(b []byte) (n int, err error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err = r.rc.Read(b)
	r.crc = crc32.Update(r.crc, crc32.IEEETable, b[:n])
	r.nread += uint64(n)
	if r.nread > r.f.UncompressedSize64 {
		return 0, zip.ErrFormat
	}
	if err == nil {
		return
	}
	if err == io.EOF {
		if r.nread != r.f.UncompressedSize64 {
			return 0, io.ErrUnexpectedEOF
		}
		if r.desc != nil {
			// readDataDescriptor: the CRC-32 after the signature, or
			// first when the descriptor has none (all 16 bytes are there)
			crc := binary.LittleEndian.Uint32(r.desc)
			if crc == dataDescriptorSignature {
				crc = binary.LittleEndian.Uint32(r.desc[4:])
			}
			if crc != r.f.CRC32 || r.crc != r.f.CRC32 {
				err = zip.ErrChecksum
			}
		} else if r.f.CRC32 != 0 && r.crc != r.f.CRC32 {
			err = zip.ErrChecksum
		}
	}
	r.err = err
	return
}

func (r *partReader) Close() error { return r.rc.Close() }

// dataDescriptorSignature is the signature a data descriptor may start with.
const dataDescriptorSignature = 0x08074b50
