package submission

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"

	"github.com/etjanst/etjanst/storage"
)

// Verify recomputes the digests of a registered case: the record against
// its stored digest, every document against its own digest, the
// application document against the record's values, and every attachment
// against the hash the record lists. It returns nil, an error wrapping
// ErrDigestMismatch that names what changed, or ErrNotFound.
func (p *Pipeline) Verify(ctx context.Context, caseID string) error {
	return Verify(ctx, p.db, caseID)
}

// Verify is Pipeline.Verify on any executor.
func Verify(ctx context.Context, ex storage.Executor, caseID string) error {
	c, err := ex.CaseGet(ctx, &storage.CaseGetParams{ID: caseID})
	if err != nil {
		return fmt.Errorf("submission: verify %s: %w", caseID, mapNotFound(err))
	}
	if !bytes.Equal(Digest(c.Record), c.Digest) {
		return fmt.Errorf("%w: %s: record", ErrDigestMismatch, caseID)
	}
	rec, err := DecodeRecord(c.Record)
	if err != nil {
		return fmt.Errorf("%w: %s: record does not decode", ErrDigestMismatch, caseID)
	}
	docs, err := ex.DocumentList(ctx, &storage.DocumentListParams{CaseID: caseID, WithContent: true})
	if err != nil {
		return fmt.Errorf("submission: verify %s: %w", caseID, err)
	}
	byID := map[string]*storage.DocumentRow{}
	for _, d := range docs {
		if !bytes.Equal(Digest(d.Content), d.Digest) {
			return fmt.Errorf("%w: %s: document %s", ErrDigestMismatch, caseID, d.ID)
		}
		byID[d.ID] = d
	}
	app, ok := byID[rec.Document]
	if !ok || hex.EncodeToString(app.Digest) != rec.ValuesDigest {
		return fmt.Errorf("%w: %s: application document", ErrDigestMismatch, caseID)
	}
	for _, a := range rec.Attachments {
		d, ok := byID[a.Document]
		if !ok || hex.EncodeToString(d.Digest) != a.SHA256 {
			return fmt.Errorf("%w: %s: attachment %s", ErrDigestMismatch, caseID, a.ID)
		}
	}
	return nil
}
