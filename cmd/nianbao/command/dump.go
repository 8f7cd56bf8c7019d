package command

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/intake"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/urfave/cli/v2"
)

const dumpHelp = `显示读取器从工作簿中读到的内容：每个值所在的工作表和单元格、键、读到的值，
以及做过的规范化（文本数字、全角数字、千分位、单位、百分号、占位符等）、
被改写的计算单元格和无法读取的单元格。某个数看起来不对时用它查原因。
.xls、WPS .et、.ods 在装有 LibreOffice 时先转换为 .xlsx（原文件不动）。

Examples:
  nianbao dump 某校.xlsx
  nianbao dump --format json 某校.xlsx > 某校.json
  nianbao dump --password 123456 加密的.xlsx`

func dumpCommand() *cli.Command {
	return &cli.Command{
		Name:        "dump",
		Usage:       "显示从工作簿读到的每个值、所在单元格和规范化说明",
		UsageText:   "nianbao dump [--format text|json] [--password PW] FILE",
		Description: dumpHelp,
		Flags: []cli.Flag{
			specFlag,
			&cli.StringFlag{Name: "format", Value: "text", Usage: "输出格式：text 或 json"},
			&cli.StringFlag{Name: "password", Usage: "打开加密工作簿的密码"},
			langFlag,
		},
		Action: runDump,
	}
}

func runDump(c *cli.Context) error {
	if c.NArg() != 1 {
		return usagef("dump 需要且只需要一个文件，如 nianbao dump 某校.xlsx")
	}
	format := c.String("format")
	if format != "text" && format != "json" {
		return usagef("--format 只能是 text 或 json")
	}
	prog, err := loadSpec(c)
	if err != nil {
		return err
	}
	r, err := reader.ReadFile(c.Context, prog, c.Args().First(), reader.FileOptions{Options: intake.Options{Password: c.String("password")}})
	if err != nil {
		return localized(err, langOf(c))
	}
	if format == "json" {
		return dumpJSON(c.App.Writer, prog, r)
	}
	return dumpText(c.App.Writer, prog, r)
}

// localized gives an error's English text where it has one.
func localized(err error, lang string) error {
	if m := intake.LocalMessage(err, lang); m != err.Error() {
		return errors.New(m)
	}
	return err
}

func dumpText(w io.Writer, p *formula.Program, r *report.Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "文件 %s\n", r.File)
	if id := r.Identity; id.SpecID != "" {
		src := map[string]string{"properties": "文档属性", "sheet": "隐藏工作表"}[id.Source]
		fmt.Fprintf(&b, "模板 %s 版本 %s（标识来自%s）\n", id.SpecID, id.Version, src)
	} else {
		fmt.Fprintf(&b, "模板 未知（没有模板标识）\n")
	}
	for i, m := range r.Sheets {
		sh := &p.Spec.Sheets[i]
		switch m.How {
		case "":
			fmt.Fprintf(&b, "表 %s：缺少\n", sh.Name)
		case "name":
		default:
			fmt.Fprintf(&b, "表 %s：在工作表“%s”（按%s识别）\n", sh.Name, m.Name, map[string]string{"title": "标题", "labels": "行列标签", "version": "旧版本的表名或标题"}[m.How])
		}
	}
	for _, n := range r.Notes {
		if n.Cell == "" || n.Kind == reader.NoteNotCarried { // not carried: a cell of no value read
			where := ""
			if n.Sheet != "" {
				where = n.Sheet + "："
			}
			fmt.Fprintf(&b, "说明 %s%s\n", where, n.Msg)
		}
	}
	sheet := ""
	for _, e := range reader.Entries(r, p) {
		if e.Sheet != sheet {
			sheet = e.Sheet
			fmt.Fprintf(&b, "\n== %s\n", sheet)
		}
		v := e.Value.String()
		if e.Value.IsEmpty() {
			v = "（空）"
		}
		fmt.Fprintf(&b, "%-6s %-36s %s", e.Cell, e.Key, v)
		if e.Computed {
			b.WriteString("  [计算单元格的公式被改为数值]")
		}
		for _, n := range e.Notes {
			fmt.Fprintf(&b, "  [%s]", n)
		}
		b.WriteByte('\n')
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(&b, "\n== 无法读取（%d 处）\n", len(r.Problems))
		for _, pr := range r.Problems {
			where := pr.Sheet
			if pr.Cell != "" {
				where += "!" + pr.Cell
			}
			if where == "" {
				where = "文件"
			}
			found := ""
			if pr.Found != "" {
				found = fmt.Sprintf("“%s”：", pr.Found)
			}
			fmt.Fprintf(&b, "%s %s %s%s\n", where, pr.Key, found, pr.Msg)
		}
	}
	// every line holds what the file holds: nothing of it may act on the terminal
	_, err := io.WriteString(w, printableText(b.String()))
	return err
}

// dumpJSON writes the reader's view as JSON: a stable schema documented in
// the README.
func dumpJSON(w io.Writer, p *formula.Program, r *report.Report) error {
	type value struct {
		reader.Entry
		Kind  string `json:"kind"` // number, text, empty (a placeholder such as —)
		Value string `json:"value"`
	}
	type note struct {
		Sheet string `json:"sheet,omitempty"`
		Cell  string `json:"cell,omitempty"` // a value not carried from an earlier version
		Kind  string `json:"kind"`
		Msg   string `json:"message"`
	}
	type problem struct {
		Sheet string `json:"sheet,omitempty"`
		Cell  string `json:"cell,omitempty"`
		Key   string `json:"key,omitempty"`
		Found string `json:"found,omitempty"`
		Msg   string `json:"message"`
	}
	out := struct {
		File     string              `json:"file"`
		Identity report.Identity     `json:"identity"`
		Sheets   []report.SheetMatch `json:"sheets"`
		Notes    []note              `json:"notes"`
		Values   []value             `json:"values"`
		Problems []problem           `json:"problems"`
	}{File: r.File, Identity: r.Identity, Sheets: r.Sheets, Notes: []note{}, Values: []value{}, Problems: []problem{}}
	for _, n := range r.Notes {
		switch {
		case n.Cell == "":
			out.Notes = append(out.Notes, note{Sheet: n.Sheet, Kind: n.Kind, Msg: n.Msg})
		case n.Kind == reader.NoteNotCarried:
			out.Notes = append(out.Notes, note{Sheet: n.Sheet, Cell: n.Cell, Kind: n.Kind, Msg: n.Msg})
		}
	}
	for _, e := range reader.Entries(r, p) {
		kind := map[report.Kind]string{report.Empty: "empty", report.Number: "number", report.Text: "text"}[e.Value.Kind]
		out.Values = append(out.Values, value{e, kind, e.Value.String()})
	}
	for _, pr := range r.Problems {
		out.Problems = append(out.Problems, problem{pr.Sheet, pr.Cell, pr.Key.String(), pr.Found, pr.Msg})
	}
	return writeJSON(w, out)
}
