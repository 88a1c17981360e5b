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

// exampleStore opens a database in a temporary directory, with one form
// (a heat pump notification: one required description) and a draft store;
// done removes it all.
func exampleStore(ctx context.Context) (db *sqlitestore.DB, forms *form.Registry, drafts *draft.Store, done func()) {
	dir, _ := os.MkdirTemp("", "submission-example")
	db, _ = sqlitestore.Open(ctx, filepath.Join(dir, "etjanst.db"), &sqlitestore.Options{Logger: slog.New(slog.DiscardHandler)})
	forms = form.NewRegistry(nil)
	forms.MustRegister(&form.Form{ID: "anmalan", Version: 1, Title: form.T("Anmälan om värmepump", "Heat pump notification"),
		Audience: []form.Audience{form.AudiencePerson},
		Steps: []form.Step{{ID: "s", Title: form.T("Uppgifter", "Details"), Fields: []form.Field{
			{ID: "beskrivning", Type: form.TypeTextarea, Label: form.T("Beskrivning", "Description"), Required: true},
		}}}})
	key, _ := draft.GenerateKey("k1")
	ring, _ := draft.NewKeyRing(bytes.Repeat([]byte{1}, 32), key)
	drafts, _ = draft.NewStore(db, forms, ring, nil)
	return db, forms, drafts, func() { _ = db.Close(); _ = os.RemoveAll(dir) }
}

func ExamplePipeline_Submit() {
	ctx := context.Background()
	db, _, drafts, done := exampleStore(ctx)
	defer done()
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

// An officer (handläggare) reads an inbox a page at a time: Next continues
// where a page ended, and is empty on the last page.
func ExampleCases_InboxPage() {
	ctx := context.Background()
	db, forms, drafts, done := exampleStore(ctx)
	defer done()
	quiet := submission.NotifierFunc(func(context.Context, storage.Tx, submission.Event) error { return nil })
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	pipe, _ := submission.NewPipeline(db, drafts, &submission.Options{Notifier: quiet, ReferencePrefix: "MBN", Now: clock})
	cases, _ := submission.NewCases(db, drafts, forms, &submission.CasesOptions{Notifier: quiet, Now: clock})

	who := identity.Principal{Subject: identity.Subject{Scheme: identity.SchemePersonnummer, Value: "195001182046"},
		Assurance: identity.LoA3, Method: identity.MethodBankID, AuthTime: time.Now()}
	for range 3 {
		now = now.Add(time.Hour)
		d, _ := drafts.Create(ctx, who, "anmalan", nil)
		_, _ = drafts.Save(ctx, who, d.ID, draft.SaveParams{Revision: d.Revision, Values: form.Values{"beskrivning": form.String("Luft/vatten")}})
		_, _ = pipe.Submit(ctx, who, d.ID, nil)
	}

	officer := identity.Principal{Subject: identity.Subject{Scheme: identity.SchemeOfficer, Value: "anna"},
		Method: identity.MethodOfficer, Assurance: identity.LoA3, AuthTime: now,
		Roles: []identity.Role{{Name: identity.RoleOfficer, Services: []string{"anmalan"}}}}
	q := submission.InboxQuery{Limit: 2}
	for {
		page, err := cases.InboxPage(ctx, officer, "anmalan", q)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, c := range page.Cases {
			fmt.Println(c.Reference, c.ReceivedAt.Format("15:04"))
		}
		if page.Next == "" {
			break
		}
		fmt.Println("--")
		q.After = page.Next
	}
	// Output:
	// MBN 2026/000003 13:00
	// MBN 2026/000002 12:00
	// --
	// MBN 2026/000001 11:00
}
