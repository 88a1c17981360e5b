package bankidtest

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/etjanst/etjanst/identity/bankid"
	"github.com/etjanst/etjanst/idnum"
)

// RPCommonName is the common name of the registered RP certificate. Client
// certificates from the fake's CA with another name are answered with 401
// unauthorized, like an RP without a BankID agreement.
const RPCommonName = "bankidtest relying party"

// Options configures a Server. A nil *Options means all defaults.
type Options struct {
	// Now is the fake's clock. Defaults to time.Now. Share it with the
	// client's Options.Now so that QR codes line up.
	Now func() time.Time
	// OrderTTL is how long an order may stay pending before it fails with
	// expiredTransaction. Defaults to 3 minutes.
	OrderTTL time.Duration
	// StartTimeout is how long a QR or app-launch order may wait for the
	// app to start (Scan, Open) before it fails with startFailed. Defaults
	// to 30 seconds. Phone orders are not affected.
	StartTimeout time.Duration
	// FinishedRetention is how long a complete or failed order can still be
	// collected; afterwards collect answers invalidParameters. Defaults to
	// 1 minute.
	FinishedRetention time.Duration
	// QRTolerance is how far the time in a scanned QR code may be from the
	// fake's own count of seconds since the order. Defaults to 5 seconds.
	QRTolerance time.Duration
	// AutoPerson, if set, is the personal number of a user who takes every
	// order that names no person on its first collect and follows that
	// person's script (or the default script). This lets a portal log in
	// through the fake without anyone scanning a QR code.
	AutoPerson string
	// Persons adds or overrides test persons (by personal number). Unknown
	// valid personal numbers get invented names.
	Persons []Person
	// MaxOrders caps the orders kept in memory. Defaults to 10000.
	MaxOrders int
	// Logger receives Debug records of requests (path and status only).
	// Defaults to a logger that discards.
	Logger *slog.Logger
}

// Server is a fake BankID RP API v6.0 over mutual TLS. Create it with
// NewServer and Close it when done. It is safe for concurrent use.
type Server struct {
	// URL is the base URL, ending in /rp/v6.0, to put in bankid.Config.
	URL string

	ts     *httptest.Server
	ca     *CA
	rp     *Leaf
	unreg  *Leaf
	closed chan struct{}
	once   sync.Once

	now          func() time.Time
	ttl          time.Duration
	startTimeout time.Duration
	retention    time.Duration
	qrTolerance  time.Duration
	autoPerson   string
	maxOrders    int
	log          *slog.Logger

	mu       sync.Mutex
	persons  map[string]Person
	scripts  map[string]Script
	orders   map[string]*order // by orderRef
	byQR     map[string]string // qrStartToken -> orderRef
	byStart  map[string]string // autoStartToken -> orderRef
	faults   []fault
	requests []Request
}

// NewServer starts a fake on a loopback port with a fresh CA, server
// certificate and RP client certificate.
func NewServer(opts *Options) (*Server, error) {
	if opts == nil {
		opts = &Options{}
	}
	ca, err := NewCA("bankidtest root CA")
	if err != nil {
		return nil, err
	}
	srvLeaf, err := ca.IssueServer()
	if err != nil {
		return nil, err
	}
	rp, err := ca.IssueClient(RPCommonName)
	if err != nil {
		return nil, err
	}
	unreg, err := ca.IssueClient("bankidtest unregistered RP")
	if err != nil {
		return nil, err
	}
	s := &Server{
		ca:           ca,
		rp:           rp,
		unreg:        unreg,
		closed:       make(chan struct{}),
		now:          opts.Now,
		ttl:          positive(opts.OrderTTL, 3*time.Minute),
		startTimeout: positive(opts.StartTimeout, 30*time.Second),
		retention:    positive(opts.FinishedRetention, time.Minute),
		qrTolerance:  positive(opts.QRTolerance, 5*time.Second),
		autoPerson:   opts.AutoPerson,
		maxOrders:    opts.MaxOrders,
		log:          opts.Logger,
		persons:      map[string]Person{},
		scripts:      map[string]Script{},
		orders:       map[string]*order{},
		byQR:         map[string]string{},
		byStart:      map[string]string{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxOrders <= 0 {
		s.maxOrders = 10000
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for _, p := range defaultPersons {
		s.persons[p.PersonalNumber] = p
	}
	for _, p := range opts.Persons {
		if !validPNR(p.PersonalNumber) {
			return nil, errors.New("bankidtest: Options.Persons: invalid personal number")
		}
		s.persons[p.PersonalNumber] = p
	}
	if s.autoPerson != "" && !validPNR(s.autoPerson) {
		return nil, errors.New("bankidtest: Options.AutoPerson: invalid personal number")
	}
	pool := ca.Pool()
	ts := httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	ts.TLS = &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{srvLeaf.TLS},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pool,
	}
	ts.EnableHTTP2 = true
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // failed handshakes are expected in tests
	ts.StartTLS()
	s.ts = ts
	s.URL = ts.URL + "/rp/v6.0"
	return s, nil
}

func positive(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func validPNR(s string) bool {
	if len(s) != 12 {
		return false
	}
	p, err := idnum.ParsePersonnummer(s, nil)
	return err == nil && p.String() == s
}

// Close stops the server and releases stalled requests.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closed) })
	s.ts.Close()
}

// CA returns the fake's CA (the "BankID CA" to trust).
func (s *Server) CA() *CA { return s.ca }

// CACertPEM returns the fake's CA certificate in PEM.
func (s *Server) CACertPEM() []byte { return s.ca.CertPEM() }

// RPCertificate returns the registered RP client certificate.
func (s *Server) RPCertificate() *Leaf { return s.rp }

// UnregisteredCertificate returns a client certificate from the fake's CA
// that is not registered: requests with it get 401 unauthorized.
func (s *Server) UnregisteredCertificate() *Leaf { return s.unreg }

// ClientTLSConfig returns a TLS configuration with the RP certificate that
// trusts only the fake's CA.
func (s *Server) ClientTLSConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: s.ca.Pool(), Certificates: []tls.Certificate{s.rp.TLS}}
}

// ClientConfig returns a bankid.Config for this fake, ready for
// bankid.New.
func (s *Server) ClientConfig() bankid.Config {
	return bankid.Config{URL: s.URL, Certificate: s.rp.TLS, RootCAs: s.ca.Pool()}
}

// NewClient is a shortcut for bankid.New(s.ClientConfig(), opts).
func (s *Server) NewClient(opts *bankid.Options) (*bankid.Client, error) {
	return bankid.New(s.ClientConfig(), opts)
}

// Request is a request the fake received, for assertions in tests.
type Request struct {
	// Path is the path below the base URL ("/auth", "/collect", ...).
	Path string
	// Method and ContentType as received.
	Method, ContentType string
	// Body is the raw body (capped).
	Body []byte
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Fault is a canned answer for the next matching requests, to test error
// handling: an error response, a raw body, or a stall.
type Fault struct {
	// Path limits the fault to one endpoint ("/collect"); "" matches all.
	Path string
	// Status is the HTTP status. Defaults to 503 with errorCode
	// maintenance when Status, ErrorCode and Body are all empty.
	Status int
	// ErrorCode and Details form the JSON error body.
	ErrorCode, Details string
	// Body, if set, is sent as is (with Content-Type application/json)
	// instead of an error body.
	Body string
	// Stall holds the request until the client gives up or the server
	// closes (to test timeouts).
	Stall bool
}

type fault struct {
	Fault
	left int
}

// InjectFault answers the next n requests matching f.Path with f instead of
// processing them.
func (s *Server) InjectFault(f Fault, n int) {
	if n <= 0 {
		return
	}
	if f.Status == 0 && f.ErrorCode == "" && f.Body == "" && !f.Stall {
		f.Status, f.ErrorCode, f.Details = http.StatusServiceUnavailable, bankid.CodeMaintenance, "Service unavailable"
	}
	if f.Status == 0 {
		f.Status = http.StatusOK
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{Fault: f, left: n})
}

func (s *Server) takeFault(path string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.faults {
		f := &s.faults[i]
		if f.left > 0 && (f.Path == "" || f.Path == path) {
			f.left--
			out := f.Fault
			if f.left == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return out, true
		}
	}
	return Fault{}, false
}

const (
	basePath = "/rp/v6.0"
	maxBody  = 512 << 10
)

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if len(path) >= len(basePath) && path[:len(basePath)] == basePath {
		path = path[len(basePath):]
	} else {
		path = "!" + path
	}
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	s.mu.Lock()
	if len(s.requests) < 10000 {
		s.requests = append(s.requests, Request{Path: path, Method: r.Method, ContentType: r.Header.Get("Content-Type"), Body: body})
	}
	s.mu.Unlock()
	status := s.handle(w, r, path, body, readErr)
	s.log.Debug("bankidtest request", slog.String("path", path), slog.Int("status", status))
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request, path string, body []byte, readErr error) int {
	if len(r.TLS.PeerCertificates) == 0 || r.TLS.PeerCertificates[0].Subject.CommonName != RPCommonName {
		return writeError(w, http.StatusUnauthorized, bankid.CodeUnauthorized, "Unauthorized")
	}
	switch path {
	case "/auth", "/sign", "/phone/auth", "/phone/sign", "/collect", "/cancel":
	default:
		return writeError(w, http.StatusNotFound, bankid.CodeNotFound, "Not found")
	}
	if r.Method != http.MethodPost {
		return writeError(w, http.StatusMethodNotAllowed, bankid.CodeMethodNotAllowed, "Method not allowed")
	}
	if r.Header.Get("Content-Type") != "application/json" {
		return writeError(w, http.StatusUnsupportedMediaType, bankid.CodeUnsupportedMediaType, "Unsupported media type")
	}
	if f, ok := s.takeFault(path); ok {
		if f.Stall {
			select {
			case <-r.Context().Done():
			case <-s.closed:
			}
			return 0
		}
		if f.Body != "" {
			return writeRaw(w, f.Status, []byte(f.Body))
		}
		return writeError(w, f.Status, f.ErrorCode, f.Details)
	}
	if readErr != nil || len(body) > maxBody {
		return writeError(w, http.StatusBadRequest, bankid.CodeInvalidParameters, "Invalid request")
	}
	switch path {
	case "/auth", "/sign", "/phone/auth", "/phone/sign":
		return s.handleStart(w, path, body)
	case "/collect":
		return s.handleCollect(w, body)
	default:
		return s.handleCancel(w, body)
	}
}

func writeError(w http.ResponseWriter, status int, code, details string) int {
	b, _ := json.Marshal(struct {
		ErrorCode string `json:"errorCode"`
		Details   string `json:"details"`
	}{code, details})
	return writeRaw(w, status, b)
}

func writeJSON(w http.ResponseWriter, v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return writeError(w, http.StatusInternalServerError, bankid.CodeInternalError, "Internal error")
	}
	return writeRaw(w, http.StatusOK, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
	return status
}

// startBody is the request of auth, sign, phone/auth and phone/sign as the
// RP API v6.0 defines it; unknown fields are rejected.
type startBody struct {
	EndUserIP             string           `json:"endUserIp"`
	PersonalNumber        string           `json:"personalNumber"`
	CallInitiator         string           `json:"callInitiator"`
	Requirement           *startRequirment `json:"requirement"`
	UserVisibleData       string           `json:"userVisibleData"`
	UserVisibleDataFormat string           `json:"userVisibleDataFormat"`
	UserNonVisibleData    string           `json:"userNonVisibleData"`
	ReturnURL             string           `json:"returnUrl"`
	ReturnRisk            bool             `json:"returnRisk"`
	App                   *json.RawMessage `json:"app"`
	Web                   *json.RawMessage `json:"web"`
}

type startRequirment struct {
	PinCode             bool     `json:"pinCode"`
	MRTD                bool     `json:"mrtd"`
	CardReader          string   `json:"cardReader"`
	CertificatePolicies []string `json:"certificatePolicies"`
	PersonalNumber      string   `json:"personalNumber"`
}

// decodeStrict decodes a JSON object into v, rejecting unknown fields
// with exact (case-sensitive) key matching, as BankID does; allowed lists
// the keys of the top level, nested the keys of nested objects.
func decodeStrict(body []byte, v any, allowed []string, nested map[string][]string) error {
	var top map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&top); err != nil || top == nil {
		return errors.New("not a JSON object")
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	for k, raw := range top {
		if !slices.Contains(allowed, k) {
			return errors.New("unknown field")
		}
		if keys, ok := nested[k]; ok && string(raw) != "null" {
			var inner map[string]json.RawMessage
			if err := json.Unmarshal(raw, &inner); err != nil {
				return errors.New("not a JSON object")
			}
			for ik := range inner {
				if !slices.Contains(keys, ik) {
					return errors.New("unknown field")
				}
			}
		}
	}
	return json.Unmarshal(body, v)
}

var (
	startKeys = []string{"endUserIp", "personalNumber", "callInitiator", "requirement", "userVisibleData",
		"userVisibleDataFormat", "userNonVisibleData", "returnUrl", "returnRisk", "app", "web"}
	startNested = map[string][]string{
		"requirement": {"pinCode", "mrtd", "cardReader", "certificatePolicies", "personalNumber"},
		"app":         {"appIdentifier", "deviceOS", "deviceModelName", "deviceIdentifier"},
		"web":         {"referringDomain", "userAgent", "deviceIdentifier"},
	}
	refKeys = []string{"orderRef"}
)

// validateStart checks a start request like BankID does and returns the
// personal number the order is bound to ("" if none).
func validateStart(path string, b *startBody) (string, error) {
	phone := path == "/phone/auth" || path == "/phone/sign"
	sign := path == "/sign" || path == "/phone/sign"
	var pnr string
	if phone {
		if b.EndUserIP != "" || b.ReturnURL != "" || b.ReturnRisk || b.App != nil || b.Web != nil {
			return "", errors.New("field not allowed for phone orders")
		}
		if !validPNR(b.PersonalNumber) {
			return "", errors.New("invalid personalNumber")
		}
		if b.CallInitiator != "user" && b.CallInitiator != "RP" {
			return "", errors.New("invalid callInitiator")
		}
		pnr = b.PersonalNumber
	} else {
		if b.PersonalNumber != "" || b.CallInitiator != "" {
			return "", errors.New("field not allowed")
		}
		if _, err := netip.ParseAddr(b.EndUserIP); err != nil {
			return "", errors.New("invalid endUserIp")
		}
		if len(b.ReturnURL) > 2048 {
			return "", errors.New("invalid returnUrl")
		}
	}
	if rq := b.Requirement; rq != nil {
		if rq.PersonalNumber != "" {
			if !validPNR(rq.PersonalNumber) {
				return "", errors.New("invalid requirement.personalNumber")
			}
			if pnr != "" && pnr != rq.PersonalNumber {
				return "", errors.New("conflicting personalNumber")
			}
			pnr = rq.PersonalNumber
		}
		if rq.CardReader != "" && rq.CardReader != "class1" && rq.CardReader != "class2" {
			return "", errors.New("invalid requirement.cardReader")
		}
	}
	if sign && b.UserVisibleData == "" {
		return "", errors.New("userVisibleData required")
	}
	if b.UserVisibleData != "" {
		if len(b.UserVisibleData) > bankid.MaxUserVisibleData {
			return "", errors.New("userVisibleData too long")
		}
		if _, err := base64.StdEncoding.DecodeString(b.UserVisibleData); err != nil {
			return "", errors.New("userVisibleData not base64")
		}
	}
	switch b.UserVisibleDataFormat {
	case "":
	case "simpleMarkdownV1":
		if b.UserVisibleData == "" {
			return "", errors.New("userVisibleDataFormat without userVisibleData")
		}
	default:
		return "", errors.New("invalid userVisibleDataFormat")
	}
	if b.UserNonVisibleData != "" {
		if len(b.UserNonVisibleData) > bankid.MaxUserNonVisibleData {
			return "", errors.New("userNonVisibleData too long")
		}
		if _, err := base64.StdEncoding.DecodeString(b.UserNonVisibleData); err != nil {
			return "", errors.New("userNonVisibleData not base64")
		}
	}
	return pnr, nil
}

func (s *Server) handleStart(w http.ResponseWriter, path string, body []byte) int {
	var b startBody
	if err := decodeStrict(body, &b, startKeys, startNested); err != nil {
		return writeError(w, http.StatusBadRequest, bankid.CodeInvalidParameters, "Invalid request")
	}
	pnr, err := validateStart(path, &b)
	if err != nil {
		return writeError(w, http.StatusBadRequest, bankid.CodeInvalidParameters, "Invalid "+err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweepLocked(now)
	if len(s.orders) >= s.maxOrders {
		return writeError(w, http.StatusServiceUnavailable, bankid.CodeMaintenance, "Too many orders")
	}
	if pnr != "" {
		if other := s.pendingForLocked(pnr, ""); other != nil {
			// BankID aborts both: the new order is refused and the running
			// one fails with hint "cancelled".
			other.fail(now, bankid.HintCancelled)
			return writeError(w, http.StatusBadRequest, bankid.CodeAlreadyInProgress, "Order already in progress for pno")
		}
	}
	o := &order{
		ref:        uuid.NewString(),
		phone:      path == "/phone/auth" || path == "/phone/sign",
		sign:       path == "/sign" || path == "/phone/sign",
		created:    now,
		status:     bankid.StatusPending,
		hint:       bankid.HintOutstandingTransaction,
		pnr:        pnr,
		requested:  pnr,
		endUserIP:  b.EndUserIP,
		visible:    b.UserVisibleData,
		nonVisible: b.UserNonVisibleData,
		returnRisk: b.ReturnRisk,
	}
	if b.Requirement != nil {
		o.mrtd = b.Requirement.MRTD
	}
	if pnr != "" {
		if sc, ok := s.scripts[pnr]; ok {
			o.script = &sc
		}
	}
	s.orders[o.ref] = o
	if o.phone {
		return writeJSON(w, map[string]string{"orderRef": o.ref})
	}
	o.autoStartToken = uuid.NewString()
	o.qrStartToken = uuid.NewString()
	o.qrStartSecret = uuid.NewString()
	s.byQR[o.qrStartToken] = o.ref
	s.byStart[o.autoStartToken] = o.ref
	return writeJSON(w, map[string]string{
		"orderRef":       o.ref,
		"autoStartToken": o.autoStartToken,
		"qrStartToken":   o.qrStartToken,
		"qrStartSecret":  o.qrStartSecret,
	})
}

type refBody struct {
	OrderRef string `json:"orderRef"`
}

func (s *Server) handleCollect(w http.ResponseWriter, body []byte) int {
	var b refBody
	if err := decodeStrict(body, &b, refKeys, nil); err != nil || b.OrderRef == "" {
		return writeError(w, http.StatusBadRequest, bankid.CodeInvalidParameters, "Invalid request")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweepLocked(now)
	o, ok := s.orders[b.OrderRef]
	if !ok {
		return writeError(w, http.StatusBadRequest, bankid.CodeInvalidParameters, "No such order")
	}
	s.advanceLocked(o, now)
	return writeJSON(w, s.collectLocked(o))
}

func (s *Server) handleCancel(w http.ResponseWriter, body []byte) int {
	var b refBody
	if err := decodeStrict(body, &b, refKeys, nil); err != nil || b.OrderRef == "" {
		return writeError(w, http.StatusBadRequest, bankid.CodeInvalidParameters, "Invalid request")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweepLocked(now)
	o, ok := s.orders[b.OrderRef]
	if !ok || o.status != bankid.StatusPending {
		return writeError(w, http.StatusBadRequest, bankid.CodeInvalidParameters, "No such order")
	}
	s.removeLocked(o)
	return writeJSON(w, struct{}{})
}
