package serve

import (
	"net/http"
	"strconv"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// passwordPage is the bureau's form to change its password.
func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password", view{"Title": "修改密码", "Min": minPassword, "Bureau": true,
		"Done": r.URL.Query().Get("done") == "1"})
}

// changePassword sets a new password given the current one (tried as often
// as logins are, per address). Every other session ends; this browser gets
// a new one.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	if !s.loginRate.allow(r.Context(), s.clientIP(r)) {
		s.fail(w, r, http.StatusTooManyRequests, "尝试过于频繁，请一分钟后再试。")
		return
	}
	again := func(status int, msg string) {
		s.render(w, r, status, "password", view{"Title": "修改密码", "Min": minPassword, "Bureau": true, "Error": msg})
	}
	hash, ok, err := s.cfg.Store.Setting(r.Context(), settingPassword)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	cur, pw := r.PostFormValue("current"), r.PostFormValue("password")
	switch {
	case !ok || hash == "" || bcrypt.CompareHashAndPassword([]byte(hash), []byte(cur)) != nil:
		s.log.Warn("password change: wrong current password", "client", s.clientIP(r))
		again(http.StatusUnauthorized, "当前密码不正确。")
		return
	case utf8.RuneCountInString(pw) < minPassword:
		again(http.StatusBadRequest, "新密码至少 "+strconv.Itoa(minPassword)+" 个字符。")
		return
	case pw != r.PostFormValue("again"):
		again(http.StatusBadRequest, "两次输入的新密码不一致。")
		return
	case pw == cur:
		again(http.StatusBadRequest, "新密码与当前密码相同，请换一个。")
		return
	}
	newHash, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		again(http.StatusBadRequest, "新密码不能超过 72 个字节。")
		return
	}
	ctx := r.Context()
	if err := s.cfg.Store.SetSetting(ctx, settingPassword, string(newHash)); err != nil {
		s.internal(w, r, err)
		return
	}
	// every session ends, this one too; this browser logs in anew
	if err := s.cfg.Store.DeleteSessions(ctx); err != nil {
		s.internal(w, r, err)
		return
	}
	if !s.newSession(w, r) {
		return
	}
	s.log.Info("password changed", "client", s.clientIP(r))
	http.Redirect(w, r, "/bureau/password?done=1", http.StatusSeeOther)
}
