package submission_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/sqlitestore"
	"github.com/etjanst/etjanst/submission"
)

func ExamplePipeline_Submit() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "submit-example")
	defer os.RemoveAll(dir)
	db, _ := sqlitestore.Open(ctx, filepath.Join(dir, "etjanst.db"), &sqlitestore.Options{Logger: slog.New(slog.DiscardHandler)})
	defer db.Close()
	forms := form.NewRegistry(nil)
	forms.MustRegister(&form.Form{ID: "anmalan", Version: 1, Title: form.T("Anmälan om värmepump", "Heat pump notification"),
		Audience: []form.Audience{form.AudiencePerson},
		Steps: []form.Step{{ID: "s", Title: form.T("Uppgifter", "Details"), Fields: []form.Field{
			{ID: "beskrivning", Type: form.TypeTextarea, Label: form.T("Beskrivning", "Description"), Required: true},
		}}}})
	key, _ := draft.GenerateKey("k1")
	ring, _ := draft.NewKeyRing(bytes.Repeat([]byte{1}, 32), key)
	drafts, _ := draft.NewStore(db, forms, ring, nil)
	// The notify package's outbox queues the receipt in the submit
	// transaction; here we only print the event.
	notifier := submission.NotifierFunc(func(_ context.Context, _ storage.Tx, e submission.Event) error {
		fmt.Println("notice:", e.Kind, e.Reference)
		return nil
	})
	received := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	pipe, _ := submission.NewPipeline(db, drafts, &submission.Options{Notifier: notifier, ReferencePrefix: "MBN",
		Now: func() time.Time { return received }})

	who := identity.Principal{Subject: identity.Subject{Scheme: identity.SchemePersonnummer, Value: "195001182046"},
		Assurance: identity.LoA3, Method: identity.MethodBankID, AuthTime: time.Now()}
	d, _ := drafts.Create(ctx, who, "anmalan", nil)

	_, err := pipe.Submit(ctx, who, d.ID, nil)
	fmt.Println(err)

	d, _ = drafts.Save(ctx, who, d.ID, draft.SaveParams{Revision: d.Revision,
		Values: form.Values{"beskrivning": form.String("Bergvärme, ring mig på 070-123 45 67.")}})
	r, err := pipe.Submit(ctx, who, d.ID, nil)
	fmt.Println(r.Reference, r.ReceivedAt.Format(time.RFC3339), err)
	fmt.Println("secrecy flags:", r.Flags) // the sender, and a phone number in free text
	fmt.Println("verified:", pipe.Verify(ctx, r.CaseID))
	// Output:
	// submission: the application is not complete: 1 problem(s)
	// notice: submitted MBN 2026/000001
	// MBN 2026/000001 2026-11-25T10:00:00Z <nil>
	// secrecy flags: 2
	// verified: <nil>
}
