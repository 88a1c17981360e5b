package bankid_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity/bankid"
	"github.com/etjanst/etjanst/identity/bankid/bankidtest"
)

// clock is a manual clock shared by the fake and the client.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type bundle struct {
	srv    *bankidtest.Server
	client *bankid.Client
	clock  *clock
	logs   *syncBuffer
}

// setup starts a fake and a client sharing a manual clock, with Debug logs
// captured, fast polling and fast retries.
func setup(t *testing.T, srvOpts *bankidtest.Options, opts *bankid.Options) *bundle {
	t.Helper()
	clk := newClock()
	if srvOpts == nil {
		srvOpts = &bankidtest.Options{}
	}
	srvOpts.Now = clk.Now
	srv, err := bankidtest.NewServer(srvOpts)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	logs := &syncBuffer{}
	if opts == nil {
		opts = &bankid.Options{}
	}
	opts.Now = clk.Now
	opts.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if opts.PollInterval == 0 {
		opts.PollInterval = time.Millisecond
	}
	if opts.RetryBackoff == 0 {
		opts.RetryBackoff = time.Millisecond
	}
	client, err := srv.NewClient(opts)
	require.NoError(t, err)
	t.Cleanup(client.Close)
	return &bundle{srv: srv, client: client, clock: clk, logs: logs}
}

var (
	alice = bankidtest.Persons()[0]
	bob   = bankidtest.Persons()[1]
)

// httpClient sends raw requests to the fake with the RP certificate.
type httpClient struct{ srv *bankidtest.Server }

func (h *httpClient) do(t *testing.T, method, path, ctype, body string) (int, string) {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: h.srv.ClientTLSConfig()}}
	defer hc.CloseIdleConnections()
	req, err := http.NewRequestWithContext(t.Context(), method, h.srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var e struct {
		ErrorCode string `json:"errorCode"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&e)
	return resp.StatusCode, e.ErrorCode
}

func replaceAll(s, old, new string) string { return strings.ReplaceAll(s, old, new) }
