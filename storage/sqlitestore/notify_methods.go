// Code in this file only forwards the storage.OutboxExecutor,
// storage.InboxExecutor and storage.ContactExecutor methods of *DB and of the
// transaction type to the shared executor.

package sqlitestore

import (
	"context"
	"fmt"

	"github.com/etjanst/etjanst/storage"
)

// OutboxInsert implements storage.OutboxExecutor.OutboxInsert, in a transaction of its own.
func (db *DB) OutboxInsert(ctx context.Context, params *storage.OutboxInsertParams) (bool, error) {
	return db.ex.outboxInsert(ctx, params)
}

func (t *tx) OutboxInsert(ctx context.Context, params *storage.OutboxInsertParams) (bool, error) {
	e, err := t.executor()
	if err != nil {
		return false, fmt.Errorf("sqlitestore: outbox insert: %w", err)
	}
	v, err := e.outboxInsert(ctx, params)
	return v, t.check(err)
}

// OutboxClaim implements storage.OutboxExecutor.OutboxClaim, in a transaction of its own.
func (db *DB) OutboxClaim(ctx context.Context, params *storage.OutboxClaimParams) ([]*storage.OutboxRow, error) {
	return db.ex.outboxClaim(ctx, params)
}

func (t *tx) OutboxClaim(ctx context.Context, params *storage.OutboxClaimParams) ([]*storage.OutboxRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: outbox claim: %w", err)
	}
	v, err := e.outboxClaim(ctx, params)
	return v, t.check(err)
}

// OutboxAck implements storage.OutboxExecutor.OutboxAck, in a transaction of its own.
func (db *DB) OutboxAck(ctx context.Context, params *storage.OutboxAckParams) error {
	return db.ex.outboxAck(ctx, params)
}

func (t *tx) OutboxAck(ctx context.Context, params *storage.OutboxAckParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: outbox ack: %w", err)
	}
	return t.check(e.outboxAck(ctx, params))
}

// OutboxRetry implements storage.OutboxExecutor.OutboxRetry, in a transaction of its own.
func (db *DB) OutboxRetry(ctx context.Context, params *storage.OutboxRetryParams) error {
	return db.ex.outboxRetry(ctx, params)
}

func (t *tx) OutboxRetry(ctx context.Context, params *storage.OutboxRetryParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: outbox retry: %w", err)
	}
	return t.check(e.outboxRetry(ctx, params))
}

// OutboxDead implements storage.OutboxExecutor.OutboxDead, in a transaction of its own.
func (db *DB) OutboxDead(ctx context.Context, params *storage.OutboxDeadParams) error {
	return db.ex.outboxDead(ctx, params)
}

func (t *tx) OutboxDead(ctx context.Context, params *storage.OutboxDeadParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: outbox dead: %w", err)
	}
	return t.check(e.outboxDead(ctx, params))
}

// OutboxRelease implements storage.OutboxExecutor.OutboxRelease, in a transaction of its own.
func (db *DB) OutboxRelease(ctx context.Context, params *storage.OutboxReleaseParams) (int, error) {
	return db.ex.outboxRelease(ctx, params)
}

func (t *tx) OutboxRelease(ctx context.Context, params *storage.OutboxReleaseParams) (int, error) {
	e, err := t.executor()
	if err != nil {
		return 0, fmt.Errorf("sqlitestore: outbox release: %w", err)
	}
	v, err := e.outboxRelease(ctx, params)
	return v, t.check(err)
}

// OutboxGet implements storage.OutboxExecutor.OutboxGet, in a transaction of its own.
func (db *DB) OutboxGet(ctx context.Context, params *storage.OutboxGetParams) (*storage.OutboxRow, error) {
	return db.ex.outboxGet(ctx, params)
}

func (t *tx) OutboxGet(ctx context.Context, params *storage.OutboxGetParams) (*storage.OutboxRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: outbox get: %w", err)
	}
	v, err := e.outboxGet(ctx, params)
	return v, t.check(err)
}

// OutboxListDead implements storage.OutboxExecutor.OutboxListDead, in a transaction of its own.
func (db *DB) OutboxListDead(ctx context.Context, params *storage.OutboxListDeadParams) ([]*storage.OutboxRow, error) {
	return db.ex.outboxListDead(ctx, params)
}

func (t *tx) OutboxListDead(ctx context.Context, params *storage.OutboxListDeadParams) ([]*storage.OutboxRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: outbox list dead: %w", err)
	}
	v, err := e.outboxListDead(ctx, params)
	return v, t.check(err)
}

// OutboxRequeue implements storage.OutboxExecutor.OutboxRequeue, in a transaction of its own.
func (db *DB) OutboxRequeue(ctx context.Context, params *storage.OutboxRequeueParams) error {
	return db.ex.outboxRequeue(ctx, params)
}

func (t *tx) OutboxRequeue(ctx context.Context, params *storage.OutboxRequeueParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: outbox requeue: %w", err)
	}
	return t.check(e.outboxRequeue(ctx, params))
}

// OutboxPurge implements storage.OutboxExecutor.OutboxPurge, in a transaction of its own.
func (db *DB) OutboxPurge(ctx context.Context, params *storage.OutboxPurgeParams) (int, error) {
	return db.ex.outboxPurge(ctx, params)
}

func (t *tx) OutboxPurge(ctx context.Context, params *storage.OutboxPurgeParams) (int, error) {
	e, err := t.executor()
	if err != nil {
		return 0, fmt.Errorf("sqlitestore: outbox purge: %w", err)
	}
	v, err := e.outboxPurge(ctx, params)
	return v, t.check(err)
}

// InboxInsert implements storage.InboxExecutor.InboxInsert, in a transaction of its own.
func (db *DB) InboxInsert(ctx context.Context, params *storage.InboxInsertParams) error {
	return db.ex.inboxInsert(ctx, params)
}

func (t *tx) InboxInsert(ctx context.Context, params *storage.InboxInsertParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: inbox insert: %w", err)
	}
	return t.check(e.inboxInsert(ctx, params))
}

// InboxGet implements storage.InboxExecutor.InboxGet, in a transaction of its own.
func (db *DB) InboxGet(ctx context.Context, params *storage.InboxGetParams) (*storage.InboxRow, error) {
	return db.ex.inboxGet(ctx, params)
}

func (t *tx) InboxGet(ctx context.Context, params *storage.InboxGetParams) (*storage.InboxRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: inbox get: %w", err)
	}
	v, err := e.inboxGet(ctx, params)
	return v, t.check(err)
}

// InboxList implements storage.InboxExecutor.InboxList, in a transaction of its own.
func (db *DB) InboxList(ctx context.Context, params *storage.InboxListParams) ([]*storage.InboxRow, error) {
	return db.ex.inboxList(ctx, params)
}

func (t *tx) InboxList(ctx context.Context, params *storage.InboxListParams) ([]*storage.InboxRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: inbox list: %w", err)
	}
	v, err := e.inboxList(ctx, params)
	return v, t.check(err)
}

// InboxUnreadCount implements storage.InboxExecutor.InboxUnreadCount, in a transaction of its own.
func (db *DB) InboxUnreadCount(ctx context.Context, params *storage.InboxUnreadCountParams) (int, error) {
	return db.ex.inboxUnreadCount(ctx, params)
}

func (t *tx) InboxUnreadCount(ctx context.Context, params *storage.InboxUnreadCountParams) (int, error) {
	e, err := t.executor()
	if err != nil {
		return 0, fmt.Errorf("sqlitestore: inbox unread count: %w", err)
	}
	v, err := e.inboxUnreadCount(ctx, params)
	return v, t.check(err)
}

// InboxMarkRead implements storage.InboxExecutor.InboxMarkRead, in a transaction of its own.
func (db *DB) InboxMarkRead(ctx context.Context, params *storage.InboxMarkReadParams) error {
	return db.ex.inboxMarkRead(ctx, params)
}

func (t *tx) InboxMarkRead(ctx context.Context, params *storage.InboxMarkReadParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: inbox mark read: %w", err)
	}
	return t.check(e.inboxMarkRead(ctx, params))
}

// ContactUpsert implements storage.ContactExecutor.ContactUpsert, in a transaction of its own.
func (db *DB) ContactUpsert(ctx context.Context, params *storage.ContactUpsertParams) (*storage.ContactRow, error) {
	return db.ex.contactUpsert(ctx, params)
}

func (t *tx) ContactUpsert(ctx context.Context, params *storage.ContactUpsertParams) (*storage.ContactRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: contact upsert: %w", err)
	}
	v, err := e.contactUpsert(ctx, params)
	return v, t.check(err)
}

// ContactGet implements storage.ContactExecutor.ContactGet, in a transaction of its own.
func (db *DB) ContactGet(ctx context.Context, params *storage.ContactGetParams) (*storage.ContactRow, error) {
	return db.ex.contactGet(ctx, params)
}

func (t *tx) ContactGet(ctx context.Context, params *storage.ContactGetParams) (*storage.ContactRow, error) {
	e, err := t.executor()
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: contact get: %w", err)
	}
	v, err := e.contactGet(ctx, params)
	return v, t.check(err)
}

// ContactDelete implements storage.ContactExecutor.ContactDelete, in a transaction of its own.
func (db *DB) ContactDelete(ctx context.Context, params *storage.ContactDeleteParams) error {
	return db.ex.contactDelete(ctx, params)
}

func (t *tx) ContactDelete(ctx context.Context, params *storage.ContactDeleteParams) error {
	e, err := t.executor()
	if err != nil {
		return fmt.Errorf("sqlitestore: contact delete: %w", err)
	}
	return t.check(e.contactDelete(ctx, params))
}
