package sqlitestore

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Synchronous selects SQLite's synchronous setting for the writer
// connection, that is, when commits are flushed to disk.
type Synchronous int

const (
	// SynchronousFull flushes the write-ahead log on every commit: a
	// committed transaction survives a power loss or an OS crash. It is
	// the default.
	SynchronousFull Synchronous = iota

	// SynchronousNormal flushes only at checkpoints. A committed
	// transaction survives an application crash, and the database is
	// never corrupted, but the last transactions before a power loss or an
	// OS crash may be rolled back. Choose it only when losing the last
	// seconds of drafts is acceptable.
	SynchronousNormal
)

func (s Synchronous) pragma() (string, error) {
	switch s {
	case SynchronousFull:
		return "FULL", nil
	case SynchronousNormal:
		return "NORMAL", nil
	default:
		return "", fmt.Errorf("sqlitestore: unknown Synchronous %d", int(s))
	}
}

// Options configures Open. A nil *Options means all defaults.
type Options struct {
	// BusyTimeout is how long a connection waits for a lock held by
	// another process (or a recovering reader) before failing. Rounded
	// down to milliseconds. Defaults to 5 seconds.
	BusyTimeout time.Duration

	// Synchronous is the durability of commits; see SynchronousFull and
	// SynchronousNormal. Defaults to SynchronousFull.
	Synchronous Synchronous

	// ReadConns is the most read-only connections used for reads outside
	// a transaction. Defaults to 4.
	ReadConns int

	// Logger receives one Info line per applied migration. Defaults to
	// slog.Default().
	Logger *slog.Logger

	// GroupCommit is how many transactions may share one commit (one
	// flush of the write-ahead log): a transaction that begins while
	// another runs joins it in a savepoint of its own, and every member's
	// Commit returns after the shared commit. Members run one after the
	// other, so each is still all or nothing; throughput under concurrent
	// writers rises (8 concurrent submits: about 1.7 times the commits per
	// second), and a lone writer pays nothing (the first member of a group
	// needs no savepoint). A member whose context ends before it commits
	// or rolls back is rolled back, as database/sql does with a plain
	// transaction; one that is abandoned with a context that never ends
	// holds up the writers behind it, as it would hold the one writer
	// connection without group commit: end every transaction
	// (storage.WithTx does). A member's Commit (and Rollback) returns once
	// the shared transaction has ended, which may be after members that
	// began later have finished: code inside a transaction must never wait
	// for what another goroutine does after its Commit returns (use 1 for
	// such patterns). Defaults to 8; 1 turns group commit off.
	GroupCommit int

	// Now stamps the applied_at column of schema_migrations. It is not
	// used for rows: the contract passes every row time in. Defaults to
	// time.Now.
	Now func() time.Time
}

const (
	defaultBusyTimeout = 5 * time.Second
	defaultReadConns   = 4
	defaultGroupCommit = 8
)

// withDefaults validates o and returns a copy with the defaults filled in.
func (o *Options) withDefaults() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.BusyTimeout < 0 {
		return r, errors.New("sqlitestore: negative BusyTimeout")
	}
	if r.BusyTimeout == 0 {
		r.BusyTimeout = defaultBusyTimeout
	}
	if _, err := r.Synchronous.pragma(); err != nil {
		return r, err
	}
	if r.ReadConns < 0 {
		return r, errors.New("sqlitestore: negative ReadConns")
	}
	if r.ReadConns == 0 {
		r.ReadConns = defaultReadConns
	}
	if r.GroupCommit < 0 || r.GroupCommit > 1000 {
		return r, errors.New("sqlitestore: GroupCommit out of range (0 to 1000)")
	}
	if r.GroupCommit == 0 {
		r.GroupCommit = defaultGroupCommit
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	return r, nil
}
