package command

import (
	"encoding/json"

	"github.com/nianbao/nianbao/spec"
	"github.com/urfave/cli/v2"
	"gopkg.in/yaml.v3"
)

const specHelp = `列出规格中的每张表、每行每列（类型、单位、计算公式）和全部审核规则，
供教育局分析人员了解工具审核什么。--format json 或 yaml 输出机器可读的规格。

Examples:
  nianbao spec
  nianbao spec --format yaml > 规格.yaml
  nianbao spec --spec 本局规格.yaml`

func specCommand() *cli.Command {
	return &cli.Command{
		Name:        "spec",
		Usage:       "列出报表规格：各表、各行各列和审核规则",
		UsageText:   "nianbao spec [--spec FILE] [--format text|json|yaml]",
		Description: specHelp,
		Flags: []cli.Flag{
			specFlag,
			&cli.StringFlag{Name: "format", Value: "text", Usage: "输出格式：text、json 或 yaml"},
			langFlag,
		},
		Action: runSpec,
	}
}

func runSpec(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	format := c.String("format")
	if format != "text" && format != "json" && format != "yaml" {
		return usagef("--format 只能是 text、json 或 yaml")
	}
	prog, err := loadSpec(c)
	if err != nil {
		return err
	}
	w := c.App.Writer
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(prog.Spec)
	case "yaml":
		enc := yaml.NewEncoder(w)
		enc.SetIndent(2)
		if err := enc.Encode(prog.Spec); err != nil {
			return err
		}
		return enc.Close()
	}
	return spec.Describe(w, prog.Spec)
}
