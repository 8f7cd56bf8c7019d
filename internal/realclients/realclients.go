// Package realclients runs the real programs our workbooks and pages meet —
// LibreOffice (as an office suite that opens, recalculates and saves them),
// openpyxl (as an independent reader) and Chromium (as a browser) — for tests. A test that needs one skips with a
// clear message when it is missing, and fails instead when NIANBAO_REAL_CLIENTS=1
// (CI installs them and sets it).
package realclients

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Required reports whether real-client tests must run rather than skip.
func Required() bool { return os.Getenv("NIANBAO_REAL_CLIENTS") == "1" }

func missing(t testing.TB, what string) {
	t.Helper()
	if Required() {
		t.Fatalf("NIANBAO_REAL_CLIENTS=1 but %s is missing", what)
	}
	t.Skipf("skipped: %s is not installed (apt-get install -y libreoffice-calc python3-openpyxl, or run .ci/run)", what)
}

// Python returns a python3 that can import openpyxl.
func Python(t testing.TB) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(py)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import openpyxl").Run() == nil {
			return path
		}
	}
	missing(t, "python3 with openpyxl")
	return ""
}

// PythonUno returns a python3 that can drive LibreOffice through UNO (to type
// into cells as a person does).
func PythonUno(t testing.TB) string {
	t.Helper()
	Soffice(t)
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		path, err := exec.LookPath(py)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import uno, openpyxl").Run() == nil {
			return path
		}
	}
	missing(t, "python3-uno (LibreOffice's Python bridge) with openpyxl")
	return ""
}

// RunPython runs a python script with arguments and returns its standard output.
func RunPython(t testing.TB, script string, args ...string) []byte {
	t.Helper()
	py := Python(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, append([]string{script}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python %s %v: %v\n%s", filepath.Base(script), args, err, stderr.String())
	}
	return out
}

// Soffice returns the LibreOffice binary.
func Soffice(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"soffice", "libreoffice"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	missing(t, "LibreOffice (soffice)")
	return ""
}

// Convert opens in with LibreOffice headless, recalculates it and saves it as
// xlsx into outDir, with a profile of its own; it returns the new file's path.
func Convert(t testing.TB, in, outDir string) string {
	t.Helper()
	return ConvertTo(t, in, outDir, "xlsx:Calc MS Excel 2007 XML", "xlsx")
}

// ConvertTo saves in with LibreOffice in another format (filter as for
// --convert-to, e.g. "xls:MS Excel 97", and the extension it writes).
func ConvertTo(t testing.TB, in, outDir, filter, ext string) string {
	t.Helper()
	soffice := Soffice(t)
	profile := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+profile,
		"--headless", "--norestore", "--convert-to", filter, "--outdir", outDir, in)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice --convert-to %s: %v\n%s", in, err, out)
	}
	path := filepath.Join(outDir, strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))+"."+ext)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("soffice wrote no %s (it said: %s)", path, out)
	}
	return path
}

// ConvertAll opens every file of ins with one LibreOffice headless run,
// recalculates them and saves them as xlsx into outDir; it returns the new
// files' paths in the order of ins.
func ConvertAll(t testing.TB, ins []string, outDir string) []string {
	t.Helper()
	soffice := Soffice(t)
	profile := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	args := []string{"-env:UserInstallation=file://" + profile, "--headless", "--norestore",
		"--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", outDir}
	cmd := exec.CommandContext(ctx, soffice, append(args, ins...)...)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice --convert-to: %v\n%s", err, out)
	}
	paths := make([]string, len(ins))
	for i, in := range ins {
		paths[i] = filepath.Join(outDir, strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))+".xlsx")
		if _, err := os.Stat(paths[i]); err != nil {
			t.Fatalf("soffice wrote no %s (it said: %s)", paths[i], out)
		}
	}
	return paths
}

// Chromium returns Debian's headless-capable chromium (or chromium-browser,
// google-chrome), for browser tests.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missing(t, "chromium (apt-get install -y chromium)")
	return ""
}
