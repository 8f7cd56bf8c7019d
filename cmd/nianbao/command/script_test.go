package command

import (
	"archive/zip"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var updateScripts = flag.Bool("update", false, "rewrite the cmp files of testdata/script")

func TestMain(m *testing.M) {
	os.Exit(testscript.RunMain(m, map[string]func() int{
		"nianbao": func() int { return Main(os.Args, os.Stdout, os.Stderr) },
	}))
}

// TestScripts runs the end-to-end cases of testdata/script: commands, their
// output, exit status and the files they write.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *updateScripts,
		Setup: func(env *testscript.Env) error {
			// OLDSPEC: the built-in spec at version 2024.1, from which it
			// declares its changes (for nianbao migrate)
			old, err := filepath.Abs("../../../templates/testdata/versions/zhongzhi_2024.1.yaml")
			env.Setenv("OLDSPEC", old)
			return err
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"cell":    cmdCell,
			"togbk":   cmdToGBK,
			"fill":    cmdFill,
			"encrypt": cmdEncrypt,
			"zipdir":  cmdZipDir,
			"sheet":   cmdSheet,
		},
	})
}

// cell FILE SHEET CELL: prints the cell's raw value, and "locked" or
// "unlocked" as its style says.
func cmdCell(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: cell FILE SHEET CELL")
	}
	f, err := excelize.OpenFile(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	v, err := f.GetCellValue(args[1], args[2], excelize.Options{RawCellValue: true})
	ts.Check(err)
	id, err := f.GetCellStyle(args[1], args[2])
	ts.Check(err)
	st, err := f.GetStyle(id)
	ts.Check(err)
	lock := "locked"
	if st.Protection != nil && !st.Protection.Locked {
		lock = "unlocked"
	}
	ts.Logf("%s", v)
	_, err = ts.Stdout().Write([]byte(v + " " + lock + "\n"))
	ts.Check(err)
}

// fill FILE CELLS: sets cells of a workbook as a person types them. Each
// line of CELLS is `Sheet!A1 = value`: a quoted value is stored as text, a
// bare number as a number, =… as a formula, pct:0.9635 as a number shown as a
// percentage.
func cmdFill(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: fill FILE CELLS")
	}
	f, err := excelize.OpenFile(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	lines, err := os.ReadFile(ts.MkAbs(args[1]))
	ts.Check(err)
	for _, line := range strings.Split(string(lines), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ref, val, ok := strings.Cut(line, " = ")
		sheet, cell, ok2 := strings.Cut(strings.TrimSpace(ref), "!")
		if !ok || !ok2 {
			ts.Fatalf("fill: bad line %q", line)
		}
		switch {
		case strings.HasPrefix(val, `"`):
			uq, err := strconv.Unquote(val)
			ts.Check(err)
			ts.Check(f.SetCellStr(sheet, cell, uq))
		case strings.HasPrefix(val, "="):
			ts.Check(f.SetCellFormula(sheet, cell, val[1:]))
		case strings.HasPrefix(val, "pct:"):
			n, err := strconv.ParseFloat(val[4:], 64)
			ts.Check(err)
			ts.Check(f.SetCellFloat(sheet, cell, n, -1, 64))
			st, err := f.NewStyle(&excelize.Style{NumFmt: 10})
			ts.Check(err)
			ts.Check(f.SetCellStyle(sheet, cell, cell, st))
		default:
			n, err := strconv.ParseFloat(val, 64)
			ts.Check(err)
			ts.Check(f.SetCellFloat(sheet, cell, n, -1, 64))
		}
	}
	ts.Check(f.Save())
}

// encrypt SRC DST PASSWORD: saves a copy encrypted with a password, as Excel
// does with 用密码进行加密.
func cmdEncrypt(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: encrypt SRC DST PASSWORD")
	}
	f, err := excelize.OpenFile(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	ts.Check(f.SaveAs(ts.MkAbs(args[1]), excelize.Options{Password: args[2]}))
}

// togbk SRC DST: re-encodes a UTF-8 file as GBK, as Excel in China saves CSV.
func cmdToGBK(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: togbk SRC DST")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	out, err := simplifiedchinese.GBK.NewEncoder().Bytes(data)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), out, 0o644))
}

// TestHelpHasExamples checks every command's help ends with an Examples block
// whose lines call that command.
func TestHelpHasExamples(t *testing.T) {
	app := newApp(nil, nil)
	for _, c := range app.Commands {
		head, examples, ok := strings.Cut(c.Description, "\nExamples:\n")
		if !ok || strings.TrimSpace(head) == "" {
			t.Errorf("%s: help has no text and Examples: block", c.Name)
			continue
		}
		lines := strings.Split(examples, "\n")
		if len(lines) == 0 {
			t.Errorf("%s: no examples", c.Name)
		}
		for _, l := range lines {
			if !strings.HasPrefix(l, "  nianbao "+c.Name) {
				t.Errorf("%s: example %q does not call nianbao %s", c.Name, l, c.Name)
			}
		}
	}
}

// zipdir [-gbk] ARCHIVE DIR: packs the files under DIR into a zip archive,
// named DIR/…, as e-mail attachments arrive; with -gbk the names are
// written in GBK without the UTF-8 flag, as Chinese Windows archivers do.
func cmdZipDir(ts *testscript.TestScript, neg bool, args []string) {
	gbk := len(args) > 0 && args[0] == "-gbk"
	if gbk {
		args = args[1:]
	}
	if len(args) != 2 {
		ts.Fatalf("usage: zipdir [-gbk] ARCHIVE DIR")
	}
	out, err := os.Create(ts.MkAbs(args[0]))
	ts.Check(err)
	zw := zip.NewWriter(out)
	root := ts.MkAbs(args[1])
	ts.Check(filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(filepath.Dir(root), p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		if gbk {
			enc, err := simplifiedchinese.GBK.NewEncoder().String(name)
			if err != nil {
				return err
			}
			h.Name, h.NonUTF8 = enc, true
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}))
	ts.Check(zw.Close())
	ts.Check(out.Close())
}

// sheet FILE SHEET: prints every row of a sheet as tab-separated values.
func cmdSheet(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: sheet FILE SHEET")
	}
	f, err := excelize.OpenFile(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	rows, err := f.GetRows(args[1], excelize.Options{RawCellValue: true})
	ts.Check(err)
	for _, r := range rows {
		_, err = ts.Stdout().Write([]byte(strings.Join(r, "\t") + "\n"))
		ts.Check(err)
	}
}
