package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

//go:embed migrations
var migrations embed.FS

// Backends.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Store is an open database of submissions.
type Store struct {
	db      *sql.DB
	backend string
	target  string // shown in messages: the path, or the URL without its password
	labels  labelCache
}

// Error is an error opening a store, in Chinese (Error) and English (En),
// for a command's --lang; Err is the cause, when there is one.
type Error struct {
	Zh, En string
	Err    error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Zh + ": " + e.Err.Error()
	}
	return e.Zh
}

// English is the error in English.
func (e *Error) English() string {
	var inner *Error
	if errors.As(e.Err, &inner) {
		return e.En + ": " + inner.English()
	}
	if e.Err != nil {
		return e.En + ": " + e.Err.Error()
	}
	return e.En
}

func (e *Error) Unwrap() error { return e.Err }

// wrap is an Error with a cause (or none); both texts take args.
func wrap(err error, zh, en string, args ...any) *Error {
	return &Error{Zh: fmt.Sprintf(zh, args...), En: fmt.Sprintf(en, args...), Err: err}
}

// IsURL reports whether a --db value names a PostgreSQL server rather than
// a SQLite file.
func IsURL(target string) bool {
	return strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://")
}

// Open opens the store a --db value names — a SQLite file (created when
// absent) or a postgres:// URL — and brings its schema up to date.
func Open(ctx context.Context, target string) (*Store, error) {
	if strings.TrimSpace(target) == "" {
		return nil, &Error{Zh: "没有给出数据库（--db 文件路径或 postgres:// 地址）", En: "no database given (--db: a file path or a postgres:// URL)"}
	}
	s := &Store{target: target}
	var err error
	if IsURL(target) {
		s.backend = Postgres
		s.target = redact(target)
		s.db, err = sql.Open("pgx", target)
	} else {
		s.backend = SQLite
		var dsn string
		if dsn, err = sqliteDSN(target); err == nil {
			s.db, err = sql.Open("sqlite", dsn)
		}
	}
	if err != nil {
		return nil, wrap(err, "无法打开数据库 %s", "cannot open the database %s", s.target)
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, wrap(errors.New(err.Error()), "无法连接数据库 %s", "cannot connect to the database %s", s.target)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, wrap(err, "数据库 %s 的表结构无法建立或升级", "the tables of the database %s cannot be made or brought up to date", s.target)
	}
	return s, nil
}

// sqliteDSN is the modernc.org/sqlite name of a file: a URI (so that any
// character of the path is allowed), waiting up to 30 s for another
// writer, WAL so readers never wait, foreign keys on, and write
// transactions that take the lock when they begin (two runs at once
// queue instead of failing half-way).
func sqliteDSN(path string) (string, error) {
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return "", wrap(nil, "%s 是文件夹，不是数据库文件", "%s is a folder, not a database file", path)
		}
		if err := isSQLite(path); err != nil {
			return "", err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	} else if dir := filepath.Dir(path); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return "", wrap(nil, "数据库所在的文件夹 %s 不存在", "the folder of the database, %s, does not exist", dir)
		}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x → /C:/x
	}
	u := url.URL{Path: p}
	q := url.Values{}
	for _, pr := range []string{"busy_timeout(30000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", pr)
	}
	q.Set("_txlock", "immediate")
	return "file://" + u.EscapedPath() + "?" + q.Encode(), nil
}

// isSQLite refuses an existing file that is not a SQLite database (a
// workbook given as --db by mistake is never written to).
func isSQLite(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 16)
	n, err := io.ReadFull(f, head)
	if n == 0 && (err == io.EOF || err == io.ErrUnexpectedEOF) {
		return nil // an empty file becomes the database
	}
	if string(head[:n]) != "SQLite format 3\x00" {
		return wrap(nil, "%s 不是 SQLite 数据库文件（--db 需要数据库文件，不是工作簿）", "%s is not a SQLite database file (--db takes a database file, not a workbook)", path)
	}
	return nil
}

// redact is a URL without its password, for messages.
func redact(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

func (s *Store) migrate(ctx context.Context) error {
	dialect, dir := goose.DialectSQLite3, "migrations/sqlite"
	var opts []goose.ProviderOption
	if s.backend == Postgres {
		dialect, dir = goose.DialectPostgres, "migrations/postgres"
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(dialect, s.db, sub, opts...)
	if err != nil {
		return err
	}
	// SQLite has no session lock: two processes opening a new file at once
	// may both try the first migration; the loser finds it done on retry.
	for attempt := 0; ; attempt++ {
		_, err = p.Up(ctx)
		if err == nil || s.backend == Postgres || attempt == 3 {
			return err
		}
		time.Sleep(time.Duration(100*(attempt+1)) * time.Millisecond)
	}
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Backend is SQLite or Postgres.
func (s *Store) Backend() string { return s.backend }

// DB is the database, for packages that keep their own tables in it.
func (s *Store) DB() *sql.DB { return s.db }

// String names the store in messages (a URL without its password).
func (s *Store) String() string { return s.target }

// Rebind adapts a query written with ? placeholders to the backend ($1 on
// PostgreSQL), for packages that query the store's tables and views.
func (s *Store) Rebind(query string) string { return s.q(query) }

// q adapts a query written with ? placeholders to the backend.
func (s *Store) q(query string) string {
	if s.backend != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// now is the time stored with a row: RFC 3339 in UTC.
func now() string { return time.Now().UTC().Format(time.RFC3339) }
