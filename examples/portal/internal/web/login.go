package web

import (
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/etjanst/etjanst/identity"
)

// loginState is an e-ID flow in progress, kept in the session: the
// challenge (with the provider's secrets) never reaches the browser.
type loginState struct {
	ch         identity.Challenge
	person     string // the development test person, if any
	sameDevice bool
	polled     time.Time
	status     identity.Status
	result     *identity.Result
}

// pollEvery is the collect cadence BankID asks for; the QR code changes
// every second regardless (Options.QR).
const pollEvery = 2 * time.Second

type loginData struct {
	Persons []DevPerson
	Chosen  string
	// BankID is true when the provider polls with an animated QR code;
	// otherwise the login redirects to the provider's own page.
	BankID bool
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	sess, err := s.ensureSession(w, r)
	if err != nil {
		s.errorPage(w, r, http.StatusServiceUnavailable, "error.busy")
		return
	}
	if sess.principal() != nil {
		redirect(w, r, "/mina-sidor")
		return
	}
	d := loginData{BankID: s.opts.QR != nil}
	if s.opts.Dev != nil {
		d.Persons = s.opts.Dev.Persons
		if len(d.Persons) > 0 {
			d.Chosen = d.Persons[0].PersonalNumber
		}
	}
	s.render(w, r, http.StatusOK, "login", s.newPage(r, text("login.title", rc(r).lang), d))
}

func (s *Server) loginStart(w http.ResponseWriter, r *http.Request) {
	sess := rc(r).sess
	if !s.limiter.allow(clientAddr(r)) {
		s.log.Warn("web: login rate limit")
		s.errorPage(w, r, http.StatusTooManyRequests, "error.rate")
		return
	}
	person := ""
	if s.opts.Dev != nil {
		person = r.PostForm.Get("person")
		if !slices.ContainsFunc(s.opts.Dev.Persons, func(p DevPerson) bool { return p.PersonalNumber == person }) {
			person = ""
		}
	}
	same := r.PostForm.Get("device") == "same"
	s.cancelFlow(r.Context(), sess)
	ch, err := s.deps.Login.Start(r.Context(), identity.StartRequest{
		EndUserIP:  clientAddr(r),
		SameDevice: same,
		Lang:       rc(r).lang,
	})
	if err != nil {
		s.log.Warn("web: login start failed", "err", err)
		sess.setFlash("login.unavailable")
		redirect(w, r, "/login")
		return
	}
	sess.mu.Lock()
	sess.login = &loginState{ch: ch, person: person, sameDevice: same}
	sess.mu.Unlock()
	if ch.RedirectURL != "" {
		// A redirect flow (OpenID Connect): the provider's page does the
		// rest and returns to /login/callback.
		http.Redirect(w, r, ch.RedirectURL, http.StatusSeeOther)
		return
	}
	redirect(w, r, "/login/vanta")
}

// cancelFlow ends a flow left in the session, best effort.
func (s *Server) cancelFlow(ctx context.Context, sess *session) {
	sess.mu.Lock()
	l := sess.login
	sess.login = nil
	sess.mu.Unlock()
	if l != nil && l.result == nil && l.status.State != identity.StateFailed {
		_ = s.deps.Login.Cancel(ctx, l.ch)
	}
}

// poll observes the session's flow, at most every pollEvery (or at once
// when force is set), and returns a copy of the state.
func (s *Server) poll(ctx context.Context, sess *session, force bool) (loginState, bool) {
	sess.mu.Lock()
	l := sess.login
	if l == nil {
		sess.mu.Unlock()
		return loginState{}, false
	}
	due := l.result == nil && l.status.State != identity.StateFailed &&
		(force || l.polled.IsZero() || s.now().Sub(l.polled) >= pollEvery)
	ch := l.ch
	sess.mu.Unlock()
	if due {
		st, err := s.deps.Login.Poll(ctx, ch)
		sess.mu.Lock()
		if sess.login == l {
			l.polled = s.now()
			switch {
			case err != nil:
				s.log.Warn("web: login poll failed", "err", err)
				l.status = identity.Status{State: identity.StateFailed,
					Message: identity.Text{SV: text("login.failed", "sv"), EN: text("login.failed", "en")}}
			default:
				l.status = st
				if st.State == identity.StateComplete && st.Result != nil {
					res := *st.Result
					l.result = &res
				}
			}
		}
		sess.mu.Unlock()
	}
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if sess.login == nil {
		return loginState{}, false
	}
	return *sess.login, true
}

type waitData struct {
	Message string
	QR      bool
	// AutoStart is the bankid:/// link that starts the app on this device.
	// It is built here from a query-escaped token, so it is marked safe for
	// html/template, which would otherwise refuse the scheme.
	AutoStart template.URL
	Person    string
	Failed    bool
}

func (s *Server) loginWait(w http.ResponseWriter, r *http.Request) {
	sess := rc(r).sess
	if sess == nil {
		redirect(w, r, "/login")
		return
	}
	l, ok := s.poll(r.Context(), sess, false)
	if !ok {
		redirect(w, r, "/login")
		return
	}
	lang := rc(r).lang
	d := waitData{Message: l.status.Message.In(lang), QR: !l.sameDevice, Failed: l.status.State == identity.StateFailed}
	if d.Message == "" {
		d.Message = text("login.waiting", lang)
	}
	if l.ch.AutoStartToken != "" {
		d.AutoStart = template.URL("bankid:///?autostarttoken=" + url.QueryEscape(l.ch.AutoStartToken) + "&redirect=null")
	}
	if s.opts.Dev != nil && l.person != "" {
		for _, p := range s.opts.Dev.Persons {
			if p.PersonalNumber == l.person {
				d.Person = p.Name
			}
		}
	}
	s.render(w, r, http.StatusOK, "wait", s.newPage(r, text("login.waitTitle", lang), d))
}

type statusJSON struct {
	State   string `json:"state"`
	Message string `json:"message"`
}

// loginStatus answers the login page's script once a second.
func (s *Server) loginStatus(w http.ResponseWriter, r *http.Request) {
	sess := rc(r).sess
	w.Header().Set("Content-Type", "application/json")
	if sess == nil {
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(statusJSON{State: "none"})
		return
	}
	l, ok := s.poll(r.Context(), sess, false)
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(statusJSON{State: "none"})
		return
	}
	msg := l.status.Message.In(rc(r).lang)
	if msg == "" {
		msg = text("login.waiting", rc(r).lang)
	}
	_ = json.NewEncoder(w).Encode(statusJSON{State: string(l.status.State), Message: msg})
}

// loginQR renders the current QR code of the flow as SVG.
func (s *Server) loginQR(w http.ResponseWriter, r *http.Request) {
	sess := rc(r).sess
	if sess == nil {
		http.NotFound(w, r)
		return
	}
	sess.mu.Lock()
	l := sess.login
	var data string
	if l != nil && !l.sameDevice {
		data = l.status.QR
		if s.opts.QR != nil && l.ch.QRStartToken != "" {
			data = s.opts.QR(l.ch, s.now())
		}
	}
	sess.mu.Unlock()
	if data == "" {
		http.NotFound(w, r)
		return
	}
	svg, err := qrSVG(data)
	if err != nil {
		s.log.Error("web: qr", "err", err)
		http.Error(w, "qr", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	_, _ = w.Write(svg)
}

// loginDevScan simulates the chosen test person scanning the QR code.
func (s *Server) loginDevScan(w http.ResponseWriter, r *http.Request) {
	sess := rc(r).sess
	if s.opts.Dev == nil {
		s.notFound(w, r)
		return
	}
	sess.mu.Lock()
	l := sess.login
	sess.mu.Unlock()
	if l == nil {
		redirect(w, r, "/login")
		return
	}
	person := l.person
	if person == "" && len(s.opts.Dev.Persons) > 0 {
		person = s.opts.Dev.Persons[0].PersonalNumber
	}
	if err := s.opts.Dev.Scan(r.Context(), l.ch, person); err != nil {
		s.log.Warn("web: simulated scan failed", "err", err)
		sess.setFlash("login.scanFailed")
	}
	redirect(w, r, "/login/vanta")
}

// loginContinue finishes a completed flow, or returns to the waiting page.
func (s *Server) loginContinue(w http.ResponseWriter, r *http.Request) {
	sess := rc(r).sess
	l, ok := s.poll(r.Context(), sess, true)
	switch {
	case !ok:
		redirect(w, r, "/login")
	case l.result != nil:
		s.finishLogin(w, r, sess, *l.result)
	case l.status.State == identity.StateFailed:
		sess.mu.Lock()
		sess.login = nil
		sess.mu.Unlock()
		sess.setFlash("login.failed")
		redirect(w, r, "/login")
	default:
		redirect(w, r, "/login/vanta")
	}
}

func (s *Server) loginCancel(w http.ResponseWriter, r *http.Request) {
	s.cancelFlow(r.Context(), rc(r).sess)
	redirect(w, r, "/login")
}

// loginCallback completes a redirect flow (OpenID Connect).
func (s *Server) loginCallback(w http.ResponseWriter, r *http.Request) {
	sess := rc(r).sess
	if sess == nil {
		redirect(w, r, "/login")
		return
	}
	sess.mu.Lock()
	l := sess.login
	sess.login = nil
	sess.mu.Unlock()
	if l == nil {
		redirect(w, r, "/login")
		return
	}
	cb := identity.Callback{}
	for _, k := range []string{"code", "state", "error", "error_description", "iss"} {
		if v := r.URL.Query().Get(k); v != "" && len(v) < 4096 {
			cb[k] = v
		}
	}
	res, err := s.deps.Login.Complete(r.Context(), l.ch, cb)
	if err != nil {
		s.log.Warn("web: login callback failed", "err", err)
		sess.setFlash("login.failed")
		redirect(w, r, "/login")
		return
	}
	s.finishLogin(w, r, sess, res)
}

// finishLogin makes the session a logged-in one: a new session ID (against
// fixation), the principal and the evidence kept for submissions, and, for
// a re-login to continue an organisation's draft, the same party again.
func (s *Server) finishLogin(w http.ResponseWriter, r *http.Request, sess *session, res identity.Result) {
	who := res.Principal
	if err := who.Validate(); err != nil {
		s.log.Warn("web: login gave an invalid principal", "err", err)
		sess.setFlash("login.failed")
		redirect(w, r, "/login")
		return
	}
	id := s.sessions.rotate(sess)
	s.setSessionCookie(w, id)
	sess.mu.Lock()
	after := sess.after
	sess.after = nil
	sess.login = nil
	sess.mu.Unlock()
	next := "/mina-sidor"
	if after != nil && after.Path != "" {
		next = after.Path
	}
	if who.IsOfficer() {
		// Staff logged in through the same provider (roles mapped from
		// its groups) work at the desk.
		next = "/handlaggare"
	} else if after != nil && !after.Party.IsZero() {
		if acted, err := identity.ActFor(r.Context(), s.deps.Representation, who, after.Party); err == nil {
			who = acted
		} else {
			next = "/login/roll"
			sess.mu.Lock()
			sess.flash = "party.lost"
			sess.after = &afterLogin{Path: safePath(after.Path)}
			sess.mu.Unlock()
		}
	} else if mandates, err := s.deps.Representation.Mandates(r.Context(), who.Subject); err == nil && len(mandates) > 0 {
		// The person may act for organisations: ask in which capacity.
		sess.mu.Lock()
		sess.after = &afterLogin{Path: next}
		sess.mu.Unlock()
		next = "/login/roll"
	}
	ev := res.Evidence
	sess.mu.Lock()
	sess.who = &who
	sess.ev = &ev
	sess.mu.Unlock()
	s.log.Info("web: login", "who", who)
	redirect(w, r, next)
}

type partyData struct {
	Self    string
	Parties []partyChoice
	Current string
}

type partyChoice struct {
	Value string // organisationsnummer
	Name  string
	Kind  string
	OrgNr string
}

func (s *Server) partyPage(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	mandates, err := s.deps.Representation.Mandates(r.Context(), who.Subject)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := partyData{Self: strings.TrimSpace(who.GivenName + " " + who.FamilyName), Current: "self"}
	if !who.ActsForSelf() {
		d.Current = who.Party.Subject.Value
	}
	for _, m := range mandates {
		d.Parties = append(d.Parties, partyChoice{Value: m.Subject.Value, Name: m.Name, Kind: string(m.Kind), OrgNr: formatOrgNr(m.Subject.Value)})
	}
	s.render(w, r, http.StatusOK, "party", s.newPage(r, text("party.title", rc(r).lang), d))
}

func (s *Server) partyChoose(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	sess := rc(r).sess
	choice := r.PostForm.Get("party")
	next := identity.AsSelf(*who)
	if choice != "self" {
		org, err := identity.ParseSubject(identity.SchemeOrganisationsnummer, choice)
		if err != nil {
			s.errorPage(w, r, http.StatusBadRequest, "error.badRequest")
			return
		}
		next, err = identity.ActFor(r.Context(), s.deps.Representation, identity.AsSelf(*who), org)
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	sess.mu.Lock()
	sess.who = &next
	after := sess.after
	sess.after = nil
	sess.mu.Unlock()
	dest := "/e-tjanster"
	if after != nil && after.Path != "" && after.Path != "/mina-sidor" {
		dest = after.Path
	}
	redirect(w, r, dest)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	sess := rc(r).sess
	s.cancelFlow(r.Context(), sess)
	s.sessions.destroy(sess)
	s.clearSessionCookie(w)
	redirect(w, r, "/utloggad")
}

func (s *Server) loggedOut(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "loggedout", s.newPage(r, text("logout.title", rc(r).lang), nil))
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	lang := rc(r).lang
	forms := s.deps.Forms.Catalogue("")
	s.render(w, r, http.StatusOK, "home", s.newPage(r, text("home.title", lang), len(forms)))
}

// formatOrgNr writes an organisationsnummer as NNNNNN-NNNN.
func formatOrgNr(v string) string {
	if len(v) == 10 {
		return v[:6] + "-" + v[6:]
	}
	return v
}

// formatPnr writes a personnummer as YYYYMMDD-NNNN.
func formatPnr(v string) string {
	if len(v) == 12 {
		return v[:8] + "-" + v[8:]
	}
	return v
}
