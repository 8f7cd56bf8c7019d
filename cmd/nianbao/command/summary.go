package command

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/nianbao/nianbao/consolidate/summary"
	"github.com/nianbao/nianbao/sheets/intake"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/urfave/cli/v2"
)

const summaryHelp = `打印汇总工作簿“报告摘要”中的句子（由 nianbao consolidate 按规格中的 sentences 生成），
每句后附所引用的“汇总”单元格，供撰写区域质量年度报告时直接引用。
--format json 输出句子、所属部分、引用的单元格和未能生成的原因。

Examples:
  nianbao summary 汇总.xlsx
  nianbao summary --format json 汇总.xlsx`

func summaryCommand() *cli.Command {
	return &cli.Command{
		Name:        "summary",
		Usage:       "打印汇总工作簿中的报告摘要句子",
		UsageText:   "nianbao summary [--format text|json] 汇总.xlsx",
		Description: summaryHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "输出格式：text 或 json"},
			langFlag,
		},
		Action: runSummary,
	}
}

func runSummary(c *cli.Context) error {
	format := c.String("format")
	if format != "text" && format != "json" {
		return usagef("--format 只能是 text 或 json")
	}
	if c.NArg() != 1 {
		return usagef("请给出一个汇总工作簿，如 nianbao summary 汇总.xlsx")
	}
	path := c.Args().First()
	sentences, err := readDigest(c.Context, path)
	if err != nil {
		return localized(err, langOf(c))
	}
	w := c.App.Writer
	if format == "json" {
		return writeJSON(w, struct {
			File      string             `json:"file"`
			Sentences []summary.Sentence `json:"sentences"`
		}{path, sentences})
	}
	missing, cites := "（未能生成：%s）", "    数据来源：%s\n"
	if langOf(c) == "en" { // the sentences themselves are the spec's, in Chinese
		missing, cites = " (not written: %s)", "    from cells: %s\n"
	}
	for _, s := range sentences {
		if s.Text == "" {
			fmt.Fprintf(w, "【%s】"+missing+"\n", printable(s.Heading), printable(s.Missing))
			continue
		}
		fmt.Fprintf(w, "【%s】%s\n", printable(s.Heading), printable(s.Text))
		if len(s.Cites) > 0 {
			fmt.Fprintf(w, cites, printable(strings.Join(s.Cites, " ")))
		}
	}
	return nil
}

// readDigest reads the 报告摘要 sheet of a consolidated workbook.
func readDigest(ctx context.Context, path string) ([]summary.Sentence, error) {
	data, _, err := intake.Load(ctx, path, intake.Options{NoConvert: true})
	if err != nil {
		return nil, err
	}
	book, err := xlsx.Open(bytes.NewReader(data), int64(len(data)), xlsx.DefaultLimits())
	if err != nil {
		return nil, fmt.Errorf("%s：%w", path, err)
	}
	i := book.SheetIndex(summary.SheetName)
	if i < 0 {
		return nil, fmt.Errorf("%s：没有“%s”工作表，不是 nianbao consolidate 生成的汇总工作簿（或规格中没有 sentences）", path, summary.SheetName)
	}
	rows, err := book.Rows(i)
	if err != nil {
		return nil, fmt.Errorf("%s：%w", path, err)
	}
	s, err := summary.Parse(rows)
	if err != nil {
		return nil, fmt.Errorf("%s：%w", path, err)
	}
	return s, nil
}
