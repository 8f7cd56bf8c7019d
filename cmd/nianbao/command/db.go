package command

import (
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
	return store.Open(c.Context, target)
}
