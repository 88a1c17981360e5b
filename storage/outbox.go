package storage

import (
	"context"
	"log/slog"
	"time"
)

// OutboxExecutor holds the operations of the transactional outbox: rows
// written by a business transaction (OutboxInsert inside the caller's Tx) and
// delivered after commit by relays that claim due rows under a lease, then
// acknowledge, reschedule or dead-letter them. It is part of Executor.
//
// A row is in one of three states (OutboxState): pending (waiting or
// claimed), sent (acknowledged) or dead (given up, until requeued). A claim
// does not change the state: it records the worker as LeaseOwner and moves
// NextAttemptAt to the end of the lease, so a row whose relay died becomes
// due again when its lease runs out, without any janitor.
//
// The contract is written so that it maps onto a single SQLite writer (one
// UPDATE ... RETURNING) as well as onto PostgreSQL's SELECT ... FOR UPDATE
// SKIP LOCKED: a claim is one atomic step, and the worker ID is the lease
// token that OutboxAck, OutboxRetry, OutboxDead and OutboxRelease check.
//
// Drivers hold no policy here either: the backoff, the attempt limit, the
// channels and the payload encoding belong to the notify package.
type OutboxExecutor interface {
	// OutboxInsert stores a new pending row, due at NextAttemptAt (or
	// CreatedAt when zero), with no attempts. Call it inside the
	// transaction of the business write, so that nothing is queued unless
	// that write commits.
	//
	// When DedupeKey is non-empty and a row with the same key exists (in
	// any state), nothing is written and OutboxInsert returns false and a
	// nil error: a repeated event is skipped, not an error. It returns true
	// when the row was inserted.
	//
	// Errors: ErrConflict when a row with the same ID exists; ErrInvalid
	// when ID, Channel or Recipient is empty or CreatedAt is zero.
	OutboxInsert(ctx context.Context, params *OutboxInsertParams) (bool, error)

	// OutboxClaim leases up to Limit pending rows whose NextAttemptAt is at
	// or before Now, oldest NextAttemptAt first, to params.Worker: in one
	// atomic step it adds one to each row's Attempts, sets its LeaseOwner
	// to Worker and its NextAttemptAt to Now+Lease, and returns the rows
	// as updated, with payloads, in the order they were created (so that
	// the notices of one case go out in order). No rows is an empty slice.
	//
	// Concurrency: concurrent claims never return the same row; a row is
	// claimed again only when a later claim's Now reaches the end of its
	// lease (or after OutboxRetry or OutboxRelease made it due).
	//
	// Errors: ErrInvalid when Worker is empty, Now is zero or Lease is not
	// positive.
	OutboxClaim(ctx context.Context, params *OutboxClaimParams) ([]*OutboxRow, error)

	// OutboxAck marks a claimed row sent at SentAt, clears its lease, and
	// clears its Recipient and Payload: a sent row keeps only what
	// deduplication and statistics need.
	//
	// Errors: ErrNotFound when there is no row ID; ErrConflict when it is
	// not pending or its LeaseOwner is not params.Worker (the lease ran out
	// and another worker claimed it, or it was released); ErrInvalid when
	// Worker is empty or SentAt is zero.
	OutboxAck(ctx context.Context, params *OutboxAckParams) error

	// OutboxRetry reschedules a claimed row after a failed attempt: it
	// becomes due at NextAttemptAt, its lease is cleared and LastError is
	// recorded. Attempts keeps the count the claim made.
	//
	// Errors: as OutboxAck; ErrInvalid when Worker is empty or
	// NextAttemptAt is zero.
	OutboxRetry(ctx context.Context, params *OutboxRetryParams) error

	// OutboxDead moves a claimed row to the dead letters with LastError:
	// it is no longer claimed until OutboxRequeue.
	//
	// Errors: as OutboxAck; ErrInvalid when Worker is empty or DeadAt is
	// zero.
	OutboxDead(ctx context.Context, params *OutboxDeadParams) error

	// OutboxRelease gives back rows claimed by Worker that it will not
	// attempt (a graceful shutdown): each becomes due at Now, its lease is
	// cleared and the attempt its claim counted is taken back. With IDs
	// empty every pending row leased to Worker is released; otherwise only
	// those of IDs still leased to Worker (others are skipped). It returns
	// the number of rows released.
	//
	// Errors: ErrInvalid when Worker is empty or Now is zero.
	OutboxRelease(ctx context.Context, params *OutboxReleaseParams) (int, error)

	// OutboxGet returns the row ID with its payload, in any state.
	//
	// Errors: ErrNotFound when there is no such row.
	OutboxGet(ctx context.Context, params *OutboxGetParams) (*OutboxRow, error)

	// OutboxListDead returns up to Limit dead rows with their payloads,
	// most recently dead first (ties by ID descending).
	OutboxListDead(ctx context.Context, params *OutboxListDeadParams) ([]*OutboxRow, error)

	// OutboxRequeue makes a dead row pending again, due at Now, with
	// Attempts reset to zero. LastError is kept until the next attempt
	// replaces it.
	//
	// Errors: ErrNotFound when there is no row ID; ErrConflict when it is
	// not dead; ErrInvalid when Now is zero.
	OutboxRequeue(ctx context.Context, params *OutboxRequeueParams) error

	// OutboxPurge deletes up to Limit sent rows whose SentAt is at or
	// before Before (with params.Dead: dead rows whose DeadAt is), oldest
	// first, and returns how many it deleted. Once a row is purged its
	// DedupeKey may be used again. Pending rows are never purged.
	//
	// Errors: ErrInvalid when Before is zero.
	OutboxPurge(ctx context.Context, params *OutboxPurgeParams) (int, error)
}

// OutboxState is the state of an outbox row.
type OutboxState string

// The outbox row states.
const (
	// OutboxPending is a row waiting to be claimed, or claimed and in
	// flight (LeaseOwner set).
	OutboxStatePending OutboxState = "pending"
	// OutboxSent is an acknowledged row.
	OutboxStateSent OutboxState = "sent"
	// OutboxDead is a row given up on after a permanent failure or too
	// many attempts; OutboxRequeue makes it pending again.
	OutboxStateDead OutboxState = "dead"
)

// OutboxRow is one outbox row. All times are UTC at microsecond precision.
type OutboxRow struct {
	// ID is the row's unique identifier, chosen by the caller. It is
	// stable across attempts, so receivers can use it to deduplicate.
	ID string
	// Channel names the delivery channel ("inbox", "email", "sms").
	Channel string
	// Kind names the kind of event, for listing and statistics.
	Kind string
	// DedupeKey, when non-empty, is unique among the stored rows.
	DedupeKey string
	// Recipient is the opaque recipient reference the notify package
	// resolves at delivery; empty once sent.
	Recipient string
	// Payload is the opaque message content; empty once sent.
	Payload []byte
	// State is pending, sent or dead.
	State OutboxState
	// Attempts counts the claims since insert or the last requeue.
	Attempts int
	// CreatedAt is when the row was inserted.
	CreatedAt time.Time
	// NextAttemptAt is when the row is next due for a claim. While the
	// row is claimed it is the end of the lease.
	NextAttemptAt time.Time
	// LeaseOwner is the worker that claimed the row and has not yet
	// acknowledged, retried, dead-lettered or released it; empty otherwise.
	LeaseOwner string
	// LastError is the reason given by the last OutboxRetry or
	// OutboxDead; empty when there was none.
	LastError string
	// SentAt is when the row was acknowledged; zero unless sent.
	SentAt time.Time
	// DeadAt is when the row was dead-lettered; zero unless dead.
	DeadAt time.Time
}

// LogValue logs the row's ID, channel, kind, state and attempts, never the
// recipient or the payload.
func (r *OutboxRow) LogValue() slog.Value {
	if r == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(
		slog.String("outbox_id", r.ID),
		slog.String("channel", r.Channel),
		slog.String("kind", r.Kind),
		slog.String("state", string(r.State)),
		slog.Int("attempts", r.Attempts),
	)
}

// OutboxInsertParams are the params of OutboxExecutor.OutboxInsert.
type OutboxInsertParams struct {
	// ID is the new row's ID. Required.
	ID string
	// Channel names the delivery channel. Required.
	Channel string
	// Kind names the kind of event.
	Kind string
	// DedupeKey, when non-empty, makes a second insert with the same key
	// a no-op.
	DedupeKey string
	// Recipient is the opaque recipient reference. Required.
	Recipient string
	// Payload is the opaque message content.
	Payload []byte
	// CreatedAt is the insert time. Required.
	CreatedAt time.Time
	// NextAttemptAt is when the row first becomes due. Zero means
	// CreatedAt.
	NextAttemptAt time.Time
}

// OutboxClaimParams are the params of OutboxExecutor.OutboxClaim.
type OutboxClaimParams struct {
	// Worker identifies the claiming relay; it must be unique among the
	// relays on one database. Required.
	Worker string
	// Now is the claim time: rows due at or before it are claimed.
	// Required.
	Now time.Time
	// Lease is how long the claim holds. Required, positive.
	Lease time.Duration
	// Limit caps the batch: 0 means DefaultLimit; at most MaxLimit.
	Limit int
}

// OutboxAckParams are the params of OutboxExecutor.OutboxAck.
type OutboxAckParams struct {
	// ID is the row's ID.
	ID string
	// Worker must be the row's LeaseOwner. Required.
	Worker string
	// SentAt is when the row was delivered. Required.
	SentAt time.Time
}

// OutboxRetryParams are the params of OutboxExecutor.OutboxRetry.
type OutboxRetryParams struct {
	// ID is the row's ID.
	ID string
	// Worker must be the row's LeaseOwner. Required.
	Worker string
	// NextAttemptAt is when the row is due again. Required.
	NextAttemptAt time.Time
	// LastError is the reason of the failure; it must not contain
	// personal data.
	LastError string
}

// OutboxDeadParams are the params of OutboxExecutor.OutboxDead.
type OutboxDeadParams struct {
	// ID is the row's ID.
	ID string
	// Worker must be the row's LeaseOwner. Required.
	Worker string
	// DeadAt is when the row was given up on. Required.
	DeadAt time.Time
	// LastError is the reason; it must not contain personal data.
	LastError string
}

// OutboxReleaseParams are the params of OutboxExecutor.OutboxRelease.
type OutboxReleaseParams struct {
	// Worker is the worker giving its rows back. Required.
	Worker string
	// IDs limits the release to these rows; empty means all of Worker's.
	IDs []string
	// Now is when the released rows become due again. Required.
	Now time.Time
}

// OutboxGetParams are the params of OutboxExecutor.OutboxGet.
type OutboxGetParams struct {
	// ID is the row's ID.
	ID string
}

// OutboxListDeadParams are the params of OutboxExecutor.OutboxListDead.
type OutboxListDeadParams struct {
	// Limit caps the list: 0 means DefaultLimit; at most MaxLimit.
	Limit int
}

// OutboxRequeueParams are the params of OutboxExecutor.OutboxRequeue.
type OutboxRequeueParams struct {
	// ID is the dead row's ID.
	ID string
	// Now is when the row becomes due. Required.
	Now time.Time
}

// OutboxPurgeParams are the params of OutboxExecutor.OutboxPurge.
type OutboxPurgeParams struct {
	// Before is the cut-off: sent rows with SentAt <= Before are deleted.
	// Required.
	Before time.Time
	// Dead purges dead rows with DeadAt <= Before instead (they hold the
	// recipient, and an inbox notice its text, until purged).
	Dead bool
	// Limit caps the batch: 0 means DefaultLimit; at most MaxLimit.
	Limit int
}
