package oidc_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/oidc"
)

var fixedNow = time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC)

func mappingOpts() *oidc.MappingOptions {
	return &oidc.MappingOptions{
		Now: func() time.Time { return fixedNow },
		Roles: map[string]identity.Role{
			"bygglov":  {Name: identity.RoleOfficer, Services: []string{"bygglov"}},
			"forskola": {Name: identity.RoleOfficer, Services: []string{"forskola", "bygglov"}},
			"admins":   {Name: identity.RoleAdmin, Services: []string{identity.AllServices}},
		},
	}
}

func TestParseClaims(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		wantErr bool
		wantLen int
	}{
		{name: "object", in: `{"sub":"a","iat":1}`, wantLen: 2},
		{name: "empty object", in: `{}`, wantLen: 0},
		{name: "whitespace around", in: " {\"a\":null} \n", wantLen: 1},
		{name: "duplicate claim", in: `{"sub":"a","sub":"b"}`, wantErr: true},
		{name: "array", in: `["sub"]`, wantErr: true},
		{name: "string", in: `"sub"`, wantErr: true},
		{name: "trailing data", in: `{"sub":"a"}{"sub":"b"}`, wantErr: true},
		{name: "truncated", in: `{"sub":"a"`, wantErr: true},
		{name: "not JSON", in: `sub=a`, wantErr: true},
		{name: "empty", in: ``, wantErr: true},
		{name: "too large", in: `{"x":"` + strings.Repeat("a", oidc.MaxClaimsBytes) + `"}`, wantErr: true},
		{name: "too many claims", in: manyClaims(oidc.MaxClaims + 1), wantErr: true},
		{name: "as many claims as allowed", in: manyClaims(oidc.MaxClaims), wantLen: oidc.MaxClaims},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := oidc.ParseClaims([]byte(tt.in))
			if tt.wantErr {
				require.ErrorIs(t, err, oidc.ErrClaims)
				return
			}
			require.NoError(t, err)
			require.Len(t, c, tt.wantLen)
		})
	}
}

func manyClaims(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"c%d":%d`, i, i)
	}
	b.WriteString("}")
	return b.String()
}

func TestMapClaims(t *testing.T) {
	t.Parallel()
	const iat = `"iat":1761998400`
	tests := []struct {
		name    string
		json    string
		opts    func(*oidc.MappingOptions)
		want    identity.Principal
		wantErr error
	}{
		{
			name: "personnummer with names and loa3",
			json: `{"sub":"x",` + iat + `,"auth_time":1761998000,"acr":"http://id.elegnamnden.se/loa/1.0/loa3",
				"https://id.oidc.se/claim/personalIdentityNumber":"` + testPnr + `","given_name":"Testa","family_name":"Testsson"}`,
			want: identity.Principal{
				Subject:   identity.Subject{Scheme: identity.SchemePersonnummer, Value: testPnr},
				GivenName: "Testa", FamilyName: "Testsson",
				Assurance: identity.LoA3, Method: identity.MethodOIDC,
				AuthTime: time.Unix(1761998000, 0).UTC(),
			},
		},
		{
			name: "samordningsnummer",
			json: `{"sub":"x",` + iat + `,"https://id.oidc.se/claim/coordinationNumber":"` + testCoord + `"}`,
			want: identity.Principal{
				Subject: identity.Subject{Scheme: identity.SchemePersonnummer, Value: testCoord},
				Method:  identity.MethodOIDC, AuthTime: time.Unix(1761998400, 0).UTC(),
			},
		},
		{
			name: "samordningsnummer in the personnummer claim (Sweden Connect SAML habit)",
			json: `{"sub":"x",` + iat + `,"https://id.oidc.se/claim/personalIdentityNumber":"` + testCoord + `"}`,
			want: identity.Principal{
				Subject: identity.Subject{Scheme: identity.SchemePersonnummer, Value: testCoord},
				Method:  identity.MethodOIDC, AuthTime: time.Unix(1761998400, 0).UTC(),
			},
		},
		{
			name: "both number claims with the same value",
			json: `{"sub":"x",` + iat + `,"https://id.oidc.se/claim/personalIdentityNumber":"` + testCoord + `","https://id.oidc.se/claim/coordinationNumber":"` + testCoord + `"}`,
			want: identity.Principal{
				Subject: identity.Subject{Scheme: identity.SchemePersonnummer, Value: testCoord},
				Method:  identity.MethodOIDC, AuthTime: time.Unix(1761998400, 0).UTC(),
			},
		},
		{
			name: "fractional auth_time, placeholder given name, unknown acr",
			json: `{"sub":"x",` + iat + `,"auth_time":1761998000.5,"acr":"urn:example:weak","given_name":"-","family_name":" Testsson ",
				"https://id.oidc.se/claim/personalIdentityNumber":"` + testPnr + `"}`,
			want: identity.Principal{
				Subject:    identity.Subject{Scheme: identity.SchemePersonnummer, Value: testPnr},
				FamilyName: "Testsson", Method: identity.MethodOIDC,
				AuthTime: time.Unix(1761998000, 5e8).UTC(),
			},
		},
		{
			name: "eIDAS prid",
			json: `{"sub":"x",` + iat + `,"acr":"http://id.elegnamnden.se/loa/1.0/eidas-nf-sub","https://id.swedenconnect.se/claim/prid":"DE:1234abcd"}`,
			want: identity.Principal{
				Subject:   identity.Subject{Scheme: identity.SchemeEIDAS, Value: "DE:1234abcd"},
				Assurance: identity.EIDASNotifiedSubstantial, Method: identity.MethodOIDC,
				AuthTime: time.Unix(1761998400, 0).UTC(),
			},
		},
		{
			name: "eIDAS level without prid uses sub",
			json: `{"sub":"ES/SE/99999999R",` + iat + `,"acr":"http://id.elegnamnden.se/loa/1.0/eidas-high"}`,
			want: identity.Principal{
				Subject:   identity.Subject{Scheme: identity.SchemeEIDAS, Value: "ES/SE/99999999R"},
				Assurance: identity.EIDASHigh, Method: identity.MethodOIDC,
				AuthTime: time.Unix(1761998400, 0).UTC(),
			},
		},
		{
			name: "officer by mapped roles, merged and sorted",
			json: `{"sub":"kalle",` + iat + `,"roles":["forskola","bygglov","unknown","admins"]}`,
			want: identity.Principal{
				Subject: identity.Subject{Scheme: identity.SchemeOfficer, Value: "kalle"},
				Method:  identity.MethodOIDC, AuthTime: time.Unix(1761998400, 0).UTC(),
				Roles: []identity.Role{
					{Name: identity.RoleAdmin, Services: []string{identity.AllServices}},
					{Name: identity.RoleOfficer, Services: []string{"bygglov", "forskola"}},
				},
			},
		},
		{
			name: "officer with a single-string roles claim and an officer claim",
			json: `{"sub":"opaque",` + iat + `,"preferred_username":"kalle@kommun.se","roles":"bygglov"}`,
			opts: func(o *oidc.MappingOptions) { o.OfficerClaim = "preferred_username" },
			want: identity.Principal{
				Subject: identity.Subject{Scheme: identity.SchemeOfficer, Value: "kalle@kommun.se"},
				Method:  identity.MethodOIDC, AuthTime: time.Unix(1761998400, 0).UTC(),
				Roles: []identity.Role{{Name: identity.RoleOfficer, Services: []string{"bygglov"}}},
			},
		},
		{
			name: "officer provider without roles",
			json: `{"sub":"kalle",` + iat + `}`,
			opts: func(o *oidc.MappingOptions) { o.OfficerProvider = true },
			want: identity.Principal{
				Subject: identity.Subject{Scheme: identity.SchemeOfficer, Value: "kalle"},
				Method:  identity.MethodOIDC, AuthTime: time.Unix(1761998400, 0).UTC(),
			},
		},
		{
			name: "citizen with a personnummer keeps mapped roles",
			json: `{"sub":"x",` + iat + `,"groups":["bygglov"],"https://id.oidc.se/claim/personalIdentityNumber":"` + testPnr + `"}`,
			opts: func(o *oidc.MappingOptions) { o.RolesClaim = "groups" },
			want: identity.Principal{
				Subject: identity.Subject{Scheme: identity.SchemePersonnummer, Value: testPnr},
				Method:  identity.MethodOIDC, AuthTime: time.Unix(1761998400, 0).UTC(),
				Roles: []identity.Role{{Name: identity.RoleOfficer, Services: []string{"bygglov"}}},
			},
		},
		{
			name: "protected identity claim as string",
			json: `{"sub":"x",` + iat + `,"protected":"true","https://id.oidc.se/claim/personalIdentityNumber":"` + testPnr + `"}`,
			opts: func(o *oidc.MappingOptions) { o.ProtectedClaim = "protected"; o.Method = identity.MethodBankID },
			want: identity.Principal{
				Subject: identity.Subject{Scheme: identity.SchemePersonnummer, Value: testPnr},
				Method:  identity.MethodBankID, AuthTime: time.Unix(1761998400, 0).UTC(), Protected: true,
			},
		},
		{
			name: "null claims count as absent",
			json: `{"sub":"x",` + iat + `,"given_name":null,"https://id.oidc.se/claim/coordinationNumber":null,"https://id.oidc.se/claim/personalIdentityNumber":"` + testPnr + `"}`,
			want: identity.Principal{
				Subject: identity.Subject{Scheme: identity.SchemePersonnummer, Value: testPnr},
				Method:  identity.MethodOIDC, AuthTime: time.Unix(1761998400, 0).UTC(),
			},
		},
		{name: "no subject", json: `{"sub":"x",` + iat + `,"roles":["unknown"]}`, wantErr: oidc.ErrNoSubject},
		{name: "roles without mapping give no officer", json: `{"sub":"x",` + iat + `,"roles":["bygglov"]}`,
			opts: func(o *oidc.MappingOptions) { o.Roles = nil }, wantErr: oidc.ErrNoSubject},
		{name: "invalid check digit", json: `{` + iat + `,"https://id.oidc.se/claim/personalIdentityNumber":"195001182047"}`, wantErr: oidc.ErrClaims},
		{name: "number with hyphen", json: `{` + iat + `,"https://id.oidc.se/claim/personalIdentityNumber":"19500118-2046"}`, wantErr: oidc.ErrClaims},
		{name: "ten-digit number", json: `{` + iat + `,"https://id.oidc.se/claim/personalIdentityNumber":"5001182046"}`, wantErr: oidc.ErrClaims},
		{name: "number as JSON number", json: `{` + iat + `,"https://id.oidc.se/claim/personalIdentityNumber":195001182046}`, wantErr: oidc.ErrClaims},
		{name: "birth date in the future", json: `{` + iat + `,"https://id.oidc.se/claim/personalIdentityNumber":"209901012385"}`, wantErr: oidc.ErrClaims},
		{name: "personnummer in the coordination claim", json: `{` + iat + `,"https://id.oidc.se/claim/coordinationNumber":"` + testPnr + `"}`, wantErr: oidc.ErrClaims},
		{name: "conflicting number claims", json: `{` + iat + `,"https://id.oidc.se/claim/personalIdentityNumber":"` + testPnr + `","https://id.oidc.se/claim/coordinationNumber":"` + testCoord + `"}`, wantErr: oidc.ErrClaims},
		{name: "prid with control character", json: `{` + iat + `,"https://id.swedenconnect.se/claim/prid":"DE:12\u0001"}`, wantErr: oidc.ErrClaims},
		{name: "name with control character", json: `{` + iat + `,"given_name":"A\nB","https://id.oidc.se/claim/personalIdentityNumber":"` + testPnr + `"}`, wantErr: oidc.ErrClaims},
		{name: "name too long", json: `{` + iat + `,"family_name":"` + strings.Repeat("å", 200) + `","https://id.oidc.se/claim/personalIdentityNumber":"` + testPnr + `"}`, wantErr: oidc.ErrClaims},
		{name: "name not a string", json: `{` + iat + `,"given_name":["A"],"https://id.oidc.se/claim/personalIdentityNumber":"` + testPnr + `"}`, wantErr: oidc.ErrClaims},
		{name: "no auth_time and no iat", json: `{"https://id.oidc.se/claim/personalIdentityNumber":"` + testPnr + `"}`, wantErr: oidc.ErrClaims},
		{name: "auth_time as string", json: `{"auth_time":"1761998000","https://id.oidc.se/claim/personalIdentityNumber":"` + testPnr + `"}`, wantErr: oidc.ErrClaims},
		{name: "auth_time negative", json: `{"auth_time":-1,"https://id.oidc.se/claim/personalIdentityNumber":"` + testPnr + `"}`, wantErr: oidc.ErrClaims},
		{name: "auth_time beyond year 9999", json: `{"auth_time":1e300,"https://id.oidc.se/claim/personalIdentityNumber":"` + testPnr + `"}`, wantErr: oidc.ErrClaims},
		{name: "roles of the wrong type", json: `{"sub":"x",` + iat + `,"roles":[1,2]}`, wantErr: oidc.ErrClaims},
		{name: "acr of the wrong type", json: `{"sub":"x",` + iat + `,"acr":3,"https://id.oidc.se/claim/personalIdentityNumber":"` + testPnr + `"}`, wantErr: oidc.ErrClaims},
		{name: "protected claim of the wrong type", json: `{"sub":"x",` + iat + `,"protected":1,"https://id.oidc.se/claim/personalIdentityNumber":"` + testPnr + `"}`,
			opts: func(o *oidc.MappingOptions) { o.ProtectedClaim = "protected" }, wantErr: oidc.ErrClaims},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			claims, err := oidc.ParseClaims([]byte(tt.json))
			require.NoError(t, err)
			opts := mappingOpts()
			if tt.opts != nil {
				tt.opts(opts)
			}
			p, err := oidc.MapClaims(claims, opts)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				require.ErrorIs(t, err, oidc.ErrClaims)
				require.Zero(t, p)
				for _, s := range []string{testPnr, testCoord, "195001182047", "19500118-2046", "5001182046", "209901012385", "DE:12"} {
					require.NotContains(t, err.Error(), s)
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, p)
		})
	}
}

func TestMapClaimsNilOptions(t *testing.T) {
	t.Parallel()
	claims, err := oidc.ParseClaims([]byte(`{"iat":1761998400,"roles":["admins"],"sub":"x","https://id.oidc.se/claim/personalIdentityNumber":"` + testPnr + `"}`))
	require.NoError(t, err)
	p, err := oidc.MapClaims(claims, nil)
	require.NoError(t, err)
	require.Equal(t, identity.MethodOIDC, p.Method)
	require.Empty(t, p.Roles, "no role table, no roles")
	require.Equal(t, "se-pnr:19500118-****", p.Subject.String())
}
