package storagetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

// caseBundle is a bundle with the fixtures of the case areas (Case,
// Reference, Audit). It is not safe for concurrent use: build params in the
// test goroutine, or with caseParamsAt, which is pure.
type caseBundle struct {
	*bundle
	// seq is the last sequence number caseParams handed out, so that every
	// case of a subtest gets its own reference.
	seq int64
}

// setupCase is setup for the case areas.
func (s *suite) setupCase(t *testing.T) *caseBundle {
	t.Helper()
	return &caseBundle{bundle: s.setup(t)}
}

// Case fixture values.
const (
	casePrefix    = "ETJ"
	caseYear      = 2030
	statusNew     = "submitted"
	statusWorking = "in-progress"
	statusClosed  = "closed"
)

// sum returns the SHA-256 of s, as fixtures' digests and hashes.
func sum(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// caseParamsAt returns valid insert params for case id of owner with
// reference number seq, received at b.now, drafted as "draft-"+id with the
// idempotency key "key-"+id. It reads nothing of b but now, so goroutines
// may call it.
func (b *caseBundle) caseParamsAt(id, owner string, seq int64) *storage.CaseInsertParams {
	return &storage.CaseInsertParams{
		ID:             id,
		Reference:      fmt.Sprintf("%s %d/%06d", casePrefix, caseYear, seq),
		Prefix:         casePrefix,
		Year:           caseYear,
		Seq:            seq,
		Service:        "bygglov",
		FormVersion:    3,
		Owner:          owner,
		DraftID:        "draft-" + id,
		IdempotencyKey: "key-" + id,
		Status:         statusNew,
		StatusLabel:    "Inkommen",
		SubjectLine:    "Ansökan om bygglov",
		ReceivedAt:     b.now,
		Digest:         sum("record:" + id),
		Record:         []byte(`{"case":"` + id + `"}`),
		Manifest:       []byte(`{"flags":1}`),
	}
}

// caseParams is caseParamsAt with the next unused reference number.
func (b *caseBundle) caseParams(id, owner string) *storage.CaseInsertParams {
	b.seq++
	return b.caseParamsAt(id, owner, b.seq)
}

// insertCase inserts a case, letting mod adjust the params first.
func (b *caseBundle) insertCase(id, owner string, mod func(*storage.CaseInsertParams)) *storage.CaseRow {
	b.t.Helper()
	p := b.caseParams(id, owner)
	if mod != nil {
		mod(p)
	}
	row, err := b.d.CaseInsert(b.ctx, p)
	require.NoError(b.t, err)
	return row
}

// mustCase reads a case that must exist, as an officer (no owner).
func (b *caseBundle) mustCase(id string) *storage.CaseRow {
	b.t.Helper()
	row, err := b.d.CaseGet(b.ctx, &storage.CaseGetParams{ID: id})
	require.NoError(b.t, err)
	return row
}

// requireNoCase checks that case id is not found, by ID, by its draft and
// by its idempotency key.
func (b *caseBundle) requireNoCase(ex storage.Executor, id, owner string) {
	b.t.Helper()
	_, err := ex.CaseGet(b.ctx, &storage.CaseGetParams{ID: id})
	require.ErrorIs(b.t, err, storage.ErrNotFound, "case %s", id)
	_, err = ex.CaseFind(b.ctx, &storage.CaseFindParams{DraftID: "draft-" + id})
	require.ErrorIs(b.t, err, storage.ErrNotFound, "case %s by draft", id)
	_, err = ex.CaseFind(b.ctx, &storage.CaseFindParams{Owner: owner, IdempotencyKey: "key-" + id})
	require.ErrorIs(b.t, err, storage.ErrNotFound, "case %s by idempotency key", id)
}

// wantCase is the row CaseInsert of p must store.
func wantCase(p *storage.CaseInsertParams) *storage.CaseRow {
	return &storage.CaseRow{
		ID: p.ID, Reference: p.Reference, Prefix: p.Prefix, Year: p.Year, Seq: p.Seq,
		Service: p.Service, FormVersion: p.FormVersion, Owner: p.Owner, DraftID: p.DraftID,
		IdempotencyKey: p.IdempotencyKey, Status: p.Status, StatusLabel: p.StatusLabel, SubjectLine: p.SubjectLine,
		ReceivedAt: storage.Time(p.ReceivedAt), UpdatedAt: storage.Time(p.ReceivedAt),
		Digest: clone(p.Digest), Record: clone(p.Record), Manifest: clone(p.Manifest),
	}
}

// clone copies b; nil stays nil.
func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

// emptyNil returns nil for an empty slice, so that comparisons do not
// depend on whether a driver reads an empty BLOB as nil or as []byte{}.
func emptyNil(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// requireSameCase compares two case rows field by field, treating nil and
// empty byte slices as equal.
func requireSameCase(t *testing.T, want, got *storage.CaseRow) {
	t.Helper()
	require.NotNil(t, got)
	w, g := *want, *got
	for _, p := range []*[]byte{&w.Digest, &w.Record, &w.Manifest, &w.AuditHead, &g.Digest, &g.Record, &g.Manifest, &g.AuditHead} {
		*p = emptyNil(*p)
	}
	require.Equal(t, w, g)
}

// listPages reads a keyset listing from its start: list returns the IDs
// of the rows after a cursor and the cursor of the last of them, until it
// returns none.
func listPages(t *testing.T, list func(after storage.Cursor) ([]string, storage.Cursor, error)) [][]string {
	t.Helper()
	var out [][]string
	var after storage.Cursor
	for range 20 {
		ids, last, err := list(after)
		require.NoError(t, err)
		if len(ids) == 0 {
			return out
		}
		out = append(out, ids)
		after = last
	}
	t.Fatal("the pages do not end")
	return nil
}

// caseIDs returns the IDs of rows, in order.
func caseIDs(rows []*storage.CaseRow) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

// document returns a document of caseID with content (nil for none),
// created at b.now.
func (b *caseBundle) document(id, caseID string, content []byte) storage.DocumentRow {
	return storage.DocumentRow{
		ID: id, CaseID: caseID, Kind: "attachment", Name: id + ".pdf", ContentType: "application/pdf",
		Size: int64(len(content)), Digest: sum(string(content)), Content: clone(content), CreatedAt: b.now,
	}
}

// insertDocument inserts a document that must be accepted.
func (b *caseBundle) insertDocument(ex storage.Executor, d storage.DocumentRow) {
	b.t.Helper()
	require.NoError(b.t, ex.DocumentInsert(b.ctx, &storage.DocumentInsertParams{Document: d}))
}

// listDocuments lists a case's documents, which must succeed.
func (b *caseBundle) listDocuments(ex storage.Executor, caseID string, withContent bool) []*storage.DocumentRow {
	b.t.Helper()
	docs, err := ex.DocumentList(b.ctx, &storage.DocumentListParams{CaseID: caseID, WithContent: withContent})
	require.NoError(b.t, err)
	return docs
}

// flag returns a secrecy flag on path.
func flag(id, path string, osl []string, article9 bool) storage.FlagRow {
	return storage.FlagRow{ID: id, DocumentID: "doc-app", Path: path, Kind: "personal", Reason: "form", OSL: osl, Article9: article9}
}

// listFlags lists a case's flags, which must succeed.
func (b *caseBundle) listFlags(ex storage.Executor, caseID string) []*storage.FlagRow {
	b.t.Helper()
	flags, err := ex.FlagList(b.ctx, &storage.FlagListParams{CaseID: caseID})
	require.NoError(b.t, err)
	return flags
}

// requireFlags checks a flag list against want (whose CaseID is set to
// caseID), treating nil and empty OSL lists as equal.
func requireFlags(t *testing.T, caseID string, want []storage.FlagRow, got []*storage.FlagRow) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		w, g := want[i], *got[i]
		w.CaseID = caseID
		if len(w.OSL) == 0 {
			w.OSL = nil
		}
		if len(g.OSL) == 0 {
			g.OSL = nil
		}
		require.Equal(t, w, g, "flag %d", i)
	}
}

// requireNoneOrNotFound checks the result of a list on a missing case:
// the contract allows an empty list or ErrNotFound.
func requireNoneOrNotFound[T any](t *testing.T, rows []T, err error) {
	t.Helper()
	if err != nil {
		require.ErrorIs(t, err, storage.ErrNotFound)
		return
	}
	require.Empty(t, rows)
}

func (s *suite) testCase(t *testing.T) {
	t.Run("InsertThenGet", func(t *testing.T) {
		b := s.setupCase(t)
		p := b.caseParams("c1", ownerA)
		row, err := b.d.CaseInsert(b.ctx, p)
		require.NoError(t, err)
		want := wantCase(p)
		requireSameCase(t, want, row)
		require.Zero(t, row.AuditSeq)
		require.Empty(t, row.AuditHead)

		requireSameCase(t, want, b.mustCase("c1"))
		got, err := b.d.CaseGet(b.ctx, &storage.CaseGetParams{ID: "c1", Owner: ownerA})
		require.NoError(t, err)
		requireSameCase(t, want, got)

		// Neither the returned row nor the stored one aliases the params.
		p.Record[0], p.Digest[0], p.Manifest[0] = 'X', p.Digest[0]^0xff, 'X'
		requireSameCase(t, want, row)
		row.Record[1] = 'Y'
		requireSameCase(t, want, b.mustCase("c1"))
	})

	t.Run("InsertConflicts", func(t *testing.T) {
		tests := []struct {
			name string
			// mod adjusts the params of the first and second insert.
			mod     func(first, second *storage.CaseInsertParams)
			wantErr error
		}{
			{"SameID", func(f, s *storage.CaseInsertParams) { s.ID = f.ID }, storage.ErrConflict},
			{"SameIDOtherOwner", func(f, s *storage.CaseInsertParams) { s.ID, s.Owner = f.ID, ownerB }, storage.ErrConflict},
			{"SameReference", func(f, s *storage.CaseInsertParams) { s.Reference = f.Reference }, storage.ErrConflict},
			{"SameDraftID", func(f, s *storage.CaseInsertParams) { s.DraftID = f.DraftID }, storage.ErrConflict},
			{"SameDraftIDOtherOwner", func(f, s *storage.CaseInsertParams) { s.DraftID, s.Owner = f.DraftID, ownerB }, storage.ErrConflict},
			{"SameOwnerAndKey", func(f, s *storage.CaseInsertParams) { s.IdempotencyKey = f.IdempotencyKey }, storage.ErrConflict},
			{"SameKeyOtherOwner", func(f, s *storage.CaseInsertParams) { s.IdempotencyKey, s.Owner = f.IdempotencyKey, ownerB }, nil},
			{"SameOwnerNoKeys", func(f, s *storage.CaseInsertParams) { f.IdempotencyKey, s.IdempotencyKey = "", "" }, nil},
			{"SameOwnerOtherKey", func(f, s *storage.CaseInsertParams) {}, nil},
			{"SameEverythingElse", func(f, s *storage.CaseInsertParams) {
				s.Service, s.SubjectLine, s.Digest, s.Record, s.ReceivedAt = f.Service, f.SubjectLine, f.Digest, f.Record, f.ReceivedAt
			}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				b := s.setupCase(t)
				first, second := b.caseParams("c1", ownerA), b.caseParams("c2", ownerA)
				tt.mod(first, second)
				_, err := b.d.CaseInsert(b.ctx, first)
				require.NoError(t, err)
				_, err = b.d.CaseInsert(b.ctx, second)
				if tt.wantErr != nil {
					require.ErrorIs(t, err, tt.wantErr)
					// The first case is untouched and nothing of the
					// second was stored.
					requireSameCase(t, wantCase(first), b.mustCase(first.ID))
					if second.ID != first.ID {
						_, err := b.d.CaseGet(b.ctx, &storage.CaseGetParams{ID: second.ID})
						require.ErrorIs(t, err, storage.ErrNotFound)
					}
					if second.Owner != first.Owner {
						list, err := b.d.CaseList(b.ctx, &storage.CaseListParams{Owner: second.Owner})
						require.NoError(t, err)
						require.Empty(t, list)
					}
					list, err := b.d.CaseList(b.ctx, &storage.CaseListParams{Service: first.Service})
					require.NoError(t, err)
					require.Equal(t, []string{first.ID}, caseIDs(list))
					return
				}
				require.NoError(t, err)
				requireSameCase(t, wantCase(first), b.mustCase(first.ID))
				requireSameCase(t, wantCase(second), b.mustCase(second.ID))
				if second.IdempotencyKey != "" {
					got, err := b.d.CaseFind(b.ctx, &storage.CaseFindParams{Owner: second.Owner, IdempotencyKey: second.IdempotencyKey})
					require.NoError(t, err)
					require.Equal(t, second.ID, got.ID)
				}
			})
		}
	})

	t.Run("ConcurrentInsertsFromOneDraftExactlyOneWins", func(t *testing.T) {
		b := s.setupCase(t)
		n := s.opts.concurrency()
		params := make([]*storage.CaseInsertParams, n)
		for i := range params {
			params[i] = b.caseParams(fmt.Sprintf("c%d", i), ownerA)
			params[i].DraftID = "draft-shared"
		}
		var (
			wg         sync.WaitGroup
			mu         sync.Mutex
			winners    []string
			conflicts  int
			unexpected []error
		)
		start := make(chan struct{})
		for _, p := range params {
			wg.Go(func() {
				<-start
				_, err := b.d.CaseInsert(b.ctx, p)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					winners = append(winners, p.ID)
				case errors.Is(err, storage.ErrConflict):
					conflicts++
				default:
					unexpected = append(unexpected, err)
				}
			})
		}
		close(start)
		wg.Wait()
		require.Empty(t, unexpected)
		require.Len(t, winners, 1)
		require.Equal(t, n-1, conflicts)
		got, err := b.d.CaseFind(b.ctx, &storage.CaseFindParams{DraftID: "draft-shared"})
		require.NoError(t, err)
		require.Equal(t, winners[0], got.ID)
		list, err := b.d.CaseList(b.ctx, &storage.CaseListParams{Owner: ownerA})
		require.NoError(t, err)
		require.Equal(t, winners, caseIDs(list))
	})

	t.Run("GetIsOwnerScopedWhenOwnerIsGiven", func(t *testing.T) {
		b := s.setupCase(t)
		a := b.insertCase("c1", ownerA, nil)
		bc := b.insertCase("c2", ownerB, nil)
		check := func(ex storage.Executor, mode string) {
			tests := []struct {
				params  storage.CaseGetParams
				want    *storage.CaseRow
				wantErr error
			}{
				{storage.CaseGetParams{ID: "c1", Owner: ownerA}, a, nil},
				{storage.CaseGetParams{ID: "c1"}, a, nil},
				{storage.CaseGetParams{ID: "c2", Owner: ownerB}, bc, nil},
				{storage.CaseGetParams{ID: "c2"}, bc, nil},
				{storage.CaseGetParams{ID: "c1", Owner: ownerB}, nil, storage.ErrNotFound},
				{storage.CaseGetParams{ID: "c2", Owner: ownerA}, nil, storage.ErrNotFound},
				{storage.CaseGetParams{ID: "c1", Owner: "owner-c"}, nil, storage.ErrNotFound},
				{storage.CaseGetParams{ID: "missing"}, nil, storage.ErrNotFound},
				{storage.CaseGetParams{ID: "missing", Owner: ownerA}, nil, storage.ErrNotFound},
				{storage.CaseGetParams{ID: ""}, nil, storage.ErrNotFound},
				{storage.CaseGetParams{ID: "C1"}, nil, storage.ErrNotFound},
			}
			for _, tt := range tests {
				got, err := ex.CaseGet(b.ctx, &tt.params)
				if tt.wantErr != nil {
					require.ErrorIs(t, err, tt.wantErr, "%s: %+v", mode, tt.params)
					require.Nil(t, got)
					continue
				}
				require.NoError(t, err, "%s: %+v", mode, tt.params)
				requireSameCase(t, tt.want, got)
			}
		}
		check(b.d, "driver")
		require.NoError(t, storage.WithTx(b.ctx, b.d, func(_ context.Context, tx storage.Tx) error {
			check(tx, "tx")
			return nil
		}))
	})

	t.Run("Find", func(t *testing.T) {
		b := s.setupCase(t)
		c1 := b.insertCase("c1", ownerA, nil)
		c2 := b.insertCase("c2", ownerB, func(p *storage.CaseInsertParams) { p.IdempotencyKey = "key-c1" })
		c3 := b.insertCase("c3", ownerA, func(p *storage.CaseInsertParams) { p.IdempotencyKey = "" })
		tests := []struct {
			name    string
			params  storage.CaseFindParams
			want    *storage.CaseRow
			wantErr error
		}{
			{"ByDraft", storage.CaseFindParams{DraftID: "draft-c1"}, c1, nil},
			{"ByDraftOtherOwner", storage.CaseFindParams{DraftID: "draft-c2"}, c2, nil},
			{"ByDraftWithoutKey", storage.CaseFindParams{DraftID: "draft-c3"}, c3, nil},
			{"ByOwnerAndKey", storage.CaseFindParams{Owner: ownerA, IdempotencyKey: "key-c1"}, c1, nil},
			{"SameKeyOtherOwner", storage.CaseFindParams{Owner: ownerB, IdempotencyKey: "key-c1"}, c2, nil},
			{"UnknownDraft", storage.CaseFindParams{DraftID: "draft-c9"}, nil, storage.ErrNotFound},
			{"UnknownKey", storage.CaseFindParams{Owner: ownerA, IdempotencyKey: "key-c9"}, nil, storage.ErrNotFound},
			{"KeyOfAnotherOwner", storage.CaseFindParams{Owner: ownerB, IdempotencyKey: "key-c3"}, nil, storage.ErrNotFound},
			{"UnknownOwner", storage.CaseFindParams{Owner: "owner-c", IdempotencyKey: "key-c1"}, nil, storage.ErrNotFound},
			{"ByReference", storage.CaseFindParams{Reference: c2.Reference}, c2, nil},
			{"ByReferenceWithoutKey", storage.CaseFindParams{Reference: c3.Reference}, c3, nil},
			{"UnknownReference", storage.CaseFindParams{Reference: casePrefix + " 2030/999999"}, nil, storage.ErrNotFound},
			{"ReferenceIsExact", storage.CaseFindParams{Reference: c1.Reference + " "}, nil, storage.ErrNotFound},
			// The first lookup given is used.
			{"DraftBeforeKey", storage.CaseFindParams{DraftID: "draft-c3", Owner: ownerA, IdempotencyKey: "key-c1"}, c3, nil},
			{"DraftBeforeReference", storage.CaseFindParams{DraftID: "draft-c1", Reference: c2.Reference}, c1, nil},
			{"KeyBeforeReference", storage.CaseFindParams{Owner: ownerB, IdempotencyKey: "key-c1", Reference: c1.Reference}, c2, nil},
			{"UnknownDraftBeforeReference", storage.CaseFindParams{DraftID: "draft-c9", Reference: c1.Reference}, nil, storage.ErrNotFound},
			{"OwnerWithoutKeyFallsToReference", storage.CaseFindParams{Owner: ownerB, Reference: c1.Reference}, c1, nil},
		}
		for _, tt := range tests {
			got, err := b.d.CaseFind(b.ctx, &tt.params)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr, tt.name)
				continue
			}
			require.NoError(t, err, tt.name)
			requireSameCase(t, tt.want, got)
			require.NotEmpty(t, got.Record, "%s: CaseFind returns the record", tt.name)
		}
	})

	t.Run("List", func(t *testing.T) {
		b := s.setupCase(t)
		// Inserted out of ReceivedAt order.
		at := func(d time.Duration, service, status string) func(*storage.CaseInsertParams) {
			return func(p *storage.CaseInsertParams) { p.ReceivedAt, p.Service, p.Status = b.now.Add(d), service, status }
		}
		b.insertCase("a1", ownerA, at(0, "bygglov", statusNew))
		b.insertCase("a2", ownerA, at(2*time.Hour, "parkering", statusNew))
		b.insertCase("a3", ownerA, at(time.Hour, "bygglov", statusNew))
		b.insertCase("a4", ownerA, at(3*time.Hour, "bygglov", statusClosed))
		b.insertCase("b1", ownerB, at(30*time.Minute, "bygglov", statusWorking))
		b.insertCase("b2", ownerB, at(4*time.Hour, "parkering", statusNew))

		tests := []struct {
			name   string
			params storage.CaseListParams
			want   []string
		}{
			{"Owner", storage.CaseListParams{Owner: ownerA}, []string{"a4", "a2", "a3", "a1"}},
			{"OtherOwner", storage.CaseListParams{Owner: ownerB}, []string{"b2", "b1"}},
			{"UnknownOwner", storage.CaseListParams{Owner: "owner-c"}, []string{}},
			{"Service", storage.CaseListParams{Service: "bygglov"}, []string{"a4", "a3", "b1", "a1"}},
			{"OtherService", storage.CaseListParams{Service: "parkering"}, []string{"b2", "a2"}},
			{"UnknownService", storage.CaseListParams{Service: "bygglov2"}, []string{}},
			{"OwnerOneStatus", storage.CaseListParams{Owner: ownerA, Statuses: []string{statusClosed}}, []string{"a4"}},
			{"OwnerTwoStatuses", storage.CaseListParams{Owner: ownerA, Statuses: []string{statusNew, statusClosed}}, []string{"a4", "a2", "a3", "a1"}},
			{"OwnerStatusNone", storage.CaseListParams{Owner: ownerA, Statuses: []string{statusWorking}}, []string{}},
			{"ServiceStatus", storage.CaseListParams{Service: "bygglov", Statuses: []string{statusNew, statusWorking}}, []string{"a3", "b1", "a1"}},
			{"OwnerLimit", storage.CaseListParams{Owner: ownerA, Limit: 2}, []string{"a4", "a2"}},
			{"ServiceLimit", storage.CaseListParams{Service: "bygglov", Limit: 1}, []string{"a4"}},
			{"StatusAndLimit", storage.CaseListParams{Service: "bygglov", Statuses: []string{statusNew}, Limit: 1}, []string{"a3"}},
			{"LimitAboveCount", storage.CaseListParams{Owner: ownerB, Limit: storage.MaxLimit}, []string{"b2", "b1"}},
		}
		for _, tt := range tests {
			list, err := b.d.CaseList(b.ctx, &tt.params)
			require.NoError(t, err, tt.name)
			require.Equal(t, tt.want, caseIDs(list), tt.name)
			for _, r := range list {
				require.Nil(t, r.Record, "%s: list results carry no record", tt.name)
				want := b.mustCase(r.ID)
				want.Record = nil
				requireSameCase(t, want, r)
			}
		}
	})

	t.Run("ListPages", func(t *testing.T) {
		b := s.setupCase(t)
		// Three cases received at the same moment: the ID orders them.
		at := func(d time.Duration, status string) func(*storage.CaseInsertParams) {
			return func(p *storage.CaseInsertParams) { p.ReceivedAt, p.Status = b.now.Add(d), status }
		}
		b.insertCase("c1", ownerA, at(0, statusNew))
		b.insertCase("c3", ownerA, at(time.Hour, statusNew))
		b.insertCase("c2", ownerA, at(time.Hour, statusClosed))
		b.insertCase("c4", ownerA, at(time.Hour, statusNew))
		b.insertCase("c5", ownerB, at(2*time.Hour, statusNew))
		b.insertCase("c6", ownerA, at(3*time.Hour, statusNew))

		pages := func(params storage.CaseListParams) [][]string {
			return listPages(t, func(after storage.Cursor) ([]string, storage.Cursor, error) {
				params.After = after
				list, err := b.d.CaseList(b.ctx, &params)
				if err != nil || len(list) == 0 {
					return nil, storage.Cursor{}, err
				}
				last := list[len(list)-1]
				return caseIDs(list), storage.Cursor{At: last.ReceivedAt, ID: last.ID}, nil
			})
		}
		tests := []struct {
			name   string
			params storage.CaseListParams
			want   [][]string
		}{
			{"OwnerByTwo", storage.CaseListParams{Owner: ownerA, Limit: 2}, [][]string{{"c6", "c4"}, {"c3", "c2"}, {"c1"}}},
			{"ServiceByThree", storage.CaseListParams{Service: "bygglov", Limit: 3}, [][]string{{"c6", "c5", "c4"}, {"c3", "c2", "c1"}}},
			{"ServiceByOne", storage.CaseListParams{Service: "bygglov", Limit: 1}, [][]string{{"c6"}, {"c5"}, {"c4"}, {"c3"}, {"c2"}, {"c1"}}},
			{"StatusByTwo", storage.CaseListParams{Owner: ownerA, Statuses: []string{statusNew}, Limit: 2}, [][]string{{"c6", "c4"}, {"c3", "c1"}}},
		}
		for _, tt := range tests {
			require.Equal(t, tt.want, pages(tt.params), tt.name)
		}

		// A case registered after the first page is not in the pages that
		// follow it.
		first, err := b.d.CaseList(b.ctx, &storage.CaseListParams{Owner: ownerA, Limit: 2})
		require.NoError(t, err)
		b.insertCase("c7", ownerA, at(4*time.Hour, statusNew))
		last := first[len(first)-1]
		rest, err := b.d.CaseList(b.ctx, &storage.CaseListParams{Owner: ownerA, After: storage.Cursor{At: last.ReceivedAt, ID: last.ID}})
		require.NoError(t, err)
		require.Equal(t, []string{"c3", "c2", "c1"}, caseIDs(rest))

		// A cursor need not be a case that exists.
		list, err := b.d.CaseList(b.ctx, &storage.CaseListParams{Service: "bygglov", After: storage.Cursor{At: b.now.Add(time.Hour), ID: "c35"}})
		require.NoError(t, err)
		require.Equal(t, []string{"c3", "c2", "c1"}, caseIDs(list))
	})

	t.Run("ListDefaultLimit", func(t *testing.T) {
		b := s.setupCase(t)
		n := storage.DefaultLimit + 2
		params := make([]*storage.CaseInsertParams, n)
		for i := range params {
			params[i] = b.caseParams(fmt.Sprintf("c%03d", i), ownerA)
			params[i].ReceivedAt = b.now.Add(time.Duration(i) * time.Second)
		}
		require.NoError(t, storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
			for _, p := range params {
				if _, err := tx.CaseInsert(ctx, p); err != nil {
					return err
				}
			}
			return nil
		}))
		for _, params := range []storage.CaseListParams{{Owner: ownerA}, {Service: "bygglov"}} {
			list, err := b.d.CaseList(b.ctx, &params)
			require.NoError(t, err)
			require.Len(t, list, storage.DefaultLimit)
			require.Equal(t, fmt.Sprintf("c%03d", n-1), list[0].ID, "newest first")
			require.Equal(t, fmt.Sprintf("c%03d", n-storage.DefaultLimit), list[len(list)-1].ID)
		}
	})

	t.Run("SetStatus", func(t *testing.T) {
		b := s.setupCase(t)
		c := b.insertCase("c1", ownerA, nil)
		other := b.insertCase("c2", ownerA, nil)
		steps := []struct {
			name    string
			params  storage.CaseSetStatusParams
			wantErr error
		}{
			{"Move", storage.CaseSetStatusParams{ID: "c1", From: statusNew, To: statusWorking, StatusLabel: "Handläggs", UpdatedAt: b.now.Add(time.Hour)}, nil},
			{"StaleFrom", storage.CaseSetStatusParams{ID: "c1", From: statusNew, To: statusClosed, StatusLabel: "Avslutad", UpdatedAt: b.now.Add(2 * time.Hour)}, storage.ErrConflict},
			{"UnknownFrom", storage.CaseSetStatusParams{ID: "c1", From: "nope", To: statusClosed, UpdatedAt: b.now.Add(2 * time.Hour)}, storage.ErrConflict},
			{"Missing", storage.CaseSetStatusParams{ID: "missing", From: statusNew, To: statusClosed, UpdatedAt: b.now.Add(2 * time.Hour)}, storage.ErrNotFound},
			{"EmptyID", storage.CaseSetStatusParams{ID: "", From: statusNew, To: statusClosed, UpdatedAt: b.now.Add(2 * time.Hour)}, storage.ErrNotFound},
			{"MoveAgain", storage.CaseSetStatusParams{ID: "c1", From: statusWorking, To: statusClosed, StatusLabel: "", UpdatedAt: b.now.Add(3 * time.Hour)}, nil},
			{"SameStatus", storage.CaseSetStatusParams{ID: "c1", From: statusClosed, To: statusClosed, StatusLabel: "Avslutad", UpdatedAt: b.now.Add(4 * time.Hour)}, nil},
		}
		want := *c
		for _, st := range steps {
			err := b.d.CaseSetStatus(b.ctx, &st.params)
			if st.wantErr != nil {
				require.ErrorIs(t, err, st.wantErr, st.name)
			} else {
				require.NoError(t, err, st.name)
				want.Status, want.StatusLabel, want.UpdatedAt = st.params.To, st.params.StatusLabel, st.params.UpdatedAt
			}
			// The record, received-at and everything else never change.
			requireSameCase(t, &want, b.mustCase("c1"))
			requireSameCase(t, other, b.mustCase("c2"))
		}
		list, err := b.d.CaseList(b.ctx, &storage.CaseListParams{Owner: ownerA, Statuses: []string{statusClosed}})
		require.NoError(t, err)
		require.Equal(t, []string{"c1"}, caseIDs(list))
		list, err = b.d.CaseList(b.ctx, &storage.CaseListParams{Owner: ownerA, Statuses: []string{statusNew}})
		require.NoError(t, err)
		require.Equal(t, []string{"c2"}, caseIDs(list))
	})

	t.Run("ConcurrentSetStatusExactlyOneWins", func(t *testing.T) {
		b := s.setupCase(t)
		b.insertCase("c1", ownerA, nil)
		n := s.opts.concurrency()
		var (
			wg         sync.WaitGroup
			mu         sync.Mutex
			winners    []string
			conflicts  int
			unexpected []error
		)
		start := make(chan struct{})
		for i := range n {
			to := fmt.Sprintf("status-%d", i)
			wg.Go(func() {
				<-start
				err := b.d.CaseSetStatus(b.ctx, &storage.CaseSetStatusParams{ID: "c1", From: statusNew, To: to, UpdatedAt: b.now.Add(time.Hour)})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					winners = append(winners, to)
				case errors.Is(err, storage.ErrConflict):
					conflicts++
				default:
					unexpected = append(unexpected, err)
				}
			})
		}
		close(start)
		wg.Wait()
		require.Empty(t, unexpected)
		require.Len(t, winners, 1)
		require.Equal(t, n-1, conflicts)
		require.Equal(t, winners[0], b.mustCase("c1").Status)
	})

	t.Run("TxGoesOnWhileDriverWritesWait", func(t *testing.T) {
		// While a transaction is open, writes on the Driver wait for it
		// (SQLite) or run beside it on other rows (PostgreSQL); either way
		// the transaction itself must go on and commit. A driver whose
		// waiting writers hold something the transaction needs (a lock
		// around statement preparation, say) deadlocks here, and the test
		// binary's -timeout reports it.
		b := s.setupCase(t)
		n := s.opts.concurrency()
		for i := range n {
			b.insertCase(fmt.Sprintf("d%d", i), ownerA, nil)
		}
		b.insertCase("t1", ownerA, nil)

		tx, err := b.d.Begin(b.ctx)
		require.NoError(t, err)
		defer func() { _ = tx.Rollback() }()
		var (
			wg         sync.WaitGroup
			mu         sync.Mutex
			unexpected []error
		)
		for i := range n {
			id := fmt.Sprintf("d%d", i)
			wg.Go(func() {
				// Every kind of write, with statements of different
				// shapes (flag batches of several sizes).
				err := errors.Join(
					b.d.CaseSetStatus(b.ctx, &storage.CaseSetStatusParams{ID: id, From: statusNew, To: statusWorking, UpdatedAt: b.now.Add(time.Hour)}),
					b.d.FlagInsert(b.ctx, &storage.FlagInsertParams{CaseID: id, Flags: []storage.FlagRow{flag(id+"-f1", "a", nil, false)}}),
					b.d.DocumentInsert(b.ctx, &storage.DocumentInsertParams{Document: b.document(id+"-doc", id, []byte(id))}),
					b.d.AuditAppend(b.ctx, &storage.AuditAppendParams{Entry: b.auditEntry(id, 1, nil)}),
					b.d.FlagInsert(b.ctx, &storage.FlagInsertParams{CaseID: id, Flags: []storage.FlagRow{
						flag(id+"-f2", "b", nil, false), flag(id+"-f3", "c", nil, false), flag(id+"-f4", "d", nil, true),
					}}),
				)
				if err != nil {
					mu.Lock()
					unexpected = append(unexpected, err)
					mu.Unlock()
				}
			})
		}
		// Meanwhile the transaction writes every kind too, many times.
		status := statusNew
		var head []byte
		for i := range 4 * n {
			next := fmt.Sprintf("status-%d", i)
			require.NoError(t, tx.CaseSetStatus(b.ctx, &storage.CaseSetStatusParams{ID: "t1", From: status, To: next, UpdatedAt: b.now.Add(time.Hour)}))
			status = next
			flags := make([]storage.FlagRow, i%5+1)
			for j := range flags {
				flags[j] = flag(fmt.Sprintf("t1-f%d-%d", i, j), "x", nil, false)
			}
			require.NoError(t, tx.FlagInsert(b.ctx, &storage.FlagInsertParams{CaseID: "t1", Flags: flags}))
			b.insertDocument(tx, b.document(fmt.Sprintf("t1-doc%d", i), "t1", []byte("x")))
			e := b.auditEntry("t1", int64(i+1), head)
			require.NoError(t, tx.AuditAppend(b.ctx, &storage.AuditAppendParams{Entry: e}))
			head = e.Hash
			_, err := tx.CaseList(b.ctx, &storage.CaseListParams{Owner: ownerA, Statuses: []string{next}})
			require.NoError(t, err)
		}
		require.NoError(t, tx.Commit())
		wg.Wait()
		require.Empty(t, unexpected)

		require.Equal(t, status, b.mustCase("t1").Status)
		require.Len(t, b.listDocuments(b.d, "t1", false), 4*n)
		for i := range n {
			id := fmt.Sprintf("d%d", i)
			c := b.mustCase(id)
			require.Equal(t, statusWorking, c.Status)
			require.Equal(t, int64(1), c.AuditSeq)
			require.Len(t, b.listFlags(b.d, id), 4)
			require.Len(t, b.listDocuments(b.d, id, false), 1)
		}
	})

	t.Run("Documents", func(t *testing.T) {
		b := s.setupCase(t)
		b.insertCase("c1", ownerA, nil)
		b.insertCase("c2", ownerB, nil)
		// Insertion order is neither ID nor CreatedAt order.
		docs := []storage.DocumentRow{
			b.document("doc-m", "c1", []byte(`{"ansokan":true}`)),
			b.document("doc-a", "c1", []byte("%PDF-1.7 ritning")),
			b.document("doc-z", "c1", nil),
			b.document("doc-b", "c1", []byte{0, 1, 2, 255}),
		}
		docs[0].Kind, docs[0].Name, docs[0].ContentType = "application", "ansokan.json", "application/json"
		docs[1].CreatedAt = b.now.Add(-time.Hour)
		docs[2].Kind, docs[2].Name, docs[2].ContentType = "message", "", ""
		docs[3].CreatedAt = b.now.Add(time.Minute)
		want := make([]storage.DocumentRow, len(docs))
		for i, d := range docs {
			want[i] = d
			want[i].Content, want[i].Digest = clone(d.Content), clone(d.Digest)
			b.insertDocument(b.d, d)
			if i == 1 {
				// Another case's document in between.
				b.insertDocument(b.d, b.document("doc-other", "c2", []byte("other")))
			}
		}
		// The stored documents do not alias the params.
		docs[0].Content[0], docs[0].Digest[0] = 'X', docs[0].Digest[0]^0xff

		for _, withContent := range []bool{false, true} {
			got := b.listDocuments(b.d, "c1", withContent)
			require.Len(t, got, len(want))
			for i, want := range want {
				want.CreatedAt = storage.Time(want.CreatedAt)
				g := *got[i]
				if withContent {
					want.Content, g.Content = emptyNil(want.Content), emptyNil(g.Content)
				} else {
					require.Nil(t, g.Content, "document %d: content without WithContent", i)
					want.Content = nil
				}
				want.Digest, g.Digest = emptyNil(want.Digest), emptyNil(g.Digest)
				require.Equal(t, want, g, "document %d", i)
			}
		}
		other := b.listDocuments(b.d, "c2", true)
		require.Len(t, other, 1)
		require.Equal(t, "doc-other", other[0].ID)
		require.Equal(t, []byte("other"), other[0].Content)
		require.Empty(t, b.listDocuments(b.d, "c3", false))
	})

	t.Run("DocumentErrors", func(t *testing.T) {
		b := s.setupCase(t)
		b.insertCase("c1", ownerA, nil)
		b.insertCase("c2", ownerA, nil)
		b.insertDocument(b.d, b.document("doc1", "c1", []byte("one")))

		err := b.d.DocumentInsert(b.ctx, &storage.DocumentInsertParams{Document: b.document("doc2", "missing", []byte("x"))})
		require.ErrorIs(t, err, storage.ErrNotFound, "document on a missing case")
		docs, err := b.d.DocumentList(b.ctx, &storage.DocumentListParams{CaseID: "missing", WithContent: true})
		requireNoneOrNotFound(t, docs, err)

		for _, caseID := range []string{"c1", "c2"} {
			err = b.d.DocumentInsert(b.ctx, &storage.DocumentInsertParams{Document: b.document("doc1", caseID, []byte("again"))})
			require.ErrorIs(t, err, storage.ErrConflict, "used document ID on %s", caseID)
		}
		got := b.listDocuments(b.d, "c1", true)
		require.Len(t, got, 1)
		require.Equal(t, []byte("one"), got[0].Content)
		require.Empty(t, b.listDocuments(b.d, "c2", true))

		// The refused document's ID is still free.
		b.insertDocument(b.d, b.document("doc2", "c2", []byte("two")))
		require.Len(t, b.listDocuments(b.d, "c2", false), 1)
	})

	t.Run("Flags", func(t *testing.T) {
		b := s.setupCase(t)
		b.insertCase("c1", ownerA, nil)
		b.insertCase("c2", ownerB, nil)
		first := []storage.FlagRow{
			flag("f-m", "sokande.personnummer", []string{"21 kap. 7 § OSL", "26 kap. 1 § OSL"}, false),
			flag("f-a", "*", nil, false),
			flag("f-z", "halsa.diagnos", []string{"25 kap. 1 § OSL"}, true),
		}
		first[1].DocumentID, first[1].Kind, first[1].Reason = "", "protected-identity", "sekretessmarkering"
		second := []storage.FlagRow{
			flag("f-b", "attachment:doc-a", []string{"26 kap. 1 § OSL", "21 kap. 7 § OSL", "26 kap. 1 § OSL"}, true),
			flag("f-0", "beskrivning", []string{}, false),
		}
		require.NoError(t, b.d.FlagInsert(b.ctx, &storage.FlagInsertParams{CaseID: "c1", Flags: first}))
		require.NoError(t, b.d.FlagInsert(b.ctx, &storage.FlagInsertParams{CaseID: "c2", Flags: []storage.FlagRow{flag("f-other", "x", nil, false)}}))
		require.NoError(t, storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
			return tx.FlagInsert(ctx, &storage.FlagInsertParams{CaseID: "c1", Flags: second})
		}))
		// An empty batch is not an error.
		require.NoError(t, b.d.FlagInsert(b.ctx, &storage.FlagInsertParams{CaseID: "c1"}))
		require.NoError(t, b.d.FlagInsert(b.ctx, &storage.FlagInsertParams{CaseID: "c1", Flags: []storage.FlagRow{}}))
		want := append(append([]storage.FlagRow{}, first...), second...)
		// The stored flags do not alias the params.
		first[0].OSL[0] = "changed"
		want[0].OSL = []string{"21 kap. 7 § OSL", "26 kap. 1 § OSL"}

		requireFlags(t, "c1", want, b.listFlags(b.d, "c1"))
		requireFlags(t, "c2", []storage.FlagRow{flag("f-other", "x", nil, false)}, b.listFlags(b.d, "c2"))
		require.Empty(t, b.listFlags(b.d, "c3"))

		// Large batches (a driver may split them) keep their order, on
		// their own and inside a transaction after earlier flags.
		b.insertCase("c3", ownerA, nil)
		var many []storage.FlagRow
		for i := range 70 {
			many = append(many, flag(fmt.Sprintf("f-many-%02d", i), fmt.Sprintf("lista[%d].namn", i), nil, i%3 == 0))
		}
		require.NoError(t, b.d.FlagInsert(b.ctx, &storage.FlagInsertParams{CaseID: "c3", Flags: many[:40]}))
		require.NoError(t, storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
			return tx.FlagInsert(ctx, &storage.FlagInsertParams{CaseID: "c3", Flags: many[40:]})
		}))
		requireFlags(t, "c3", many, b.listFlags(b.d, "c3"))
	})

	t.Run("FlagErrors", func(t *testing.T) {
		b := s.setupCase(t)
		b.insertCase("c1", ownerA, nil)
		b.insertCase("c2", ownerA, nil)
		require.NoError(t, b.d.FlagInsert(b.ctx, &storage.FlagInsertParams{CaseID: "c1", Flags: []storage.FlagRow{flag("f1", "a", nil, false)}}))

		err := b.d.FlagInsert(b.ctx, &storage.FlagInsertParams{CaseID: "missing", Flags: []storage.FlagRow{flag("f2", "a", nil, false)}})
		require.ErrorIs(t, err, storage.ErrNotFound)
		flags, err := b.d.FlagList(b.ctx, &storage.FlagListParams{CaseID: "missing"})
		requireNoneOrNotFound(t, flags, err)

		// A used ID fails the whole batch: a Driver call is its own
		// transaction.
		for _, batch := range [][]storage.FlagRow{
			{flag("f2", "b", nil, false), flag("f1", "c", nil, false)},
			{flag("f2", "b", nil, false), flag("f2", "c", nil, false)},
		} {
			err = b.d.FlagInsert(b.ctx, &storage.FlagInsertParams{CaseID: "c2", Flags: batch})
			require.ErrorIs(t, err, storage.ErrConflict)
			require.Empty(t, b.listFlags(b.d, "c2"))
		}
		requireFlags(t, "c1", []storage.FlagRow{flag("f1", "a", nil, false)}, b.listFlags(b.d, "c1"))
		require.NoError(t, b.d.FlagInsert(b.ctx, &storage.FlagInsertParams{CaseID: "c2", Flags: []storage.FlagRow{flag("f2", "b", nil, false)}}))
	})

	t.Run("TxCommitAndIsolation", func(t *testing.T) {
		b := s.setupCase(t)
		tx, err := b.d.Begin(b.ctx)
		require.NoError(t, err)
		defer func() { _ = tx.Rollback() }()
		writeWholeCase(t, b, tx, "c1")

		// The transaction reads its own writes.
		requireWholeCase(t, b, tx, "c1")
		// Nothing is visible outside before commit.
		b.requireNoCase(b.d, "c1", ownerA)
		requireCaseLeftovers(t, b, "c1")

		require.NoError(t, tx.Commit())
		requireWholeCase(t, b, b.d, "c1")
	})

	t.Run("RollbackLeavesNothing", func(t *testing.T) {
		b := s.setupCase(t)
		b.seq = 1000 // c0's reference is outside the numbers ReferenceNext hands out here.
		existing := b.insertCase("c0", ownerA, nil)
		require.NoError(t, b.d.AuditAppend(b.ctx, &storage.AuditAppendParams{Entry: b.auditEntry("c0", 1, nil)}))
		existing.AuditSeq, existing.AuditHead = 1, b.auditEntry("c0", 1, nil).Hash

		tx, err := b.d.Begin(b.ctx)
		require.NoError(t, err)
		writeWholeCase(t, b, tx, "c1")
		// Changes to a committed case in the same transaction.
		require.NoError(t, tx.CaseSetStatus(b.ctx, &storage.CaseSetStatusParams{ID: "c0", From: statusNew, To: statusClosed, UpdatedAt: b.now.Add(time.Hour)}))
		b.insertDocument(tx, b.document("doc-c0", "c0", []byte("late")))
		require.NoError(t, tx.FlagInsert(b.ctx, &storage.FlagInsertParams{CaseID: "c0", Flags: []storage.FlagRow{flag("f-c0", "x", nil, false)}}))
		require.NoError(t, tx.AuditAppend(b.ctx, &storage.AuditAppendParams{Entry: b.auditEntry("c0", 2, existing.AuditHead)}))
		require.NoError(t, tx.Rollback())

		b.requireNoCase(b.d, "c1", ownerA)
		requireCaseLeftovers(t, b, "c1")
		requireSameCase(t, existing, b.mustCase("c0"))
		require.Empty(t, b.listDocuments(b.d, "c0", false))
		require.Empty(t, b.listFlags(b.d, "c0"))
		audit, err := b.d.AuditList(b.ctx, &storage.AuditListParams{CaseID: "c0"})
		require.NoError(t, err)
		require.Len(t, audit, 1)

		// Every key the rolled-back case used is free again, its
		// reference number included.
		n, err := b.d.ReferenceNext(b.ctx, &storage.ReferenceNextParams{Prefix: casePrefix, Year: caseYear})
		require.NoError(t, err)
		require.Equal(t, int64(1), n)
		require.NoError(t, storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
			writeWholeCase(t, b, tx, "c1")
			return nil
		}))
		requireWholeCase(t, b, b.d, "c1")
	})

	t.Run("Times", func(t *testing.T) {
		b := s.setupCase(t)
		stockholm := time.FixedZone("CEST", 2*60*60)
		newYork := time.FixedZone("EST", -5*60*60)
		in := func(d time.Duration, zone *time.Location) time.Time {
			return b.now.Add(d).Add(999 * time.Nanosecond).In(zone)
		}
		requireUTCMicros := func(want, got time.Time, what string) {
			t.Helper()
			require.Equal(t, time.UTC, got.Location(), what)
			require.Equal(t, storage.Time(want), got, what)
		}

		received := in(123456*time.Microsecond, stockholm)
		row := b.insertCase("c1", ownerA, func(p *storage.CaseInsertParams) { p.ReceivedAt = received })
		// One microsecond later, in another zone: it sorts first.
		b.insertCase("c2", ownerA, func(p *storage.CaseInsertParams) {
			p.ReceivedAt = received.Add(time.Microsecond).In(newYork)
		})
		requireUTCMicros(received, row.ReceivedAt, "insert received")
		requireUTCMicros(received, row.UpdatedAt, "insert updated")
		got := b.mustCase("c1")
		requireUTCMicros(received, got.ReceivedAt, "get received")
		requireUTCMicros(received, got.UpdatedAt, "get updated")
		found, err := b.d.CaseFind(b.ctx, &storage.CaseFindParams{DraftID: "draft-c1"})
		require.NoError(t, err)
		requireUTCMicros(received, found.ReceivedAt, "find received")
		list, err := b.d.CaseList(b.ctx, &storage.CaseListParams{Owner: ownerA})
		require.NoError(t, err)
		require.Equal(t, []string{"c2", "c1"}, caseIDs(list))
		requireUTCMicros(received, list[1].ReceivedAt, "list received")

		updated := in(time.Hour+7*time.Microsecond, newYork)
		require.NoError(t, b.d.CaseSetStatus(b.ctx, &storage.CaseSetStatusParams{ID: "c1", From: statusNew, To: statusWorking, UpdatedAt: updated}))
		got = b.mustCase("c1")
		requireUTCMicros(updated, got.UpdatedAt, "status updated")
		requireUTCMicros(received, got.ReceivedAt, "status received")

		doc := b.document("doc1", "c1", []byte("x"))
		doc.CreatedAt = in(2*time.Hour, stockholm)
		b.insertDocument(b.d, doc)
		for _, withContent := range []bool{false, true} {
			docs := b.listDocuments(b.d, "c1", withContent)
			require.Len(t, docs, 1)
			requireUTCMicros(doc.CreatedAt, docs[0].CreatedAt, "document created")
		}

		entry := b.auditEntry("c1", 1, nil)
		entry.At = in(3*time.Hour, newYork)
		require.NoError(t, b.d.AuditAppend(b.ctx, &storage.AuditAppendParams{Entry: entry}))
		audit, err := b.d.AuditList(b.ctx, &storage.AuditListParams{CaseID: "c1"})
		require.NoError(t, err)
		require.Len(t, audit, 1)
		requireUTCMicros(entry.At, audit[0].At, "audit at")
	})

	t.Run("Context", s.testCaseContext)
	t.Run("Invalid", s.testCaseInvalid)
}

// writeWholeCase writes, through ex, everything a submit writes for case
// id of ownerA: a reference number, the case, two documents, flags and the
// first audit entry.
func writeWholeCase(t *testing.T, b *caseBundle, ex storage.Executor, id string) {
	t.Helper()
	n, err := ex.ReferenceNext(b.ctx, &storage.ReferenceNextParams{Prefix: casePrefix, Year: caseYear})
	require.NoError(t, err)
	_, err = ex.CaseInsert(b.ctx, b.caseParamsAt(id, ownerA, n))
	require.NoError(t, err)
	b.insertDocument(ex, b.document(id+"-app", id, []byte("application")))
	b.insertDocument(ex, b.document(id+"-att", id, []byte("attachment")))
	require.NoError(t, ex.FlagInsert(b.ctx, &storage.FlagInsertParams{CaseID: id, Flags: []storage.FlagRow{
		flag(id+"-f1", "sokande.personnummer", []string{"21 kap. 7 § OSL"}, false),
		flag(id+"-f2", "*", nil, true),
	}}))
	require.NoError(t, ex.AuditAppend(b.ctx, &storage.AuditAppendParams{Entry: b.auditEntry(id, 1, nil)}))
}

// requireWholeCase checks, through ex, what writeWholeCase wrote.
func requireWholeCase(t *testing.T, b *caseBundle, ex storage.Executor, id string) {
	t.Helper()
	c, err := ex.CaseGet(b.ctx, &storage.CaseGetParams{ID: id, Owner: ownerA})
	require.NoError(t, err)
	require.Equal(t, int64(1), c.AuditSeq)
	require.Equal(t, b.auditEntry(id, 1, nil).Hash, c.AuditHead)
	require.Equal(t, []byte(`{"case":"`+id+`"}`), c.Record)
	for _, fp := range []storage.CaseFindParams{{DraftID: "draft-" + id}, {Owner: ownerA, IdempotencyKey: "key-" + id}} {
		found, err := ex.CaseFind(b.ctx, &fp)
		require.NoError(t, err)
		require.Equal(t, id, found.ID)
	}
	list, err := ex.CaseList(b.ctx, &storage.CaseListParams{Owner: ownerA})
	require.NoError(t, err)
	require.Contains(t, caseIDs(list), id)
	docs := b.listDocuments(ex, id, true)
	require.Len(t, docs, 2)
	require.Equal(t, []byte("application"), docs[0].Content)
	require.Len(t, b.listFlags(ex, id), 2)
	audit, err := ex.AuditList(b.ctx, &storage.AuditListParams{CaseID: id})
	require.NoError(t, err)
	require.Len(t, audit, 1)
}

// requireCaseLeftovers checks, on the driver, that no list shows anything
// of case id of ownerA.
func requireCaseLeftovers(t *testing.T, b *caseBundle, id string) {
	t.Helper()
	list, err := b.d.CaseList(b.ctx, &storage.CaseListParams{Owner: ownerA})
	require.NoError(t, err)
	require.NotContains(t, caseIDs(list), id)
	list, err = b.d.CaseList(b.ctx, &storage.CaseListParams{Service: "bygglov"})
	require.NoError(t, err)
	require.NotContains(t, caseIDs(list), id)
	docs, err := b.d.DocumentList(b.ctx, &storage.DocumentListParams{CaseID: id, WithContent: true})
	requireNoneOrNotFound(t, docs, err)
	flags, err := b.d.FlagList(b.ctx, &storage.FlagListParams{CaseID: id})
	requireNoneOrNotFound(t, flags, err)
	audit, err := b.d.AuditList(b.ctx, &storage.AuditListParams{CaseID: id})
	requireNoneOrNotFound(t, audit, err)
}

// caseOp is one CaseExecutor method called with params that are valid for
// the fixture made by seedCase.
type caseOp struct {
	name string
	call func(ctx context.Context, b *caseBundle, ex storage.Executor) error
}

// seedCase inserts what caseOps' calls refer to: ownerA's case c1 with
// document doc1, flag f1 and audit entry 1.
func seedCase(b *caseBundle) {
	b.t.Helper()
	b.insertCase("c1", ownerA, nil)
	b.insertDocument(b.d, b.document("doc1", "c1", []byte("one")))
	require.NoError(b.t, b.d.FlagInsert(b.ctx, &storage.FlagInsertParams{CaseID: "c1", Flags: []storage.FlagRow{flag("f1", "a", nil, false)}}))
	require.NoError(b.t, b.d.AuditAppend(b.ctx, &storage.AuditAppendParams{Entry: b.auditEntry("c1", 1, nil)}))
}

// requireCaseSeedUnchanged checks that seedCase's rows are as inserted and
// nothing else was written. It consumes the first reference number.
func requireCaseSeedUnchanged(t *testing.T, b *caseBundle) {
	t.Helper()
	want := wantCase(b.caseParamsAt("c1", ownerA, 1))
	want.AuditSeq, want.AuditHead = 1, b.auditEntry("c1", 1, nil).Hash
	requireSameCase(t, want, b.mustCase("c1"))
	b.requireNoCase(b.d, "c2", ownerA)
	docs := b.listDocuments(b.d, "c1", true)
	require.Len(t, docs, 1)
	require.Equal(t, []byte("one"), docs[0].Content)
	requireFlags(t, "c1", []storage.FlagRow{flag("f1", "a", nil, false)}, b.listFlags(b.d, "c1"))
	audit, err := b.d.AuditList(b.ctx, &storage.AuditListParams{CaseID: "c1"})
	require.NoError(t, err)
	require.Len(t, audit, 1)
	n, err := b.d.ReferenceNext(b.ctx, &storage.ReferenceNextParams{Prefix: casePrefix, Year: caseYear})
	require.NoError(t, err)
	require.Equal(t, int64(1), n, "no reference number was taken")
}

// caseOps lists every CaseExecutor method once.
func caseOps() []caseOp {
	return []caseOp{
		{"ReferenceNext", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.ReferenceNext(ctx, &storage.ReferenceNextParams{Prefix: casePrefix, Year: caseYear})
			return err
		}},
		{"CaseInsert", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.CaseInsert(ctx, b.caseParamsAt("c2", ownerA, 2))
			return err
		}},
		{"CaseGet", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.CaseGet(ctx, &storage.CaseGetParams{ID: "c1", Owner: ownerA})
			return err
		}},
		{"CaseFind", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.CaseFind(ctx, &storage.CaseFindParams{DraftID: "draft-c1"})
			return err
		}},
		{"CaseList", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.CaseList(ctx, &storage.CaseListParams{Owner: ownerA})
			return err
		}},
		{"CaseSetStatus", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			return ex.CaseSetStatus(ctx, &storage.CaseSetStatusParams{ID: "c1", From: statusNew, To: statusClosed, UpdatedAt: b.now.Add(time.Hour)})
		}},
		{"DocumentInsert", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			return ex.DocumentInsert(ctx, &storage.DocumentInsertParams{Document: b.document("doc2", "c1", []byte("two"))})
		}},
		{"DocumentList", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.DocumentList(ctx, &storage.DocumentListParams{CaseID: "c1", WithContent: true})
			return err
		}},
		{"FlagInsert", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			return ex.FlagInsert(ctx, &storage.FlagInsertParams{CaseID: "c1", Flags: []storage.FlagRow{flag("f2", "b", nil, false)}})
		}},
		{"FlagList", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.FlagList(ctx, &storage.FlagListParams{CaseID: "c1"})
			return err
		}},
		{"AuditAppend", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			return ex.AuditAppend(ctx, &storage.AuditAppendParams{Entry: b.auditEntry("c1", 2, b.auditEntry("c1", 1, nil).Hash)})
		}},
		{"AuditList", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.AuditList(ctx, &storage.AuditListParams{CaseID: "c1"})
			return err
		}},
	}
}

// testCaseContext checks that every CaseExecutor method returns the
// context's error when its ctx is done, and that nothing was written.
func (s *suite) testCaseContext(t *testing.T) {
	for _, o := range caseOps() {
		t.Run("Driver/"+o.name, func(t *testing.T) {
			b := s.setupCase(t)
			seedCase(b)
			ctx, cancel := context.WithCancel(b.ctx)
			cancel()
			require.ErrorIs(t, o.call(ctx, b, b.d), context.Canceled)
			requireCaseSeedUnchanged(t, b)
		})
		t.Run("Tx/"+o.name, func(t *testing.T) {
			b := s.setupCase(t)
			seedCase(b)
			tx, err := b.d.Begin(b.ctx)
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(b.ctx)
			cancel()
			require.ErrorIs(t, o.call(ctx, b, tx), context.Canceled)
			require.NoError(t, tx.Rollback())
			requireCaseSeedUnchanged(t, b)
		})
		t.Run("Deadline/"+o.name, func(t *testing.T) {
			b := s.setupCase(t)
			seedCase(b)
			ctx, cancel := context.WithDeadline(b.ctx, time.Unix(0, 0))
			defer cancel()
			require.ErrorIs(t, o.call(ctx, b, b.d), context.DeadlineExceeded)
			requireCaseSeedUnchanged(t, b)
		})
	}
}

// testCaseInvalid checks that malformed params give ErrInvalid, never a
// panic, and change nothing, on the driver and inside a transaction.
func (s *suite) testCaseInvalid(t *testing.T) {
	type call = func(ctx context.Context, b *caseBundle, ex storage.Executor) error
	caseInsert := func(mod func(*storage.CaseInsertParams)) call {
		return func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			p := b.caseParamsAt("c2", ownerA, 2)
			mod(p)
			_, err := ex.CaseInsert(ctx, p)
			return err
		}
	}
	caseFind := func(p *storage.CaseFindParams) call {
		return func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.CaseFind(ctx, p)
			return err
		}
	}
	caseList := func(p *storage.CaseListParams) call {
		return func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.CaseList(ctx, p)
			return err
		}
	}
	setStatus := func(mod func(*storage.CaseSetStatusParams)) call {
		return func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			p := &storage.CaseSetStatusParams{ID: "c1", From: statusNew, To: statusClosed, UpdatedAt: b.now.Add(time.Hour)}
			mod(p)
			return ex.CaseSetStatus(ctx, p)
		}
	}
	documentInsert := func(mod func(*storage.DocumentRow)) call {
		return func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			d := b.document("doc2", "c1", []byte("two"))
			mod(&d)
			return ex.DocumentInsert(ctx, &storage.DocumentInsertParams{Document: d})
		}
	}
	flagInsert := func(p *storage.FlagInsertParams) call {
		return func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			return ex.FlagInsert(ctx, p)
		}
	}
	auditAppend := func(mod func(*storage.AuditRow)) call {
		return func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			e := b.auditEntry("c1", 2, b.auditEntry("c1", 1, nil).Hash)
			mod(&e)
			return ex.AuditAppend(ctx, &storage.AuditAppendParams{Entry: e})
		}
	}
	tests := []struct {
		name string
		call call
	}{
		// nil params, for every method
		{"ReferenceNext/nil", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.ReferenceNext(ctx, nil)
			return err
		}},
		{"CaseInsert/nil", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.CaseInsert(ctx, nil)
			return err
		}},
		{"CaseGet/nil", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.CaseGet(ctx, nil)
			return err
		}},
		{"CaseFind/nil", caseFind(nil)},
		{"CaseList/nil", caseList(nil)},
		{"CaseSetStatus/nil", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			return ex.CaseSetStatus(ctx, nil)
		}},
		{"DocumentInsert/nil", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			return ex.DocumentInsert(ctx, nil)
		}},
		{"DocumentList/nil", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.DocumentList(ctx, nil)
			return err
		}},
		{"FlagInsert/nil", flagInsert(nil)},
		{"FlagList/nil", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.FlagList(ctx, nil)
			return err
		}},
		{"AuditAppend/nil", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			return ex.AuditAppend(ctx, nil)
		}},
		{"AuditList/nil", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.AuditList(ctx, nil)
			return err
		}},

		// ReferenceNext
		{"ReferenceNext/zeroYear", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.ReferenceNext(ctx, &storage.ReferenceNextParams{Prefix: casePrefix})
			return err
		}},
		{"ReferenceNext/negativeYear", func(ctx context.Context, b *caseBundle, ex storage.Executor) error {
			_, err := ex.ReferenceNext(ctx, &storage.ReferenceNextParams{Prefix: casePrefix, Year: -caseYear})
			return err
		}},

		// CaseInsert: required fields
		{"CaseInsert/emptyID", caseInsert(func(p *storage.CaseInsertParams) { p.ID = "" })},
		{"CaseInsert/emptyReference", caseInsert(func(p *storage.CaseInsertParams) { p.Reference = "" })},
		{"CaseInsert/zeroYear", caseInsert(func(p *storage.CaseInsertParams) { p.Year = 0 })},
		{"CaseInsert/zeroSeq", caseInsert(func(p *storage.CaseInsertParams) { p.Seq = 0 })},
		{"CaseInsert/negativeSeq", caseInsert(func(p *storage.CaseInsertParams) { p.Seq = -2 })},
		{"CaseInsert/emptyService", caseInsert(func(p *storage.CaseInsertParams) { p.Service = "" })},
		{"CaseInsert/emptyOwner", caseInsert(func(p *storage.CaseInsertParams) { p.Owner = "" })},
		{"CaseInsert/emptyDraftID", caseInsert(func(p *storage.CaseInsertParams) { p.DraftID = "" })},
		{"CaseInsert/emptyStatus", caseInsert(func(p *storage.CaseInsertParams) { p.Status = "" })},
		{"CaseInsert/zeroReceivedAt", caseInsert(func(p *storage.CaseInsertParams) { p.ReceivedAt = time.Time{} })},
		{"CaseInsert/emptyDigest", caseInsert(func(p *storage.CaseInsertParams) { p.Digest = nil })},
		{"CaseInsert/emptyRecord", caseInsert(func(p *storage.CaseInsertParams) { p.Record = []byte{} })},

		// CaseFind: neither lookup
		{"CaseFind/empty", caseFind(&storage.CaseFindParams{})},
		{"CaseFind/ownerWithoutKey", caseFind(&storage.CaseFindParams{Owner: ownerA})},
		{"CaseFind/keyWithoutOwner", caseFind(&storage.CaseFindParams{IdempotencyKey: "key-c1"})},

		// CaseList: neither owner nor service, limits
		{"CaseList/empty", caseList(&storage.CaseListParams{})},
		{"CaseList/statusesOnly", caseList(&storage.CaseListParams{Statuses: []string{statusNew}})},
		{"CaseList/negativeLimit", caseList(&storage.CaseListParams{Owner: ownerA, Limit: -1})},
		{"CaseList/limitOverMax", caseList(&storage.CaseListParams{Service: "bygglov", Limit: storage.MaxLimit + 1})},
		{"CaseList/cursorWithoutID", caseList(&storage.CaseListParams{Owner: ownerA, After: storage.Cursor{At: time.Now()}})},
		{"CaseList/cursorWithoutTime", caseList(&storage.CaseListParams{Service: "bygglov", After: storage.Cursor{ID: "c1"}})},

		// CaseSetStatus
		{"CaseSetStatus/emptyTo", setStatus(func(p *storage.CaseSetStatusParams) { p.To = "" })},
		{"CaseSetStatus/zeroUpdatedAt", setStatus(func(p *storage.CaseSetStatusParams) { p.UpdatedAt = time.Time{} })},

		// DocumentInsert
		{"DocumentInsert/emptyID", documentInsert(func(d *storage.DocumentRow) { d.ID = "" })},
		{"DocumentInsert/emptyCaseID", documentInsert(func(d *storage.DocumentRow) { d.CaseID = "" })},
		{"DocumentInsert/emptyKind", documentInsert(func(d *storage.DocumentRow) { d.Kind = "" })},
		{"DocumentInsert/negativeSize", documentInsert(func(d *storage.DocumentRow) { d.Size = -1 })},
		{"DocumentInsert/zeroCreatedAt", documentInsert(func(d *storage.DocumentRow) { d.CreatedAt = time.Time{} })},

		// FlagInsert: a bad flag fails the whole batch
		{"FlagInsert/emptyCaseID", flagInsert(&storage.FlagInsertParams{Flags: []storage.FlagRow{flag("f2", "b", nil, false)}})},
		{"FlagInsert/flagWithoutID", flagInsert(&storage.FlagInsertParams{CaseID: "c1", Flags: []storage.FlagRow{
			flag("f2", "b", nil, false), flag("", "c", nil, false),
		}})},
		{"FlagInsert/flagWithoutPath", flagInsert(&storage.FlagInsertParams{CaseID: "c1", Flags: []storage.FlagRow{
			flag("f2", "b", nil, false), flag("f3", "", nil, false),
		}})},

		// AuditAppend
		{"AuditAppend/emptyCaseID", auditAppend(func(e *storage.AuditRow) { e.CaseID = "" })},
		{"AuditAppend/zeroSeq", auditAppend(func(e *storage.AuditRow) { e.Seq = 0 })},
		{"AuditAppend/negativeSeq", auditAppend(func(e *storage.AuditRow) { e.Seq = -1 })},
		{"AuditAppend/zeroAt", auditAppend(func(e *storage.AuditRow) { e.At = time.Time{} })},
		{"AuditAppend/emptyEvent", auditAppend(func(e *storage.AuditRow) { e.Event = "" })},
		{"AuditAppend/emptyHash", auditAppend(func(e *storage.AuditRow) { e.Hash = nil })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := s.setupCase(t)
			seedCase(b)
			require.NotPanics(t, func() {
				require.ErrorIs(t, tt.call(b.ctx, b, b.d), storage.ErrInvalid)
			})
			err := storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
				require.NotPanics(t, func() {
					require.ErrorIs(t, tt.call(ctx, b, tx), storage.ErrInvalid)
				})
				return nil
			})
			require.NoError(t, err)
			requireCaseSeedUnchanged(t, b)
		})
	}
}
