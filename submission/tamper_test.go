package submission_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/submission"
)

func submitted(t *testing.T, b *bundle) string {
	t.Helper()
	a := b.person(pnrA)
	r := b.submitted(t, a)
	return r.CaseID
}

// TestVerifyDetectsChangedRecords changes a registered case in the
// database behind the library's back, on each backend, and expects Verify
// to notice.
func TestVerifyDetectsChangedRecords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		sqlite, pg string
	}{
		{"record edited",
			`UPDATE cases SET record = CAST(replace(CAST(record AS TEXT), 'Tolvansson', 'Svensson') AS BLOB) WHERE id = ?`,
			`UPDATE cases SET record = convert_to(replace(convert_from(record, 'UTF8'), 'Tolvansson', 'Svensson'), 'UTF8') WHERE id = $1`},
		{"application document replaced with a matching digest",
			`UPDATE case_documents SET content = X'7B7D', digest = X'44136FA355B3678A1146AD16F7E8649E94FB4FC21FE77E8310C060F61CAAFF8A' WHERE case_id = ? AND kind = 'application'`,
			`UPDATE case_documents SET content = '\x7b7d', digest = sha256('\x7b7d') WHERE case_id = $1 AND kind = 'application'`},
		{"record edited and digest recomputed elsewhere",
			`UPDATE cases SET digest = zeroblob(32) WHERE id = ?`,
			`UPDATE cases SET digest = decode(repeat('00', 32), 'hex') WHERE id = $1`},
		{"application document edited",
			`UPDATE case_documents SET content = CAST(replace(CAST(content AS TEXT), 'Reumatism', 'Friskt') AS BLOB) WHERE case_id = ? AND kind = 'application'`,
			`UPDATE case_documents SET content = convert_to(replace(convert_from(content, 'UTF8'), 'Reumatism', 'Friskt'), 'UTF8') WHERE case_id = $1 AND kind = 'application'`},
		{"attachment replaced",
			`UPDATE case_documents SET content = X'255044462D66616B65' WHERE case_id = ? AND kind = 'attachment'`,
			`UPDATE case_documents SET content = '\x255044462d66616b65' WHERE case_id = $1 AND kind = 'attachment'`},
		{"attachment replaced with its digest",
			`UPDATE case_documents SET content = X'255044462D66616B65', digest = X'00' WHERE case_id = ? AND kind = 'attachment'`,
			`UPDATE case_documents SET content = '\x255044462d66616b65', digest = sha256('\x255044462d66616b65') WHERE case_id = $1 AND kind = 'attachment'`},
	}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					b := be.setup(t)
					id := submitted(t, b)
					require.NoError(t, b.pipe.Verify(b.ctx, id))
					q := tc.sqlite
					if be.name == "postgres" {
						q = tc.pg
					}
					res, err := raw(t, b).Exec(q, id)
					require.NoError(t, err)
					n, _ := res.RowsAffected()
					require.Equal(t, int64(1), n)
					require.ErrorIs(t, b.pipe.Verify(b.ctx, id), submission.ErrDigestMismatch)
				})
			}
			b := be.setup(t)
			require.ErrorIs(t, b.pipe.Verify(b.ctx, "nope"), submission.ErrNotFound)
		})
	}
}

// TestAuditChainDetectsTampering edits, deletes and reorders audit entries
// in the database, on each backend, and expects VerifyAuditLog to notice.
func TestAuditChainDetectsTampering(t *testing.T) {
	t.Parallel()
	events := func(t *testing.T, b *bundle, id string) {
		for _, ev := range []string{"read", "acknowledged", "read"} {
			require.NoError(t, storage.WithTx(b.ctx, b.db, func(ctx context.Context, tx storage.Tx) error {
				b.clock.Add(1e9)
				return submission.Audit(ctx, tx, id, b.clock.Now(), "officer:anna", ev, nil)
			}))
		}
	}
	tests := []struct {
		name       string
		sqlite, pg []string
	}{
		{"edit an entry",
			[]string{`UPDATE audit_log SET event = 'nothing' WHERE case_id = ?1 AND seq = 2`},
			[]string{`UPDATE audit_log SET event = 'nothing' WHERE case_id = $1 AND seq = 2`}},
		{"edit an entry's data",
			[]string{`UPDATE audit_log SET data = CAST('{"x":1}' AS BLOB) WHERE case_id = ?1 AND seq = 3`},
			[]string{`UPDATE audit_log SET data = convert_to('{"x":1}', 'UTF8') WHERE case_id = $1 AND seq = 3`}},
		{"delete an entry",
			[]string{`DELETE FROM audit_log WHERE case_id = ?1 AND seq = 2`},
			[]string{`DELETE FROM audit_log WHERE case_id = $1 AND seq = 2`}},
		{"delete the last entry",
			[]string{`DELETE FROM audit_log WHERE case_id = ?1 AND seq = 4`},
			[]string{`DELETE FROM audit_log WHERE case_id = $1 AND seq = 4`}},
		{"reorder two entries",
			[]string{
				`UPDATE audit_log SET seq = 100 WHERE case_id = ?1 AND seq = 2`,
				`UPDATE audit_log SET seq = 2 WHERE case_id = ?1 AND seq = 3`,
				`UPDATE audit_log SET seq = 3 WHERE case_id = ?1 AND seq = 100`},
			[]string{
				`UPDATE audit_log SET seq = 100 WHERE case_id = $1 AND seq = 2`,
				`UPDATE audit_log SET seq = 2 WHERE case_id = $1 AND seq = 3`,
				`UPDATE audit_log SET seq = 3 WHERE case_id = $1 AND seq = 100`}},
		{"change a time",
			[]string{`UPDATE audit_log SET at = at + 1 WHERE case_id = ?1 AND seq = 1`},
			[]string{`UPDATE audit_log SET at = at + interval '1 microsecond' WHERE case_id = $1 AND seq = 1`}},
	}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					b := be.setup(t)
					id := submitted(t, b)
					events(t, b, id)
					require.NoError(t, submission.VerifyAuditLog(b.ctx, b.db, id))
					log, err := submission.AuditLog(b.ctx, b.db, id)
					require.NoError(t, err)
					require.Len(t, log, 4)
					require.Equal(t, "submitted", log[0].Event)
					qs := tc.sqlite
					if be.name == "postgres" {
						qs = tc.pg
					}
					db := raw(t, b)
					for _, q := range qs {
						res, err := db.Exec(q, id)
						require.NoError(t, err)
						n, _ := res.RowsAffected()
						require.Equal(t, int64(1), n, q)
					}
					require.ErrorIs(t, submission.VerifyAuditLog(b.ctx, b.db, id), submission.ErrAuditChain)
				})
			}
		})
	}
}
