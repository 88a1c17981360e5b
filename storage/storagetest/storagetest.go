// Package storagetest is the conformance suite every storage.Driver runs.
//
// A driver's test calls Run with a constructor that returns a fresh, empty,
// migrated database for each subtest:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Driver {
//			db, err := sqlitestore.Open(t.Context(), filepath.Join(t.TempDir(), "db"), nil)
//			require.NoError(t, err)
//			t.Cleanup(func() { db.Close() })
//			return db
//		}, nil)
//	}
//
// Run calls t.Run once per area (Draft, Isolation, Attachment, Tx, Expiry,
// Reseal, Time, Context, Invalid, Case, Reference, Audit, Disclosure, Outbox, Inbox, Contact); each area lives in its own file, and every
// subtest calls t.Parallel and gets its own driver. When a driver's semantics
// change, add the case here first so that every driver is held to it.
//
// The suite is plain (non-test) Go so drivers in other packages can import
// it; it imports testify and must never be imported by production code.
package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

// Options tunes Run. A nil *Options means all defaults.
//
// Capability flags will appear here when a driver cannot support a feature
// the others do (as in go-cloud's drivertest); every driver currently
// supports the whole contract, so there are none yet.
type Options struct {
	// Concurrency is the number of goroutines in the race tests (several
	// updates on one revision, several attachment inserts against one cap,
	// several expiry janitors). Defaults to 8.
	Concurrency int
}

func (o *Options) concurrency() int {
	if o == nil || o.Concurrency <= 0 {
		return 8
	}
	return o.Concurrency
}

// Run runs the whole conformance suite against the drivers made by
// newDriver. newDriver is called once per subtest, from the subtest's
// goroutine after t.Parallel, and must return an empty database with the
// current schema; it should register its own cleanup with t.Cleanup.
func Run(t *testing.T, newDriver func(t *testing.T) storage.Driver, opts *Options) {
	t.Helper()
	s := &suite{newDriver: newDriver, opts: opts}
	t.Run("Draft", s.testDraft)
	t.Run("Isolation", s.testIsolation)
	t.Run("Attachment", s.testAttachment)
	t.Run("Tx", s.testTx)
	t.Run("Expiry", s.testExpiry)
	t.Run("Reseal", s.testReseal)
	t.Run("Time", s.testTime)
	t.Run("Context", s.testContext)
	t.Run("Invalid", s.testInvalid)
	t.Run("Case", s.testCase)
	t.Run("Reference", s.testReference)
	t.Run("Audit", s.testAudit)
	t.Run("Disclosure", s.testDisclosure)
	t.Run("Outbox", s.testOutbox)
	t.Run("Inbox", s.testInbox)
	t.Run("Contact", s.testContact)
}

// suite carries Run's arguments to the area tests.
type suite struct {
	newDriver func(t *testing.T) storage.Driver
	opts      *Options
}

// bundle is what one subtest works with.
type bundle struct {
	t   *testing.T
	d   storage.Driver
	ctx context.Context
	// now is a fixed, microsecond-aligned UTC base time; tests derive all
	// row times from it so nothing depends on the wall clock.
	now time.Time
}

// setup marks the subtest parallel and gives it a fresh driver.
func (s *suite) setup(t *testing.T) *bundle {
	t.Helper()
	t.Parallel()
	d := s.newDriver(t)
	require.NotNil(t, d, "newDriver returned nil")
	return &bundle{
		t:   t,
		d:   d,
		ctx: t.Context(),
		now: time.Date(2030, time.March, 4, 10, 20, 30, 0, time.UTC),
	}
}

// Owners used throughout. They are opaque keys, as the draft package's
// keyed hashes are.
const (
	ownerA = "owner-a"
	ownerB = "owner-b"
)

// draftParams returns valid insert params for id and owner, at b.now, with
// a payload that names the draft.
func (b *bundle) draftParams(id, owner string) *storage.DraftInsertParams {
	return &storage.DraftInsertParams{
		ID:             id,
		Owner:          owner,
		FormID:         "bygglov",
		FormVersion:    3,
		Step:           "sokande",
		CompletedSteps: []string{"intro"},
		Progress:       25,
		KeyID:          "k1",
		Payload:        []byte("sealed:" + id),
		CreatedAt:      b.now,
		ExpiresAt:      b.now.Add(90 * 24 * time.Hour),
	}
}

// insertDraft inserts a draft, letting mod adjust the params first.
func (b *bundle) insertDraft(id, owner string, mod func(*storage.DraftInsertParams)) *storage.DraftRow {
	b.t.Helper()
	p := b.draftParams(id, owner)
	if mod != nil {
		mod(p)
	}
	row, err := b.d.DraftInsert(b.ctx, p)
	require.NoError(b.t, err)
	return row
}

// updateParams returns valid update params for row at its current revision.
func (b *bundle) updateParams(row *storage.DraftRow, payload string) *storage.DraftUpdateParams {
	return &storage.DraftUpdateParams{
		ID:             row.ID,
		Owner:          row.Owner,
		Revision:       row.Revision,
		FormVersion:    row.FormVersion,
		Step:           "fastighet",
		CompletedSteps: []string{"intro", "sokande"},
		Progress:       50,
		KeyID:          row.KeyID,
		Payload:        []byte(payload),
		UpdatedAt:      b.now.Add(time.Hour),
		ExpiresAt:      b.now.Add(91 * 24 * time.Hour),
	}
}

// attachmentParams returns valid insert params for an attachment.
func (b *bundle) attachmentParams(id, draftID, owner string, size int64) *storage.AttachmentInsertParams {
	return &storage.AttachmentInsertParams{
		ID:          id,
		DraftID:     draftID,
		Owner:       owner,
		FieldPath:   "bilagor.ritning",
		ContentType: "application/pdf",
		Size:        size,
		SHA256:      []byte(fmt.Sprintf("%032d", size)),
		KeyID:       "k1",
		Payload:     []byte("sealed-file:" + id),
		CreatedAt:   b.now,
	}
}

// insertAttachment inserts an attachment of size bytes.
func (b *bundle) insertAttachment(id, draftID, owner string, size int64) *storage.AttachmentRow {
	b.t.Helper()
	row, err := b.d.AttachmentInsert(b.ctx, b.attachmentParams(id, draftID, owner, size))
	require.NoError(b.t, err)
	return row
}

// mustGet reads a draft that must exist.
func (b *bundle) mustGet(id, owner string) *storage.DraftRow {
	b.t.Helper()
	row, err := b.d.DraftGet(b.ctx, &storage.DraftGetParams{ID: id, Owner: owner})
	require.NoError(b.t, err)
	return row
}

// requireGone checks that the draft is not found by its owner.
func (b *bundle) requireGone(id, owner string) {
	b.t.Helper()
	_, err := b.d.DraftGet(b.ctx, &storage.DraftGetParams{ID: id, Owner: owner})
	require.ErrorIs(b.t, err, storage.ErrNotFound)
}

// ids returns the IDs of summaries, in order.
func ids(rows []*storage.DraftSummary) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

// requireSameDraft compares two rows field by field, treating nil and empty
// step lists and payloads as equal.
func requireSameDraft(t *testing.T, want, got *storage.DraftRow) {
	t.Helper()
	require.NotNil(t, got)
	w, g := *want, *got
	if len(w.CompletedSteps) == 0 && len(g.CompletedSteps) == 0 {
		w.CompletedSteps, g.CompletedSteps = nil, nil
	}
	if len(w.Payload) == 0 && len(g.Payload) == 0 {
		w.Payload, g.Payload = nil, nil
	}
	require.Equal(t, w, g)
}

// flipLast returns a copy of b with its last bit flipped.
func flipLast(b []byte) []byte {
	out := append([]byte(nil), b...)
	out[len(out)-1] ^= 1
	return out
}
