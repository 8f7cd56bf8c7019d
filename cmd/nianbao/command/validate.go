package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/nianbao/nianbao/formula"
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

退出码：0 没有错误；1 有错误（加 --strict 时有未说明的警告也算）；2 有文件无法读取、
批注副本未能写出、--annotate 的文件夹无法写入或用法错误。

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
			&cli.StringFlag{Name: "db", Usage: "数据库 `PATH|URL`：把各校的“上学年”与其上一学年报送的“本学年”核对（跨学年核对）"},
			langFlag,
		},
		Action: runValidate,
	}
}

// fileResult is one file in validate's output (its JSON is a stable schema
// documented in the README).
type fileResult struct {
	File       string `json:"file"`
	SchoolName string `json:"school_name"`
	SchoolCode string `json:"school_code"`
	Status     string `json:"status"`
	Error      string `json:"error,omitempty"`
	Annotated  string `json:"annotated,omitempty"`
	// AnnotateError says why the annotated copy could not be written.
	AnnotateError string             `json:"annotate_error,omitempty"`
	Counts        validate.Counts    `json:"counts"`
	Findings      []validate.Finding `json:"findings"`
}

func runValidate(c *cli.Context) error {
	if c.NArg() == 0 {
		return usagef("validate 需要至少一个文件或文件夹，如 nianbao validate 某校.xlsx")
	}
	format, lang := c.String("format"), langOf(c)
	if format != "text" && format != "json" {
		return usagef("--format 只能是 text 或 json")
	}
	if err := checkAnnotateDir(c); err != nil { // before anything is read
		return usageError{err}
	}
	prog, files, skipped, err := specAndFiles(c)
	if err != nil {
		return err
	}
	pipe := filePipeline(c, prog)
	pipe.NameCopies(files)
	st, err := openStore(c)
	if err != nil {
		return err
	}
	if st != nil {
		defer st.Close()
		pipe.Prior = storeLookup(st, prog)
	}
	var results []*fileResult
	for _, path := range files {
		if err := c.Context.Err(); err != nil {
			return err
		}
		// a copy that cannot be written is this file's failure, not the run's
		res, annErr := pipe.File(c.Context, path)
		out := &fileResult{File: res.File, Status: res.Status, Error: res.Error, Annotated: res.Annotated, Counts: res.Counts, Findings: res.Findings}
		if annErr != nil {
			out.AnnotateError = annErr.Error()
			fmt.Fprintln(c.App.ErrWriter, "nianbao:", printableText(out.AnnotateError))
		}
		if out.Findings == nil {
			out.Findings = []validate.Finding{}
		}
		if res.Report != nil {
			out.SchoolName = roleValue(prog, res.Report, "school_name")
			out.SchoolCode = roleValue(prog, res.Report, "school_code")
		}
		results = append(results, out)
	}
	if format == "json" {
		err = validateJSON(c.App.Writer, results, skipped)
	} else {
		skippedText(c.App.Writer, skipped, lang)
		err = validateText(c.App.Writer, results, colorful(c.App.Writer), lang)
	}
	if err != nil {
		return err
	}
	return validateExit(results, c.Bool("strict"))
}

// filePipeline is the per-file step of validate and consolidate, wired to
// the workbook reader and the annotated-copy writer by the command's flags
// (--spec, --password, --lang, --annotate, --force).
func filePipeline(c *cli.Context, prog *formula.Program) *validate.Pipeline {
	rd, lang := reader.New(prog), langOf(c)
	opt := reader.FileOptions{Options: intake.Options{Password: c.String("password")}}
	return &validate.Pipeline{
		Program: prog,
		Lang:    lang,
		Read: func(ctx context.Context, path string) (*report.Report, []byte, error) {
			r, data, err := rd.ReadFile(ctx, path, opt)
			if err != nil {
				return nil, nil, errors.New(intake.LocalMessage(err, lang))
			}
			return r, data, nil
		},
		AnnotateDir: c.String("annotate"),
		Annotate:    workbook.WriteAnnotated,
		Force:       c.Bool("force"),
		Release:     intake.Release,
	}
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
		case r.Status == validate.StatusUnreadable, r.AnnotateError != "":
			worst = max(worst, 2)
		case r.Status == validate.StatusErrors, strict && r.Status == validate.StatusWarnings:
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

// specAndFiles loads the spec and expands the command's files and folders;
// what the run writes (--annotate, and the given outputs) is not read, nor
// any of our own outputs a folder holds: those are returned as skipped.
func specAndFiles(c *cli.Context, outputs ...intake.Exclude) (*formula.Program, []string, []intake.Skipped, error) {
	prog, err := loadSpec(c)
	if err != nil {
		return nil, nil, nil, err
	}
	if dir := c.String("annotate"); dir != "" {
		outputs = append(outputs, intake.Exclude{Path: dir, Reason: "在本次运行的批注副本文件夹（--annotate）中，不作为学校的报表读取", En: "in this run's folder of annotated copies (--annotate), not read as a school's report"})
	}
	files, skipped, err := intake.Workbooks(c.Args().Slice(), outputs...)
	if err != nil {
		return nil, nil, nil, usageError{err}
	}
	if len(files) == 0 {
		en := langOf(c) == "en"
		var b strings.Builder
		for i, s := range skipped {
			switch {
			case i == 5 && en:
				fmt.Fprintf(&b, "\n  … (%d in all)", len(skipped))
			case i == 5:
				fmt.Fprintf(&b, "\n  ……（共 %d 个）", len(skipped))
			default:
				b.WriteString("\n  " + skippedLine(s, langOf(c)))
			}
			if i == 5 {
				break
			}
		}
		if en {
			return nil, nil, nil, fmt.Errorf("no workbook to read: the files and folders given hold no school's report%s", b.String())
		}
		return nil, nil, nil, fmt.Errorf("没有可读取的工作簿：给出的文件和文件夹中没有学校的报表%s", b.String())
	}
	return prog, files, skipped, nil
}

// skippedText lists the files a run did not read, and why.
func skippedText(w io.Writer, skipped []intake.Skipped, lang string) {
	for _, s := range skipped {
		fmt.Fprintln(w, skippedLine(s, lang))
	}
}

// skippedLine is one file a run did not read, and why.
func skippedLine(s intake.Skipped, lang string) string {
	if lang == "en" {
		return fmt.Sprintf("skipped %s: %s", printable(s.File), s.Message(lang))
	}
	return fmt.Sprintf("跳过 %s：%s", printable(s.File), s.Message(lang))
}

func colorful(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && isatty.IsTerminal(f.Fd()) && os.Getenv("NO_COLOR") == "" && enableColor(f.Fd())
}

var severityColor = map[string]string{validate.Error: "\x1b[31m", validate.Warning: "\x1b[33m", validate.Info: "\x1b[36m"}

func countsText(n validate.Counts, lang string) string {
	if lang == "en" {
		return fmt.Sprintf("%s, %s (%d explained), %s", plural(n.Errors, "error"), plural(n.Warnings, "warning"), n.Explained, plural(n.Infos, "note"))
	}
	return fmt.Sprintf("错误 %d，警告 %d（已说明 %d），提示 %d", n.Errors, n.Warnings, n.Explained, n.Infos)
}

// plural is "1 error", "2 errors".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// punct is the punctuation of text output: full-width in Chinese.
type punct struct{ colon, open, close, comma string }

func punctFor(lang string) punct {
	if lang == "en" {
		return punct{": ", " (", ")", ", "}
	}
	return punct{"：", "（", "）", "，"}
}

// validateText writes the results for people. Everything that comes from a
// file (its name, the school's, cells, messages quoting them) goes through
// printable, so that only our own colour codes reach the terminal.
func validateText(w io.Writer, results []*fileResult, color bool, lang string) error {
	var b strings.Builder
	pr := printable
	p := punctFor(lang)
	paint := func(sev, s string) string {
		if !color {
			return s
		}
		return severityColor[sev] + s + "\x1b[0m"
	}
	for _, r := range results {
		if r.Status == validate.StatusUnreadable {
			fmt.Fprintf(&b, "== %s%s%s\n  %s\n\n", pr(r.File), p.colon, validate.StatusText(r.Status, lang), pr(r.Error))
			continue
		}
		fmt.Fprintf(&b, "== %s%s%s %s%s%s%s%s%s\n", pr(r.File), p.open, pr(r.SchoolName), pr(r.SchoolCode), p.close, p.colon, validate.StatusText(r.Status, lang), p.comma, countsText(r.Counts, lang))
		sheet := "\x00"
		for _, f := range r.Findings {
			if f.Sheet != sheet {
				sheet = f.Sheet
				name := sheet
				if name == "" {
					name = map[bool]string{true: "(file)", false: "（文件）"}[lang == "en"]
				}
				fmt.Fprintf(&b, "%s\n", pr(name))
			}
			fmt.Fprintf(&b, "  %-6s %s %s\n", pr(f.Cell), paint(f.Severity, validate.SeverityLabel(f.Severity, lang)), pr(f.Message))
			if len(f.Cells) > 1 {
				fmt.Fprintf(&b, "         %s %s\n", map[bool]string{true: "cells:", false: "涉及："}[lang == "en"], pr(strings.Join(f.Cells, "  ")))
			}
			if f.Explained {
				fmt.Fprintf(&b, "         %s %s\n", map[bool]string{true: "explained:", false: "已说明："}[lang == "en"], pr(f.Explanation))
			}
		}
		if r.Annotated != "" {
			fmt.Fprintf(&b, "%s %s\n", map[bool]string{true: "annotated copy:", false: "批注副本："}[lang == "en"], pr(r.Annotated))
		}
		if r.AnnotateError != "" {
			fmt.Fprintf(&b, "%s\n", pr(r.AnnotateError))
		}
		b.WriteByte('\n')
	}
	if len(results) > 1 {
		b.WriteString(map[bool]string{true: "== summary\n", false: "== 汇总\n"}[lang == "en"])
		for _, r := range results {
			if r.Status == validate.StatusUnreadable {
				fmt.Fprintf(&b, "%s%s%s\n", pr(r.File), p.colon, validate.StatusText(r.Status, lang))
				continue
			}
			fmt.Fprintf(&b, "%s%s%s%s%s%s\n", pr(r.File), p.colon, validate.StatusText(r.Status, lang), p.open, countsText(r.Counts, lang), p.close)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// validateJSON writes the results: a stable schema documented in the README.
func validateJSON(w io.Writer, results []*fileResult, skipped []intake.Skipped) error {
	var total validate.Counts
	for _, r := range results {
		total.Errors += r.Counts.Errors
		total.Warnings += r.Counts.Warnings
		total.Explained += r.Counts.Explained
		total.Infos += r.Counts.Infos
	}
	return writeJSON(w, struct {
		Files   []*fileResult    `json:"files"`
		Counts  validate.Counts  `json:"counts"`
		Skipped []intake.Skipped `json:"skipped,omitempty"` // our own outputs in a folder, and why
	}{results, total, skipped})
}
