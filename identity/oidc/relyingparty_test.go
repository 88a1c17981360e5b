package oidc_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/oidc"
	"github.com/etjanst/etjanst/identity/oidc/oidctest"
)

func TestCompleteMapsUsers(t *testing.T) {
	t.Parallel()

	officerRoles := map[string]identity.Role{
		"grp-bygglov":   {Name: identity.RoleOfficer, Services: []string{"bygglov"}},
		"grp-forskola":  {Name: identity.RoleOfficer, Services: []string{"forskola"}},
		"grp-registrar": {Name: identity.RoleDisclosureReviewer, Services: []string{identity.AllServices}},
	}

	tests := []struct {
		name    string
		so      *setupOpts
		user    oidctest.User
		want    identity.Subject
		wantLoA identity.AssuranceLevel
		check   func(t *testing.T, p identity.Principal, ev identity.Evidence)
	}{
		{
			name:    "person with personnummer at loa3",
			user:    person(testPnr, identity.LoA3),
			want:    identity.Subject{Scheme: identity.SchemePersonnummer, Value: testPnr},
			wantLoA: identity.LoA3,
			check: func(t *testing.T, p identity.Principal, ev identity.Evidence) {
				require.Equal(t, "Testa", p.GivenName)
				require.Equal(t, "Testsson", p.FamilyName)
				require.Equal(t, identity.MethodOIDC, p.Method)
				require.False(t, p.IsOfficer())
				require.True(t, p.ActsForSelf())
				require.Equal(t, "txn-0001", ev.Ref)
				require.Equal(t, string(identity.LoA3), ev.Attributes["acr"])
			},
		},
		{
			name: "person with samordningsnummer",
			user: oidctest.User{Subject: "s2", ACR: string(identity.LoA3), Claims: map[string]any{
				oidc.ClaimCoordinationNumber: testCoord, oidc.ClaimCoordinationNumberLevel: "confirmed",
			}},
			want:    identity.Subject{Scheme: identity.SchemePersonnummer, Value: testCoord},
			wantLoA: identity.LoA3,
			check: func(t *testing.T, _ identity.Principal, ev identity.Evidence) {
				require.Equal(t, "confirmed", ev.Attributes["coordination_number_level"])
			},
		},
		{
			name: "officer with roles from the groups claim",
			so: &setupOpts{options: func(o *oidc.Options) {
				o.Mapping = &oidc.MappingOptions{RolesClaim: "groups", Roles: officerRoles, Method: identity.MethodOfficer}
			}},
			user: oidctest.User{Subject: "anna.handlaggare", Claims: map[string]any{
				"groups":     []string{"grp-bygglov", "grp-forskola", "grp-registrar", "grp-unrelated"},
				"given_name": "Anna",
			}},
			want: identity.Subject{Scheme: identity.SchemeOfficer, Value: "anna.handlaggare"},
			check: func(t *testing.T, p identity.Principal, ev identity.Evidence) {
				require.Equal(t, []identity.Role{
					{Name: identity.RoleOfficer, Services: []string{"bygglov", "forskola"}},
					{Name: identity.RoleDisclosureReviewer, Services: []string{identity.AllServices}},
				}, p.Roles)
				require.True(t, p.HasRole(identity.RoleOfficer, "bygglov"))
				require.False(t, p.HasRole(identity.RoleOfficer, "parkering"))
				require.True(t, p.HasRole(identity.RoleDisclosureReviewer, "parkering"))
				require.Equal(t, identity.MethodOfficer, p.Method)
				require.Equal(t, identity.MethodOfficer, ev.Method)
			},
		},
		{
			name: "eIDAS user with prid",
			user: oidctest.User{Subject: "e1", ACR: string(identity.EIDASSubstantial), Claims: map[string]any{
				oidc.ClaimPRID:                  "NO:05068907693",
				oidc.ClaimPRIDPersistence:       "A",
				oidc.ClaimEIDASPersonIdentifier: "NO/SE/05068907693",
				oidc.ClaimEIDASCountry:          "NO",
				"given_name":                    "Kari",
				"family_name":                   "Nordmann",
			}},
			want:    identity.Subject{Scheme: identity.SchemeEIDAS, Value: "NO:05068907693"},
			wantLoA: identity.EIDASSubstantial,
			check: func(t *testing.T, _ identity.Principal, ev identity.Evidence) {
				require.Equal(t, "A", ev.Attributes["prid_persistence"])
				require.Equal(t, "NO", ev.Attributes["eidas_country"])
			},
		},
		{
			name:    "eIDAS user identified by sub",
			user:    oidctest.User{Subject: "DE/SE/0123456789abc", ACR: string(identity.EIDASHigh)},
			want:    identity.Subject{Scheme: identity.SchemeEIDAS, Value: "DE/SE/0123456789abc"},
			wantLoA: identity.EIDASHigh,
		},
		{
			name:    "EC signing key",
			so:      &setupOpts{op: &oidctest.Options{SigningAlg: oidctest.ES256}},
			user:    person(testPnr, identity.LoA4),
			want:    identity.Subject{Scheme: identity.SchemePersonnummer, Value: testPnr},
			wantLoA: identity.LoA4,
		},
		{
			name: "client_secret_post",
			so: &setupOpts{config: func(c *oidc.Config) {
				c.ClientAuth = oidc.ClientSecretPost
			}},
			user:    person(testPnr, identity.LoA3),
			want:    identity.Subject{Scheme: identity.SchemePersonnummer, Value: testPnr},
			wantLoA: identity.LoA3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tt.so)
			before := time.Now().Truncate(time.Second)
			p, ev, a, err := b.login(t, tt.user)
			after := time.Now()
			require.NoError(t, err)
			require.Equal(t, tt.want, p.Subject)
			require.Equal(t, tt.wantLoA, p.Assurance)
			require.NoError(t, p.Validate())
			require.False(t, p.AuthTime.Before(before) || p.AuthTime.After(after), "auth_time is the time of the login")
			require.Equal(t, b.op.Issuer(), ev.Provider)
			require.NotEmpty(t, ev.Signature, "the ID token is kept as evidence")
			require.Contains(t, string(ev.Raw), `"sub"`)
			require.Equal(t, a.flow.CreatedAt, ev.StartedAt)
			require.True(t, a.flow.Used)
			if tt.check != nil {
				tt.check(t, p, ev)
			}
			require.Contains(t, b.logs.String(), "login completed")
			b.requireNoLeak(t, nil, a, "Testsson", "Nordmann", "05068907693")
		})
	}
}

func TestCompleteRejectsBadTokens(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		faults  oidctest.Faults
		so      *setupOpts
		user    *oidctest.User
		wantErr error
	}{
		{name: "wrong nonce", faults: oidctest.Faults{WrongNonce: true}, wantErr: oidc.ErrNonceMismatch},
		{name: "wrong audience", faults: oidctest.Faults{WrongAudience: true}, wantErr: oidc.ErrAudienceMismatch},
		{name: "wrong issuer", faults: oidctest.Faults{WrongIssuer: true}, wantErr: oidc.ErrIssuerMismatch},
		{name: "expired", faults: oidctest.Faults{Expired: true}, wantErr: oidc.ErrTokenExpired},
		{name: "unknown key", faults: oidctest.Faults{UnknownKey: true}, wantErr: oidc.ErrSignature},
		{name: "alg none", faults: oidctest.Faults{AlgNone: true}, wantErr: oidc.ErrAlgorithm},
		{name: "HS256 keyed with the public key", faults: oidctest.Faults{AlgHS256: true}, wantErr: oidc.ErrAlgorithm},
		{name: "tampered signature", faults: oidctest.Faults{TamperedSignature: true}, wantErr: oidc.ErrSignature},
		{
			name:    "algorithm outside a narrowed allow-list",
			so:      &setupOpts{op: &oidctest.Options{SigningAlg: oidctest.ES256}, options: func(o *oidc.Options) { o.SigningAlgs = []string{"RS256"} }},
			wantErr: oidc.ErrAlgorithm,
		},
		{
			name:    "auth_time missing although max_age was requested",
			faults:  oidctest.Faults{OmitAuthTime: true},
			so:      &setupOpts{options: func(o *oidc.Options) { o.MaxAge = 5 * time.Minute }},
			wantErr: oidc.ErrAuthTime,
		},
		{
			name: "authentication older than max_age",
			so:   &setupOpts{options: func(o *oidc.Options) { o.MaxAge = 5 * time.Minute }},
			user: func() *oidctest.User {
				u := person(testPnr, identity.LoA3)
				u.AuthTime = time.Now().Add(-time.Hour)
				return &u
			}(),
			wantErr: oidc.ErrAuthTime,
		},
		{
			name:   "acr not among the requested acr_values",
			faults: oidctest.Faults{IgnoreACRValues: true},
			so: &setupOpts{config: func(c *oidc.Config) {
				c.ACRValues = []string{string(identity.LoA3), string(identity.LoA4)}
			}},
			user:    func() *oidctest.User { u := person(testPnr, identity.LoA2); return &u }(),
			wantErr: oidc.ErrAssurance,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tt.so)
			b.op.SetFaults(tt.faults)
			user := person(testPnr, identity.LoA3)
			if tt.user != nil {
				user = *tt.user
			}
			p, ev, a, err := b.login(t, user)
			require.ErrorIs(t, err, tt.wantErr)
			require.ErrorIs(t, err, oidc.ErrInvalidToken)
			require.Zero(t, p)
			require.Zero(t, ev)
			require.Contains(t, b.logs.String(), "login failed")
			b.requireNoLeak(t, err, a, "Testsson")
		})
	}
}

func TestCompleteRejectsBadCallbacks(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		// mutate changes the attempt before Complete; it may run a first
		// Complete itself.
		mutate  func(t *testing.T, b *testBundle, a *attempt)
		faults  oidctest.Faults
		wantErr error
		check   func(t *testing.T, b *testBundle, err error)
	}{
		{
			name:    "wrong state",
			mutate:  func(_ *testing.T, _ *testBundle, a *attempt) { a.callback.Set("state", "forged-state") },
			wantErr: oidc.ErrStateMismatch,
		},
		{
			name:    "missing state",
			mutate:  func(_ *testing.T, _ *testBundle, a *attempt) { a.callback.Del("state") },
			wantErr: oidc.ErrStateMismatch,
		},
		{
			name:    "state given twice",
			mutate:  func(_ *testing.T, _ *testBundle, a *attempt) { a.callback.Add("state", a.flow.State) },
			wantErr: oidc.ErrStateMismatch,
		},
		{
			name:    "missing code",
			mutate:  func(_ *testing.T, _ *testBundle, a *attempt) { a.callback.Del("code") },
			wantErr: oidc.ErrMissingCode,
		},
		{
			name:    "callback from another issuer (RFC 9207)",
			mutate:  func(_ *testing.T, _ *testBundle, a *attempt) { a.callback.Set("iss", "https://evil.example") },
			wantErr: oidc.ErrIssuerMismatch,
		},
		{
			name: "replayed code",
			mutate: func(t *testing.T, b *testBundle, a *attempt) {
				replay := *a.flow
				_, _, err := b.rp.Complete(context.Background(), a.flow, a.callback)
				require.NoError(t, err)
				a.flow = &replay // the same flow and callback, as if stolen before use
			},
			wantErr: oidc.ErrTokenExchange,
			check: func(t *testing.T, b *testBundle, err error) {
				var pe *oidc.ProviderError
				require.ErrorAs(t, err, &pe)
				require.Equal(t, "invalid_grant", pe.Code)
				require.Equal(t, oidc.EndpointToken, pe.Endpoint)
				require.Equal(t, 400, pe.Status)
			},
		},
		{
			name: "flow used twice",
			mutate: func(t *testing.T, b *testBundle, a *attempt) {
				_, _, err := b.rp.Complete(context.Background(), a.flow, a.callback)
				require.NoError(t, err)
			},
			wantErr: oidc.ErrFlowUsed,
		},
		{
			name: "PKCE verifier mismatch",
			mutate: func(_ *testing.T, _ *testBundle, a *attempt) {
				a.flow.CodeVerifier = strings.Repeat("x", 43)
			},
			wantErr: oidc.ErrTokenExchange,
			check: func(t *testing.T, b *testBundle, err error) {
				var pe *oidc.ProviderError
				require.ErrorAs(t, err, &pe)
				require.Equal(t, "invalid_grant", pe.Code)
				require.Equal(t, "invalid_grant", b.op.LastError())
			},
		},
		{
			name:    "flow expired",
			mutate:  func(_ *testing.T, b *testBundle, _ *attempt) { b.clock.Advance(oidc.DefaultFlowTTL + time.Second) },
			wantErr: oidc.ErrFlowExpired,
		},
		{
			name:    "nil flow",
			mutate:  func(_ *testing.T, _ *testBundle, a *attempt) { a.flow = nil },
			wantErr: oidc.ErrInvalidFlow,
		},
		{
			name:    "user cancelled at the provider",
			faults:  oidctest.Faults{AuthError: "access_denied"},
			wantErr: oidc.ErrAuthorization,
			check: func(t *testing.T, _ *testBundle, err error) {
				var pe *oidc.ProviderError
				require.ErrorAs(t, err, &pe)
				require.True(t, pe.UserCancelled())
				require.Equal(t, "Inloggningen avbröts.", oidc.Message(err).SV)
			},
		},
		{
			name: "provider error code with forbidden characters",
			mutate: func(_ *testing.T, _ *testBundle, a *attempt) {
				a.callback = url.Values{"state": {a.flow.State}, "error": {"bad\"code " + testPnr}}
			},
			wantErr: oidc.ErrAuthorization,
			check: func(t *testing.T, _ *testBundle, err error) {
				var pe *oidc.ProviderError
				require.ErrorAs(t, err, &pe)
				require.Equal(t, "invalid_error_code", pe.Code)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			b.op.SetUser(person(testPnr, identity.LoA3))
			b.op.SetFaults(tt.faults)
			a := b.begin(t, nil)
			if tt.mutate != nil {
				tt.mutate(t, b, &a)
			}
			p, _, err := b.rp.Complete(context.Background(), a.flow, a.callback)
			require.ErrorIs(t, err, tt.wantErr)
			require.Zero(t, p)
			if tt.check != nil {
				tt.check(t, b, err)
			}
			b.requireNoLeak(t, err, a)
		})
	}
}

func TestBeginBuildsAuthorizationRequest(t *testing.T) {
	t.Parallel()
	b := setup(t, &setupOpts{
		config: func(c *oidc.Config) {
			c.ACRValues = []string{string(identity.LoA3), string(identity.LoA4), string(identity.EIDASSubstantial)}
			c.Scopes = []string{oidc.ScopeNaturalPersonNumber, "profile"}
		},
		options: func(o *oidc.Options) { o.MaxAge = 10 * time.Minute },
	})
	ctx := context.Background()
	before := b.clock.Now()
	authURL, flow, err := b.rp.Begin(ctx, &oidc.BeginOptions{MinAssurance: identity.LoA4, ForceLogin: true, Lang: "sv"})
	after := b.clock.Now()
	require.NoError(t, err)
	u, err := url.Parse(authURL)
	require.NoError(t, err)
	q := u.Query()
	require.Equal(t, b.op.Issuer()+"/authorize", u.Scheme+"://"+u.Host+u.Path)
	require.Equal(t, "code", q.Get("response_type"))
	require.Equal(t, clientID, q.Get("client_id"))
	require.Equal(t, redirect, q.Get("redirect_uri"))
	require.Equal(t, "openid "+oidc.ScopeNaturalPersonNumber+" profile", q.Get("scope"))
	require.Equal(t, flow.State, q.Get("state"))
	require.Equal(t, flow.Nonce, q.Get("nonce"))
	require.Equal(t, "S256", q.Get("code_challenge_method"))
	sum := sha256.Sum256([]byte(flow.CodeVerifier))
	require.Equal(t, base64.RawURLEncoding.EncodeToString(sum[:]), q.Get("code_challenge"))
	require.NotContains(t, authURL, flow.CodeVerifier)
	// Only the configured levels at or above the minimum (eidas-sub ranks
	// with loa3) are requested.
	require.Equal(t, string(identity.LoA4), q.Get("acr_values"))
	require.Equal(t, "600", q.Get("max_age"))
	require.Equal(t, "login", q.Get("prompt"))
	require.Equal(t, "sv", q.Get("ui_locales"))
	require.GreaterOrEqual(t, len(flow.State), 43, "state carries at least 256 bits")
	require.False(t, flow.CreatedAt.Before(before) || flow.CreatedAt.After(after), "CreatedAt comes from Options.Now")

	_, flow2, err := b.rp.Begin(ctx, nil)
	require.NoError(t, err)
	require.NotEqual(t, flow.State, flow2.State)
	require.NotEqual(t, flow.Nonce, flow2.Nonce)
	require.NotEqual(t, flow.CodeVerifier, flow2.CodeVerifier)

	_, _, err = b.rp.Begin(ctx, &oidc.BeginOptions{MinAssurance: "loa9"})
	require.ErrorIs(t, err, oidc.ErrConfig)
	b.requireNoLeak(t, nil, attempt{secrets: []string{flow.State, flow.Nonce, flow.CodeVerifier, flow2.State}})
}

func TestBeginOptionsAreEnforced(t *testing.T) {
	t.Parallel()

	t.Run("minimum assurance", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil)
		b.op.SetUser(person(testPnr, identity.LoA3))
		b.op.SetFaults(oidctest.Faults{IgnoreACRValues: true})
		a := b.begin(t, &oidc.BeginOptions{MinAssurance: identity.LoA4})
		require.Equal(t, string(identity.LoA4), b.op.LastAuthRequest().Query.Get("acr_values"))
		_, _, err := b.rp.Complete(context.Background(), a.flow, a.callback)
		require.ErrorIs(t, err, oidc.ErrAssurance)
		require.ErrorIs(t, err, identity.ErrNotAuthorised)
		b.requireNoLeak(t, err, a)
	})
	t.Run("minimum assurance met by mapped level", func(t *testing.T) {
		t.Parallel()
		b := setup(t, &setupOpts{config: func(c *oidc.Config) {
			c.ACRValues = []string{string(identity.LoA3), string(identity.LoA4)}
		}})
		b.op.SetUser(person(testPnr, identity.LoA4))
		a := b.begin(t, &oidc.BeginOptions{MinAssurance: identity.LoA4})
		p, _, err := b.rp.Complete(context.Background(), a.flow, a.callback)
		require.NoError(t, err)
		require.Equal(t, identity.LoA4, p.Assurance)
	})
	t.Run("unknown acr below the minimum", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil)
		u := person(testPnr, "")
		u.ACR = "urn:example:weak"
		b.op.SetUser(u)
		b.op.SetFaults(oidctest.Faults{IgnoreACRValues: true})
		a := b.begin(t, &oidc.BeginOptions{MinAssurance: identity.LoA3})
		_, _, err := b.rp.Complete(context.Background(), a.flow, a.callback)
		require.ErrorIs(t, err, oidc.ErrAssurance)
	})
	t.Run("subject restriction", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil)
		b.op.SetUser(person(testPnr, identity.LoA3))
		a := b.begin(t, &oidc.BeginOptions{Subject: identity.Subject{Scheme: identity.SchemePersonnummer, Value: otherPnr}})
		require.NotContains(t, b.op.LastAuthRequest().Query.Encode(), otherPnr, "identity numbers never go into URLs")
		_, _, err := b.rp.Complete(context.Background(), a.flow, a.callback)
		require.ErrorIs(t, err, oidc.ErrSubjectMismatch)
		b.requireNoLeak(t, err, a)
	})
}

func TestKeyRotation(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	user := person(testPnr, identity.LoA3)

	_, _, _, err := b.login(t, user)
	require.NoError(t, err)
	require.Equal(t, 1, b.op.Counts().JWKS)

	// Same key: served from the cache. (go-oidc stores fetched keys a hair
	// after handing them to the waiting verifier, so allow one refetch.)
	_, _, _, err = b.login(t, user)
	require.NoError(t, err)
	require.LessOrEqual(t, b.op.Counts().JWKS, 2)

	// A new key (of another type) is picked up by refetching the JWKS.
	oldKID := b.op.KeyIDs()[0]
	_, err = b.op.RotateKey(oidctest.ES256)
	require.NoError(t, err)
	fetches := b.op.Counts().JWKS
	_, _, _, err = b.login(t, user)
	require.NoError(t, err)
	require.Greater(t, b.op.Counts().JWKS, fetches)

	// Retiring the old key does not disturb tokens from the new one.
	require.NoError(t, b.op.RetireKey(oldKID))
	_, _, _, err = b.login(t, user)
	require.NoError(t, err)

	// A token signed by a key that is not (or no longer) published fails,
	// even after a refetch.
	b.op.SetFaults(oidctest.Faults{UnknownKey: true})
	fetches = b.op.Counts().JWKS
	_, _, _, err = b.login(t, user)
	require.ErrorIs(t, err, oidc.ErrSignature)
	require.Greater(t, b.op.Counts().JWKS, fetches, "an unknown key ID triggers a refetch")
}

func TestPrivateKeyJWT(t *testing.T) {
	t.Parallel()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	otherKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)

	tests := []struct {
		name       string
		key        crypto.Signer
		registered crypto.PublicKey
		wantErr    error
	}{
		{name: "RSA", key: rsaKey, registered: rsaKey.Public()},
		{name: "ECDSA P-256", key: ecKey, registered: ecKey.Public()},
		{name: "key not registered", key: ecKey, registered: otherKey.Public(), wantErr: oidc.ErrTokenExchange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, &setupOpts{
				client: func(c *oidctest.Client) { c.Secret = ""; c.PublicKey = tt.registered },
				config: func(c *oidc.Config) {
					c.ClientSecret = ""
					c.ClientKey = tt.key
					c.ClientKeyID = "client-key-1"
				},
			})
			p, _, a, err := b.login(t, person(testPnr, identity.LoA3))
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				var pe *oidc.ProviderError
				require.ErrorAs(t, err, &pe)
				require.Equal(t, "invalid_client", pe.Code)
				require.Equal(t, 401, pe.Status)
				b.requireNoLeak(t, err, a)
				return
			}
			require.NoError(t, err)
			require.Equal(t, testPnr, p.Subject.Value)
		})
	}
}

func TestUserInfo(t *testing.T) {
	t.Parallel()
	for _, signed := range []bool{false, true} {
		t.Run(map[bool]string{false: "json", true: "signed jwt"}[signed], func(t *testing.T) {
			t.Parallel()
			b := setup(t, &setupOpts{options: func(o *oidc.Options) { o.UserInfo = true }})
			b.op.SetFaults(oidctest.Faults{SignedUserInfo: signed})
			u := oidctest.User{Subject: "u-1", ACR: string(identity.LoA3),
				Claims: map[string]any{oidc.ClaimPersonalIdentityNumber: testPnr},
				UserInfoOnly: map[string]any{
					"given_name": "Testa", "family_name": "Testsson",
					// Registered claims from UserInfo are ignored.
					"acr": string(identity.LoA4),
				}}
			p, ev, _, err := b.login(t, u)
			require.NoError(t, err)
			require.Equal(t, "Testa", p.GivenName)
			require.Equal(t, "Testsson", p.FamilyName)
			require.Equal(t, identity.LoA3, p.Assurance)
			require.Contains(t, ev.Attributes["userinfo"], "Testsson")
			require.Equal(t, 1, b.op.Counts().UserInfo)
		})
	}
}

func TestNewRejectsBadConfiguration(t *testing.T) {
	t.Parallel()
	op, err := oidctest.New(&oidctest.Options{Clients: []oidctest.Client{{ID: clientID, Secret: testSecret, RedirectURIs: []string{redirect}}}})
	require.NoError(t, err)
	t.Cleanup(op.Close)
	good := oidc.Config{Issuer: op.Issuer(), ClientID: clientID, ClientSecret: testSecret, RedirectURL: redirect}

	tests := []struct {
		name    string
		cfg     func(*oidc.Config)
		opts    *oidc.Options
		wantErr error
	}{
		{name: "no issuer", cfg: func(c *oidc.Config) { c.Issuer = "" }, wantErr: oidc.ErrConfig},
		{name: "relative issuer", cfg: func(c *oidc.Config) { c.Issuer = "idp.example" }, wantErr: oidc.ErrConfig},
		{name: "no client ID", cfg: func(c *oidc.Config) { c.ClientID = "" }, wantErr: oidc.ErrConfig},
		{name: "no redirect URL", cfg: func(c *oidc.Config) { c.RedirectURL = "" }, wantErr: oidc.ErrConfig},
		{name: "redirect URL with fragment", cfg: func(c *oidc.Config) { c.RedirectURL = redirect + "#x" }, wantErr: oidc.ErrConfig},
		{name: "no secret", cfg: func(c *oidc.Config) { c.ClientSecret = "" }, wantErr: oidc.ErrConfig},
		{name: "private_key_jwt without key", cfg: func(c *oidc.Config) { c.ClientAuth = oidc.PrivateKeyJWT }, wantErr: oidc.ErrConfig},
		{name: "unknown client auth", cfg: func(c *oidc.Config) { c.ClientAuth = "tls_client_auth" }, wantErr: oidc.ErrConfig},
		{name: "bad scope", cfg: func(c *oidc.Config) { c.Scopes = []string{"a b"} }, wantErr: oidc.ErrConfig},
		{name: "alg none allowed", opts: &oidc.Options{SigningAlgs: []string{"RS256", "none"}}, wantErr: oidc.ErrConfig},
		{name: "HS256 allowed", opts: &oidc.Options{SigningAlgs: []string{"HS256"}}, wantErr: oidc.ErrConfig},
		{name: "negative TTL", opts: &oidc.Options{FlowTTL: -time.Second}, wantErr: oidc.ErrConfig},
		{name: "issuer mismatch in discovery", cfg: func(c *oidc.Config) { c.Issuer = op.Issuer() + "/" }, wantErr: oidc.ErrDiscovery},
		{name: "no provider", cfg: func(c *oidc.Config) { c.Issuer = "http://127.0.0.1:1" }, wantErr: oidc.ErrDiscovery},
		{name: "discovery too large", opts: &oidc.Options{MaxResponseBytes: 64}, wantErr: oidc.ErrDiscovery},
		{name: "valid", wantErr: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := good
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			rp, err := oidc.New(context.Background(), cfg, tt.opts)
			if tt.wantErr == nil {
				require.NoError(t, err)
				require.Equal(t, op.Issuer(), rp.Issuer())
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			require.Nil(t, rp)
			require.NotContains(t, err.Error(), testSecret)
		})
	}
}

func TestFlowStateLogValueHidesSecrets(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	_, flow, err := b.rp.Begin(context.Background(), nil)
	require.NoError(t, err)
	v := flow.LogValue().String()
	for _, s := range []string{flow.State, flow.Nonce, flow.CodeVerifier} {
		require.NotContains(t, v, s)
	}
	require.NotContains(t, b.logs.String(), flow.State)
	require.Contains(t, b.logs.String(), "login started")
}

func TestMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err    error
		wantSV string
	}{
		{err: &oidc.ProviderError{Endpoint: oidc.EndpointAuthorization, Code: "access_denied"}, wantSV: "Inloggningen avbröts."},
		{err: oidc.ErrFlowExpired, wantSV: "Inloggningen har gått ut eller redan använts. Börja om och logga in igen."},
		{err: oidc.ErrAssurance, wantSV: "E-legitimationen du använde räcker inte för den här tjänsten. Logga in med en annan e-legitimation."},
		{err: oidc.ErrNoSubject, wantSV: "Vi kunde inte identifiera dig med den e-legitimation du använde."},
		{err: oidc.ErrSignature, wantSV: "Inloggningen misslyckades. Försök igen om en stund."},
	}
	for _, tt := range tests {
		m := oidc.Message(tt.err)
		require.Equal(t, tt.wantSV, m.SV)
		require.NotEmpty(t, m.EN)
	}
	require.True(t, oidc.Message(nil).IsZero())
}
