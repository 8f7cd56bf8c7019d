package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"time"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/schools"
	"github.com/nianbao/nianbao/serve"
	"github.com/nianbao/nianbao/sheets/intake"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/store"
	"github.com/urfave/cli/v2"
)

const serveHelp = `网上填报：学校用教育局发的专用链接下载模板、上传填好的工作簿，立即看到审核结果
（与 nianbao validate 相同，按表列出单元格和行），下载批注副本，为警告填写说明，修改后重新上传；
教育局登录后随时查看各校提交情况和审核结果，锁定或重新开放某校采用的提交，下载全区汇总.xlsx，
在页面上查看、打印汇总的图表（每幅可下载为 SVG），修改登录密码（其他登录随即退出）。

--db 是数据库：文件路径用 SQLite（不存在则新建），postgres:// 开头的地址用 PostgreSQL
（多个 serve 进程可共用一个 PostgreSQL）。上传的文件保存在数据库中。
首次启动时打印教育局“首次登录”链接，用它设置登录密码；数据库中还没有学校时，
不给 --schools 就载入内置的示例学校，并打印其中两所学校的填报链接，可直接试用。
--issue-links 为名单中每所学校生成链接（已有的不变），以带 BOM 的 CSV 输出后退出，
可用 Excel 打开后通过邮件或 QQ 发给各校。忘记密码时加 --reset-password 启动，
用新打印的首次登录链接重新设置（原有登录全部失效）。收到 SIGTERM 或 Ctrl-C 时，正在进行的上传
处理完（或整笔放弃）后才退出。

Examples:
  nianbao serve --db nianbao.db
  nianbao serve --db nianbao.db --schools 学校名单.csv --addr 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem
  nianbao serve --db nianbao.db --schools 学校名单.csv --issue-links > 学校填报链接.csv
  nianbao serve --db postgres://nianbao@db.example/nianbao --base-url https://nianbao.example.edu.cn --trust-proxy`

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:        "serve",
		Usage:       "网上填报：学校上传即审核，教育局随时查看提交情况、下载汇总",
		UsageText:   "nianbao serve --db PATH|URL [--addr 127.0.0.1:8080] [--schools CSV] [--spec ID|FILE] [--tls-cert FILE --tls-key FILE] [--issue-links]",
		Description: serveHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "db", Usage: "数据库：SQLite 文件 `PATH`，或 PostgreSQL 地址 postgres://…"},
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", Usage: "监听地址 `HOST:PORT`"},
			&cli.StringFlag{Name: "schools", Usage: "教育局的学校名单 `CSV`（载入数据库，已有的学校按学校标识码更新）"},
			specFlag,
			&cli.StringFlag{Name: "tls-cert", Usage: "HTTPS 证书 `FILE`（PEM）"},
			&cli.StringFlag{Name: "tls-key", Usage: "HTTPS 私钥 `FILE`（PEM）"},
			&cli.BoolFlag{Name: "issue-links", Usage: "为每所学校生成填报链接，以 CSV 输出后退出"},
			&cli.BoolFlag{Name: "reset-password", Usage: "清除教育局的登录密码（忘记密码时）：本次启动重新打印首次登录链接"},
			&cli.StringFlag{Name: "base-url", Usage: "学校访问本服务的地址 `URL`（链接用它开头；默认按 --addr）"},
			&cli.StringFlag{Name: "year", Usage: "收集的学年 `YYYY-YYYY`（其他学年的工作簿不用于汇总；默认不限）"},
			&cli.IntFlag{Name: "max-upload", Value: 20, Usage: "上传文件的大小上限 `MB`"},
			&cli.IntFlag{Name: "workers", Usage: "同时审核的文件数（默认每个 CPU 一个）"},
			&cli.BoolFlag{Name: "trust-proxy", Usage: "在本机的反向代理（nginx）之后：采用其 X-Real-IP 和 X-Forwarded-Proto"},
			&cli.BoolFlag{Name: "secure-cookies", Usage: "Cookie 一律加 Secure（代理对外用 HTTPS 时）"},
			langFlag,
		},
		Action: runServe,
	}
}

func runServe(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	target := c.String("db")
	if target == "" {
		return usagef("serve 需要 --db，如 nianbao serve --db nianbao.db")
	}
	if (c.String("tls-cert") == "") != (c.String("tls-key") == "") {
		return usagef("--tls-cert 和 --tls-key 要一起给出")
	}
	if c.Int("max-upload") <= 0 || c.Int("max-upload") > 200 {
		return usagef("--max-upload 应在 1 到 200 之间（MB）")
	}
	prog, err := loadSpec(c)
	if err != nil {
		return err
	}
	ctx := c.Context
	opened, err := store.Open(ctx, target)
	if err != nil {
		return err
	}
	defer opened.Close()
	st := serve.NewSQLStore(opened)
	if c.Bool("reset-password") {
		if err := serve.ResetPassword(ctx, st); err != nil {
			return err
		}
	}
	demo, err := loadSchools(c, prog, st)
	if err != nil {
		return err
	}
	scheme := "http"
	if c.String("tls-cert") != "" {
		scheme = "https"
	}
	// the address schools reach: --base-url, else where we listen
	var l net.Listener
	base := c.String("base-url")
	if !c.Bool("issue-links") {
		if l, err = net.Listen("tcp", c.String("addr")); err != nil {
			return fmt.Errorf("无法在 %s 上监听：%w", c.String("addr"), err)
		}
		defer l.Close()
		if base == "" {
			base = scheme + "://" + l.Addr().String()
		}
	} else if base == "" {
		base = scheme + "://" + c.String("addr")
	}
	exts := []string{".xlsx", ".zip"}
	if _, ok := intake.SofficePath(); ok {
		exts = []string{".xlsx", ".xls", ".et", ".ods", ".zip"}
	}
	srv, err := serve.New(ctx, serve.Config{
		Store: st, Program: prog, Read: uploadReader(prog), Annotate: workbook.WriteAnnotated, Exts: exts,
		Template: func(s serve.School, prior *report.PriorYear, w io.Writer) error {
			return workbook.WriteTemplate(prog, w, workbook.TemplateOptions{Generator: "nianbao " + Version, Prefill: s.Fields, Prior: prior})
		},
		// last year's figures, where consolidate --db kept them in the same database
		Prior: func(ctx context.Context, code, year string) (*report.PriorYear, error) {
			p, _, err := opened.Prior(ctx, prog.Spec.ID, code, year)
			return p, err
		},
		Year: c.String("year"), BaseURL: base, Logger: slog.New(slog.NewTextHandler(c.App.ErrWriter, nil)),
		MaxUpload: int64(c.Int("max-upload")) << 20, Workers: c.Int("workers"),
		TrustProxy: c.Bool("trust-proxy"), SecureCookies: c.Bool("secure-cookies"),
	})
	if err != nil {
		return err
	}
	if c.Bool("issue-links") {
		return issueLinks(ctx, c.App.Writer, srv)
	}
	out := c.App.Writer
	// uploads of an earlier version, kept by serve alone: into the store
	if n, err := srv.StoreEarlier(ctx); err != nil {
		return fmt.Errorf("此前的网上提交无法记入数据库：%w", err)
	} else if n > 0 {
		fmt.Fprintf(out, "已将此前的 %d 份网上提交记入数据库（v_values 等）。\n", n)
	}
	fmt.Fprintf(out, "nianbao serve：%s（%s 数据库）\n", base+"/", map[string]string{store.SQLite: "SQLite", store.Postgres: "PostgreSQL"}[opened.Backend()])
	if code := srv.SetupCode(); code != "" {
		fmt.Fprintf(out, "教育局首次登录（设置密码，只能用一次）：%s/bureau/setup?code=%s\n", base, code)
	} else {
		fmt.Fprintf(out, "教育局登录：%s/bureau/login\n", base)
	}
	if demo {
		if err := printDemoLinks(ctx, out, srv); err != nil {
			return err
		}
	}
	fmt.Fprintln(out, "按 Ctrl-C 停止。")
	gracefulStop.Store(true)
	err = srv.Serve(ctx, l, c.String("tls-cert"), c.String("tls-key"), time.Minute)
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// loadSchools puts the --schools list into the store; with no list and no
// school in the store, the built-in demo schools (demo is then true).
func loadSchools(c *cli.Context, prog *formula.Program, st serve.Store) (demo bool, err error) {
	ctx := c.Context
	var list []schools.School
	switch {
	case c.String("schools") != "":
		if list, err = schools.ReadFile(c.String("schools"), prog.Spec); err != nil {
			return false, err
		}
	default:
		have, err := st.Schools(ctx)
		if err != nil || len(have) > 0 || prog.Spec.ID != sample.SpecID {
			return false, err
		}
		if list, err = demoSchools(prog); err != nil {
			return false, err
		}
		demo = true
	}
	out := make([]serve.School, len(list))
	for i, s := range list {
		out[i] = serve.School{Code: s.Code, Name: s.Name, Year: s.Year, Fields: s.Fields}
	}
	return demo, st.PutSchools(ctx, out)
}

// demoSchools are the schools `nianbao sample` makes (the same names and
// codes), so that its workbooks can be uploaded on their links.
func demoSchools(prog *formula.Program) ([]schools.School, error) {
	var out []schools.School
	for i := range demoCount {
		s, err := sample.Generate(prog, 1, i)
		if err != nil {
			return nil, err
		}
		fields := map[string]string{}
		for role, v := range map[string]string{"school_name": s.Name, "school_code": s.Code, "school_year": sample.SchoolYear} {
			if _, f := prog.Spec.Role(role); f != nil {
				fields[f.Key] = v
			}
		}
		out = append(out, schools.School{Line: i + 2, Name: s.Name, Code: s.Code, Year: sample.SchoolYear, Fields: fields})
	}
	return out, nil
}

// demoCount is the number of demo schools: those of `nianbao sample -n 8`.
const demoCount = 8

// printDemoLinks gives every demo school a link and prints two.
func printDemoLinks(ctx context.Context, w io.Writer, srv *serve.Server) error {
	list, tokens, err := srv.IssueLinks(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "已载入 %d 所示例学校（与 nianbao sample 生成的学校相同）；两所学校的填报链接（其余见教育局页面“导出学校链接”）：\n", len(list))
	for _, s := range list[:min(2, len(list))] {
		fmt.Fprintf(w, "  %s：%s\n", s.Name, srv.Link(tokens[s.Code]))
	}
	fmt.Fprintln(w, "试用：nianbao sample -n 2 --inject 4 -o 样例学校 生成这两所学校填好的工作簿（含错误），在各自的链接上上传。")
	return nil
}

// issueLinks prints every school's link as CSV with a BOM.
func issueLinks(ctx context.Context, w io.Writer, srv *serve.Server) error {
	csv, err := srv.LinksCSV(ctx)
	if err != nil {
		return err
	}
	_, err = w.Write(csv)
	return err
}

// uploadReader reads an upload: a workbook as validate reads it, or a .zip
// holding exactly one workbook, extracted beside it (the server's own
// temporary folder) within the reader's limits.
func uploadReader(prog *formula.Program) func(ctx context.Context, p string) (*report.Report, []byte, error) {
	rd := reader.New(prog)
	read := func(ctx context.Context, p string) (*report.Report, []byte, error) {
		r, data, err := rd.ReadFile(ctx, p, reader.FileOptions{})
		if err != nil { // no --password on the web page
			return nil, nil, errors.New(strings.Replace(intake.LocalMessage(err, "zh"), intake.EncryptedHelpZh, intake.EncryptedUploadZh, 1))
		}
		return r, data, nil
	}
	return func(ctx context.Context, p string) (*report.Report, []byte, error) {
		if !intake.IsArchive(p) {
			return read(ctx, p)
		}
		inner, entry, err := intake.ExtractOne(p, filepath.Dir(p), intake.DefaultLimits())
		if err != nil { // named as intake names a file it cannot read
			return nil, nil, fmt.Errorf("%s: %w", p, err)
		}
		r, data, err := read(ctx, inner)
		if err != nil { // named through the archive, as the school knows it
			return nil, nil, errors.New(strings.ReplaceAll(err.Error(), inner, p+"/"+entry))
		}
		return r, data, nil
	}
}
