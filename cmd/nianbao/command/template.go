package command

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/outfile"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/schools"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/store"
	"github.com/urfave/cli/v2"
)

const templateHelp = `生成学校填报用的标准工作簿：填报说明、基本信息和每张数据表，
填报单元格有数据验证和输入提示，合计、比率、生均等计算单元格是锁定的公式。

给出 --schools 时，按学校名单为每所学校各生成一个工作簿（学校名称、学校标识码、
学年等已预填并锁定），-o 为输出文件夹。名单有错时一个文件也不写。

Examples:
  nianbao template -o 年报模板.xlsx
  nianbao template --spec 本局规格.yaml -o 年报模板.xlsx
  nianbao template --schools 学校名单.csv -o 学校模板/
  nianbao template --list-rows 50 -o 年报模板.xlsx`

func templateCommand() *cli.Command {
	return &cli.Command{
		Name:        "template",
		Usage:       "生成标准填报模板（Excel 工作簿）",
		UsageText:   "nianbao template -o FILE.xlsx [--spec FILE] [--list-rows N]\nnianbao template --schools LIST.csv -o DIR",
		Description: templateHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "输出文件 `FILE`（.xlsx）；与 --schools 同用时为输出文件夹"},
			specFlag,
			&cli.StringFlag{Name: "schools", Usage: "学校名单 `CSV`（表头：学校名称,学校标识码,学年 …），每校生成一个模板"},
			&cli.IntFlag{Name: "list-rows", Usage: "列表类表格预留的空行数 `N`（默认按规格，内置为 30）"},
			dbFlag,
			&cli.StringFlag{Name: "year", Usage: "与 --db 同用：模板的学年 `YYYY-YYYY`，“上学年”按其前一学年报送的本学年数预填（默认：名单中的学年，否则库中最新学年的下一学年）"},
			&cli.BoolFlag{Name: "force", Usage: "输出文件已存在时覆盖"},
			langFlag,
		},
		Action: runTemplate,
	}
}

func runTemplate(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	out := c.String("output")
	if out == "" {
		return usagef("请用 -o 指定输出文件，如 nianbao template -o 年报模板.xlsx")
	}
	if n := c.Int("list-rows"); n < 0 || n > 2000 {
		return usagef("--list-rows 应在 1 到 2000 之间")
	}
	prog, err := loadSpec(c)
	if err != nil {
		return err
	}
	opt := templateOptions()
	opt.ListRows = c.Int("list-rows")
	if c.String("db") != "" && c.String("schools") == "" {
		return usagef("--db 需与 --schools 同用：按名单为每所学校生成“上学年”已预填的模板")
	}
	if list := c.String("schools"); list != "" {
		st, err := openStore(c)
		if err != nil {
			return err
		}
		var prior priorFunc // none without --db
		if st != nil {
			defer st.Close()
			if prior, err = storePrior(c, st, prog); err != nil {
				return err
			}
		}
		return schoolTemplates(c.App.Writer, prog, list, out, opt, c.Bool("force"), prior)
	}
	if !strings.EqualFold(filepath.Ext(out), ".xlsx") {
		return usagef("输出文件 %s 应以 .xlsx 结尾", out)
	}
	if err := writeTemplate(prog, out, opt, c.Bool("force")); err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "已生成模板 %s（%d 张数据表，规格 %s 版本 %s）\n", out, len(prog.Spec.Sheets), prog.Spec.ID, prog.Spec.Version)
	return nil
}

func writeTemplate(prog *formula.Program, path string, opt workbook.TemplateOptions, force bool) error {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return fmt.Errorf("%s 是文件夹，请给出 .xlsx 文件名", path)
	}
	return outfile.Write(path, force, func(w io.Writer) error {
		return workbook.WriteTemplate(prog, w, opt)
	})
}

// priorFunc gives what a school (by its 学校标识码) reported the year
// before, for prefilling the 上学年 of its template, and the 学年 of the
// template (the list's, else the one the store says comes next); nil and no
// error: the store has nothing of it (a new school), its 上学年 stays empty.
type priorFunc func(code, year string) (*report.PriorYear, string, error)

// storePrior is the priorFunc of a store: the template's 学年 is the
// list's, else --year, else the one after the newest the store holds.
func storePrior(c *cli.Context, st *store.Store, prog *formula.Program) (priorFunc, error) {
	year := c.String("year")
	if year == "" {
		years, err := st.Years(c.Context)
		if err != nil {
			return nil, fmt.Errorf("数据库 %s: %w", st, err)
		}
		if len(years) == 0 {
			return nil, fmt.Errorf("数据库 %s 中还没有任何学年的提交，无法预填“上学年”", st)
		}
		year, _ = report.NextYear(years[0])
	} else if _, ok := report.PreviousYear(year); !ok {
		return nil, usagef("--year %s 的写法不对：应写作 YYYY-YYYY，如 2026-2027", year)
	}
	return func(code, listYear string) (*report.PriorYear, string, error) {
		y := listYear
		if y == "" {
			y = year
		}
		p, _, err := st.Prior(c.Context, prog.Spec.ID, code, y)
		return p, y, err
	}, nil
}

// schoolTemplates writes one prefilled template per school of the list,
// with its 上学年 from prior when that is given. The whole list is checked,
// every target name, and every school's last year, before anything is
// written.
func schoolTemplates(stdout io.Writer, prog *formula.Program, list, dir string, base workbook.TemplateOptions, force bool, prior priorFunc) error {
	all, err := schools.ReadFile(list, prog.Spec)
	if err != nil {
		return err
	}
	if info, err := os.Stat(dir); err == nil && !info.IsDir() {
		return fmt.Errorf("%s 不是文件夹：与 --schools 同用时 -o 应为输出文件夹", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("无法创建输出文件夹: %w", err)
	}
	if !force {
		var exist []string
		for _, s := range all {
			if _, err := os.Lstat(filepath.Join(dir, s.FileName())); err == nil {
				exist = append(exist, s.FileName())
			}
		}
		if len(exist) > 0 {
			return fmt.Errorf("%s 中已有 %d 个同名文件（如 %s），未写任何文件；如需覆盖请加 --force", dir, len(exist), exist[0])
		}
	}
	opts := make([]workbook.TemplateOptions, len(all))
	var without []string // schools the store has nothing of
	for i, s := range all {
		opts[i] = base
		opts[i].Prefill = s.Fields
		if prior == nil {
			continue
		}
		py, year, err := prior(s.Code, s.Year)
		if err != nil {
			return fmt.Errorf("%s 第%d行（%s）: 无法取得上一学年的数据，未写任何文件：%w", list, s.Line, s.Name, err)
		}
		if s.Year == "" && year != "" { // the template says which 学年 it is for
			if sh, f := prog.Spec.Role("school_year"); f != nil && sh != nil {
				opts[i].Prefill = maps.Clone(s.Fields)
				opts[i].Prefill[f.Key] = year
			}
		}
		if py == nil {
			without = append(without, s.Name)
			continue
		}
		opts[i].Prior = py
		if err := workbook.CheckTemplateOptions(prog, opts[i]); err != nil {
			return fmt.Errorf("%s 第%d行（%s）: %w；未写任何文件", list, s.Line, s.Name, err)
		}
	}
	for i, s := range all {
		if err := writeTemplate(prog, filepath.Join(dir, s.FileName()), opts[i], force); err != nil {
			return fmt.Errorf("%s 第%d行（%s）: %w", list, s.Line, s.Name, err)
		}
	}
	fmt.Fprintf(stdout, "已为 %d 所学校生成模板，保存在 %s\n", len(all), dir)
	if prior != nil {
		fmt.Fprintf(stdout, "其中 %d 所学校的“上学年”已按上一学年报送的数据预填", len(all)-len(without))
		if len(without) > 0 {
			shown := without[:min(len(without), 5)]
			more := ""
			if len(without) > len(shown) {
				more = fmt.Sprintf(" 等 %d 所", len(without))
			}
			fmt.Fprintf(stdout, "；没有上一学年数据、“上学年”未预填：%s%s", strings.Join(shown, "、"), more)
		}
		fmt.Fprintln(stdout)
	}
	return nil
}

func templateOptions() workbook.TemplateOptions {
	return workbook.TemplateOptions{Generator: "nianbao " + Version}
}
