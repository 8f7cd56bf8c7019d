package intake

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"
)

// Attachments arrive as .zip archives (e-mail, QQ), their names often in
// GBK. A .zip named on the command line or found in a folder is read as a
// folder: its entries are extracted into a temporary folder (the run's own,
// see internal/runtemp) within the limits of Limits, and each workbook in it
// is named through the archive, "收到.zip/某校/年报.xlsx", wherever a file
// name is shown. The files are read from where they were extracted (see
// onDisk).

// extracted maps the name of a file in an archive, as shown, to where it was
// extracted.
var extracted sync.Map

// onDisk is where the file named p is: where it was extracted when p names
// a file in an archive, else p.
func onDisk(p string) string {
	if real, ok := extracted.Load(p); ok {
		return real.(string)
	}
	return p
}

// IsArchive tells whether a file name is that of an archive read as a folder
// (.zip).
func IsArchive(name string) bool { return strings.EqualFold(filepath.Ext(name), ".zip") }

// unreadableArchive is why an archive we cannot open is not read, or "".
func unreadableArchive(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".rar":
		return "RAR 压缩包无法读取：请解压后给出解出的文件夹，或重新压缩为 .zip"
	case ".7z":
		return "7z 压缩包无法读取：请解压后给出解出的文件夹，或重新压缩为 .zip"
	}
	return ""
}

// unreadableArchiveEn is unreadableArchive in English.
func unreadableArchiveEn(name string) string {
	return "a " + strings.ToUpper(strings.TrimPrefix(filepath.Ext(name), ".")) + " archive cannot be read: extract it and give the folder, or pack it again as .zip"
}

// archiveError is an archive that is not read, in Chinese and English.
type archiveError struct{ zh, en string }

func (e *archiveError) Error() string { return e.zh }

// entryName is an entry's name: UTF-8 when the archive says so (the
// language-encoding flag, bit 11), else GBK (GB18030) as Chinese Windows
// archivers write names — unless it is valid UTF-8 (macOS writes UTF-8
// without the flag).
func entryName(f *zip.File) string {
	if f.Flags&0x800 != 0 || utf8.ValidString(f.Name) {
		return strings.ToValidUTF8(f.Name, "?")
	}
	return zipName(f)
}

// extractZip extracts the archive at p (shown as name) into a new temporary
// folder, and returns the folder. Entries that would land outside the folder
// (absolute, ".."), links and special files are not extracted; the archive
// is refused as a whole when it breaks the limits (entries, total size,
// ratio), as a workbook would be.
func extractZip(p, name string, lim Limits) (dir string, err error) {
	lim = lim.withDefaults()
	st, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("%s：无法读取：%w", name, err)
	}
	if st.Size() > lim.MaxFileSize*4 {
		return "", &archiveError{fmt.Sprintf("%s：压缩包过大（%d MB），请解压后给出文件夹", name, st.Size()>>20), fmt.Sprintf("the archive is too large (%d MB): extract it and give the folder", st.Size()>>20)}
	}
	zr, err := zip.OpenReader(p)
	if err != nil {
		return "", &archiveError{fmt.Sprintf("%s：压缩包已损坏或不完整，无法解开（%v）", name, err), fmt.Sprintf("the archive is damaged or incomplete (%v)", err)}
	}
	defer zr.Close()
	if len(zr.File) > lim.MaxEntries {
		return "", &archiveError{fmt.Sprintf("%s：压缩包中的文件过多（%d 个，最多 %d 个）", name, len(zr.File), lim.MaxEntries), fmt.Sprintf("the archive holds too many files (%d, at most %d)", len(zr.File), lim.MaxEntries)}
	}
	if dir, err = os.MkdirTemp("", "nianbao-zip-"); err != nil {
		return "", err
	}
	var total int64
	for _, f := range zr.File {
		rel := path.Clean(strings.ReplaceAll(entryName(f), `\`, "/"))
		if f.FileInfo().IsDir() || !f.Mode().IsRegular() || rel == "." {
			continue
		}
		if path.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, "../") || filepath.VolumeName(rel) != "" {
			continue // would land outside the folder
		}
		if f.UncompressedSize64 >= RatioFloor && f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > uint64(lim.MaxRatio) {
			return "", &archiveError{fmt.Sprintf("%s：压缩包中的 %s 压缩比异常（疑似压缩炸弹），不予读取", name, rel), fmt.Sprintf("%s in the archive is compressed beyond reason (a zip bomb?): not read", rel)}
		}
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return "", err
		}
		n, err := extractEntry(f, dst, min(lim.MaxFileSize, lim.MaxUncompressed-total))
		total += n
		if errors.Is(err, errTooBig) {
			return "", &archiveError{fmt.Sprintf("%s：解压后过大（单个文件最多 %d MB，全部最多 %d MB），疑似压缩炸弹，不予读取", name, lim.MaxFileSize>>20, lim.MaxUncompressed>>20), fmt.Sprintf("too large once extracted (at most %d MB a file, %d MB in all; a zip bomb?): not read", lim.MaxFileSize>>20, lim.MaxUncompressed>>20)}
		}
		if err != nil {
			return "", &archiveError{fmt.Sprintf("%s：压缩包中的 %s 无法解开（%v）", name, rel, err), fmt.Sprintf("%s in the archive cannot be extracted (%v)", rel, err)}
		}
	}
	return dir, nil
}

var errTooBig = errors.New("too big")

// extractEntry writes the entry f to dst, at most limit bytes.
func extractEntry(f *zip.File, dst string, limit int64) (int64, error) {
	r, err := f.Open()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, io.LimitReader(r, limit+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > limit {
		err = errTooBig
	}
	return n, err
}

// ExtractOne extracts the one workbook an uploaded archive holds (a school
// sends its own report, often zipped by QQ or e-mail) into dir, under a name
// made here, within lim: its size at most MaxFileSize. entry is the
// workbook's name in the archive (its last part, GBK names decoded, control
// characters left out) for messages. Errors are in Chinese and say what the
// school can do.
func ExtractOne(p, dir string, lim Limits) (file, entry string, err error) {
	lim = lim.withDefaults()
	zr, err := zip.OpenReader(p)
	if err != nil {
		return "", "", errors.New("压缩包无法打开：请重新压缩为 .zip，或直接上传 .xlsx 工作簿")
	}
	defer zr.Close()
	if len(zr.File) > lim.MaxEntries {
		return "", "", fmt.Errorf("压缩包中的文件过多（%d 个）：请只上传本校的一个工作簿", len(zr.File))
	}
	var (
		f     *zip.File // the workbook, when there is one
		base  string    // and the last part of its name
		books int
	)
	for _, zf := range zr.File {
		b := path.Base(strings.ReplaceAll(entryName(zf), `\`, "/"))
		k := KindOfExt(path.Ext(b))
		if zf.Mode().IsRegular() && !strings.HasPrefix(b, "~$") && !strings.HasPrefix(b, ".") &&
			(k == XLSX || k == ODS || k == LegacyXLS) {
			f, base, books = zf, b, books+1
		}
	}
	if books != 1 {
		return "", "", fmt.Errorf("压缩包里应当正好有一个工作簿，而这里有 %d 个：请只上传本校的一个工作簿", books)
	}
	tooBig := errors.New("压缩包里的工作簿太大，请直接上传 .xlsx 工作簿")
	if f.UncompressedSize64 > uint64(lim.MaxFileSize) {
		return "", "", tooBig
	}
	file = filepath.Join(dir, "inner"+strings.ToLower(path.Ext(base))) // a name we make
	if _, err := extractEntry(f, file, lim.MaxFileSize); err != nil {
		os.Remove(file) // a part, or nothing
		if errors.Is(err, errTooBig) {
			return "", "", tooBig
		}
		return "", "", errors.New("压缩包已损坏：请重新压缩，或直接上传 .xlsx 工作簿")
	}
	entry = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError {
			return -1
		}
		return r
	}, base)
	return file, entry, nil
}
