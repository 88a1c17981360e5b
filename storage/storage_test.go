package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

// fakeTx records how it was ended. Its Executor methods are not used.
type fakeTx struct {
	storage.Executor
	commits, rollbacks int
	commitErr          error
}

func (tx *fakeTx) Commit() error   { tx.commits++; return tx.commitErr }
func (tx *fakeTx) Rollback() error { tx.rollbacks++; return nil }

type fakeDriver struct {
	storage.Executor
	tx       *fakeTx
	beginErr error
}

func (d *fakeDriver) Begin(context.Context) (storage.Tx, error) {
	if d.beginErr != nil {
		return nil, d.beginErr
	}
	return d.tx, nil
}
func (d *fakeDriver) Close() error { return nil }

func TestWithTx(t *testing.T) {
	t.Parallel()
	errFn := errors.New("fn failed")
	errCommit := errors.New("commit failed")
	errBegin := errors.New("begin failed")
	tests := []struct {
		name          string
		fn            func(context.Context, storage.Tx) error
		commitErr     error
		beginErr      error
		wantErr       error
		wantCommits   int
		wantRollbacks int
	}{
		{name: "nil commits", fn: func(context.Context, storage.Tx) error { return nil }, wantCommits: 1},
		{name: "error rolls back", fn: func(context.Context, storage.Tx) error { return errFn }, wantErr: errFn, wantRollbacks: 1},
		{name: "wrapped sentinel passes through", fn: func(context.Context, storage.Tx) error { return storage.ErrConflict }, wantErr: storage.ErrConflict, wantRollbacks: 1},
		{name: "commit failure", fn: func(context.Context, storage.Tx) error { return nil }, commitErr: errCommit, wantErr: errCommit, wantCommits: 1, wantRollbacks: 1},
		{name: "begin failure", fn: func(context.Context, storage.Tx) error { return nil }, beginErr: errBegin, wantErr: errBegin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tx := &fakeTx{commitErr: tt.commitErr}
			d := &fakeDriver{tx: tx, beginErr: tt.beginErr}
			err := storage.WithTx(t.Context(), d, tt.fn)
			if tt.wantErr == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tt.wantErr)
			}
			require.Equal(t, tt.wantCommits, tx.commits)
			require.Equal(t, tt.wantRollbacks, tx.rollbacks)
		})
	}
}

func TestWithTxPanicRollsBackAndRepanics(t *testing.T) {
	t.Parallel()
	tx := &fakeTx{}
	d := &fakeDriver{tx: tx}
	require.PanicsWithValue(t, "boom", func() {
		_ = storage.WithTx(t.Context(), d, func(context.Context, storage.Tx) error { panic("boom") })
	})
	require.Equal(t, 0, tx.commits)
	require.Equal(t, 1, tx.rollbacks)
}

func TestWithTxNilArgs(t *testing.T) {
	t.Parallel()
	require.ErrorIs(t, storage.WithTx(t.Context(), nil, func(context.Context, storage.Tx) error { return nil }), storage.ErrInvalid)
	require.ErrorIs(t, storage.WithTx(t.Context(), &fakeDriver{tx: &fakeTx{}}, nil), storage.ErrInvalid)
}

func TestTime(t *testing.T) {
	t.Parallel()
	loc := time.FixedZone("CEST", 2*60*60)
	in := time.Date(2025, 6, 1, 12, 30, 45, 123456789, loc)
	got := storage.Time(in)
	require.Equal(t, time.UTC, got.Location())
	require.Equal(t, time.Date(2025, 6, 1, 10, 30, 45, 123456000, time.UTC), got)
}
