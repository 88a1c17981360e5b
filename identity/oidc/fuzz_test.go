package oidc_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity/oidc"
)

// FuzzMapClaims decodes arbitrary bytes as claims and maps them: it must
// never panic, every failure must wrap ErrClaims, every success must be a
// valid Principal, and no identity-number-like value may appear in an
// error.
func FuzzMapClaims(f *testing.F) {
	seeds := []string{
		`{"sub":"x","iat":1761998400,"auth_time":1761998000,"acr":"http://id.elegnamnden.se/loa/1.0/loa3","https://id.oidc.se/claim/personalIdentityNumber":"195001182046","given_name":"Testa","family_name":"Testsson"}`,
		`{"sub":"x","iat":1761998400,"https://id.oidc.se/claim/coordinationNumber":"191401682396"}`,
		`{"sub":"x","iat":1761998400,"https://id.oidc.se/claim/personalIdentityNumber":"195001182047"}`,
		`{"sub":"x","iat":1761998400,"acr":"http://id.elegnamnden.se/loa/1.0/eidas-sub","https://id.swedenconnect.se/claim/prid":"NO:05068907693"}`,
		`{"sub":"ES/SE/99","iat":1.5,"acr":"http://id.elegnamnden.se/loa/1.0/eidas-high"}`,
		`{"sub":"kalle","iat":1761998400,"roles":["bygglov","forskola","admins"]}`,
		`{"sub":"kalle","iat":1761998400,"roles":"bygglov","protected":"true"}`,
		`{"sub":"a","sub":"b"}`,
		`{"given_name":null,"auth_time":1e300}`,
		`[]`, `{`, ``, `{"a":{"b":[1,2,{"c":null}]}}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	opts := mappingOpts()
	opts.ProtectedClaim = "protected"
	f.Fuzz(func(t *testing.T, data []byte) {
		claims, err := oidc.ParseClaims(data)
		if err != nil {
			require.ErrorIs(t, err, oidc.ErrClaims)
			return
		}
		p, err := oidc.MapClaims(claims, opts)
		if err != nil {
			require.ErrorIs(t, err, oidc.ErrClaims)
			msg := err.Error()
			for _, name := range []string{oidc.ClaimPersonalIdentityNumber, oidc.ClaimCoordinationNumber, oidc.ClaimPRID, "given_name", "family_name", "sub"} {
				var v string
				if json.Unmarshal(claims[name], &v) == nil && len(v) >= 10 && isDigits(v) {
					require.NotContains(t, msg, v, "error leaks a claim value")
				}
			}
			return
		}
		require.NoError(t, p.Validate())
		require.False(t, p.Subject.IsZero())
	})
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
