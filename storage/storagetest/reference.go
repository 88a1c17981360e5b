package storagetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

// testReference checks the yearly reference sequences: each (prefix, year)
// counts from 1 on its own, and the numbers of committed transactions are
// gap-free and distinct, however transactions interleave or roll back.
// Malformed params and a done ctx are covered by the Case area's Invalid
// and Context tests.
func (s *suite) testReference(t *testing.T) {
	t.Run("StartsAtOneAndCounts", func(t *testing.T) {
		b := s.setupCase(t)
		for want := int64(1); want <= 5; want++ {
			require.Equal(t, want, b.nextRef(b.d, casePrefix, caseYear))
		}
	})

	t.Run("OneSequencePerPrefixAndYear", func(t *testing.T) {
		b := s.setupCase(t)
		// Interleaved calls; each line continues its own sequence.
		calls := []struct {
			prefix string
			year   int
			want   int64
		}{
			{"ETJ", 2030, 1},
			{"ETJ", 2030, 2},
			{"ETJ", 2031, 1},
			{"BYG", 2030, 1},
			{"ETJ", 2030, 3},
			{"etj", 2030, 1}, // prefixes are exact strings
			{"", 2030, 1},    // the empty prefix is a prefix like any other
			{"ETJ", 2029, 1},
			{"BYG", 2030, 2},
			{"ETJ", 2031, 2},
			{"", 2030, 2},
			{"", 2031, 1},
			{"ETJ ", 2030, 1},
			{"ETJ", 1, 1},
			{"ETJ", 9999, 1},
			{"ETJ", 2030, 4},
		}
		for i, c := range calls {
			require.Equal(t, c.want, b.nextRef(b.d, c.prefix, c.year), "call %d: %q %d", i, c.prefix, c.year)
		}
	})

	t.Run("InTx", func(t *testing.T) {
		b := s.setupCase(t)
		require.Equal(t, int64(1), b.nextRef(b.d, casePrefix, caseYear))
		require.NoError(t, storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
			// Consecutive numbers inside one transaction, each
			// sequence on its own.
			require.Equal(t, int64(2), b.nextRef(tx, casePrefix, caseYear))
			require.Equal(t, int64(1), b.nextRef(tx, casePrefix, caseYear+1))
			require.Equal(t, int64(3), b.nextRef(tx, casePrefix, caseYear))
			require.Equal(t, int64(2), b.nextRef(tx, casePrefix, caseYear+1))
			return nil
		}))
		require.Equal(t, int64(4), b.nextRef(b.d, casePrefix, caseYear))
		require.Equal(t, int64(3), b.nextRef(b.d, casePrefix, caseYear+1))
	})

	t.Run("RollbackGivesNumbersBack", func(t *testing.T) {
		b := s.setupCase(t)
		errRollback := errors.New("roll back")
		// A brand-new sequence rolled back is as if never used.
		err := storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
			require.Equal(t, int64(1), b.nextRef(tx, casePrefix, caseYear))
			require.Equal(t, int64(2), b.nextRef(tx, casePrefix, caseYear))
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		require.Equal(t, int64(1), b.nextRef(b.d, casePrefix, caseYear))

		// An existing one goes back to its last committed number.
		require.NoError(t, storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
			require.Equal(t, int64(2), b.nextRef(tx, casePrefix, caseYear))
			return nil
		}))
		tx, err := b.d.Begin(b.ctx)
		require.NoError(t, err)
		require.Equal(t, int64(3), b.nextRef(tx, casePrefix, caseYear))
		require.Equal(t, int64(1), b.nextRef(tx, "BYG", caseYear))
		require.NoError(t, tx.Rollback())
		require.Equal(t, int64(3), b.nextRef(b.d, casePrefix, caseYear))
		require.Equal(t, int64(1), b.nextRef(b.d, "BYG", caseYear))
	})

	t.Run("ConcurrentCallsGetDistinctContiguousNumbers", func(t *testing.T) {
		b := s.setupCase(t)
		n := 2 * s.opts.concurrency()
		var (
			wg         sync.WaitGroup
			mu         sync.Mutex
			got        []int64
			unexpected []error
		)
		start := make(chan struct{})
		for range n {
			wg.Go(func() {
				<-start
				num, err := b.d.ReferenceNext(b.ctx, &storage.ReferenceNextParams{Prefix: casePrefix, Year: caseYear})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					unexpected = append(unexpected, err)
					return
				}
				got = append(got, num)
			})
		}
		close(start)
		wg.Wait()
		require.Empty(t, unexpected)
		require.Equal(t, oneTo(n), sorted(got))
		require.Equal(t, int64(n+1), b.nextRef(b.d, casePrefix, caseYear))
	})

	t.Run("ConcurrentTransactionsAreGapFree", func(t *testing.T) {
		// Each transaction takes a number and registers a case with it;
		// every third rolls back. The committed cases must hold exactly
		// the numbers 1..k, each once.
		b := s.setupCase(t)
		n := 3 * s.opts.concurrency()
		errRollback := errors.New("roll back")
		var (
			wg         sync.WaitGroup
			mu         sync.Mutex
			committed  []int64
			unexpected []error
		)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				var num int64
				err := storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
					var err error
					num, err = tx.ReferenceNext(ctx, &storage.ReferenceNextParams{Prefix: casePrefix, Year: caseYear})
					if err != nil {
						return err
					}
					if _, err := tx.CaseInsert(ctx, b.caseParamsAt(fmt.Sprintf("c%02d", i), ownerA, num)); err != nil {
						return err
					}
					if i%3 == 2 {
						return errRollback
					}
					return nil
				})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					committed = append(committed, num)
				case errors.Is(err, errRollback):
				default:
					unexpected = append(unexpected, err)
				}
			})
		}
		close(start)
		wg.Wait()
		require.Empty(t, unexpected)
		k := n - n/3
		require.Equal(t, oneTo(k), sorted(committed))

		list, err := b.d.CaseList(b.ctx, &storage.CaseListParams{Owner: ownerA, Limit: storage.MaxLimit})
		require.NoError(t, err)
		var seqs []int64
		for _, c := range list {
			seqs = append(seqs, c.Seq)
		}
		require.Equal(t, oneTo(k), sorted(seqs))
		require.Equal(t, int64(k+1), b.nextRef(b.d, casePrefix, caseYear))
	})
}

// nextRef takes the next number of (prefix, year) through ex; it must
// succeed.
func (b *caseBundle) nextRef(ex storage.Executor, prefix string, year int) int64 {
	b.t.Helper()
	n, err := ex.ReferenceNext(b.ctx, &storage.ReferenceNextParams{Prefix: prefix, Year: year})
	require.NoError(b.t, err)
	return n
}

// oneTo returns 1..n.
func oneTo(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}

// sorted returns a sorted copy of s.
func sorted(s []int64) []int64 {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
