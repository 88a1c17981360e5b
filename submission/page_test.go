package submission_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/submission"
)

// walkPages reads a listing from after to its last page: page returns the
// items of the page after a cursor and the cursor of the next ("" after
// the last).
func walkPages[T any](t *testing.T, after string, page func(after string) ([]T, string, error)) (pages [][]T) {
	t.Helper()
	for {
		items, next, err := page(after)
		require.NoError(t, err)
		pages = append(pages, items)
		if next == "" {
			return pages
		}
		require.Less(t, len(pages), 20, "the pages end")
		after = next
	}
}

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
			all := func(q submission.InboxQuery) [][]submission.Summary {
				return walkPages(t, q.After, func(after string) ([]submission.Summary, string, error) {
					q.After = after
					p, err := cs.InboxPage(b.ctx, off, "parkering", q)
					if err != nil {
						return nil, "", err
					}
					return p.Cases, p.Next, nil
				})
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

			// The status filter, across pages: three cases closed.
			whole, err := cs.InboxPage(b.ctx, off, "parkering", submission.InboxQuery{Limit: submission.MaxPageSize})
			require.NoError(t, err)
			for _, c := range whole.Cases {
				if c.Reference == refs[1] || c.Reference == refs[4] || c.Reference == late {
					require.NoError(t, cs.Close(b.ctx, off, c.ID, "Beviljas.", ""))
				}
			}
			closed := flat(all(submission.InboxQuery{Statuses: []string{submission.StatusClosed}, Limit: 2}))
			require.ElementsMatch(t, []string{refs[1], refs[4], late}, closed)
			open := flat(all(submission.InboxQuery{Statuses: []string{submission.StatusSubmitted}, Limit: 2}))
			require.Len(t, open, len(refs)+1-3)
			require.NotContains(t, open, refs[1])
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
		"not base64!", enc("c2.abc.id"), enc("c1.abc"), enc("c1..id"), enc("c1.!!.id"), enc("c1.zz.bad id"),
		enc("c1.abc." + strings.Repeat("a", 65)), enc("c1.abc.a\x00b"), first.Next + "AAAA", first.Next[:len(first.Next)-1] + "*",
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

// TestDisclosureQueuePages pages through a disclosure queue on each
// backend: every open request once, oldest first, with its review items;
// a request filed between two pages comes last, not in between.
func TestDisclosureQueuePages(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			b := be.setup(t)
			cs := b.cases(t, nil)
			rev := reviewer(b)
			r := b.submitted(t, b.person(pnrA))
			var ids []string // oldest first
			for i := range 5 {
				if i != 2 { // the second and third are filed at one moment
					b.clock.Add(time.Minute)
				}
				ids = append(ids, fileRequest(t, b, cs, nil, submission.DisclosureParams{Reference: r.Reference}).ID)
			}
			all := func(q submission.PageQuery) [][]*submission.DisclosureRequest {
				return walkPages(t, q.After, func(after string) ([]*submission.DisclosureRequest, string, error) {
					q.After = after
					p, err := cs.DisclosureQueuePage(b.ctx, rev, "parkering", q)
					if err != nil {
						return nil, "", err
					}
					return p.Requests, p.Next, nil
				})
			}
			for _, size := range []int{1, 2, 4, 50} {
				pages := all(submission.PageQuery{Limit: size})
				require.Len(t, pages, (len(ids)+size-1)/size, "size %d: no empty last page", size)
				var got []string
				var prev *submission.DisclosureRequest
				for _, p := range pages {
					for _, d := range p {
						require.NotEmpty(t, d.Items, "a reviewer's page has the review items")
						if prev != nil {
							require.False(t, d.CreatedAt.Before(prev.CreatedAt), "oldest first")
							require.True(t, d.CreatedAt.After(prev.CreatedAt) || d.ID > prev.ID, "by ID among requests of one moment")
						}
						prev = d
						got = append(got, d.ID)
					}
				}
				require.ElementsMatch(t, ids, got, "size %d: every request once", size)
			}

			first, err := cs.DisclosureQueuePage(b.ctx, rev, "parkering", submission.PageQuery{Limit: 2})
			require.NoError(t, err)
			b.clock.Add(time.Minute)
			late := fileRequest(t, b, cs, nil, submission.DisclosureParams{Reference: r.Reference}).ID
			var rest []string
			for _, p := range all(submission.PageQuery{Limit: 2, After: first.Next}) {
				for _, d := range p {
					rest = append(rest, d.ID)
				}
			}
			require.Len(t, rest, len(ids)-2+1)
			require.Equal(t, late, rest[len(rest)-1], "a new request joins the end of the queue")

			_, err = cs.DisclosureQueuePage(b.ctx, b.officer("olle", handles("bygglov")), "parkering", submission.PageQuery{})
			require.ErrorIs(t, err, submission.ErrNotFound)
			_, err = cs.DisclosureQueuePage(b.ctx, rev, "parkering", submission.PageQuery{After: "x"})
			require.ErrorIs(t, err, submission.ErrInvalid)
			_, err = cs.DisclosureQueuePage(b.ctx, rev, "parkering", submission.PageQuery{Limit: submission.MaxPageSize + 1})
			require.ErrorIs(t, err, submission.ErrInvalid)
		})
	}
}
