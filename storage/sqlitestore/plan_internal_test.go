package sqlitestore

import (
	"log/slog"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var (
	plainParam    = regexp.MustCompile(`\?(\D|$)`)
	numberedParam = regexp.MustCompile(`\?(\d+)`)
)

// numParams counts the parameters of a statement: plain ? and ?NNN.
func numParams(query string) int {
	n := len(plainParam.FindAllString(query, -1))
	for _, m := range numberedParam.FindAllStringSubmatch(query, -1) {
		k, _ := strconv.Atoi(m[1])
		n = max(n, k)
	}
	return n
}

// TestQueryPlans guards the "flat with a million rows" promise without
// timing anything: no statement scans a whole table or sorts in a temporary
// b-tree, so each costs O(log n) plus the rows it returns.
func TestQueryPlans(t *testing.T) {
	t.Parallel()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "db"), &Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	for id, def := range stmtDefs {
		args := make([]any, numParams(def.sql))
		for i := range args {
			args[i] = 1
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
		if strings.HasPrefix(strings.TrimSpace(def.sql), "INSERT") {
			continue
		}
		require.NotEmpty(t, plan, "statement %d", id)
		require.NotRegexp(t, `(?m)^SCAN (drafts|attachments)`, joined, "statement %d scans a table:\n%s", id, def.sql)
		require.NotContains(t, joined, "TEMP B-TREE", "statement %d sorts:\n%s", id, def.sql)
	}
}
