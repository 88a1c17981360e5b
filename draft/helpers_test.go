package draft_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/sqlitestore"
)

// Skatteverket test personnummer (testdata/skatteverket) and a test orgnr.
const (
	pnrA  = "195001182046"
	pnrB  = "195001232296"
	orgX  = "5560160680"
	nameA = "Tolvan Tolvansson"
)

// clock is an injectable, advanceable clock.
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

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

type bundle struct {
	ctx    context.Context
	store  *draft.Store
	db     storage.Driver
	sqlite *sqlitestore.DB // when the bundle runs on SQLite
	path   string
	reg    *form.Registry
	clock  *clock
	keys   *draft.KeyRing
	key    draft.Key // the active key of keys
	logs   *syncBuffer
	opts   *draft.Options
}

func testKeys(t testing.TB, ids ...string) (*draft.KeyRing, []draft.Key) {
	t.Helper()
	var keys []draft.Key
	for _, id := range ids {
		k, err := draft.GenerateKey(id)
		require.NoError(t, err)
		keys = append(keys, k)
	}
	r, err := draft.NewKeyRing(bytes.Repeat([]byte{7}, 32), keys[0], keys[1:]...)
	require.NoError(t, err)
	return r, keys
}

func setup(t testing.TB) *bundle {
	t.Helper()
	path := filepath.Join(t.TempDir(), "etjanst.db")
	db, err := sqlitestore.Open(context.Background(), path, &sqlitestore.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	b := setupOn(t, db)
	b.sqlite, b.path = db, path
	return b
}

// setupOn builds the bundle over any driver.
func setupOn(t testing.TB, db storage.Driver) *bundle {
	t.Helper()
	ctx := context.Background()
	c := &clock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	var err error
	reg := form.NewRegistry(&form.RegistryOptions{Now: c.Now})
	require.NoError(t, reg.Register(testForm(1)))
	logs := &syncBuffer{}
	ring, keys := testKeys(t, "k1")
	b := &bundle{ctx: ctx, db: db, reg: reg, clock: c, keys: ring, key: keys[0], logs: logs}
	b.opts = &draft.Options{Now: c.Now, Logger: slog.New(slog.NewTextHandler(logs, nil)), MaxAttachments: 3}
	b.store, err = draft.NewStore(db, reg, b.keys, b.opts)
	require.NoError(t, err)
	return b
}

func (b *bundle) person(pnr string) identity.Principal {
	return identity.Principal{
		Subject:   identity.Subject{Scheme: identity.SchemePersonnummer, Value: pnr},
		GivenName: "Tolvan", FamilyName: "Tolvansson",
		Assurance: identity.LoA3, Method: identity.MethodBankID, AuthTime: b.clock.Now(),
	}
}

func (b *bundle) forOrg(p identity.Principal, org string) identity.Principal {
	p.Party = identity.Party{Kind: identity.PartyCompany, Subject: identity.Subject{Scheme: identity.SchemeOrganisationsnummer, Value: org},
		Name: "Testbolaget AB", Mandate: &identity.Mandate{Source: identity.MandateSignatory, CheckedAt: b.clock.Now()}}
	return p
}

func (b *bundle) officer() identity.Principal {
	return identity.Principal{
		Subject:   identity.Subject{Scheme: identity.SchemeOfficer, Value: "anna.handlaggare"},
		Assurance: identity.LoA3, Method: identity.MethodOfficer, AuthTime: b.clock.Now(),
		Roles: []identity.Role{{Name: identity.RoleOfficer, Services: []string{"*"}}},
	}
}

func opt(v string) form.Option { return form.Option{Value: v, Label: form.T(v, v)} }

// testForm is a small e-service open to persons and companies.
func testForm(version int) *form.Form {
	return &form.Form{
		ID: "ansokan", Version: version, Title: form.T("Ansökan", "Application"),
		Audience: []form.Audience{form.AudiencePerson, form.AudienceCompany},
		Steps: []form.Step{
			{ID: "sokande", Title: form.T("Sökande", "Applicant"), Fields: []form.Field{
				{ID: "namn", Type: form.TypeText, Label: form.T("Namn", "Name"), Required: true, Prefill: form.PrefillFullName,
					Sensitivity: &form.Sensitivity{Kind: form.SensitivityName}},
				{ID: "pnr", Type: form.TypePersonnummer, Label: form.T("Personnummer", "Personal number"), Required: true,
					Prefill: form.PrefillPersonnummer, Sensitivity: &form.Sensitivity{Kind: form.SensitivityIdentityNumber}},
				{ID: "typ", Type: form.TypeChoice, Label: form.T("Typ", "Type"), Options: []form.Option{opt("a"), opt("b"), opt("c")}},
				{ID: "antal", Type: form.TypeInteger, Label: form.T("Antal", "Count"), Max: "100"},
			}},
			{ID: "halsa", Title: form.T("Hälsa", "Health"), Fields: []form.Field{
				{ID: "diagnos", Type: form.TypeTextarea, Label: form.T("Diagnos", "Diagnosis"), MaxLength: 20000,
					Sensitivity: &form.Sensitivity{Kind: form.SensitivityHealth, Article9: true, OSL: []string{"25:1"}}},
				{ID: "intyg", Type: form.TypeFile, Label: form.T("Intyg", "Certificate"), Accept: []string{"application/pdf", "image/png"}, MaxFiles: 5},
			}},
			{ID: "barn", Title: form.T("Barn", "Children"), Fields: []form.Field{
				{ID: "barnen", Type: form.TypeGroup, Label: form.T("Barn", "Children"), Fields: []form.Field{
					{ID: "barnnamn", Type: form.TypeText, Label: form.T("Namn", "Name")},
					{ID: "alder", Type: form.TypeInteger, Label: form.T("Ålder", "Age")},
				}},
			}},
		},
	}
}

var pdf = []byte("%PDF-1.7\nunique-attachment-bytes-0123456789\n%%EOF")
