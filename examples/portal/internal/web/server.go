package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/minasidor"
	"github.com/etjanst/etjanst/submission"
)

// Deps are the library components the portal serves. All are required.
type Deps struct {
	// Forms holds the published e-services.
	Forms *form.Registry
	// Drafts keeps the applicants' drafts.
	Drafts *draft.Store
	// Pipeline registers submitted drafts as cases.
	Pipeline *submission.Pipeline
	// Cases serves the applicant's own cases.
	Cases *submission.Cases
	// MinaSidor assembles the applicant's overview: drafts, cases,
	// messages and bookings.
	MinaSidor *minasidor.Service
	// Login is the e-ID provider: BankID (or its fake) or OpenID Connect.
	Login identity.Provider
	// Representation decides whom a person may act for.
	Representation identity.Representation
}

// DevLogin lets a tester play the e-ID app in development: pick a test
// person and simulate the scan of the QR code. Never set it in production.
type DevLogin struct {
	// Persons are the test persons offered on the login page.
	Persons []DevPerson
	// Scan plays the app: the person scans the flow's current QR code and
	// approves.
	Scan func(ctx context.Context, ch identity.Challenge, pnr string) error
}

// DevPerson is a test person of the development login.
type DevPerson struct {
	// PersonalNumber is 12 digits (a Skatteverket test personnummer).
	PersonalNumber string
	// Name is shown on the login page.
	Name string
	// Organisations names what the person may act for, for the login page.
	Organisations []string
}

// Contacts stores the applicant's contact preferences for notifications.
// The notify package's contact store satisfies it through a small adapter.
type Contacts interface {
	// Contact returns the stored preferences of person, or the zero
	// Contact and nil when none are stored.
	Contact(ctx context.Context, person identity.Subject) (Contact, error)
	// SetContact stores the preferences of person.
	SetContact(ctx context.Context, person identity.Subject, c Contact) error
}

// Inbox opens one of the applicant's in-app messages (and marks it read).
type Inbox interface {
	// Message returns the message id of who, or an error wrapping a
	// not-found sentinel for anyone else's.
	Message(ctx context.Context, who identity.Principal, id string) (InboxMessage, error)
}

// InboxMessage is one in-app message as the message page shows it.
type InboxMessage struct {
	Title   form.Text
	Body    form.Text
	CaseRef string
	At      time.Time
}

// Contact holds an applicant's contact preferences.
type Contact struct {
	Email string
	Phone string
	// Lang is "sv" or "en": the language of notifications.
	Lang string
	// NotifyEmail and NotifySMS choose the channels of notices.
	NotifyEmail bool
	NotifySMS   bool
}

// Options configures the portal. A nil *Options means defaults.
type Options struct {
	// Organisation is the municipality's name in the header and on receipts.
	// Defaults to "Exempelkommunen".
	Organisation string
	// Logger receives request and security records without personal data.
	// Defaults to slog.Default().
	Logger *slog.Logger
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
	// Location is the time zone dates are shown in. Defaults to
	// Europe/Stockholm (UTC when the zone database is missing).
	Location *time.Location
	// Secure marks cookies Secure and sends Strict-Transport-Security: set
	// it when the portal is served over TLS (directly or behind a proxy
	// that terminates TLS). Defaults to false.
	Secure bool
	// SessionIdle ends a session after this long without a request.
	// Defaults to 30 minutes.
	SessionIdle time.Duration
	// SessionMax ends a session this long after the login, whatever the
	// activity. Defaults to 8 hours.
	SessionMax time.Duration
	// MaxSessions caps the sessions held in memory. Defaults to 100000.
	MaxSessions int
	// DeskPageSize is how many cases of an e-service the officer desk
	// shows at a time, newest first, with a link to the older ones.
	// Defaults to submission.DefaultPageSize (50); at most submission.MaxPageSize.
	DeskPageSize int
	// LoginsPerMinute limits how many e-ID logins one client address may
	// start per minute (with the same burst). Defaults to 10.
	LoginsPerMinute int
	// MaxUploadBytes caps the body of a step post with files. Defaults to
	// 25 MiB.
	MaxUploadBytes int64
	// QR computes the animated QR code of a flow locally, once a second
	// (BankID: bankid.QRData). When nil, the QR of the latest poll is
	// shown.
	QR func(ch identity.Challenge, now time.Time) string
	// Dev enables the development login (test persons, simulated scan).
	Dev *DevLogin
	// DevOfficers are the staff accounts of the development officer login
	// at /handlaggare/login; none disables it.
	DevOfficers []DevOfficer
	// Contacts stores contact preferences; nil hides the page.
	Contacts Contacts
	// Inbox opens in-app messages listed on Mina sidor; nil shows the
	// list only.
	Inbox Inbox
	// Mailbox, when set, is served at /dev/mail: the development mailbox
	// where notification emails are delivered.
	Mailbox http.Handler
}

// Server is the citizen portal: an http.Handler. Create it with New.
type Server struct {
	deps     Deps
	opts     Options
	log      *slog.Logger
	now      func() time.Time
	loc      *time.Location
	sessions *sessions
	limiter  *limiter
	pages    map[string]*template.Template
	handler  http.Handler
}

// New returns the portal over deps. It starts no goroutines: sessions and
// rate-limit entries are pruned as requests arrive.
func New(deps Deps, opts *Options) (*Server, error) {
	if deps.Forms == nil || deps.Drafts == nil || deps.Pipeline == nil || deps.Cases == nil || deps.MinaSidor == nil ||
		deps.Login == nil || deps.Representation == nil {
		return nil, errors.New("web: new: every dependency is required")
	}
	o := Options{}
	if opts != nil {
		o = *opts
	}
	if o.Organisation == "" {
		o.Organisation = "Exempelkommunen"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		loc, err := time.LoadLocation("Europe/Stockholm")
		if err != nil {
			loc = time.UTC
		}
		o.Location = loc
	}
	if o.SessionIdle <= 0 {
		o.SessionIdle = 30 * time.Minute
	}
	if o.SessionMax <= 0 {
		o.SessionMax = 8 * time.Hour
	}
	if o.MaxSessions <= 0 {
		o.MaxSessions = 100000
	}
	if o.DeskPageSize <= 0 || o.DeskPageSize > submission.MaxPageSize {
		o.DeskPageSize = submission.DefaultPageSize
	}
	if o.LoginsPerMinute <= 0 {
		o.LoginsPerMinute = 10
	}
	if o.MaxUploadBytes <= 0 {
		o.MaxUploadBytes = 25 << 20
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, fmt.Errorf("web: new: %w", err)
	}
	s := &Server{
		deps:     deps,
		opts:     o,
		log:      o.Logger,
		now:      o.Now,
		loc:      o.Location,
		sessions: newSessions(o.Now, o.SessionIdle, o.SessionMax, o.MaxSessions),
		limiter:  newLimiter(o.Now, o.LoginsPerMinute, 10000),
		pages:    pages,
	}
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", staticHandler())
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /utloggad", s.loggedOut)

	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login/start", s.post(s.loginStart))
	mux.HandleFunc("GET /login/vanta", s.loginWait)
	mux.HandleFunc("GET /login/status", s.loginStatus)
	mux.HandleFunc("GET /login/qr.svg", s.loginQR)
	mux.HandleFunc("POST /login/skanna", s.post(s.loginDevScan))
	mux.HandleFunc("POST /login/fortsatt", s.post(s.loginContinue))
	mux.HandleFunc("POST /login/avbryt", s.post(s.loginCancel))
	mux.HandleFunc("GET /login/callback", s.loginCallback)
	mux.HandleFunc("GET /login/roll", s.partyPage)
	mux.HandleFunc("POST /login/roll", s.post(s.partyChoose))
	mux.HandleFunc("POST /logout", s.post(s.logout))

	mux.HandleFunc("GET /handlaggare/login", s.officerLoginPage)
	mux.HandleFunc("POST /handlaggare/login", s.post(s.officerLogin))
	mux.HandleFunc("GET /handlaggare", s.desk)
	mux.HandleFunc("GET /handlaggare/arenden/{id}", s.deskCase)
	mux.HandleFunc("POST /handlaggare/arenden/{id}/{action}", s.post(s.deskAction))
	mux.HandleFunc("GET /handlaggare/utlamnande", s.deskDisclosures)
	mux.HandleFunc("GET /handlaggare/utlamnande/{id}", s.deskReview)
	mux.HandleFunc("POST /handlaggare/utlamnande/{id}/beslut/{flag}", s.post(s.deskDecide))
	mux.HandleFunc("POST /handlaggare/utlamnande/{id}/lamna-ut", s.post(s.deskRelease))
	mux.HandleFunc("GET /utlamnande", s.disclosurePage)
	mux.HandleFunc("POST /utlamnande", s.post(s.disclosureRequest))
	mux.HandleFunc("GET /utlamnande/{id}", s.disclosureStatus)

	mux.HandleFunc("GET /e-tjanster", s.catalogue)
	mux.HandleFunc("POST /e-tjanster/{form}/starta", s.post(s.startDraft))

	mux.HandleFunc("GET /utkast/{id}", s.resumeDraft)
	mux.HandleFunc("GET /utkast/{id}/steg/{step}", s.stepPage)
	mux.HandleFunc("POST /utkast/{id}/steg/{step}", s.postUpload(s.stepPost))
	mux.HandleFunc("GET /utkast/{id}/granska", s.reviewPage)
	mux.HandleFunc("POST /utkast/{id}/skicka", s.post(s.submit))
	mux.HandleFunc("POST /utkast/{id}/radera", s.post(s.deleteDraft))
	mux.HandleFunc("GET /utkast/{id}/bilagor/{att}", s.draftAttachment)

	mux.HandleFunc("GET /mina-sidor", s.minaSidor)
	mux.HandleFunc("GET /arenden/{id}", s.casePage)
	mux.HandleFunc("POST /arenden/{id}/svar", s.post(s.caseReply))
	mux.HandleFunc("POST /arenden/{id}/komplettering", s.post(s.caseComplement))
	mux.HandleFunc("GET /arenden/{id}/kvitto", s.receiptPage)
	mux.HandleFunc("GET /arenden/{id}/kvittens.pdf", s.receiptPDF)
	mux.HandleFunc("GET /mina-sidor/meddelanden/{id}", s.messagePage)
	mux.HandleFunc("GET /mina-sidor/kontakt", s.contactPage)
	mux.HandleFunc("POST /mina-sidor/kontakt", s.post(s.contactSave))
	if s.opts.Mailbox != nil {
		mux.Handle("/dev/mail", s.opts.Mailbox)
		mux.Handle("/dev/mail/", s.opts.Mailbox)
	}
	mux.HandleFunc("/", s.notFound)

	// Outermost first: recover, headers, log, cross-origin check, session.
	var h http.Handler = s.withSession(mux)
	h = http.NewCrossOriginProtection().Handler(h)
	h = s.withLog(h)
	h = s.withHeaders(h)
	return s.withRecover(h)
}

// withRecover turns a panic in a handler into a 500 page and a log record
// without the request's data.
func (s *Server) withRecover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("web: panic", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				http.Error(w, "500 internal server error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

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

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withLog logs one record per request: method, route pattern (never the
// query string), status and duration.
func (s *Server) withLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if r.Pattern == "GET /static/" || r.Pattern == "GET /login/status" || r.Pattern == "GET /login/qr.svg" {
			return
		}
		route := r.Pattern
		if route == "" {
			route = r.Method + " (no route)"
		}
		s.log.Info("web: request", "route", route, "status", sw.status, "duration", s.now().Sub(start))
	})
}
