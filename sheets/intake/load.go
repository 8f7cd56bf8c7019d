package intake

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/xuri/excelize/v2"
)

// Options adjusts Load.
type Options struct {
	// Password opens a workbook encrypted with standard Office encryption.
	Password string
	// NoConvert refuses .xls, .et and .ods instead of converting them with
	// LibreOffice.
	NoConvert bool
	// ConvertTimeout bounds one LibreOffice conversion (default 2 minutes).
	ConvertTimeout time.Duration
	// Files bounds what is read from disk (default DefaultLimits()).
	Files Limits
}

// Load returns the .xlsx bytes of a submitted file. It first finds out what
// the file really is: an .xlsx is read; a legacy .xls, a WPS .et or an .ods is
// converted with LibreOffice into a temporary folder when it is installed
// (converted then names the format); an encrypted workbook needs the
// password; anything else (a web page or CSV renamed .xls, an empty or
// truncated file, a zip bomb) is refused with the reason. The file itself is
// only ever read.
func Load(ctx context.Context, path string, opt Options) (data []byte, converted string, err error) {
	data, _, converted, err = LoadZip(ctx, path, opt)
	return data, converted, err
}

// LoadZip is Load that also returns the zip directory of the .xlsx bytes
// when it was read to check them (the file was an .xlsx read whole, as a
// school's workbook is): the reader opens the workbook from it rather than
// reading it again. It is nil otherwise.
func LoadZip(ctx context.Context, path string, opt Options) (data []byte, zr *zip.Reader, converted string, err error) {
	info, f, whole, sniffed, err := sniffOpen(path, opt.Files)
	if f != nil {
		defer f.Close()
	}
	if err != nil {
		return nil, nil, "", err
	}
	if info.Kind == XLSX && whole != nil { // the bytes sniffed
		return whole, sniffed, "", nil
	}
	data, converted, err = load(ctx, path, opt, info, f, whole)
	return data, nil, converted, err
}

// load is Load of a file sniffed (info) and opened (f), not an .xlsx read
// whole.
func load(ctx context.Context, path string, opt Options, info Info, f *os.File, whole []byte) (data []byte, converted string, err error) {
	switch {
	case info.Kind == XLSX:
		if data, err = readAll(f, info.Size); err != nil {
			return nil, "", fmt.Errorf("%s：无法读取：%w", path, err)
		}
	case info.Kind == Encrypted:
		if opt.Password == "" {
			return nil, "", EncryptedError(path)
		}
		if data, err = decrypt(f, info.Size, whole, path, opt.Password); err != nil {
			return nil, "", err
		}
	case info.Kind.Convertible():
		if opt.NoConvert {
			return nil, "", fmt.Errorf("%s：这是 %s 文件，请用 Excel 或 WPS 另存为 .xlsx 后再提交", path, info.Format)
		}
		if err := checkDeclaredSize(path, info.Kind); err != nil {
			return nil, "", err
		}
		dir, err := os.MkdirTemp("", "nianbao-convert-")
		if err != nil {
			return nil, "", err
		}
		defer os.RemoveAll(dir)
		timeout := opt.ConvertTimeout
		if timeout == 0 {
			timeout = 2 * time.Minute
		}
		out, err := Convert(ctx, path, dir, timeout)
		if err != nil {
			return nil, "", err
		}
		if data, err = os.ReadFile(out); err != nil {
			return nil, "", fmt.Errorf("%s：转换后的文件无法读取：%w", path, err)
		}
		converted = info.Format
	default:
		return nil, "", fmt.Errorf("%s：无法识别的文件（%s），请提交 .xlsx 工作簿", path, info.Kind)
	}
	return data, converted, nil
}

// decrypt opens a workbook encrypted with standard or agile Office
// encryption (raw: the file when it was read whole already).
func decrypt(f *os.File, size int64, raw []byte, path, password string) (data []byte, err error) {
	if raw == nil {
		if raw, err = readAll(f, size); err != nil {
			return nil, fmt.Errorf("%s：无法读取：%w", path, err)
		}
	}
	defer func() { // a damaged encrypted file must not stop the others
		if recover() != nil {
			data, err = nil, fmt.Errorf("%s：加密文件已损坏，无法解密", path)
		}
	}()
	data, err = excelize.Decrypt(raw, &excelize.Options{Password: password})
	if err != nil || len(data) < 4 || string(data[:2]) != "PK" {
		if errors.Is(err, excelize.ErrUnsupportedEncryptMechanism) {
			return nil, fmt.Errorf("%s：不支持这种加密方式，请在 Excel/WPS 中取消密码后另存为 .xlsx", path)
		}
		return nil, fmt.Errorf("%s：密码不正确，无法解密（%s）", path, filepath.Base(path))
	}
	return data, nil
}
