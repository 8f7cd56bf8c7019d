package command

import (
	"fmt"

	"github.com/nianbao/nianbao/spec"
	"github.com/nianbao/nianbao/templates"
	"github.com/urfave/cli/v2"
	"gopkg.in/yaml.v3"
)

const specHelp = `列出规格中的每张表、每行每列（类型、单位、计算公式）和全部审核规则，
供教育局分析人员了解工具审核什么。--format json 或 yaml 输出机器可读的规格。
--list 列出内置规格（id、版本、标题），其 id 可用于各命令的 --spec。

Examples:
  nianbao spec
  nianbao spec --format yaml > 规格.yaml
  nianbao spec --spec 本局规格.yaml
  nianbao spec --list`

func specCommand() *cli.Command {
	return &cli.Command{
		Name:        "spec",
		Usage:       "列出报表规格：各表、各行各列和审核规则",
		UsageText:   "nianbao spec [--spec ID|FILE] [--format text|json|yaml]\nnianbao spec --list [--format text|json|yaml]",
		Description: specHelp,
		Flags: []cli.Flag{
			specFlag,
			&cli.BoolFlag{Name: "list", Usage: "列出内置规格"},
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
	if c.Bool("list") {
		if c.IsSet("spec") {
			return usagef("--list 与 --spec 不能同用")
		}
		return listSpecs(c, format)
	}
	prog, err := loadSpec(c)
	if err != nil {
		return err
	}
	w := c.App.Writer
	switch format {
	case "json":
		return writeJSON(w, prog.Spec)
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

// builtinSpec is one line of nianbao spec --list.
type builtinSpec struct {
	ID      string `json:"id" yaml:"id"`
	Version string `json:"version" yaml:"version"`
	Title   string `json:"title" yaml:"title"`
	Default bool   `json:"default" yaml:"default"`
}

// listSpecs lists the built-in specs.
func listSpecs(c *cli.Context, format string) error {
	var list []builtinSpec
	for _, id := range templates.IDs() {
		p, err := templates.Get(id, langOf(c))
		if err != nil {
			return err
		}
		list = append(list, builtinSpec{ID: id, Version: p.Spec.Version, Title: p.Spec.Title, Default: id == templates.DefaultID})
	}
	w := c.App.Writer
	switch format {
	case "json":
		return writeJSON(w, list)
	case "yaml":
		return yaml.NewEncoder(w).Encode(list)
	}
	for _, b := range list {
		mark := ""
		if b.Default {
			mark = "（默认）"
		}
		fmt.Fprintf(w, "%s\t%s\t%s%s\n", b.ID, b.Version, b.Title, mark)
	}
	return nil
}
