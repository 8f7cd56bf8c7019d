package serve

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
)

var subRE = regexp.MustCompile(`/sub/(\d+)/`)

// submit uploads school i's workbook with k mistakes through its link and
// returns the submission's page path.
func (e *env) submit(i, k int) string {
	e.t.Helper()
	c := e.client()
	tok := e.tokens[e.schools[i].Code]
	_, _, csrf := e.get(c, "/s/"+tok+"/")
	resp, body := e.upload(c, tok, csrf, fmt.Sprintf("学校%d.xlsx", i), e.workbook(i, k))
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

func TestUploadShowsFindings(t *testing.T) {
	e := newEnv(t, 1, nil)
	loc := e.submit(0, 3)
	c := e.client()
	code, body, _ := e.get(c, loc)
	if code != 200 {
		t.Fatalf("%s: %d", loc, code)
	}
	id := subRE.FindStringSubmatch(loc)[1]
	var n int64
	fmt.Sscan(id, &n)
	sub, err := e.store.Submission(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Counts.Errors+sub.Counts.Warnings == 0 || len(sub.Findings) == 0 {
		t.Fatalf("three mistakes, no finding stored: %+v", sub.Counts)
	}
	for _, f := range sub.Findings {
		if f.Cell != "" && !strings.Contains(body, ">"+f.Cell+"<") {
			t.Errorf("finding at %s!%s (%s) not on the page", f.Sheet, f.Cell, f.Message)
		}
		if f.Sheet != "" && !strings.Contains(body, "<h3>"+f.Sheet+"</h3>") {
			t.Errorf("table %s not a heading on the page", f.Sheet)
		}
	}
	if !strings.Contains(body, "下载批注副本") || !strings.Contains(body, sub.Status) {
		t.Errorf("page lacks the annotated copy or the status:\n%s", body)
	}
}

func TestOtherSchoolsTokenIs404(t *testing.T) {
	e := newEnv(t, 2, nil)
	a, b := e.schools[0], e.schools[1]
	locB := e.submit(1, 2) // B's submission, whose id A will try
	idB := subRE.FindStringSubmatch(locB)[1]
	tokA, tokB := e.tokens[a.Code], e.tokens[b.Code]
	c := e.client()
	_, _, csrf := e.get(c, "/s/"+tokA+"/")
	noTrace := func(route, body string) {
		t.Helper()
		for _, s := range []string{b.Name, b.Code, tokB, "学校1.xlsx"} {
			if strings.Contains(body, s) {
				t.Errorf("%s: the body names %q of school B", route, s)
			}
		}
	}
	// every route that reaches a submission, with A's link and B's id
	for _, route := range []string{"sub/" + idB + "/", "sub/" + idB + "/annotated.xlsx"} {
		code, body, _ := e.get(c, "/s/"+tokA+"/"+route)
		if code != http.StatusNotFound {
			t.Errorf("A's token on %s: %d, want 404", route, code)
		}
		noTrace(route, body)
	}
	resp, body := e.post(c, "/s/"+tokA+"/sub/"+idB+"/explain", map[string]string{"csrf": csrf, "rule": "x", "sheet": "y", "cell": "A1", "text": "说明"})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("A's token explaining B's submission: %d, want 404", resp.StatusCode)
	}
	noTrace("explain", body)
	// A's own pages never show B
	for _, route := range []string{"", "template.xlsx"} {
		code, body, _ := e.get(c, "/s/"+tokA+"/"+route)
		if code != 200 {
			t.Errorf("A's own %q: %d", route, code)
		}
		noTrace("A's "+route, body)
	}
	// a revoked, a malformed and a made-up token: 404 on every route
	if err := e.store.RevokeToken(context.Background(), b.Code); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{tokB, "x", NewToken(), tokA + "A", strings.ToUpper(tokA)} {
		for _, route := range []string{"", "template.xlsx", "sub/" + idB + "/", "sub/" + idB + "/annotated.xlsx"} {
			code, body, _ := e.get(c, "/s/"+tok+"/"+route)
			if code != http.StatusNotFound {
				t.Errorf("token %.6s… on %q: %d, want 404", tok, route, code)
			}
			noTrace(route, body)
		}
		for _, route := range []string{"upload", "sub/" + idB + "/explain"} {
			resp, body := e.post(c, "/s/"+tok+"/"+route, map[string]string{"csrf": csrf})
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("token %.6s… on POST %s: %d, want 404", tok, route, resp.StatusCode)
			}
			noTrace(route, body)
		}
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t, 1, nil)
	tok := e.tokens[e.schools[0].Code]
	loc := e.submit(0, 3)
	c := e.client()
	_, _, csrf := e.get(c, "/s/"+tok+"/")
	for _, bad := range []string{"", "wrong", NewToken()} {
		resp, body := e.upload(c, tok, bad, "a.xlsx", e.workbook(0, 0))
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "页面已过期") {
			t.Errorf("upload with CSRF %q: %d", bad, resp.StatusCode)
		}
		resp, _ = e.post(c, loc+"explain", map[string]string{"csrf": bad, "rule": "r", "sheet": "s", "cell": "A1", "text": "t"})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("explain with CSRF %q: %d", bad, resp.StatusCode)
		}
		resp, _ = e.post(c, "/bureau/login", map[string]string{"csrf": bad, "password": testPassword})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("login with CSRF %q: %d", bad, resp.StatusCode)
		}
	}
	// a token of another browser is wrong too
	other := e.client()
	_, _, otherCSRF := e.get(other, "/s/"+tok+"/")
	if resp, _ := e.upload(c, tok, otherCSRF, "a.xlsx", e.workbook(0, 0)); resp.StatusCode != http.StatusForbidden {
		t.Errorf("upload with another browser's CSRF token: %d", resp.StatusCode)
	}
	// the bureau's forms
	b := e.client()
	e.login(b)
	for _, path := range []string{"/bureau/school/" + e.schools[0].Code + "/unlock", "/bureau/school/" + e.schools[0].Code + "/link", "/bureau/logout"} {
		if resp, _ := e.post(b, path, map[string]string{"csrf": "wrong"}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s with a wrong CSRF token: %d", path, resp.StatusCode)
		}
	}
	_, _, good := e.get(b, "/bureau/")
	if resp, _ := e.post(b, "/bureau/school/"+e.schools[0].Code+"/unlock", map[string]string{"csrf": good}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("unlock with the right CSRF token: %d", resp.StatusCode)
	}
	if resp, _ := e.upload(c, tok, csrf, "a.xlsx", e.workbook(0, 0)); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("upload with the right CSRF token: %d", resp.StatusCode)
	}
}

func TestUploadTooBig(t *testing.T) {
	e := newEnv(t, 1, func(c *Config) { c.MaxUpload = 100 << 10 })
	tok := e.tokens[e.schools[0].Code]
	c := e.client()
	_, _, csrf := e.get(c, "/s/"+tok+"/")
	big := make([]byte, 300<<10)
	resp, body := e.upload(c, tok, csrf, "big.xlsx", big)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "文件太大") {
		t.Fatalf("300 KB over a 100 KB limit: %d\n%s", resp.StatusCode, body)
	}
	subs, _ := e.store.Submissions(context.Background(), "")
	if len(subs) != 0 {
		t.Errorf("%d submissions stored", len(subs))
	}
}

func TestRateLimits(t *testing.T) {
	e := newEnv(t, 1, func(c *Config) { c.UploadPerMinute, c.UploadBurst, c.LoginPerMinute, c.LoginBurst = 1, 2, 1, 3 })
	tok := e.tokens[e.schools[0].Code]
	c := e.client()
	_, _, csrf := e.get(c, "/s/"+tok+"/")
	data := e.workbook(0, 0)
	var codes []int
	for range 3 {
		resp, _ := e.upload(c, tok, csrf, "a.xlsx", data)
		codes = append(codes, resp.StatusCode)
	}
	if fmt.Sprint(codes) != "[303 303 429]" {
		t.Errorf("three uploads with a burst of 2: %v", codes)
	}
	codes = nil
	_, _, csrf = e.get(c, "/bureau/login")
	var last string
	for range 4 {
		resp, body := e.post(c, "/bureau/login", map[string]string{"csrf": csrf, "password": "wrong"})
		codes = append(codes, resp.StatusCode)
		last = body
	}
	if fmt.Sprint(codes) != "[401 401 401 429]" || !strings.Contains(last, "过于频繁") {
		t.Errorf("four wrong logins with a burst of 3: %v", codes)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, 1, nil)
	tok := e.tokens[e.schools[0].Code]
	for _, path := range []string{"/", "/s/" + tok + "/", "/s/" + NewToken() + "/", "/bureau/login", "/static/style.css", "/nothing"} {
		resp, err := http.Get(e.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
}

func TestLogin(t *testing.T) {
	e := newEnv(t, 1, nil)
	c := e.client()
	if code, _, _ := e.get(c, "/bureau/"); code != http.StatusSeeOther {
		t.Errorf("提交情况 without a login: %d, want a redirect", code)
	}
	_, _, csrf := e.get(c, "/bureau/login")
	resp, body := e.post(c, "/bureau/login", map[string]string{"csrf": csrf, "password": testPassword + "x"})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "密码不正确") {
		t.Errorf("wrong password: %d", resp.StatusCode)
	}
	if code, _, _ := e.get(c, "/bureau/"); code != http.StatusSeeOther {
		t.Errorf("提交情况 after a wrong password: %d", code)
	}
	resp, _ = e.post(c, "/bureau/login", map[string]string{"csrf": csrf, "password": testPassword})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("right password: %d", resp.StatusCode)
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode {
		t.Errorf("session cookie %+v", session)
	}
	code, body, csrf := e.get(c, "/bureau/")
	if code != 200 || !strings.Contains(body, e.schools[0].Name) {
		t.Fatalf("提交情况 after login: %d", code)
	}
	e.post(c, "/bureau/logout", map[string]string{"csrf": csrf})
	if code, _, _ := e.get(c, "/bureau/"); code != http.StatusSeeOther {
		t.Errorf("提交情况 after logout: %d", code)
	}
}

func TestFirstLoginSetsPassword(t *testing.T) {
	e := newEnv(t, 1, nil)
	if _, err := e.db.Exec(`DELETE FROM serve_settings`); err != nil {
		t.Fatal(err)
	}
	srv, err := New(context.Background(), e.srv.cfg)
	if err != nil {
		t.Fatal(err)
	}
	code := srv.SetupCode()
	if code == "" {
		t.Fatal("no setup code without a password")
	}
	e.srv = srv
	e.ts.Config.Handler = srv.Handler()
	c := e.client()
	_, _, csrf := e.get(c, "/bureau/setup?code="+code)
	for _, tc := range []struct {
		code, pw, again string
		want            int
	}{
		{"wrong", "一个足够长的密码12345", "一个足够长的密码12345", 403},
		{code, "短", "短", 400},
		{code, "一个足够长的密码12345", "另一个密码12345678", 400},
		{code, "一个足够长的密码12345", "一个足够长的密码12345", 303},
		{code, "一个足够长的密码12345", "一个足够长的密码12345", 303}, // used: off to the login page
	} {
		resp, _ := e.post(c, "/bureau/setup", map[string]string{"csrf": csrf, "code": tc.code, "password": tc.pw, "again": tc.again})
		if resp.StatusCode != tc.want {
			t.Errorf("setup %.5s/%s: %d, want %d", tc.code, tc.pw, resp.StatusCode, tc.want)
		}
	}
	if srv.SetupCode() != "" {
		t.Error("the setup code still works")
	}
	if code, _, _ := e.get(c, "/bureau/"); code != 200 {
		t.Errorf("提交情况 after setting the password: %d", code)
	}
}

func TestTokensNeverLogged(t *testing.T) {
	e := newEnv(t, 2, nil)
	e.submit(0, 2)
	e.submit(1, 0)
	c := e.client()
	for _, tok := range e.tokens {
		e.get(c, "/s/"+tok+"/")
		e.get(c, "/s/"+tok+"/template.xlsx")
		e.get(c, "/s/"+tok+"/sub/999/")
	}
	made := NewToken()
	e.get(c, "/s/"+made+"/")
	b := e.client()
	e.login(b)
	e.get(b, "/bureau/links.csv")
	logs := e.logs.String()
	if !strings.Contains(logs, "/s/") {
		t.Fatalf("no request logged:\n%s", logs)
	}
	for code, tok := range e.tokens {
		if strings.Contains(logs, tok) || strings.Contains(logs, tok[4:]) {
			t.Errorf("the token of %s is in the log", code)
		}
	}
	if strings.Contains(logs, made[4:]) || strings.Contains(logs, testPassword) {
		t.Error("a made-up token or the password is in the log")
	}
	for _, ck := range c.Jar.Cookies(mustURL(e.ts.URL)) {
		if strings.Contains(logs, ck.Value) {
			t.Errorf("cookie %s is in the log", ck.Name)
		}
	}
}

func TestWrongMethodAndUnknownPages(t *testing.T) {
	e := newEnv(t, 1, nil)
	tok := e.tokens[e.schools[0].Code]
	c := e.client()
	for path, want := range map[string]int{
		"/s/" + tok + "/upload":               http.StatusMethodNotAllowed,
		"/s/" + tok + "/sub/1/explain":        http.StatusMethodNotAllowed,
		"/s/" + NewToken() + "/upload":        http.StatusNotFound, // the link is checked first
		"/static/":                            http.StatusNotFound,
		"/static/../pages/layout.html":        http.StatusTemporaryRedirect, // cleaned to /pages/layout.html: 404
		"/pages/layout.html":                  http.StatusNotFound,
		"/bureau/logout":                      http.StatusSeeOther,          // to the login first
		"/bureau/school/" + e.schools[0].Code: http.StatusTemporaryRedirect, // to …/: the login
	} {
		code, body, _ := e.get(c, path)
		if code != want {
			t.Errorf("GET %s: %d, want %d", path, code, want)
		}
		if code >= 400 && !strings.Contains(body, "<html lang=\"zh-CN\">") {
			t.Errorf("GET %s: not a Chinese page:\n%s", path, body)
		}
	}
}

// TestSecondProcessSetup: two servers on one database, each with its own
// first-login code; once one sets the password, the other's code is dead.
// ResetPassword brings the first login back and ends the sessions.
func TestSecondProcessSetup(t *testing.T) {
	e := newEnv(t, 1, nil)
	ctx := context.Background()
	a, b := e.firstLogins(ctx)
	if a.SetupCode() == "" || b.SetupCode() == "" || a.SetupCode() == b.SetupCode() {
		t.Fatal("each process wants its own first login")
	}
	codeB := b.SetupCode()
	e.ts.Config.Handler = a.Handler()
	c := e.client()
	_, _, csrf := e.get(c, "/bureau/setup?code="+a.SetupCode())
	pw := "第一个进程设置的密码"
	if resp, _ := e.post(c, "/bureau/setup", map[string]string{"csrf": csrf, "code": a.SetupCode(), "password": pw, "again": pw}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup on a: %d", resp.StatusCode)
	}
	e.ts.Config.Handler = b.Handler()
	other := e.client()
	_, _, csrf = e.get(other, "/bureau/login")
	if resp, _ := e.post(other, "/bureau/setup", map[string]string{"csrf": csrf, "code": codeB, "password": "攻击者的密码1234567", "again": "攻击者的密码1234567"}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/bureau/login" {
		t.Errorf("b's code after a set the password: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := e.post(other, "/bureau/login", map[string]string{"csrf": csrf, "password": pw}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a's password on b: %d", resp.StatusCode)
	}
	// reset: the sessions end, a new first login
	if code, _, _ := e.get(other, "/bureau/"); code != 200 {
		t.Fatalf("logged in on b: %d", code)
	}
	if err := ResetPassword(ctx, e.store); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := e.get(other, "/bureau/"); code != http.StatusSeeOther {
		t.Errorf("a session after the reset: %d", code)
	}
	if c, _ := New(ctx, e.srv.cfg); c.SetupCode() == "" {
		t.Error("no first login after the reset")
	}
}

func TestUploadRefusals(t *testing.T) {
	e := newEnv(t, 2, nil)
	tok := e.tokens[e.schools[0].Code]
	c := e.client()
	_, _, csrf := e.get(c, "/s/"+tok+"/")
	for _, tc := range []struct {
		name string
		data []byte
		want int
		says string
	}{
		{"年报.pdf", []byte("%PDF-1.4"), http.StatusUnsupportedMediaType, "年报.pdf：只能上传 .xlsx、.zip 文件"},
		{"空.xlsx", nil, http.StatusBadRequest, "空.xlsx：上传的文件是空的"},
		{"别校.xlsx", e.workbook(1, 0), http.StatusUnprocessableEntity, "不是本校（" + e.schools[0].Code},
	} {
		resp, body := e.upload(c, tok, csrf, tc.name, tc.data)
		if resp.StatusCode != tc.want || !strings.Contains(body, tc.says) {
			t.Errorf("%s: %d, want %d saying %q", tc.name, resp.StatusCode, tc.want, tc.says)
		}
	}
	// a file that is not a workbook is stored as unreadable, its reason shown without any server path
	resp, _ := e.upload(c, tok, csrf, "坏的.xlsx", []byte("PK\x03\x04 broken"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a broken .xlsx: %d", resp.StatusCode)
	}
	_, page, _ := e.get(c, resp.Header.Get("Location"))
	if !strings.Contains(page, "无法读取") || !strings.Contains(page, "坏的.xlsx") || strings.Contains(page, "upload.xlsx") || strings.Contains(page, os.TempDir()) {
		t.Errorf("the unreadable file's page:\n%s", page)
	}
	subs, _ := e.store.Submissions(context.Background(), "")
	if len(subs) != 1 || subs[0].Status != "unreadable" {
		t.Errorf("stored: %+v", subs)
	}
}

// The bureau revokes a school's link on its page: the form goes back to the
// school, the old link is 404 from then on, and a new link works.
func TestBureauRevokesLink(t *testing.T) {
	e := newEnv(t, 2, nil)
	sc := e.schools[0]
	old := e.tokens[sc.Code]
	c := e.client()
	if code, _, _ := e.get(c, "/s/"+old+"/"); code != http.StatusOK {
		t.Fatalf("the link before: %d", code)
	}
	b := e.client()
	e.login(b)
	_, _, csrf := e.get(b, "/bureau/")
	resp, _ := e.post(b, "/bureau/school/"+sc.Code+"/revoke", map[string]string{"csrf": csrf})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "/bureau/school/"+sc.Code+"/") {
		t.Fatalf("revoke: %d to %q, want 303 back to the school", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, _, _ := e.get(c, "/s/"+old+"/"); code != http.StatusNotFound {
		t.Errorf("the revoked link: %d, want 404", code)
	}
	if code, _, _ := e.get(e.client(), "/s/"+e.tokens[e.schools[1].Code]+"/"); code != http.StatusOK {
		t.Errorf("another school's link after the revoke: %d", code)
	}
	if resp, _ := e.post(b, "/bureau/school/"+sc.Code+"/link", map[string]string{"csrf": csrf}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a new link: %d", resp.StatusCode)
	}
	tokens, err := e.store.Tokens(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tok := tokens[sc.Code]; tok == "" || tok == old {
		t.Fatalf("no new link stored (%q)", tok)
	} else if code, _, _ := e.get(c, "/s/"+tok+"/"); code != http.StatusOK {
		t.Errorf("the new link: %d", code)
	}
}
