// Code in this file only forwards the storage.Executor methods of *DB and
// of the transaction type to the shared executor.

package sqlitestore

import (
	"context"
	"fmt"

	"github.com/etjanst/etjanst/storage"
)

// DraftInsert implements storage.Executor.DraftInsert, in a transaction of its own.
func (db *DB) DraftInsert(ctx context.Context, params *storage.DraftInsertParams) (*storage.DraftRow, error) {
	return db.ex.draftInsert(ctx, params)
}

func (t *tx) DraftInsert(ctx context.Context, params *storage.DraftInsertParams) (*storage.DraftRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: draft insert: %w", err)
	}
	v, err := e.draftInsert(ctx, params)
	return v, t.check(err)
}

// DraftGet implements storage.Executor.DraftGet, in a transaction of its own.
func (db *DB) DraftGet(ctx context.Context, params *storage.DraftGetParams) (*storage.DraftRow, error) {
	return db.ex.draftGet(ctx, params)
}

func (t *tx) DraftGet(ctx context.Context, params *storage.DraftGetParams) (*storage.DraftRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: draft get: %w", err)
	}
	v, err := e.draftGet(ctx, params)
	return v, t.check(err)
}

// DraftUpdate implements storage.Executor.DraftUpdate, in a transaction of its own.
func (db *DB) DraftUpdate(ctx context.Context, params *storage.DraftUpdateParams) (int64, error) {
	return db.ex.draftUpdate(ctx, params)
}

func (t *tx) DraftUpdate(ctx context.Context, params *storage.DraftUpdateParams) (int64, error) {
	e, err := t.executor()
	if err != nil {
		return 0, fmt.Errorf("sqlitestore: draft update: %w", err)
	}
	v, err := e.draftUpdate(ctx, params)
	return v, t.check(err)
}

// DraftList implements storage.Executor.DraftList, in a transaction of its own.
func (db *DB) DraftList(ctx context.Context, params *storage.DraftListParams) ([]*storage.DraftSummary, error) {
	return db.ex.draftList(ctx, params)
}

func (t *tx) DraftList(ctx context.Context, params *storage.DraftListParams) ([]*storage.DraftSummary, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: draft list: %w", err)
	}
	v, err := e.draftList(ctx, params)
	return v, t.check(err)
}

// DraftDelete implements storage.Executor.DraftDelete, in a transaction of its own.
func (db *DB) DraftDelete(ctx context.Context, params *storage.DraftDeleteParams) error {
	return db.ex.draftDelete(ctx, params)
}

func (t *tx) DraftDelete(ctx context.Context, params *storage.DraftDeleteParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: draft delete: %w", err)
	}
	return t.check(e.draftDelete(ctx, params))
}

// DraftDeleteExpired implements storage.Executor.DraftDeleteExpired, in a transaction of its own.
func (db *DB) DraftDeleteExpired(ctx context.Context, params *storage.DraftDeleteExpiredParams) ([]string, error) {
	return db.ex.draftDeleteExpired(ctx, params)
}

func (t *tx) DraftDeleteExpired(ctx context.Context, params *storage.DraftDeleteExpiredParams) ([]string, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: draft delete expired: %w", err)
	}
	v, err := e.draftDeleteExpired(ctx, params)
	return v, t.check(err)
}

// DraftListExpiring implements storage.Executor.DraftListExpiring, in a transaction of its own.
func (db *DB) DraftListExpiring(ctx context.Context, params *storage.DraftListExpiringParams) ([]*storage.DraftSummary, error) {
	return db.ex.draftListExpiring(ctx, params)
}

func (t *tx) DraftListExpiring(ctx context.Context, params *storage.DraftListExpiringParams) ([]*storage.DraftSummary, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: draft list expiring: %w", err)
	}
	v, err := e.draftListExpiring(ctx, params)
	return v, t.check(err)
}

// DraftMarkWarned implements storage.Executor.DraftMarkWarned, in a transaction of its own.
func (db *DB) DraftMarkWarned(ctx context.Context, params *storage.DraftMarkWarnedParams) error {
	return db.ex.draftMarkWarned(ctx, params)
}

func (t *tx) DraftMarkWarned(ctx context.Context, params *storage.DraftMarkWarnedParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: draft mark warned: %w", err)
	}
	return t.check(e.draftMarkWarned(ctx, params))
}

// DraftListForReseal implements storage.Executor.DraftListForReseal, in a transaction of its own.
func (db *DB) DraftListForReseal(ctx context.Context, params *storage.DraftListForResealParams) ([]*storage.DraftRow, error) {
	return db.ex.draftListForReseal(ctx, params)
}

func (t *tx) DraftListForReseal(ctx context.Context, params *storage.DraftListForResealParams) ([]*storage.DraftRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: draft list for reseal: %w", err)
	}
	v, err := e.draftListForReseal(ctx, params)
	return v, t.check(err)
}

// DraftReseal implements storage.Executor.DraftReseal, in a transaction of its own.
func (db *DB) DraftReseal(ctx context.Context, params *storage.DraftResealParams) error {
	return db.ex.draftReseal(ctx, params)
}

func (t *tx) DraftReseal(ctx context.Context, params *storage.DraftResealParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: draft reseal: %w", err)
	}
	return t.check(e.draftReseal(ctx, params))
}

// AttachmentInsert implements storage.Executor.AttachmentInsert, in a transaction of its own.
func (db *DB) AttachmentInsert(ctx context.Context, params *storage.AttachmentInsertParams) (*storage.AttachmentRow, error) {
	return db.ex.attachmentInsert(ctx, params)
}

func (t *tx) AttachmentInsert(ctx context.Context, params *storage.AttachmentInsertParams) (*storage.AttachmentRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: attachment insert: %w", err)
	}
	v, err := e.attachmentInsert(ctx, params)
	return v, t.check(err)
}

// AttachmentGet implements storage.Executor.AttachmentGet, in a transaction of its own.
func (db *DB) AttachmentGet(ctx context.Context, params *storage.AttachmentGetParams) (*storage.AttachmentRow, error) {
	return db.ex.attachmentGet(ctx, params)
}

func (t *tx) AttachmentGet(ctx context.Context, params *storage.AttachmentGetParams) (*storage.AttachmentRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: attachment get: %w", err)
	}
	v, err := e.attachmentGet(ctx, params)
	return v, t.check(err)
}

// AttachmentList implements storage.Executor.AttachmentList, in a transaction of its own.
func (db *DB) AttachmentList(ctx context.Context, params *storage.AttachmentListParams) ([]*storage.AttachmentRow, error) {
	return db.ex.attachmentList(ctx, params)
}

func (t *tx) AttachmentList(ctx context.Context, params *storage.AttachmentListParams) ([]*storage.AttachmentRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: attachment list: %w", err)
	}
	v, err := e.attachmentList(ctx, params)
	return v, t.check(err)
}

// AttachmentDelete implements storage.Executor.AttachmentDelete, in a transaction of its own.
func (db *DB) AttachmentDelete(ctx context.Context, params *storage.AttachmentDeleteParams) error {
	return db.ex.attachmentDelete(ctx, params)
}

func (t *tx) AttachmentDelete(ctx context.Context, params *storage.AttachmentDeleteParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: attachment delete: %w", err)
	}
	return t.check(e.attachmentDelete(ctx, params))
}

// AttachmentListForReseal implements storage.Executor.AttachmentListForReseal, in a transaction of its own.
func (db *DB) AttachmentListForReseal(ctx context.Context, params *storage.AttachmentListForResealParams) ([]*storage.AttachmentRow, error) {
	return db.ex.attachmentListForReseal(ctx, params)
}

func (t *tx) AttachmentListForReseal(ctx context.Context, params *storage.AttachmentListForResealParams) ([]*storage.AttachmentRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: attachment list for reseal: %w", err)
	}
	v, err := e.attachmentListForReseal(ctx, params)
	return v, t.check(err)
}

// AttachmentReseal implements storage.Executor.AttachmentReseal, in a transaction of its own.
func (db *DB) AttachmentReseal(ctx context.Context, params *storage.AttachmentResealParams) error {
	return db.ex.attachmentReseal(ctx, params)
}

func (t *tx) AttachmentReseal(ctx context.Context, params *storage.AttachmentResealParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: attachment reseal: %w", err)
	}
	return t.check(e.attachmentReseal(ctx, params))
}
