package identity_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
)

func pnr(v string) identity.Subject {
	return identity.Subject{Scheme: identity.SchemePersonnummer, Value: v}
}

func orgnr(v string) identity.Subject {
	return identity.Subject{Scheme: identity.SchemeOrganisationsnummer, Value: v}
}

func TestSubjectValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		subject identity.Subject
		wantErr bool
	}{
		{"personnummer", pnr("191212121212"), false},
		{"pnr with dash", pnr("19121212-1212"), true},
		{"pnr 10 digits", pnr("1212121212"), true},
		{"pnr bad luhn", pnr("191212121213"), true},
		{"pnr bad month", pnr("191213121212"), true},
		{"pnr 30 february", pnr("200002301234"), true},
		{"pnr empty", pnr(""), true},
		{"orgnr", orgnr("5560360793"), false},
		{"orgnr municipality", orgnr("2120000142"), false},
		{"orgnr bad luhn", orgnr("5560360794"), true},
		{"orgnr looks like pnr", orgnr("1212121212"), true},
		{"orgnr 12 digits", orgnr("165560360793"), true},
		{"eidas", identity.Subject{Scheme: identity.SchemeEIDAS, Value: "NO/SE/05068907693"}, false},
		{"eidas empty", identity.Subject{Scheme: identity.SchemeEIDAS}, true},
		{"eidas too long", identity.Subject{Scheme: identity.SchemeEIDAS, Value: strings.Repeat("x", 257)}, true},
		{"eidas control char", identity.Subject{Scheme: identity.SchemeEIDAS, Value: "NO/SE/1\n2"}, true},
		{"eidas invalid utf8", identity.Subject{Scheme: identity.SchemeEIDAS, Value: "NO/SE/\xff"}, true},
		{"officer", identity.Subject{Scheme: identity.SchemeOfficer, Value: "anna.handlaggare"}, false},
		{"officer padded", identity.Subject{Scheme: identity.SchemeOfficer, Value: " anna"}, true},
		{"unknown scheme", identity.Subject{Scheme: "no-fnr", Value: "01010112345"}, true},
		{"zero", identity.Subject{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.subject.Validate()
			if !tt.wantErr {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, identity.ErrInvalidSubject)
			if tt.subject.Value != "" {
				require.NotContains(t, err.Error(), tt.subject.Value, "error leaks the identifier")
			}
		})
	}
}

func TestSubjectSamordningsnummer(t *testing.T) {
	t.Parallel()
	// Day 72 = 12 + 60; check digit computed for the 10 last digits.
	require.NoError(t, pnr(withLuhn("19121272121")).Validate())
	require.Error(t, pnr(withLuhn("19121292121")).Validate(), "day 32 after removing 60")
}

// withLuhn appends the Luhn check digit over the last 9 digits of an
// 11-digit prefix.
func withLuhn(prefix string) string {
	for c := '0'; c <= '9'; c++ {
		s := prefix + string(c)
		sum := 0
		for i, d := range s[2:] {
			v := int(d - '0')
			if i%2 == 0 {
				v *= 2
				if v > 9 {
					v -= 9
				}
			}
			sum += v
		}
		if sum%10 == 0 {
			return s
		}
	}
	panic("unreachable")
}

func TestSubjectMasked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		subject identity.Subject
		want    string
	}{
		{pnr("191212121212"), "se-pnr:19121212-****"},
		{pnr("garbage"), "se-pnr:****"},
		{orgnr("5560360793"), "se-orgnr:556036-0793"},
		{identity.Subject{Scheme: identity.SchemeEIDAS, Value: "NO/SE/05068907693"}, "eidas:NO/SE/****"},
		{identity.Subject{Scheme: identity.SchemeEIDAS, Value: "opaque-identifier"}, "eidas:op****"},
		{identity.Subject{Scheme: identity.SchemeOfficer, Value: "anna.handlaggare"}, "officer:an****"},
		{identity.Subject{Scheme: identity.SchemeOfficer, Value: "ab"}, "officer:a****"},
		{identity.Subject{Scheme: identity.SchemeOfficer, Value: "åäöü"}, "officer:åä****"},
		{identity.Subject{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tt.subject.Masked())
			require.Equal(t, tt.want, tt.subject.String())
			require.Equal(t, tt.want, fmt.Sprintf("%v", tt.subject))
			require.NotContains(t, fmt.Sprintf("%#v", tt.subject), "1212121212")
		})
	}
}

func TestSubjectKeyEqual(t *testing.T) {
	t.Parallel()
	a := pnr("191212121212")
	require.Equal(t, "se-pnr:191212121212", a.Key())
	require.True(t, a.Equal(pnr("191212121212")))
	require.False(t, a.Equal(orgnr("191212121212")))
	require.False(t, a.IsZero())
	require.True(t, identity.Subject{}.IsZero())
	m := map[string]bool{a.Key(): true}
	require.True(t, m[pnr("191212121212").Key()])
}

func TestSubjectLogValueMasks(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	logger.Info("login", "who", pnr("191212121212"))
	require.Contains(t, buf.String(), "19121212-****")
	require.NotContains(t, buf.String(), "191212121212")
}

func TestSubjectValidateErrorIsSentinel(t *testing.T) {
	t.Parallel()
	err := identity.Subject{Scheme: identity.Scheme(strings.Repeat("s", 100)), Value: "x"}.Validate()
	require.True(t, errors.Is(err, identity.ErrInvalidSubject))
	require.Less(t, len(err.Error()), 100)
}

func TestParseSubject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		scheme identity.Scheme
		in     string
		want   string
		err    bool
	}{
		{"pnr with dash", identity.SchemePersonnummer, "19121212-1212", "191212121212", false},
		{"pnr short centenarian", identity.SchemePersonnummer, "121212+1212", "191212121212", false},
		{"pnr normal", identity.SchemePersonnummer, "191212121212", "191212121212", false},
		{"pnr bad", identity.SchemePersonnummer, "121212-1213", "", true},
		{"orgnr dash", identity.SchemeOrganisationsnummer, "556036-0793", "5560360793", false},
		{"orgnr 16 prefix", identity.SchemeOrganisationsnummer, "165560360793", "5560360793", false},
		{"orgnr is pnr", identity.SchemeOrganisationsnummer, "121212-1212", "", true},
		{"eidas", identity.SchemeEIDAS, "NO/SE/05068907693", "NO/SE/05068907693", false},
		{"officer empty", identity.SchemeOfficer, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := identity.ParseSubject(tt.scheme, tt.in)
			if tt.err {
				require.ErrorIs(t, err, identity.ErrInvalidSubject)
				if tt.in != "" {
					require.NotContains(t, err.Error(), tt.in)
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.scheme, got.Scheme)
			require.Equal(t, tt.want, got.Value)
			require.NoError(t, got.Validate())
		})
	}
}
