package bankid

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/etjanst/etjanst/identity"
)

// Error codes of the BankID RP API v6 (the "errorCode" of an error
// response).
const (
	CodeAlreadyInProgress    = "alreadyInProgress"
	CodeInvalidParameters    = "invalidParameters"
	CodeUnauthorized         = "unauthorized"
	CodeNotFound             = "notFound"
	CodeMethodNotAllowed     = "methodNotAllowed"
	CodeRequestTimeout       = "requestTimeout"
	CodeUnsupportedMediaType = "unsupportedMediaType"
	CodeInternalError        = "internalError"
	CodeMaintenance          = "maintenance"
)

// Sentinel errors, one per documented error code, plus ErrUnknown for codes
// this package does not know. A *Error matches the sentinel of its code
// with errors.Is.
var (
	// ErrAlreadyInProgress: an order for the same person is already in
	// progress. BankID cancels both; show RFA4 and let the user retry.
	ErrAlreadyInProgress = errors.New("bankid: order already in progress")
	// ErrInvalidParameters: a parameter is invalid, or the order is unknown,
	// finished or already cancelled (collect, cancel). Not retried.
	ErrInvalidParameters = errors.New("bankid: invalid parameters")
	// ErrUnauthorized: the RP certificate is not allowed to use the service.
	ErrUnauthorized = errors.New("bankid: unauthorized")
	// ErrNotFound: the URL is wrong (check Config.URL).
	ErrNotFound = errors.New("bankid: not found")
	// ErrMethodNotAllowed: the HTTP method was not POST.
	ErrMethodNotAllowed = errors.New("bankid: method not allowed")
	// ErrRequestTimeout: BankID timed out reading the request. Not retried
	// automatically (RFA5).
	ErrRequestTimeout = errors.New("bankid: request timeout")
	// ErrUnsupportedMediaType: the content type was not application/json.
	ErrUnsupportedMediaType = errors.New("bankid: unsupported media type")
	// ErrInternal: internal error in BankID. Not retried automatically
	// (RFA5).
	ErrInternal = errors.New("bankid: internal error")
	// ErrMaintenance: the service is temporarily unavailable. The client
	// retries with backoff (Options.MaxRetries) before returning it (RFA5).
	ErrMaintenance = errors.New("bankid: service in maintenance")
	// ErrUnknown: an error code or HTTP status this package does not know.
	ErrUnknown = errors.New("bankid: unknown error")
	// ErrBadResponse: the response could not be decoded or violates the API
	// (missing fields, bad base64, a different orderRef).
	ErrBadResponse = errors.New("bankid: bad response")
)

var codeSentinels = map[string]error{
	CodeAlreadyInProgress:    ErrAlreadyInProgress,
	CodeInvalidParameters:    ErrInvalidParameters,
	CodeUnauthorized:         ErrUnauthorized,
	CodeNotFound:             ErrNotFound,
	CodeMethodNotAllowed:     ErrMethodNotAllowed,
	CodeRequestTimeout:       ErrRequestTimeout,
	CodeUnsupportedMediaType: ErrUnsupportedMediaType,
	CodeInternalError:        ErrInternal,
	CodeMaintenance:          ErrMaintenance,
}

// statusCodes maps HTTP statuses to the code BankID documents for them,
// for error responses without a (known) JSON body, for example from a
// proxy.
var statusCodes = map[int]string{
	http.StatusUnauthorized:         CodeUnauthorized,
	http.StatusForbidden:            CodeUnauthorized,
	http.StatusNotFound:             CodeNotFound,
	http.StatusMethodNotAllowed:     CodeMethodNotAllowed,
	http.StatusRequestTimeout:       CodeRequestTimeout,
	http.StatusUnsupportedMediaType: CodeUnsupportedMediaType,
	http.StatusInternalServerError:  CodeInternalError,
	http.StatusServiceUnavailable:   CodeMaintenance,
}

// Error is an error response of the BankID service. Match it with
// errors.Is against the sentinels (ErrAlreadyInProgress, ...) or extract it
// with errors.As for the code and details.
type Error struct {
	// Code is the errorCode as received (capped to 64 bytes), or the code
	// documented for the HTTP status when the body had none.
	Code string
	// Details is BankID's human-readable detail text (capped to 256
	// bytes). It is meant for developers: it is not part of Error() since
	// it is free text from a remote service, and never show it to users
	// (use Message for that).
	Details string
	// HTTPStatus is the HTTP status code of the response.
	HTTPStatus int
}

// Error returns "bankid: <code> (HTTP <status>)".
func (e *Error) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("bankid: no error code (HTTP %d)", e.HTTPStatus)
	}
	return fmt.Sprintf("bankid: %s (HTTP %d)", sanitizeCode(e.Code), e.HTTPStatus)
}

// Is matches the sentinel of e's code, ErrUnknown for unknown codes.
func (e *Error) Is(target error) bool {
	if s, ok := codeSentinels[e.Code]; ok {
		return target == s
	}
	return target == ErrUnknown
}

// Known reports whether the code is one this package documents.
func (e *Error) Known() bool { _, ok := codeSentinels[e.Code]; return ok }

// Message returns the recommended user message for the error: RFA4 for
// alreadyInProgress, RFA5 for requestTimeout, internalError and
// maintenance, RFA22 otherwise.
func (e *Error) Message() RFA { return ErrorMessage(e) }

// sanitizeCode returns s if it looks like an API code (ASCII letters
// only, at most 64) and a placeholder otherwise: an unknown code is remote
// input and could carry digits of a personal number or a token.
func sanitizeCode(s string) string {
	if s == "" || len(s) > 64 {
		return "(unprintable code)"
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return "(unprintable code)"
		}
	}
	return s
}

// Hint codes of a pending order.
const (
	HintOutstandingTransaction = "outstandingTransaction"
	HintNoClient               = "noClient"
	HintStarted                = "started"
	HintUserMRTD               = "userMrtd"
	HintUserCallConfirm        = "userCallConfirm"
	HintUserSign               = "userSign"
)

// Hint codes of a failed order.
const (
	HintExpiredTransaction = "expiredTransaction"
	HintCertificateErr     = "certificateErr"
	HintUserCancel         = "userCancel"
	HintCancelled          = "cancelled"
	HintStartFailed        = "startFailed"
	HintUserDeclinedCall   = "userDeclinedCall"
)

// Sentinels for failed orders, matched by *OrderFailedError. Every one of
// them also matches identity.ErrFlowFailed.
var (
	// ErrUserCancel: the user cancelled in the app (RFA6).
	ErrUserCancel = errors.New("bankid: cancelled by the user")
	// ErrExpired: the order expired before the user acted (RFA8).
	ErrExpired = errors.New("bankid: order expired")
	// ErrCertificate: the user's BankID is blocked, revoked or too old, or
	// does not meet the requirements (RFA16).
	ErrCertificate = errors.New("bankid: certificate not usable")
	// ErrCancelled: the order was cancelled because a new order for the same
	// user started (RFA3).
	ErrCancelled = errors.New("bankid: order cancelled by a newer order")
	// ErrStartFailed: the app was not started or the QR code not scanned in
	// time (RFA17).
	ErrStartFailed = errors.New("bankid: the BankID app did not start")
	// ErrCallDeclined: the user declined the phone call (phone orders).
	ErrCallDeclined = errors.New("bankid: the user declined the call")
	// ErrOrderFailed matches every failed order, including unknown hints.
	ErrOrderFailed = errors.New("bankid: order failed")
)

var failedSentinels = map[string]error{
	HintUserCancel:         ErrUserCancel,
	HintExpiredTransaction: ErrExpired,
	HintCertificateErr:     ErrCertificate,
	HintCancelled:          ErrCancelled,
	HintStartFailed:        ErrStartFailed,
	HintUserDeclinedCall:   ErrCallDeclined,
}

// OrderFailedError reports an order that ended with status "failed".
// It matches ErrOrderFailed, identity.ErrFlowFailed and the sentinel of its
// hint (ErrUserCancel, ...).
type OrderFailedError struct {
	// HintCode is the failure hint as received (capped, sanitised).
	HintCode string
}

// Error returns "bankid: order failed: <hint>".
func (e *OrderFailedError) Error() string {
	return "bankid: order failed: " + sanitizeCode(e.HintCode)
}

// Is matches ErrOrderFailed, identity.ErrFlowFailed and the hint's
// sentinel.
func (e *OrderFailedError) Is(target error) bool {
	if target == ErrOrderFailed || target == identity.ErrFlowFailed {
		return true
	}
	s, ok := failedSentinels[e.HintCode]
	return ok && target == s
}
