package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/etjanst/etjanst/storage"
)

// ErrSchemaTooNew is returned by Open when the schema records a migration
// this version of the package does not know: it was migrated by a newer
// release, and using it with older code could lose data.
var ErrSchemaTooNew = errors.New("pgstore: database schema is newer than this code")

// ErrConnLost is returned (wrapped) when the connection to the server broke
// during a call or could not be made: the server went away, the backend was
// terminated, the network failed. Inside a transaction it means the
// transaction is gone and the server has rolled it back; Commit says in its
// error text whether the commit was certainly not applied or its outcome is
// unknown (the connection broke after COMMIT was sent). Calls on the DB
// itself are retried when the request had not reached the server.
var ErrConnLost = errors.New("pgstore: connection to the database lost")

// SQLSTATE codes the driver interprets.
const (
	codeUniqueViolation      = "23505"
	codeForeignKeyViolation  = "23503"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
	codeQueryCanceled        = "57014"
	codeAdminShutdown        = "57P01"
	codeCrashShutdown        = "57P02"
	codeCannotConnectNow     = "57P03"
	codeCharNotInRepertoire  = "22021" // a NUL byte or invalid UTF-8 in a text value
	codeUntranslatableChar   = "22P05"
	codeProgramLimitExceeded = "54000" // e.g. a key too large for its index
)

// interpretError is the one place that maps native errors to the storage
// contract:
//   - a done ctx (or an error it caused) → ctx.Err(), unwrapped;
//   - pgx.ErrNoRows → storage.ErrNotFound;
//   - pgx.ErrTxClosed → storage.ErrTxDone;
//   - a unique violation → storage.ErrConflict;
//   - a foreign-key violation (a missing parent) → storage.ErrNotFound;
//   - a serialization failure or deadlock → storage.ErrConflict (the
//     transaction lost a race; retry it as a whole). Calls on the DB are
//     retried before they get here (see retryable);
//   - text the server cannot store (a NUL byte, invalid UTF-8) or a value
//     too large for its index → storage.ErrInvalid;
//   - a broken or refused connection → ErrConnLost.
//
// Other errors are returned unchanged. The server's message names the
// constraint, never the values (those are in PgError.Detail, which Error
// does not print), so it is safe to keep.
func interpretError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx != nil {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return storage.ErrNotFound
	case errors.Is(err, pgx.ErrTxClosed):
		return storage.ErrTxDone
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case codeUniqueViolation:
			return fmt.Errorf("%w: %w", storage.ErrConflict, err)
		case codeForeignKeyViolation:
			return fmt.Errorf("%w: %w", storage.ErrNotFound, err)
		case codeSerializationFailure, codeDeadlockDetected:
			return fmt.Errorf("%w: transaction aborted, retry it: %w", storage.ErrConflict, err)
		case codeCharNotInRepertoire, codeUntranslatableChar, codeProgramLimitExceeded:
			return fmt.Errorf("%w: %w", storage.ErrInvalid, err)
		case codeAdminShutdown, codeCrashShutdown, codeCannotConnectNow:
			return fmt.Errorf("%w: %w", ErrConnLost, err)
		}
		if len(pe.Code) == 5 && pe.Code[:2] == "08" { // class 08: connection exception
			return fmt.Errorf("%w: %w", ErrConnLost, err)
		}
		return err
	}
	if connBroken(err) {
		return fmt.Errorf("%w: %w", ErrConnLost, err)
	}
	return err
}

// connBroken reports whether err (not a server error) means the connection
// failed: closed, reset, refused or cut short.
func connBroken(err error) bool {
	var (
		ce *pgconn.ConnectError
		ne net.Error
	)
	return errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.As(err, &ce) || errors.As(err, &ne)
}

// retryable reports whether a call on the DB (its own transaction) may run
// again after err with the same effect as running once: the server aborted
// it (serialization failure, deadlock), or the request never left this
// process.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == codeSerializationFailure || pe.Code == codeDeadlockDetected
	}
	return pgconn.SafeToRetry(err)
}

// sqlState returns err's SQLSTATE, or "" when it is not a server error.
func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}
