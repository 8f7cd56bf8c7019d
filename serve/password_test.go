package serve

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestChangePassword: the bureau changes its password with the current
// one, the new one twice and the form's CSRF token; every other session
// ends, this one goes on; the old password no longer logs in.
func TestChangePassword(t *testing.T) {
	// room for the attempts below (the limit is TestChangePasswordRateLimited's)
	e := newEnv(t, 1, func(c *Config) { c.LoginPerMinute, c.LoginBurst = 60, 20 })
	a, other := e.client(), e.client()
	e.login(a)
	e.login(other)
	code, page, csrf := e.get(a, "/bureau/password")
	if code != 200 || !strings.Contains(page, `name="current"`) || csrf == "" {
		t.Fatalf("the form: %d", code)
	}
	const newPassword = "新的教育局密码-2027"
	for _, c := range []struct {
		name   string
		form   map[string]string
		status int
		says   string
	}{
		{"no CSRF token", map[string]string{"current": testPassword, "password": newPassword, "again": newPassword}, http.StatusForbidden, "页面已过期"},
		{"a wrong CSRF token", map[string]string{"csrf": NewToken(), "current": testPassword, "password": newPassword, "again": newPassword}, http.StatusForbidden, "页面已过期"},
		{"a wrong current password", map[string]string{"csrf": csrf, "current": testPassword + "x", "password": newPassword, "again": newPassword}, http.StatusUnauthorized, "当前密码不正确"},
		{"too short", map[string]string{"csrf": csrf, "current": testPassword, "password": "短密码123", "again": "短密码123"}, http.StatusBadRequest, "至少 10 个字符"},
		{"twice different", map[string]string{"csrf": csrf, "current": testPassword, "password": newPassword, "again": newPassword + "!"}, http.StatusBadRequest, "不一致"},
		{"the same", map[string]string{"csrf": csrf, "current": testPassword, "password": testPassword, "again": testPassword}, http.StatusBadRequest, "相同"},
	} {
		resp, body := e.post(a, "/bureau/password", c.form)
		if resp.StatusCode != c.status || !strings.Contains(body, c.says) {
			t.Errorf("%s: %d, want %d saying %q", c.name, resp.StatusCode, c.status, c.says)
		}
	}
	// nothing changed: both still logged in, the old password still good
	if code, _, _ := e.get(other, "/bureau/"); code != 200 {
		t.Fatalf("after refused changes, the other session: %d", code)
	}
	// without a session: the login
	if resp, _ := e.post(e.client(), "/bureau/password", map[string]string{"csrf": csrf, "current": testPassword, "password": newPassword, "again": newPassword}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a change without a login: %d", resp.StatusCode)
	}
	resp, body := e.post(a, "/bureau/password", map[string]string{"csrf": csrf, "current": testPassword, "password": newPassword, "again": newPassword})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the change: %d %s", resp.StatusCode, body)
	}
	if code, page, _ := e.get(a, resp.Header.Get("Location")); code != 200 || !strings.Contains(page, `id="done"`) {
		t.Errorf("after the change: %d", code)
	}
	if code, _, _ := e.get(a, "/bureau/"); code != 200 {
		t.Errorf("the browser that changed it is logged out: %d", code)
	}
	if code, _, _ := e.get(other, "/bureau/"); code != http.StatusSeeOther {
		t.Errorf("another session after the change: %d, want the login", code)
	}
	c := e.client()
	_, _, csrf = e.get(c, "/bureau/login")
	if resp, _ := e.post(c, "/bureau/login", map[string]string{"csrf": csrf, "password": testPassword}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old password: %d", resp.StatusCode)
	}
	if resp, _ := e.post(c, "/bureau/login", map[string]string{"csrf": csrf, "password": newPassword}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the new password: %d", resp.StatusCode)
	}
}

// TestChangePasswordRateLimited: guessing the current password through the
// form is limited as logins are.
func TestChangePasswordRateLimited(t *testing.T) {
	e := newEnv(t, 1, func(c *Config) { c.LoginPerMinute, c.LoginBurst = 1, 5 })
	a := e.client()
	e.login(a) // one of the burst
	_, _, csrf := e.get(a, "/bureau/password")
	var codes []int
	var last string
	for range 5 {
		resp, body := e.post(a, "/bureau/password", map[string]string{"csrf": csrf, "current": "猜的密码", "password": "新的教育局密码-2027", "again": "新的教育局密码-2027"})
		codes = append(codes, resp.StatusCode)
		last = body
	}
	if fmt.Sprint(codes) != "[401 401 401 401 429]" || !strings.Contains(last, "过于频繁") {
		t.Errorf("five guesses after a login with a burst of 5: %v", codes)
	}
}
