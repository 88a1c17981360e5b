package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// lazyTx is the connection of a transaction from Begin, whose BEGIN goes
// out with the transaction's first statement, in one round trip (a
// pipelined batch), instead of a round trip of its own: a submit on
// PostgreSQL is a handful of statements, and one round trip is a tenth of
// its time. A transaction that runs no statement never begins; its Commit
// and Rollback only return the connection.
//
// It is used by one goroutine at a time (tx.mu serialises the methods).
// When BEGIN fails, the statement after it is not run (the server skips
// the rest of a pipeline after an error) and the transaction stays
// unbegun; when the statement fails, the transaction has begun and is
// aborted, as it would be after a separate BEGIN.
type lazyTx struct {
	conn  *pgxpool.Conn
	begun bool
}

var _ querier = (*lazyTx)(nil)

// start sends BEGIN and the first statement in one batch and reads the
// reply to BEGIN.
func (l *lazyTx) start(ctx context.Context, sql string, args []any) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	b.Queue("begin")
	b.Queue(sql, args...)
	br := l.conn.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		_ = br.Close()
		return nil, err
	}
	l.begun = true
	return br, nil
}

func (l *lazyTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if l.begun {
		return l.conn.Exec(ctx, sql, args...)
	}
	br, err := l.start(ctx, sql, args)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, err
}

func (l *lazyTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if l.begun {
		return l.conn.Query(ctx, sql, args...)
	}
	br, err := l.start(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		_ = br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

func (l *lazyTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if l.begun {
		return l.conn.QueryRow(ctx, sql, args...)
	}
	br, err := l.start(ctx, sql, args)
	if err != nil {
		return errRow{err}
	}
	return batchRow{row: br.QueryRow(), br: br}
}

// errRow is a pgx.Row whose Scan fails with err.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// end sends COMMIT or ROLLBACK when the transaction has begun. A COMMIT
// that the server answers with ROLLBACK (the transaction was aborted by
// an earlier error) is pgx.ErrTxCommitRollback, as pgx's own Commit says.
func (l *lazyTx) end(ctx context.Context, commit bool) error {
	if !l.begun {
		return nil
	}
	l.begun = false
	if !commit {
		_, err := l.conn.Exec(ctx, "rollback")
		return err
	}
	tag, err := l.conn.Exec(ctx, "commit")
	if err == nil && tag.String() == "ROLLBACK" {
		return pgx.ErrTxCommitRollback
	}
	return err
}

// release returns the connection to the pool, which closes it instead
// when it is broken or still in a transaction.
func (l *lazyTx) release() {
	if l.conn != nil {
		l.conn.Release()
		l.conn = nil
	}
}

// batchRows closes the batch of a transaction's first statement with its
// rows.
type batchRows struct {
	pgx.Rows
	br pgx.BatchResults
}

func (r *batchRows) Close() {
	r.Rows.Close()
	if r.br != nil {
		_ = r.br.Close()
		r.br = nil
	}
}

// batchRow closes the batch of a transaction's first statement once its
// row is scanned.
type batchRow struct {
	row pgx.Row
	br  pgx.BatchResults
}

func (r batchRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if cerr := r.br.Close(); err == nil {
		err = cerr
	}
	return err
}
