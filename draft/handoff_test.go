package draft_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/storage"
)

// TestOpenForSubmitFromCache: a draft the store created or saved is opened
// from its cache, once; one changed inside a transaction (an attachment),
// opened before, or written by another store is read from the database,
// and so is every draft of a store that keeps no payloads. The values are
// the saved ones either way.
func TestOpenForSubmitFromCache(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		noPayload bool // the opening store has Options.CacheBytes -1
		other     bool // another store opens the draft
		save      bool
		attach    bool
		openFirst bool // the draft was opened for submit before
		want      bool
	}{
		{name: "created", want: true},
		{name: "saved", save: true, want: true},
		{name: "attached after saving", save: true, attach: true},
		{name: "opened before", save: true, openFirst: true},
		{name: "saved by another store", save: true, other: true},
		{name: "store without payloads", save: true, noPayload: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			store := b.store
			if tc.noPayload {
				var err error
				store, err = draft.NewStore(b.db, b.reg, b.keys, &draft.Options{Now: b.clock.Now, CacheBytes: -1})
				require.NoError(t, err)
			}
			a := b.person(pnrA)
			d, err := store.Create(b.ctx, a, "ansokan", nil)
			require.NoError(t, err)
			want := d.Values.Clone()
			if tc.save {
				want["diagnos"] = form.String("Astma")
				d, err = store.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Values: want})
				require.NoError(t, err)
			}
			if tc.attach {
				d, _, err = store.Attach(b.ctx, a, d.ID, draft.AttachParams{Revision: d.Revision, Field: "intyg", Name: "a.pdf", Data: pdf})
				require.NoError(t, err)
			}
			opener := store
			if tc.other {
				opener, err = draft.NewStore(b.db, b.reg, b.keys, &draft.Options{Now: b.clock.Now})
				require.NoError(t, err)
			}
			if tc.openFirst {
				_, err := opener.OpenForSubmit(b.ctx, b.db, a, d.ID)
				require.NoError(t, err)
			}
			h, err := opener.OpenForSubmit(b.ctx, b.db, a, d.ID)
			require.NoError(t, err)
			require.Equal(t, tc.want, h.FromCache())
			require.Equal(t, d.Revision, h.Draft.Revision)
			require.Equal(t, want["diagnos"], h.Draft.Values["diagnos"])
			if tc.attach {
				require.Len(t, h.Attachments, 1)
				require.Equal(t, pdf, h.Attachments[0].Data)
			}
			// The handoff removes exactly the draft it opened.
			require.NoError(t, storage.WithTx(b.ctx, b.db, func(ctx context.Context, tx storage.Tx) error {
				return opener.DeleteTx(ctx, tx, a, h)
			}))
			_, err = store.Get(b.ctx, a, d.ID)
			require.ErrorIs(t, err, draft.ErrNotFound)
		})
	}
}

// TestDeleteTxNeedsAHandoffFromOpenForSubmit: a handoff made up by the
// caller deletes nothing.
func TestDeleteTxNeedsAHandoffFromOpenForSubmit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d, err := b.store.Create(b.ctx, a, "ansokan", nil)
	require.NoError(t, err)
	for _, h := range []*draft.Handoff{nil, {}, {Draft: d, Owner: "x"}} {
		err := storage.WithTx(b.ctx, b.db, func(ctx context.Context, tx storage.Tx) error {
			return b.store.DeleteTx(ctx, tx, a, h)
		})
		require.ErrorIs(t, err, draft.ErrInvalid)
	}
	_, err = b.store.Get(b.ctx, a, d.ID)
	require.NoError(t, err, "the draft is still stored")
}
