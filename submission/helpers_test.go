package submission_test

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/pgstore"
	"github.com/etjanst/etjanst/storage/pgstore/pgstoretest"
	"github.com/etjanst/etjanst/storage/sqlitestore"
	"github.com/etjanst/etjanst/submission"
)

const (
	pnrA = "195001182046"
	pnrB = "195001232296"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// recorder is a Notifier that remembers what it was asked to queue.
type recorder struct {
	mu   sync.Mutex
	regs []submission.Event
	fail error
}

func (r *recorder) Notify(_ context.Context, _ storage.Tx, reg submission.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.regs = append(r.regs, reg)
	return nil
}

type bundle struct {
	ctx    context.Context
	db     storage.Driver
	path   string // the SQLite file, when the bundle runs on SQLite
	reg    *form.Registry
	drafts *draft.Store
	pipe   *submission.Pipeline
	clock  *clock
	notes  *recorder
	ring   *draft.KeyRing
}

func setup(t testing.TB) *bundle {
	t.Helper()
	path := filepath.Join(t.TempDir(), "etjanst.db")
	db, err := sqlitestore.Open(context.Background(), path, &sqlitestore.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	b := setupOn(t, db)
	b.path = path
	return b
}

// setupOn builds the bundle over any driver.
func setupOn(t testing.TB, db storage.Driver) *bundle {
	t.Helper()
	ctx := context.Background()
	c := &clock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	reg := form.NewRegistry(&form.RegistryOptions{Now: c.Now})
	require.NoError(t, reg.Register(testForm()))
	k, err := draft.GenerateKey("k1")
	require.NoError(t, err)
	ring, err := draft.NewKeyRing(bytes.Repeat([]byte{9}, 32), k)
	require.NoError(t, err)
	drafts, err := draft.NewStore(db, reg, ring, &draft.Options{Now: c.Now, MaxAuthAge: 24 * time.Hour})
	require.NoError(t, err)
	notes := &recorder{}
	pipe, err := submission.NewPipeline(db, drafts, &submission.Options{Notifier: notes, Now: c.Now, ReferencePrefix: "KS"})
	require.NoError(t, err)
	return &bundle{ctx: ctx, db: db, reg: reg, drafts: drafts, pipe: pipe, clock: c, notes: notes, ring: ring}
}

// instance returns another app instance over the same database: a draft
// store (with draft.Options.CacheBytes cacheBytes) and a pipeline of their
// own, with the same keys, forms and clock.
func (b *bundle) instance(t testing.TB, cacheBytes int) (*draft.Store, *submission.Pipeline) {
	t.Helper()
	drafts, err := draft.NewStore(b.db, b.reg, b.ring, &draft.Options{Now: b.clock.Now, MaxAuthAge: 24 * time.Hour, CacheBytes: cacheBytes})
	require.NoError(t, err)
	pipe, err := submission.NewPipeline(b.db, drafts, &submission.Options{Notifier: b.notes, Now: b.clock.Now, ReferencePrefix: "KS"})
	require.NoError(t, err)
	return drafts, pipe
}

func (b *bundle) person(pnr string) identity.Principal {
	return identity.Principal{
		Subject:   identity.Subject{Scheme: identity.SchemePersonnummer, Value: pnr},
		GivenName: "Tolvan", FamilyName: "Tolvansson",
		Assurance: identity.LoA3, Method: identity.MethodBankID, AuthTime: b.clock.Now(),
	}
}

func opt(v string) form.Option { return form.Option{Value: v, Label: form.T(v, v)} }

// testForm: a person's application with health data, a file, a step
// shown only for role "forare" and a soft-required phone number.
func testForm() *form.Form {
	return &form.Form{
		ID: "parkering", Version: 1, Title: form.T("Parkeringstillstånd", "Parking permit"),
		Audience: []form.Audience{form.AudiencePerson, form.AudienceCompany},
		Steps: []form.Step{
			{ID: "sokande", Title: form.T("Sökande", "Applicant"), Fields: []form.Field{
				{ID: "namn", Type: form.TypeText, Label: form.T("Namn", "Name"), Required: true, Prefill: form.PrefillFullName,
					Sensitivity: &form.Sensitivity{Kind: form.SensitivityName}},
				{ID: "pnr", Type: form.TypePersonnummer, Label: form.T("Personnummer", "Personal number"), Required: true, Prefill: form.PrefillPersonnummer},
				{ID: "telefon", Type: form.TypePhone, Label: form.T("Telefon", "Phone"), SoftRequired: true},
				{ID: "roll", Type: form.TypeChoice, Label: form.T("Roll", "Role"), Required: true, Options: []form.Option{opt("forare"), opt("passagerare")}},
			}},
			{ID: "korkort", Title: form.T("Körkort", "Driving licence"), Condition: &form.Condition{Field: "roll", Op: form.OpEquals, Value: "forare"},
				Fields: []form.Field{{ID: "korkortsnummer", Type: form.TypeText, Label: form.T("Körkortsnummer", "Licence number"), Required: true}}},
			{ID: "halsa", Title: form.T("Hälsa", "Health"), Fields: []form.Field{
				{ID: "diagnos", Type: form.TypeTextarea, Label: form.T("Diagnos", "Diagnosis"), Required: true,
					Sensitivity: &form.Sensitivity{Kind: form.SensitivityHealth, Article9: true, OSL: []string{"25:1", "21:1"}}},
				{ID: "ovrigt", Type: form.TypeTextarea, Label: form.T("Övrigt", "Other")},
				{ID: "intyg", Type: form.TypeFile, Label: form.T("Läkarintyg", "Certificate"), Accept: []string{"application/pdf"}},
			}},
		},
	}
}

var pdf = []byte("%PDF-1.7\nintyg\n%%EOF")

// complete creates and fills a complete draft for who.
func (b *bundle) complete(t testing.TB, who identity.Principal, role string) *draft.Draft {
	t.Helper()
	d, err := b.drafts.Create(b.ctx, who, "parkering", nil)
	require.NoError(t, err)
	v := d.Values.Clone()
	v["roll"] = form.String(role)
	v["korkortsnummer"] = form.String("K-123456")
	v["diagnos"] = form.String("Reumatism")
	d, err = b.drafts.Save(b.ctx, who, d.ID, draft.SaveParams{Revision: d.Revision, Values: v})
	require.NoError(t, err)
	d, _, err = b.drafts.Attach(b.ctx, who, d.ID, draft.AttachParams{Revision: d.Revision, Field: "intyg", Name: "intyg.pdf", Data: pdf})
	require.NoError(t, err)
	return d
}

// submitted creates, fills and submits a complete draft for who (role
// "forare", with its certificate) and returns the receipt.
func (b *bundle) submitted(t testing.TB, who identity.Principal) *submission.Receipt {
	t.Helper()
	r, err := b.pipe.Submit(b.ctx, who, b.complete(t, who, "forare").ID, nil)
	require.NoError(t, err)
	return r
}

// raw opens the bundle's database without the driver, for tests that
// tamper with it: the SQLite file, or the PostgreSQL schema (through pgx's
// database/sql adapter).
func raw(t *testing.T, b *bundle) *sql.DB {
	t.Helper()
	if pg, ok := b.db.(*pgstore.DB); ok {
		pool, err := pgstore.OpenRaw(b.ctx, pgstoretest.DSN(t), &pgstore.Options{Schema: pg.Schema()})
		require.NoError(t, err)
		db := stdlib.OpenDBFromPool(pool)
		t.Cleanup(func() { _ = db.Close(); pool.Close() })
		return db
	}
	db, err := sqlitestore.OpenRaw(b.ctx, b.path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// backends are the storage backends tests run on: SQLite always,
// PostgreSQL when pgstoretest.DSNEnv is set (the subtest skips otherwise).
var backends = []struct {
	name  string
	setup func(t *testing.T) *bundle
}{
	{"sqlite", func(t *testing.T) *bundle { return setup(t) }},
	{"postgres", func(t *testing.T) *bundle { return setupOn(t, pgstoretest.Open(t, nil)) }},
}
