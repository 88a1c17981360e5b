// Package storage is the leaf contract between the etjanst domain packages
// (draft, and later submission and notify) and the databases that keep their
// rows: the [Driver] and [Tx] interfaces, the row and params types, the
// sentinel errors [ErrNotFound], [ErrConflict], [ErrInvalid] and [ErrLimit],
// and the [WithTx] helper.
//
// It imports none of our packages. Drivers live in subpackages:
// storage/sqlitestore (the embedded default on modernc.org/sqlite) and, later,
// storage/pgstore (PostgreSQL). Every driver runs the one conformance suite in
// storage/storagetest.
//
// # Stability
//
// The seam may change in minor versions until the PostgreSQL driver ships. Do
// not implement [Driver] outside this module; use the drivers it provides.
//
// # Drivers hold no policy
//
// A driver stores rows: an opaque, already sealed payload per draft or
// attachment plus only the columns it filters on (id, owner, form id,
// revision, times, key id). It never decrypts, validates values, decides
// expiry periods or checks who may act. Those rules live once, in the domain
// packages. The mechanisms that must be atomic to be correct (the revision
// check of [Executor.DraftUpdate], the attachment caps of
// [Executor.AttachmentInsert]) are conditional writes in the driver, with the
// thresholds supplied by the caller.
//
// A minimal use, with d any Driver:
//
//	err := storage.WithTx(ctx, d, func(ctx context.Context, tx storage.Tx) error {
//		row, err := tx.DraftGet(ctx, &storage.DraftGetParams{ID: id, Owner: owner})
//		if err != nil {
//			return err
//		}
//		_, err = tx.DraftUpdate(ctx, &storage.DraftUpdateParams{ID: id, Owner: owner, Revision: row.Revision /* ... */})
//		return err
//	})
//
// # Access control
//
// Every draft and attachment query that serves a user takes the owner in its
// params, and a row whose owner differs is treated exactly like a missing one:
// [ErrNotFound]. The caller never receives a row it then has to remember to
// check. The owner is an opaque string chosen by the domain package (draft
// passes a keyed hash of the (actor, party) pair), so no personal data reaches
// the database through it. The methods without an owner (DraftDeleteExpired,
// DraftListExpiring, DraftMarkWarned and the reseal methods) exist for
// internal background jobs and must never be reachable from a request.
//
// # Times
//
// Every time stored through this contract is kept in UTC with microsecond
// precision: drivers convert the given time to UTC and truncate it to the
// microsecond (see [Time]), and every time read back has Location [time.UTC].
// A zero time.Time means "unset" where a field says so (WarnedAt); elsewhere
// it is invalid input.
//
// # Errors
//
// Callers branch with errors.Is on:
//   - [ErrNotFound]: no such row, or the row belongs to another owner.
//   - [ErrConflict]: a duplicate ID, or a stale revision (optimistic locking).
//   - [ErrInvalid]: malformed params (nil params, empty ID or owner, a limit
//     out of range, a zero time where one is required). A programming error,
//     never caused by citizen input that the domain package has validated.
//   - [ErrLimit]: an attachment insert would exceed the caller's caps.
//   - [ErrTxDone]: a call on a committed or rolled back [Tx].
//   - context.Canceled / context.DeadlineExceeded: returned as ctx.Err() (or
//     wrapping it) when the context ends before or during a call.
//
// Error strings carry IDs at most, never owners or payloads.
//
// # Concurrency
//
// A [Driver] is safe for concurrent use by multiple goroutines; each method
// called on it directly runs in its own transaction. A [Tx] belongs to one
// goroutine at a time: do not call its methods concurrently.
package storage
