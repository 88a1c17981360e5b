package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/etjanst/etjanst/storage"
)

// ErrSchemaTooNew is returned by Open when the database file records a
// migration this version of the package does not know: it was written by a
// newer release, and using it with older code could lose data.
var ErrSchemaTooNew = errors.New("sqlitestore: database schema is newer than this code")

// ErrTxLost is returned by the methods and the Commit of a transaction
// that SQLite rolled back by itself after an error (a full disk, an I/O
// error, no memory): none of its work is kept, and it takes no more
// statements. Start a new transaction.
var ErrTxLost = errors.New("sqlitestore: the transaction was rolled back after an earlier error")

// mayEndTx reports whether err is of a kind after which SQLite may have
// rolled the whole transaction back.
func mayEndTx(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_INTERRUPT:
		return true
	}
	return false
}

// interpretError is the one place that maps native errors to the storage
// contract:
//   - a done ctx (or an interrupt it caused) → ctx.Err(), unwrapped;
//   - sql.ErrNoRows → storage.ErrNotFound;
//   - sql.ErrTxDone → storage.ErrTxDone;
//   - a PRIMARY KEY or UNIQUE constraint → storage.ErrConflict;
//   - a FOREIGN KEY constraint (a missing parent) → storage.ErrNotFound.
//
// Other errors are returned unchanged. SQLite constraint messages name the
// table and column, never the values, so they are safe to keep.
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
	case errors.Is(err, sql.ErrNoRows):
		return storage.ErrNotFound
	case errors.Is(err, sql.ErrTxDone):
		return storage.ErrTxDone
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return fmt.Errorf("%w: %s", storage.ErrConflict, se.Error())
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: %s", storage.ErrNotFound, se.Error())
		}
	}
	return err
}
