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
}

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
// A draft this Store created or saved recently is opened from its cache
// (see rowCache) instead of being read through ex. Either way the caller
// removes it with DeleteTx in the transaction that uses the handoff, which
// fails with ErrConflict (or ErrNotFound) unless the stored draft is still
// byte for byte the one opened, and makes the next OpenForSubmit read the
// database.
func (s *Store) OpenForSubmit(ctx context.Context, ex storage.Executor, who identity.Principal, id string) (*Handoff, error) {
	key, o, err := s.access(who, true)
	if err != nil {
		return nil, err
	}
	row, f, values, err := s.openCached(who, key, o, id)
	if row == nil && err == nil {
		row, f, err = s.load(ctx, ex, who, key, id)
		if err == nil {
			values, err = s.openValues(row, o, f)
		}
	}
	if err != nil {
		return nil, err
	}
	if by := s.migrateBy(f); !by.IsZero() && !s.opts.Now().Before(by) {
		return nil, ErrMigrationRequired
	}
	h := &Handoff{Draft: s.draftFrom(row, values), Form: f, Owner: key, payload: row.Payload}
	if row.AttachmentCount == 0 {
		return h, nil
	}
	list, err := ex.AttachmentList(ctx, &storage.AttachmentListParams{DraftID: id, Owner: key})
	if err != nil {
		return nil, s.wrap("open for submit", id, err)
	}
	for _, meta := range list {
		full, err := ex.AttachmentGet(ctx, &storage.AttachmentGetParams{ID: meta.ID, DraftID: id, Owner: key})
		if err != nil {
			return nil, s.wrap("open for submit", id, err)
		}
		name, data, err := s.openFile(full)
		if err != nil {
			return nil, err
		}
		h.Attachments = append(h.Attachments, &Attachment{
			FileRef: form.FileRef{ID: full.ID, Name: name, ContentType: full.ContentType, Size: full.Size, SHA256: fmt.Sprintf("%x", full.SHA256)},
			Field:   full.FieldPath,
			Data:    data,
		})
	}
	return h, nil
}

// openCached opens the owner's draft from the row cache when it holds the
// sealed payload of an unexpired draft. It returns a nil row (and no
// error) when the database must be read: no usable entry, or one that
// does not open (sealed under a key retired since), which is forgotten.
// The principal's assurance is checked as load does.
func (s *Store) openCached(who identity.Principal, key string, o owner, id string) (*storage.DraftRow, *form.Form, form.Values, error) {
	r, ok := s.rows.get(key, id)
	if !ok || r.Payload == nil || !r.ExpiresAt.After(s.opts.Now()) {
		return nil, nil, nil, nil
	}
	f, err := s.forms.Get(r.FormID, r.FormVersion)
	if err != nil {
		return nil, nil, nil, nil
	}
	if err := requireAssurance(who, f); err != nil {
		return nil, nil, nil, err
	}
	values, err := s.openValues(&r, o, f)
	if err != nil {
		s.rows.drop(key, id)
		return nil, nil, nil, nil
	}
	return &r, f, values, nil
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
