package flowtest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/examples/forms"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/bankid"
	"github.com/etjanst/etjanst/identity/bankid/bankidtest"
	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/notify/notifytest"
	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/sqlitestore"
	"github.com/etjanst/etjanst/submission"
)

// Options configures an Env. A nil *Options means defaults.
type Options struct {
	// Forms are published instead of the example e-services of
	// examples/forms. Defaults to the examples.
	Forms []*form.Form
	// Start is the clock's initial time. Defaults to forms.SampleNow(),
	// noon UTC on the day the example answers are valid.
	Start time.Time
	// ReferencePrefix starts case references. Defaults to "ETJ".
	ReferencePrefix string
	// MaxAuthAge is how old a login may be to open or change a draft.
	// Defaults to 60 minutes, the draft package's default.
	MaxAuthAge time.Duration
	// DraftTTL is how long a draft is kept after its last save. Defaults
	// to 90 days, the draft package's default.
	DraftTTL time.Duration
	// Classifiers add secrecy flags beyond the built-in ones.
	Classifiers []submission.Classifier
	// Logger receives the library's records. Defaults to discarding them.
	Logger *slog.Logger
	// Driver is the database to run on, fresh for this test. Defaults to
	// SQLite in t.TempDir(); pass pgstoretest.Open(t, nil) to run the same
	// flows on PostgreSQL.
	Driver storage.Driver
}

// Env is a complete, isolated environment for one test: an SQLite
// database in t.TempDir, the registry with the e-services, the draft store
// with a fresh key ring, the submission pipeline and case handling, the
// BankID fake and its client, a StaticRepresentation and a recorder of the
// notices queued. Every component runs on Clock.
//
// The fields are the library objects themselves, for assertions the
// helpers do not cover. An Env is safe for concurrent use by the
// applicants of one test.
type Env struct {
	// Clock drives every component; advance it to age logins and drafts.
	Clock *Clock
	// DB is the storage driver.
	DB storage.Driver
	// Forms holds the published e-services.
	Forms *form.Registry
	// Drafts is the draft store.
	Drafts *draft.Store
	// Pipeline registers submissions.
	Pipeline *submission.Pipeline
	// Cases handles registered cases.
	Cases *submission.Cases
	// BankID is the fake BankID service; Login is the e-ID provider over
	// it.
	BankID *bankidtest.Server
	Login  identity.Provider
	// Representation decides mandates; see Grant.
	Representation *identity.StaticRepresentation
	// Notices records every case event the library queued for
	// notification, and queues the notices in the outbox.
	Notices *Notices
	// Outbox, Relay, Inbox and Contacts are the notify pipeline: notices
	// are queued in the case transactions and delivered by Deliver to the
	// in-app inbox, and to Sent for email and SMS.
	Outbox   *notify.Outbox
	Relay    *notify.Relay
	Inbox    *notify.Inbox
	Contacts *notify.Contacts
	// Sent records the email and SMS deliveries.
	Sent *notifytest.Recorder
}

// New starts an environment for t and closes it when t ends. It fails t
// when anything cannot be set up.
func New(t testing.TB, opts *Options) *Env {
	t.Helper()
	o := Options{}
	if opts != nil {
		o = *opts
	}
	if o.Start.IsZero() {
		o.Start = forms.SampleNow()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	ctx := context.Background()
	e := &Env{Clock: NewClock(o.Start), Sent: notifytest.NewRecorder()}
	now := e.Clock.Now

	db := o.Driver
	if db == nil {
		sdb, err := sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "etjanst.db"), &sqlitestore.Options{
			Synchronous: sqlitestore.SynchronousNormal, // a test needs no durability across power loss
			Logger:      o.Logger, Now: now,
		})
		require.NoError(t, err, "flowtest: open the database")
		t.Cleanup(func() { _ = sdb.Close() })
		db = sdb
	}
	e.DB = db

	e.Forms = form.NewRegistry(&form.RegistryOptions{Now: now})
	if o.Forms == nil {
		require.NoError(t, forms.Register(e.Forms), "flowtest: register the example e-services")
	}
	for _, f := range o.Forms {
		require.NoError(t, e.Forms.Register(f), "flowtest: register form %s", f.ID)
	}

	ownerKey, err := notify.HMACOwnerKey([]byte("flowtest-notify-owner-key-secret-32"))
	require.NoError(t, err)
	e.Inbox, err = notify.NewInbox(db, ownerKey, &notify.InboxOptions{Now: now})
	require.NoError(t, err)
	e.Contacts, err = notify.NewContacts(db, ownerKey, &notify.ContactsOptions{Now: now})
	require.NoError(t, err)
	e.Outbox, err = notify.NewOutbox(&notify.OutboxOptions{Now: now})
	require.NoError(t, err)
	e.Relay, err = notify.NewRelay(db, map[notify.Channel]notify.Sender{
		notify.ChannelInbox: e.Inbox, notify.ChannelEmail: e.Sent, notify.ChannelSMS: e.Sent,
	}, e.Contacts, &notify.RelayOptions{Now: now, Logger: o.Logger, Link: "https://e-tjanster.kommun.example/mina-sidor"})
	require.NoError(t, err)
	e.Notices = &Notices{outbox: e.Outbox}

	key, err := draft.GenerateKey("flowtest")
	require.NoError(t, err)
	ring, err := draft.NewKeyRing(bytes.Repeat([]byte("flowtest-pseudonym-key-"), 2), key)
	require.NoError(t, err)
	e.Drafts, err = draft.NewStore(db, e.Forms, ring, &draft.Options{
		Logger: o.Logger, Now: now, MaxAuthAge: o.MaxAuthAge, TTL: o.DraftTTL,
	})
	require.NoError(t, err, "flowtest: draft store")
	e.Pipeline, err = submission.NewPipeline(db, e.Drafts, &submission.Options{
		Notifier: e.Notices, Now: now, Logger: o.Logger,
		ReferencePrefix: o.ReferencePrefix, Classifiers: o.Classifiers,
	})
	require.NoError(t, err, "flowtest: submission pipeline")
	e.Cases, err = submission.NewCases(db, e.Drafts, e.Forms, &submission.CasesOptions{
		Notifier: e.Notices, Now: now, Logger: o.Logger, Classifiers: o.Classifiers,
	})
	require.NoError(t, err, "flowtest: case handling")

	e.BankID, err = bankidtest.NewServer(&bankidtest.Options{Now: now, Logger: o.Logger})
	require.NoError(t, err, "flowtest: BankID fake")
	t.Cleanup(e.BankID.Close)
	client, err := e.BankID.NewClient(&bankid.Options{Now: now, Logger: o.Logger})
	require.NoError(t, err)
	t.Cleanup(client.Close)
	e.Login, err = bankid.NewProvider(client, nil)
	require.NoError(t, err)
	e.Representation = identity.NewStaticRepresentation(&identity.StaticOptions{Now: now})
	return e
}

// Grant lets the person with personal number pnr act for the organisation
// orgnr (organisationsnummer, with or without hyphen) named name: a company,
// or an association for group 7, 8 and 9 numbers. The mandate is a
// signatory's with the given permissions (e-service IDs), or every
// permission when none are given.
func (e *Env) Grant(t testing.TB, pnr, orgnr, name string, permissions ...string) {
	t.Helper()
	person, err := identity.ParseSubject(identity.SchemePersonnummer, pnr)
	require.NoError(t, err, "flowtest: grant: personal number")
	org, err := identity.ParseSubject(identity.SchemeOrganisationsnummer, orgnr)
	require.NoError(t, err, "flowtest: grant: organisationsnummer")
	kind := identity.PartyCompany
	if g := org.Value[0]; g == '7' || g == '8' || g == '9' {
		kind = identity.PartyAssociation
	}
	if len(permissions) == 0 {
		permissions = []string{identity.PermissionAll}
	}
	require.NoError(t, e.Representation.Grant(person, identity.Party{
		Kind: kind, Subject: org, Name: name,
		Mandate: &identity.Mandate{Source: identity.MandateSignatory, Permissions: permissions},
	}), "flowtest: grant")
}

// Deliver runs the notice relay until the outbox is empty, as an
// application's background worker would, and returns what it did.
func (e *Env) Deliver(t testing.TB) notify.Stats {
	t.Helper()
	var total notify.Stats
	for range 100 {
		st, err := e.Relay.RunOnce(context.Background())
		require.NoError(t, err, "flowtest: deliver notices")
		total.Claimed += st.Claimed
		total.Sent += st.Sent
		total.Skipped += st.Skipped
		total.Retried += st.Retried
		total.Dead += st.Dead
		total.Released += st.Released
		if st.Claimed == 0 {
			return total
		}
	}
	t.Fatal("flowtest: the outbox does not drain")
	return total
}

// Verify fails t unless the registered case is untouched: its record,
// documents and attachments match their digests.
func (e *Env) Verify(t testing.TB, caseID string) {
	t.Helper()
	require.NoError(t, e.Pipeline.Verify(context.Background(), caseID), "flowtest: verify case %s", caseID)
}

// Clock is a settable clock shared by every component of an Env. It only
// moves when told to.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Notices is the submission.Notifier of an Env: it records the case events
// (receipts, acknowledgements, messages, ...) when they are queued, inside
// the transaction that records them, and queues the applicant's notices in
// the notify outbox through submission.OutboxNotifier. It is safe for
// concurrent use.
type Notices struct {
	outbox *notify.Outbox
	mu     sync.Mutex
	events []submission.Event
}

var _ submission.Notifier = (*Notices)(nil)

// Notify implements submission.Notifier.
func (n *Notices) Notify(ctx context.Context, tx storage.Tx, ev submission.Event) error {
	n.mu.Lock()
	n.events = append(n.events, ev)
	n.mu.Unlock()
	if n.outbox == nil {
		return nil
	}
	return submission.OutboxNotifier{Outbox: n.outbox}.Notify(ctx, tx, ev)
}

// Events returns the recorded events in order, optionally only those of
// the given kinds.
func (n *Notices) Events(kinds ...submission.EventKind) []submission.Event {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []submission.Event
	for _, ev := range n.events {
		if len(kinds) == 0 || contains(kinds, ev.Kind) {
			out = append(out, ev)
		}
	}
	return out
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// describe lists the problems of a validation error by step and field, in
// Swedish, for failure messages.
func describe(err error) string {
	var b bytes.Buffer
	ve, ok := asValidation(err)
	if !ok {
		return err.Error()
	}
	for _, fe := range ve.Fields {
		fmt.Fprintf(&b, "\n\t%s/%s: %s (%s)", fe.Step, fe.Field, fe.Code, fe.Message.SV)
	}
	return b.String()
}
