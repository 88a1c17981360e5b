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
func (s *Store) OpenForSubmit(ctx context.Context, ex storage.Executor, who identity.Principal, id string) (*Handoff, error) {
	key, o, err := s.access(who, true)
	if err != nil {
		return nil, err
	}
	row, f, err := s.load(ctx, ex, who, key, id)
	if err != nil {
		return nil, err
	}
	if by := s.migrateBy(f); !by.IsZero() && !s.opts.Now().Before(by) {
		return nil, ErrMigrationRequired
	}
	values, err := s.openValues(row, o, f)
	if err != nil {
		return nil, err
	}
	h := &Handoff{Draft: s.draftFrom(row, values), Form: f, Owner: key}
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

// DeleteTx deletes the principal's draft and its attachments inside tx,
// only while it is at revision (when not zero): the submission pipeline
// removes the draft it validated in the transaction that registers the
// case. It returns ErrConflict when the draft changed, ErrNotFound when it
// is gone.
func (s *Store) DeleteTx(ctx context.Context, tx storage.Tx, who identity.Principal, id string, revision int64) error {
	key, _, err := s.access(who, false)
	if err != nil {
		return err
	}
	s.rows.drop(key, id)
	if err := tx.DraftDelete(ctx, &storage.DraftDeleteParams{ID: id, Owner: key, Revision: revision}); err != nil {
		return s.wrap("delete", id, err)
	}
	return nil
}
