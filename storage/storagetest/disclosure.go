package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

// disclosureRow returns a request for case caseID created at b.now+offset.
func (b *caseBundle) disclosureRow(id, caseID string, offset time.Duration) storage.DisclosureRow {
	return storage.DisclosureRow{ID: id, CaseID: caseID, Service: "bygglov", Requester: "journalist@example.se",
		Status: "open", CreatedAt: b.now.Add(offset)}
}

func (s *suite) testDisclosure(t *testing.T) {
	t.Run("InsertGetList", func(t *testing.T) {
		b := s.setupCase(t)
		b.insertCase("c1", ownerA, nil)
		for i, id := range []string{"r1", "r2", "r3"} {
			r := b.disclosureRow(id, "c1", time.Duration(i)*time.Minute)
			if id == "r2" {
				r.DocumentID, r.Owner, r.Requester, r.RequesterKey = "doc-1", ownerA, "", ownerA
			}
			require.NoError(t, b.d.DisclosureInsert(b.ctx, &storage.DisclosureInsertParams{Request: r}))
		}
		got, err := b.d.DisclosureGet(b.ctx, &storage.DisclosureGetParams{ID: "r2"})
		require.NoError(t, err)
		require.Equal(t, "c1", got.CaseID)
		require.Equal(t, "bygglov", got.Service)
		require.Equal(t, "doc-1", got.DocumentID)
		require.Equal(t, ownerA, got.Owner)
		require.Equal(t, ownerA, got.RequesterKey)
		require.Empty(t, got.Requester, "a request may be anonymous")
		require.Equal(t, "open", got.Status)
		requireStoredTime(t, b.now.Add(time.Minute), got.CreatedAt)
		require.Empty(t, got.Decision)
		require.Empty(t, got.Release)

		list, err := b.d.DisclosureList(b.ctx, &storage.DisclosureListParams{Service: "bygglov"})
		require.NoError(t, err)
		require.Equal(t, []string{"r1", "r2", "r3"}, disclosureIDs(list), "oldest first")
		require.Equal(t, ownerA, list[1].RequesterKey)
		require.Empty(t, list[0].RequesterKey)
		list, err = b.d.DisclosureList(b.ctx, &storage.DisclosureListParams{Service: "bygglov", Limit: 2})
		require.NoError(t, err)
		require.Equal(t, []string{"r1", "r2"}, disclosureIDs(list))
		list, err = b.d.DisclosureList(b.ctx, &storage.DisclosureListParams{Service: "annan"})
		require.NoError(t, err)
		require.Empty(t, list)

		err = b.d.DisclosureInsert(b.ctx, &storage.DisclosureInsertParams{Request: b.disclosureRow("r1", "c1", 0)})
		require.ErrorIs(t, err, storage.ErrConflict, "a used ID")
		err = b.d.DisclosureInsert(b.ctx, &storage.DisclosureInsertParams{Request: b.disclosureRow("r9", "no-such-case", 0)})
		require.ErrorIs(t, err, storage.ErrNotFound, "a missing case")
		_, err = b.d.DisclosureGet(b.ctx, &storage.DisclosureGetParams{ID: "nope"})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})

	t.Run("DecideAndFinish", func(t *testing.T) {
		b := s.setupCase(t)
		b.insertCase("c1", ownerA, nil)
		require.NoError(t, b.d.DisclosureInsert(b.ctx, &storage.DisclosureInsertParams{Request: b.disclosureRow("r1", "c1", 0)}))
		decide := func(flag, outcome, status string) error {
			return b.d.DisclosureDecide(b.ctx, &storage.DisclosureDecideParams{Status: status, Decision: storage.DisclosureDecisionRow{
				RequestID: "r1", FlagID: flag, Outcome: outcome, OSL: "25:1", Reasoning: "skäl", Officer: "officer:anna", DecidedAt: b.now}})
		}
		require.NoError(t, decide("f2", "mask", "open"))
		require.NoError(t, decide("f1", "release", "open"))
		require.NoError(t, decide("f2", "withhold", "open"), "a decision may be changed while the request is open")
		ds, err := b.d.DisclosureDecisions(b.ctx, &storage.DisclosureDecisionsParams{RequestID: "r1"})
		require.NoError(t, err)
		require.Len(t, ds, 2)
		require.Equal(t, "f1", ds[0].FlagID)
		require.Equal(t, "withhold", ds[1].Outcome)
		require.Equal(t, "25:1", ds[1].OSL)
		require.Equal(t, "officer:anna", ds[1].Officer)
		requireStoredTime(t, b.now, ds[1].DecidedAt)

		require.ErrorIs(t, decide("f3", "mask", "released"), storage.ErrConflict, "status no longer as required")
		err = b.d.DisclosureDecide(b.ctx, &storage.DisclosureDecideParams{Status: "open", Decision: storage.DisclosureDecisionRow{
			RequestID: "nope", FlagID: "f1", Outcome: "mask", DecidedAt: b.now}})
		require.ErrorIs(t, err, storage.ErrNotFound)

		finish := &storage.DisclosureFinishParams{ID: "r1", From: "open", To: "released", Decision: []byte(`{"beslut":1}`),
			Release: []byte(`{"copy":1}`), UpdatedAt: b.now.Add(time.Hour)}
		require.NoError(t, b.d.DisclosureFinish(b.ctx, finish))
		got, err := b.d.DisclosureGet(b.ctx, &storage.DisclosureGetParams{ID: "r1"})
		require.NoError(t, err)
		require.Equal(t, "released", got.Status)
		require.Equal(t, []byte(`{"beslut":1}`), got.Decision)
		require.Equal(t, []byte(`{"copy":1}`), got.Release)
		requireStoredTime(t, b.now.Add(time.Hour), got.UpdatedAt)
		require.ErrorIs(t, b.d.DisclosureFinish(b.ctx, finish), storage.ErrConflict, "already finished")
		require.ErrorIs(t, decide("f1", "mask", "open"), storage.ErrConflict, "no decisions after release")
		finish.ID = "nope"
		require.ErrorIs(t, b.d.DisclosureFinish(b.ctx, finish), storage.ErrNotFound)

		list, err := b.d.DisclosureList(b.ctx, &storage.DisclosureListParams{Service: "bygglov", Statuses: []string{"open"}})
		require.NoError(t, err)
		require.Empty(t, list)
		list, err = b.d.DisclosureList(b.ctx, &storage.DisclosureListParams{Service: "bygglov", Statuses: []string{"open", "released"}})
		require.NoError(t, err)
		require.Equal(t, []string{"r1"}, disclosureIDs(list))
	})

	t.Run("RollbackLeavesNothing", func(t *testing.T) {
		b := s.setupCase(t)
		b.insertCase("c1", ownerA, nil)
		tx, err := b.d.Begin(b.ctx)
		require.NoError(t, err)
		require.NoError(t, tx.DisclosureInsert(b.ctx, &storage.DisclosureInsertParams{Request: b.disclosureRow("r1", "c1", 0)}))
		require.NoError(t, tx.DisclosureDecide(b.ctx, &storage.DisclosureDecideParams{Status: "open", Decision: storage.DisclosureDecisionRow{
			RequestID: "r1", FlagID: "f1", Outcome: "release", DecidedAt: b.now}}))
		got, err := tx.DisclosureGet(b.ctx, &storage.DisclosureGetParams{ID: "r1"})
		require.NoError(t, err, "a transaction reads its own writes")
		require.Equal(t, "r1", got.ID)
		require.NoError(t, tx.Rollback())
		_, err = b.d.DisclosureGet(b.ctx, &storage.DisclosureGetParams{ID: "r1"})
		require.ErrorIs(t, err, storage.ErrNotFound)
		ds, err := b.d.DisclosureDecisions(b.ctx, &storage.DisclosureDecisionsParams{RequestID: "r1"})
		require.NoError(t, err)
		require.Empty(t, ds)
	})

	t.Run("ListPages", func(t *testing.T) {
		b := s.setupCase(t)
		b.insertCase("c1", ownerA, nil)
		// r2, r3 and r4 are filed at the same moment: the ID orders them.
		for id, offset := range map[string]time.Duration{"r1": 0, "r3": time.Minute, "r2": time.Minute, "r4": time.Minute, "r5": 2 * time.Minute} {
			r := b.disclosureRow(id, "c1", offset)
			if id == "r3" {
				r.Status = "released"
			}
			require.NoError(t, b.d.DisclosureInsert(b.ctx, &storage.DisclosureInsertParams{Request: r}))
		}
		pages := func(p storage.DisclosureListParams) [][]string {
			return listPages(t, func(after storage.Cursor) ([]string, storage.Cursor, error) {
				p.After = after
				list, err := b.d.DisclosureList(b.ctx, &p)
				if err != nil || len(list) == 0 {
					return nil, storage.Cursor{}, err
				}
				last := list[len(list)-1]
				return disclosureIDs(list), storage.Cursor{At: last.CreatedAt, ID: last.ID}, nil
			})
		}
		require.Equal(t, [][]string{{"r1", "r2"}, {"r3", "r4"}, {"r5"}}, pages(storage.DisclosureListParams{Service: "bygglov", Limit: 2}))
		require.Equal(t, [][]string{{"r1", "r2", "r4"}, {"r5"}}, pages(storage.DisclosureListParams{Service: "bygglov", Statuses: []string{"open"}, Limit: 3}))
		list, err := b.d.DisclosureList(b.ctx, &storage.DisclosureListParams{Service: "bygglov", After: storage.Cursor{At: b.now.Add(time.Minute), ID: "r25"}})
		require.NoError(t, err)
		require.Equal(t, []string{"r3", "r4", "r5"}, disclosureIDs(list), "a cursor need not be a request that exists")
	})

	t.Run("Invalid", func(t *testing.T) {
		b := s.setupCase(t)
		ex := storage.Executor(b.d)
		require.ErrorIs(t, ex.DisclosureInsert(b.ctx, nil), storage.ErrInvalid)
		require.ErrorIs(t, ex.DisclosureInsert(b.ctx, &storage.DisclosureInsertParams{}), storage.ErrInvalid)
		_, err := ex.DisclosureGet(b.ctx, nil)
		require.ErrorIs(t, err, storage.ErrInvalid)
		_, err = ex.DisclosureList(b.ctx, &storage.DisclosureListParams{})
		require.ErrorIs(t, err, storage.ErrInvalid, "a service is required")
		_, err = ex.DisclosureList(b.ctx, &storage.DisclosureListParams{Service: "x", Limit: -1})
		require.ErrorIs(t, err, storage.ErrInvalid)
		_, err = ex.DisclosureList(b.ctx, &storage.DisclosureListParams{Service: "x", After: storage.Cursor{ID: "r1"}})
		require.ErrorIs(t, err, storage.ErrInvalid, "half a cursor")
		_, err = ex.DisclosureList(b.ctx, &storage.DisclosureListParams{Service: "x", After: storage.Cursor{At: b.now}})
		require.ErrorIs(t, err, storage.ErrInvalid, "half a cursor")
		require.ErrorIs(t, ex.DisclosureDecide(b.ctx, &storage.DisclosureDecideParams{}), storage.ErrInvalid)
		_, err = ex.DisclosureDecisions(b.ctx, nil)
		require.ErrorIs(t, err, storage.ErrInvalid)
		require.ErrorIs(t, ex.DisclosureFinish(b.ctx, &storage.DisclosureFinishParams{ID: "r1"}), storage.ErrInvalid)
	})

	t.Run("CancelledContext", func(t *testing.T) {
		b := s.setupCase(t)
		ctx, cancel := context.WithCancel(b.ctx)
		cancel()
		_, err := b.d.DisclosureGet(ctx, &storage.DisclosureGetParams{ID: "r1"})
		require.ErrorIs(t, err, context.Canceled)
		require.ErrorIs(t, b.d.DisclosureInsert(ctx, &storage.DisclosureInsertParams{Request: b.disclosureRow("r1", "c1", 0)}), context.Canceled)
	})
}

func disclosureIDs(rows []*storage.DisclosureRow) []string {
	out := []string{}
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

// requireStoredTime checks that got is want as stored: UTC, microseconds.
func requireStoredTime(t *testing.T, want, got time.Time) {
	t.Helper()
	require.Equal(t, time.UTC, got.Location())
	require.Equal(t, storage.Time(want), got)
}
