package bankidtest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"slices"
	"time"

	"github.com/etjanst/etjanst/identity/bankid"
)

// Errors of the app helpers (Scan, Open, Complete, ...). They never
// contain personal numbers, references or tokens.
var (
	// ErrNoOrder: no order matches the QR code, token or reference, or it
	// is no longer pending.
	ErrNoOrder = errors.New("bankidtest: no such pending order")
	// ErrBadQR: the QR code is malformed, its HMAC does not match, or its
	// time is too far from the order's age (as the real app would refuse).
	ErrBadQR = errors.New("bankidtest: QR code rejected")
	// ErrWrongPerson: the order is restricted to another personal number.
	ErrWrongPerson = errors.New("bankidtest: order is for another person")
	// ErrBadState: the action does not fit the order's state (for example
	// completing an order that no one has started).
	ErrBadState = errors.New("bankidtest: action not allowed in this state")
	// ErrInvalidPerson: not a valid personal number.
	ErrInvalidPerson = errors.New("bankidtest: invalid personal number")
)

// Script makes orders for one personal number progress by themselves: each
// collect reports the next pending hint, and after the last one the
// outcome. Without a script (and without Options.AutoPerson) orders wait
// for the app helpers (Scan, Open, UserSign, Complete, Fail).
type Script struct {
	// Pending are the hints of successive collects. Defaults to
	// outstandingTransaction, started, userSign (phone orders:
	// outstandingTransaction, userCallConfirm, userSign). Each pending hint
	// is reported by exactly one collect.
	Pending []string
	// Outcome is bankid.StatusComplete (the default, "") or the hint code
	// of a failure (bankid.HintUserCancel, bankid.HintCertificateErr,
	// bankid.HintExpiredTransaction, bankid.HintStartFailed, ...).
	Outcome string
}

// SetScript scripts the orders of the person with personal number pnr
// (including orders already pending that have not started progressing).
// A zero Script uses the default steps and completes.
func (s *Server) SetScript(pnr string, sc Script) error {
	if !validPNR(pnr) {
		return ErrInvalidPerson
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc.Pending = slices.Clone(sc.Pending)
	s.scripts[pnr] = sc
	for _, o := range s.orders {
		if o.pnr == pnr && o.status == bankid.StatusPending && o.step == 0 {
			cp := sc
			o.script = &cp
		}
	}
	return nil
}

// ClearScript removes the script of pnr; new orders wait for the app
// helpers again.
func (s *Server) ClearScript(pnr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.scripts, pnr)
}

type order struct {
	ref            string
	phone, sign    bool
	created        time.Time
	finished       time.Time
	status         string
	hint           string
	started        bool
	pnr            string // bound person ("" until scanned/opened)
	requested      string // requirement.personalNumber or phone personalNumber
	endUserIP      string
	visible        string // base64 as received
	nonVisible     string
	returnRisk     bool
	mrtd           bool
	autoStartToken string
	qrStartToken   string
	qrStartSecret  string
	script         *Script
	step           int
	completion     *completion
}

func (o *order) fail(now time.Time, hint string) {
	o.status, o.hint, o.finished = bankid.StatusFailed, hint, now
}

func (o *order) pendingHints() []string {
	if o.script != nil && len(o.script.Pending) > 0 {
		return o.script.Pending
	}
	if o.phone {
		return []string{bankid.HintOutstandingTransaction, bankid.HintUserCallConfirm, bankid.HintUserSign}
	}
	return []string{bankid.HintOutstandingTransaction, bankid.HintStarted, bankid.HintUserSign}
}

// sweepLocked applies the clock: pending orders time out, finished orders
// are forgotten after the retention.
func (s *Server) sweepLocked(now time.Time) {
	for _, o := range s.orders {
		switch {
		case o.status == bankid.StatusPending && now.Sub(o.created) > s.ttl:
			o.fail(now, bankid.HintExpiredTransaction)
		case o.status == bankid.StatusPending && !o.phone && !o.started && o.script == nil && now.Sub(o.created) > s.startTimeout:
			o.fail(now, bankid.HintStartFailed)
		case o.status != bankid.StatusPending && now.Sub(o.finished) > s.retention:
			s.removeLocked(o)
		}
	}
}

func (s *Server) removeLocked(o *order) {
	delete(s.orders, o.ref)
	delete(s.byQR, o.qrStartToken)
	delete(s.byStart, o.autoStartToken)
}

func (s *Server) pendingForLocked(pnr, except string) *order {
	for _, o := range s.orders {
		if o.ref != except && o.status == bankid.StatusPending && (o.pnr == pnr || o.requested == pnr) {
			return o
		}
	}
	return nil
}

// advanceLocked moves scripted (and auto-person) orders one step per
// collect.
func (s *Server) advanceLocked(o *order, now time.Time) {
	if o.status != bankid.StatusPending {
		return
	}
	if o.script == nil && o.pnr == "" && o.requested == "" && s.autoPerson != "" {
		o.pnr = s.autoPerson
		sc := s.scripts[s.autoPerson]
		o.script = &sc
	}
	if o.script == nil {
		return
	}
	hints := o.pendingHints()
	if o.step < len(hints) {
		o.hint = hints[o.step]
		o.started = o.started || o.hint != bankid.HintOutstandingTransaction
		o.step++
		return
	}
	switch out := o.script.Outcome; out {
	case "", bankid.StatusComplete:
		s.completeLocked(o, now)
	default:
		o.fail(now, out)
	}
}

// collectLocked renders the collect response of o.
func (s *Server) collectLocked(o *order) map[string]any {
	out := map[string]any{"orderRef": o.ref, "status": o.status}
	switch o.status {
	case bankid.StatusPending, bankid.StatusFailed:
		out["hintCode"] = o.hint
	case bankid.StatusComplete:
		out["completionData"] = o.completion
	}
	return out
}

type completion struct {
	User            completionUser   `json:"user"`
	Device          completionDevice `json:"device"`
	BankIDIssueDate string           `json:"bankIdIssueDate"`
	StepUp          *completionStep  `json:"stepUp,omitempty"`
	Signature       string           `json:"signature"`
	OCSPResponse    string           `json:"ocspResponse"`
	Risk            string           `json:"risk,omitempty"`
}

type completionUser struct {
	PersonalNumber string `json:"personalNumber"`
	Name           string `json:"name"`
	GivenName      string `json:"givenName"`
	Surname        string `json:"surname"`
}

type completionDevice struct {
	IPAddress string `json:"ipAddress"`
	UHI       string `json:"uhi"`
}

type completionStep struct {
	MRTD bool `json:"mrtd"`
}

// signedData is the shape of the signed document, modelled on BankID's
// bankIdSignedData. It is NOT signed: see the package documentation.
type signedData struct {
	XMLName    xml.Name `xml:"bankIdSignedData"`
	Comment    string   `xml:",comment"`
	Visible    string   `xml:"usrVisibleData,omitempty"`
	NonVisible string   `xml:"usrNonVisibleData,omitempty"`
	FuncID     string   `xml:"clientInfo>funcId"`
	OrderRef   string   `xml:"srvInfo>orderRef"`
	Nonce      string   `xml:"srvInfo>nonce"`
}

func (s *Server) person(pnr string) Person {
	if p, ok := s.persons[pnr]; ok {
		return p
	}
	return inventPerson(pnr)
}

func (s *Server) completeLocked(o *order, now time.Time) {
	p := s.person(o.pnr)
	funcID := "Identification"
	if o.sign {
		funcID = "Signing"
	}
	sum := sha256.Sum256([]byte(o.ref + "|" + o.pnr))
	doc, _ := xml.Marshal(signedData{
		Comment:    " bankidtest: NOT a real BankID signature ",
		Visible:    o.visible,
		NonVisible: o.nonVisible,
		FuncID:     funcID,
		OrderRef:   o.ref,
		Nonce:      base64.StdEncoding.EncodeToString(sum[:]),
	})
	doc = append([]byte(xml.Header), doc...)
	ip := o.endUserIP
	if ip == "" {
		ip = "192.0.2.10" // phone orders: a documentation address
	}
	uhi := sha256.Sum256([]byte("uhi|" + o.pnr))
	c := &completion{
		User: completionUser{
			PersonalNumber: p.PersonalNumber,
			Name:           p.Name(),
			GivenName:      p.GivenName,
			Surname:        p.Surname,
		},
		Device:          completionDevice{IPAddress: ip, UHI: hex.EncodeToString(uhi[:12])},
		BankIDIssueDate: now.AddDate(-2, 0, 0).Format("2006-01-02"),
		Signature:       base64.StdEncoding.EncodeToString(doc),
		OCSPResponse:    base64.StdEncoding.EncodeToString(append([]byte("bankidtest: NOT a real OCSP response "), sum[:]...)),
	}
	if o.mrtd {
		c.StepUp = &completionStep{MRTD: true}
	}
	if o.returnRisk {
		c.Risk = "low"
	}
	o.completion = c
	o.status, o.hint, o.finished = bankid.StatusComplete, "", now
}

// Scan plays the BankID app scanning an animated QR code: it checks the
// code's HMAC with the order's qrStartSecret and its time against the age
// of the order (within Options.QRTolerance), binds the person with
// personal number pnr and moves the order to hint "started". A pending
// order of the same person elsewhere fails with hint "cancelled". It
// returns the orderRef.
func (s *Server) Scan(qr, pnr string) (string, error) {
	code, err := bankid.ParseQRData(qr)
	if err != nil {
		return "", ErrBadQR
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweepLocked(now)
	ref, ok := s.byQR[code.Token]
	if !ok {
		return "", ErrNoOrder
	}
	o := s.orders[ref]
	if !code.Verify(o.qrStartSecret) {
		return "", ErrBadQR
	}
	age := now.Sub(o.created)
	if d := time.Duration(code.Seconds)*time.Second - age; d > s.qrTolerance || -d > s.qrTolerance+time.Second {
		return "", ErrBadQR
	}
	return ref, s.startLocked(o, pnr, now)
}

// Open plays the BankID app started on the same device with the order's
// autoStartToken; otherwise like Scan.
func (s *Server) Open(autoStartToken, pnr string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweepLocked(now)
	ref, ok := s.byStart[autoStartToken]
	if !ok {
		return "", ErrNoOrder
	}
	return ref, s.startLocked(s.orders[ref], pnr, now)
}

func (s *Server) startLocked(o *order, pnr string, now time.Time) error {
	if !validPNR(pnr) {
		return ErrInvalidPerson
	}
	if o.status != bankid.StatusPending {
		return ErrNoOrder
	}
	if o.started {
		return ErrBadState
	}
	if o.requested != "" && o.requested != pnr {
		return ErrWrongPerson
	}
	if other := s.pendingForLocked(pnr, o.ref); other != nil {
		other.fail(now, bankid.HintCancelled)
	}
	o.pnr, o.started, o.hint = pnr, true, bankid.HintStarted
	return nil
}

func (s *Server) pendingLocked(orderRef string) (*order, time.Time, error) {
	now := s.now()
	s.sweepLocked(now)
	o, ok := s.orders[orderRef]
	if !ok || o.status != bankid.StatusPending {
		return nil, now, ErrNoOrder
	}
	return o, now, nil
}

// UserMRTD moves a started order to hint userMrtd (the app asks for the
// passport or ID card).
func (s *Server) UserMRTD(orderRef string) error {
	return s.setHint(orderRef, bankid.HintUserMRTD)
}

// UserSign moves a started order to hint userSign (the app asks for the
// security code).
func (s *Server) UserSign(orderRef string) error {
	return s.setHint(orderRef, bankid.HintUserSign)
}

func (s *Server) setHint(orderRef, hint string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, _, err := s.pendingLocked(orderRef)
	if err != nil {
		return err
	}
	if o.pnr == "" {
		return ErrBadState
	}
	o.started, o.hint = true, hint
	return nil
}

// Complete completes a pending order whose person is known (scanned,
// opened, or named in the request), building the completion data.
func (s *Server) Complete(orderRef string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, now, err := s.pendingLocked(orderRef)
	if err != nil {
		return err
	}
	if o.pnr == "" {
		return ErrBadState
	}
	s.completeLocked(o, now)
	return nil
}

// Fail ends a pending order with a failure hint (bankid.HintUserCancel,
// bankid.HintCertificateErr, bankid.HintUserDeclinedCall, or any other
// string to test unknown hints).
func (s *Server) Fail(orderRef, hint string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, now, err := s.pendingLocked(orderRef)
	if err != nil {
		return err
	}
	o.fail(now, hint)
	return nil
}

// Sign plays a user who scans the QR code and approves at once: Scan then
// Complete. It returns the orderRef.
func (s *Server) Sign(qr, pnr string) (string, error) {
	ref, err := s.Scan(qr, pnr)
	if err != nil {
		return "", err
	}
	return ref, s.Complete(ref)
}

// OrderState reports the status and hint of an order, for assertions
// (ok is false for unknown or forgotten orders).
func (s *Server) OrderState(orderRef string) (status, hint string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[orderRef]
	if !ok {
		return "", "", false
	}
	return o.status, o.hint, true
}
