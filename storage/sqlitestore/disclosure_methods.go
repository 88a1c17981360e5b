// Code in this file only forwards the storage.DisclosureExecutor methods of
// *DB and of the transaction type to the shared executor.

package sqlitestore

import (
	"context"
	"fmt"

	"github.com/etjanst/etjanst/storage"
)

// DisclosureInsert implements storage.DisclosureExecutor.DisclosureInsert, in a transaction of its own.
func (db *DB) DisclosureInsert(ctx context.Context, params *storage.DisclosureInsertParams) error {
	return db.ex.disclosureInsert(ctx, params)
}

func (t *tx) DisclosureInsert(ctx context.Context, params *storage.DisclosureInsertParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: disclosure insert: %w", err)
	}
	return t.check(e.disclosureInsert(ctx, params))
}

// DisclosureGet implements storage.DisclosureExecutor.DisclosureGet, in a transaction of its own.
func (db *DB) DisclosureGet(ctx context.Context, params *storage.DisclosureGetParams) (*storage.DisclosureRow, error) {
	return db.ex.disclosureGet(ctx, params)
}

func (t *tx) DisclosureGet(ctx context.Context, params *storage.DisclosureGetParams) (*storage.DisclosureRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: disclosure get: %w", err)
	}
	v, err := e.disclosureGet(ctx, params)
	return v, t.check(err)
}

// DisclosureList implements storage.DisclosureExecutor.DisclosureList, in a transaction of its own.
func (db *DB) DisclosureList(ctx context.Context, params *storage.DisclosureListParams) ([]*storage.DisclosureRow, error) {
	return db.ex.disclosureList(ctx, params)
}

func (t *tx) DisclosureList(ctx context.Context, params *storage.DisclosureListParams) ([]*storage.DisclosureRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: disclosure list: %w", err)
	}
	v, err := e.disclosureList(ctx, params)
	return v, t.check(err)
}

// DisclosureDecide implements storage.DisclosureExecutor.DisclosureDecide, in a transaction of its own.
func (db *DB) DisclosureDecide(ctx context.Context, params *storage.DisclosureDecideParams) error {
	return db.ex.disclosureDecide(ctx, params)
}

func (t *tx) DisclosureDecide(ctx context.Context, params *storage.DisclosureDecideParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: disclosure decide: %w", err)
	}
	return t.check(e.disclosureDecide(ctx, params))
}

// DisclosureDecisions implements storage.DisclosureExecutor.DisclosureDecisions, in a transaction of its own.
func (db *DB) DisclosureDecisions(ctx context.Context, params *storage.DisclosureDecisionsParams) ([]*storage.DisclosureDecisionRow, error) {
	return db.ex.disclosureDecisions(ctx, params)
}

func (t *tx) DisclosureDecisions(ctx context.Context, params *storage.DisclosureDecisionsParams) ([]*storage.DisclosureDecisionRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: disclosure decisions: %w", err)
	}
	v, err := e.disclosureDecisions(ctx, params)
	return v, t.check(err)
}

// DisclosureFinish implements storage.DisclosureExecutor.DisclosureFinish, in a transaction of its own.
func (db *DB) DisclosureFinish(ctx context.Context, params *storage.DisclosureFinishParams) error {
	return db.ex.disclosureFinish(ctx, params)
}

func (t *tx) DisclosureFinish(ctx context.Context, params *storage.DisclosureFinishParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: disclosure finish: %w", err)
	}
	return t.check(e.disclosureFinish(ctx, params))
}
