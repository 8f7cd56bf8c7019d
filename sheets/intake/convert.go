package intake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"
)

// DefaultConvertTimeout is Convert's timeout when it is given none: a
// school's workbook converts in seconds, LibreOffice's first start in a
// fresh profile takes a few more.
const DefaultConvertTimeout = 2 * time.Minute

// SofficePath finds LibreOffice: soffice or libreoffice on PATH, and on
// Windows and macOS where the installer puts it.
func SofficePath() (string, bool) {
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	var known []string
	switch runtime.GOOS {
	case "windows":
		for _, env := range []string{"ProgramFiles", "ProgramFiles(x86)", "ProgramW6432"} {
			if dir := os.Getenv(env); dir != "" {
				known = append(known, filepath.Join(dir, "LibreOffice", "program", "soffice.exe"))
			}
		}
	case "darwin":
		known = append(known, "/Applications/LibreOffice.app/Contents/MacOS/soffice")
	}
	for _, p := range known {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, true
		}
	}
	return "", false
}

const saveAsZh, saveAsEn = "请用 Excel 或 WPS 打开文件，另存为 .xlsx 后再提交", "open it in Excel or WPS, save it as .xlsx and submit that"

// Convert turns a .xls, .et, .ods or Excel 2003 XML file into .xlsx with
// LibreOffice headless and returns the new file's path in outDir: the input's
// name with the extension .xlsx (" (2)", " (3)"… added rather than replace a
// file that exists). The input is copied into a temporary folder first, so
// the user's file is never touched and any name is safe; each conversion has
// its own LibreOffice profile, removed afterwards, and a timeout (timeout ≤ 0
// means DefaultConvertTimeout) after which LibreOffice's whole process group
// is killed. Every failure is an *Error whose message asks for an .xlsx.
func Convert(ctx context.Context, in, outDir string, timeout time.Duration) (string, error) {
	soffice, ok := SofficePath()
	if !ok {
		return "", convertError(in, ReasonNoConverter, nil,
			"无法转换：本机没有安装 LibreOffice（找不到 soffice），不能读取旧格式的工作簿。"+saveAsZh,
			"cannot convert: LibreOffice is not installed (no soffice found), so older workbook formats cannot be read; "+saveAsEn)
	}
	if err := checkInput(in); err != nil {
		return "", err
	}
	if timeout <= 0 {
		timeout = DefaultConvertTimeout
	}
	work, err := os.MkdirTemp("", "nianbao-convert-")
	if err != nil {
		return "", convertError(in, ReasonConvertFailed, err, "无法创建临时文件夹（"+err.Error()+"）", "cannot create a temporary folder ("+err.Error()+")")
	}
	defer os.RemoveAll(work)
	src, err := prepareWork(in, work)
	if err != nil {
		return "", err
	}
	outTmp := filepath.Join(work, "out")
	start := time.Now()
	said, runErr, err := runSoffice(ctx, in, soffice, work, src, timeout)
	if err != nil {
		return "", err
	}
	result := filepath.Join(outTmp, "input.xlsx")
	if err := checkResult(in, result, runErr, said, start); err != nil {
		return "", err
	}
	dst, err := placeResult(result, outDir, strings.TrimSuffix(filepath.Base(in), filepath.Ext(in)))
	if err != nil {
		return "", convertError(in, ReasonConvertFailed, err, "无法保存转换结果（"+err.Error()+"）", "cannot save the converted file ("+err.Error()+")")
	}
	return dst, nil
}

// convertError is a failed conversion of in.
func convertError(in string, r Reason, err error, zh, en string) *Error {
	return &Error{File: in, Kind: KindOfExt(filepath.Ext(in)), Reason: r, Zh: zh, En: en, Err: err}
}

// checkInput refuses an input that is missing, unreadable or not a file.
func checkInput(in string) error {
	st, err := os.Stat(onDisk(in))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return convertError(in, ReasonNotFound, err, "找不到文件，请检查文件名和所在文件夹", "no such file: check the name and the folder")
	case err != nil:
		return convertError(in, ReasonUnreadable, err, "无法读取文件（"+err.Error()+"）", "cannot read the file ("+err.Error()+")")
	case !st.Mode().IsRegular():
		return convertError(in, ReasonNotFile, nil, "不是普通文件，无法转换", "not a regular file: it cannot be converted")
	}
	return nil
}

// prepareWork makes the folders in, out and profile in work and copies the
// input into in; it returns the copy's path.
func prepareWork(in, work string) (string, error) {
	for _, d := range []string{"in", "out", "profile"} {
		if err := os.Mkdir(filepath.Join(work, d), 0o700); err != nil {
			return "", convertError(in, ReasonConvertFailed, err, "无法创建临时文件夹（"+err.Error()+"）", "cannot create a temporary folder ("+err.Error()+")")
		}
	}
	ext := strings.ToLower(filepath.Ext(in))
	if !safeExt.MatchString(ext) {
		ext = "" // LibreOffice recognises the content anyway
	}
	src := filepath.Join(work, "in", "input"+ext)
	if err := copyFile(in, src); err != nil {
		return "", convertError(in, ReasonUnreadable, err, "无法读取文件（"+err.Error()+"）", "cannot read the file ("+err.Error()+")")
	}
	return src, nil
}

// runSoffice has LibreOffice convert src into work/out, with its profile in
// work/profile. It returns what LibreOffice said and how it exited, or an
// *Error when the conversion was canceled or timed out.
func runSoffice(ctx context.Context, in, soffice, work, src string, timeout time.Duration) (said string, runErr, err error) {
	profile := filepath.Join(work, "profile")
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	name, args := memoryCapped(soffice, []string{
		"-env:UserInstallation=" + fileURL(profile),
		"--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
		"--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", filepath.Join(work, "out"), src})
	cmd := exec.CommandContext(cctx, name, args...)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "HOME="+profile)
	var output tailBuffer
	cmd.Stdout, cmd.Stderr = &output, &output
	cmd.WaitDelay = 5 * time.Second
	killGroupOnCancel(cmd)
	runErr = cmd.Run()
	said = strings.TrimSpace(output.String())
	if cctx.Err() != nil {
		if ctx.Err() != nil {
			return said, runErr, convertError(in, ReasonCanceled, ctx.Err(), "转换已取消，LibreOffice 已被终止", "the conversion was canceled and LibreOffice stopped")
		}
		return said, runErr, convertError(in, ReasonTimeout, cctx.Err(),
			fmt.Sprintf("转换超时：LibreOffice 在 %s 内没有完成，已被终止。%s", timeout.Round(time.Millisecond), saveAsZh),
			fmt.Sprintf("the conversion timed out: LibreOffice did not finish within %s and was stopped; %s", timeout.Round(time.Millisecond), saveAsEn))
	}
	return said, runErr, nil
}

// checkResult says why LibreOffice's result is missing or not an .xlsx.
func checkResult(in, result string, runErr error, said string, start time.Time) error {
	if _, err := os.Stat(result); runErr != nil || err != nil {
		cause := runErr
		if cause == nil {
			cause = fmt.Errorf("soffice wrote no .xlsx after %s", time.Since(start).Round(time.Millisecond))
		}
		if said != "" {
			cause = fmt.Errorf("%w: %s", cause, said)
		}
		zh, en := "转换失败：LibreOffice 无法打开或转换此文件，文件可能已损坏、有打开密码，或不是表格。"+saveAsZh,
			"the conversion failed: LibreOffice could not open or convert the file; it may be damaged, have a password to open, or not be a spreadsheet; "+saveAsEn
		if info, _ := Sniff(in, DefaultLimits()); info.Encrypted || info.Kind == Encrypted {
			zh, en = "转换失败：文件有打开密码，无法转换。请在 Excel/WPS 中取消密码后另存为 .xlsx 再提交",
				"the conversion failed: the file has a password to open. Remove the password in Excel/WPS, save it as .xlsx and submit that"
		}
		return convertError(in, ReasonConvertFailed, cause, zh, en)
	}
	if info, err := Sniff(result, DefaultLimits()); err != nil || info.Kind != XLSX {
		if err == nil {
			err = fmt.Errorf("soffice wrote %s, not xlsx", info.Kind)
		}
		return convertError(in, ReasonConvertFailed, err, "转换失败：LibreOffice 生成的文件不是有效的 .xlsx。"+saveAsZh,
			"the conversion failed: LibreOffice did not write a valid .xlsx; "+saveAsEn)
	}
	return nil
}

var safeExt = regexp.MustCompile(`^\.[a-z0-9]{1,5}$`)

// fileURL is the file:// URL LibreOffice wants for a folder.
func fileURL(dir string) string {
	p := filepath.ToSlash(dir)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/… on Windows
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// copyFile copies src to a new file dst.
func copyFile(src, dst string) error {
	in, _, err := openRegular(src) // never waits on a pipe put there
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst) // ours: created above
	}
	return err
}

// placeResult copies the converted file into outDir as name.xlsx, or
// "name (2).xlsx" … when that exists: nothing is replaced.
func placeResult(result, outDir, name string) (string, error) {
	if name == "" || name == "." {
		name = "converted"
	}
	for i := 1; i <= 100; i++ {
		dst := filepath.Join(outDir, name+".xlsx")
		if i > 1 {
			dst = filepath.Join(outDir, fmt.Sprintf("%s (%d).xlsx", name, i))
		}
		err := copyFile(result, dst)
		if err == nil {
			return dst, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("%s 中已有 %s.xlsx 及 99 个编号副本", outDir, name)
}

// tailBuffer keeps the last 4 KB written to it (LibreOffice's messages).
type tailBuffer struct{ b bytes.Buffer }

func (t *tailBuffer) Write(p []byte) (int, error) {
	n := len(p)
	t.b.Write(p)
	if t.b.Len() > 4096 {
		rest := append([]byte(nil), t.b.Bytes()[t.b.Len()-4096:]...)
		t.b.Reset()
		t.b.Write(rest)
	}
	return n, nil
}

func (t *tailBuffer) String() string { return t.b.String() }
