package identity

import "errors"

// Sentinel errors returned by this package. Callers branch on them with
// errors.Is; the returned errors usually wrap a sentinel with more context.
var (
	// ErrInvalidSubject reports a Subject whose scheme is unknown or whose
	// value is empty, too long or malformed for its scheme.
	ErrInvalidSubject = errors.New("identity: invalid subject")

	// ErrInvalidPrincipal reports a Principal that is not internally
	// consistent (missing subject, method or authentication time, an
	// invalid party, a malformed role).
	ErrInvalidPrincipal = errors.New("identity: invalid principal")

	// ErrUnknownAssurance reports an assurance level that is not one of the
	// Sweden Connect / eIDAS authentication context URIs this package knows.
	ErrUnknownAssurance = errors.New("identity: unknown assurance level")

	// ErrNoMandate reports that a person has no mandate to act for an
	// organisation, or that the mandate lacks a required permission.
	ErrNoMandate = errors.New("identity: no mandate")

	// ErrNotAuthorised reports that a principal lacks the role or the
	// assurance level an operation requires.
	ErrNotAuthorised = errors.New("identity: not authorised")

	// ErrStale reports an authentication that is older than a freshness
	// policy allows; the user must log in again.
	ErrStale = errors.New("identity: authentication too old")
)
