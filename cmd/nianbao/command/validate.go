package command

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/outfile"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/intake"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/validate"
	"github.com/urfave/cli/v2"
)

const validateHelp = `审核学校交回的工作簿：逐项运行规格中的全部审核规则（各项之和、比率、跨表一致、
类型与范围、被改写的计算单元格……），列出每个问题所在的工作表和单元格、填报值、应为多少、原因。
可给文件，也可给文件夹（含子文件夹中的 .xlsx/.xls/.et/.ods）；某个文件无法读取不影响其他文件。

级别：错误（必须修改）、警告（请核实；可在“情况说明”表中写明理由）、提示（供参考）。
--annotate DIR 为每个文件另存一份批注副本（原文件不动）：涉及的单元格标色并加批注，
另加“审核结果”表列出全部问题并链接到单元格，可直接退回学校修改。

退出码：0 没有错误；1 有错误（加 --strict 时有未说明的警告也算）；2 有文件无法读取或用法错误。

Examples:
  nianbao validate 某校.xlsx
  nianbao validate --annotate 退回 收到的文件/
  nianbao validate --format json 收到的文件/ > 审核结果.json`

func validateCommand() *cli.Command {
	return &cli.Command{
		Name:        "validate",
		Usage:       "审核工作簿，列出每个问题的位置和原因，可生成批注副本",
		UsageText:   "nianbao validate [--format text|json] [--annotate DIR] [--strict] FILE|DIR...",
		Description: validateHelp,
		Flags: []cli.Flag{
			specFlag,
			&cli.StringFlag{Name: "format", Value: "text", Usage: "输出格式：text 或 json"},
			&cli.StringFlag{Name: "annotate", Usage: "把批注副本写到文件夹 `DIR`"},
			&cli.BoolFlag{Name: "strict", Usage: "有未说明的警告时退出码也为 1"},
			&cli.StringFlag{Name: "password", Usage: "打开加密工作簿的密码"},
			&cli.BoolFlag{Name: "force", Usage: "批注副本已存在时覆盖"},
			langFlag,
		},
		Action: runValidate,
	}
}

// Status of a validated file.
const (
	statusPassed     = "passed"
	statusWarnings   = "warnings"
	statusErrors     = "errors"
	statusUnreadable = "unreadable"
)

type fileResult struct {
	File       string             `json:"file"`
	SchoolName string             `json:"school_name"`
	SchoolCode string             `json:"school_code"`
	Status     string             `json:"status"`
	Error      string             `json:"error,omitempty"`
	Annotated  string             `json:"annotated,omitempty"`
	Counts     validate.Counts    `json:"counts"`
	Findings   []validate.Finding `json:"findings"`
	read       *report.Report
}

func runValidate(c *cli.Context) error {
	if c.NArg() == 0 {
		return usagef("validate 需要至少一个文件或文件夹，如 nianbao validate 某校.xlsx")
	}
	format, lang := c.String("format"), c.String("lang")
	if format != "text" && format != "json" {
		return usagef("--format 只能是 text 或 json")
	}
	prog, files, err := specAndFiles(c)
	if err != nil {
		return err
	}
	annotate := c.String("annotate")
	var results []*fileResult
	for _, path := range files {
		res := &fileResult{File: path, Findings: []validate.Finding{}}
		r, err := reader.ReadFile(c.Context, prog, path, reader.FileOptions{Options: intake.Options{Password: c.String("password")}, ReadOptions: reader.ReadOptions{KeepData: annotate != ""}})
		if err != nil {
			res.Status, res.Error = statusUnreadable, localized(err, lang).Error()
			results = append(results, res)
			continue
		}
		res.read = r
		res.SchoolName = roleValue(prog, r, "school_name")
		res.SchoolCode = roleValue(prog, r, "school_code")
		res.Findings = validate.Check(prog, r, validate.Options{Lang: lang})
		res.Counts = validate.Count(res.Findings)
		res.Status = statusPassed
		switch {
		case res.Counts.Errors > 0:
			res.Status = statusErrors
		case res.Counts.Warnings > res.Counts.Explained:
			res.Status = statusWarnings
		}
		if annotate != "" {
			out, err := annotateFile(r, res.Findings, annotate, c.Bool("force"), lang)
			if err != nil {
				return err
			}
			res.Annotated = out
		}
		r.Data = nil
		results = append(results, res)
	}
	if format == "json" {
		err = validateJSON(c.App.Writer, results)
	} else {
		err = validateText(c.App.Writer, results, colorful(c.App.Writer), lang)
	}
	if err != nil {
		return err
	}
	return validateExit(results, c.Bool("strict"))
}

// roleValue is the value read for the record field with a role.
func roleValue(p *formula.Program, r *report.Report, role string) string {
	sh, f := p.Spec.Role(role)
	if f == nil {
		return ""
	}
	return r.Book.Get(sh.Key, report.Key{Field: f.Key}).String()
}

// validateExit is the exit status: 2 when a file could not be read, 1 when a
// file has errors (or, with --strict, unexplained warnings), else 0.
func validateExit(results []*fileResult, strict bool) error {
	worst := 0
	for _, r := range results {
		switch {
		case r.Status == statusUnreadable:
			worst = max(worst, 2)
		case r.Status == statusErrors, strict && r.Status == statusWarnings:
			worst = max(worst, 1)
		}
	}
	switch worst {
	case 2:
		return cli.Exit("", exitUsage)
	case 1:
		return cli.Exit("", exitFail)
	}
	return nil
}

// specAndFiles loads the spec and expands the command's files and folders.
func specAndFiles(c *cli.Context) (*formula.Program, []string, error) {
	prog, err := loadSpec(c)
	if err != nil {
		return nil, nil, err
	}
	files, err := collectFiles(c.Args().Slice())
	if err != nil {
		return nil, nil, usageError{err}
	}
	return prog, files, nil
}

// collectFiles expands folders (recursively) into the workbooks in them, in
// name order; a named file is taken whatever its extension.
func collectFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				out = append(out, a) // reported as unreadable, with the others
				continue
			}
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		root := a
		if real, err := filepath.EvalSymlinks(a); err == nil && real != a {
			root = real // a linked folder: walk where it points, name files by the link
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if d.IsDir() {
				if path != root && strings.HasPrefix(name, ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasPrefix(name, "~$") || strings.HasPrefix(name, ".") {
				return nil // Office lock files, hidden files
			}
			switch strings.ToLower(filepath.Ext(name)) {
			case ".xlsx", ".xlsm", ".xls", ".et", ".ods":
				if rel, err := filepath.Rel(root, path); err == nil {
					path = filepath.Join(a, rel)
				}
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("无法读取文件夹 %s: %w", a, err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("文件夹 %s 中没有工作簿（.xlsx/.xls/.et/.ods）", a)
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

func colorful(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && isatty.IsTerminal(f.Fd()) && os.Getenv("NO_COLOR") == ""
}

var severityColor = map[string]string{validate.Error: "\x1b[31m", validate.Warning: "\x1b[33m", validate.Info: "\x1b[36m"}

func statusText(status, lang string) string {
	if lang == "en" {
		return map[string]string{statusPassed: "passed", statusWarnings: "warnings", statusErrors: "errors", statusUnreadable: "unreadable"}[status]
	}
	return map[string]string{statusPassed: "通过", statusWarnings: "有警告", statusErrors: "有错误", statusUnreadable: "无法读取"}[status]
}

func countsText(n validate.Counts, lang string) string {
	if lang == "en" {
		return fmt.Sprintf("%d errors, %d warnings (%d explained), %d notes", n.Errors, n.Warnings, n.Explained, n.Infos)
	}
	return fmt.Sprintf("错误 %d，警告 %d（已说明 %d），提示 %d", n.Errors, n.Warnings, n.Explained, n.Infos)
}

func validateText(w io.Writer, results []*fileResult, color bool, lang string) error {
	var b strings.Builder
	paint := func(sev, s string) string {
		if !color {
			return s
		}
		return severityColor[sev] + s + "\x1b[0m"
	}
	for _, r := range results {
		if r.Status == statusUnreadable {
			fmt.Fprintf(&b, "== %s：%s\n  %s\n\n", r.File, statusText(r.Status, lang), r.Error)
			continue
		}
		fmt.Fprintf(&b, "== %s（%s %s）：%s，%s\n", r.File, r.SchoolName, r.SchoolCode, statusText(r.Status, lang), countsText(r.Counts, lang))
		sheet := "\x00"
		for _, f := range r.Findings {
			if f.Sheet != sheet {
				sheet = f.Sheet
				name := sheet
				if name == "" {
					name = map[bool]string{true: "(file)", false: "（文件）"}[lang == "en"]
				}
				fmt.Fprintf(&b, "%s\n", name)
			}
			fmt.Fprintf(&b, "  %-6s %s %s\n", f.Cell, paint(f.Severity, validate.SeverityLabel(f.Severity, lang)), f.Message)
			if len(f.Cells) > 1 {
				fmt.Fprintf(&b, "         %s %s\n", map[bool]string{true: "cells:", false: "涉及："}[lang == "en"], strings.Join(f.Cells, "  "))
			}
			if f.Explained {
				fmt.Fprintf(&b, "         %s %s\n", map[bool]string{true: "explained:", false: "已说明："}[lang == "en"], f.Explanation)
			}
		}
		if r.Annotated != "" {
			fmt.Fprintf(&b, "%s %s\n", map[bool]string{true: "annotated copy:", false: "批注副本："}[lang == "en"], r.Annotated)
		}
		b.WriteByte('\n')
	}
	if len(results) > 1 {
		b.WriteString(map[bool]string{true: "== summary\n", false: "== 汇总\n"}[lang == "en"])
		for _, r := range results {
			if r.Status == statusUnreadable {
				fmt.Fprintf(&b, "%s：%s\n", r.File, statusText(r.Status, lang))
				continue
			}
			fmt.Fprintf(&b, "%s：%s（%s）\n", r.File, statusText(r.Status, lang), countsText(r.Counts, lang))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// validateJSON writes the results: a stable schema documented in the README.
func validateJSON(w io.Writer, results []*fileResult) error {
	var total validate.Counts
	for _, r := range results {
		total.Errors += r.Counts.Errors
		total.Warnings += r.Counts.Warnings
		total.Explained += r.Counts.Explained
		total.Infos += r.Counts.Infos
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Files  []*fileResult   `json:"files"`
		Counts validate.Counts `json:"counts"`
	}{results, total})
}

// annotateFile writes the annotated copy of a workbook into dir as
// NAME_审核.xlsx and returns its path. The input is never written to.
func annotateFile(r *report.Report, findings []validate.Finding, dir string, force bool, lang string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("无法创建文件夹 %s: %w", dir, err)
	}
	marks := validate.Marks(findings, lang)
	base := strings.TrimSuffix(filepath.Base(r.File), filepath.Ext(r.File))
	out := filepath.Join(dir, base+"_审核.xlsx")
	err := outfile.Write(out, force, func(w io.Writer) error { return workbook.WriteAnnotated(r.Data, marks, w) })
	return out, err
}
