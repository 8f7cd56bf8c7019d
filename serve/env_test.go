package serve

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"sync"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/internal/pgtest"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/sheets/intake"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/store"
	"github.com/nianbao/nianbao/templates"
	"github.com/nianbao/nianbao/validate"
	"golang.org/x/crypto/bcrypt"
)

const testPassword = "教育局的密码2026"

// testOnPostgres runs the tests that build an env on PostgreSQL
// (TestPostgres sets it).
var testOnPostgres bool

// env is a server on a fresh SQLite database with n generated schools,
// each with a link, and the bureau's password set.
type env struct {
	t       *testing.T
	prog    *formula.Program
	store   *SQLStore
	target  string // the store's file or URL
	db      *sql.DB
	srv     *Server
	ts      *httptest.Server
	schools []*sample.School
	tokens  map[string]string // code → token
	logs    *syncBuffer
}

// syncBuffer is a log sink safe for concurrent requests.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

var (
	progOnce sync.Once
	progVal  *formula.Program
	progErr  error
)

func testProgram(t testing.TB) *formula.Program {
	progOnce.Do(func() { progVal, progErr = templates.Get(sample.SpecID, "zh") })
	if progErr != nil {
		t.Fatal(progErr)
	}
	return progVal
}

// openTestStore opens a store: a SQLite file of the test's, or with
// NIANBAO_TEST_DB=postgres a database of the throw-away PostgreSQL.
func openTestStore(t testing.TB, target string) *store.Store {
	if target == "" {
		target = filepath.Join(t.TempDir(), "t.db")
	}
	st, err := store.Open(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// testReader reads as the command does (without its .zip step).
func testReader(p *formula.Program) func(ctx context.Context, path string) (*report.Report, []byte, error) {
	rd := reader.New(p)
	return func(ctx context.Context, path string) (*report.Report, []byte, error) {
		r, data, err := rd.ReadFile(ctx, path, reader.FileOptions{})
		if err != nil {
			return nil, nil, errors.New(intake.LocalMessage(err, "zh"))
		}
		return r, data, nil
	}
}

func newEnv(t *testing.T, n int, adjust func(*Config)) *env {
	t.Helper()
	target := ""
	if testOnPostgres {
		target = pgtest.URL(t)
	}
	return newEnvOn(t, target, n, adjust)
}

// newEnvOn is newEnv on a database of the test's: a SQLite file or a
// PostgreSQL URL (pgtest.Backends), "" for a SQLite file of its own.
func newEnvOn(t *testing.T, target string, n int, adjust func(*Config)) *env {
	t.Helper()
	e := &env{t: t, prog: testProgram(t), tokens: map[string]string{}, logs: &syncBuffer{}}
	ctx := context.Background()
	if target == "" {
		target = filepath.Join(t.TempDir(), "t.db")
	}
	e.target = target
	opened := openTestStore(t, target)
	e.db = opened.DB()
	st := NewSQLStore(opened)
	e.store = st
	var list []School
	for i := range n {
		// three generated schools; past them, schools of the list only
		// (their workbooks are school 0's recoded, see recode)
		s := &sample.School{Index: i, Code: fmt.Sprintf("4149%06d", i), Name: fmt.Sprintf("测试学校%d", i)}
		if i < 3 {
			var err error
			if s, err = sample.Generate(e.prog, 1, i); err != nil {
				t.Fatal(err)
			}
		}
		e.schools = append(e.schools, s)
		list = append(list, School{Code: s.Code, Name: s.Name, Year: sample.SchoolYear, Fields: e.fields(s)})
	}
	if err := st.PutSchools(ctx, list); err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		tok := NewToken()
		if err := st.SetToken(ctx, s.Code, tok); err != nil {
			t.Fatal(err)
		}
		e.tokens[s.Code] = tok
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetSetting(ctx, settingPassword, string(hash)); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(e.prog, st, e.logs)
	if adjust != nil {
		adjust(&cfg)
	}
	if e.srv, err = New(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	e.ts = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.ts.Close)
	return e
}

// testConfig is the server's configuration in the tests: wired as the
// command wires it.
func testConfig(p *formula.Program, st Store, logs io.Writer) Config {
	return Config{Store: st, Program: p, Read: testReader(p), Annotate: workbook.WriteAnnotated,
		Template: func(s School, prior *report.PriorYear, w io.Writer) error {
			return workbook.WriteTemplate(p, w, workbook.TemplateOptions{Generator: "test", Prefill: s.Fields, Prior: prior})
		},
		Logger: slog.New(slog.NewTextHandler(logs, nil)), Workers: 2}
}

// fields are a school's record fields by key, as a school list gives them.
// firstLogins removes the bureau's password, then starts two processes
// on the database, each with its first-login code.
func (e *env) firstLogins(ctx context.Context) (*Server, *Server) {
	e.t.Helper()
	if err := ResetPassword(ctx, e.store); err != nil {
		e.t.Fatal(err)
	}
	a, err := New(ctx, e.srv.cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	b, err := New(ctx, e.srv.cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return a, b
}

func (e *env) fields(s *sample.School) map[string]string {
	out := map[string]string{}
	for role, v := range map[string]string{"school_name": s.Name, "school_code": s.Code, "school_year": sample.SchoolYear} {
		if _, f := e.prog.Spec.Role(role); f != nil {
			out[f.Key] = v
		}
	}
	return out
}

// made keeps the workbooks made, by school and mistakes (the same in every
// env: schools are generated with one seed).
var made sync.Map

// workbook is school i's filled workbook with k mistakes (0: a clean one).
func (e *env) workbook(i, k int) []byte {
	e.t.Helper()
	if data, ok := made.Load([2]int{i, k}); ok {
		return data.([]byte)
	}
	s := e.schools[i]
	fill := workbook.FillOptions{TemplateOptions: workbook.TemplateOptions{Generator: "test"}}
	if k > 0 {
		kinds := sample.Kinds()
		raw, _, err := sample.Inject(e.prog, s, kinds[:k], rand.New(rand.NewPCG(7, uint64(i))))
		if err != nil {
			e.t.Fatal(err)
		}
		fill.Raw = raw
	}
	var b bytes.Buffer
	if err := workbook.WriteFilled(e.prog, s.Book, &b, fill); err != nil {
		e.t.Fatal(err)
	}
	made.Store([2]int{i, k}, b.Bytes())
	return b.Bytes()
}

// client is a browser of its own (cookies kept, redirects not followed).
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get fetches a page and returns status, body and the CSRF token of its forms.
func (e *env) get(c *http.Client, path string) (int, string, string) {
	e.t.Helper()
	code, _, body := e.getBytes(c, path)
	csrf := ""
	if m := csrfRE.FindSubmatch(body); m != nil {
		csrf = string(m[1])
	}
	return code, string(body), csrf
}

// getBytes fetches a file and returns status, header and bytes.
func (e *env) getBytes(c *http.Client, path string) (int, http.Header, []byte) {
	e.t.Helper()
	resp, err := c.Get(e.ts.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func (e *env) post(c *http.Client, path string, form map[string]string) (*http.Response, string) {
	e.t.Helper()
	vals := url.Values{}
	for k, v := range form {
		vals.Set(k, v)
	}
	resp, err := c.PostForm(e.ts.URL+path, vals)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// upload posts a file to a school's upload form.
func (e *env) upload(c *http.Client, token, csrf, name string, data []byte) (*http.Response, string) {
	e.t.Helper()
	body, ctype := multipartBody(e.t, csrf, name, data)
	resp, err := c.Post(e.ts.URL+"/s/"+token+"/upload", ctype, body)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, string(out)
}

// login logs a client in as the bureau.
func (e *env) login(c *http.Client) {
	e.t.Helper()
	_, _, csrf := e.get(c, "/bureau/login")
	resp, body := e.post(c, "/bureau/login", map[string]string{"csrf": csrf, "password": testPassword})
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
}

// warned submits school i's samples with mistakes (the kinds 1 to 6) until
// one warns, and returns that submission and its first warning.
func (e *env) warned(i int) (*Submission, Finding) {
	e.t.Helper()
	ctx := context.Background()
	for k := 1; k <= 6; k++ {
		e.submit(i, k)
		latest, _ := e.store.Submissions(ctx, e.schools[i].Code)
		if latest[0].Counts.Warnings == 0 {
			continue
		}
		sub, err := e.store.Submission(ctx, latest[0].ID)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, f := range sub.Findings {
			if f.Severity == validate.Warning {
				return sub, f
			}
		}
	}
	e.t.Fatal("no sample with a warning")
	return nil, Finding{}
}
