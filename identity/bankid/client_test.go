package bankid_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/bankid"
	"github.com/etjanst/etjanst/identity/bankid/bankidtest"
)

func lastRequest(t *testing.T, srv *bankidtest.Server, path string) map[string]any {
	t.Helper()
	reqs := srv.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Path == path {
			require.Equal(t, "POST", reqs[i].Method)
			require.Equal(t, "application/json", reqs[i].ContentType)
			var m map[string]any
			require.NoError(t, json.Unmarshal(reqs[i].Body, &m))
			return m
		}
	}
	t.Fatalf("no request to %s", path)
	return nil
}

func TestAuthScanComplete(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, nil)
	ctx := t.Context()

	order, err := b.client.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.7", ReturnRisk: true})
	require.NoError(t, err)
	require.NotEmpty(t, order.OrderRef)
	require.NotEmpty(t, order.AutoStartToken)
	require.Equal(t, b.clock.Now(), order.StartedAt)

	resp, err := b.client.Collect(ctx, order.OrderRef)
	require.NoError(t, err)
	require.Equal(t, bankid.StatusPending, resp.Status)
	require.Equal(t, bankid.HintOutstandingTransaction, resp.HintCode)
	require.Equal(t, bankid.RFA1, resp.Message(bankid.MessageContext{QR: true}))

	b.clock.Add(3 * time.Second)
	ref, err := b.srv.Scan(order.QR(b.clock.Now()), alice.PersonalNumber)
	require.NoError(t, err)
	require.Equal(t, order.OrderRef, ref)

	resp, err = b.client.Collect(ctx, order.OrderRef)
	require.NoError(t, err)
	require.Equal(t, bankid.HintStarted, resp.HintCode)

	require.NoError(t, b.srv.UserSign(ref))
	resp, err = b.client.Collect(ctx, order.OrderRef)
	require.NoError(t, err)
	require.Equal(t, bankid.HintUserSign, resp.HintCode)
	require.Equal(t, bankid.RFA9, resp.Message(bankid.MessageContext{}))

	require.NoError(t, b.srv.Complete(ref))
	resp, err = b.client.Collect(ctx, order.OrderRef)
	require.NoError(t, err)
	require.Equal(t, bankid.StatusComplete, resp.Status)
	require.NoError(t, resp.Err())
	cd := resp.CompletionData
	require.Equal(t, alice.PersonalNumber, cd.User.PersonalNumber)
	require.Equal(t, alice.GivenName, cd.User.GivenName)
	require.Equal(t, alice.Surname, cd.User.Surname)
	require.Equal(t, alice.Name(), cd.User.Name)
	require.Equal(t, "192.0.2.7", cd.Device.IPAddress)
	require.Equal(t, "low", cd.Risk)
	require.NotEmpty(t, cd.BankIDIssueDate)
	sig, err := base64.StdEncoding.DecodeString(cd.Signature)
	require.NoError(t, err)
	require.Contains(t, string(sig), "<bankIdSignedData>")
	require.Contains(t, string(sig), "Identification")
	require.NotEmpty(t, cd.OCSPResponse)
	require.JSONEq(t, string(resp.Raw), mustJSON(t, resp.Raw))
}

func mustJSON(t *testing.T, raw []byte) string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestSignSendsEncodedData(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, nil)
	ctx := t.Context()
	text := "# Ansökan om bygglov\nJag intygar att uppgifterna är *riktiga*."
	hidden := []byte{0x00, 0x01, 0xfe, 0xff}
	order, err := b.client.Sign(ctx, bankid.SignRequest{
		EndUserIP:             "2001:db8::1",
		UserVisibleData:       text,
		UserVisibleDataFormat: bankid.FormatSimpleMarkdownV1,
		UserNonVisibleData:    hidden,
		ReturnURL:             "https://portal.example/return#nonce",
		Requirement:           &bankid.Requirement{PinCode: true, MRTD: true, PersonalNumber: bob.PersonalNumber},
	})
	require.NoError(t, err)
	req := lastRequest(t, b.srv, "/sign")
	require.Equal(t, base64.StdEncoding.EncodeToString([]byte(text)), req["userVisibleData"])
	require.Equal(t, "simpleMarkdownV1", req["userVisibleDataFormat"])
	require.Equal(t, base64.StdEncoding.EncodeToString(hidden), req["userNonVisibleData"])
	require.Equal(t, "2001:db8::1", req["endUserIp"])
	require.Equal(t, "https://portal.example/return#nonce", req["returnUrl"])
	rq := req["requirement"].(map[string]any)
	require.Equal(t, true, rq["pinCode"])
	require.Equal(t, bob.PersonalNumber, rq["personalNumber"])

	_, err = b.srv.Scan(order.QR(b.clock.Now()), alice.PersonalNumber)
	require.ErrorIs(t, err, bankidtest.ErrWrongPerson)
	ref, err := b.srv.Sign(order.QR(b.clock.Now()), bob.PersonalNumber)
	require.NoError(t, err)
	resp, err := b.client.Collect(ctx, ref)
	require.NoError(t, err)
	require.Equal(t, bankid.StatusComplete, resp.Status)
	require.NotNil(t, resp.CompletionData.StepUp)
	require.True(t, resp.CompletionData.StepUp.MRTD)
	sig, err := base64.StdEncoding.DecodeString(resp.CompletionData.Signature)
	require.NoError(t, err)
	require.Contains(t, string(sig), "Signing")
	require.Contains(t, string(sig), base64.StdEncoding.EncodeToString([]byte(text)))
}

func TestPlaintextSignHasNoFormat(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, nil)
	_, err := b.client.Sign(t.Context(), bankid.SignRequest{EndUserIP: "192.0.2.1", UserVisibleData: "Jag godkänner."})
	require.NoError(t, err)
	req := lastRequest(t, b.srv, "/sign")
	require.NotContains(t, req, "userVisibleDataFormat")
	require.NotContains(t, req, "userNonVisibleData")
}

func TestPhoneAuthAndSign(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, nil)
	ctx := t.Context()

	order, err := b.client.PhoneAuth(ctx, bankid.PhoneAuthRequest{PersonalNumber: alice.PersonalNumber, CallInitiator: bankid.CallInitiatorRP})
	require.NoError(t, err)
	require.Empty(t, order.QRStartToken)
	require.Empty(t, order.QR(b.clock.Now()))
	req := lastRequest(t, b.srv, "/phone/auth")
	require.Equal(t, "RP", req["callInitiator"])
	require.NotContains(t, req, "endUserIp")
	require.NoError(t, b.srv.Complete(order.OrderRef))
	resp, err := b.client.Collect(ctx, order.OrderRef)
	require.NoError(t, err)
	require.Equal(t, alice.PersonalNumber, resp.CompletionData.User.PersonalNumber)

	order, err = b.client.PhoneSign(ctx, bankid.PhoneSignRequest{
		PersonalNumber: bob.PersonalNumber, CallInitiator: bankid.CallInitiatorUser, UserVisibleData: "Jag godkänner.",
	})
	require.NoError(t, err)
	require.NoError(t, b.srv.Fail(order.OrderRef, bankid.HintUserDeclinedCall))
	resp, err = b.client.Collect(ctx, order.OrderRef)
	require.NoError(t, err)
	require.ErrorIs(t, resp.Err(), bankid.ErrCallDeclined)
	require.Equal(t, bankid.RFA6, resp.Message(bankid.MessageContext{}))
}

func TestWaitScripted(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, nil)
	require.NoError(t, b.srv.SetScript(bob.PersonalNumber, bankidtest.Script{}))
	order, err := b.client.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1", Requirement: &bankid.Requirement{PersonalNumber: bob.PersonalNumber}})
	require.NoError(t, err)
	var hints []string
	resp, err := b.client.Wait(t.Context(), order.OrderRef, func(r *bankid.CollectResponse) {
		hints = append(hints, r.Status+"/"+r.HintCode)
	})
	require.NoError(t, err)
	require.Equal(t, bankid.StatusComplete, resp.Status)
	require.Equal(t, []string{
		"pending/outstandingTransaction", "pending/started", "pending/userSign", "complete/",
	}, hints)
}

func TestFailedOrders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		outcome string
		want    error
		rfa     bankid.RFA
	}{
		{bankid.HintUserCancel, bankid.ErrUserCancel, bankid.RFA6},
		{bankid.HintCertificateErr, bankid.ErrCertificate, bankid.RFA16},
		{bankid.HintExpiredTransaction, bankid.ErrExpired, bankid.RFA8},
		{bankid.HintStartFailed, bankid.ErrStartFailed, bankid.RFA17B},
		{bankid.HintCancelled, bankid.ErrCancelled, bankid.RFA3},
		{"someFutureHint", bankid.ErrOrderFailed, bankid.RFA22},
	}
	for _, tt := range tests {
		t.Run(tt.outcome, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil, nil)
			require.NoError(t, b.srv.SetScript(alice.PersonalNumber, bankidtest.Script{
				Pending: []string{bankid.HintOutstandingTransaction}, Outcome: tt.outcome,
			}))
			order, err := b.client.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1", Requirement: &bankid.Requirement{PersonalNumber: alice.PersonalNumber}})
			require.NoError(t, err)
			resp, err := b.client.Wait(t.Context(), order.OrderRef, nil)
			require.ErrorIs(t, err, tt.want)
			require.ErrorIs(t, err, bankid.ErrOrderFailed)
			require.ErrorIs(t, err, identity.ErrFlowFailed)
			require.Equal(t, bankid.StatusFailed, resp.Status)
			require.Equal(t, tt.rfa, resp.Message(bankid.MessageContext{QR: true}))
			if tt.outcome != bankid.HintStartFailed { // RFA17A/B depends on the context
				require.Equal(t, tt.rfa, bankid.ErrorMessage(err))
			}
		})
	}
}

func TestClockDrivenFailures(t *testing.T) {
	t.Parallel()
	t.Run("startFailed", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil, nil)
		order, err := b.client.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
		require.NoError(t, err)
		b.clock.Add(31 * time.Second)
		_, err = b.srv.Scan(order.QR(b.clock.Now()), alice.PersonalNumber)
		require.ErrorIs(t, err, bankidtest.ErrNoOrder)
		resp, err := b.client.Collect(t.Context(), order.OrderRef)
		require.NoError(t, err)
		require.ErrorIs(t, resp.Err(), bankid.ErrStartFailed)
	})
	t.Run("expiredTransaction", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil, nil)
		order, err := b.client.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
		require.NoError(t, err)
		b.clock.Add(10 * time.Second)
		_, err = b.srv.Scan(order.QR(b.clock.Now()), alice.PersonalNumber)
		require.NoError(t, err)
		b.clock.Add(3 * time.Minute)
		resp, err := b.client.Collect(t.Context(), order.OrderRef)
		require.NoError(t, err)
		require.ErrorIs(t, resp.Err(), bankid.ErrExpired)
		// Finished orders are forgotten after the retention.
		b.clock.Add(2 * time.Minute)
		_, err = b.client.Collect(t.Context(), order.OrderRef)
		require.ErrorIs(t, err, bankid.ErrInvalidParameters)
	})
	t.Run("stale QR", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil, nil)
		order, err := b.client.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
		require.NoError(t, err)
		qr := order.QR(b.clock.Now())
		b.clock.Add(20 * time.Second)
		_, err = b.srv.Scan(qr, alice.PersonalNumber)
		require.ErrorIs(t, err, bankidtest.ErrBadQR)
		forged := bankid.QRData(order.QRStartToken, "not-the-secret", 20)
		_, err = b.srv.Scan(forged, alice.PersonalNumber)
		require.ErrorIs(t, err, bankidtest.ErrBadQR)
		_, err = b.srv.Scan(order.QR(b.clock.Now()), alice.PersonalNumber)
		require.NoError(t, err)
	})
}

func TestAlreadyInProgress(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, nil)
	ctx := t.Context()
	req := bankid.AuthRequest{EndUserIP: "192.0.2.1", Requirement: &bankid.Requirement{PersonalNumber: alice.PersonalNumber}}
	first, err := b.client.Auth(ctx, req)
	require.NoError(t, err)
	_, err = b.client.Auth(ctx, req)
	require.ErrorIs(t, err, bankid.ErrAlreadyInProgress)
	var be *bankid.Error
	require.ErrorAs(t, err, &be)
	require.Equal(t, bankid.CodeAlreadyInProgress, be.Code)
	require.Equal(t, 400, be.HTTPStatus)
	require.Equal(t, bankid.RFA4, bankid.ErrorMessage(err))
	require.Equal(t, bankid.RFA4, be.Message())
	resp, err := b.client.Collect(ctx, first.OrderRef)
	require.NoError(t, err)
	require.ErrorIs(t, resp.Err(), bankid.ErrCancelled, "BankID aborts the running order too")

	// Scanning with a person who has another order pending cancels that one.
	o1, err := b.client.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.1"})
	require.NoError(t, err)
	o2, err := b.client.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.1"})
	require.NoError(t, err)
	_, err = b.srv.Scan(o1.QR(b.clock.Now()), bob.PersonalNumber)
	require.NoError(t, err)
	_, err = b.srv.Scan(o2.QR(b.clock.Now()), bob.PersonalNumber)
	require.NoError(t, err)
	resp, err = b.client.Collect(ctx, o1.OrderRef)
	require.NoError(t, err)
	require.ErrorIs(t, resp.Err(), bankid.ErrCancelled)
}

func TestCancelAndInvalidOrders(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, nil)
	ctx := t.Context()
	order, err := b.client.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.1"})
	require.NoError(t, err)
	require.NoError(t, b.client.Cancel(ctx, order.OrderRef))
	require.ErrorIs(t, b.client.Cancel(ctx, order.OrderRef), bankid.ErrInvalidParameters, "re-cancel")
	_, err = b.client.Collect(ctx, order.OrderRef)
	require.ErrorIs(t, err, bankid.ErrInvalidParameters, "collect after cancel")
	_, err = b.client.Collect(ctx, "00000000-0000-4000-8000-000000000000")
	require.ErrorIs(t, err, bankid.ErrInvalidParameters, "unknown order")
	require.ErrorIs(t, b.client.Cancel(ctx, "00000000-0000-4000-8000-000000000000"), bankid.ErrInvalidParameters)

	done, err := b.client.PhoneAuth(ctx, bankid.PhoneAuthRequest{PersonalNumber: alice.PersonalNumber, CallInitiator: "user"})
	require.NoError(t, err)
	require.NoError(t, b.srv.Complete(done.OrderRef))
	require.ErrorIs(t, b.client.Cancel(ctx, done.OrderRef), bankid.ErrInvalidParameters, "cancel finished")
	_, err = b.client.Collect(ctx, "")
	require.ErrorIs(t, err, bankid.ErrInvalidRequest)
}

func TestMaintenanceRetried(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, &bankid.Options{MaxRetries: 3})
	b.srv.InjectFault(bankidtest.Fault{Path: "/auth"}, 2)
	order, err := b.client.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
	require.NoError(t, err)
	require.NotEmpty(t, order.OrderRef)
	require.Len(t, b.srv.Requests(), 3)

	b.srv.InjectFault(bankidtest.Fault{Path: "/collect"}, 4)
	_, err = b.client.Collect(t.Context(), order.OrderRef)
	require.ErrorIs(t, err, bankid.ErrMaintenance)
	require.Equal(t, bankid.RFA5, bankid.ErrorMessage(err))
	require.Len(t, b.srv.Requests(), 7, "1 try + 3 retries")
}

func TestNoRetryWhenDisabledOrNotMaintenance(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, &bankid.Options{MaxRetries: -1})
	b.srv.InjectFault(bankidtest.Fault{}, 1)
	_, err := b.client.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
	require.ErrorIs(t, err, bankid.ErrMaintenance)
	b.srv.InjectFault(bankidtest.Fault{Status: 500, ErrorCode: bankid.CodeInternalError}, 1)
	_, err = b.client.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
	require.ErrorIs(t, err, bankid.ErrInternal)
	require.Len(t, b.srv.Requests(), 2)
}

func TestMaintenanceRetryRespectsContext(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, &bankid.Options{RetryBackoff: time.Hour, MaxRetryBackoff: time.Hour})
	b.srv.InjectFault(bankidtest.Fault{}, 1)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := b.client.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.1"})
		done <- err
	}()
	require.Eventually(t, func() bool { return strings.Contains(b.logs.String(), "bankid retry") }, 10*time.Second, time.Millisecond)
	cancel()
	err := <-done
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, bankid.ErrMaintenance)
}

func TestErrorCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault bankidtest.Fault
		want  error
		code  string
	}{
		{"alreadyInProgress", bankidtest.Fault{Status: 400, ErrorCode: "alreadyInProgress"}, bankid.ErrAlreadyInProgress, "alreadyInProgress"},
		{"invalidParameters", bankidtest.Fault{Status: 400, ErrorCode: "invalidParameters"}, bankid.ErrInvalidParameters, "invalidParameters"},
		{"unauthorized", bankidtest.Fault{Status: 401, ErrorCode: "unauthorized"}, bankid.ErrUnauthorized, "unauthorized"},
		{"notFound", bankidtest.Fault{Status: 404, ErrorCode: "notFound"}, bankid.ErrNotFound, "notFound"},
		{"methodNotAllowed", bankidtest.Fault{Status: 405, ErrorCode: "methodNotAllowed"}, bankid.ErrMethodNotAllowed, "methodNotAllowed"},
		{"requestTimeout", bankidtest.Fault{Status: 408, ErrorCode: "requestTimeout"}, bankid.ErrRequestTimeout, "requestTimeout"},
		{"unsupportedMediaType", bankidtest.Fault{Status: 415, ErrorCode: "unsupportedMediaType"}, bankid.ErrUnsupportedMediaType, "unsupportedMediaType"},
		{"internalError", bankidtest.Fault{Status: 500, ErrorCode: "internalError"}, bankid.ErrInternal, "internalError"},
		{"maintenance", bankidtest.Fault{Status: 503, ErrorCode: "maintenance"}, bankid.ErrMaintenance, "maintenance"},
		{"unknown code", bankidtest.Fault{Status: 400, ErrorCode: "brandNewCode"}, bankid.ErrUnknown, "brandNewCode"},
		{"hostile code", bankidtest.Fault{Status: 400, ErrorCode: "x\n" + strings.Repeat("y", 500)}, bankid.ErrUnknown, ""},
		{"401 without body", bankidtest.Fault{Status: 401, Body: "<html>no</html>"}, bankid.ErrUnauthorized, "unauthorized"},
		{"400 without body", bankidtest.Fault{Status: 400, Body: "{}"}, bankid.ErrInvalidParameters, "invalidParameters"},
		{"502 from a proxy", bankidtest.Fault{Status: 502, Body: "Bad gateway"}, bankid.ErrUnknown, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil, &bankid.Options{MaxRetries: -1})
			b.srv.InjectFault(tt.fault, 1)
			_, err := b.client.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
			require.ErrorIs(t, err, tt.want)
			var be *bankid.Error
			require.ErrorAs(t, err, &be)
			if tt.code != "" {
				require.Equal(t, tt.code, be.Code)
			}
			require.Equal(t, tt.want != bankid.ErrUnknown, be.Known())
			require.LessOrEqual(t, len(err.Error()), 120)
			require.NotContains(t, err.Error(), "\n")
			if tt.want == bankid.ErrUnknown {
				require.Equal(t, bankid.RFA22, bankid.ErrorMessage(err))
			}
		})
	}
}

func TestBadResponses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path string
		body string
	}{
		{"auth not json", "/auth", "not json"},
		{"auth without orderRef", "/auth", `{"autoStartToken":"a","qrStartToken":"b","qrStartSecret":"c"}`},
		{"auth without qr", "/auth", `{"orderRef":"r"}`},
		{"collect unknown status", "/collect", `{"orderRef":"r","status":"weird"}`},
		{"collect complete without data", "/collect", `{"orderRef":"r","status":"complete"}`},
		{"collect other order", "/collect", `{"orderRef":"other","status":"pending","hintCode":"started"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil, nil)
			b.srv.InjectFault(bankidtest.Fault{Path: tt.path, Body: tt.body}, 1)
			var err error
			if tt.path == "/auth" {
				_, err = b.client.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
			} else {
				_, err = b.client.Collect(t.Context(), "r")
			}
			require.ErrorIs(t, err, bankid.ErrBadResponse)
		})
	}
}

func TestRequestTimeout(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, &bankid.Options{RequestTimeout: 50 * time.Millisecond})
	b.srv.InjectFault(bankidtest.Fault{Stall: true}, 1)
	_, err := b.client.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	// The next request works again.
	_, err = b.client.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
	require.NoError(t, err)
}

func TestWaitRespectsContext(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, &bankid.Options{PollInterval: time.Hour})
	order, err := b.client.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	polled := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		_, err := b.client.Wait(ctx, order.OrderRef, func(*bankid.CollectResponse) { polled <- struct{}{} })
		done <- err
	}()
	<-polled
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
}

func TestClientValidatesRequests(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, nil)
	ctx := t.Context()
	tests := []struct {
		name string
		call func() error
	}{
		{"no ip", func() error { _, err := b.client.Auth(ctx, bankid.AuthRequest{}); return err }},
		{"bad ip", func() error { _, err := b.client.Auth(ctx, bankid.AuthRequest{EndUserIP: "999.1.1.1"}); return err }},
		{"sign without text", func() error {
			_, err := b.client.Sign(ctx, bankid.SignRequest{EndUserIP: "192.0.2.1"})
			return err
		}},
		{"bad format", func() error {
			_, err := b.client.Sign(ctx, bankid.SignRequest{EndUserIP: "192.0.2.1", UserVisibleData: "x", UserVisibleDataFormat: "html"})
			return err
		}},
		{"text too long", func() error {
			_, err := b.client.Sign(ctx, bankid.SignRequest{EndUserIP: "192.0.2.1", UserVisibleData: strings.Repeat("x", 40_000)})
			return err
		}},
		{"hidden too long", func() error {
			_, err := b.client.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.1", UserNonVisibleData: make([]byte, 150_001)})
			return err
		}},
		{"invalid utf8", func() error {
			_, err := b.client.Sign(ctx, bankid.SignRequest{EndUserIP: "192.0.2.1", UserVisibleData: "\xff"})
			return err
		}},
		{"bad requirement pnr", func() error {
			_, err := b.client.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.1", Requirement: &bankid.Requirement{PersonalNumber: "19121212-1212"}})
			return err
		}},
		{"bad card reader", func() error {
			_, err := b.client.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.1", Requirement: &bankid.Requirement{CardReader: "class9"}})
			return err
		}},
		{"phone without pnr", func() error {
			_, err := b.client.PhoneAuth(ctx, bankid.PhoneAuthRequest{CallInitiator: "user"})
			return err
		}},
		{"phone bad initiator", func() error {
			_, err := b.client.PhoneAuth(ctx, bankid.PhoneAuthRequest{PersonalNumber: alice.PersonalNumber, CallInitiator: "bank"})
			return err
		}},
		{"phone sign without text", func() error {
			_, err := b.client.PhoneSign(ctx, bankid.PhoneSignRequest{PersonalNumber: alice.PersonalNumber, CallInitiator: "user"})
			return err
		}},
	}
	for _, tt := range tests {
		err := tt.call()
		require.ErrorIs(t, err, bankid.ErrInvalidRequest, tt.name)
		require.NotContains(t, err.Error(), alice.PersonalNumber)
	}
	require.Empty(t, b.srv.Requests(), "nothing was sent")
}

func TestFakeRejectsWhatBankIDRejects(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, nil)
	hc := &httpClient{srv: b.srv}
	tests := []struct {
		name, method, path, ctype, body string
		status                          int
		code                            string
	}{
		{"GET", "GET", "/collect", "application/json", "", 405, "methodNotAllowed"},
		{"text/plain", "POST", "/auth", "text/plain", `{"endUserIp":"192.0.2.1"}`, 415, "unsupportedMediaType"},
		{"charset", "POST", "/auth", "application/json; charset=utf-8", `{"endUserIp":"192.0.2.1"}`, 415, "unsupportedMediaType"},
		{"unknown path", "POST", "/identify", "application/json", `{}`, 404, "notFound"},
		{"unknown field", "POST", "/auth", "application/json", `{"endUserIp":"192.0.2.1","personalNumber":"195001182046"}`, 400, "invalidParameters"},
		{"misspelled field", "POST", "/auth", "application/json", `{"endUserIP":"192.0.2.1"}`, 400, "invalidParameters"},
		{"sign without text", "POST", "/sign", "application/json", `{"endUserIp":"192.0.2.1"}`, 400, "invalidParameters"},
		{"bad base64", "POST", "/sign", "application/json", `{"endUserIp":"192.0.2.1","userVisibleData":"***"}`, 400, "invalidParameters"},
		{"format without data", "POST", "/auth", "application/json", `{"endUserIp":"192.0.2.1","userVisibleDataFormat":"simpleMarkdownV1"}`, 400, "invalidParameters"},
		{"bad pnr", "POST", "/phone/auth", "application/json", `{"personalNumber":"195001182047","callInitiator":"user"}`, 400, "invalidParameters"},
		{"not json", "POST", "/collect", "application/json", `orderRef`, 400, "invalidParameters"},
	}
	for _, tt := range tests {
		status, code := hc.do(t, tt.method, tt.path, tt.ctype, tt.body)
		require.Equal(t, tt.status, status, tt.name)
		require.Equal(t, tt.code, code, tt.name)
	}
}

func TestUnregisteredRPCertificate(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, nil)
	cfg := b.srv.ClientConfig()
	cfg.Certificate = b.srv.UnregisteredCertificate().TLS
	c, err := bankid.New(cfg, nil)
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
	require.ErrorIs(t, err, bankid.ErrUnauthorized)
}

func TestWrongCA(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, nil)
	other, err := bankidtest.NewCA("some other CA")
	require.NoError(t, err)

	t.Run("server not trusted", func(t *testing.T) {
		cfg := b.srv.ClientConfig()
		cfg.RootCAs = other.Pool()
		c, err := bankid.New(cfg, nil)
		require.NoError(t, err)
		defer c.Close()
		_, err = c.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
		require.Error(t, err)
		require.ErrorContains(t, err, "certificate")
		require.False(t, errors.Is(err, bankid.ErrUnknown))
	})
	t.Run("client certificate from another CA", func(t *testing.T) {
		leaf, err := other.IssueClient(bankidtest.RPCommonName)
		require.NoError(t, err)
		cfg := b.srv.ClientConfig()
		cfg.Certificate = leaf.TLS
		c, err := bankid.New(cfg, nil)
		require.NoError(t, err)
		defer c.Close()
		_, err = c.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
		require.Error(t, err)
	})
	require.Empty(t, b.srv.Requests(), "no request got through")
}
