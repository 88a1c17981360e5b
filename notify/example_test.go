package notify_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/notify/notifytest"
	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/sqlitestore"
)

// A receipt is queued in the transaction of the business write and
// delivered by the relay after commit: to the inbox, and by email because
// the applicant chose email on Mina sidor. The email carries the case
// reference and a link, never the officer's text.
func ExampleOutbox_EnqueueTx() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "notify-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	quiet := slog.New(slog.DiscardHandler)
	db, err := sqlitestore.Open(ctx, filepath.Join(dir, "etjanst.db"), &sqlitestore.Options{Logger: quiet})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	ownerKey, err := notify.HMACOwnerKey([]byte("a secret of at least thirty-two bytes!"))
	if err != nil {
		log.Fatal(err)
	}
	inbox, _ := notify.NewInbox(db, ownerKey, nil)
	contacts, _ := notify.NewContacts(db, ownerKey, nil)
	applicant, _ := identity.ParseSubject(identity.SchemePersonnummer, "19121212-1212")
	_ = contacts.Set(ctx, applicant, notify.Contact{Email: "tolvan@example.se", Channels: []notify.Channel{notify.ChannelEmail}})

	outbox, _ := notify.NewOutbox(nil)
	err = storage.WithTx(ctx, db, func(ctx context.Context, tx storage.Tx) error {
		// ... the business write (the case) goes here ...
		_, err := outbox.EnqueueTx(ctx, tx, notify.Message{
			Kind: notify.KindNewMessage, Recipient: applicant, CaseRef: "KS 2026/0042",
			Data:      map[string]string{notify.DataText: "Skicka gärna ritningen igen."},
			DedupeKey: "message/m-1",
		})
		return err
	})
	if err != nil {
		log.Fatal(err)
	}

	mail := notifytest.NewRecorder() // stands in for email.New(...)
	relay, err := notify.NewRelay(db, map[notify.Channel]notify.Sender{
		notify.ChannelInbox: inbox,
		notify.ChannelEmail: mail,
	}, contacts, &notify.RelayOptions{Link: "https://kommun.example/mina-sidor", Logger: quiet})
	if err != nil {
		log.Fatal(err)
	}
	st, err := relay.RunOnce(ctx)
	if err != nil {
		log.Fatal(err)
	}
	// The SMS row is acknowledged unsent: the applicant did not choose SMS.
	fmt.Printf("sent %d, skipped %d\n", st.Sent, st.Skipped)
	e := mail.Deliveries()[0]
	fmt.Println(e.Address, "|", e.Subject)
	fmt.Println(e.Text)
	// Output:
	// sent 2, skipped 1
	// tolvan@example.se | Nytt meddelande i ditt ärende KS 2026/0042
	// Hej!
	//
	// Du har fått ett nytt meddelande från handläggaren i ditt ärende KS 2026/0042.
	//
	// Logga in på Mina sidor för att läsa mer: https://kommun.example/mina-sidor
	//
	// Det här meddelandet går inte att svara på. Skicka inte personuppgifter eller uppgifter om ärendet till oss med e-post.
}

// Templates render email and SMS from public fields only: the data of a
// message reaches the inbox, never the other channels.
func ExampleTemplates_Render() {
	t := notify.DefaultTemplates()
	m := notify.Message{Kind: notify.KindComplementRequested, CaseRef: "KS 2026/0042",
		Data: map[string]string{notify.DataText: "Bifoga läkarintyget.", notify.DataDue: "2026-05-31"}}
	pub := notify.PublicData{Organisation: "Exempelkommun"}
	sms, _ := t.Render(notify.ChannelSMS, notify.English, m, pub)
	fmt.Println(sms.Text)
	inbox, _ := t.Render(notify.ChannelInbox, notify.Swedish, m, pub)
	fmt.Println(inbox.Subject)
	fmt.Println(inbox.Text)
	// Output:
	// Exempelkommun: The case officer needs more information for your case KS 2026/0042. Log in to My pages to read more.
	// Komplettering behövs i ditt ärende KS 2026/0042
	// Handläggaren behöver fler uppgifter i ärende KS 2026/0042, senast 2026-05-31:
	//
	// Bifoga läkarintyget.
}

// A relay runs until its context ends; Wake after a commit sends at once.
func ExampleRelay_Run() {
	dir, _ := os.MkdirTemp("", "notify-example")
	defer os.RemoveAll(dir)
	db, err := sqlitestore.Open(context.Background(), filepath.Join(dir, "etjanst.db"), &sqlitestore.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	relay, _ := notify.NewRelay(db, map[notify.Channel]notify.Sender{notify.ChannelInbox: notifytest.NewRecorder()}, nil, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err = relay.Run(ctx) // blocks; run it in its own goroutine in a server
	fmt.Println(err)
	// Output: context deadline exceeded
}
