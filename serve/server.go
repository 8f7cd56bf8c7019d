package serve

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/validate"
)

//go:embed pages/*.html static/*
var assets embed.FS

// Config is what a Server is made of. Store, Program, Read, Annotate and
// Template are required.
type Config struct {
	Store   Store
	Program *formula.Program
	// Read reads one uploaded file (a workbook, or a .zip holding one) into
	// a report and its .xlsx bytes; its error is the message the school
	// sees. Annotate writes the annotated copy (both as for validate).
	Read     validate.ReadFunc
	Annotate validate.AnnotateFunc
	// Template writes a school's template, prefilled with its list values
	// and, given prior, last year's figures as its 上学年.
	Template func(s School, prior *report.PriorYear, w io.Writer) error
	// Prior, when set, is what a school reported as 本学年 the year before
	// a 学年 (nil when nothing): the template's 上学年 is prefilled with it
	// and uploads get the cross-year check, as consolidate --db does.
	Prior func(ctx context.Context, code, year string) (*report.PriorYear, error)
	// Exts are the extensions accepted for upload (.xlsx and .zip at
	// least; .xls, .et, .ods where LibreOffice can convert them).
	Exts []string
	// Year is the 学年 collected; a workbook of another year is not used
	// for 汇总 ("" takes any).
	Year string
	// BaseURL is how schools reach the server (for the links it hands
	// out), e.g. https://nianbao.example.edu.cn.
	BaseURL string
	Logger  *slog.Logger
	// MaxUpload bounds an upload's size (default 20 MiB).
	MaxUpload int64
	// Workers bounds the validations running at once (default: one per CPU).
	Workers int
	// Rate limits, per minute: logins per client address (default 10,
	// burst 5) and uploads per school (default 20, burst 10).
	LoginPerMinute, UploadPerMinute float64
	LoginBurst, UploadBurst         int
	// SecureCookies marks cookies Secure even without TLS (behind an HTTPS
	// proxy); TrustProxy takes X-Real-IP and X-Forwarded-Proto from a
	// proxy on this machine.
	SecureCookies, TrustProxy bool
	// SessionAge is how long a bureau login lasts (default 12 hours).
	SessionAge time.Duration
}

// Server is the web intake: schools' pages under /s/TOKEN/, the bureau's
// under /bureau/.
type Server struct {
	cfg       Config
	pages     *template.Template
	log       *slog.Logger
	pool      chan struct{} // one slot per running validation
	loginRate *limiter
	upRate    *limiter
	setupMu   sync.Mutex
	regionMu  sync.Mutex // one consolidation at a time
	setupCode string     // this process's first-login code (any process's works), while no password is set
	mux       *http.ServeMux
}

// New makes a server; when the bureau has no password yet, SetupCode gives
// the one-time code of the first login.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Program == nil || cfg.Read == nil || cfg.Annotate == nil || cfg.Template == nil {
		return nil, errors.New("serve: Config needs Store, Program, Read, Annotate and Template")
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = 20 << 20
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.NumCPU()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if len(cfg.Exts) == 0 {
		cfg.Exts = []string{".xlsx", ".zip"}
	}
	if cfg.LoginPerMinute <= 0 {
		cfg.LoginPerMinute, cfg.LoginBurst = 10, 5
	}
	if cfg.UploadPerMinute <= 0 {
		cfg.UploadPerMinute, cfg.UploadBurst = 20, 10
	}
	if cfg.SessionAge <= 0 {
		cfg.SessionAge = 12 * time.Hour
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	pages, err := template.New("").Funcs(funcs).ParseFS(assets, "pages/*.html")
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, pages: pages, log: cfg.Logger, pool: make(chan struct{}, cfg.Workers),
		loginRate: newLimiter(cfg.LoginPerMinute, max(1, cfg.LoginBurst)), upRate: newLimiter(cfg.UploadPerMinute, max(1, cfg.UploadBurst))}
	// the limits count across every process on the database
	s.loginRate.name, s.loginRate.shared, s.loginRate.log = "login", cfg.Store.Allow, cfg.Logger
	s.upRate.name, s.upRate.shared, s.upRate.log = "upload", cfg.Store.Allow, cfg.Logger
	if hash, ok, err := cfg.Store.Setting(ctx, settingPassword); err != nil {
		return nil, err
	} else if !ok || hash == "" {
		// this process's first-login code, good on every process
		code := NewToken()
		if err := cfg.Store.AddSetupCode(ctx, tokenLookup(code)); err != nil {
			return nil, err
		}
		s.setupCode = code
	}
	s.routes()
	return s, nil
}

// ResetPassword removes the bureau's password and ends every session: the
// next start prints a first-login link again.
func ResetPassword(ctx context.Context, st Store) error {
	if err := st.SetSetting(ctx, settingPassword, ""); err != nil {
		return err
	}
	return st.DeleteSessions(ctx)
}

// SetupCode is the one-time code of the bureau's first login
// (/bureau/setup?code=…), or "" once a password is set.
func (s *Server) SetupCode() string {
	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	return s.setupCode
}

// Link is a school's page for a token, under BaseURL.
func (s *Server) Link(token string) string { return s.cfg.BaseURL + "/s/" + token + "/" }

// linkFor is a school's page as the bureau's request reaches the server
// when no BaseURL is set.
func (s *Server) linkFor(r *http.Request, token string) string {
	if s.cfg.BaseURL != "" {
		return s.Link(token)
	}
	scheme := "http"
	if s.overHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + s.Link(token) // Link without BaseURL: the path
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.index)
	m.HandleFunc("GET /static/style.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=3600")
		http.ServeFileFS(w, r, assets, "static/style.css")
	})
	m.HandleFunc("GET /s/{token}/{$}", s.school(s.schoolPage))
	m.HandleFunc("GET /s/{token}/template.xlsx", s.school(s.schoolTemplate))
	m.HandleFunc("POST /s/{token}/upload", s.school(s.upload))
	m.HandleFunc("GET /s/{token}/sub/{id}/{$}", s.school(s.schoolSubmission))
	m.HandleFunc("GET /s/{token}/sub/{id}/annotated.xlsx", s.school(s.schoolAnnotated))
	m.HandleFunc("POST /s/{token}/sub/{id}/explain", s.school(s.explain))
	m.HandleFunc("GET /bureau/login", s.loginPage)
	m.HandleFunc("POST /bureau/login", s.login)
	m.HandleFunc("GET /bureau/setup", s.setupPage)
	m.HandleFunc("POST /bureau/setup", s.setup)
	m.HandleFunc("POST /bureau/logout", s.bureau(s.logout))
	m.HandleFunc("GET /bureau/password", s.bureau(s.passwordPage))
	m.HandleFunc("POST /bureau/password", s.bureau(s.changePassword))
	m.HandleFunc("GET /bureau/{$}", s.bureau(s.overview))
	m.HandleFunc("GET /bureau/school/{code}/{$}", s.bureau(s.bureauSchool))
	m.HandleFunc("GET /bureau/sub/{id}/annotated.xlsx", s.bureau(s.bureauAnnotated))
	m.HandleFunc("POST /bureau/school/{code}/lock", s.bureau(s.lock))
	m.HandleFunc("POST /bureau/school/{code}/unlock", s.bureau(s.onSchool(s.cfg.Store.Unlock)))
	m.HandleFunc("POST /bureau/school/{code}/link", s.bureau(s.newLink))
	m.HandleFunc("POST /bureau/school/{code}/revoke", s.bureau(s.onSchool(s.cfg.Store.RevokeToken)))
	m.HandleFunc("GET /bureau/links.csv", s.bureau(s.linksCSV))
	m.HandleFunc("GET /bureau/charts/{$}", s.bureau(s.chartsPage))
	m.HandleFunc("GET /bureau/charts/{file}", s.bureau(s.chartSVG))
	m.HandleFunc("GET /bureau/region.xlsx", s.bureau(s.region))
	m.HandleFunc("GET /bureau/region-csv.zip", s.bureau(s.regionFiles("csv")))
	m.HandleFunc("GET /bureau/region-json.zip", s.bureau(s.regionFiles("json")))
	// another method on a form's route: said in Chinese, after the link or
	// the login is checked like any other request
	wrong := func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusMethodNotAllowed, "请通过页面上的表单操作。")
	}
	for _, p := range []string{"/s/{token}/upload", "/s/{token}/sub/{id}/explain"} {
		m.HandleFunc(p, s.school(func(w http.ResponseWriter, r *http.Request, _ School, _ string) { wrong(w, r) }))
	}
	for _, p := range []string{"/bureau/logout", "/bureau/password", "/bureau/school/{code}/lock", "/bureau/school/{code}/unlock", "/bureau/school/{code}/link", "/bureau/school/{code}/revoke"} {
		m.HandleFunc(p, s.bureau(wrong))
	}
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { s.notFound(w, r) })
	s.mux = m
}

// Handler is the whole site: security headers, a request log without
// secrets, and no stack trace or path in any response.
func (s *Server) Handler() http.Handler {
	return securityHeaders(s.logged(s.recovered(s.mux)))
}

// Serve answers on l until ctx ends, then stops taking requests and lets
// those under way finish (up to grace) — an upload is then stored whole or
// not at all.
func (s *Server) Serve(ctx context.Context, l net.Listener, certFile, keyFile string, grace time.Duration) error {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() {
		if certFile != "" {
			errc <- srv.ServeTLS(l, certFile, keyFile)
		} else {
			errc <- srv.Serve(l)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		srv.Close()
		return fmt.Errorf("serve: 有请求在 %s 内未完成，已强行关闭", grace)
	}
	return err
}

// statusWriter remembers the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// logPath is a request's path fit for the log: a school's token is never
// written, only its first four characters.
func logPath(p string) string {
	if rest, ok := strings.CutPrefix(p, "/s/"); ok {
		tok, after, _ := strings.Cut(rest, "/")
		if len(tok) > 4 {
			tok = tok[:4]
		}
		return "/s/" + tok + "…/" + after
	}
	return p
}

func (s *Server) logged(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		s.log.Info("request", "method", r.Method, "path", logPath(r.URL.Path), "status", sw.status,
			"ms", time.Since(start).Milliseconds(), "client", s.clientIP(r))
	})
}

func (s *Server) recovered(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "path", logPath(r.URL.Path), "error", fmt.Sprint(v))
				s.fail(w, r, http.StatusInternalServerError, "服务器内部错误，请稍后再试。")
			}
		}()
		h.ServeHTTP(w, r)
	})
}
