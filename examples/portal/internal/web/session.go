package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/etjanst/etjanst/identity"
)

// errTooManySessions is returned when the session store is full of live
// sessions.
var errTooManySessions = errors.New("web: too many sessions")

// session is the server-side state of one browser. The cookie carries only
// a random 256-bit ID; the store keys sessions by the SHA-256 of it, so the
// map holds no bearer token.
type session struct {
	mu      sync.Mutex
	key     string
	created time.Time // of the current ID: login rotates it
	seen    time.Time
	csrf    string
	who     *identity.Principal
	ev      *identity.Evidence
	login   *loginState
	// after is where to go once logged in, and whom to act for again
	// (a re-login to continue a draft of an organisation).
	after *afterLogin
	flash string // key of a one-time message
}

type afterLogin struct {
	Path  string
	Party identity.Subject
}

// principal returns a copy of the logged-in principal, or nil.
func (s *session) principal() *identity.Principal {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.who == nil {
		return nil
	}
	p := *s.who
	return &p
}

// takeFlash returns and clears the one-time message.
func (s *session) takeFlash() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.flash
	s.flash = ""
	return f
}

func (s *session) setFlash(key string) {
	s.mu.Lock()
	s.flash = key
	s.mu.Unlock()
}

func (s *session) token() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.csrf
}

// checkToken compares a posted CSRF token in constant time.
func (s *session) checkToken(t string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return t != "" && subtle.ConstantTimeCompare([]byte(t), []byte(s.csrf)) == 1
}

// sessions is the in-memory session store. Sessions end after idle time
// without requests and at an absolute age; expired ones are swept as new
// ones are created. A portal with several instances would keep sessions in
// a shared store instead; the shape stays the same.
type sessions struct {
	mu        sync.Mutex
	m         map[string]*session
	now       func() time.Time
	idle, max time.Duration
	cap       int
	swept     time.Time
}

func newSessions(now func() time.Time, idle, max time.Duration, capacity int) *sessions {
	return &sessions{m: make(map[string]*session), now: now, idle: idle, max: max, cap: capacity}
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// get returns the live session with the cookie value id and marks it
// seen, or nil.
func (st *sessions) get(id string) *session {
	if id == "" || len(id) > 100 {
		return nil
	}
	key := hashID(id)
	now := st.now()
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.m[key]
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.seen) > st.idle || now.Sub(s.created) > st.max {
		delete(st.m, key)
		return nil
	}
	s.seen = now
	return s
}

// create starts an anonymous session and returns it with its cookie value.
func (st *sessions) create() (*session, string, error) {
	now := st.now()
	id := randomToken()
	s := &session{key: hashID(id), created: now, seen: now, csrf: randomToken()}
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.m) >= st.cap || now.Sub(st.swept) > time.Minute {
		st.sweepLocked(now)
	}
	if len(st.m) >= st.cap {
		return nil, "", errTooManySessions
	}
	st.m[s.key] = s
	return s, id, nil
}

// rotate gives s a new ID and CSRF token (at login, against session
// fixation) and restarts its absolute age. It returns the new cookie value.
func (st *sessions) rotate(s *session) string {
	id := randomToken()
	now := st.now()
	st.mu.Lock()
	defer st.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(st.m, s.key)
	s.key = hashID(id)
	s.csrf = randomToken()
	s.created = now
	s.seen = now
	st.m[s.key] = s
	return id
}

// destroy ends s.
func (st *sessions) destroy(s *session) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(st.m, s.key)
	s.who, s.ev, s.login, s.after = nil, nil, nil, nil
}

func (st *sessions) sweepLocked(now time.Time) {
	st.swept = now
	for k, s := range st.m {
		s.mu.Lock()
		dead := now.Sub(s.seen) > st.idle || now.Sub(s.created) > st.max
		s.mu.Unlock()
		if dead {
			delete(st.m, k)
		}
	}
}

// len reports the number of sessions held (for tests of the cap).
func (st *sessions) len() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return len(st.m)
}
