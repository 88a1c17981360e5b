package sqlitestore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/sqlitestore"
)

// Open a database file, store a draft and read it back. Only its owner finds
// it; anyone else gets storage.ErrNotFound, the same as for a missing draft.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "etjanst-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	db, err := sqlitestore.Open(ctx, filepath.Join(dir, "etjanst.db"), &sqlitestore.Options{
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	_, err = db.DraftInsert(ctx, &storage.DraftInsertParams{
		ID:        "draft-1",
		Owner:     "owner-key-a", // an opaque key, never a personnummer
		FormID:    "bygglov",
		KeyID:     "k1",
		Payload:   []byte("sealed bytes"),
		CreatedAt: now,
		ExpiresAt: now.AddDate(0, 0, 90),
	})
	if err != nil {
		log.Fatal(err)
	}

	row, err := db.DraftGet(ctx, &storage.DraftGetParams{ID: "draft-1", Owner: "owner-key-a"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(row.FormID, row.Revision, row.ExpiresAt.Format(time.DateOnly))

	_, err = db.DraftGet(ctx, &storage.DraftGetParams{ID: "draft-1", Owner: "owner-key-b"})
	fmt.Println(errors.Is(err, storage.ErrNotFound))
	// Output:
	// bygglov 1 2030-04-02
	// true
}

// Save with optimistic locking: an update must name the revision it read,
// so a second tab saving the same revision gets storage.ErrConflict.
func ExampleDB_DraftUpdate() {
	dir, err := os.MkdirTemp("", "etjanst-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	db, err := sqlitestore.Open(ctx, filepath.Join(dir, "etjanst.db"), &sqlitestore.Options{
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	row, err := db.DraftInsert(ctx, &storage.DraftInsertParams{
		ID: "draft-1", Owner: "owner-key-a", FormID: "bygglov", KeyID: "k1",
		Payload: []byte("v1"), CreatedAt: now, ExpiresAt: now.AddDate(0, 0, 90),
	})
	if err != nil {
		log.Fatal(err)
	}

	save := func(payload string) error {
		_, err := db.DraftUpdate(ctx, &storage.DraftUpdateParams{
			ID: row.ID, Owner: row.Owner, Revision: row.Revision, KeyID: "k1",
			Payload: []byte(payload), UpdatedAt: now.Add(time.Minute), ExpiresAt: now.AddDate(0, 0, 90),
		})
		return err
	}
	fmt.Println("first tab:", save("from tab 1"))
	fmt.Println("second tab conflicts:", errors.Is(save("from tab 2"), storage.ErrConflict))
	// Output:
	// first tab: <nil>
	// second tab conflicts: true
}
