package identity_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
)

func TestParseAssuranceLevel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    identity.AssuranceLevel
		wantErr bool
	}{
		{"http://id.elegnamnden.se/loa/1.0/loa3", identity.LoA3, false},
		{"http://id.elegnamnden.se/loa/1.0/loa2", identity.LoA2, false},
		{"http://id.elegnamnden.se/loa/1.0/loa4", identity.LoA4, false},
		{"http://id.elegnamnden.se/loa/1.0/eidas-sub", identity.EIDASSubstantial, false},
		{"http://id.elegnamnden.se/loa/1.0/eidas-high", identity.EIDASHigh, false},
		{"http://id.elegnamnden.se/loa/1.0/eidas-nf-sub", identity.EIDASNotifiedSubstantial, false},
		{"http://id.elegnamnden.se/loa/1.0/eidas-nf-high", identity.EIDASNotifiedHigh, false},
		{"http://id.swedenconnect.se/loa/1.0/uncertified-loa3", identity.UncertifiedLoA3, false},
		{"loa3", identity.LoA3, false},
		{"LOA3", identity.LoA3, false},
		{" eidas-sub ", identity.EIDASSubstantial, false},
		{"eidas-nf-high", identity.EIDASNotifiedHigh, false},
		{"loa5", "", true},
		{"", "", true},
		{"http://id.elegnamnden.se/loa/1.0/LOA3", "", true},
		{strings.Repeat("x", 1000), "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := identity.ParseAssuranceLevel(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, identity.ErrUnknownAssurance)
				require.Less(t, len(err.Error()), 200)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestAssuranceRank(t *testing.T) {
	t.Parallel()
	require.Equal(t, 0, identity.AssuranceLevel("").Rank())
	require.Equal(t, 0, identity.AssuranceLevel("urn:x").Rank())
	require.Less(t, identity.LoA2.Rank(), identity.LoA3.Rank())
	require.Equal(t, identity.LoA3.Rank(), identity.EIDASSubstantial.Rank())
	require.Equal(t, identity.LoA3.Rank(), identity.EIDASNotifiedSubstantial.Rank())
	require.Less(t, identity.LoA3.Rank(), identity.LoA4.Rank())
	require.Equal(t, identity.LoA4.Rank(), identity.EIDASHigh.Rank())
	require.Equal(t, identity.LoA2.Rank(), identity.UncertifiedLoA3.Rank())
}

func TestAssuranceAtLeast(t *testing.T) {
	t.Parallel()
	tests := []struct {
		have, min identity.AssuranceLevel
		want      bool
	}{
		{identity.LoA3, identity.LoA3, true},
		{identity.LoA4, identity.LoA3, true},
		{identity.EIDASSubstantial, identity.LoA3, true},
		{identity.EIDASHigh, identity.LoA4, true},
		{identity.LoA2, identity.LoA3, false},
		{identity.EIDASLow, identity.LoA3, false},
		{identity.UncertifiedLoA3, identity.LoA3, false},
		{identity.LoA3, identity.EIDASHigh, false},
		{"", identity.LoA2, false},
		{"urn:unknown", "", false},
		{identity.LoA2, "", true},
	}
	for _, tt := range tests {
		t.Run(string(tt.have)+">="+string(tt.min), func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tt.have.AtLeast(tt.min))
		})
	}
}
