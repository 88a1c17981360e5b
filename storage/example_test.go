package storage_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/sqlitestore"
)

// WithTx groups calls into one transaction: here a draft and its attachment
// are stored together or not at all.
func ExampleWithTx() {
	dir, err := os.MkdirTemp("", "etjanst-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	var d storage.Driver
	db, err := sqlitestore.Open(ctx, filepath.Join(dir, "etjanst.db"), &sqlitestore.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	d = db

	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	err = storage.WithTx(ctx, d, func(ctx context.Context, tx storage.Tx) error {
		if _, err := tx.DraftInsert(ctx, &storage.DraftInsertParams{
			ID: "draft-1", Owner: "owner-key", FormID: "bygglov", KeyID: "k1",
			CreatedAt: now, ExpiresAt: now.AddDate(0, 0, 90),
		}); err != nil {
			return err
		}
		_, err := tx.AttachmentInsert(ctx, &storage.AttachmentInsertParams{
			ID: "att-1", DraftID: "draft-1", Owner: "owner-key", ContentType: "application/pdf",
			Size: 1234, KeyID: "k1", Payload: []byte("sealed file"), CreatedAt: now,
			MaxCount: 10, MaxBytes: 10 << 20,
		})
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	row, err := d.DraftGet(ctx, &storage.DraftGetParams{ID: "draft-1", Owner: "owner-key"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(row.AttachmentCount, row.AttachmentBytes)
	// Output: 1 1234
}
