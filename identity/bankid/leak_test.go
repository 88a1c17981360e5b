package bankid_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/bankid"
	"github.com/etjanst/etjanst/identity/bankid/bankidtest"
)

// TestNoPersonalDataOrTokensInLogsOrErrors runs through success, failure
// and error paths and checks that neither the Debug logs nor any error
// string nor the LogValue of any type contains a personal number, name,
// orderRef, token or secret.
func TestNoPersonalDataOrTokensInLogsOrErrors(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, &bankid.Options{MaxRetries: 1})
	p := newProvider(t, b, nil)
	ctx := t.Context()
	var errs []error
	var secrets []string
	note := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	logger := slog.New(slog.NewTextHandler(b.logs, nil))

	// Success with QR.
	ch, err := p.Start(ctx, identity.StartRequest{EndUserIP: "192.0.2.5"})
	require.NoError(t, err)
	secrets = append(secrets, ch.Ref, ch.Secret, ch.QRStartToken, ch.AutoStartToken)
	_, err = b.srv.Sign(bankid.QRData(ch.QRStartToken, ch.Secret, 0), alice.PersonalNumber)
	require.NoError(t, err)
	st, err := p.Poll(ctx, ch)
	require.NoError(t, err)
	logger.Info("done", "challenge", ch, "evidence", st.Result.Evidence, "principal", st.Result.Principal)

	// Order and collect response values.
	order, err := b.client.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.5", Requirement: &bankid.Requirement{PersonalNumber: bob.PersonalNumber}})
	require.NoError(t, err)
	secrets = append(secrets, order.OrderRef, order.QRStartSecret, order.QRStartToken, order.AutoStartToken)
	_, err = b.client.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.5", Requirement: &bankid.Requirement{PersonalNumber: bob.PersonalNumber}})
	note(err)
	resp, err := b.client.Collect(ctx, order.OrderRef)
	require.NoError(t, err)
	note(resp.Err())
	logger.Info("order", "order", order, "collect", resp)

	phone, err := b.client.PhoneAuth(ctx, bankid.PhoneAuthRequest{PersonalNumber: alice.PersonalNumber, CallInitiator: "user"})
	require.NoError(t, err)
	secrets = append(secrets, phone.OrderRef)
	require.NoError(t, b.srv.Complete(phone.OrderRef))
	resp, err = b.client.Collect(ctx, phone.OrderRef)
	require.NoError(t, err)
	logger.Info("completion", "data", resp.CompletionData, "collect", resp)
	note(b.client.Cancel(ctx, phone.OrderRef))
	_, err = b.client.Collect(ctx, phone.OrderRef+"x")
	note(err)

	// Faults with hostile content.
	b.srv.InjectFault(bankidtest.Fault{Status: 400, ErrorCode: "invalidParameters", Details: "bad personalNumber " + alice.PersonalNumber}, 1)
	_, err = b.client.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.5"})
	note(err)
	b.srv.InjectFault(bankidtest.Fault{Status: 400, ErrorCode: alice.PersonalNumber}, 1)
	_, err = b.client.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.5"})
	note(err)
	b.srv.InjectFault(bankidtest.Fault{Path: "/collect", Body: `{"orderRef":"` + order.OrderRef + `","status":"complete","completionData":{"user":{"personalNumber":"` + alice.PersonalNumber + `x"}}}`}, 1)
	_, err = b.client.Collect(ctx, order.OrderRef)
	note(err)
	b.srv.InjectFault(bankidtest.Fault{Path: "/collect", Body: `{"orderRef":"` + order.OrderRef + `","status":"failed","hintCode":"` + alice.PersonalNumber + `"}`}, 1)
	resp, err = b.client.Collect(ctx, order.OrderRef)
	require.NoError(t, err)
	note(resp.Err())
	b.srv.InjectFault(bankidtest.Fault{}, 3)
	_, err = b.client.Collect(ctx, order.OrderRef)
	note(err)
	_, err = p.Start(ctx, identity.StartRequest{EndUserIP: "192.0.2.5", Subject: identity.Subject{Scheme: identity.SchemePersonnummer, Value: "195001182047"}})
	note(err)
	_, err = b.client.PhoneAuth(ctx, bankid.PhoneAuthRequest{PersonalNumber: alice.PersonalNumber + "1", CallInitiator: "user"})
	note(err)
	_, err = b.srv.Scan(bankid.QRData(order.QRStartToken, "wrong", 0), alice.PersonalNumber)
	note(err)

	require.GreaterOrEqual(t, len(errs), 10)
	var all strings.Builder
	for _, e := range errs {
		fmt.Fprintln(&all, e.Error())
	}
	all.WriteString(b.logs.String())
	out := all.String()
	require.Contains(t, out, "bankid request", "debug logs were captured")
	require.Contains(t, out, "19500118-****", "masked numbers are fine")
	for _, s := range append(secrets, alice.PersonalNumber, bob.PersonalNumber, alice.GivenName, alice.Surname, bob.GivenName, bob.Surname) {
		require.NotEmpty(t, s)
		require.NotContains(t, out, s)
	}
	_ = time.Second
}
