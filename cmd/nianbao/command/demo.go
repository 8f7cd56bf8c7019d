package command

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/nianbao/nianbao/consolidate"
	"github.com/nianbao/nianbao/outfile"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/spec"
	"github.com/nianbao/nianbao/templates"
	"github.com/urfave/cli/v2"
)

const demoHelp = `用内置数据演示整个流程：生成标准模板、预填模板和审核规则说明；
生成 8 所虚构学校已填好的工作簿（其中几所带有常见错误），逐一审核并写出批注副本，
再汇总为教育局的一份工作簿；最后说明生成了什么、先打开哪个文件。

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
	// the demo runs on the report the sample generator knows, with its demo school list
	prog, err := templates.Get(sample.SpecID, langOf(c))
	if err != nil {
		return err
	}
	schoolList, err := templates.Schools(sample.SpecID)
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
	if err := outfile.WriteText(list, force, func(w io.Writer) error { // BOM and CRLF: the list a bureau copies in Excel
		_, err := w.Write(schoolList)
		return err
	}); err != nil {
		return err
	}
	if err := schoolTemplates(&quiet, prog, list, filepath.Join(dir, "学校模板"), templateOptions(), force, nil); err != nil {
		return err
	}
	rules := filepath.Join(dir, "审核规则.txt")
	if err := outfile.WriteText(rules, force, func(w io.Writer) error { return spec.Describe(w, prog.Spec) }); err != nil {
		return err
	}
	samples, returned := filepath.Join(dir, "样例学校"), filepath.Join(dir, "退回")
	m, err := sample.Run(c.Context, prog, sample.Options{N: 8, Seed: 1, Dir: samples, Inject: 8, ViaLibreOffice: 0, Force: force})
	if err != nil {
		return err
	}
	var names []string
	for _, f := range m.Files {
		names = append(names, filepath.Join(samples, f.File))
	}
	region := filepath.Join(dir, "汇总.xlsx")
	sink, err := consolidate.NewWorkbook(region, prog.Spec.Title+" · 汇总", force)
	if err != nil {
		return err
	}
	pipe := filePipeline(c, prog)
	pipe.AnnotateDir, pipe.Force = returned, force
	sum, err := consolidate.Run(c.Context, prog, names, consolidate.Options{Pipeline: pipe, Roots: []string{samples}}, sink)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, `演示文件已生成在 %s：
  汇总.xlsx          8 所样例学校的汇总——先打开这个：“汇总”是全区合计，“提交情况”是各校审核结果
                     （通过 %d 所，有警告 %d 所，有错误 %d 所），“审核结果”列出每个问题所在的单元格，
                     “报告摘要”和“图表”可直接用于撰写区域年度报告
  退回/              每所学校的批注副本：有问题的单元格标色并加批注，首页“审核结果”可直接退回学校
  样例学校/          8 所虚构学校已填好的工作簿（manifest.csv 列出故意加入的 %d 处错误）
  年报模板.xlsx      标准填报模板（%d 张数据表）：白色格填写，灰色格自动计算，“自查”表即时显示审核结果
  学校模板/          按 示例学校名单.csv 为每所学校预填的模板
  审核规则.txt       每张表的行、列和审核规则
再试：nianbao validate %s
      nianbao summary %s
`, dir, sum.Passed, sum.Warnings, sum.Errors, m.Mistakes(), len(prog.Spec.Sheets), samples, filepath.Join(dir, "汇总.xlsx"))
	return nil
}
