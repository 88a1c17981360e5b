package sqlitestore_test

import (
	"context"
	"time"

	"github.com/etjanst/etjanst/storage"
)

// draftParams returns valid insert params for a draft of owner "o".
func draftParams(id string) *storage.DraftInsertParams {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	return &storage.DraftInsertParams{
		ID:        id,
		Owner:     "o",
		FormID:    "f",
		KeyID:     "k1",
		Payload:   []byte("sealed"),
		CreatedAt: now,
		ExpiresAt: now.Add(90 * 24 * time.Hour),
	}
}

// insertDraft inserts draft id (draftParams) through ex.
func insertDraft(ctx context.Context, ex storage.Executor, id string) error {
	_, err := ex.DraftInsert(ctx, draftParams(id))
	return err
}
