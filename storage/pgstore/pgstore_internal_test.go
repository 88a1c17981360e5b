package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

func TestInterpretError(t *testing.T) {
	t.Parallel()
	pg := func(code string) error {
		return fmt.Errorf("exec: %w", &pgconn.PgError{Severity: "ERROR", Code: code, Message: "m", Detail: "Key (id)=(secret) exists"})
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want error // nil: returned unchanged
	}{
		{name: "no rows", err: pgx.ErrNoRows, want: storage.ErrNotFound},
		{name: "tx closed", err: pgx.ErrTxClosed, want: storage.ErrTxDone},
		{name: "unique", err: pg("23505"), want: storage.ErrConflict},
		{name: "foreign key", err: pg("23503"), want: storage.ErrNotFound},
		{name: "serialization", err: pg("40001"), want: storage.ErrConflict},
		{name: "deadlock", err: pg("40P01"), want: storage.ErrConflict},
		{name: "nul byte", err: pg("22021"), want: storage.ErrInvalid},
		{name: "untranslatable", err: pg("22P05"), want: storage.ErrInvalid},
		{name: "index row too large", err: pg("54000"), want: storage.ErrInvalid},
		{name: "terminated", err: pg("57P01"), want: ErrConnLost},
		{name: "crash shutdown", err: pg("57P02"), want: ErrConnLost},
		{name: "starting up", err: pg("57P03"), want: ErrConnLost},
		{name: "connection exception", err: pg("08006"), want: ErrConnLost},
		{name: "conn closed", err: fmt.Errorf("x: %w", pgconn.ErrConnClosed), want: ErrConnLost},
		{name: "eof", err: fmt.Errorf("read: %w", io.ErrUnexpectedEOF), want: ErrConnLost},
		{name: "ctx done wins", ctx: cancelled, err: pg("23505"), want: context.Canceled},
		{name: "ctx error inside", err: fmt.Errorf("x: %w", context.DeadlineExceeded), want: context.DeadlineExceeded},
		{name: "other server error", err: pg("42P01")},
		{name: "other error", err: errors.New("boom")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			got := interpretError(ctx, tt.err)
			if tt.want == nil {
				require.Equal(t, tt.err, got)
				return
			}
			require.ErrorIs(t, got, tt.want)
			require.NotContains(t, got.Error(), "secret", "no row values in error strings")
		})
	}
	require.NoError(t, interpretError(context.Background(), nil))
}

func TestRetryable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "40001"}, true},
		{&pgconn.PgError{Code: "40P01"}, true},
		{&pgconn.PgError{Code: "23505"}, false},
		{&pgconn.PgError{Code: "57P01"}, false}, // may have run: not safe
		{errors.New("boom"), false},
		{storage.ErrConflict, false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, retryable(fmt.Errorf("wrapped: %w", tt.err)), "%v", tt.err)
	}
}

func TestCheckSchema(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"a", "_", "etjanst", "Tenant_01", strings.Repeat("x", 63)} {
		require.NoError(t, checkSchema(ok), ok)
	}
	for _, bad := range []string{"", "1a", "a-b", "a b", `a"b`, "a;b", "å", strings.Repeat("x", 64), "a\x00"} {
		require.Error(t, checkSchema(bad), "%q", bad)
	}
}

func TestTextHelpers(t *testing.T) {
	t.Parallel()
	require.True(t, textOK("", "abc", "åäö", "日本"))
	require.False(t, textOK("ok", "a\x00"))
	require.False(t, textOK("\xff"))
	require.True(t, textsOK(nil, []string{"a"}))
	require.False(t, textsOK([]string{"a"}, []string{"b\x00"}))

	require.Equal(t, "d1", safeID("d1"))
	require.Equal(t, `"a\x00b"`, safeID("a\x00b"))
	require.Equal(t, strings.Repeat("x", maxIDInError)+"…", safeID(strings.Repeat("x", 1000)))

	require.Equal(t, "fine", cleanText("fine"))
	require.Equal(t, "a\uFFFDb\uFFFD", cleanText("a\xffb\x00"))
	require.True(t, textOK(cleanText("\x00\xfe\xff")))
}

func TestLockKeyDependsOnSchema(t *testing.T) {
	t.Parallel()
	require.Equal(t, lockKey("a"), lockKey("a"))
	require.NotEqual(t, lockKey("a"), lockKey("b"))
}

func TestMigrationsAreContiguous(t *testing.T) {
	t.Parallel()
	ms, err := migrations()
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	for i, m := range ms {
		require.Equal(t, i+1, m.version)
		require.NotEmpty(t, strings.TrimSpace(m.sql))
	}
	require.Equal(t, len(ms), LatestVersion())
}
