package sqlitestore

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNotifyQueryPlans checks that the outbox, inbox and contact statements
// use their indexes: no full scan of those tables (walking a partial index
// in order is fine) and no sort, so a claim costs
// the same with a million sent rows as with none. The expected index is
// named for the statements where the choice matters.
func TestNotifyQueryPlans(t *testing.T) {
	t.Parallel()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "db"), &Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	want := map[stmtID]string{
		sOutboxClaim:      "outbox_due",
		sOutboxReleaseAll: "outbox_lease",
		sOutboxListDead:   "outbox_dead",
		sOutboxPurge:      "outbox_sent",
		sOutboxPurgeDead:  "outbox_dead",
		sInboxList:        "inbox_owner",
		sInboxListUnread:  "inbox_unread",
		sInboxUnread:      "inbox_unread",
	}
	for id := sOutboxInsert; id <= sContactDelete; id++ {
		def := stmtDefs[id]
		args := make([]any, numParams(def.sql))
		for i := range args {
			args[i] = 1
		}
		if id == sOutboxReleaseIDs {
			args[2] = `["a","b"]`
		}
		rows, err := db.writer.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+def.sql, args...)
		require.NoError(t, err, "statement %d", id)
		var plan []string
		for rows.Next() {
			var a, b, c int
			var detail string
			require.NoError(t, rows.Scan(&a, &b, &c, &detail))
			plan = append(plan, detail)
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
		joined := strings.Join(plan, "\n")
		require.NotRegexp(t, `(?m)^SCAN (outbox|inbox|contacts)$`, joined, "statement %d scans a table:\n%s\n%s", id, def.sql, joined)
		require.NotContains(t, joined, "TEMP B-TREE", "statement %d sorts:\n%s\n%s", id, def.sql, joined)
		if idx, ok := want[id]; ok {
			require.Contains(t, joined, idx, "statement %d:\n%s", id, joined)
		}
	}
}
