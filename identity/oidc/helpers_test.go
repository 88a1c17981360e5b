package oidc_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/oidc"
	"github.com/etjanst/etjanst/identity/oidc/oidctest"
)

// Skatteverket test personnummer (../../testdata/skatteverket) and a test
// samordningsnummer (../../testdata/personnummer/allCoords.json).
const (
	testPnr    = "195001182046"
	otherPnr   = "195001232296"
	testCoord  = "191401682396"
	testSecret = "s3cret-for-tests"
	redirect   = "https://e-tjanster.kommun.example/login/callback"
	clientID   = "e-tjanster"
)

// syncBuffer is a bytes.Buffer safe for concurrent writes by slog.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// clock is an adjustable clock: real time plus an offset.
type clock struct{ offset atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }
func newClock() *clock                   { return &clock{} }

type testBundle struct {
	op    *oidctest.Provider
	rp    *oidc.RelyingParty
	logs  *syncBuffer
	clock *clock
}

type setupOpts struct {
	config  func(*oidc.Config)
	options func(*oidc.Options)
	client  func(*oidctest.Client)
	op      *oidctest.Options
}

func setup(t *testing.T, so *setupOpts) *testBundle {
	t.Helper()
	if so == nil {
		so = &setupOpts{}
	}
	client := oidctest.Client{ID: clientID, Secret: testSecret, RedirectURIs: []string{redirect}}
	if so.client != nil {
		so.client(&client)
	}
	opOpts := &oidctest.Options{}
	if so.op != nil {
		*opOpts = *so.op
	}
	opOpts.Clients = append(opOpts.Clients, client)
	op, err := oidctest.New(opOpts)
	require.NoError(t, err)
	t.Cleanup(op.Close)

	cfg := oidc.Config{
		Issuer:       op.Issuer(),
		ClientID:     clientID,
		ClientSecret: testSecret,
		RedirectURL:  redirect,
	}
	if so.config != nil {
		so.config(&cfg)
	}
	logs := &syncBuffer{}
	clk := newClock()
	opts := &oidc.Options{
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:    clk.Now,
	}
	if so.options != nil {
		so.options(opts)
	}
	rp, err := oidc.New(context.Background(), cfg, opts)
	require.NoError(t, err)
	return &testBundle{op: op, rp: rp, logs: logs, clock: clk}
}

// attempt is one login and everything secret that it involved.
type attempt struct {
	flow     *oidc.FlowState
	callback url.Values
	secrets  []string // state, nonce, verifier, code
}

// begin starts a flow and lets the provider's user log in.
func (b *testBundle) begin(t *testing.T, opts *oidc.BeginOptions) attempt {
	t.Helper()
	ctx := context.Background()
	authURL, flow, err := b.rp.Begin(ctx, opts)
	require.NoError(t, err)
	cb, err := b.op.Login(ctx, authURL)
	require.NoError(t, err)
	a := attempt{flow: flow, callback: cb}
	a.secrets = append(a.secrets, flow.State, flow.Nonce, flow.CodeVerifier)
	if c := cb.Get("code"); c != "" {
		a.secrets = append(a.secrets, c)
	}
	return a
}

// login runs a whole login for user.
func (b *testBundle) login(t *testing.T, user oidctest.User) (identity.Principal, identity.Evidence, attempt, error) {
	t.Helper()
	b.op.SetUser(user)
	a := b.begin(t, nil)
	p, ev, err := b.rp.Complete(context.Background(), a.flow, a.callback)
	return p, ev, a, err
}

// requireNoLeak asserts that none of the secrets or personal data appear in
// the error or the logs.
func (b *testBundle) requireNoLeak(t *testing.T, err error, a attempt, extra ...string) {
	t.Helper()
	logs := b.logs.String()
	secrets := append(append([]string{testPnr, testCoord, otherPnr}, a.secrets...), extra...)
	for _, s := range secrets {
		if s == "" {
			continue
		}
		if err != nil {
			require.NotContains(t, err.Error(), s, "error leaks a secret or personal number")
		}
		require.NotContains(t, logs, s, "logs leak a secret or personal number")
	}
	if err != nil {
		require.NotContains(t, err.Error(), "eyJ", "error contains a JWT")
	}
	require.NotContains(t, logs, "eyJ", "logs contain a JWT")
}

func person(pnr string, acr identity.AssuranceLevel) oidctest.User {
	return oidctest.User{
		Subject: "pairwise-" + strings.Repeat("a", 8),
		ACR:     string(acr),
		Claims: map[string]any{
			oidc.ClaimPersonalIdentityNumber: pnr,
			"given_name":                     "Testa",
			"family_name":                    "Testsson",
			"txn":                            "txn-0001",
		},
	}
}
