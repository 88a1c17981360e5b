package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"math"
	"mime"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// reqCtx is the per-request state the middleware prepares.
type reqCtx struct {
	nonce string
	lang  string
	sess  *session // nil until a page needs one
}

type ctxKey struct{}

func rc(r *http.Request) *reqCtx {
	if v, ok := r.Context().Value(ctxKey{}).(*reqCtx); ok {
		return v
	}
	return &reqCtx{lang: "sv"}
}

// withHeaders sets the security headers of every response: a strict
// Content-Security-Policy whose only scripts are the portal's own files
// loaded with this response's nonce, no framing, no sniffing, no referrer,
// and no caching of anything but the static files (every page may show
// personal data).
func (s *Server) withHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 18)
		_, _ = rand.Read(b)
		c := &reqCtx{nonce: base64.StdEncoding.EncodeToString(b), lang: "sv"}
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+c.nonce+"'; style-src 'self'; "+
			"img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if s.opts.Secure {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, c)))
	})
}

// Cookie names. With TLS the session cookie takes the __Host- prefix, which
// browsers accept only with Secure, Path=/ and no Domain.
func (s *Server) sessionCookie() string {
	if s.opts.Secure {
		return "__Host-etjanst"
	}
	return "etjanst"
}

const langCookie = "etjanst_lang"

// withSession loads the session named by the cookie, and the language: a
// ?lang=sv|en parameter switches it and is remembered in a cookie.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := rc(r)
		if ck, err := r.Cookie(s.sessionCookie()); err == nil {
			c.sess = s.sessions.get(ck.Value)
		}
		if ck, err := r.Cookie(langCookie); err == nil && (ck.Value == "en" || ck.Value == "sv") {
			c.lang = ck.Value
		}
		if l := r.URL.Query().Get("lang"); l == "en" || l == "sv" {
			c.lang = l
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
		}
		next.ServeHTTP(w, r)
	})
}

// ensureSession returns the request's session, starting an anonymous one
// (and setting its cookie) when there is none.
func (s *Server) ensureSession(w http.ResponseWriter, r *http.Request) (*session, error) {
	c := rc(r)
	if c.sess != nil {
		return c.sess, nil
	}
	sess, id, err := s.sessions.create()
	if err != nil {
		return nil, err
	}
	s.setSessionCookie(w, id)
	c.sess = sess
	return sess, nil
}

func (s *Server) setSessionCookie(w http.ResponseWriter, id string) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookie(), Value: id, Path: "/", HttpOnly: true,
		Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookie(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
}

// maxFormBytes caps an ordinary form post.
const maxFormBytes = 1 << 20

// post wraps a state-changing handler: the body is capped, parsed, and the
// session's CSRF token must be in the form (http.CrossOriginProtection
// has already refused cross-origin browser requests).
func (s *Server) post(h http.HandlerFunc) http.HandlerFunc {
	return s.guard(maxFormBytes, false, h)
}

// postUpload is post for forms that may carry files (multipart).
func (s *Server) postUpload(h http.HandlerFunc) http.HandlerFunc {
	return s.guard(s.opts.MaxUploadBytes, true, h)
}

func (s *Server) guard(limit int64, multipart bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		var err error
		switch {
		case ct == "multipart/form-data" && multipart:
			// Files above 8 MiB are buffered in temporary files by
			// net/http; they are removed when the request ends.
			err = r.ParseMultipartForm(8 << 20)
			if r.MultipartForm != nil {
				defer func() { _ = r.MultipartForm.RemoveAll() }()
			}
		case ct == "application/x-www-form-urlencoded":
			err = r.ParseForm()
		default:
			s.errorPage(w, r, http.StatusUnsupportedMediaType, "error.badRequest")
			return
		}
		if err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				s.errorPage(w, r, http.StatusRequestEntityTooLarge, "error.tooLarge")
				return
			}
			s.errorPage(w, r, http.StatusBadRequest, "error.badRequest")
			return
		}
		sess := rc(r).sess
		if sess == nil || !sess.checkToken(r.PostForm.Get("csrf")) {
			s.log.Warn("web: csrf token missing or wrong", "route", r.Pattern)
			s.errorPage(w, r, http.StatusForbidden, "error.csrf")
			return
		}
		h(w, r)
	}
}

// clientAddr is the address the rate limit and BankID see: the peer of the
// connection. Behind a reverse proxy, replace it with the proxy's
// forwarded address, trusting only that proxy.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limiter is a token bucket per client address: rate tokens a minute,
// bursting to rate. It holds at most max addresses, forgetting full
// buckets first.
type limiter struct {
	mu      sync.Mutex
	now     func() time.Time
	rate    float64
	max     int
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(now func() time.Time, perMinute, max int) *limiter {
	return &limiter{now: now, rate: float64(perMinute), max: max, buckets: make(map[string]*bucket)}
}

// allow takes a token for addr, reporting false when none is left.
func (l *limiter) allow(addr string) bool {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[addr]
	if b == nil {
		if len(l.buckets) >= l.max {
			for k, o := range l.buckets {
				if l.fill(o, now) >= l.rate {
					delete(l.buckets, k)
				}
			}
			if len(l.buckets) >= l.max {
				return false // under attack from many addresses: refuse new ones
			}
		}
		b = &bucket{tokens: l.rate, at: now}
		l.buckets[addr] = b
	}
	b.tokens = l.fill(b, now)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func (l *limiter) fill(b *bucket, now time.Time) float64 {
	return math.Min(l.rate, b.tokens+now.Sub(b.at).Minutes()*l.rate)
}
