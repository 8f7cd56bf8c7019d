package command

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nianbao/nianbao/migrate"
	"github.com/nianbao/nianbao/outfile"
	"github.com/nianbao/nianbao/sheets/intake"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/urfave/cli/v2"
)

const migrateHelp = `把按旧版本模板填写的工作簿转为当前版本的模板：按规格中声明的版本变更
（changes：改名的表、行和列，拆分的行，删去的行）读取旧工作簿，把每个值写入
当前模板的对应位置，并列出每个换了位置的值（旧位置 → 新位置）和每个未转入的值
（现版删去的行、无法读取的单元格、计算单元格中填写的数值）。原文件不会被改动；
输出文件已存在时不覆盖，除非加 --force。.xls、WPS .et、.ods 在装有 LibreOffice
时先转换为 .xlsx。

退出状态：0 全部转入；1 有值未转入（新工作簿照样写出，未转入的值逐一列出），
或无法转换（文件无法读取、是其他报告的模板、输出文件已存在等，不写任何文件）；
2 用法错误。

Examples:
  nianbao migrate 去年的年报.xlsx -o 今年模板的年报.xlsx
  nianbao migrate --spec 本局规格.yaml 去年.xls -o 新.xlsx
  nianbao migrate --lang en 去年.xlsx -o 新.xlsx --force`

func migrateCommand() *cli.Command {
	return &cli.Command{
		Name:        "migrate",
		Usage:       "把旧版本模板填写的工作簿转为当前版本的模板",
		UsageText:   "nianbao migrate OLD.xlsx -o NEW.xlsx [--spec ID|FILE] [--password PW] [--force]",
		Description: migrateHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "输出文件 `FILE`（.xlsx）：当前版本的模板，填入旧工作簿的值"},
			specFlag,
			&cli.StringFlag{Name: "password", Usage: "打开加密工作簿的密码"},
			&cli.BoolFlag{Name: "force", Usage: "输出文件已存在时覆盖"},
			langFlag,
		},
		Action: runMigrate,
	}
}

func runMigrate(c *cli.Context) error {
	if c.NArg() != 1 {
		return usagef("migrate 需要且只需要一个文件，如 nianbao migrate 去年.xlsx -o 新.xlsx")
	}
	in, out := c.Args().First(), c.String("output")
	switch {
	case strings.TrimSpace(out) == "":
		return usagef("请用 -o 指定输出文件，如 nianbao migrate 去年.xlsx -o 新.xlsx")
	case !strings.EqualFold(filepath.Ext(out), ".xlsx"):
		return usagef("输出文件 %s 应以 .xlsx 结尾", out)
	case sameFile(in, out):
		return usagef("输出文件不能是输入文件 %s：原文件不会被改动，请另给一个文件名", in)
	}
	lang := langOf(c)
	prog, err := loadSpec(c)
	if err != nil {
		return err
	}
	if err := outfile.CheckFile(out); err != nil {
		return fmt.Errorf("-o：%w", err)
	}
	if _, err := os.Stat(out); err == nil && !c.Bool("force") {
		return fmt.Errorf("%s: %w（如需覆盖请加 --force）", out, outfile.ErrExists)
	}
	r, err := reader.ReadFile(c.Context, prog, in, reader.FileOptions{Options: intake.Options{Password: c.String("password")}})
	if err != nil {
		return localized(err, lang)
	}
	res := migrate.Plan(prog, r)
	opt := templateOptions()
	if err := outfile.Write(out, c.Bool("force"), func(w io.Writer) error { return res.Write(prog, w, opt) }); err != nil {
		return err
	}
	printMigration(c.App.Writer, in, out, res, lang)
	if len(res.NotCarried) > 0 {
		fmt.Fprintf(c.App.ErrWriter, msgIn(lang, "nianbao: %s 中有 %d 个值未转入 %s（见上）\n", "nianbao: %[1]s has %[2]d values not carried into %[3]s (listed above)\n"), printableText(in), len(res.NotCarried), printableText(out))
		return cli.Exit("", exitFail)
	}
	return nil
}

// sameFile reports whether two paths name one file (or would: the same
// path once cleaned).
func sameFile(a, b string) bool {
	ai, errA := os.Stat(a)
	bi, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(ai, bi)
	}
	pa, _ := filepath.Abs(a)
	pb, _ := filepath.Abs(b)
	return pa == pb
}

func msgIn(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

// printMigration tells what was written, every value moved and every value
// not carried.
func printMigration(w io.Writer, in, out string, res *migrate.Result, lang string) {
	var b strings.Builder
	from := res.From
	if from == "" {
		from = msgIn(lang, "未知", "unknown")
	}
	fmt.Fprintf(&b, msgIn(lang, "已将 %s（模板版本 %s）转为版本 %s 的模板：%s\n", "%s (template version %s) written as a workbook of version %s: %s\n"), in, from, res.To, out)
	if len(res.Moved) == 0 && len(res.NotCarried) == 0 {
		b.WriteString(msgIn(lang, "每个值都在原来的位置，全部转入。\n", "every value is where it was; all carried.\n"))
	}
	if len(res.Moved) > 0 {
		fmt.Fprintf(&b, msgIn(lang, "\n换了位置的值（%d 个）：\n", "\nvalues moved (%d):\n"), len(res.Moved))
		for _, it := range res.Moved {
			fmt.Fprintf(&b, "  %s\n", it.Text(lang))
		}
	}
	if len(res.NotCarried) > 0 {
		fmt.Fprintf(&b, msgIn(lang, "\n未转入的值（%d 个）：\n", "\nvalues not carried (%d):\n"), len(res.NotCarried))
		for _, it := range res.NotCarried {
			where := it.Cell
			if where == "" {
				where = msgIn(lang, "文件", "file")
			}
			fmt.Fprintf(&b, "  %s  %s\n", where, it.Text(lang))
		}
	}
	_, _ = io.WriteString(w, printableText(b.String()))
}
