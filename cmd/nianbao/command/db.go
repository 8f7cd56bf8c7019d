package command

import (
	"context"
	"errors"
	"fmt"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/store"
	"github.com/urfave/cli/v2"
)

// dbFlag is --db: the store of every submission, year after year.
var dbFlag = &cli.StringFlag{Name: "db", Usage: "数据库：SQLite 文件 `PATH`（不存在时新建）或 postgres:// 地址；保存每份提交，只读取新的或改过的文件"}

// openStore opens the store --db names, or returns nil without --db.
func openStore(c *cli.Context) (*store.Store, error) {
	target := c.String("db")
	if target == "" {
		return nil, nil
	}
	st, err := store.Open(c.Context, target)
	var se *store.Error
	if err != nil && c.String("lang") == "en" && errors.As(err, &se) {
		return nil, errors.New(se.English())
	}
	return st, err
}

// storeLookup is the cross-year check's lookup in a store: what the school
// of a report sent as 本学年 the year before its 学年.
func storeLookup(st *store.Store, prog *formula.Program) func(context.Context, *report.Report) (*report.PriorYear, error) {
	return func(ctx context.Context, r *report.Report) (*report.PriorYear, error) {
		p, _, err := st.Prior(ctx, prog.Spec.ID, roleValue(prog, r, "school_code"), roleValue(prog, r, "school_year"))
		if err != nil {
			return nil, fmt.Errorf("数据库 %s: %w", st, err)
		}
		return p, nil
	}
}
