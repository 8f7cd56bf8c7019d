package serve

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// NewToken is a secret of 192 random bits, URL-safe (32 characters).
func NewToken() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic("serve: no randomness: " + err.Error()) // crypto/rand never fails on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenLookup is the key a token is found by in the store: its SHA-256, so
// that looking it up takes no time that depends on the secret's bytes.
func tokenLookup(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// plausibleToken tells whether s has the form of a token (before any
// look-up).
func plausibleToken(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

func sameSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// Cookies.
const (
	csrfCookie    = "nb_csrf"
	sessionCookie = "nb_session"
	csrfField     = "csrf"
)

// secure tells whether cookies are to be marked Secure for this request:
// over TLS, behind a proxy that says the client used HTTPS, or when the
// server is told so.
func (s *Server) secure(r *http.Request) bool {
	return s.cfg.SecureCookies || s.overHTTPS(r)
}

// overHTTPS tells whether the client reached the server by HTTPS: over
// TLS, or behind a trusted proxy that says so.
func (s *Server) overHTTPS(r *http.Request) bool {
	return r.TLS != nil || (s.cfg.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https")
}

// csrfToken is the request's CSRF token (double-submit: a random cookie
// that every form repeats in a hidden field), set as a cookie when missing.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && plausibleToken(c.Value) {
		return c.Value
	}
	t := NewToken()
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: t, Path: "/", HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
	return t
}

// csrfOK checks the form's token against the cookie.
func csrfOK(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || !plausibleToken(c.Value) {
		return false
	}
	return sameSecret(c.Value, r.PostFormValue(csrfField))
}

// limiter is a rate limit per key (a client's address, a school): each
// key has a token bucket in this process, forgetting keys unused for ten
// minutes, and one in the database that every process on it shares
// (shared). A request this process alone has seen too many of is refused
// without asking the database; any other is refused when the shared
// bucket is empty. When the database cannot answer, this process's bucket
// decides (and the failure is logged).
type limiter struct {
	mu     sync.Mutex
	every  rate.Limit
	burst  int
	keys   map[string]*limited
	swept  time.Time
	name   string // the shared buckets' prefix: login, upload
	shared func(ctx context.Context, name string, perSecond float64, burst int, now time.Time) (bool, error)
	log    *slog.Logger
}

type limited struct {
	l    *rate.Limiter
	seen time.Time
}

func newLimiter(perMinute float64, burst int) *limiter {
	return &limiter{every: rate.Limit(perMinute / 60), burst: burst, keys: map[string]*limited{}}
}

func (l *limiter) allow(ctx context.Context, key string) bool {
	now := time.Now()
	if !l.local(key, now) {
		return false
	}
	if l.shared == nil {
		return true
	}
	ok, err := l.shared(ctx, l.name+":"+key, float64(l.every), l.burst, now)
	if err != nil {
		if l.log != nil {
			l.log.Error("rate limit", "limit", l.name, "error", err.Error())
		}
		return true // this process's bucket had a token
	}
	return ok
}

// local takes a token from this process's bucket of key.
func (l *limiter) local(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, v := range l.keys {
			if now.Sub(v.seen) > 10*time.Minute {
				delete(l.keys, k)
			}
		}
		l.swept = now
	}
	v, ok := l.keys[key]
	if !ok {
		v = &limited{l: rate.NewLimiter(l.every, l.burst)}
		l.keys[key] = v
	}
	v.seen = now
	return v.l.AllowN(now, 1)
}

// clientIP is the client's address: the peer's, or X-Real-IP set by a
// proxy on this machine when the server is told to trust it.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if s.cfg.TrustProxy {
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			if real := net.ParseIP(r.Header.Get("X-Real-IP")); real != nil {
				return real.String()
			}
		}
	}
	return host
}

// securityHeaders are set on every response.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}
