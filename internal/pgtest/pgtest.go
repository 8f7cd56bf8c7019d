// Package pgtest gives tests a real PostgreSQL: a throw-away cluster
// (initdb in a temporary folder, listening only on a Unix socket there),
// started once per test binary and stopped by Stop in TestMain; each test
// gets a database of its own. NIANBAO_PG_URL points the tests at a server
// of one's own instead. Without PostgreSQL the tests skip with a message,
// and fail instead under NIANBAO_REAL_CLIENTS=1 (CI installs it).
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver
	"github.com/nianbao/nianbao/internal/realclients"
)

type clusterT struct {
	dir, base string   // data folder; URL without a database name
	runas     []string // runuser -u postgres -- when running as root
	bin       string
	err       error
}

var (
	once    sync.Once
	cluster clusterT
	seq     atomic.Int64
)

// URL starts the cluster when needed and returns the URL of a new, empty
// database for the test.
func URL(t testing.TB) string {
	t.Helper()
	if own := os.Getenv("NIANBAO_PG_URL"); own != "" {
		return fresh(t, own)
	}
	bin := binDir()
	if bin == "" {
		if realclients.Required() {
			t.Fatal("NIANBAO_REAL_CLIENTS=1 but PostgreSQL (initdb, pg_ctl) is missing")
		}
		t.Skip("skipped: PostgreSQL is not installed (apt-get install -y postgresql, or run .ci/run; or set NIANBAO_PG_URL)")
	}
	once.Do(func() { start(bin) })
	if cluster.err != nil {
		t.Fatalf("throw-away PostgreSQL did not start: %v", cluster.err)
	}
	return fresh(t, cluster.base)
}

// binDir finds initdb and pg_ctl: on PATH, else Debian's versioned folder.
func binDir() string {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p)
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "pg_ctl")); err == nil {
			return dirs[i]
		}
	}
	return ""
}

// start makes and starts the cluster. PostgreSQL refuses to run as root:
// as root it runs as the postgres user (Debian's package makes it).
func start(bin string) {
	c := &cluster
	c.bin = bin
	dir, err := os.MkdirTemp("", "nbpg")
	if err != nil {
		c.err = err
		return
	}
	c.dir = dir
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			c.err = fmt.Errorf("running as root and there is no postgres user: %w", err)
			return
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			c.err = err
			return
		}
		c.runas = []string{"runuser", "-u", "postgres", "--"}
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run("initdb", "-D", data, "-U", "nianbao", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
		if out2, err2 := c.run("initdb", "-D", data, "-U", "nianbao", "--auth=trust", "-E", "UTF8", "--no-locale"); err2 != nil {
			c.err = fmt.Errorf("initdb: %v\n%s\n%s", err, out, out2)
			return
		}
	}
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -c fsync=off -c max_connections=300", dir)
	if out, err := c.run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		c.err = fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
		return
	}
	c.base = "postgres://nianbao@/postgres?host=" + url.QueryEscape(dir) + "&sslmode=disable"
}

func (c *clusterT) run(name string, args ...string) ([]byte, error) {
	argv := append(append([]string{}, c.runas...), filepath.Join(c.bin, name))
	argv = append(argv, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = c.dir
	return cmd.CombinedOutput()
}

// fresh creates a database of its own for a test on the server of base and
// returns its URL; it is dropped at the test's end.
func fresh(t testing.TB, base string) string {
	t.Helper()
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	name := fmt.Sprintf("nianbao_test_%d_%d", os.Getpid(), seq.Add(1))
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("CREATE DATABASE: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Stop stops the cluster, if one was started, and removes its folder: call
// it from TestMain after m.Run.
func Stop() {
	c := &cluster
	if c.dir == "" {
		return
	}
	if c.base != "" {
		c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	}
	os.RemoveAll(c.dir)
}

// Available reports whether a PostgreSQL can be had (for tests that run on
// every backend there is).
func Available() bool {
	return os.Getenv("NIANBAO_PG_URL") != "" || binDir() != "" || realclients.Required()
}

// Backends are the --db targets a test runs on: a SQLite file in dir, and
// a PostgreSQL database when there is one (see URL).
func Backends(t *testing.T) map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "nianbao.db") },
		"postgres": func(t *testing.T) string { return URL(t) },
	}
}
