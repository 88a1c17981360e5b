package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

// auditEntry returns entry seq of case caseID, chained to prev (nil means
// the first entry's 32 zero bytes). Its hash is derived from the case, seq
// and prev only, so a test can recompute it; drivers never check the chain,
// which is the submission package's business.
func (b *caseBundle) auditEntry(caseID string, seq int64, prev []byte) storage.AuditRow {
	if prev == nil {
		prev = make([]byte, 32)
	}
	return storage.AuditRow{
		CaseID:   caseID,
		Seq:      seq,
		At:       b.now.Add(time.Duration(seq) * time.Minute),
		Actor:    "officer:handlaggare-1",
		Event:    "note",
		Data:     []byte(fmt.Sprintf(`{"seq":%d}`, seq)),
		PrevHash: clone(prev),
		Hash:     sum(fmt.Sprintf("%s/%d/%x", caseID, seq, prev)),
	}
}

// listAudit lists a case's audit log through ex, which must succeed.
func (b *caseBundle) listAudit(ex storage.Executor, caseID string) []*storage.AuditRow {
	b.t.Helper()
	rows, err := ex.AuditList(b.ctx, &storage.AuditListParams{CaseID: caseID})
	require.NoError(b.t, err)
	return rows
}

// requireAudit checks a listed audit log against want, treating nil and
// empty Data as equal.
func requireAudit(t *testing.T, want []storage.AuditRow, got []*storage.AuditRow) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		w, g := want[i], *got[i]
		w.At = storage.Time(w.At)
		w.Data, g.Data = emptyNil(w.Data), emptyNil(g.Data)
		require.Equal(t, w, g, "audit entry %d", i)
	}
}

// requireHead checks a case's audit fields.
func (b *caseBundle) requireHead(caseID string, seq int64, head []byte) {
	b.t.Helper()
	c := b.mustCase(caseID)
	require.Equal(b.t, seq, c.AuditSeq, "audit seq of %s", caseID)
	require.Equal(b.t, emptyNil(head), emptyNil(c.AuditHead), "audit head of %s", caseID)
}

// testAudit checks the per-case audit log: AuditAppend takes exactly the
// next sequence number and moves the case's head with it, atomically;
// AuditList returns the log in order. Malformed params and a done ctx are
// covered by the Case area's Invalid and Context tests.
func (s *suite) testAudit(t *testing.T) {
	t.Run("AppendAndList", func(t *testing.T) {
		b := s.setupCase(t)
		c1 := b.insertCase("c1", ownerA, nil)
		c2 := b.insertCase("c2", ownerB, nil)
		require.Empty(t, b.listAudit(b.d, "c1"))
		b.requireHead("c1", 0, nil)

		var want []storage.AuditRow
		var prev []byte
		for seq := int64(1); seq <= 3; seq++ {
			e := b.auditEntry("c1", seq, prev)
			switch seq {
			case 2:
				e.Data, e.Actor = nil, "" // a system event without data
			case 3:
				e.Data = []byte{0, 0xff, '"'}
			}
			require.NoError(t, b.d.AuditAppend(b.ctx, &storage.AuditAppendParams{Entry: e}))
			want = append(want, e)
			prev = e.Hash
			b.requireHead("c1", seq, e.Hash)
			requireAudit(t, want, b.listAudit(b.d, "c1"))
			// Another case's log starts at 1 on its own.
			if seq == 2 {
				require.NoError(t, b.d.AuditAppend(b.ctx, &storage.AuditAppendParams{Entry: b.auditEntry("c2", 1, nil)}))
			}
		}
		// The stored entries do not alias the params.
		want[0].Hash[0] ^= 0xff
		want[0].Hash = b.auditEntry("c1", 1, nil).Hash
		requireAudit(t, want, b.listAudit(b.d, "c1"))
		requireAudit(t, []storage.AuditRow{b.auditEntry("c2", 1, nil)}, b.listAudit(b.d, "c2"))
		b.requireHead("c2", 1, b.auditEntry("c2", 1, nil).Hash)

		// Only the audit fields of the case moved.
		c1.AuditSeq, c1.AuditHead = 3, prev
		requireSameCase(t, c1, b.mustCase("c1"))
		c2.AuditSeq, c2.AuditHead = 1, b.auditEntry("c2", 1, nil).Hash
		requireSameCase(t, c2, b.mustCase("c2"))
	})

	t.Run("WithTheCase", func(t *testing.T) {
		for _, inTx := range []bool{false, true} {
			t.Run(fmt.Sprintf("inTx=%v", inTx), func(t *testing.T) {
				b := s.setupCase(t)
				first := b.auditEntry("c1", 1, nil)
				p := b.caseParams("c1", ownerA)
				p.Audit = &first
				insert := func(ex storage.Executor, p *storage.CaseInsertParams) (*storage.CaseRow, error) {
					return ex.CaseInsert(b.ctx, p)
				}
				var row *storage.CaseRow
				var err error
				if inTx {
					err = storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
						row, err = insert(tx, p)
						return err
					})
				} else {
					row, err = insert(b.d, p)
				}
				require.NoError(t, err)
				require.Equal(t, int64(1), row.AuditSeq, "the returned row has the entry as its head")
				require.Equal(t, first.Hash, row.AuditHead)
				b.requireHead("c1", 1, first.Hash)
				requireAudit(t, []storage.AuditRow{first}, b.listAudit(b.d, "c1"))
				// The log goes on from it.
				second := b.auditEntry("c1", 2, first.Hash)
				require.NoError(t, b.d.AuditAppend(b.ctx, &storage.AuditAppendParams{Entry: second}))
				requireAudit(t, []storage.AuditRow{first, second}, b.listAudit(b.d, "c1"))

				// A case that conflicts writes no entry either; an entry
				// without the case's ID is the case's.
				again := b.caseParams("c2", ownerA)
				again.Reference = p.Reference
				other := b.auditEntry("c2", 1, nil)
				again.Audit = &other
				_, err = insert(b.d, again)
				require.ErrorIs(t, err, storage.ErrConflict)
				require.Empty(t, b.listAudit(b.d, "c2"))
				anon := b.auditEntry("", 1, nil)
				p3 := b.caseParams("c3", ownerA)
				p3.Audit = &anon
				_, err = insert(b.d, p3)
				require.NoError(t, err)
				got := b.listAudit(b.d, "c3")
				require.Len(t, got, 1)
				require.Equal(t, "c3", got[0].CaseID)

				// Only entry 1 of this case, with time, event and hash.
				for name, mod := range map[string]func(*storage.AuditRow){
					"seq2":      func(a *storage.AuditRow) { a.Seq = 2 },
					"otherCase": func(a *storage.AuditRow) { a.CaseID = "c1" },
					"noHash":    func(a *storage.AuditRow) { a.Hash = nil },
					"noEvent":   func(a *storage.AuditRow) { a.Event = "" },
					"noTime":    func(a *storage.AuditRow) { a.At = time.Time{} },
				} {
					bad := b.auditEntry("c4", 1, nil)
					mod(&bad)
					p4 := b.caseParams("c4", ownerA)
					p4.Audit = &bad
					_, err := insert(b.d, p4)
					require.ErrorIs(t, err, storage.ErrInvalid, name)
					_, err = b.d.CaseGet(b.ctx, &storage.CaseGetParams{ID: "c4"})
					require.ErrorIs(t, err, storage.ErrNotFound, "%s: no case either", name)
				}
			})
		}
	})

	t.Run("SeqMustBeLastPlusOne", func(t *testing.T) {
		b := s.setupCase(t)
		b.insertCase("c1", ownerA, nil)
		steps := []struct {
			seq     int64
			wantErr error
		}{
			{2, storage.ErrConflict}, // ahead of an empty log
			{1, nil},
			{1, storage.ErrConflict}, // taken
			{3, storage.ErrConflict}, // a gap
			{2, nil},
			{1, storage.ErrConflict},
			{2, storage.ErrConflict},
			{4, storage.ErrConflict},
			{3, nil},
			{1000, storage.ErrConflict},
		}
		var want []storage.AuditRow
		var head []byte
		for i, st := range steps {
			e := b.auditEntry("c1", st.seq, head)
			if st.wantErr != nil {
				// A loser's entry differs from any accepted one.
				e.Event, e.Hash = "lost", sum(fmt.Sprintf("lost %d", i))
			}
			err := b.d.AuditAppend(b.ctx, &storage.AuditAppendParams{Entry: e})
			if st.wantErr != nil {
				require.ErrorIs(t, err, st.wantErr, "step %d: seq %d", i, st.seq)
			} else {
				require.NoError(t, err, "step %d: seq %d", i, st.seq)
				want = append(want, e)
				head = e.Hash
			}
			b.requireHead("c1", int64(len(want)), head)
			requireAudit(t, want, b.listAudit(b.d, "c1"))
		}
	})

	t.Run("MissingCaseIsNotFound", func(t *testing.T) {
		b := s.setupCase(t)
		b.insertCase("c1", ownerA, nil)
		for _, seq := range []int64{1, 2} {
			err := b.d.AuditAppend(b.ctx, &storage.AuditAppendParams{Entry: b.auditEntry("missing", seq, nil)})
			require.ErrorIs(t, err, storage.ErrNotFound, "seq %d", seq)
		}
		rows, err := b.d.AuditList(b.ctx, &storage.AuditListParams{CaseID: "missing"})
		requireNoneOrNotFound(t, rows, err)
		require.Empty(t, b.listAudit(b.d, "c1"))
		b.requireHead("c1", 0, nil)
	})

	t.Run("InTx", func(t *testing.T) {
		b := s.setupCase(t)
		b.insertCase("c1", ownerA, nil)
		e1 := b.auditEntry("c1", 1, nil)
		e2 := b.auditEntry("c1", 2, e1.Hash)
		errRollback := errors.New("roll back")
		err := storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.AuditAppend(ctx, &storage.AuditAppendParams{Entry: e1}))
			require.NoError(t, tx.AuditAppend(ctx, &storage.AuditAppendParams{Entry: e2}))
			requireAudit(t, []storage.AuditRow{e1, e2}, b.listAudit(tx, "c1"))
			c, err := tx.CaseGet(ctx, &storage.CaseGetParams{ID: "c1"})
			require.NoError(t, err)
			require.Equal(t, int64(2), c.AuditSeq)
			require.Equal(t, e2.Hash, c.AuditHead)
			// Not visible outside yet.
			require.Empty(t, b.listAudit(b.d, "c1"))
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		require.Empty(t, b.listAudit(b.d, "c1"))
		b.requireHead("c1", 0, nil)

		// The numbers are free again; committed they stay.
		require.NoError(t, storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.AuditAppend(ctx, &storage.AuditAppendParams{Entry: e1}); err != nil {
				return err
			}
			return tx.AuditAppend(ctx, &storage.AuditAppendParams{Entry: e2})
		}))
		requireAudit(t, []storage.AuditRow{e1, e2}, b.listAudit(b.d, "c1"))
		b.requireHead("c1", 2, e2.Hash)
	})

	t.Run("ConcurrentAppendsOfOneSeqExactlyOneWins", func(t *testing.T) {
		b := s.setupCase(t)
		b.insertCase("c1", ownerA, nil)
		n := s.opts.concurrency()
		var (
			wg         sync.WaitGroup
			mu         sync.Mutex
			winners    []storage.AuditRow
			conflicts  int
			unexpected []error
		)
		start := make(chan struct{})
		for i := range n {
			e := b.auditEntry("c1", 1, nil)
			e.Actor, e.Hash = fmt.Sprintf("officer:%d", i), sum(fmt.Sprintf("entry %d", i))
			wg.Go(func() {
				<-start
				err := b.d.AuditAppend(b.ctx, &storage.AuditAppendParams{Entry: e})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					winners = append(winners, e)
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
		requireAudit(t, winners, b.listAudit(b.d, "c1"))
		b.requireHead("c1", 1, winners[0].Hash)
	})

	t.Run("ConcurrentWritersKeepOneChain", func(t *testing.T) {
		// Writers append by reading the head and taking the next number,
		// retrying on conflict, each in a transaction as the submission
		// package does. No entry is lost and the chain has no fork.
		b := s.setupCase(t)
		b.insertCase("c1", ownerA, nil)
		writers, each := s.opts.concurrency(), 3
		var (
			wg         sync.WaitGroup
			mu         sync.Mutex
			unexpected []error
		)
		start := make(chan struct{})
		for w := range writers {
			wg.Go(func() {
				<-start
				// Every attempt but a writer's own successes loses to
				// another writer's success, so this bound is never hit
				// by a correct driver.
				for j, attempts := 0, 0; j < each; attempts++ {
					if attempts > writers*each {
						mu.Lock()
						unexpected = append(unexpected, fmt.Errorf("writer %d: no progress after %d attempts", w, attempts))
						mu.Unlock()
						return
					}
					err := storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
						c, err := tx.CaseGet(ctx, &storage.CaseGetParams{ID: "c1"})
						if err != nil {
							return err
						}
						e := b.auditEntry("c1", c.AuditSeq+1, c.AuditHead)
						if c.AuditSeq == 0 {
							e = b.auditEntry("c1", 1, nil)
						}
						e.Actor = fmt.Sprintf("officer:%d", w)
						return tx.AuditAppend(ctx, &storage.AuditAppendParams{Entry: e})
					})
					switch {
					case err == nil:
						j++
					case errors.Is(err, storage.ErrConflict):
						// Lost a race: read the new head and try again.
					default:
						mu.Lock()
						unexpected = append(unexpected, err)
						mu.Unlock()
						return
					}
				}
			})
		}
		close(start)
		wg.Wait()
		require.Empty(t, unexpected)
		rows := b.listAudit(b.d, "c1")
		require.Len(t, rows, writers*each)
		perWriter := map[string]int{}
		var prev []byte
		for i, r := range rows {
			require.Equal(t, int64(i+1), r.Seq)
			want := b.auditEntry("c1", r.Seq, prev)
			require.Equal(t, want.PrevHash, r.PrevHash, "entry %d", i+1)
			require.Equal(t, want.Hash, r.Hash, "entry %d", i+1)
			prev = r.Hash
			perWriter[r.Actor]++
		}
		require.Len(t, perWriter, writers)
		for actor, n := range perWriter {
			require.Equal(t, each, n, actor)
		}
		b.requireHead("c1", int64(writers*each), prev)
	})
}
