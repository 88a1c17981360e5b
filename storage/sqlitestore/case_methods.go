// Code in this file only forwards the storage.CaseExecutor methods of *DB and
// of the transaction type to the shared executor.

package sqlitestore

import (
	"context"
	"fmt"

	"github.com/etjanst/etjanst/storage"
)

// ReferenceNext implements storage.CaseExecutor.ReferenceNext, in a transaction of its own.
func (db *DB) ReferenceNext(ctx context.Context, params *storage.ReferenceNextParams) (int64, error) {
	return db.ex.referenceNext(ctx, params)
}

func (t *tx) ReferenceNext(ctx context.Context, params *storage.ReferenceNextParams) (int64, error) {
	e, err := t.executor()
	if err != nil {
		return 0, fmt.Errorf("sqlitestore: reference next: %w", err)
	}
	v, err := e.referenceNext(ctx, params)
	return v, t.check(err)
}

// CaseInsert implements storage.CaseExecutor.CaseInsert, in a transaction of its own.
func (db *DB) CaseInsert(ctx context.Context, params *storage.CaseInsertParams) (*storage.CaseRow, error) {
	return db.ex.caseInsert(ctx, params)
}

func (t *tx) CaseInsert(ctx context.Context, params *storage.CaseInsertParams) (*storage.CaseRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: case insert: %w", err)
	}
	v, err := e.caseInsert(ctx, params)
	return v, t.check(err)
}

// CaseGet implements storage.CaseExecutor.CaseGet, in a transaction of its own.
func (db *DB) CaseGet(ctx context.Context, params *storage.CaseGetParams) (*storage.CaseRow, error) {
	return db.ex.caseGet(ctx, params)
}

func (t *tx) CaseGet(ctx context.Context, params *storage.CaseGetParams) (*storage.CaseRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: case get: %w", err)
	}
	v, err := e.caseGet(ctx, params)
	return v, t.check(err)
}

// CaseFind implements storage.CaseExecutor.CaseFind, in a transaction of its own.
func (db *DB) CaseFind(ctx context.Context, params *storage.CaseFindParams) (*storage.CaseRow, error) {
	return db.ex.caseFind(ctx, params)
}

func (t *tx) CaseFind(ctx context.Context, params *storage.CaseFindParams) (*storage.CaseRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: case find: %w", err)
	}
	v, err := e.caseFind(ctx, params)
	return v, t.check(err)
}

// CaseList implements storage.CaseExecutor.CaseList, in a transaction of its own.
func (db *DB) CaseList(ctx context.Context, params *storage.CaseListParams) ([]*storage.CaseRow, error) {
	return db.ex.caseList(ctx, params)
}

func (t *tx) CaseList(ctx context.Context, params *storage.CaseListParams) ([]*storage.CaseRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: case list: %w", err)
	}
	v, err := e.caseList(ctx, params)
	return v, t.check(err)
}

// CaseSetStatus implements storage.CaseExecutor.CaseSetStatus, in a transaction of its own.
func (db *DB) CaseSetStatus(ctx context.Context, params *storage.CaseSetStatusParams) error {
	return db.ex.caseSetStatus(ctx, params)
}

func (t *tx) CaseSetStatus(ctx context.Context, params *storage.CaseSetStatusParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: case set status: %w", err)
	}
	return t.check(e.caseSetStatus(ctx, params))
}

// DocumentInsert implements storage.CaseExecutor.DocumentInsert, in a transaction of its own.
func (db *DB) DocumentInsert(ctx context.Context, params *storage.DocumentInsertParams) error {
	return db.ex.documentInsert(ctx, params)
}

func (t *tx) DocumentInsert(ctx context.Context, params *storage.DocumentInsertParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: document insert: %w", err)
	}
	return t.check(e.documentInsert(ctx, params))
}

// DocumentList implements storage.CaseExecutor.DocumentList, in a transaction of its own.
func (db *DB) DocumentList(ctx context.Context, params *storage.DocumentListParams) ([]*storage.DocumentRow, error) {
	return db.ex.documentList(ctx, params)
}

func (t *tx) DocumentList(ctx context.Context, params *storage.DocumentListParams) ([]*storage.DocumentRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: document list: %w", err)
	}
	v, err := e.documentList(ctx, params)
	return v, t.check(err)
}

// FlagInsert implements storage.CaseExecutor.FlagInsert, in a transaction of its own.
func (db *DB) FlagInsert(ctx context.Context, params *storage.FlagInsertParams) error {
	return db.ex.flagInsert(ctx, params)
}

func (t *tx) FlagInsert(ctx context.Context, params *storage.FlagInsertParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: flag insert: %w", err)
	}
	return t.check(e.flagInsert(ctx, params))
}

// FlagList implements storage.CaseExecutor.FlagList, in a transaction of its own.
func (db *DB) FlagList(ctx context.Context, params *storage.FlagListParams) ([]*storage.FlagRow, error) {
	return db.ex.flagList(ctx, params)
}

func (t *tx) FlagList(ctx context.Context, params *storage.FlagListParams) ([]*storage.FlagRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: flag list: %w", err)
	}
	v, err := e.flagList(ctx, params)
	return v, t.check(err)
}

// AuditAppend implements storage.CaseExecutor.AuditAppend, in a transaction of its own.
func (db *DB) AuditAppend(ctx context.Context, params *storage.AuditAppendParams) error {
	return db.ex.auditAppend(ctx, params)
}

func (t *tx) AuditAppend(ctx context.Context, params *storage.AuditAppendParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: audit append: %w", err)
	}
	return t.check(e.auditAppend(ctx, params))
}

// AuditList implements storage.CaseExecutor.AuditList, in a transaction of its own.
func (db *DB) AuditList(ctx context.Context, params *storage.AuditListParams) ([]*storage.AuditRow, error) {
	return db.ex.auditList(ctx, params)
}

func (t *tx) AuditList(ctx context.Context, params *storage.AuditListParams) ([]*storage.AuditRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: audit list: %w", err)
	}
	v, err := e.auditList(ctx, params)
	return v, t.check(err)
}
