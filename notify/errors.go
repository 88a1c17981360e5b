package notify

import (
	"errors"
	"regexp"
	"strings"
	"unicode"
)

// Sentinel errors. Callers branch on them with errors.Is.
var (
	// ErrPermanent marks a delivery failure that retrying cannot fix: a
	// rejected address, a number the gateway refuses, a template that
	// fails. The Relay dead-letters such a row at once. Senders return
	// it through Permanent.
	ErrPermanent = errors.New("notify: permanent failure")

	// ErrInvalidMessage reports a Message that breaks the rules documented
	// on its fields.
	ErrInvalidMessage = errors.New("notify: invalid message")

	// ErrUnknownKind reports a message kind without templates.
	ErrUnknownKind = errors.New("notify: no templates for kind")

	// ErrInvalidContact reports contact details that are malformed: an
	// email address or phone number that cannot be used, an unknown
	// language or channel.
	ErrInvalidContact = errors.New("notify: invalid contact details")

	// ErrInvalidTemplate reports a template that does not parse or does
	// not render with sample data.
	ErrInvalidTemplate = errors.New("notify: invalid template")

	// ErrNotFound reports an inbox message that does not exist or belongs
	// to someone else; the two are indistinguishable.
	ErrNotFound = errors.New("notify: not found")
)

// permanentError wraps a delivery error as permanent.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() + " (permanent)" }

// Is makes errors.Is(err, ErrPermanent) true.
func (e *permanentError) Is(target error) bool { return target == ErrPermanent }

// Unwrap returns the cause.
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as a permanent delivery failure: errors.Is(result,
// ErrPermanent) is true and errors.Is/As still reach err. A nil err stays
// nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrPermanent) {
		return err
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err is a permanent delivery failure.
func IsPermanent(err error) bool { return errors.Is(err, ErrPermanent) }

// maxReasonLen caps the stored reason of a failure.
const maxReasonLen = 300

var (
	emailLike = regexp.MustCompile(`[^\s<>()\[\]",;:]+@[^\s<>()\[\]",;:]+`)
	// Six or more digits, possibly split by one separator each: phone
	// numbers, personnummer, organisationsnummer.
	numberLike = regexp.MustCompile(`\+?\d(?:[\s\-+]?\d){5,}`)
	bearerLike = regexp.MustCompile(`(?i)(bearer|basic|token|password|passwd|secret|apikey|api_key)[=:\s]+\S+`)
)

// Redact returns the error text with what could be personal data or a secret
// replaced by "***" (email addresses, numbers of six digits or more, bearer
// tokens and passwords), without control characters and capped at 300 bytes.
// The Relay stores and logs only redacted reasons, as a second line of
// defence behind senders whose errors never carry addresses in the first
// place.
func Redact(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = bearerLike.ReplaceAllString(s, "$1 ***")
	s = emailLike.ReplaceAllString(s, "***")
	s = numberLike.ReplaceAllString(s, "***")
	if len(s) > maxReasonLen {
		cut := maxReasonLen
		for cut > 0 && !utfStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func utfStart(b byte) bool { return b&0xC0 != 0x80 }
