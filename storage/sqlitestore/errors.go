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
