package submission_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

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

func TestSubmitComplete(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d := b.complete(t, a, "forare")
	ev := &identity.Evidence{Method: "bankid", Provider: "bankidtest", Ref: "order-1", Signature: []byte("sig")}
	r, err := b.pipe.Submit(b.ctx, a, d.ID, &submission.SubmitOptions{Evidence: ev})
	require.NoError(t, err)
	require.Equal(t, "KS 2026/000001", r.Reference)
	require.Equal(t, b.clock.Now(), r.ReceivedAt)
	require.Equal(t, 1, r.Attachments)
	require.False(t, r.Duplicate)
	require.Len(t, r.Digest, 64)
	require.Equal(t, []string{"telefon"}, fieldsOf(r.Warnings), "soft-required gap recorded, not blocking")

	require.NoError(t, b.pipe.Verify(b.ctx, r.CaseID))
	require.NoError(t, submission.VerifyAuditLog(b.ctx, b.db, r.CaseID))

	_, err = b.drafts.Get(b.ctx, a, d.ID)
	require.ErrorIs(t, err, draft.ErrNotFound, "the draft is gone")

	c, err := b.db.CaseGet(b.ctx, &storage.CaseGetParams{ID: r.CaseID})
	require.NoError(t, err)
	require.Equal(t, submission.StatusSubmitted, c.Status)
	rec, err := submission.DecodeRecord(c.Record)
	require.NoError(t, err)
	require.Equal(t, "Parkeringstillstånd", rec.SubjectLine)
	require.Equal(t, a.Subject, rec.Sender.Subject)
	require.Equal(t, "order-1", rec.Evidence.Provider.Ref)
	require.Equal(t, []string{"telefon"}, rec.SoftMissing)
	require.Len(t, rec.Attachments, 1)
	require.Equal(t, "intyg.pdf", rec.Attachments[0].Name)
	docs, err := b.db.DocumentList(b.ctx, &storage.DocumentListParams{CaseID: r.CaseID, WithContent: true})
	require.NoError(t, err)
	require.Len(t, docs, 2)
	require.Equal(t, rec.Document, docs[0].ID)
	var values map[string]any
	require.NoError(t, json.Unmarshal(docs[0].Content, &values))
	require.Equal(t, "K-123456", values["korkortsnummer"])
	require.Equal(t, hex.EncodeToString(docs[0].Digest), rec.ValuesDigest)
	require.Equal(t, pdf, docs[1].Content)

	flags, err := b.db.FlagList(b.ctx, &storage.FlagListParams{CaseID: r.CaseID})
	require.NoError(t, err)
	got := map[string]string{}
	for _, f := range flags {
		got[f.Path] = f.Reason
		if f.Path == "diagnos" {
			require.Equal(t, []string{"25:1", "21:1"}, f.OSL)
			require.True(t, f.Article9)
		}
	}
	require.Equal(t, map[string]string{"sender": "sender", "namn": "field", "pnr": "fieldType", "diagnos": "field",
		"attachment:" + rec.Attachments[0].ID: "attachment"}, got)

	require.Len(t, b.notes.regs, 1)
	require.Equal(t, r.Reference, b.notes.regs[0].Reference)
	require.Equal(t, a.Subject, b.notes.regs[0].Applicant)
}

func fieldsOf(fes []form.FieldError) []string {
	var out []string
	for _, f := range fes {
		out = append(out, f.Field)
	}
	return out
}

func TestSubmitIncompleteKeepsTheDraft(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d, err := b.drafts.Create(b.ctx, a, "parkering", nil)
	require.NoError(t, err)
	v := d.Values.Clone()
	v["roll"] = form.String("forare")
	d, err = b.drafts.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Values: v})
	require.NoError(t, err)

	_, err = b.pipe.Submit(b.ctx, a, d.ID, nil)
	require.ErrorIs(t, err, submission.ErrIncomplete)
	var ie *submission.IncompleteError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, map[string][]string{"korkort": {"korkortsnummer"}, "halsa": {"diagnos"}}, byStep(ie))
	var ve *form.ValidationError
	require.ErrorAs(t, err, &ve)
	_, err = b.drafts.Get(b.ctx, a, d.ID)
	require.NoError(t, err, "the draft is kept")
	require.Empty(t, b.notes.regs)
}

func byStep(ie *submission.IncompleteError) map[string][]string {
	out := map[string][]string{}
	for step, fes := range ie.ByStep() {
		out[step] = fieldsOf(fes)
	}
	return out
}

func TestHiddenStepIsNotSubmitted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d := b.complete(t, a, "passagerare") // the licence step is hidden
	r, err := b.pipe.Submit(b.ctx, a, d.ID, nil)
	require.NoError(t, err)
	docs, err := b.db.DocumentList(b.ctx, &storage.DocumentListParams{CaseID: r.CaseID, WithContent: true})
	require.NoError(t, err)
	for _, d := range docs {
		require.NotContains(t, string(d.Content), "K-123456")
		require.NotContains(t, string(d.Content), "korkortsnummer")
	}
}

func TestSubmitIsIdempotent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d := b.complete(t, a, "forare")
	first, err := b.pipe.Submit(b.ctx, a, d.ID, &submission.SubmitOptions{IdempotencyKey: "k-1"})
	require.NoError(t, err)
	again, err := b.pipe.Submit(b.ctx, a, d.ID, nil)
	require.NoError(t, err)
	require.True(t, again.Duplicate)
	require.Equal(t, first.Reference, again.Reference)
	require.Equal(t, first.Digest, again.Digest)

	other := b.complete(t, a, "forare")
	byKey, err := b.pipe.Submit(b.ctx, a, other.ID, &submission.SubmitOptions{IdempotencyKey: "k-1"})
	require.NoError(t, err)
	require.True(t, byKey.Duplicate)
	require.Equal(t, first.CaseID, byKey.CaseID)
	_, err = b.drafts.Get(b.ctx, a, other.ID)
	require.NoError(t, err, "a retried key does not consume another draft")
	require.Len(t, b.notes.regs, 1, "one receipt")

	// Someone else retrying the draft ID learns nothing.
	_, err = b.pipe.Submit(b.ctx, b.person(pnrB), d.ID, nil)
	require.ErrorIs(t, err, submission.ErrNotFound)
}

func TestConcurrentSubmitsOfOneDraft(t *testing.T) {
	t.Parallel()
	t.Run("one writer", func(t *testing.T) { concurrentSubmitsOfOneDraft(t, setup(t)) })
	t.Run("group commit", func(t *testing.T) {
		db, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "group.db"),
			&sqlitestore.Options{Logger: slog.New(slog.DiscardHandler), GroupCommit: 8})
		require.NoError(t, err)
		t.Cleanup(func() { _ = db.Close() })
		concurrentSubmitsOfOneDraft(t, setupOn(t, db))
	})
}

// concurrentSubmitsOfOneDraft: a double-clicked submit returns the one
// case to every click.
func concurrentSubmitsOfOneDraft(t *testing.T, b *bundle) {
	a := b.person(pnrA)
	d := b.complete(t, a, "forare")
	var wg sync.WaitGroup
	refs := make([]string, 6)
	errs := make([]error, 6)
	for i := range refs {
		wg.Go(func() {
			r, err := b.pipe.Submit(b.ctx, a, d.ID, nil)
			errs[i] = err
			if err == nil {
				refs[i] = r.Reference
			}
		})
	}
	wg.Wait()
	for i := range refs {
		require.NoError(t, errs[i])
		require.Equal(t, refs[0], refs[i], "every submit returns the one case")
	}
	require.Len(t, b.notes.regs, 1)
}

func TestAnotherPersonsDraft(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d := b.complete(t, a, "forare")
	officer := identity.Principal{Subject: identity.Subject{Scheme: identity.SchemeOfficer, Value: "anna"},
		Method: identity.MethodOfficer, AuthTime: b.clock.Now(), Assurance: identity.LoA3,
		Roles: []identity.Role{{Name: identity.RoleOfficer, Services: []string{"*"}}}}
	for _, who := range []identity.Principal{b.person(pnrB), officer} {
		_, err := b.pipe.Submit(b.ctx, who, d.ID, nil)
		require.ErrorIs(t, err, submission.ErrNotFound)
	}
	_, err := b.drafts.Get(b.ctx, a, d.ID)
	require.NoError(t, err)
}

func TestAllOrNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d := b.complete(t, a, "forare")
	b.notes.fail = errors.New("outbox unavailable")
	_, err := b.pipe.Submit(b.ctx, a, d.ID, nil)
	require.Error(t, err)
	_, err = b.drafts.Get(b.ctx, a, d.ID)
	require.NoError(t, err, "the draft survives a failed submit")
	var n int
	db := raw(t, b)
	for _, table := range []string{"cases", "case_documents", "secrecy_flags", "audit_log", "reference_sequences"} {
		require.NoError(t, db.QueryRow("SELECT count(*) FROM "+table).Scan(&n))
		require.Zero(t, n, table)
	}
	b.notes.fail = nil
	r, err := b.pipe.Submit(b.ctx, a, d.ID, nil)
	require.NoError(t, err)
	require.Equal(t, "KS 2026/000001", r.Reference, "the failed submit consumed no number")
}

func TestReferencesAreGapFreeUnderConcurrency(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const n = 12
	drafts := make([]*draft.Draft, n)
	whos := make([]identity.Principal, n)
	for i := range n {
		whos[i] = b.person([]string{pnrA, pnrB}[i%2])
		drafts[i] = b.complete(t, whos[i], "passagerare")
	}
	var wg sync.WaitGroup
	refs := make([]string, n)
	for i := range n {
		wg.Go(func() {
			r, err := b.pipe.Submit(b.ctx, whos[i], drafts[i].ID, nil)
			if err == nil {
				refs[i] = r.Reference
			}
		})
	}
	wg.Wait()
	sort.Strings(refs)
	for i, ref := range refs {
		require.Equal(t, fmt.Sprintf("KS 2026/%06d", i+1), ref)
	}
	// A new year starts a new sequence.
	b.clock.Add(40 * 24 * 3600 * 1e9)
	a := b.person(pnrA)
	r, err := b.pipe.Submit(b.ctx, a, b.complete(t, a, "passagerare").ID, nil)
	require.NoError(t, err)
	require.Equal(t, "KS 2027/000001", r.Reference)
}

func TestProtectedIdentityFlagsTheWholeRecord(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	a.Protected = true
	d := b.complete(t, a, "passagerare")
	r, err := b.pipe.Submit(b.ctx, a, d.ID, nil)
	require.NoError(t, err)
	flags, err := b.db.FlagList(b.ctx, &storage.FlagListParams{CaseID: r.CaseID})
	require.NoError(t, err)
	require.Equal(t, "*", flags[0].Path)
	require.Equal(t, "protectedIdentity", flags[0].Reason)
	require.Equal(t, []string{"21:3"}, flags[0].OSL)
}

func TestFreeTextIsClassified(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d := b.complete(t, a, "passagerare")
	v := d.Values.Clone()
	v["ovrigt"] = form.String("Min sambo 19121212-1212 nås på sambo@example.se eller 070-123 45 67. Faktura 1234567890.")
	d, err := b.drafts.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Values: v})
	require.NoError(t, err)
	r, err := b.pipe.Submit(b.ctx, a, d.ID, nil)
	require.NoError(t, err)
	flags, err := b.db.FlagList(b.ctx, &storage.FlagListParams{CaseID: r.CaseID})
	require.NoError(t, err)
	var reasons []string
	for _, f := range flags {
		if f.Path == "ovrigt" {
			reasons = append(reasons, f.Reason)
		}
	}
	require.Equal(t, []string{"freeText:personnummer", "freeText:email", "freeText:phone"}, reasons)
}

// TestSubmitAfterAnotherInstanceChangedTheDraft: an app instance submits a
// draft it saved itself (and holds in its draft store's cache, unless that
// keeps no payloads) after another instance over the same database changed
// it: the case registers the draft as stored then, never the older copy,
// and a failed submit leaves the stored draft alone.
func TestSubmitAfterAnotherInstanceChangedTheDraft(t *testing.T) {
	t.Parallel()
	type other struct {
		drafts *draft.Store
		pipe   *submission.Pipeline
	}
	save := func(t *testing.T, b *bundle, o other, d *draft.Draft, diagnos string) {
		v := d.Values.Clone()
		if diagnos == "" {
			delete(v, "diagnos")
		} else {
			v["diagnos"] = form.String(diagnos)
		}
		_, err := o.drafts.Save(b.ctx, b.person(pnrA), d.ID, draft.SaveParams{Revision: d.Revision, Values: v})
		require.NoError(t, err)
	}
	for _, tc := range []struct {
		name            string
		savedDiagnos    string // what this instance saved ("": nothing, incomplete)
		change          func(t *testing.T, b *bundle, o other, d *draft.Draft)
		wantErr         error
		wantStored      error // of the other instance's Get after a failed submit
		wantDiagnos     string
		wantAttachments int
		wantDuplicate   bool
		wantFormVersion int
	}{
		{name: "unchanged", savedDiagnos: "Reumatism", wantDiagnos: "Reumatism",
			change: func(*testing.T, *bundle, other, *draft.Draft) {}},
		{name: "saved elsewhere", savedDiagnos: "Reumatism", wantDiagnos: "Astma",
			change: func(t *testing.T, b *bundle, o other, d *draft.Draft) { save(t, b, o, d, "Astma") }},
		{name: "completed elsewhere", savedDiagnos: "", wantDiagnos: "Astma",
			change: func(t *testing.T, b *bundle, o other, d *draft.Draft) { save(t, b, o, d, "Astma") }},
		{name: "attached elsewhere", savedDiagnos: "Reumatism", wantDiagnos: "Reumatism", wantAttachments: 1,
			change: func(t *testing.T, b *bundle, o other, d *draft.Draft) {
				_, _, err := o.drafts.Attach(b.ctx, b.person(pnrA), d.ID, draft.AttachParams{Revision: d.Revision, Field: "intyg", Name: "intyg.pdf", Data: pdf})
				require.NoError(t, err)
			}},
		{name: "migrated elsewhere", savedDiagnos: "Reumatism", wantDiagnos: "Reumatism", wantFormVersion: 2,
			change: func(t *testing.T, b *bundle, o other, d *draft.Draft) {
				v2 := testForm()
				v2.Version = 2
				require.NoError(t, b.reg.Register(v2))
				b.clock.Add(31 * 24 * time.Hour) // past the migration deadline of version 1
				_, err := o.drafts.Migrate(b.ctx, b.person(pnrA), d.ID, d.Revision)
				require.NoError(t, err)
			}},
		{name: "submitted elsewhere", savedDiagnos: "Reumatism", wantDiagnos: "Reumatism", wantDuplicate: true,
			change: func(t *testing.T, b *bundle, o other, d *draft.Draft) {
				_, err := o.pipe.Submit(b.ctx, b.person(pnrA), d.ID, nil)
				require.NoError(t, err)
			}},
		{name: "past its migration deadline", savedDiagnos: "Reumatism", wantErr: draft.ErrMigrationRequired,
			change: func(t *testing.T, b *bundle, _ other, _ *draft.Draft) {
				v2 := testForm()
				v2.Version = 2
				require.NoError(t, b.reg.Register(v2))
				b.clock.Add(31 * 24 * time.Hour)
			}},
		{name: "made incomplete elsewhere", savedDiagnos: "Reumatism", wantErr: submission.ErrIncomplete,
			change: func(t *testing.T, b *bundle, o other, d *draft.Draft) { save(t, b, o, d, "") }},
		{name: "tampered with in the database", savedDiagnos: "Reumatism", wantErr: draft.ErrTampered, wantStored: draft.ErrTampered,
			change: func(t *testing.T, b *bundle, _ other, d *draft.Draft) { flipLastPayloadByte(t, b, d.ID) }},
		{name: "deleted elsewhere", savedDiagnos: "Reumatism", wantErr: submission.ErrNotFound, wantStored: draft.ErrNotFound,
			change: func(t *testing.T, b *bundle, o other, d *draft.Draft) {
				require.NoError(t, o.drafts.Delete(b.ctx, b.person(pnrA), d.ID))
			}},
	} {
		for _, run := range []struct {
			backend string
			cache   int // draft.Options.CacheBytes: the default, no payloads
		}{{"sqlite", 0}, {"sqlite", -1}, {"postgres", 0}, {"postgres", -1}} {
			t.Run(fmt.Sprintf("%s/%s/CacheBytes=%d", tc.name, run.backend, run.cache), func(t *testing.T) {
				t.Parallel()
				cache := run.cache
				var b *bundle
				if run.backend == "sqlite" {
					b = setup(t)
				} else {
					b = setupOn(t, pgstoretest.Open(t, nil))
				}
				mine, pipe := b.instance(t, cache)
				var o other
				o.drafts, o.pipe = b.instance(t, 0)
				a := b.person(pnrA)
				d, err := mine.Create(b.ctx, a, "parkering", nil)
				require.NoError(t, err)
				v := d.Values.Clone()
				v["roll"] = form.String("passagerare")
				if tc.savedDiagnos != "" {
					v["diagnos"] = form.String(tc.savedDiagnos)
				}
				d, err = mine.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Values: v})
				require.NoError(t, err)

				tc.change(t, b, o, d)
				a = b.person(pnrA) // a fresh login, whatever the clock did
				r, err := pipe.Submit(b.ctx, a, d.ID, nil)
				if tc.wantErr != nil {
					require.ErrorIs(t, err, tc.wantErr)
					cases, err := b.db.CaseList(b.ctx, &storage.CaseListParams{Service: "parkering", Limit: 10})
					require.NoError(t, err)
					require.Empty(t, cases, "no case registered")
					_, err = o.drafts.Get(b.ctx, a, d.ID)
					if tc.wantStored == nil {
						require.NoError(t, err, "the draft is still stored")
					} else {
						require.ErrorIs(t, err, tc.wantStored)
					}
					return
				}
				require.NoError(t, err)
				require.Equal(t, tc.wantDuplicate, r.Duplicate)
				require.Equal(t, tc.wantAttachments, r.Attachments)
				c, err := b.db.CaseGet(b.ctx, &storage.CaseGetParams{ID: r.CaseID})
				require.NoError(t, err)
				require.Equal(t, max(tc.wantFormVersion, 1), c.FormVersion)
				docs, err := b.db.DocumentList(b.ctx, &storage.DocumentListParams{CaseID: r.CaseID, WithContent: true})
				require.NoError(t, err)
				require.Len(t, docs, 1+tc.wantAttachments)
				var values map[string]any
				require.NoError(t, json.Unmarshal(docs[0].Content, &values))
				require.Equal(t, tc.wantDiagnos, values["diagnos"])
				_, err = o.drafts.Get(b.ctx, a, d.ID)
				require.ErrorIs(t, err, draft.ErrNotFound, "the draft is gone for every instance")
			})
		}
	}
}

// flipLastPayloadByte changes the last byte of a draft's stored payload,
// as someone with write access to the database could.
func flipLastPayloadByte(t *testing.T, b *bundle, id string) {
	t.Helper()
	if pg, ok := b.db.(*pgstore.DB); ok {
		pool, err := pgstore.OpenRaw(b.ctx, pgstoretest.DSN(t), &pgstore.Options{Schema: pg.Schema()})
		require.NoError(t, err)
		defer pool.Close()
		_, err = pool.Exec(b.ctx, `UPDATE drafts SET payload = set_byte(payload, length(payload) - 1,
			CASE WHEN get_byte(payload, length(payload) - 1) = 0 THEN 1 ELSE 0 END) WHERE id = $1`, id)
		require.NoError(t, err)
		return
	}
	_, err := raw(t, b).Exec(`UPDATE drafts SET payload = CAST(substr(payload, 1, length(payload) - 1) ||
		CASE WHEN substr(payload, -1) = X'00' THEN X'01' ELSE X'00' END AS BLOB) WHERE id = ?`, id)
	require.NoError(t, err)
}
