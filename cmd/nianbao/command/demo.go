package command

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/nianbao/nianbao/outfile"
	"github.com/nianbao/nianbao/spec"
	"github.com/nianbao/nianbao/templates"
	"github.com/urfave/cli/v2"
)

const demoHelp = `用内置数据演示：生成标准模板、三所示例学校的预填模板和审核规则说明，
放在一个文件夹里，并说明先打开哪个文件。

Examples:
  nianbao demo
  nianbao demo -o 演示`

func demoCommand() *cli.Command {
	return &cli.Command{
		Name:        "demo",
		Usage:       "用内置示例数据演示整个流程",
		UsageText:   "nianbao demo [-o DIR]",
		Description: demoHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "nianbao-demo", Usage: "输出文件夹 `DIR`"},
			&cli.BoolFlag{Name: "force", Usage: "文件已存在时覆盖"},
			langFlag,
		},
		Action: runDemo,
	}
}

func runDemo(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	dir, force := c.String("output"), c.Bool("force")
	prog, err := templates.Default(c.String("lang"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("无法创建文件夹 %s: %w", dir, err)
	}
	var quiet bytes.Buffer
	tpl := filepath.Join(dir, "年报模板.xlsx")
	if err := writeTemplate(prog, tpl, templateOptions(), force); err != nil {
		return err
	}
	list := filepath.Join(dir, "示例学校名单.csv")
	if err := outfile.Write(list, force, func(w io.Writer) error {
		_, err := w.Write(templates.SampleSchools())
		return err
	}); err != nil {
		return err
	}
	if err := schoolTemplates(&quiet, prog, list, filepath.Join(dir, "学校模板"), templateOptions(), force); err != nil {
		return err
	}
	rules := filepath.Join(dir, "审核规则.txt")
	if err := outfile.Write(rules, force, func(w io.Writer) error { return spec.Describe(w, prog.Spec) }); err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, `演示文件已生成在 %s：
  年报模板.xlsx      标准填报模板（%d 张数据表）——先打开这个：白色格填写，灰色格自动计算
  学校模板/          按 示例学校名单.csv 为每所学校预填的模板
  审核规则.txt       每张表的行、列和审核规则
`, dir, len(prog.Spec.Sheets))
	return nil
}
