package idnum_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/idnum"
)

func TestParseOrganisationsnummer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		want      string
		group     idnum.Group
		wantErr   error
		soleTrade bool // the error also matches ErrSoleTrader
	}{
		{name: "10 digits", in: "5560160680", want: "5560160680", group: idnum.GroupLimitedCompany},
		{name: "hyphen", in: "556016-0680", want: "5560160680", group: idnum.GroupLimitedCompany},
		{name: "16 prefix", in: "165560160680", want: "5560160680", group: idnum.GroupLimitedCompany},
		{name: "16 prefix and hyphen", in: "16556016-0680", want: "5560160680", group: idnum.GroupLimitedCompany},
		{name: "spaces", in: " 556016-0680 \n", want: "5560160680", group: idnum.GroupLimitedCompany},
		{name: "municipality", in: "212000-0142", want: "2120000142", group: idnum.GroupPublic},
		{name: "estate", in: "102000-0004", want: "1020000004", group: idnum.GroupEstate},
		{name: "foreign", in: "302000-0000", want: "3020000000", group: idnum.GroupForeign},
		{name: "simple partnership", in: "622000-0001", want: "6220000001", group: idnum.GroupSimplePartnership},
		{name: "economic association", in: "716000-0001", want: "7160000001", group: idnum.GroupEconomicAssociation},
		{name: "AP-fond", in: "802005-1952", want: "8020051952", group: idnum.GroupNonProfit},
		{name: "partnership", in: "912000-0006", want: "9120000006", group: idnum.GroupPartnership},
		{name: "month position 20", in: "232100-0008", want: "2321000008", group: idnum.GroupPublic},

		{name: "wrong check digit", in: "556016-0681", wantErr: idnum.ErrChecksum},
		{name: "group 4", in: "412000-0148", wantErr: idnum.ErrSyntax},
		{name: "group 0", in: "012000-0146", wantErr: idnum.ErrSyntax},
		{name: "month position 1, not a date", in: "551301-0008", wantErr: idnum.ErrSyntax},
		{name: "empty", in: "", wantErr: idnum.ErrSyntax},
		{name: "9 digits", in: "556016068", wantErr: idnum.ErrSyntax},
		{name: "plus separator", in: "556016+0680", wantErr: idnum.ErrSyntax},
		{name: "space separator", in: "556016 0680", wantErr: idnum.ErrSyntax},
		{name: "other prefix", in: "175560160680", wantErr: idnum.ErrSyntax},
		{name: "letters", in: "55601606a0", wantErr: idnum.ErrSyntax},
		{name: "too long", in: strings.Repeat(" ", 80) + "5560160680", wantErr: idnum.ErrSyntax},

		// Sole traders use a personnummer, which is not an organisationsnummer.
		{name: "personnummer 10", in: "1212121212", wantErr: idnum.ErrSyntax, soleTrade: true},
		{name: "personnummer plus", in: "121212+1212", wantErr: idnum.ErrSyntax, soleTrade: true},
		{name: "personnummer 12", in: "191212121212", wantErr: idnum.ErrSyntax, soleTrade: true},
		{name: "personnummer 12 hyphen", in: "19121212-1212", wantErr: idnum.ErrSyntax, soleTrade: true},
		{name: "samordningsnummer", in: "701063-2391", wantErr: idnum.ErrSyntax, soleTrade: true},
		{name: "16 and a personnummer", in: "161212121212", wantErr: idnum.ErrSyntax},
		{name: "personnummer with bad check digit", in: "121212-1213", wantErr: idnum.ErrChecksum},
		{name: "interim is not a sole trader", in: "000101-T220", wantErr: idnum.ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, err := idnum.ParseOrganisationsnummer(tt.in)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				require.Equal(t, tt.soleTrade, errors.Is(err, idnum.ErrSoleTrader))
				requireSentinel(t, err, tt.in)
				require.True(t, o.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, o.String())
			require.Equal(t, tt.want[:6]+"-"+tt.want[6:], o.Format())
			require.Equal(t, "SE"+tt.want+"01", o.VATNumber())
			require.Equal(t, tt.group, o.Group())
			require.False(t, o.IsZero())
			for _, s := range []string{o.String(), o.Format(), "16" + o.String()} {
				q, err := idnum.ParseOrganisationsnummer(s)
				require.NoError(t, err)
				require.Equal(t, o, q)
			}
		})
	}
}

func TestOrganisationsnummerZero(t *testing.T) {
	t.Parallel()
	var o idnum.Organisationsnummer
	require.True(t, o.IsZero())
	require.Empty(t, o.String())
	require.Empty(t, o.Format())
	require.Empty(t, o.VATNumber())
	require.Equal(t, idnum.GroupUnknown, o.Group())
}

func TestOrganisationsnummerText(t *testing.T) {
	t.Parallel()
	type record struct {
		Org idnum.Organisationsnummer `json:"org"`
	}
	var r record
	require.NoError(t, json.Unmarshal([]byte(`{"org":"16556016-0680"}`), &r))
	require.Equal(t, "5560160680", r.Org.String())
	data, err := json.Marshal(r)
	require.NoError(t, err)
	require.JSONEq(t, `{"org":"5560160680"}`, string(data))

	require.NoError(t, json.Unmarshal([]byte(`{"org":""}`), &r))
	require.True(t, r.Org.IsZero())
	err = json.Unmarshal([]byte(`{"org":"556016-0681"}`), &r)
	require.ErrorIs(t, err, idnum.ErrChecksum)
}

func TestGroup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		g  idnum.Group
		sv string
		en string
	}{
		{idnum.GroupEstate, "Dödsbo", "Estate of a deceased person"},
		{idnum.GroupPublic, "Stat, region eller kommun", "Government agency, region or municipality"},
		{idnum.GroupForeign, "Utländskt företag", "Foreign company"},
		{idnum.GroupLimitedCompany, "Aktiebolag", "Limited company"},
		{idnum.GroupSimplePartnership, "Enkelt bolag", "Simple partnership"},
		{idnum.GroupEconomicAssociation, "Ekonomisk förening eller bostadsrättsförening", "Economic association or housing cooperative"},
		{idnum.GroupNonProfit, "Ideell förening eller stiftelse", "Non-profit association or foundation"},
		{idnum.GroupPartnership, "Handelsbolag eller kommanditbolag", "Trading or limited partnership"},
		{idnum.GroupSoleTrader, "Enskild firma", "Sole trader"},
		{idnum.GroupUnknown, "Okänd", "Unknown"},
		{idnum.Group(4), "Okänd", "Unknown"},
	}
	for _, tt := range tests {
		require.Equal(t, idnum.Text{SV: tt.sv, EN: tt.en}, tt.g.Name())
		require.Equal(t, tt.sv, tt.g.String())
	}
	// The constants for digits are the digits.
	for d := 1; d <= 9; d++ {
		if d == 4 {
			continue
		}
		require.Equal(t, d, int(idnum.Group(d)))
		require.NotEqual(t, "Okänd", idnum.Group(d).Name().SV)
	}
}

func TestParseBusinessID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		sole    bool
		str     string
		format  string
		vat     string
		masked  string
		group   idnum.Group
		wantErr error
	}{
		{"aktiebolag", "556016-0680", false, "5560160680", "556016-0680", "SE556016068001", "556016-0680", idnum.GroupLimitedCompany, nil},
		{"16 prefix", "165560160680", false, "5560160680", "556016-0680", "SE556016068001", "556016-0680", idnum.GroupLimitedCompany, nil},
		{"sole trader 12", "19121212-1212", true, "191212121212", "19121212-1212", "SE121212121201", "19121212-****", idnum.GroupSoleTrader, nil},
		{"sole trader plus", "121212+1212", true, "191212121212", "19121212-1212", "SE121212121201", "19121212-****", idnum.GroupSoleTrader, nil},
		{"sole trader samordningsnummer", "701063-2391", true, "197010632391", "19701063-2391", "SE701063239101", "19701063-****", idnum.GroupSoleTrader, nil},
		{"bad check digit", "556016-0681", false, "", "", "", "", 0, idnum.ErrChecksum},
		{"personnummer in the future", "20991212-1218", false, "", "", "", "", 0, idnum.ErrDate},
		{"personnummer with plus but young", "20000229+2399", false, "", "", "", "", 0, idnum.ErrDate},
		{"interim", "20000101-T220", false, "", "", "", "", 0, idnum.ErrSyntax},
		{"garbage", "hello", false, "", "", "", "", 0, idnum.ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := idnum.ParseBusinessID(tt.in, atInterim(dataNow))
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				requireSentinel(t, err, tt.in)
				require.True(t, b.IsZero())
				return
			}
			require.NoError(t, err)
			require.False(t, b.IsZero())
			require.Equal(t, tt.sole, b.IsSoleTrader())
			require.Equal(t, tt.str, b.String())
			require.Equal(t, tt.format, b.Format())
			require.Equal(t, tt.vat, b.VATNumber())
			require.Equal(t, tt.masked, b.Masked())
			require.Equal(t, tt.group, b.Group())
			o, okOrg := b.Organisationsnummer()
			p, okPnr := b.Personnummer()
			require.Equal(t, !tt.sole, okOrg)
			require.Equal(t, tt.sole, okPnr)
			if tt.sole {
				require.True(t, o.IsZero())
				require.Equal(t, tt.str, p.String())
			} else {
				require.True(t, p.IsZero())
				require.Equal(t, tt.str, o.String())
			}

			var buf bytes.Buffer
			slog.New(slog.NewJSONHandler(&buf, nil)).Info("applicant", "business", b)
			require.Contains(t, buf.String(), `"business":"`+tt.masked+`"`)
			if tt.sole {
				require.NotContains(t, buf.String(), tt.str[8:]+`"`)
			}
		})
	}

	var zero idnum.BusinessID
	require.True(t, zero.IsZero())
	require.False(t, zero.IsSoleTrader())
	require.Equal(t, idnum.GroupUnknown, zero.Group())
	require.Empty(t, zero.String())
	require.Empty(t, zero.Format())
	require.Empty(t, zero.VATNumber())
	require.Empty(t, zero.Masked())
}

func TestLuhn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"1212121212", true},
		{"1212121213", false},
		{"5560160680", true},
		{"79927398713", true}, // the classic example
		{"79927398710", false},
		{"0", true},
		{"00", true},
		{"18", true},
		{"", false},
		{"12121212-12", false},
		{"121212121a", false},
		{" 1212121212", false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, idnum.Luhn(tt.in), tt.in)
	}
}
