package serve

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/nianbao/nianbao/consolidate"
	"github.com/nianbao/nianbao/validate"
	"golang.org/x/crypto/bcrypt"
)

// settingPassword is the setting holding the bureau's bcrypt hash.
const settingPassword = "bureau_password"

// minPassword is the shortest password the bureau may set.
const minPassword = 10

// bureau lets a request through with a valid session; a form also needs
// its CSRF token.
func (s *Server) bureau(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		ok := false
		if err == nil && plausibleToken(c.Value) {
			if ok, err = s.cfg.Store.SessionValid(r.Context(), tokenLookup(c.Value), time.Now()); err != nil {
				s.internal(w, r, err)
				return
			}
		}
		if !ok {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/bureau/login", http.StatusSeeOther)
				return
			}
			s.fail(w, r, http.StatusForbidden, "登录已过期，请重新登录。")
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			if !csrfOK(r) {
				s.fail(w, r, http.StatusForbidden, "页面已过期，请刷新页面后重试。")
				return
			}
		}
		h(w, r)
	}
}

// needsSetup tells whether the bureau still has no password (in the
// database: another process may have set it, or removed it at its start).
// Once it is set, this process's first-login code is dropped.
func (s *Server) needsSetup(ctx context.Context) (bool, error) {
	hash, ok, err := s.cfg.Store.Setting(ctx, settingPassword)
	if err != nil {
		return false, err
	}
	if ok && hash != "" {
		s.dropSetupCode()
		return false, nil
	}
	return true, nil
}

// dropSetupCode forgets this process's first-login code: a password is set.
func (s *Server) dropSetupCode() {
	s.setupMu.Lock()
	s.setupCode = ""
	s.setupMu.Unlock()
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	setup, err := s.needsSetup(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if setup {
		s.render(w, r, http.StatusOK, "message", view{"Title": "尚未设置密码", "Status": 0,
			"Message": "教育局尚未设置登录密码：请打开启动 nianbao serve 时显示的“首次登录”链接设置密码。", "Back": "/"})
		return
	}
	s.render(w, r, http.StatusOK, "login", view{"Title": "教育局登录"})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if !s.loginRate.allow(r.Context(), s.clientIP(r)) {
		s.fail(w, r, http.StatusTooManyRequests, "登录尝试过于频繁，请一分钟后再试。")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if !csrfOK(r) {
		s.fail(w, r, http.StatusForbidden, "页面已过期，请刷新页面后重新登录。")
		return
	}
	hash, ok, err := s.cfg.Store.Setting(r.Context(), settingPassword)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if !ok || hash == "" || bcrypt.CompareHashAndPassword([]byte(hash), []byte(r.PostFormValue("password"))) != nil {
		s.log.Warn("login failed", "client", s.clientIP(r))
		s.render(w, r, http.StatusUnauthorized, "login", view{"Title": "教育局登录", "Error": "密码不正确。"})
		return
	}
	s.startSession(w, r)
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request) {
	if !s.newSession(w, r) {
		return
	}
	s.log.Info("login", "client", s.clientIP(r))
	http.Redirect(w, r, "/bureau/", http.StatusSeeOther)
}

// newSession starts a bureau session in this browser (its cookie); false
// when it could not be stored (the response is written).
func (s *Server) newSession(w http.ResponseWriter, r *http.Request) bool {
	sid := NewToken()
	if err := s.cfg.Store.AddSession(r.Context(), tokenLookup(sid), time.Now().Add(s.cfg.SessionAge)); err != nil {
		s.internal(w, r, err)
		return false
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sid, Path: "/bureau/", MaxAge: int(s.cfg.SessionAge.Seconds()),
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
	return true
}

func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) {
	if setup, err := s.needsSetup(r.Context()); err != nil || !setup {
		http.Redirect(w, r, "/bureau/login", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "setup", view{"Title": "设置教育局登录密码", "Code": r.URL.Query().Get("code"), "Min": minPassword})
}

// setup sets the bureau's password with the one-time code of the first
// start.
func (s *Server) setup(w http.ResponseWriter, r *http.Request) {
	if !s.loginRate.allow(r.Context(), s.clientIP(r)) {
		s.fail(w, r, http.StatusTooManyRequests, "尝试过于频繁，请一分钟后再试。")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if !csrfOK(r) {
		s.fail(w, r, http.StatusForbidden, "页面已过期，请刷新页面后重试。")
		return
	}
	setup, err := s.needsSetup(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	code, pw := r.PostFormValue("code"), r.PostFormValue("password")
	again := func(msg string) {
		s.render(w, r, http.StatusBadRequest, "setup", view{"Title": "设置教育局登录密码", "Code": code, "Min": minPassword, "Error": msg})
	}
	// any process's code (kept in the database by its SHA-256)
	known := false
	if setup && plausibleToken(code) {
		if known, err = s.cfg.Store.SetupCodeValid(r.Context(), tokenLookup(code)); err != nil {
			s.internal(w, r, err)
			return
		}
	}
	switch {
	case !setup:
		http.Redirect(w, r, "/bureau/login", http.StatusSeeOther)
		return
	case !known:
		s.fail(w, r, http.StatusForbidden, "首次登录链接不正确：请使用启动 nianbao serve 时显示的链接。")
		return
	case utf8.RuneCountInString(pw) < minPassword:
		again("密码至少 " + strconv.Itoa(minPassword) + " 个字符。")
		return
	case pw != r.PostFormValue("again"):
		again("两次输入的密码不一致。")
		return
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		again("密码不能超过 72 个字节。")
		return
	}
	set, err := s.cfg.Store.SetFirstPassword(r.Context(), tokenLookup(code), string(hash))
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if !set { // another process's first login came first
		http.Redirect(w, r, "/bureau/login", http.StatusSeeOther)
		return
	}
	s.dropSetupCode()
	s.startSession(w, r)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.cfg.Store.DeleteSession(r.Context(), tokenLookup(c.Value)); err != nil {
			s.internal(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/bureau/", MaxAge: -1, HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/bureau/login", http.StatusSeeOther)
}

// schoolRow is one school in 提交情况.
type schoolRow struct {
	School
	Used    *Submission // the submission used, or nil
	Count   int         // submissions
	Last    time.Time   // of the newest submission
	Locked  bool
	HasLink bool
}

// overview is 提交情况: every school with the submission used.
func (s *Server) overview(w http.ResponseWriter, r *http.Request) {
	rows, totals, err := s.overviewRows(r)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "bureau", view{"Title": "提交情况", "Rows": rows, "T": totals, "Bureau": true, "SpecTitle": s.cfg.Program.Spec.Title, "Year": s.cfg.Year, "Refresh": 60})
}

type totals struct{ Schools, Passed, Warnings, Errors, Missing, Locked int }

// Submitted are the schools with a submission used.
func (t totals) Submitted() int { return t.Passed + t.Warnings + t.Errors }

func (s *Server) overviewRows(r *http.Request) ([]schoolRow, totals, error) {
	ctx := r.Context()
	var t totals
	list, bySchool, locks, err := s.everySchool(ctx)
	if err != nil {
		return nil, t, err
	}
	tokens, err := s.cfg.Store.Tokens(ctx)
	if err != nil {
		return nil, t, err
	}
	rows := make([]schoolRow, 0, len(list))
	for _, sc := range list {
		own := bySchool[sc.Code]
		row := schoolRow{School: sc, Count: len(own), Locked: locks[sc.Code] != 0, HasLink: tokens[sc.Code] != "", Used: s.used(own, locks[sc.Code])}
		if len(own) > 0 {
			row.Last = own[0].Created
		}
		t.Schools++
		if row.Locked {
			t.Locked++
		}
		switch {
		case row.Used == nil:
			t.Missing++
		case row.Used.Status == validate.StatusErrors:
			t.Errors++
		case row.Used.Status == validate.StatusWarnings:
			t.Warnings++
		default:
			t.Passed++
		}
		rows = append(rows, row)
	}
	return rows, t, nil
}

// bureauSchool is one school for the bureau: its link, its submissions
// and the findings of one (?id=, else the one used, else the newest).
func (s *Server) bureauSchool(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc, ok := s.schoolOf(w, r, r.PathValue("code"))
	if !ok {
		return
	}
	subs, used, locked, err := s.schoolSubs(ctx, sc.Code)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	tokens, err := s.cfg.Store.Tokens(ctx)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	var id int64
	if q := r.URL.Query(); q.Has("id") {
		var ok bool
		if id, ok = s.submissionID(w, r, q.Get("id")); !ok {
			return
		}
	} else if used != nil {
		id = used.ID
	} else if len(subs) > 0 {
		id = subs[0].ID
	}
	var cur *Submission
	if id != 0 {
		if cur = s.submissionOf(w, r, id, sc.Code); cur == nil {
			return
		}
	}
	link := ""
	if t := tokens[sc.Code]; t != "" {
		link = s.linkFor(r, t)
	}
	s.render(w, r, http.StatusOK, "bureau_school", view{"Title": sc.Name, "School": sc, "Subs": subs, "Cur": cur, "Used": used,
		"Locked": locked, "Link": link, "Bureau": true})
}

func (s *Server) bureauAnnotated(w http.ResponseWriter, r *http.Request) {
	if sub := s.ownSubmission(w, r, ""); sub != nil {
		s.annotated(w, r, sub)
	}
}

// lock fixes the submission used for a school (the one used now, or the
// form's id); the school can upload no more until it is re-opened.
func (s *Server) lock(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	id, ok := s.submissionID(w, r, r.PostFormValue("id"))
	if !ok {
		return
	}
	sub := s.submissionOf(w, r, id, code)
	if sub == nil {
		return
	}
	if sub.Status == validate.StatusUnreadable {
		s.fail(w, r, http.StatusBadRequest, "无法读取的文件不能锁定为采用的提交。")
		return
	}
	if s.cfg.Year != "" && sub.Year != s.cfg.Year {
		s.fail(w, r, http.StatusBadRequest, "这份工作簿的学年是 "+sub.Year+"，不是本次收集的 "+s.cfg.Year+" 学年，不能锁定为采用的提交。")
		return
	}
	if err := s.cfg.Store.Lock(r.Context(), code, id); err != nil {
		s.internal(w, r, err)
		return
	}
	toSchool(w, r, code)
}

// onSchool is a bureau's form that does one thing to the route's school
// (unlock, revoke), then goes back to the school's page.
func (s *Server) onSchool(do func(ctx context.Context, code string) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		code := r.PathValue("code")
		if err := do(r.Context(), code); err != nil {
			s.internal(w, r, err)
			return
		}
		toSchool(w, r, code)
	}
}

// toSchool sends the bureau back to a school's page.
func toSchool(w http.ResponseWriter, r *http.Request, code string) {
	http.Redirect(w, r, "/bureau/school/"+code+"/", http.StatusSeeOther)
}

// newLink gives a school a new link; the old one stops working.
func (s *Server) newLink(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if _, ok := s.schoolOf(w, r, code); !ok {
		return
	}
	if err := s.cfg.Store.SetToken(r.Context(), code, NewToken()); err != nil {
		s.internal(w, r, err)
		return
	}
	toSchool(w, r, code)
}

// IssueLinks gives every school of the store without a link one, and
// returns every school's link by code.
func (s *Server) IssueLinks(ctx context.Context) ([]School, map[string]string, error) {
	list, err := s.cfg.Store.Schools(ctx)
	if err != nil {
		return nil, nil, err
	}
	tokens, err := s.cfg.Store.Tokens(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, sc := range list {
		if tokens[sc.Code] == "" {
			t := NewToken()
			if err := s.cfg.Store.SetToken(ctx, sc.Code, t); err != nil {
				return nil, nil, err
			}
			tokens[sc.Code] = t
		}
	}
	return list, tokens, nil
}

// linksCSV is every school's link as CSV with a BOM and CRLF (as Excel
// opens it), schools without a link given one.
func (s *Server) linksCSV(w http.ResponseWriter, r *http.Request) {
	data, err := s.LinksCSV(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	attachment(w, "学校填报链接.csv", "text/csv; charset=utf-8", data)
}

// LinksCSV is every school's link (学校标识码, 学校名称, 填报链接) as CSV
// with a BOM and CRLF, schools without a link given one.
func (s *Server) LinksCSV(ctx context.Context) ([]byte, error) {
	list, tokens, err := s.IssueLinks(ctx)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("\ufeff")
	cw := csv.NewWriter(&b)
	cw.UseCRLF = true
	cw.Write([]string{"学校标识码", "学校名称", "填报链接"})
	for _, sc := range list {
		cw.Write([]string{sc.Code, consolidate.CSVText(sc.Name), s.Link(tokens[sc.Code])})
	}
	cw.Flush()
	return b.Bytes(), cw.Error()
}
