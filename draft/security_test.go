package draft_test

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage/sqlitestore"
)

// TestIsolationMatrix: person A owns a draft as themselves and another as
// the representative of organisation X. Everyone else, including A in the
// other capacity and an officer, gets ErrNotFound from every operation,
// exactly as for a draft that does not exist.
func TestIsolationMatrix(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	ax := b.forOrg(b.person(pnrA), orgX)
	bb := b.person(pnrB)
	officer := b.officer()

	own, err := b.store.Create(b.ctx, a, "ansokan", nil)
	require.NoError(t, err)
	own, ref, err := b.store.Attach(b.ctx, a, own.ID, draft.AttachParams{Revision: own.Revision, Field: "intyg", Name: "intyg.pdf", Data: pdf})
	require.NoError(t, err)
	forX, err := b.store.Create(b.ctx, ax, "ansokan", nil)
	require.NoError(t, err)

	type op struct {
		name string
		run  func(who identity.Principal, id string) error
	}
	ops := []op{
		{"Get", func(who identity.Principal, id string) error { _, err := b.store.Get(b.ctx, who, id); return err }},
		{"Save", func(who identity.Principal, id string) error {
			_, err := b.store.Save(b.ctx, who, id, draft.SaveParams{Revision: 2, Values: form.Values{}})
			return err
		}},
		{"Delete", func(who identity.Principal, id string) error { return b.store.Delete(b.ctx, who, id) }},
		{"Attach", func(who identity.Principal, id string) error {
			_, _, err := b.store.Attach(b.ctx, who, id, draft.AttachParams{Revision: 2, Field: "intyg", Name: "x.pdf", Data: pdf})
			return err
		}},
		{"Detach", func(who identity.Principal, id string) error {
			_, err := b.store.Detach(b.ctx, who, id, 2, ref.ID)
			return err
		}},
		{"OpenAttachment", func(who identity.Principal, id string) error {
			_, err := b.store.OpenAttachment(b.ctx, who, id, ref.ID)
			return err
		}},
		{"Migrate", func(who identity.Principal, id string) error {
			_, err := b.store.Migrate(b.ctx, who, id, 2)
			return err
		}},
	}
	others := []struct {
		name string
		who  identity.Principal
		id   string
	}{
		{"A acting for X reads A's own draft", ax, own.ID},
		{"person B reads A's draft", bb, own.ID},
		{"person B acting for X reads X's draft", b.forOrg(bb, orgX), forX.ID},
		{"A as themselves reads the draft made for X", a, forX.ID},
		{"officer reads A's draft", officer, own.ID},
		{"A reads a draft that does not exist", a, "00000000-0000-0000-0000-000000000000"},
	}
	for _, o := range others {
		for _, op := range ops {
			t.Run(o.name+"/"+op.name, func(t *testing.T) {
				err := op.run(o.who, o.id)
				require.ErrorIs(t, err, draft.ErrNotFound)
				require.Equal(t, draft.ErrNotFound.Error(), err.Error(), "indistinguishable from a missing draft")
			})
		}
	}
	for _, o := range others[:5] {
		list, err := b.store.List(b.ctx, o.who)
		require.NoError(t, err)
		for _, s := range list {
			require.NotEqual(t, o.id, s.ID, "%s: List shows only one's own drafts", o.name)
		}
	}
	// The owners still have everything.
	got, err := b.store.Get(b.ctx, a, own.ID)
	require.NoError(t, err)
	require.Len(t, got.Attachments()["intyg"], 1)
	_, err = b.store.Get(b.ctx, ax, forX.ID)
	require.NoError(t, err)
}

// TestNoPlaintextInDatabaseFile scans the raw database files after saves
// for the personnummer, names, answers and attachment bytes.
func TestNoPlaintextInDatabaseFile(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	ax := b.forOrg(b.person(pnrA), orgX)
	secrets := []string{pnrA, pnrA[:8] + "-" + pnrA[8:], pnrA[2:], nameA, "Tolvansson", "Ketoacidos-unik-diagnos", "Lillebror Unik", "unique-attachment-bytes", "intyg-unik.pdf"}
	for _, who := range []identity.Principal{a, ax} {
		d, err := b.store.Create(b.ctx, who, "ansokan", nil)
		require.NoError(t, err)
		v := d.Values.Clone()
		v["diagnos"] = form.String("Ketoacidos-unik-diagnos")
		v["barnen"] = form.Group(form.Values{"barnnamn": form.String("Lillebror Unik"), "alder": form.Int(4)})
		d, err = b.store.Save(b.ctx, who, d.ID, draft.SaveParams{Revision: d.Revision, Values: v})
		require.NoError(t, err)
		_, _, err = b.store.Attach(b.ctx, who, d.ID, draft.AttachParams{Revision: d.Revision, Field: "intyg", Name: "intyg-unik.pdf", Data: pdf})
		require.NoError(t, err)
	}
	// Read before and after a checkpoint: the WAL and the main file.
	scan := func() {
		files, _ := filepath.Glob(b.path + "*")
		require.NotEmpty(t, files)
		for _, f := range files {
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			for _, s := range secrets {
				require.False(t, bytes.Contains(raw, []byte(s)), "%q found in %s", s, filepath.Base(f))
			}
		}
	}
	scan()
	require.NoError(t, b.db.Close())
	scan()
}

// rawDB opens the same database file with bare SQL, to play the attacker
// with write access to the file.
func rawDB(t *testing.T, b *bundle) *sql.DB { return rawDBTB(t, b) }

func rawDBTB(t testing.TB, b *bundle) *sql.DB {
	t.Helper()
	db, err := sqlitestore.OpenRaw(b.ctx, b.path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestTamperingIsDetected(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	mk := func() *draft.Draft {
		d, err := b.store.Create(b.ctx, a, "ansokan", nil)
		require.NoError(t, err)
		v := d.Values.Clone()
		v["diagnos"] = form.String("Astma")
		d, err = b.store.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Values: v})
		require.NoError(t, err)
		d, _, err = b.store.Attach(b.ctx, a, d.ID, draft.AttachParams{Revision: d.Revision, Field: "intyg", Name: "a.pdf", Data: pdf})
		require.NoError(t, err)
		return d
	}
	raw := rawDB(t, b)
	payload := func(table, id string) []byte {
		var p []byte
		require.NoError(t, raw.QueryRow("SELECT payload FROM "+table+" WHERE id = ?", id).Scan(&p))
		return p
	}
	setPayload := func(table, id string, p []byte) {
		_, err := raw.Exec("UPDATE "+table+" SET payload = ? WHERE id = ?", p, id)
		require.NoError(t, err)
	}

	t.Run("flip a byte", func(t *testing.T) {
		d := mk()
		p := payload("drafts", d.ID)
		p[len(p)/2] ^= 0x01
		setPayload("drafts", d.ID, p)
		_, err := b.store.Get(b.ctx, a, d.ID)
		require.ErrorIs(t, err, draft.ErrTampered)
	})
	t.Run("swap two drafts' ciphertexts", func(t *testing.T) {
		d1, d2 := mk(), mk()
		p1, p2 := payload("drafts", d1.ID), payload("drafts", d2.ID)
		setPayload("drafts", d1.ID, p2)
		setPayload("drafts", d2.ID, p1)
		_, err := b.store.Get(b.ctx, a, d1.ID)
		require.ErrorIs(t, err, draft.ErrTampered)
		_, err = b.store.Get(b.ctx, a, d2.ID)
		require.ErrorIs(t, err, draft.ErrTampered)
	})
	t.Run("replay an old revision", func(t *testing.T) {
		d := mk()
		old := payload("drafts", d.ID)
		v := d.Values.Clone()
		v["diagnos"] = form.String("Ny uppgift")
		_, err := b.store.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Values: v})
		require.NoError(t, err)
		setPayload("drafts", d.ID, old)
		_, err = b.store.Get(b.ctx, a, d.ID)
		require.ErrorIs(t, err, draft.ErrTampered)
	})
	t.Run("move a draft to another owner", func(t *testing.T) {
		d := mk()
		bd, err := b.store.Create(b.ctx, b.person(pnrB), "ansokan", nil)
		require.NoError(t, err)
		var ownerB string
		require.NoError(t, raw.QueryRow("SELECT owner FROM drafts WHERE id = ?", bd.ID).Scan(&ownerB))
		_, err = raw.Exec("UPDATE drafts SET owner = ? WHERE id = ?", ownerB, d.ID)
		require.NoError(t, err)
		_, err = b.store.Get(b.ctx, b.person(pnrB), d.ID)
		require.ErrorIs(t, err, draft.ErrTampered, "B cannot read A's content even with the owner column rewritten")
	})
	t.Run("flip a byte of an attachment", func(t *testing.T) {
		d := mk()
		ref := d.Attachments()["intyg"][0]
		p := payload("attachments", ref.ID)
		p[len(p)-3] ^= 0x80
		setPayload("attachments", ref.ID, p)
		_, err := b.store.OpenAttachment(b.ctx, a, d.ID, ref.ID)
		require.ErrorIs(t, err, draft.ErrTampered)
	})
	t.Run("swap attachments between drafts", func(t *testing.T) {
		d1, d2 := mk(), mk()
		r1, r2 := d1.Attachments()["intyg"][0], d2.Attachments()["intyg"][0]
		p1, p2 := payload("attachments", r1.ID), payload("attachments", r2.ID)
		setPayload("attachments", r1.ID, p2)
		setPayload("attachments", r2.ID, p1)
		_, err := b.store.OpenAttachment(b.ctx, a, d1.ID, r1.ID)
		require.ErrorIs(t, err, draft.ErrTampered)
	})
	logs := b.logs.String()
	require.Contains(t, logs, "event=security")
	require.NotContains(t, logs, pnrA)
	require.NotContains(t, logs, "Astma")
}

func TestAttachments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d, err := b.store.Create(b.ctx, a, "ansokan", nil)
	require.NoError(t, err)
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 100)...)

	d, ref, err := b.store.Attach(b.ctx, a, d.ID, draft.AttachParams{Revision: d.Revision, Field: "intyg", Name: `C:\Users\Tolvan\intyg.pdf`, Data: pdf})
	require.NoError(t, err)
	require.Equal(t, "application/pdf", ref.ContentType)
	require.Equal(t, "intyg.pdf", ref.Name, "directory parts removed")
	require.Len(t, ref.SHA256, 64)
	opened, err := b.store.OpenAttachment(b.ctx, a, d.ID, ref.ID)
	require.NoError(t, err)
	require.Equal(t, pdf, opened.Data)
	require.Equal(t, "intyg", opened.Field)

	tests := []struct {
		name string
		p    draft.AttachParams
		want error
	}{
		{"type sniffed from the bytes, not the name", draft.AttachParams{Field: "intyg", Name: "fake.pdf", Data: []byte("MZ\x90\x00 executable")}, draft.ErrFileType},
		{"text is not accepted", draft.AttachParams{Field: "intyg", Name: "a.pdf", Data: []byte("hej")}, draft.ErrFileType},
		{"empty file", draft.AttachParams{Field: "intyg", Name: "a.pdf"}, draft.ErrInvalid},
		{"not a file field", draft.AttachParams{Field: "namn", Name: "a.pdf", Data: pdf}, draft.ErrInvalid},
		{"unknown field", draft.AttachParams{Field: "nope", Name: "a.pdf", Data: pdf}, draft.ErrInvalid},
		{"over the field's max size", draft.AttachParams{Field: "intyg", Name: "a.pdf", Data: append([]byte("%PDF-"), make([]byte, form.DefaultFileMaxSize)...)}, draft.ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.p.Revision = d.Revision
			_, _, err := b.store.Attach(b.ctx, a, d.ID, tc.p)
			require.ErrorIs(t, err, tc.want)
		})
	}
	// Two more fit (MaxAttachments is 3 in the bundle); the fourth does not.
	d, _, err = b.store.Attach(b.ctx, a, d.ID, draft.AttachParams{Revision: d.Revision, Field: "intyg", Name: "b.png", Data: png})
	require.NoError(t, err)
	d, _, err = b.store.Attach(b.ctx, a, d.ID, draft.AttachParams{Revision: d.Revision, Field: "intyg", Name: "c.pdf", Data: pdf})
	require.NoError(t, err)
	_, _, err = b.store.Attach(b.ctx, a, d.ID, draft.AttachParams{Revision: d.Revision, Field: "intyg", Name: "d.pdf", Data: pdf})
	require.ErrorIs(t, err, draft.ErrTooManyAttachments)
	got, err := b.store.Get(b.ctx, a, d.ID)
	require.NoError(t, err)
	require.Len(t, got.Attachments()["intyg"], 3, "the refused file left nothing behind")

	_, _, err = b.store.Attach(b.ctx, a, d.ID, draft.AttachParams{Revision: 1, Field: "intyg", Name: "e.pdf", Data: pdf})
	require.ErrorIs(t, err, draft.ErrConflict)

	d, err = b.store.Detach(b.ctx, a, d.ID, d.Revision, ref.ID)
	require.NoError(t, err)
	require.Len(t, d.Attachments()["intyg"], 2)
	_, err = b.store.OpenAttachment(b.ctx, a, d.ID, ref.ID)
	require.ErrorIs(t, err, draft.ErrNotFound)
	_, err = b.store.Detach(b.ctx, a, d.ID, d.Revision, ref.ID)
	require.ErrorIs(t, err, draft.ErrNotFound)

	// Deleting the draft deletes its attachments.
	require.NoError(t, b.store.Delete(b.ctx, a, d.ID))
	var n int
	require.NoError(t, rawDB(t, b).QueryRow("SELECT count(*) FROM attachments").Scan(&n))
	require.Zero(t, n)
}

func TestKeyRotation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d, err := b.store.Create(b.ctx, a, "ansokan", nil)
	require.NoError(t, err)
	d, _, err = b.store.Attach(b.ctx, a, d.ID, draft.AttachParams{Revision: d.Revision, Field: "intyg", Name: "a.pdf", Data: pdf})
	require.NoError(t, err)

	k2, err := draft.GenerateKey("k2")
	require.NoError(t, err)
	rotated, err := draft.NewKeyRing(bytes.Repeat([]byte{7}, 32), k2, b.key)
	require.NoError(t, err)
	s2, err := draft.NewStore(b.db, b.reg, rotated, b.opts)
	require.NoError(t, err)
	_, err = s2.Get(b.ctx, a, d.ID)
	require.NoError(t, err, "old keys still open old content")
	n, err := s2.Reseal(b.ctx, 100)
	require.NoError(t, err)
	require.Equal(t, 2, n, "one draft and one attachment re-sealed")
	n, err = s2.Reseal(b.ctx, 100)
	require.NoError(t, err)
	require.Zero(t, n)

	only2, err := draft.NewKeyRing(bytes.Repeat([]byte{7}, 32), k2)
	require.NoError(t, err)
	s3, err := draft.NewStore(b.db, b.reg, only2, b.opts)
	require.NoError(t, err)
	got, err := s3.Get(b.ctx, a, d.ID)
	require.NoError(t, err, "after re-sealing, the old key can be retired")
	_, err = s3.OpenAttachment(b.ctx, a, d.ID, got.Attachments()["intyg"][0].ID)
	require.NoError(t, err)

	k9, _ := testKeys(t, "k9")
	s9, err := draft.NewStore(b.db, b.reg, k9, b.opts)
	require.NoError(t, err)
	_, err = s9.Get(b.ctx, a, d.ID)
	require.ErrorIs(t, err, draft.ErrKeyMissing)
}

func TestParseKeyRing(t *testing.T) {
	t.Parallel()
	good := "pseudonym:" + strings.Repeat("A", 43) + "=;k2:" + strings.Repeat("B", 43) + "=;k1:" + strings.Repeat("C", 43) + "="
	r, err := draft.ParseKeyRing(good)
	require.NoError(t, err)
	require.Equal(t, "k2", r.ActiveKeyID())
	for _, bad := range []string{"", "k1:AAAA", "pseudonym:" + strings.Repeat("A", 43) + "=", "pseudonym:%%%;k1:AAAA", "pseudonym:" + strings.Repeat("A", 43) + "=;k1:QUFB"} {
		_, err := draft.ParseKeyRing(bad)
		require.Error(t, err, bad)
	}
}
