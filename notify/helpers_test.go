package notify_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/identitytest"
	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/notify/notifytest"
	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/sqlitestore"
)

// quiet discards log output.
var quietLog = slog.New(slog.DiscardHandler)

// openDB opens a fresh migrated database in the test's temp dir.
func openDB(t testing.TB) *sqlitestore.DB {
	t.Helper()
	db, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "etjanst.db"),
		&sqlitestore.Options{Logger: quietLog, Synchronous: sqlitestore.SynchronousNormal})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2030, time.March, 4, 10, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// bundle is what one test works with.
type bundle struct {
	t        *testing.T
	ctx      context.Context
	db       *sqlitestore.DB
	clock    *clock
	ownerKey notify.OwnerKeyFunc
	inbox    *notify.Inbox
	contacts *notify.Contacts
	outbox   *notify.Outbox
	// Recorders for the email and SMS channels; inbox deliveries go to
	// the real Inbox (and are counted in inboxRec).
	email, sms, inboxRec *notifytest.Recorder
	anna, bo             identity.Subject
}

func setup(t *testing.T) *bundle {
	t.Helper()
	t.Parallel()
	b := &bundle{t: t, ctx: t.Context(), db: openDB(t), clock: newClock(),
		email: notifytest.NewRecorder(), sms: notifytest.NewRecorder(), inboxRec: notifytest.NewRecorder()}
	var err error
	b.ownerKey, err = notify.HMACOwnerKey([]byte("0123456789abcdef0123456789abcdef"))
	require.NoError(t, err)
	b.inbox, err = notify.NewInbox(b.db, b.ownerKey, &notify.InboxOptions{Now: b.clock.Now})
	require.NoError(t, err)
	b.contacts, err = notify.NewContacts(b.db, b.ownerKey, &notify.ContactsOptions{Now: b.clock.Now})
	require.NoError(t, err)
	b.outbox, err = notify.NewOutbox(&notify.OutboxOptions{Now: b.clock.Now})
	require.NoError(t, err)
	b.anna = identitytest.Citizen(t, b.clock.Now()).Subject
	b.bo = identitytest.Person(t, identitytest.OtherPNR, b.clock.Now()).Subject
	return b
}

// senders returns the bundle's senders: the real inbox (recorded too) and
// the email and SMS recorders.
func (b *bundle) senders() map[notify.Channel]notify.Sender {
	return map[notify.Channel]notify.Sender{
		notify.ChannelInbox: notify.SenderFunc(func(ctx context.Context, d notify.Delivery) error {
			if err := b.inboxRec.Send(ctx, d); err != nil {
				return err
			}
			return b.inbox.Send(ctx, d)
		}),
		notify.ChannelEmail: b.email,
		notify.ChannelSMS:   b.sms,
	}
}

// relay returns a relay on the bundle's clock with a fixed jitter of one
// half (the wait is then 3/4 of the nominal backoff), letting mod adjust
// the options.
func (b *bundle) relay(mod func(*notify.RelayOptions)) *notify.Relay {
	b.t.Helper()
	o := &notify.RelayOptions{
		Worker: "relay-test", Now: b.clock.Now, Rand: func() float64 { return 0.5 }, Logger: quietLog,
		Link: "https://kommun.example/mina-sidor", Organisation: "Exempelkommun",
	}
	if mod != nil {
		mod(o)
	}
	r, err := notify.NewRelay(b.db, b.senders(), b.contacts, o)
	require.NoError(b.t, err)
	return r
}

// wantsAll stores contact details choosing email and SMS for who.
func (b *bundle) wantsAll(who identity.Subject, email string) {
	b.t.Helper()
	require.NoError(b.t, b.contacts.Set(b.ctx, who, notify.Contact{
		Email: email, Phone: "070-123 45 67", Channels: []notify.Channel{notify.ChannelEmail, notify.ChannelSMS},
	}))
}

// enqueue queues msgs in a committed transaction.
func (b *bundle) enqueue(msgs ...notify.Message) notify.EnqueueResult {
	b.t.Helper()
	var res notify.EnqueueResult
	require.NoError(b.t, storage.WithTx(b.ctx, b.db, func(ctx context.Context, tx storage.Tx) error {
		var err error
		res, err = b.outbox.EnqueueTx(ctx, tx, msgs...)
		return err
	}))
	return res
}

// receipt is a receipt message for who about case ref.
func receipt(who identity.Subject, ref string) notify.Message {
	return notify.Message{Kind: notify.KindReceipt, Recipient: who, CaseRef: ref, DedupeKey: "receipt/" + ref}
}

// runOnce runs one relay round that must not fail.
func runOnce(t *testing.T, r *notify.Relay) notify.Stats {
	t.Helper()
	st, err := r.RunOnce(t.Context())
	require.NoError(t, err)
	return st
}

// identityPrincipal is anna logged in now.
func identityPrincipal(t *testing.T, b *bundle) identity.Principal {
	t.Helper()
	return identitytest.Citizen(t, b.clock.Now())
}
