package bankid_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/bankid"
	"github.com/etjanst/etjanst/identity/bankid/bankidtest"
)

func newProvider(t *testing.T, b *bundle, opts *bankid.ProviderOptions) *bankid.Provider {
	t.Helper()
	p, err := bankid.NewProvider(b.client, opts)
	require.NoError(t, err)
	return p
}

func TestProviderLoginWithQR(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, nil)
	p := newProvider(t, b, nil)
	ctx := t.Context()

	ch, err := p.Start(ctx, identity.StartRequest{EndUserIP: "192.0.2.5", MinAssurance: identity.LoA3})
	require.NoError(t, err)
	require.Equal(t, identity.MethodBankID, ch.Method)
	require.NotEmpty(t, ch.Ref)
	require.NotEmpty(t, ch.Secret)

	st, err := p.Poll(ctx, ch)
	require.NoError(t, err)
	require.Equal(t, identity.StatePending, st.State)
	require.Equal(t, bankid.HintOutstandingTransaction, st.Hint)
	require.Equal(t, bankid.RFA1.Text(), st.Message)
	require.Equal(t, bankid.QRData(ch.QRStartToken, ch.Secret, 0), st.QR)

	b.clock.Add(2 * time.Second)
	st, err = p.Poll(ctx, ch)
	require.NoError(t, err)
	require.Equal(t, bankid.QRData(ch.QRStartToken, ch.Secret, 2), st.QR, "the QR code animates")

	_, err = b.srv.Scan(st.QR, alice.PersonalNumber)
	require.NoError(t, err)
	st, err = p.Poll(ctx, ch)
	require.NoError(t, err)
	require.Equal(t, bankid.RFA14B.Text(), st.Message)

	require.NoError(t, b.srv.Complete(ch.Ref))
	st, err = p.Poll(ctx, ch)
	require.NoError(t, err)
	require.Equal(t, identity.StateComplete, st.State)
	require.NotNil(t, st.Result)
	pr := st.Result.Principal
	require.Equal(t, identity.Subject{Scheme: identity.SchemePersonnummer, Value: alice.PersonalNumber}, pr.Subject)
	require.Equal(t, alice.GivenName, pr.GivenName)
	require.Equal(t, alice.Surname, pr.FamilyName)
	require.Equal(t, identity.LoA3, pr.Assurance)
	require.Equal(t, identity.MethodBankID, pr.Method)
	require.Equal(t, b.clock.Now(), pr.AuthTime)
	require.True(t, pr.ActsForSelf())
	require.NoError(t, pr.Validate())

	ev := st.Result.Evidence
	require.Equal(t, identity.MethodBankID, ev.Method)
	require.Equal(t, b.srv.URL, ev.Provider)
	require.Equal(t, ch.Ref, ev.Ref)
	require.False(t, ev.Sign)
	require.Contains(t, string(ev.Signature), "bankIdSignedData")
	require.NotEmpty(t, ev.OCSPResponse)
	require.Equal(t, "192.0.2.5", ev.Attributes["device.ipAddress"])
	require.NotEmpty(t, ev.Attributes["bankIdIssueDate"])
	require.True(t, json.Valid(ev.Raw))
	require.Equal(t, ch.StartedAt, ev.StartedAt)
}

func TestProviderSignCompleteWaits(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, nil)
	p := newProvider(t, b, &bankid.ProviderOptions{Requirement: &bankid.Requirement{PinCode: true}})
	require.NoError(t, b.srv.SetScript(bob.PersonalNumber, bankidtest.Script{}))
	who := identity.Subject{Scheme: identity.SchemePersonnummer, Value: bob.PersonalNumber}
	ch, err := p.Start(t.Context(), identity.StartRequest{
		EndUserIP: "192.0.2.5", Subject: who, SameDevice: true,
		Sign: &identity.SignRequest{Text: "Jag *intygar*", Markdown: true, Hidden: []byte("digest")},
	})
	require.NoError(t, err)
	require.True(t, ch.Sign)
	req := lastRequest(t, b.srv, "/sign")
	require.Equal(t, "simpleMarkdownV1", req["userVisibleDataFormat"])
	rq := req["requirement"].(map[string]any)
	require.Equal(t, bob.PersonalNumber, rq["personalNumber"])
	require.Equal(t, true, rq["pinCode"])

	st, err := p.Poll(t.Context(), ch)
	require.NoError(t, err)
	require.Empty(t, st.QR, "no QR code on the same device")
	require.Equal(t, bankid.RFA13.Text(), st.Message, "autostarted")

	res, err := p.Complete(t.Context(), ch, nil)
	require.NoError(t, err)
	require.Equal(t, who, res.Principal.Subject)
	require.True(t, res.Evidence.Sign)
	require.Contains(t, string(res.Evidence.Signature), "Signing")
}

func TestProviderFailures(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, nil)
	p := newProvider(t, b, nil)
	ctx := t.Context()

	_, err := p.Start(ctx, identity.StartRequest{EndUserIP: "192.0.2.5", MinAssurance: identity.LoA4})
	require.ErrorIs(t, err, identity.ErrNotAuthorised)
	_, err = p.Start(ctx, identity.StartRequest{EndUserIP: "192.0.2.5", Subject: identity.Subject{Scheme: identity.SchemeEIDAS, Value: "NO/SE/1"}})
	require.ErrorIs(t, err, identity.ErrInvalidSubject)

	require.NoError(t, b.srv.SetScript(alice.PersonalNumber, bankidtest.Script{Outcome: bankid.HintUserCancel}))
	ch, err := p.Start(ctx, identity.StartRequest{EndUserIP: "192.0.2.5", Subject: identity.Subject{Scheme: identity.SchemePersonnummer, Value: alice.PersonalNumber}})
	require.NoError(t, err)
	_, err = p.Complete(ctx, ch, nil)
	require.ErrorIs(t, err, identity.ErrFlowFailed)
	require.ErrorIs(t, err, bankid.ErrUserCancel)

	st, err := p.Poll(ctx, ch)
	require.NoError(t, err)
	require.Equal(t, identity.StateFailed, st.State)
	require.Equal(t, bankid.RFA6.Text(), st.Message)

	require.ErrorIs(t, p.Cancel(ctx, ch), identity.ErrFlowNotFound, "cancel a finished order")
	require.ErrorIs(t, p.Cancel(ctx, identity.Challenge{Method: "freja", Ref: "x"}), identity.ErrFlowNotFound)
	_, err = p.Poll(ctx, identity.Challenge{Method: identity.MethodBankID, Ref: "00000000-0000-4000-8000-000000000000"})
	require.ErrorIs(t, err, identity.ErrFlowNotFound)
	require.ErrorIs(t, err, bankid.ErrInvalidParameters)
}

func TestProviderCompleteCancelsWhenContextEnds(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, &bankid.Options{PollInterval: time.Hour})
	p := newProvider(t, b, nil)
	ch, err := p.Start(t.Context(), identity.StartRequest{EndUserIP: "192.0.2.5"})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := p.Complete(ctx, ch, nil)
		done <- err
	}()
	require.Eventually(t, func() bool { return len(b.srv.Requests()) >= 2 }, 10*time.Second, time.Millisecond)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	_, _, ok := b.srv.OrderState(ch.Ref)
	require.False(t, ok, "the order was cancelled")
}

func TestProviderRejectsCompletionForAnotherPerson(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, nil)
	p := newProvider(t, b, nil)
	// A forged completion for bob on an order started for alice.
	ch, err := p.Start(t.Context(), identity.StartRequest{EndUserIP: "192.0.2.5", Subject: identity.Subject{Scheme: identity.SchemePersonnummer, Value: alice.PersonalNumber}})
	require.NoError(t, err)
	other := setup(t, nil, nil)
	require.NoError(t, other.srv.SetScript(bob.PersonalNumber, bankidtest.Script{Pending: []string{bankid.HintStarted}}))
	o, err := other.client.PhoneAuth(t.Context(), bankid.PhoneAuthRequest{PersonalNumber: bob.PersonalNumber, CallInitiator: "user"})
	require.NoError(t, err)
	resp, err := other.client.Wait(t.Context(), o.OrderRef, nil)
	require.NoError(t, err)
	body := string(resp.Raw)
	body = replaceAll(body, o.OrderRef, ch.Ref)
	b.srv.InjectFault(bankidtest.Fault{Path: "/collect", Body: body}, 1)
	_, err = p.Poll(t.Context(), ch)
	require.ErrorIs(t, err, bankid.ErrBadResponse)
	require.NotContains(t, err.Error(), bob.PersonalNumber)
}

func TestNewProviderOptions(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, nil)
	_, err := bankid.NewProvider(nil, nil)
	require.ErrorIs(t, err, bankid.ErrConfig)
	_, err = bankid.NewProvider(b.client, &bankid.ProviderOptions{Assurance: "loa9"})
	require.ErrorIs(t, err, bankid.ErrConfig)
	p, err := bankid.NewProvider(b.client, &bankid.ProviderOptions{Assurance: identity.UncertifiedLoA3})
	require.NoError(t, err)
	_, err = p.Start(t.Context(), identity.StartRequest{EndUserIP: "192.0.2.5", MinAssurance: identity.LoA3})
	require.ErrorIs(t, err, identity.ErrNotAuthorised)
}
