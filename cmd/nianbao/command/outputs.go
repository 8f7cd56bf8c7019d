package command

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/nianbao/nianbao/outfile"
	"github.com/urfave/cli/v2"
)

// maxWorkers bounds --workers: more goroutines than this only cost memory
// (each holds a workbook while it reads it).
func maxWorkers() int { return max(64, 4*runtime.NumCPU()) }

// checkWorkers refuses a --workers beyond what helps, or below 0.
func checkWorkers(c *cli.Context) error {
	n, limit := c.Int("workers"), maxWorkers()
	if n < 0 || n > limit {
		return usagef("--workers 应在 1 到 %d 之间（不给或为 0 时每个 CPU 一个），现为 %d", limit, n)
	}
	return nil
}

// checkAnnotateDir finds out, before any file is read, whether the folder of
// --annotate can take the annotated copies (and makes it). An empty
// --annotate is bad usage.
func checkAnnotateDir(c *cli.Context) error {
	if !c.IsSet("annotate") {
		return nil
	}
	dir := c.String("annotate")
	if strings.TrimSpace(dir) == "" {
		return usagef("--annotate 不能为空：请给出写批注副本的文件夹，如 --annotate 退回")
	}
	if err := outfile.CheckDir(dir); err != nil {
		return fmt.Errorf("--annotate：%w", err)
	}
	return nil
}

// checkOutput finds out, before any file is read, whether -o can be
// written: a workbook (its folder must exist) or, for csv and json, a
// folder (made when missing). An empty -o is bad usage.
func checkOutput(out, format string) error {
	if strings.TrimSpace(out) == "" {
		return usagef("-o 不能为空：请给出输出工作簿（csv/json 时为文件夹），如 -o 汇总.xlsx")
	}
	var err error
	if format == "xlsx" {
		err = outfile.CheckFile(out)
	} else {
		err = outfile.CheckDir(out)
	}
	if err != nil {
		return fmt.Errorf("-o：%w", err)
	}
	return nil
}
