package command

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/templates"
	"github.com/urfave/cli/v2"
)

const sampleHelp = `按内置规格生成 N 所虚构学校已填好的工作簿：数据合理且前后一致（每条审核规则都能通过），
在校生从几百到几千人，3–20 个专业，上学年和本学年都已填写。同一 --seed 总是生成同样的文件。

--inject K 在整批文件中加入 K 处真实报表里常见的错误（分项之和不等于合计、比率与人数不符、
跨表不一致、万元与元混用、百分比截断而非四舍五入、公式被粘贴成数值、文本数字、全角数字、
千分位、单元格里写单位），错误分布在约一半的文件里，其余文件无错；每处错误的
文件、工作表、单元格和类型记在 manifest.csv / manifest.json 中，供检验审核结果。

--year 指定学年（默认 2025-2026）。2025-2026 学年是基准，更晚的学年由它逐年推算：同一 --seed、-n、
--inject 下，下一学年是同一批学校（名称、标识码不变），上学年一列照抄上一学年文件里写的本学年
（连同其中的错误），本学年则在合理范围内变化；约 5% 的学校在照抄时有一两处笔误（数字颠倒、
多写一位、抄成上学年、抄成相邻一行），记为 cross_year。manifest.json 中每个文件的 cross_year
列出上学年与上一学年文件本学年不同的全部单元格及其原因（笔误，或本学年其他错误）。
某一学年可单独生成，与另行生成的上一学年一致；早于 2025-2026 的学年不能生成。

装有 LibreOffice 时，部分文件（默认十分之一，最多 10 个）由 LibreOffice 打开并另存，
使样例中也有真实办公软件保存的文件。

Examples:
  nianbao sample -n 20 -o 样例
  nianbao sample -n 200 --seed 7 --inject 300 -o 样例
  nianbao sample -n 1000 --via-libreoffice 0 -o 样例
  nianbao sample -n 200 --seed 7 --inject 300 --year 2026-2027 -o 样例2026`

func sampleCommand() *cli.Command {
	return &cli.Command{
		Name:        "sample",
		Usage:       "生成已填好的示例学校工作簿（可加入错误，附错误清单）",
		UsageText:   "nianbao sample [-n N] [--seed S] [--inject K] [--year YYYY-YYYY] [--via-libreoffice M] -o DIR",
		Description: sampleHelp,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "n", Value: 10, Usage: "学校数 `N`"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "随机种子 `S`：同一种子生成同样的文件"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "输出文件夹 `DIR`（必须给出）"},
			&cli.IntFlag{Name: "inject", Usage: "整批文件中加入的错误数 `K`"},
			&cli.StringFlag{Name: "year", Usage: "学年 `YYYY-YYYY`（默认 " + sample.SchoolYear + "；更晚的学年由它逐年推算）"},
			&cli.IntFlag{Name: "via-libreoffice", Value: -1, Usage: "经 LibreOffice 另存的文件数 `M`（默认：装有 LibreOffice 时十分之一，最多 10 个；0 为不用）"},
			&cli.IntFlag{Name: "workers", Usage: "并行数（默认：CPU 核数）"},
			&cli.BoolFlag{Name: "force", Usage: "文件已存在时覆盖"},
			langFlag,
		},
		Action: runSample,
	}
}

func runSample(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	if c.String("output") == "" {
		return usagef("请用 -o 指定输出文件夹（--output），如 -o 样例")
	}
	n := c.Int("n")
	if n < 1 || n > sample.MaxSchools {
		return usagef("-n 应在 1–%d 之间", sample.MaxSchools)
	}
	if c.Int("inject") < 0 {
		return usagef("--inject 不能为负")
	}
	if c.IsSet("via-libreoffice") && c.Int("via-libreoffice") < 0 {
		return usagef("--via-libreoffice 不能为负")
	}
	if c.IsSet("year") {
		if _, err := sample.YearSteps(c.String("year")); err != nil {
			return usagef("--year：%s", err)
		}
	}
	prog, err := templates.Get(sample.SpecID, langOf(c)) // the report the generator knows
	if err != nil {
		return err
	}
	opt := sample.Options{
		N: n, Seed: c.Uint64("seed"), Dir: c.String("output"), Inject: c.Int("inject"), Year: c.String("year"),
		ViaLibreOffice: c.Int("via-libreoffice"), Force: c.Bool("force"), Workers: c.Int("workers"),
	}
	if f, ok := c.App.ErrWriter.(interface{ Fd() uintptr }); ok && isatty.IsTerminal(f.Fd()) {
		opt.Progress = progress(c.App.ErrWriter)
	}
	start := time.Now()
	m, err := sample.Run(c.Context, prog, opt)
	if err != nil {
		return err
	}
	lo, withMistakes := 0, 0
	for _, f := range m.Files {
		if f.SavedBy == sample.SavedByLibreOffice {
			lo++
		}
		if len(f.Mistakes) > 0 {
			withMistakes++
		}
	}
	year := ""
	if c.IsSet("year") {
		year = " " + m.SchoolYear + " 学年的"
	}
	fmt.Fprintf(c.App.Writer, "已在 %s 生成 %d 个%s样例工作簿（种子 %d，用时 %s）", opt.Dir, n, year, opt.Seed, time.Since(start).Round(100*time.Millisecond))
	if lo > 0 {
		fmt.Fprintf(c.App.Writer, "，其中 %d 个经 LibreOffice 另存", lo)
	}
	fmt.Fprintln(c.App.Writer, "。")
	if m.Mistakes() > 0 {
		fmt.Fprintf(c.App.Writer, "加入错误 %d 处，分布在 %d 个文件中，清单见 %s 和 %s。\n", m.Mistakes(), withMistakes,
			filepath.Join(opt.Dir, sample.ManifestCSV), filepath.Join(opt.Dir, sample.ManifestJSON))
	} else {
		fmt.Fprintf(c.App.Writer, "没有加入错误（每个文件都应通过审核），文件清单见 %s。\n", filepath.Join(opt.Dir, sample.ManifestJSON))
	}
	if m.PriorYear != "" {
		cells, slips := m.CrossYear()
		fmt.Fprintf(c.App.Writer, "上学年照抄 %s 学年样例的本学年：%d 处与之不符（其中跨学年笔误 %d 处，其余来自本学年的其他错误），见 %s 中的 cross_year。\n",
			m.PriorYear, cells, slips, filepath.Join(opt.Dir, sample.ManifestJSON))
	}
	return nil
}

// progress shows files done on a terminal, on one line.
func progress(w io.Writer) func(done, total int) {
	start := time.Now()
	return func(done, total int) {
		rate := float64(done) / time.Since(start).Seconds()
		fmt.Fprintf(w, "\r%d/%d 个文件，每秒 %.0f 个", done, total, rate)
		if done == total {
			fmt.Fprintln(w)
		}
	}
}
