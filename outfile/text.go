package outfile

import (
	"bytes"
	"io"
)

// WriteText writes a text or CSV file meant to be opened by a person, as
// Windows programs read it best: UTF-8 with a byte-order mark (without it
// Excel and the Notepad of Windows 7/8 show Chinese as mojibake) and CRLF
// line ends. What write produces is UTF-8 with LF or CRLF line ends (a BOM
// of its own is dropped). The file is written as Write does.
func WriteText(path string, overwrite bool, write func(io.Writer) error) error {
	return Write(path, overwrite, func(w io.Writer) error {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return err
		}
		cw := &crlfWriter{w: w, start: true}
		if err := write(cw); err != nil {
			return err
		}
		return nil
	})
}

// crlfWriter turns LF into CRLF (a CRLF stays as it is) and drops a BOM at
// the very start.
type crlfWriter struct {
	w      io.Writer
	lastCR bool
	start  bool
}

func (c *crlfWriter) Write(p []byte) (int, error) {
	n := len(p)
	if c.start {
		if len(p) > 0 {
			c.start = false
		}
		p = bytes.TrimPrefix(p, []byte("\ufeff"))
	}
	var buf bytes.Buffer
	for _, b := range p {
		if b == '\n' && !c.lastCR {
			buf.WriteByte('\r')
		}
		buf.WriteByte(b)
		c.lastCR = b == '\r'
	}
	if _, err := c.w.Write(buf.Bytes()); err != nil {
		return 0, err
	}
	return n, nil
}
