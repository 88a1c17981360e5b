package oidc_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/oidc"
	"github.com/etjanst/etjanst/identity/oidc/oidctest"
)

// callbackOf turns the provider's redirect query into an identity.Callback.
func callbackOf(t *testing.T, op *oidctest.Provider, ch identity.Challenge) identity.Callback {
	t.Helper()
	q, err := op.Login(context.Background(), ch.RedirectURL)
	require.NoError(t, err)
	cb := identity.Callback{}
	for k := range q {
		cb[k] = q.Get(k)
	}
	return cb
}

func TestProviderAdapter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("login", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil)
		b.op.SetUser(person(testPnr, identity.LoA3))
		prov := b.rp.Provider()
		ch, err := prov.Start(ctx, identity.StartRequest{MinAssurance: identity.LoA3, ReturnURL: redirect, Lang: "en"})
		require.NoError(t, err)
		require.Equal(t, identity.MethodOIDC, ch.Method)
		require.NotEmpty(t, ch.Ref)
		require.NotEmpty(t, ch.Secret)
		require.Contains(t, ch.RedirectURL, b.op.Issuer()+"/authorize?")
		require.NotContains(t, ch.RedirectURL, ch.Secret)
		require.Equal(t, identity.LoA3, ch.MinAssurance)

		st, err := prov.Poll(ctx, ch)
		require.NoError(t, err)
		require.Equal(t, identity.StatePending, st.State)
		require.NotEmpty(t, st.Message.SV)
		require.NotEmpty(t, st.Message.EN)

		res, err := prov.Complete(ctx, ch, callbackOf(t, b.op, ch))
		require.NoError(t, err)
		require.Equal(t, testPnr, res.Principal.Subject.Value)
		require.Equal(t, identity.LoA3, res.Principal.Assurance)
		require.Equal(t, b.op.Issuer(), res.Evidence.Provider)
		require.NoError(t, prov.Cancel(ctx, ch))
		require.NotContains(t, b.logs.String(), ch.Secret)
		require.NotContains(t, b.logs.String(), ch.Ref)
	})

	t.Run("replayed callback", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil)
		b.op.SetUser(person(testPnr, identity.LoA3))
		prov := b.rp.Provider()
		ch, err := prov.Start(ctx, identity.StartRequest{})
		require.NoError(t, err)
		cb := callbackOf(t, b.op, ch)
		_, err = prov.Complete(ctx, ch, cb)
		require.NoError(t, err)
		_, err = prov.Complete(ctx, ch, cb)
		require.ErrorIs(t, err, identity.ErrFlowFailed)
		require.ErrorIs(t, err, oidc.ErrTokenExchange)
	})

	t.Run("below the minimum assurance", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil)
		b.op.SetUser(person(testPnr, identity.LoA2))
		b.op.SetFaults(oidctest.Faults{IgnoreACRValues: true})
		prov := b.rp.Provider()
		ch, err := prov.Start(ctx, identity.StartRequest{MinAssurance: identity.LoA3})
		require.NoError(t, err)
		_, err = prov.Complete(ctx, ch, callbackOf(t, b.op, ch))
		require.ErrorIs(t, err, identity.ErrFlowFailed)
		require.ErrorIs(t, err, oidc.ErrAssurance)
		require.ErrorIs(t, err, identity.ErrNotAuthorised)
	})

	t.Run("failures", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil)
		b.op.SetUser(person(testPnr, identity.LoA3))
		prov := b.rp.Provider()

		_, err := prov.Start(ctx, identity.StartRequest{Sign: &identity.SignRequest{Text: "Jag intygar"}})
		require.ErrorIs(t, err, oidc.ErrSignNotSupported)
		_, err = prov.Start(ctx, identity.StartRequest{ReturnURL: "https://evil.example/cb"})
		require.ErrorIs(t, err, oidc.ErrConfig)

		ch, err := prov.Start(ctx, identity.StartRequest{})
		require.NoError(t, err)

		forged := ch
		forged.Secret = "no-separator"
		_, err = prov.Complete(ctx, forged, identity.Callback{"state": ch.Ref, "code": "x"})
		require.ErrorIs(t, err, identity.ErrFlowNotFound)
		_, err = prov.Poll(ctx, forged)
		require.ErrorIs(t, err, identity.ErrFlowNotFound)
		require.ErrorIs(t, prov.Cancel(ctx, forged), identity.ErrFlowNotFound)
		other := ch
		other.Method = identity.MethodBankID
		require.ErrorIs(t, prov.Cancel(ctx, other), identity.ErrFlowNotFound)

		b.op.SetFaults(oidctest.Faults{AuthError: "access_denied"})
		_, err = prov.Complete(ctx, ch, callbackOf(t, b.op, ch))
		require.ErrorIs(t, err, identity.ErrFlowFailed)
		require.ErrorIs(t, err, oidc.ErrAuthorization)

		b.clock.Advance(oidc.DefaultFlowTTL + time.Minute)
		st, err := prov.Poll(ctx, ch)
		require.NoError(t, err)
		require.Equal(t, identity.StateFailed, st.State)
		require.Equal(t, "expired", st.Hint)

		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err = prov.Poll(cancelled, ch)
		require.ErrorIs(t, err, context.Canceled)
	})
}
