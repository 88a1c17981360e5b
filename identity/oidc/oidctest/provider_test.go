package oidctest_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity/oidc/oidctest"
)

const (
	clientID = "portal"
	secret   = "s3cret"
	cbURL    = "https://portal.example/cb"
	verifier = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG" // 43 characters
)

func challenge(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

type bundle struct {
	p   *oidctest.Provider
	now *atomic.Int64 // offset in nanoseconds
}

func setup(t *testing.T, opts *oidctest.Options) *bundle {
	t.Helper()
	b := &bundle{now: &atomic.Int64{}}
	o := oidctest.Options{}
	if opts != nil {
		o = *opts
	}
	o.Clients = append(o.Clients, oidctest.Client{ID: clientID, Secret: secret, RedirectURIs: []string{cbURL}})
	o.Now = func() time.Time { return time.Now().Add(time.Duration(b.now.Load())) }
	p, err := oidctest.New(&o)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	b.p = p
	return b
}

func authParams() url.Values {
	return url.Values{
		"response_type":         {"code"},
		"client_id":             {clientID},
		"redirect_uri":          {cbURL},
		"scope":                 {"openid profile"},
		"state":                 {"st-1"},
		"nonce":                 {"n-1"},
		"code_challenge":        {challenge(verifier)},
		"code_challenge_method": {"S256"},
	}
}

func (b *bundle) authorize(t *testing.T, q url.Values) (url.Values, error) {
	t.Helper()
	return b.p.Login(context.Background(), b.p.Issuer()+"/authorize?"+q.Encode())
}

func (b *bundle) token(t *testing.T, form url.Values, basic bool) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.p.TokenURL(), strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(secret))
	}
	resp, err := b.p.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return resp.StatusCode, body
}

func tokenForm(code string) url.Values {
	return url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {cbURL},
		"code_verifier": {verifier},
	}
}

func TestDiscoveryAndJWKS(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	resp, err := b.p.Client().Get(b.p.Issuer() + "/.well-known/openid-configuration")
	require.NoError(t, err)
	defer resp.Body.Close()
	var doc map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	require.Equal(t, b.p.Issuer(), doc["issuer"])
	require.Equal(t, b.p.TokenURL(), doc["token_endpoint"])
	require.Equal(t, []any{"S256"}, doc["code_challenge_methods_supported"])

	kid, err := b.p.RotateKey(oidctest.ES256)
	require.NoError(t, err)
	require.Len(t, b.p.KeyIDs(), 2)
	require.Equal(t, kid, b.p.KeyIDs()[0])
	resp2, err := b.p.Client().Get(b.p.Issuer() + "/jwks")
	require.NoError(t, err)
	defer resp2.Body.Close()
	var set jose.JSONWebKeySet
	require.NoError(t, json.NewDecoder(resp2.Body).Decode(&set))
	require.Len(t, set.Keys, 2)
	for _, k := range set.Keys {
		require.True(t, k.IsPublic(), "only public keys are published")
		require.True(t, k.Valid())
	}
	require.Equal(t, "ES256", set.Keys[0].Algorithm)
	require.Equal(t, "RS256", set.Keys[1].Algorithm)

	require.Error(t, b.p.RetireKey(kid), "the signing key cannot be retired")
	require.NoError(t, b.p.RetireKey(b.p.KeyIDs()[1]))
	require.Error(t, b.p.RetireKey("nope"))
	require.Equal(t, oidctest.Counts{Discovery: 1, JWKS: 1}, b.p.Counts())
}

func TestAuthorizeValidatesRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		mutate     func(url.Values)
		opts       *oidctest.Options
		faults     oidctest.Faults
		noRedirect bool
		wantError  string
	}{
		{name: "unknown client", mutate: func(q url.Values) { q.Set("client_id", "other") }, noRedirect: true},
		{name: "unregistered redirect URI", mutate: func(q url.Values) { q.Set("redirect_uri", cbURL+"/x") }, noRedirect: true},
		{name: "implicit flow", mutate: func(q url.Values) { q.Set("response_type", "id_token") }, wantError: "unsupported_response_type"},
		{name: "no openid scope", mutate: func(q url.Values) { q.Set("scope", "profile") }, wantError: "invalid_scope"},
		{name: "no nonce", mutate: func(q url.Values) { q.Del("nonce") }, wantError: "invalid_request"},
		{name: "no PKCE", mutate: func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }, wantError: "invalid_request"},
		{name: "plain PKCE", mutate: func(q url.Values) { q.Set("code_challenge_method", "plain") }, wantError: "invalid_request"},
		{name: "unknown acr", mutate: func(q url.Values) { q.Set("acr_values", "urn:other") }, wantError: "invalid_request"},
		{name: "scripted denial", faults: oidctest.Faults{AuthError: "access_denied"}, wantError: "access_denied"},
		{name: "optional PKCE", opts: &oidctest.Options{OptionalPKCE: true}, mutate: func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }},
		{name: "valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tt.opts)
			b.p.SetUser(oidctest.User{Subject: "u", ACR: "urn:mine"})
			b.p.SetFaults(tt.faults)
			q := authParams()
			if tt.mutate != nil {
				tt.mutate(q)
			}
			cb, err := b.authorize(t, q)
			if tt.noRedirect {
				require.ErrorIs(t, err, oidctest.ErrNoRedirect)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "st-1", cb.Get("state"))
			if tt.wantError != "" {
				require.Equal(t, tt.wantError, cb.Get("error"))
				require.Empty(t, cb.Get("code"))
				require.Equal(t, tt.wantError, b.p.LastError())
				return
			}
			require.NotEmpty(t, cb.Get("code"))
			require.Equal(t, q, b.p.LastAuthRequest().Query)
		})
	}
}

func TestTokenEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		form       func(code string) url.Values
		basic      bool
		advance    time.Duration
		wantStatus int
		wantError  string
	}{
		{name: "client_secret_basic", form: tokenForm, basic: true, wantStatus: 200},
		{name: "client_secret_post", form: func(c string) url.Values {
			f := tokenForm(c)
			f.Set("client_id", clientID)
			f.Set("client_secret", secret)
			return f
		}, wantStatus: 200},
		{name: "no client authentication", form: tokenForm, wantStatus: 401, wantError: "invalid_client"},
		{name: "wrong secret", form: func(c string) url.Values {
			f := tokenForm(c)
			f.Set("client_id", clientID)
			f.Set("client_secret", "guess")
			return f
		}, wantStatus: 401, wantError: "invalid_client"},
		{name: "two authentication methods", form: func(c string) url.Values {
			f := tokenForm(c)
			f.Set("client_secret", secret)
			return f
		}, basic: true, wantStatus: 401, wantError: "invalid_client"},
		{name: "wrong grant type", form: func(c string) url.Values {
			f := tokenForm(c)
			f.Set("grant_type", "password")
			return f
		}, basic: true, wantStatus: 400, wantError: "unsupported_grant_type"},
		{name: "unknown code", form: func(string) url.Values { return tokenForm("made-up") }, basic: true, wantStatus: 400, wantError: "invalid_grant"},
		{name: "redirect URI mismatch", form: func(c string) url.Values {
			f := tokenForm(c)
			f.Set("redirect_uri", cbURL+"/other")
			return f
		}, basic: true, wantStatus: 400, wantError: "invalid_grant"},
		{name: "wrong PKCE verifier", form: func(c string) url.Values {
			f := tokenForm(c)
			f.Set("code_verifier", strings.Repeat("z", 43))
			return f
		}, basic: true, wantStatus: 400, wantError: "invalid_grant"},
		{name: "short PKCE verifier", form: func(c string) url.Values {
			f := tokenForm(c)
			f.Set("code_verifier", "short")
			return f
		}, basic: true, wantStatus: 400, wantError: "invalid_grant"},
		{name: "expired code", form: tokenForm, basic: true, advance: oidctest.DefaultCodeTTL + time.Second, wantStatus: 400, wantError: "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			b.p.SetUser(oidctest.User{Subject: "u-1", Claims: map[string]any{"given_name": "Testa"}})
			cb, err := b.authorize(t, authParams())
			require.NoError(t, err)
			b.now.Add(int64(tt.advance))
			status, body := b.token(t, tt.form(cb.Get("code")), tt.basic)
			require.Equal(t, tt.wantStatus, status)
			if tt.wantError != "" {
				require.Equal(t, tt.wantError, body["error"])
				return
			}
			require.Equal(t, "Bearer", body["token_type"])
			raw, ok := body["id_token"].(string)
			require.True(t, ok)
			tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
			require.NoError(t, err)
			var claims map[string]any
			require.NoError(t, tok.UnsafeClaimsWithoutVerification(&claims))
			require.Equal(t, "u-1", claims["sub"])
			require.Equal(t, clientID, claims["aud"])
			require.Equal(t, "n-1", claims["nonce"])
			require.Equal(t, "Testa", claims["given_name"])
			require.Equal(t, b.p.Issuer(), claims["iss"])
			require.Contains(t, claims, "auth_time")
			require.Contains(t, claims, "at_hash")

			// The code is single use.
			status, body = b.token(t, tt.form(cb.Get("code")), tt.basic)
			require.Equal(t, 400, status)
			require.Equal(t, "invalid_grant", body["error"])
		})
	}
}

func TestNewAndAddClientValidate(t *testing.T) {
	t.Parallel()
	_, err := oidctest.New(&oidctest.Options{SigningAlg: "HS256"})
	require.Error(t, err)
	_, err = oidctest.New(&oidctest.Options{TokenTTL: -time.Second})
	require.Error(t, err)
	p, err := oidctest.New(nil)
	require.NoError(t, err)
	defer p.Close()
	require.Error(t, p.AddClient(oidctest.Client{RedirectURIs: []string{cbURL}, Secret: "x"}))
	require.Error(t, p.AddClient(oidctest.Client{ID: "a", Secret: "x"}))
	require.Error(t, p.AddClient(oidctest.Client{ID: "a", RedirectURIs: []string{cbURL}}))
	require.NoError(t, p.AddClient(oidctest.Client{ID: "a", Secret: "x", RedirectURIs: []string{cbURL}}))
	_, err = p.Login(context.Background(), "https://elsewhere.example/authorize")
	require.Error(t, err)
	require.Nil(t, p.LastAuthRequest())
}
