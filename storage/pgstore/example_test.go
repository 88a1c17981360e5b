package pgstore_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/pgstore"
)

// TestMain leaves the examples out when no server is configured: unlike
// tests, examples cannot skip, and they need a database.
func TestMain(m *testing.M) {
	flag.Parse()
	if os.Getenv(dsnEnv) == "" {
		if f := flag.Lookup("test.run"); f != nil && f.Value.String() == "" {
			_ = f.Value.Set("^(Test|Benchmark|Fuzz)")
			fmt.Fprintf(os.Stderr, "pgstore: examples left out and tests skipped: set %s to run them\n", dsnEnv)
		}
	}
	os.Exit(m.Run())
}

// exampleDB opens a DB in a fresh schema for an example and returns a func
// that closes it and drops the schema.
func exampleDB(ctx context.Context) (*pgstore.DB, func()) {
	dsn := os.Getenv(dsnEnv)
	schema := fmt.Sprintf("etjanst_example_%d", time.Now().UnixNano())
	db, err := pgstore.Open(ctx, dsn, &pgstore.Options{Schema: schema, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	return db, func() {
		_ = db.Close()
		raw, err := pgstore.OpenRaw(ctx, dsn, &pgstore.Options{Schema: schema})
		if err == nil {
			_, _ = raw.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`)
			raw.Close()
		}
	}
}

func ExampleOpen() {
	ctx := context.Background()
	// pgstore.Open(ctx, dsn, &pgstore.Options{Schema: "etjanst"}), with
	// the DSN of your server.
	db, done := exampleDB(ctx)
	defer done()

	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	row, err := db.DraftInsert(ctx, &storage.DraftInsertParams{
		ID: "d1", Owner: "owner-key", FormID: "bygglov", KeyID: "k1", Payload: []byte("sealed"),
		CreatedAt: now, ExpiresAt: now.Add(90 * 24 * time.Hour),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(row.ID, row.Revision, row.CreatedAt)

	// Another owner's draft is indistinguishable from a missing one.
	_, err = db.DraftGet(ctx, &storage.DraftGetParams{ID: "d1", Owner: "someone-else"})
	fmt.Println(errors.Is(err, storage.ErrNotFound))
	// Output:
	// d1 1 2030-01-02 03:04:05 +0000 UTC
	// true
}

func ExampleDB_Begin() {
	ctx := context.Background()
	db, done := exampleDB(ctx)
	defer done()

	// Two submits in transactions: the reference numbers of committed
	// transactions are gap-free, also when another instance of the
	// portal allocates from the same sequence; a rolled-back transaction
	// gives its number back.
	errAbandon := errors.New("applicant abandoned")
	for _, abandon := range []bool{true, false, false} {
		err := storage.WithTx(ctx, db, func(ctx context.Context, tx storage.Tx) error {
			n, err := tx.ReferenceNext(ctx, &storage.ReferenceNextParams{Prefix: "ETJ", Year: 2030})
			if err != nil {
				return err
			}
			if abandon {
				return errAbandon
			}
			fmt.Printf("ETJ 2030/%06d\n", n)
			return nil
		})
		if err != nil && !errors.Is(err, errAbandon) {
			panic(err)
		}
	}
	// Output:
	// ETJ 2030/000001
	// ETJ 2030/000002
}
