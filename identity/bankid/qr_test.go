package bankid_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity/bankid"
)

// The test vectors published in BankID's QR code documentation.
const (
	vectorToken  = "67df3917-fa0d-44e5-b327-edcc928297f8"
	vectorSecret = "d28db9a7-4cde-429e-a983-359be676944c"
)

func TestQRDataVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		seconds int
		want    string
	}{
		{0, "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"},
		{1, "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.1.949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			got := bankid.QRData(vectorToken, vectorSecret, tt.seconds)
			require.Equal(t, tt.want, got)
			q, err := bankid.ParseQRData(got)
			require.NoError(t, err)
			require.Equal(t, vectorToken, q.Token)
			require.Equal(t, tt.seconds, q.Seconds)
			require.True(t, q.Verify(vectorSecret))
			require.False(t, q.Verify("another-secret"))
		})
	}
}

func TestOrderQR(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	o := &bankid.Order{QRStartToken: vectorToken, QRStartSecret: vectorSecret, StartedAt: start}
	require.Equal(t, bankid.QRData(vectorToken, vectorSecret, 0), o.QR(start.Add(999*time.Millisecond)))
	require.Equal(t, bankid.QRData(vectorToken, vectorSecret, 1), o.QR(start.Add(1500*time.Millisecond)))
	require.Equal(t, bankid.QRData(vectorToken, vectorSecret, 0), o.QR(start.Add(-time.Second)), "clock going back")
	require.Empty(t, (&bankid.Order{}).QR(start))
}

func TestParseQRDataRejects(t *testing.T) {
	t.Parallel()
	good := bankid.QRData(vectorToken, vectorSecret, 5)
	for _, in := range []string{
		"",
		"bankid",
		"bankid..5.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8",
		"bankid.tok.-1.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8",
		"bankid.tok.05.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8",
		"bankid.tok.x.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8",
		"bankid.tok.1.abc",
		"bankid.tok.1.zz69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8",
		"other." + good[len("bankid."):],
		good + ".extra",
		good + string(make([]byte, 300)),
	} {
		_, err := bankid.ParseQRData(in)
		require.ErrorIs(t, err, bankid.ErrBadQR, "input %q", in)
	}
}
