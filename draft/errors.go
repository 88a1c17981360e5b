package draft

import "errors"

// Sentinel errors of package draft. Callers branch with errors.Is.
var (
	// ErrNotFound is returned for a missing draft or attachment, and for one
	// that belongs to anyone else: another person, the same person acting
	// in another capacity, or an officer. The two cases are
	// indistinguishable by design.
	ErrNotFound = errors.New("draft: not found")
	// ErrConflict is returned by Save, Migrate and the attachment methods
	// when the draft changed since the revision the caller read (another
	// tab saved first). Reload and try again.
	ErrConflict = errors.New("draft: changed since it was read")
	// ErrTampered is returned when sealed content fails authentication: it
	// was edited, swapped with another draft's, or replayed from an older
	// revision. A security event is logged (without personal data).
	ErrTampered = errors.New("draft: sealed content failed verification")
	// ErrExpired is returned for the owner's draft whose expiry time has
	// passed; the janitor deletes it.
	ErrExpired = errors.New("draft: expired")
	// ErrLoginRequired is returned when the principal's e-ID login is too
	// old, or its assurance level is below the form's: the applicant must
	// log in again before continuing.
	ErrLoginRequired = errors.New("draft: a new login is required")
	// ErrNotPermitted is returned by Create when the principal may not use
	// the form: outside its audience, or an officer.
	ErrNotPermitted = errors.New("draft: not permitted for this e-service")
	// ErrMigrationRequired is returned by Save when the draft's form
	// version was superseded longer ago than the migration grace period:
	// call Migrate first.
	ErrMigrationRequired = errors.New("draft: the e-service has a newer version; migrate the draft")
	// ErrTooLarge is returned when values or attachments exceed a size cap.
	ErrTooLarge = errors.New("draft: too large")
	// ErrTooManyAttachments is returned when a draft or a file field would
	// get more attachments than allowed.
	ErrTooManyAttachments = errors.New("draft: too many attachments")
	// ErrFileType is returned when an attachment's content (sniffed from
	// its bytes) is not accepted by its field.
	ErrFileType = errors.New("draft: file type not accepted")
	// ErrInvalid is returned for malformed arguments: an unknown step or
	// field, an empty file, a field that takes no files.
	ErrInvalid = errors.New("draft: invalid argument")
	// ErrKeyMissing is returned when content is sealed under a key ID the
	// key ring does not hold (a configuration error).
	ErrKeyMissing = errors.New("draft: sealing key not in the key ring")
)
