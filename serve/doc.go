// Package serve is the web intake of `nianbao serve`: server-rendered pages
// (net/http, html/template, no JavaScript) in Chinese, where each school,
// through a link with a secret token (/s/TOKEN/), downloads its template,
// uploads its workbook and sees the findings at once (the same as validate:
// by table, with cell and row), downloads the annotated copy, writes a 说明
// for each warning and resubmits; and where the bureau, after logging in,
// watches 提交情况, reads any school's findings, locks and re-opens the
// submission used, hands out and revokes links, downloads 汇总.xlsx
// (consolidate over the submissions used) at any moment, sees its charts
// drawn as SVG (the values of the workbook's 图表 sheet, through
// consolidate.ChartSink; each also as an .svg file) and changes its
// password.
//
// The server keeps everything in a Store (SQLStore: SQLite or PostgreSQL):
// the uploaded bytes are stored in the database, never under a name from
// the client. Each upload is also a submission of package store (its
// workbook, values and findings as consolidate keeps a file), written in
// the same transaction; the upload the bureau uses for a school is the
// store's accepted one of its year, the others superseded. Rate limits
// and first-login codes are in the database too, so several processes
// on one PostgreSQL behave as one. Reading and annotating workbooks are given to it (Config.Read,
// Config.Annotate, Config.Template), as the command wires them, so this
// package never touches a workbook itself.
//
// Security: tokens of 192 random bits looked up by their SHA-256 and compared
// in constant time, never logged; CSRF tokens on every form (double-submit
// cookie); an upload size limit; rate limits on login and upload; CSP,
// X-Content-Type-Options and frame-ancestors on every response; no stack
// trace or path in any response; a token reaches only its school's data.
// Reliability: an upload is validated first, in a bounded pool of workers,
// then stored with its findings in one transaction; Serve stops gracefully.
package serve
