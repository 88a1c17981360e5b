package bankid

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"
	"unicode/utf8"
)

// Formats of userVisibleData.
const (
	// FormatPlaintext is plain text (the default; sent as no format).
	FormatPlaintext = ""
	// FormatSimpleMarkdownV1 is BankID's simple Markdown dialect.
	FormatSimpleMarkdownV1 = "simpleMarkdownV1"
)

// Call initiators of phone orders.
const (
	// CallInitiatorUser: the user called the RP.
	CallInitiatorUser = "user"
	// CallInitiatorRP: the RP called the user.
	CallInitiatorRP = "RP"
)

// Card reader classes of Requirement.CardReader.
const (
	CardReaderClass1 = "class1"
	CardReaderClass2 = "class2"
)

// Limits of the API (after base64 encoding where the API says so).
const (
	// MaxUserVisibleData is the maximum length of userVisibleData after
	// base64 encoding.
	MaxUserVisibleData = 40_000
	// MaxUserNonVisibleData is the maximum length of userNonVisibleData
	// after base64 encoding.
	MaxUserNonVisibleData = 200_000
	// MaxReturnURL caps returnUrl.
	MaxReturnURL = 2048
)

// Requirement restricts how an order may be carried out.
type Requirement struct {
	// PinCode requires the security code even if biometrics are enabled.
	PinCode bool `json:"pinCode,omitempty"`
	// MRTD requires the user to scan a Swedish passport or national ID
	// card (step-up).
	MRTD bool `json:"mrtd,omitempty"`
	// CardReader is CardReaderClass1 or CardReaderClass2 for BankID on
	// card.
	CardReader string `json:"cardReader,omitempty"`
	// CertificatePolicies restrict the BankID types (OIDs).
	CertificatePolicies []string `json:"certificatePolicies,omitempty"`
	// PersonalNumber restricts the order to this person (12 digits).
	PersonalNumber string `json:"personalNumber,omitempty"`
}

// App describes the RP's native app, for BankID's risk assessment.
type App struct {
	AppIdentifier    string `json:"appIdentifier,omitempty"`
	DeviceOS         string `json:"deviceOS,omitempty"`
	DeviceModelName  string `json:"deviceModelName,omitempty"`
	DeviceIdentifier string `json:"deviceIdentifier,omitempty"`
}

// Web describes the user's browser, for BankID's risk assessment.
type Web struct {
	ReferringDomain  string `json:"referringDomain,omitempty"`
	UserAgent        string `json:"userAgent,omitempty"`
	DeviceIdentifier string `json:"deviceIdentifier,omitempty"`
}

// AuthRequest starts an authentication (POST /auth).
type AuthRequest struct {
	// EndUserIP is the user's IP address as seen by the RP. Required.
	EndUserIP string
	// Requirement restricts the order. Optional.
	Requirement *Requirement
	// UserVisibleData is shown to the user (plain text; the client
	// base64-encodes it). Optional for auth.
	UserVisibleData string
	// UserVisibleDataFormat is FormatPlaintext or FormatSimpleMarkdownV1.
	UserVisibleDataFormat string
	// UserNonVisibleData is signed but not shown. Optional.
	UserNonVisibleData []byte
	// ReturnURL is where the app returns on the same device. Optional.
	ReturnURL string
	// ReturnRisk asks for BankID's risk indication in the completion data.
	ReturnRisk bool
	// App or Web describe the user's device. Optional.
	App *App
	Web *Web
}

// SignRequest starts a signature (POST /sign). UserVisibleData is
// required.
type SignRequest AuthRequest

// PhoneAuthRequest starts an authentication over the phone
// (POST /phone/auth).
type PhoneAuthRequest struct {
	// PersonalNumber of the user (12 digits). Required.
	PersonalNumber string
	// CallInitiator is CallInitiatorUser or CallInitiatorRP. Required.
	CallInitiator string
	// Requirement restricts the order. Optional.
	Requirement *Requirement
	// UserVisibleData, its format and UserNonVisibleData as in AuthRequest.
	UserVisibleData       string
	UserVisibleDataFormat string
	UserNonVisibleData    []byte
}

// PhoneSignRequest starts a signature over the phone (POST /phone/sign).
// UserVisibleData is required.
type PhoneSignRequest PhoneAuthRequest

// wireRequest is the JSON body of auth, sign, phone/auth and phone/sign.
type wireRequest struct {
	EndUserIP             string       `json:"endUserIp,omitempty"`
	PersonalNumber        string       `json:"personalNumber,omitempty"`
	CallInitiator         string       `json:"callInitiator,omitempty"`
	Requirement           *Requirement `json:"requirement,omitempty"`
	UserVisibleData       string       `json:"userVisibleData,omitempty"`
	UserVisibleDataFormat string       `json:"userVisibleDataFormat,omitempty"`
	UserNonVisibleData    string       `json:"userNonVisibleData,omitempty"`
	ReturnURL             string       `json:"returnUrl,omitempty"`
	ReturnRisk            bool         `json:"returnRisk,omitempty"`
	App                   *App         `json:"app,omitempty"`
	Web                   *Web         `json:"web,omitempty"`
}

func (r *AuthRequest) wire(sign bool) (wireRequest, error) {
	w := wireRequest{
		EndUserIP:   r.EndUserIP,
		Requirement: r.Requirement,
		ReturnURL:   r.ReturnURL,
		ReturnRisk:  r.ReturnRisk,
		App:         r.App,
		Web:         r.Web,
	}
	if _, err := netip.ParseAddr(r.EndUserIP); err != nil {
		return w, fmt.Errorf("%w: endUserIp is not an IP address", ErrInvalidRequest)
	}
	if len(r.ReturnURL) > MaxReturnURL {
		return w, fmt.Errorf("%w: returnUrl longer than %d bytes", ErrInvalidRequest, MaxReturnURL)
	}
	if err := checkRequirement(r.Requirement); err != nil {
		return w, err
	}
	if err := setData(&w, r.UserVisibleData, r.UserVisibleDataFormat, r.UserNonVisibleData, sign); err != nil {
		return w, err
	}
	return w, nil
}

func (r *PhoneAuthRequest) wire(sign bool) (wireRequest, error) {
	w := wireRequest{
		PersonalNumber: r.PersonalNumber,
		CallInitiator:  r.CallInitiator,
		Requirement:    r.Requirement,
	}
	if !isPersonalNumberShape(r.PersonalNumber) {
		return w, fmt.Errorf("%w: personalNumber must be 12 digits", ErrInvalidRequest)
	}
	if r.CallInitiator != CallInitiatorUser && r.CallInitiator != CallInitiatorRP {
		return w, fmt.Errorf("%w: callInitiator must be %q or %q", ErrInvalidRequest, CallInitiatorUser, CallInitiatorRP)
	}
	if err := checkRequirement(r.Requirement); err != nil {
		return w, err
	}
	if err := setData(&w, r.UserVisibleData, r.UserVisibleDataFormat, r.UserNonVisibleData, sign); err != nil {
		return w, err
	}
	return w, nil
}

// ErrInvalidRequest reports a request the client refuses to send because
// it violates the API (checked before any network I/O).
var ErrInvalidRequest = errors.New("bankid: invalid request")

func checkRequirement(r *Requirement) error {
	if r == nil {
		return nil
	}
	if r.PersonalNumber != "" && !isPersonalNumberShape(r.PersonalNumber) {
		return fmt.Errorf("%w: requirement.personalNumber must be 12 digits", ErrInvalidRequest)
	}
	if r.CardReader != "" && r.CardReader != CardReaderClass1 && r.CardReader != CardReaderClass2 {
		return fmt.Errorf("%w: requirement.cardReader must be class1 or class2", ErrInvalidRequest)
	}
	if len(r.CertificatePolicies) > 32 {
		return fmt.Errorf("%w: too many certificate policies", ErrInvalidRequest)
	}
	return nil
}

func setData(w *wireRequest, visible, format string, hidden []byte, sign bool) error {
	if format != FormatPlaintext && format != FormatSimpleMarkdownV1 {
		return fmt.Errorf("%w: userVisibleDataFormat must be empty or %s", ErrInvalidRequest, FormatSimpleMarkdownV1)
	}
	if sign && visible == "" {
		return fmt.Errorf("%w: userVisibleData is required to sign", ErrInvalidRequest)
	}
	if !utf8.ValidString(visible) {
		return fmt.Errorf("%w: userVisibleData is not valid UTF-8", ErrInvalidRequest)
	}
	if visible != "" {
		w.UserVisibleData = base64.StdEncoding.EncodeToString([]byte(visible))
		if len(w.UserVisibleData) > MaxUserVisibleData {
			return fmt.Errorf("%w: userVisibleData longer than %d characters in base64", ErrInvalidRequest, MaxUserVisibleData)
		}
		w.UserVisibleDataFormat = format
	}
	if len(hidden) > 0 {
		w.UserNonVisibleData = base64.StdEncoding.EncodeToString(hidden)
		if len(w.UserNonVisibleData) > MaxUserNonVisibleData {
			return fmt.Errorf("%w: userNonVisibleData longer than %d characters in base64", ErrInvalidRequest, MaxUserNonVisibleData)
		}
	}
	return nil
}

func isPersonalNumberShape(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Order is a started order. Keep it on the server: OrderRef lets the holder
// collect the result and QRStartSecret authenticates QR codes. Only
// AutoStartToken and the output of QR go to the browser.
type Order struct {
	OrderRef       string `json:"orderRef"`
	AutoStartToken string `json:"autoStartToken,omitempty"`
	QRStartToken   string `json:"qrStartToken,omitempty"`
	QRStartSecret  string `json:"qrStartSecret,omitempty"`
	// StartedAt is when the client received the order (Options.Now): the
	// base of the QR time component.
	StartedAt time.Time `json:"-"`
}

// QR returns the animated QR code content at now, or "" for orders
// without QR (phone orders).
func (o *Order) QR(now time.Time) string {
	if o.QRStartToken == "" || o.QRStartSecret == "" {
		return ""
	}
	return QRData(o.QRStartToken, o.QRStartSecret, QRSeconds(o.StartedAt, now))
}

// LogValue implements slog.LogValuer: references, tokens and secrets are
// never logged.
func (o *Order) LogValue() slog.Value {
	return slog.GroupValue(slog.Time("started_at", o.StartedAt), slog.Bool("qr", o.QRStartToken != ""))
}

// User is the user part of the completion data.
type User struct {
	PersonalNumber string `json:"personalNumber"`
	Name           string `json:"name"`
	GivenName      string `json:"givenName"`
	Surname        string `json:"surname"`
}

// Device is the device part of the completion data.
type Device struct {
	// IPAddress of the user's device as seen by BankID.
	IPAddress string `json:"ipAddress"`
	// UHI is a unique hardware identifier of the user's device.
	UHI string `json:"uhi,omitempty"`
}

// StepUp tells which additional checks the user passed.
type StepUp struct {
	// MRTD: the user scanned a passport or national ID card.
	MRTD bool `json:"mrtd"`
}

// CompletionData is the result of a complete order. It holds personal
// data: keep it as evidence, never log it (LogValue is masked).
type CompletionData struct {
	User   User   `json:"user"`
	Device Device `json:"device"`
	// BankIDIssueDate is the issue date of the user's BankID (YYYY-MM-DD).
	BankIDIssueDate string  `json:"bankIdIssueDate"`
	StepUp          *StepUp `json:"stepUp,omitempty"`
	// Signature is the XML signature, base64-encoded as received.
	Signature string `json:"signature"`
	// OCSPResponse is the OCSP response, base64-encoded as received.
	OCSPResponse string `json:"ocspResponse"`
	// Risk is BankID's risk indication ("low", "moderate", "high"), when
	// requested with ReturnRisk.
	Risk string `json:"risk,omitempty"`
}

// LogValue implements slog.LogValuer: only the masked personal number and
// the issue date.
func (c *CompletionData) LogValue() slog.Value {
	masked := "****"
	if len(c.User.PersonalNumber) == 12 {
		masked = c.User.PersonalNumber[:8] + "-****"
	}
	return slog.GroupValue(slog.String("user", masked), slog.String("bank_id_issue_date", c.BankIDIssueDate))
}

// CollectResponse is the result of POST /collect.
type CollectResponse struct {
	OrderRef string `json:"orderRef"`
	// Status is StatusPending, StatusFailed or StatusComplete.
	Status string `json:"status"`
	// HintCode describes a pending or failed order.
	HintCode string `json:"hintCode,omitempty"`
	// CompletionData is set when Status is StatusComplete.
	CompletionData *CompletionData `json:"completionData,omitempty"`
	// Raw is the response body exactly as received, kept as evidence.
	Raw json.RawMessage `json:"-"`
}

// LogValue implements slog.LogValuer: status and hint only.
func (r *CollectResponse) LogValue() slog.Value {
	hint := r.HintCode
	if hint != "" {
		hint = sanitizeCode(hint)
	}
	return slog.GroupValue(slog.String("status", sanitizeCode(r.Status)), slog.String("hint", hint))
}

// Message returns the recommended user message for the response.
func (r *CollectResponse) Message(mc MessageContext) RFA {
	return HintMessage(r.Status, r.HintCode, mc)
}

// Err returns an *OrderFailedError for a failed order and nil otherwise.
func (r *CollectResponse) Err() error {
	if r.Status == StatusFailed {
		return &OrderFailedError{HintCode: r.HintCode}
	}
	return nil
}

// Limits applied when decoding collect responses.
const (
	maxRefLen       = 128
	maxHintLen      = 64
	maxNameLen      = 256
	maxSignatureLen = 1 << 20
	maxOCSPLen      = 64 << 10
)

// ParseCollectResponse decodes and checks a collect response body: a known
// status; a hint code of at most 64 bytes; for complete orders, completion
// data with a 12-digit personal number, names of at most 256 bytes, and a
// signature and OCSP response in valid base64 within size limits. Unknown
// hint codes are kept (and handled as documented by HintMessage). Errors
// wrap ErrBadResponse and never contain the body.
func ParseCollectResponse(body []byte) (*CollectResponse, error) {
	var r CollectResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("%w: collect: not a JSON object of the expected shape", ErrBadResponse)
	}
	if r.OrderRef == "" || len(r.OrderRef) > maxRefLen {
		return nil, fmt.Errorf("%w: collect: missing or too long orderRef", ErrBadResponse)
	}
	if len(r.HintCode) > maxHintLen {
		return nil, fmt.Errorf("%w: collect: hintCode too long", ErrBadResponse)
	}
	switch r.Status {
	case StatusPending, StatusFailed:
		if r.CompletionData != nil {
			return nil, fmt.Errorf("%w: collect: completionData on a %s order", ErrBadResponse, r.Status)
		}
	case StatusComplete:
		if err := checkCompletion(r.CompletionData); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: collect: unknown status", ErrBadResponse)
	}
	r.Raw = append(json.RawMessage(nil), body...)
	return &r, nil
}

func checkCompletion(c *CompletionData) error {
	if c == nil {
		return fmt.Errorf("%w: collect: complete order without completionData", ErrBadResponse)
	}
	if !isPersonalNumberShape(c.User.PersonalNumber) {
		return fmt.Errorf("%w: collect: personalNumber is not 12 digits", ErrBadResponse)
	}
	for _, s := range []string{c.User.Name, c.User.GivenName, c.User.Surname} {
		if len(s) > maxNameLen || !utf8.ValidString(s) {
			return fmt.Errorf("%w: collect: invalid or too long name", ErrBadResponse)
		}
	}
	if len(c.Device.IPAddress) > 64 || len(c.Device.UHI) > 256 || len(c.BankIDIssueDate) > 32 || len(c.Risk) > 32 {
		return fmt.Errorf("%w: collect: device or issue data too long", ErrBadResponse)
	}
	if c.Signature == "" || len(c.Signature) > maxSignatureLen {
		return fmt.Errorf("%w: collect: missing or too large signature", ErrBadResponse)
	}
	if _, err := base64.StdEncoding.DecodeString(c.Signature); err != nil {
		return fmt.Errorf("%w: collect: signature is not base64", ErrBadResponse)
	}
	if c.OCSPResponse == "" || len(c.OCSPResponse) > maxOCSPLen {
		return fmt.Errorf("%w: collect: missing or too large ocspResponse", ErrBadResponse)
	}
	if _, err := base64.StdEncoding.DecodeString(c.OCSPResponse); err != nil {
		return fmt.Errorf("%w: collect: ocspResponse is not base64", ErrBadResponse)
	}
	return nil
}
