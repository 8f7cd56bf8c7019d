package serve

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSharedAcrossProcesses: two servers on one database (behind a load
// balancer) count the login and upload limits together, and the
// first-login code one prints works on the other — once.
func TestSharedAcrossProcesses(t *testing.T) {
	e := newEnv(t, 1, func(c *Config) { c.UploadPerMinute, c.UploadBurst, c.LoginPerMinute, c.LoginBurst = 1, 2, 1, 3 })
	ctx := context.Background()
	other, err := New(ctx, e.srv.cfg)
	if err != nil {
		t.Fatal(err)
	}
	a, b := e.ts, httptest.NewServer(other.Handler())
	defer b.Close()
	on := func(ts *httptest.Server) { e.ts = ts }
	defer on(a)

	// logins from one address, taking turns: the fourth is refused
	c := e.client()
	_, _, csrf := e.get(c, "/bureau/login")
	var codes []int
	for i := range 4 {
		on([]*httptest.Server{a, b}[i%2])
		resp, _ := e.post(c, "/bureau/login", map[string]string{"csrf": csrf, "password": "wrong"})
		codes = append(codes, resp.StatusCode)
	}
	if fmt.Sprint(codes) != "[401 401 401 429]" {
		t.Errorf("four wrong logins on two servers with a burst of 3: %v", codes)
	}
	// uploads of one school, taking turns: the third is refused
	tok := e.tokens[e.schools[0].Code]
	_, _, scsrf := e.get(c, "/s/"+tok+"/")
	codes = nil
	for i := range 3 {
		on([]*httptest.Server{a, b}[i%2])
		resp, _ := e.upload(c, tok, scsrf, "a.xlsx", e.workbook(0, 0))
		codes = append(codes, resp.StatusCode)
	}
	if fmt.Sprint(codes) != "[303 303 429]" {
		t.Errorf("three uploads on two servers with a burst of 2: %v", codes)
	}

	// the first login: a's code on b
	pa, pb := e.firstLogins(ctx)
	a.Config.Handler, b.Config.Handler = pa.Handler(), pb.Handler()
	on(b)
	wrong := NewToken()
	// new processes count on: the address is still refused
	if resp, _ := e.post(c, "/bureau/setup", map[string]string{"csrf": csrf, "code": wrong}); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a new process after four logins: %d", resp.StatusCode)
	}
	if _, err := e.db.Exec(`DELETE FROM serve_limits`); err != nil { // a minute later
		t.Fatal(err)
	}
	if resp, _ := e.post(c, "/bureau/setup", map[string]string{"csrf": csrf, "code": wrong, "password": "一个足够长的密码123", "again": "一个足够长的密码123"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a made-up code: %d", resp.StatusCode)
	}
	pw := "经过负载均衡的密码2026"
	if resp, body := e.post(c, "/bureau/setup", map[string]string{"csrf": csrf, "code": pa.SetupCode(), "password": pw, "again": pw}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/bureau/" {
		t.Fatalf("a's first-login code on b: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if code, _, _ := e.get(c, "/bureau/"); code != 200 {
		t.Errorf("logged in by the first login on b: %d", code)
	}
	// used up, and b's own code with it
	on(a)
	for _, code := range []string{pa.SetupCode(), pb.SetupCode()} {
		if code == "" {
			continue
		}
		resp, _ := e.post(c, "/bureau/setup", map[string]string{"csrf": csrf, "code": code, "password": "攻击者的密码1234567", "again": "攻击者的密码1234567"})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/bureau/login" {
			t.Errorf("a first-login code after the password was set: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if code, page, _ := e.get(e.client(), "/bureau/setup?code="+pb.SetupCode()); code != http.StatusSeeOther || strings.Contains(page, "设置教育局登录密码") {
		t.Errorf("the setup page after the password was set: %d", code)
	}
	n := 0
	e.db.QueryRow(`SELECT COUNT(*) FROM serve_setup_codes`).Scan(&n)
	if n != 0 {
		t.Errorf("%d first-login codes left", n)
	}
}
