package draft

import (
	"context"
	"fmt"

	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
)

// Handoff is a draft opened for submission inside the submitting
// transaction: the draft, its form version, its owner key and its opened
// attachments. Only the submission pipeline needs it.
type Handoff struct {
	Draft *Draft
	Form  *form.Form
	// Owner is the opaque owner key; cases registered from the draft use
	// the same key, so the applicant finds them with the same principal.
	Owner string
	// Attachments are the draft's files, opened and verified.
	Attachments []*Attachment

	payload []byte // sealed, as opened: DeleteTx removes only this
	cached  bool   // opened from the Store's cache
}

// FromCache reports whether the draft was taken from the Store's cache of
// drafts it wrote, rather than read from the database. A cached copy may
// be out of date: when anything found in it stops the submit (it is
// incomplete, DeleteTx reports a conflict), open the draft again, which
// reads the database.
func (h *Handoff) FromCache() bool { return h.cached }

// OwnerKey returns the opaque owner key of the principal (the pair of
// actor and party), as stored with drafts and cases. It returns
// ErrLoginRequired for an invalid principal and ErrNotFound for officers,
// who own nothing.
func (s *Store) OwnerKey(who identity.Principal) (string, error) {
	key, _, err := s.access(who, false)
	return key, err
}

// OpenForSubmit opens the principal's draft through ex (a transaction, or
// the driver itself) for the submission pipeline, with the same checks as
// Get (owner, fresh login, assurance, expiry, seals), plus the migration
// deadline: a draft on a superseded form version past its deadline yields
// ErrMigrationRequired.
//
// A draft this Store created or saved recently is taken from its cache
// (see rowCache) instead of being read through ex, when it passes every
// check; Handoff.FromCache reports it. Such a copy may be out of date
// (another app instance changed the draft since), which the caller learns
// in one of two ways: DeleteTx, which removes the draft only while it is
// stored byte for byte as opened, fails with ErrConflict or ErrNotFound;
// or the copy fails the caller's own checks (an incomplete draft that was
// completed elsewhere). Either way the copy has left the cache, and the
// next OpenForSubmit reads the database: the submission pipeline retries
// once when an attempt on a cached copy fails.
func (s *Store) OpenForSubmit(ctx context.Context, ex storage.Executor, who identity.Principal, id string) (*Handoff, error) {
	key, o, err := s.access(who, true)
	if err != nil {
		return nil, err
	}
	if r, ok := s.rows.get(key, id); ok && r.Payload != nil {
		// A copy is used once: if it does not lead to the draft's
		// deletion, the next attempt reads the database, which also has
		// the say on a copy that fails a check (it may be out of date).
		s.rows.drop(key, id)
		if f, err := s.formFor(who, &r); err == nil {
			if h, err := s.handoff(ctx, ex, &r, f, key, o, true); err == nil {
				return h, nil
			}
		}
	}
	row, f, err := s.load(ctx, ex, who, key, id)
	if err != nil {
		return nil, err
	}
	return s.handoff(ctx, ex, row, f, key, o, false)
}

// handoff opens a checked draft row for submission: the migration
// deadline, the seals, and its attachments, read through ex.
func (s *Store) handoff(ctx context.Context, ex storage.Executor, row *storage.DraftRow, f *form.Form, key string, o owner, cached bool) (*Handoff, error) {
	if by := s.migrateBy(f); !by.IsZero() && !s.opts.Now().Before(by) {
		return nil, ErrMigrationRequired
	}
	values, err := s.openValues(row, o, f)
	if err != nil {
		return nil, err
	}
	h := &Handoff{Draft: s.draftFrom(row, values), Form: f, Owner: key, payload: row.Payload, cached: cached}
	if err := s.openAttachments(ctx, ex, h, row.AttachmentCount); err != nil {
		return nil, err
	}
	return h, nil
}

// DeleteTx deletes the principal's draft of a handoff and its attachments
// inside tx, only while it is stored exactly as it was opened (the same
// revision and the same sealed bytes): the submission pipeline removes the
// draft it validated in the transaction that registers the case. It
// returns ErrConflict when the draft changed since (or the handoff came
// from a cached copy that was out of date, or the stored one was tampered
// with: the next OpenForSubmit reads and verifies the stored draft),
// ErrNotFound when it is gone.
func (s *Store) DeleteTx(ctx context.Context, tx storage.Tx, who identity.Principal, h *Handoff) error {
	if h == nil || h.Draft == nil || h.payload == nil {
		return fmt.Errorf("%w: DeleteTx needs a handoff from OpenForSubmit", ErrInvalid)
	}
	key, _, err := s.access(who, false)
	if err != nil {
		return err
	}
	id := h.Draft.ID
	s.rows.drop(key, id)
	if err := tx.DraftDelete(ctx, &storage.DraftDeleteParams{ID: id, Owner: key, Revision: h.Draft.Revision, Payload: h.payload}); err != nil {
		return s.wrap("delete", id, err)
	}
	return nil
}

// openAttachments reads, opens and verifies the draft's attachments
// (count, as the draft row states it) into h.
func (s *Store) openAttachments(ctx context.Context, ex storage.Executor, h *Handoff, count int) error {
	if count == 0 {
		return nil
	}
	id := h.Draft.ID
	list, err := ex.AttachmentList(ctx, &storage.AttachmentListParams{DraftID: id, Owner: h.Owner})
	if err != nil {
		return s.wrap("open for submit", id, err)
	}
	for _, meta := range list {
		full, err := ex.AttachmentGet(ctx, &storage.AttachmentGetParams{ID: meta.ID, DraftID: id, Owner: h.Owner})
		if err != nil {
			return s.wrap("open for submit", id, err)
		}
		name, data, err := s.openFile(full)
		if err != nil {
			return err
		}
		h.Attachments = append(h.Attachments, &Attachment{
			FileRef: form.FileRef{ID: full.ID, Name: name, ContentType: full.ContentType, Size: full.Size, SHA256: fmt.Sprintf("%x", full.SHA256)},
			Field:   full.FieldPath,
			Data:    data,
		})
	}
	return nil
}
