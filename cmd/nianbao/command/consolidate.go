package command

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/nianbao/nianbao/consolidate"
	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/schools"
	"github.com/nianbao/nianbao/sheets/intake"
	"github.com/nianbao/nianbao/store"
	"github.com/urfave/cli/v2"
)

const consolidateHelp = `把各校交回的工作簿汇总为教育局的一份工作簿：逐个读取并审核（并行），
按规格的汇总规则得出全区合计（人数、金额相加；比率、生均由合计重算；无分项的百分比按规定加权），
并列出各校明细、按项目的透视、学校指标、提交情况和全部审核结果。

同一学校（学校标识码）有多份文件时只采用一份：--prefer 指定的优先，其次填报日期最新，
再次文件名靠后；其余列为“重复（未采用）”，不重复计算。学年与多数文件不同（或与 --year 不符）
的文件、其他模板的文件、无法读取的文件都列在“提交情况”中，不影响其他文件。
--schools 给出应交学校名单（CSV），未交的学校也列入“提交情况”，不在名单中的学校另作标记。
--by 按基本信息的一项（如 所在地区、主管部门/举办者）分组，写出“分组汇总”：各组的指标由组内合计重算，
最后的“合计”与“汇总”相同。

同样的文件，无论顺序，得到逐字节相同的工作簿。

Examples:
  nianbao consolidate 收到的文件/ -o 汇总.xlsx
  nianbao consolidate --schools 学校名单.csv --annotate 退回 收到的文件/ -o 汇总.xlsx
  nianbao consolidate --by 所在地区 收到的文件/ -o 汇总.xlsx
  nianbao consolidate --format csv 收到的文件/ -o 汇总csv`

func consolidateCommand() *cli.Command {
	return &cli.Command{
		Name:        "consolidate",
		Usage:       "汇总各校工作簿：全区合计、各校明细、提交情况、审核结果",
		UsageText:   "nianbao consolidate [--schools CSV] [--prefer FILE] [--format xlsx|csv|json] -o OUT FILE|DIR...",
		Description: consolidateHelp,
		Flags: []cli.Flag{
			specFlag,
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "输出：工作簿 `OUT`（csv/json 时为文件夹；必须给出）"},
			&cli.StringFlag{Name: "format", Value: "xlsx", Usage: "输出格式：xlsx、csv 或 json"},
			&cli.StringFlag{Name: "schools", Usage: "应交学校名单 `CSV`（学校名称、学校标识码）"},
			&cli.StringSliceFlag{Name: "prefer", Usage: "同一学校有多份文件时采用的文件 `FILE`（可多次给出）"},
			&cli.StringSliceFlag{Name: "by", Usage: "按基本信息的一项分组汇总，如 所在地区（可多次给出）"},
			&cli.StringFlag{Name: "year", Usage: "汇总的学年，如 2025-2026（默认：多数文件的学年）"},
			dbFlag,
			&cli.StringFlag{Name: "annotate", Usage: "把各校的批注副本写到文件夹 `DIR`"},
			&cli.IntFlag{Name: "workers", Usage: "并行数（默认：CPU 核数；最多 64 或 CPU 核数的 4 倍）"},
			&cli.StringFlag{Name: "password", Usage: "打开加密工作簿的密码"},
			&cli.BoolFlag{Name: "force", Usage: "输出已存在时覆盖"},
			langFlag,
		},
		Action: runConsolidate,
	}
}

func runConsolidate(c *cli.Context) error {
	if c.NArg() == 0 && c.String("db") == "" {
		return usagef("consolidate 需要至少一个文件或文件夹，如 nianbao consolidate 收到的文件/ -o 汇总.xlsx（或用 --db 从数据库汇总）")
	}
	if !c.IsSet("output") {
		return usagef("请用 -o 指定汇总的输出，如 nianbao consolidate 收到的文件/ -o 汇总.xlsx")
	}
	tuneGC() // from the start: listing a folder opens each file
	format := c.String("format")
	if !slices.Contains(consolidate.Formats(), format) {
		return usagef("--format 只能是 xlsx、csv 或 json")
	}
	if err := checkWorkers(c); err != nil {
		return err
	}
	// what is written is checked before anything is read
	if err := checkOutput(c.String("output"), format); err != nil {
		return err
	}
	if err := checkAnnotateDir(c); err != nil {
		return err
	}
	var (
		prog    *formula.Program
		files   []string
		skipped []intake.Skipped
		err     error
	)
	exclude := []intake.Exclude{{Path: c.String("output"), Reason: "是本次运行的输出（-o），不作为学校的报表读取", En: "this run's output (-o), not read as a school's report"}}
	if db := c.String("db"); db != "" && !store.IsURL(db) {
		exclude = append(exclude, intake.Exclude{Path: db, Reason: "是数据库（--db），不作为学校的报表读取", En: "the database (--db), not read as a school's report"})
	}
	if c.NArg() == 0 {
		prog, err = loadSpec(c)
	} else {
		prog, files, skipped, err = specAndFiles(c, exclude...)
	}
	if err != nil {
		return err
	}
	opt := consolidate.Options{Pipeline: filePipeline(c, prog), Workers: c.Int("workers"), Prefer: c.StringSlice("prefer"), Year: c.String("year"),
		Roots: roots(c.Args().Slice()), By: c.StringSlice("by")}
	if opt.Store, err = openStore(c); err != nil {
		return err
	}
	if opt.Store != nil {
		defer opt.Store.Close()
		opt.Pipeline.Prior = storeLookup(opt.Store, prog)
		opt.Hash = func(path string) (string, int64, error) { return intake.Hash(path, intake.Limits{}) }
	}
	if list := c.String("schools"); list != "" {
		if opt.Expected, err = schools.ReadFile(list, prog.Spec); err != nil {
			return err
		}
	}
	out := c.String("output")
	sink, err := consolidate.NewSink(format, out, prog.Spec.Title+" · 汇总", c.Bool("force"))
	if err != nil {
		return err
	}
	if f, ok := c.App.ErrWriter.(interface{ Fd() uintptr }); ok && isatty.IsTerminal(f.Fd()) {
		opt.Progress = progressBar(c.App.ErrWriter)
	}
	start := time.Now()
	sum, err := consolidate.Run(c.Context, prog, files, opt, sink)
	if err != nil {
		return err
	}
	w, lang := c.App.Writer, langOf(c)
	skippedText(w, skipped, lang)
	failed := 0
	for _, s := range sum.Submissions {
		if s.AnnotateError != "" {
			failed++
			fmt.Fprintln(c.App.ErrWriter, "nianbao:", printableText(s.AnnotateError))
		}
	}
	summaryText(w, sum, time.Since(start), len(opt.Expected) > 0, out, opt.Pipeline.AnnotateDir, failed, lang)
	if opt.Store != nil {
		storeText(w, sum, opt.Store.String(), opt.Pipeline.AnnotateDir != "", lang)
	}
	if sum.Schools == 0 {
		if lang == "en" {
			return fmt.Errorf("no school consolidated: none of the %d files could be taken (see %s, sheet %s)", sum.Files, printable(out), consolidate.SheetStatus)
		}
		return fmt.Errorf("没有汇总任何学校：%d 个文件都未能采用（原因见 %s 的“%s”）", sum.Files, printable(out), consolidate.SheetStatus)
	}
	if failed > 0 {
		return cli.Exit("", exitFail) // everything else is written
	}
	return nil
}

// storeText says what the store did: files read, files known by content.
func storeText(w io.Writer, sum *consolidate.Summary, db string, annotate bool, lang string) {
	if lang == "en" {
		fmt.Fprintf(w, "Database %s: %d new or changed files read, %d unchanged taken from the database; the workbook holds every file it has for %s (%d).\n",
			printable(db), sum.Read, sum.Reused, printable(sum.Year), sum.Files)
		if annotate && sum.Reused > 0 {
			fmt.Fprintf(w, "Annotated copies were written for the files read only; the %d unchanged ones keep theirs from their first run.\n", sum.Reused)
		}
		return
	}
	fmt.Fprintf(w, "数据库 %s：本次读取新的或改过的文件 %d 个，内容未变、沿用库中结果的 %d 个；汇总包含库中 %s 学年收到的全部 %d 个文件。\n",
		printable(db), sum.Read, sum.Reused, printable(sum.Year), sum.Files)
	if annotate && sum.Reused > 0 {
		fmt.Fprintf(w, "批注副本只为本次读取的文件写出；内容未变的 %d 个文件沿用首次汇总时的批注副本。\n", sum.Reused)
	}
}

// summaryText is the line that ends a consolidation.
func summaryText(w io.Writer, sum *consolidate.Summary, took time.Duration, expected bool, out, annotated string, failed int, lang string) {
	took = took.Round(100 * time.Millisecond)
	if lang == "en" {
		fmt.Fprintf(w, "Consolidated (school year %s, in %s): %s, %s — %d passed, %d with warnings, %d with errors; %d unreadable, %d duplicates not taken, %d of another school year",
			printable(sum.Year), took, plural(sum.Files, "file"), plural(sum.Schools, "school"), sum.Passed, sum.Warnings, sum.Errors, sum.Unreadable, sum.Duplicates, sum.WrongYear)
		if expected {
			fmt.Fprintf(w, ", %d on the list not submitted", sum.Missing)
		}
		fmt.Fprintf(w, ".\nResult: %s (look first at sheets %s and %s)", printable(out), consolidate.SheetRegion, consolidate.SheetStatus)
		if annotated != "" {
			fmt.Fprintf(w, "; annotated copies: %s", printable(annotated))
			if failed > 0 {
				fmt.Fprintf(w, " (%d could not be written, see above)", failed)
			}
		}
		fmt.Fprintln(w, ".")
		return
	}
	fmt.Fprintf(w, "汇总完成（%s 学年，用时 %s）：%d 个文件，汇总 %d 所学校——通过 %d、有警告 %d、有错误 %d；",
		printable(sum.Year), took, sum.Files, sum.Schools, sum.Passed, sum.Warnings, sum.Errors)
	fmt.Fprintf(w, "无法读取 %d、重复未采用 %d、学年不符 %d", sum.Unreadable, sum.Duplicates, sum.WrongYear)
	if expected {
		fmt.Fprintf(w, "、名单中未提交 %d", sum.Missing)
	}
	fmt.Fprintf(w, "。\n结果：%s（先看“%s”和“%s”）", printable(out), consolidate.SheetRegion, consolidate.SheetStatus)
	if annotated != "" {
		fmt.Fprintf(w, "；批注副本：%s", printable(annotated))
		if failed > 0 {
			fmt.Fprintf(w, "（%d 份未能写出，原因见上）", failed)
		}
	}
	fmt.Fprintln(w, "。")
}

// progressBar draws files done / total, rate and time left on one line.
func progressBar(w io.Writer) func(done, total int) {
	start := time.Now()
	last := time.Time{}
	return func(done, total int) {
		now := time.Now()
		if done < total && now.Sub(last) < 100*time.Millisecond {
			return
		}
		last = now
		elapsed := now.Sub(start).Seconds()
		rate := float64(done) / max(elapsed, 1e-9)
		eta := time.Duration(float64(total-done)/max(rate, 1e-9)) * time.Second
		width := 30
		filled := width * done / max(total, 1)
		bar := make([]rune, width)
		for i := range bar {
			bar[i] = '░'
			if i < filled {
				bar[i] = '█'
			}
		}
		fmt.Fprintf(w, "\r%s %d/%d 个文件  每秒 %.0f 个  剩余约 %s   ", string(bar), done, total, rate, eta.Round(time.Second))
		if done == total {
			fmt.Fprintln(w)
		}
	}
}

// tuneGC trades memory for speed where the memory is bounded anyway: reading
// thousands of workbooks makes much short-lived garbage, and with the
// default GOGC the collector runs every few files. A heap limit of 170 MB
// keeps the whole process under 200 MB (10,000 schools: 188 MB measured; the
// live heap is a few tens of MB). GOGC or GOMEMLIMIT in the environment win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(170 << 20)
	}
}

// roots are the folders the workbook names files relative to: each folder
// given, and the folder of each file given.
func roots(args []string) []string {
	var out []string
	for _, a := range args {
		if st, err := os.Stat(a); err == nil && !st.IsDir() {
			a = filepath.Dir(a)
		}
		out = append(out, a)
	}
	return out
}
