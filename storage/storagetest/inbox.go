package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

// inboxParams returns valid insert params for message id of owner, created
// at b.now plus offset.
func (b *bundle) inboxParams(id, owner string, offset time.Duration) *storage.InboxInsertParams {
	return &storage.InboxInsertParams{
		ID:        id,
		Owner:     owner,
		Kind:      "newMessage",
		CaseRef:   "KS 2030/0042",
		Payload:   []byte("message:" + id),
		CreatedAt: b.now.Add(offset),
	}
}

func (b *bundle) insertInbox(id, owner string, offset time.Duration) {
	b.t.Helper()
	require.NoError(b.t, b.d.InboxInsert(b.ctx, b.inboxParams(id, owner, offset)))
}

func (b *bundle) mustInbox(id, owner string) *storage.InboxRow {
	b.t.Helper()
	row, err := b.d.InboxGet(b.ctx, &storage.InboxGetParams{ID: id, Owner: owner})
	require.NoError(b.t, err)
	return row
}

func (b *bundle) inboxList(owner string, unread bool, limit int) []string {
	b.t.Helper()
	rows, err := b.d.InboxList(b.ctx, &storage.InboxListParams{Owner: owner, UnreadOnly: unread, Limit: limit})
	require.NoError(b.t, err)
	require.NotNil(b.t, rows, "no messages must be an empty slice")
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

func (b *bundle) unread(owner string) int {
	b.t.Helper()
	n, err := b.d.InboxUnreadCount(b.ctx, &storage.InboxUnreadCountParams{Owner: owner})
	require.NoError(b.t, err)
	return n
}

func (s *suite) testInbox(t *testing.T) {
	t.Run("InsertThenGet", func(t *testing.T) {
		b := s.setup(t)
		zone := time.FixedZone("CEST", 2*60*60)
		p := b.inboxParams("m1", ownerA, 0)
		p.CreatedAt = p.CreatedAt.Add(1500 * time.Nanosecond).In(zone)
		require.NoError(t, b.d.InboxInsert(b.ctx, p))
		require.Equal(t, &storage.InboxRow{
			ID: "m1", Owner: ownerA, Kind: "newMessage", CaseRef: "KS 2030/0042",
			Payload: []byte("message:m1"), CreatedAt: storage.Time(p.CreatedAt),
		}, b.mustInbox("m1", ownerA))
		_, err := b.d.InboxGet(b.ctx, &storage.InboxGetParams{ID: "nope", Owner: ownerA})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})

	t.Run("DuplicateIDIsConflict", func(t *testing.T) {
		b := s.setup(t)
		b.insertInbox("m1", ownerA, 0)
		for _, owner := range []string{ownerA, ownerB} {
			err := b.d.InboxInsert(b.ctx, b.inboxParams("m1", owner, time.Second))
			require.ErrorIs(t, err, storage.ErrConflict, owner)
		}
		require.Equal(t, b.now, b.mustInbox("m1", ownerA).CreatedAt)
	})

	t.Run("ListNewestFirst", func(t *testing.T) {
		b := s.setup(t)
		b.insertInbox("m1", ownerA, time.Minute)
		b.insertInbox("m3", ownerA, 3*time.Minute)
		b.insertInbox("m2", ownerA, 2*time.Minute)
		b.insertInbox("m2b", ownerA, 2*time.Minute) // same time: ID descending
		b.insertInbox("x1", ownerB, 5*time.Minute)
		require.Equal(t, []string{"m3", "m2b", "m2", "m1"}, b.inboxList(ownerA, false, 0))
		require.Equal(t, []string{"m3", "m2b"}, b.inboxList(ownerA, false, 2))
		require.Empty(t, b.inboxList("owner-without-messages", false, 0))
		rows, err := b.d.InboxList(b.ctx, &storage.InboxListParams{Owner: ownerA, Limit: 1})
		require.NoError(t, err)
		require.Equal(t, []byte("message:m3"), rows[0].Payload, "lists carry payloads")
	})

	t.Run("UnreadCountAndMarkRead", func(t *testing.T) {
		b := s.setup(t)
		for i := range 3 {
			b.insertInbox(fmt.Sprintf("m%d", i), ownerA, time.Duration(i)*time.Minute)
		}
		b.insertInbox("x1", ownerB, 0)
		require.Equal(t, 3, b.unread(ownerA))
		require.Zero(t, b.unread("owner-without-messages"))

		read := b.now.Add(time.Hour)
		require.NoError(t, b.d.InboxMarkRead(b.ctx, &storage.InboxMarkReadParams{ID: "m1", Owner: ownerA, ReadAt: read}))
		require.Equal(t, 2, b.unread(ownerA))
		require.Equal(t, read, b.mustInbox("m1", ownerA).ReadAt)
		require.Equal(t, []string{"m2", "m0"}, b.inboxList(ownerA, true, 0))
		require.Equal(t, []string{"m2"}, b.inboxList(ownerA, true, 1))
		require.Equal(t, []string{"m2", "m1", "m0"}, b.inboxList(ownerA, false, 0))

		// Marking again keeps the first read time.
		require.NoError(t, b.d.InboxMarkRead(b.ctx, &storage.InboxMarkReadParams{ID: "m1", Owner: ownerA, ReadAt: read.Add(time.Hour)}))
		require.Equal(t, read, b.mustInbox("m1", ownerA).ReadAt)
		require.Equal(t, 2, b.unread(ownerA))
		require.Equal(t, 1, b.unread(ownerB))

		err := b.d.InboxMarkRead(b.ctx, &storage.InboxMarkReadParams{ID: "nope", Owner: ownerA, ReadAt: read})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})

	for _, inTx := range []bool{false, true} {
		name := "AnotherOwnersMessageIsNotFound/Driver"
		if inTx {
			name = "AnotherOwnersMessageIsNotFound/Tx"
		}
		t.Run(name, func(t *testing.T) {
			b := s.setup(t)
			b.insertInbox("m1", ownerA, 0)
			b.insertInbox("b1", ownerB, 0)
			run := func(fn func(ctx context.Context, ex storage.Executor)) {
				if !inTx {
					fn(b.ctx, b.d)
					return
				}
				require.NoError(t, storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
					fn(ctx, tx)
					return nil
				}))
			}
			run(func(ctx context.Context, ex storage.Executor) {
				_, err := ex.InboxGet(ctx, &storage.InboxGetParams{ID: "m1", Owner: ownerB})
				require.ErrorIs(t, err, storage.ErrNotFound)
				err = ex.InboxMarkRead(ctx, &storage.InboxMarkReadParams{ID: "m1", Owner: ownerB, ReadAt: b.now})
				require.ErrorIs(t, err, storage.ErrNotFound)
				rows, err := ex.InboxList(ctx, &storage.InboxListParams{Owner: ownerB})
				require.NoError(t, err)
				require.Len(t, rows, 1)
				require.Equal(t, "b1", rows[0].ID)
				n, err := ex.InboxUnreadCount(ctx, &storage.InboxUnreadCountParams{Owner: ownerB})
				require.NoError(t, err)
				require.Equal(t, 1, n)
			})
			require.True(t, b.mustInbox("m1", ownerA).ReadAt.IsZero(), "ownerA's message is still unread")
			require.Equal(t, 1, b.unread(ownerA))
		})
	}

	t.Run("RollbackLeavesNothing", func(t *testing.T) {
		b := s.setup(t)
		b.insertInbox("m0", ownerA, 0)
		tx, err := b.d.Begin(b.ctx)
		require.NoError(t, err)
		require.NoError(t, tx.InboxInsert(b.ctx, b.inboxParams("m1", ownerA, time.Second)))
		require.NoError(t, tx.InboxMarkRead(b.ctx, &storage.InboxMarkReadParams{ID: "m0", Owner: ownerA, ReadAt: b.now}))
		n, err := tx.InboxUnreadCount(b.ctx, &storage.InboxUnreadCountParams{Owner: ownerA})
		require.NoError(t, err)
		require.Equal(t, 1, n, "the tx sees its own writes")
		require.NoError(t, tx.Rollback())
		require.Equal(t, []string{"m0"}, b.inboxList(ownerA, true, 0))
	})

	t.Run("Invalid", func(t *testing.T) {
		b := s.setup(t)
		b.insertInbox("m1", ownerA, 0)
		ins := func(mod func(*storage.InboxInsertParams)) error {
			p := b.inboxParams("m2", ownerA, 0)
			mod(p)
			return b.d.InboxInsert(b.ctx, p)
		}
		calls := []struct {
			name string
			call func() error
		}{
			{"Insert/nil", func() error { return b.d.InboxInsert(b.ctx, nil) }},
			{"Insert/id", func() error { return ins(func(p *storage.InboxInsertParams) { p.ID = "" }) }},
			{"Insert/owner", func() error { return ins(func(p *storage.InboxInsertParams) { p.Owner = "" }) }},
			{"Insert/created", func() error { return ins(func(p *storage.InboxInsertParams) { p.CreatedAt = time.Time{} }) }},
			{"Get/nil", func() error { _, err := b.d.InboxGet(b.ctx, nil); return err }},
			{"Get/owner", func() error { _, err := b.d.InboxGet(b.ctx, &storage.InboxGetParams{ID: "m1"}); return err }},
			{"List/nil", func() error { _, err := b.d.InboxList(b.ctx, nil); return err }},
			{"List/owner", func() error { _, err := b.d.InboxList(b.ctx, &storage.InboxListParams{}); return err }},
			{"List/limit", func() error {
				_, err := b.d.InboxList(b.ctx, &storage.InboxListParams{Owner: ownerA, Limit: storage.MaxLimit + 1})
				return err
			}},
			{"Unread/nil", func() error { _, err := b.d.InboxUnreadCount(b.ctx, nil); return err }},
			{"Unread/owner", func() error {
				_, err := b.d.InboxUnreadCount(b.ctx, &storage.InboxUnreadCountParams{})
				return err
			}},
			{"MarkRead/nil", func() error { return b.d.InboxMarkRead(b.ctx, nil) }},
			{"MarkRead/owner", func() error {
				return b.d.InboxMarkRead(b.ctx, &storage.InboxMarkReadParams{ID: "m1", ReadAt: b.now})
			}},
			{"MarkRead/time", func() error {
				return b.d.InboxMarkRead(b.ctx, &storage.InboxMarkReadParams{ID: "m1", Owner: ownerA})
			}},
		}
		for _, c := range calls {
			require.ErrorIs(t, c.call(), storage.ErrInvalid, c.name)
		}
		require.Equal(t, []string{"m1"}, b.inboxList(ownerA, true, 0))
	})

	t.Run("CancelledContext", func(t *testing.T) {
		b := s.setup(t)
		b.insertInbox("m1", ownerA, 0)
		ctx, cancel := context.WithCancel(b.ctx)
		cancel()
		calls := []func(ex storage.Executor) error{
			func(ex storage.Executor) error { return ex.InboxInsert(ctx, b.inboxParams("m2", ownerA, 0)) },
			func(ex storage.Executor) error {
				_, err := ex.InboxGet(ctx, &storage.InboxGetParams{ID: "m1", Owner: ownerA})
				return err
			},
			func(ex storage.Executor) error {
				_, err := ex.InboxList(ctx, &storage.InboxListParams{Owner: ownerA})
				return err
			},
			func(ex storage.Executor) error {
				_, err := ex.InboxUnreadCount(ctx, &storage.InboxUnreadCountParams{Owner: ownerA})
				return err
			},
			func(ex storage.Executor) error {
				return ex.InboxMarkRead(ctx, &storage.InboxMarkReadParams{ID: "m1", Owner: ownerA, ReadAt: b.now})
			},
		}
		for i, call := range calls {
			require.ErrorIs(t, call(b.d), context.Canceled, "driver call %d", i)
			tx, err := b.d.Begin(b.ctx)
			require.NoError(t, err)
			require.ErrorIs(t, call(tx), context.Canceled, "tx call %d", i)
			require.NoError(t, tx.Rollback())
		}
		require.Equal(t, []string{"m1"}, b.inboxList(ownerA, true, 0))
	})
}
