package submission

import (
	"errors"
	"fmt"

	"github.com/etjanst/etjanst/form"
)

// Sentinel errors of package submission.
var (
	// ErrIncomplete is returned by Submit when a visible step is not
	// complete and valid; the error is an *IncompleteError listing every
	// problem by step.
	ErrIncomplete = errors.New("submission: the application is not complete")
	// ErrNotFound is returned for a missing case or draft, and for anyone
	// else's: indistinguishable by design.
	ErrNotFound = errors.New("submission: not found")
	// ErrDigestMismatch is returned by Verify when a record no longer
	// matches its digest: it was changed after registration.
	ErrDigestMismatch = errors.New("submission: record does not match its digest")
	// ErrAuditChain is returned by VerifyAuditLog when an entry was edited,
	// deleted or reordered.
	ErrAuditChain = errors.New("submission: audit log chain is broken")
)

// IncompleteError lists the problems that block a submit, by step. It
// matches ErrIncomplete with errors.Is and *form.ValidationError with
// errors.As.
type IncompleteError struct {
	Validation *form.ValidationError
}

// Error summarises the problems without values.
func (e *IncompleteError) Error() string {
	return fmt.Sprintf("%v: %d problem(s)", ErrIncomplete, len(e.Validation.Fields))
}

// ByStep returns the field errors grouped by step ID.
func (e *IncompleteError) ByStep() map[string][]form.FieldError { return e.Validation.ByStep() }

// Unwrap returns ErrIncomplete and the validation error.
func (e *IncompleteError) Unwrap() []error { return []error{ErrIncomplete, e.Validation} }
