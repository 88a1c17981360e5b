package identity

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Text is a user-facing text in Swedish with English alongside.
type Text struct {
	SV string `json:"sv"`
	EN string `json:"en,omitempty"`
}

// In returns the text in lang ("sv" or "en"), falling back to Swedish when
// the English text is missing.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.SV
}

// IsZero reports whether neither language has a text.
func (t Text) IsZero() bool { return t.SV == "" && t.EN == "" }

// Errors of interactive flows, returned (wrapped) by Provider
// implementations.
var (
	// ErrFlowFailed reports that the flow ended without a successful
	// authentication or signature (the user cancelled, the order expired,
	// the e-ID was blocked, ...). The wrapping error carries the provider's
	// reason; Status.Message has the text to show.
	ErrFlowFailed = errors.New("identity: e-ID flow failed")
	// ErrFlowNotFound reports a Challenge the provider does not know (never
	// started, already finished or cancelled).
	ErrFlowNotFound = errors.New("identity: e-ID flow not found")
)

// StartRequest is the input of Provider.Start.
type StartRequest struct {
	// EndUserIP is the IP address of the user's device as seen by the
	// application. Required by BankID.
	EndUserIP string
	// Subject, when set, restricts the flow to this person (for example a
	// re-authentication or a signature by a known applicant).
	Subject Subject
	// Sign, when set, asks for a signature instead of a login.
	Sign *SignRequest
	// MinAssurance is the lowest acceptable level; providers that can ask
	// for a level do so, and every provider rejects a weaker result.
	MinAssurance AssuranceLevel
	// ReturnURL is where a redirect flow (OIDC, SAML) sends the browser
	// back, or where the BankID app returns on the same device.
	ReturnURL string
	// Lang is the preferred language ("sv" or "en") of provider pages.
	Lang string
	// SameDevice says the user starts the e-ID app on the device that runs
	// the browser (BankID autostart) rather than scanning a QR code with
	// another device. It selects the right user messages.
	SameDevice bool
}

// SignRequest is the content of a signature flow.
type SignRequest struct {
	// Text is shown to the user in the e-ID app. Required.
	Text string
	// Markdown says Text is in BankID's simpleMarkdownV1 format.
	Markdown bool
	// Hidden is signed but not shown (for example a digest of the
	// application). Optional.
	Hidden []byte
}

// Challenge is a started flow. Keep it server side (for example in the
// session): Ref and Secret let the holder poll, complete or cancel the flow.
// Only AutoStartToken, RedirectURL and the QR data derived by the provider
// go to the browser.
type Challenge struct {
	// Method is the provider's method (MethodBankID, MethodOIDC, ...).
	Method string `json:"method"`
	// Ref is the provider's reference to the flow (BankID orderRef, OIDC
	// state).
	Ref string `json:"ref"`
	// Secret is provider state that must not leave the server (BankID
	// qrStartSecret, OIDC nonce and PKCE verifier).
	Secret string `json:"secret,omitempty"`
	// QRStartToken is the public part of an animated QR code (BankID).
	QRStartToken string `json:"qr_start_token,omitempty"`
	// AutoStartToken launches the e-ID app on the same device (BankID).
	AutoStartToken string `json:"auto_start_token,omitempty"`
	// RedirectURL is where a redirect flow sends the browser.
	RedirectURL string `json:"redirect_url,omitempty"`
	// Subject is StartRequest.Subject, if any.
	Subject Subject `json:"subject,omitzero"`
	// Sign says the flow is a signature.
	Sign bool `json:"sign,omitempty"`
	// MinAssurance is StartRequest.MinAssurance.
	MinAssurance AssuranceLevel `json:"min_assurance,omitempty"`
	// SameDevice is StartRequest.SameDevice.
	SameDevice bool `json:"same_device,omitempty"`
	// StartedAt is when the flow started (the base of animated QR codes).
	StartedAt time.Time `json:"started_at"`
}

// LogValue implements slog.LogValuer: method, start time and whether it is
// a signature; references, tokens and secrets are never logged.
func (c Challenge) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("method", c.Method),
		slog.Bool("sign", c.Sign),
		slog.Time("started_at", c.StartedAt),
	)
}

// State is the state of a flow.
type State string

// Flow states.
const (
	// StatePending: the flow goes on; poll again.
	StatePending State = "pending"
	// StateComplete: the user authenticated or signed; Status.Result is set.
	StateComplete State = "complete"
	// StateFailed: the flow ended without success; Status.Message says why.
	StateFailed State = "failed"
)

// Status is one observation of a flow.
type Status struct {
	// State of the flow.
	State State `json:"state"`
	// Hint is the provider's machine-readable hint or failure code (BankID
	// hintCode such as "outstandingTransaction", "userCancel").
	Hint string `json:"hint,omitempty"`
	// Message is the text to show the user, in Swedish and English.
	Message Text `json:"message"`
	// QR is the current QR code payload, for flows with an animated QR
	// code; it changes every second, so render it on each poll.
	QR string `json:"qr,omitempty"`
	// Result is set when State is StateComplete.
	Result *Result `json:"-"`
}

// Result is a successful flow: the principal and the evidence to keep.
type Result struct {
	// Principal is the authenticated person. Party is self: call ActFor to
	// act for an organisation.
	Principal Principal
	// Evidence is what the provider returned, kept on every case.
	Evidence Evidence
}

// Evidence is the proof of an authentication or signature, kept with every
// case the principal submits. It holds personal data (the raw completion
// data includes names and identity numbers): store it like the case, and
// never log it (LogValue shows only method, provider, kind and times).
type Evidence struct {
	// Method is the authentication method (MethodBankID, ...).
	Method string `json:"method"`
	// Provider identifies the issuing service (BankID RP API URL, OIDC
	// issuer).
	Provider string `json:"provider"`
	// Ref is the provider's reference (BankID orderRef, OIDC sid or jti).
	Ref string `json:"ref,omitempty"`
	// Sign says this is a signature, not a login.
	Sign bool `json:"sign,omitempty"`
	// SignedText is the user-visible text that was signed, if Sign.
	SignedText string `json:"signed_text,omitempty"`
	// StartedAt and CompletedAt bound the flow.
	StartedAt   time.Time `json:"started_at"`
	CompletedAt time.Time `json:"completed_at"`
	// Signature is the provider's signature over the result, as received
	// (BankID: the XML signature, base64-decoded; OIDC: the ID token).
	Signature []byte `json:"signature,omitempty"`
	// OCSPResponse is the OCSP response for the user's certificate
	// (BankID), DER, base64-decoded.
	OCSPResponse []byte `json:"ocsp_response,omitempty"`
	// Raw is the provider's completion data exactly as received (JSON).
	Raw []byte `json:"raw,omitempty"`
	// Attributes are further facts from the provider (BankID:
	// "device.ipAddress", "bankIdIssueDate", "stepUp.mrtd").
	Attributes map[string]string `json:"attributes,omitempty"`
}

// LogValue implements slog.LogValuer. Evidence holds personal data, so only
// method, provider, kind, times and sizes are logged.
func (e Evidence) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("method", e.Method),
		slog.String("provider", e.Provider),
		slog.Bool("sign", e.Sign),
		slog.Time("completed_at", e.CompletedAt),
		slog.Int("signature_bytes", len(e.Signature)),
		slog.Int("ocsp_bytes", len(e.OCSPResponse)),
	)
}

// Callback holds the parameters a redirect flow receives on its return URL
// (OIDC "code" and "state"); nil for polling flows.
type Callback map[string]string

// Provider is an interactive e-ID flow: BankID and Freja poll until the
// user has acted in the app; OIDC and SAML redirect the browser and
// complete on the callback.
//
// A Provider is safe for concurrent use. It keeps no per-flow state of its
// own beyond what the provider service holds: the Challenge carries all of
// it, so any instance of an application can continue a flow.
type Provider interface {
	// Start begins a login (req.Sign nil) or signature. Errors wrap the
	// provider's typed errors (for BankID, ErrAlreadyInProgress when the
	// same person has a flow running).
	Start(ctx context.Context, req StartRequest) (Challenge, error)
	// Poll observes the flow once without blocking on the user: the state,
	// the user message in sv and en, the current QR code, and the Result
	// once complete. A redirect flow reports StatePending until Complete is
	// called with its callback. A failed flow returns StateFailed and a nil
	// error; err reports only that the flow could not be observed (errors
	// wrapping ErrFlowNotFound, transport errors, ctx errors).
	Poll(ctx context.Context, ch Challenge) (Status, error)
	// Complete finishes the flow: a polling flow waits (respecting ctx)
	// until the user has acted, a redirect flow verifies cb. A failed flow
	// returns an error wrapping ErrFlowFailed; a result below
	// ch.MinAssurance returns an error wrapping ErrNotAuthorised.
	Complete(ctx context.Context, ch Challenge, cb Callback) (Result, error)
	// Cancel aborts the flow. Cancelling a finished or unknown flow returns
	// an error wrapping ErrFlowNotFound.
	Cancel(ctx context.Context, ch Challenge) error
}
