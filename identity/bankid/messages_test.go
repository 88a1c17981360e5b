package bankid_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity/bankid"
)

func TestEveryRFAHasSwedishAndEnglish(t *testing.T) {
	t.Parallel()
	all := []bankid.RFA{bankid.RFA1, bankid.RFA2, bankid.RFA3, bankid.RFA4, bankid.RFA5, bankid.RFA6, bankid.RFA8,
		bankid.RFA9, bankid.RFA13, bankid.RFA14A, bankid.RFA14B, bankid.RFA15A, bankid.RFA15B, bankid.RFA16,
		bankid.RFA17A, bankid.RFA17B, bankid.RFA18, bankid.RFA19, bankid.RFA20, bankid.RFA21, bankid.RFA22, bankid.RFA23}
	seen := map[string]bool{}
	for _, r := range all {
		require.True(t, r.Known(), r)
		txt := r.Text()
		require.NotEmpty(t, txt.SV, r)
		require.NotEmpty(t, txt.EN, r)
		require.NotEqual(t, txt.SV, txt.EN, r)
		seen[txt.SV+"|"+txt.EN] = true
	}
	require.Len(t, seen, len(all), "every message is distinct (RFA1 and RFA18 differ in English)")
	require.False(t, bankid.RFA("RFA99").Known())
	require.Equal(t, bankid.RFA22.Text(), bankid.RFA("RFA99").Text())
}

func TestHintMessage(t *testing.T) {
	t.Parallel()
	qr := bankid.MessageContext{QR: true}
	auto := bankid.MessageContext{AutoStarted: true}
	tests := []struct {
		status, hint string
		mc           bankid.MessageContext
		want         bankid.RFA
	}{
		{"pending", "outstandingTransaction", qr, bankid.RFA1},
		{"pending", "outstandingTransaction", auto, bankid.RFA13},
		{"pending", "noClient", auto, bankid.RFA1},
		{"pending", "started", bankid.MessageContext{}, bankid.RFA14A},
		{"pending", "started", bankid.MessageContext{Mobile: true}, bankid.RFA14B},
		{"pending", "started", bankid.MessageContext{PersonalNumber: true}, bankid.RFA15A},
		{"pending", "started", bankid.MessageContext{PersonalNumber: true, Mobile: true}, bankid.RFA15B},
		{"pending", "userMrtd", qr, bankid.RFA23},
		{"pending", "userCallConfirm", qr, bankid.RFA21},
		{"pending", "userSign", qr, bankid.RFA9},
		{"pending", "somethingNew", qr, bankid.RFA21},
		{"pending", "", qr, bankid.RFA21},
		{"failed", "expiredTransaction", qr, bankid.RFA8},
		{"failed", "certificateErr", qr, bankid.RFA16},
		{"failed", "userCancel", qr, bankid.RFA6},
		{"failed", "userDeclinedCall", qr, bankid.RFA6},
		{"failed", "cancelled", qr, bankid.RFA3},
		{"failed", "startFailed", qr, bankid.RFA17B},
		{"failed", "startFailed", auto, bankid.RFA17A},
		{"failed", "somethingNew", qr, bankid.RFA22},
		{"complete", "", qr, ""},
		{"weird", "", qr, bankid.RFA22},
	}
	for _, tt := range tests {
		t.Run(tt.status+"/"+tt.hint+fmt.Sprint(tt.mc), func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, bankid.HintMessage(tt.status, tt.hint, tt.mc))
		})
	}
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	require.Equal(t, bankid.RFA(""), bankid.ErrorMessage(nil))
	require.Equal(t, bankid.RFA4, bankid.ErrorMessage(&bankid.Error{Code: "alreadyInProgress"}))
	require.Equal(t, bankid.RFA5, bankid.ErrorMessage(fmt.Errorf("wrapped: %w", &bankid.Error{Code: "maintenance"})))
	require.Equal(t, bankid.RFA5, bankid.ErrorMessage(&bankid.Error{Code: "internalError"}))
	require.Equal(t, bankid.RFA5, bankid.ErrorMessage(&bankid.Error{Code: "requestTimeout"}))
	require.Equal(t, bankid.RFA22, bankid.ErrorMessage(&bankid.Error{Code: "invalidParameters"}))
	require.Equal(t, bankid.RFA6, bankid.ErrorMessage(&bankid.OrderFailedError{HintCode: "userCancel"}))
	require.Equal(t, bankid.RFA22, bankid.ErrorMessage(errors.New("network down")))
}

func TestErrorStringsAreSanitised(t *testing.T) {
	t.Parallel()
	e := &bankid.Error{Code: "x\x00y\n" + strings.Repeat("z", 200), Details: "secret details", HTTPStatus: 400}
	require.NotContains(t, e.Error(), "\n")
	require.NotContains(t, e.Error(), "secret")
	require.Less(t, len(e.Error()), 100)
	f := &bankid.OrderFailedError{HintCode: "a b"}
	require.Equal(t, "bankid: order failed: (unprintable code)", f.Error())
	require.Equal(t, "bankid: order failed: userCancel", (&bankid.OrderFailedError{HintCode: "userCancel"}).Error())
}
