package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand"
	"strings"
	"testing"
)

// partsZip is a package of parts of many sizes, deflated, with a data
// descriptor (as zip.Writer's Create writes them) and without (CreateRaw
// with the sizes and CRC-32 in the headers), and one stored.
func partsZip(t *testing.T, rnd *rand.Rand) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i, n := range []int{0, 1, 100, 5000, 70000} {
		var text strings.Builder
		for text.Len() < n {
			fmt.Fprintf(&text, `<c r="A%d" s="%d"><v>%d</v></c>`, rnd.Intn(1000), rnd.Intn(20), rnd.Intn(100000))
		}
		data := []byte(text.String())[:n]
		w, err := zw.Create(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		var z bytes.Buffer
		fw, _ := flate.NewWriter(&z, flate.BestSpeed)
		fw.Write(data)
		fw.Close()
		w, err = zw.CreateRaw(&zip.FileHeader{Name: fmt.Sprintf("xl/raw%d.xml", i+1), Method: zip.Deflate,
			CRC32: crc32.ChecksumIEEE(data), CompressedSize64: uint64(z.Len()), UncompressedSize64: uint64(len(data))})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(z.Bytes())
	}
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "stored.xml", Method: zip.Store})
	w.Write([]byte("<a/>"))
	zw.Create("dir/")
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readAllBy reads a part to its end (or first error) in reads of the given
// size, and what each read returned after the end.
func readAllBy(rc io.ReadCloser, size int) string {
	var out bytes.Buffer
	b := make([]byte, size)
	for i := 0; i < 1<<20; i++ {
		n, err := rc.Read(b)
		out.Write(b[:n])
		if err != nil {
			n, err2 := rc.Read(b)
			fmt.Fprintf(&out, "|%v|%d %v", err, n, err2)
			break
		}
	}
	fmt.Fprintf(&out, "|close %v", rc.Close())
	return out.String()
}

// openPart reads every part of a package held in memory as archive/zip's
// Open does, byte for byte and error for error, on the package intact and
// damaged: bytes changed anywhere (compressed data, local headers, data
// descriptors, the central directory's CRC-32 and sizes), cut short.
func TestOpenPartAsZipOpen(t *testing.T) {
	rnd := rand.New(rand.NewSource(7))
	good := partsZip(t, rnd)
	checked, fast, failed := 0, 0, 0
	for round := 0; round < 600; round++ {
		data := bytes.Clone(good)
		switch {
		case round == 0:
		case round%10 == 9:
			data = data[:rnd.Intn(len(data))]
		default:
			for k := rnd.Intn(4) + 1; k > 0; k-- {
				data[rnd.Intn(len(data))] = byte(rnd.Intn(256))
			}
		}
		b, err := OpenBytes(data, DefaultLimits())
		if err != nil {
			// not a workbook: the package itself is read
			zr, err := NewZipReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				continue
			}
			b = &Book{zr: zr, data: data}
		}
		for _, f := range b.zr.File {
			size := []int{7, 512, 64 << 10}[rnd.Intn(3)]
			var want, got string
			rc, err := f.Open()
			if err != nil {
				want = "open: " + err.Error()
			} else {
				want = readAllBy(rc, size)
			}
			rc, err = b.openPart(f)
			if err != nil {
				got = "open: " + err.Error()
			} else {
				if _, ok := rc.(*partReader); ok {
					fast++
				}
				got = readAllBy(rc, size)
			}
			if got != want {
				t.Fatalf("round %d, %s: openPart read\n%.300q\nf.Open\n%.300q", round, f.Name, got[max(0, len(got)-300):], want[max(0, len(want)-300):])
			}
			checked++
			if strings.Contains(want, zip.ErrChecksum.Error()) || strings.Contains(want, "flate") {
				failed++
			}
		}
	}
	t.Logf("%d parts read by openPart of %d, %d with a checksum or inflate error", fast, checked, failed)
	if fast < checked/2 || failed < 100 {
		t.Errorf("%d parts read by openPart of %d, %d with a checksum or inflate error", fast, checked, failed)
	}
}
