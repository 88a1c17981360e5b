package submission_test

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/submission"
)

// TestInboxPages pages through an inbox on each backend: every case once,
// newest first, whatever the page size, and cases that arrive meanwhile
// never shift the pages that follow.
func TestInboxPages(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			b := be.setup(t)
			cs := b.cases(t, nil)
			off := b.officer("anna", handles("parkering"))
			var refs []string
			for i := range 7 {
				if i == 3 || i == 4 {
					// The third to fifth cases are received at the
					// same moment: the pages must neither repeat
					// nor skip one.
					b.clock.Add(0)
				} else {
					b.clock.Add(time.Minute)
				}
				who := b.person([]string{pnrA, pnrB}[i%2])
				refs = append(refs, b.submitted(t, who).Reference)
			}
			all := func(q submission.InboxQuery) (pages [][]submission.Summary) {
				for {
					p, err := cs.InboxPage(b.ctx, off, "parkering", q)
					require.NoError(t, err)
					pages = append(pages, p.Cases)
					if p.Next == "" {
						return pages
					}
					require.Less(t, len(pages), 20, "the pages end")
					q.After = p.Next
				}
			}
			flat := func(pages [][]submission.Summary) (out []string) {
				var prev submission.Summary
				for _, p := range pages {
					for _, c := range p {
						if prev.ID != "" {
							require.False(t, c.ReceivedAt.After(prev.ReceivedAt), "newest first")
							require.True(t, c.ReceivedAt.Before(prev.ReceivedAt) || c.ID < prev.ID, "by ID among cases of one moment")
						}
						prev = c
						out = append(out, c.Reference)
					}
				}
				return out
			}
			for _, size := range []int{1, 2, 3, 7, 50} {
				pages := all(submission.InboxQuery{Limit: size})
				require.ElementsMatch(t, refs, flat(pages), "size %d: every case once", size)
				require.Len(t, pages, (len(refs)+size-1)/size, "size %d: no empty last page", size)
			}
			defaultPage, err := cs.InboxPage(b.ctx, off, "parkering", submission.InboxQuery{})
			require.NoError(t, err)
			require.Len(t, defaultPage.Cases, len(refs))
			require.Empty(t, defaultPage.Next)

			first, err := cs.InboxPage(b.ctx, off, "parkering", submission.InboxQuery{Limit: 3})
			require.NoError(t, err)
			b.clock.Add(time.Minute)
			late := b.submitted(t, b.person(pnrA)).Reference
			rest := all(submission.InboxQuery{Limit: 3, After: first.Next})
			require.NotContains(t, flat(rest), late, "a new case is on the first page, not between pages")
			require.Len(t, flat(rest), len(refs)-3)

			closed, err := cs.InboxPage(b.ctx, off, "parkering", submission.InboxQuery{Statuses: []string{submission.StatusClosed}})
			require.NoError(t, err)
			require.Empty(t, closed.Cases)
		})
	}
}

func TestInboxPageRejects(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cs := b.cases(t, nil)
	off := b.officer("anna", handles("parkering"))
	b.submitted(t, b.person(pnrA))
	b.submitted(t, b.person(pnrB))
	first, err := cs.InboxPage(b.ctx, off, "parkering", submission.InboxQuery{Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, first.Next)

	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, after := range []string{
		"not base64!", enc("c2.abc.id"), enc("c1.abc"), enc("c1..id"), enc("c1.-5.id"), enc("c1.zz.bad id"),
		enc("c1.abc." + string(make([]byte, 65))), first.Next + "AAAA", first.Next[:len(first.Next)-1] + "*",
	} {
		_, err := cs.InboxPage(b.ctx, off, "parkering", submission.InboxQuery{After: after})
		require.ErrorIs(t, err, submission.ErrInvalid, "%q", after)
	}
	for _, limit := range []int{-1, submission.MaxPageSize + 1} {
		_, err := cs.InboxPage(b.ctx, off, "parkering", submission.InboxQuery{Limit: limit})
		require.ErrorIs(t, err, submission.ErrInvalid, "limit %d", limit)
	}
	// Another service's officer learns nothing from a cursor.
	_, err = cs.InboxPage(b.ctx, b.officer("bo", handles("bygglov")), "parkering", submission.InboxQuery{After: first.Next})
	require.ErrorIs(t, err, submission.ErrNotFound)
}

// FuzzInboxCursor feeds InboxPage arbitrary cursors: each gives a page or
// ErrInvalid, never a panic or another error.
func FuzzInboxCursor(f *testing.F) {
	b := setup(f)
	cs := b.cases(f, nil)
	off := b.officer("anna", handles("parkering"))
	b.submitted(f, b.person(pnrA))
	b.submitted(f, b.person(pnrB))
	first, err := cs.InboxPage(b.ctx, off, "parkering", submission.InboxQuery{Limit: 1})
	require.NoError(f, err)
	for _, s := range []string{"", first.Next, "YzEuMC4w", "YzEuenp6enp6enp6enp6ei5h", "%%%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, after string) {
		_, err := cs.InboxPage(b.ctx, off, "parkering", submission.InboxQuery{After: after})
		if err != nil {
			require.ErrorIs(t, err, submission.ErrInvalid)
		}
	})
}
