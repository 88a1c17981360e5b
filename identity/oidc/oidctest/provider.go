package oidctest

import (
	"crypto"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"time"
)

// Default lifetimes, used when the Options leave them zero.
const (
	// DefaultTokenTTL is the lifetime of ID and access tokens: five minutes,
	// the maximum the Swedish OpenID Connect profile allows for ID tokens.
	DefaultTokenTTL = 5 * time.Minute
	// DefaultCodeTTL is the lifetime of an authorization code.
	DefaultCodeTTL = time.Minute
)

// Signing algorithms the provider can sign ID tokens with.
const (
	RS256 = "RS256"
	ES256 = "ES256"
)

// Client is a relying party registered at the provider.
type Client struct {
	// ID is the client_id. Required.
	ID string
	// Secret enables client_secret_basic and client_secret_post. Leave it
	// empty for a client that authenticates with private_key_jwt only.
	Secret string
	// PublicKey enables private_key_jwt: the key (*rsa.PublicKey or
	// *ecdsa.PublicKey) that verifies the client's assertion.
	PublicKey crypto.PublicKey
	// RedirectURIs are the exact redirect URIs the client may use. At least
	// one is required; matching is by simple string comparison.
	RedirectURIs []string
}

// User is the person the authorization endpoint authenticates.
type User struct {
	// Subject is the "sub" claim. Defaults to a random pairwise-looking
	// identifier.
	Subject string
	// ACR is the "acr" claim. When empty and the request carries
	// acr_values, the first requested value is used.
	ACR string
	// AuthTime is the "auth_time" claim. Defaults to the time of the
	// authorization request.
	AuthTime time.Time
	// Claims are added to the ID token (and the UserInfo response), for
	// example "given_name" or "https://id.oidc.se/claim/personalIdentityNumber".
	// They cannot override the registered claims (iss, sub, aud, exp, iat,
	// nonce, auth_time, acr, azp, at_hash).
	Claims map[string]any
	// UserInfoOnly are claims delivered only by the UserInfo endpoint, not
	// in the ID token.
	UserInfoOnly map[string]any
}

// Faults make the tokens issued from now on bad in specific ways. The zero
// Faults issues correct tokens.
type Faults struct {
	// WrongNonce puts a different nonce in the ID token.
	WrongNonce bool
	// WrongAudience issues the ID token to another client.
	WrongAudience bool
	// WrongIssuer puts another issuer in the ID token.
	WrongIssuer bool
	// Expired issues an ID token that expired a minute before it was issued
	// to the client.
	Expired bool
	// UnknownKey signs with a key that the JWKS does not publish.
	UnknownKey bool
	// AlgNone issues an unsigned token with "alg":"none".
	AlgNone bool
	// AlgHS256 signs with HMAC-SHA256 keyed with the published public key
	// (the classic algorithm confusion attack).
	AlgHS256 bool
	// TamperedSignature changes the payload after signing.
	TamperedSignature bool
	// OmitAuthTime leaves out the auth_time claim.
	OmitAuthTime bool
	// IgnoreACRValues issues User.ACR even when the request asked for other
	// acr_values (a real provider must refuse instead).
	IgnoreACRValues bool
	// AuthError makes the authorization endpoint redirect back with this
	// OAuth error code (for example "access_denied") instead of a code.
	AuthError string
	// SignedUserInfo makes the UserInfo endpoint answer with a signed JWT
	// (application/jwt) instead of JSON.
	SignedUserInfo bool
}

// Options configure a Provider. A nil *Options means all defaults.
type Options struct {
	// Clients are the registered relying parties. More can be added with
	// AddClient.
	Clients []Client
	// SigningAlg is the algorithm of the initial signing key: RS256 or
	// ES256. Defaults to RS256.
	SigningAlg string
	// TokenTTL is the lifetime of ID and access tokens. Defaults to
	// DefaultTokenTTL.
	TokenTTL time.Duration
	// CodeTTL is the lifetime of authorization codes. Defaults to
	// DefaultCodeTTL.
	CodeTTL time.Duration
	// Now is the provider's clock. Defaults to time.Now.
	Now func() time.Time
	// TLS serves HTTPS with a self-signed certificate; use Provider.Client
	// (or its transport) to reach it. Defaults to plain HTTP on loopback.
	TLS bool
	// AllowPlainPKCE accepts code_challenge_method=plain. Defaults to false:
	// only S256, as the Swedish OpenID Connect profile requires.
	AllowPlainPKCE bool
	// OptionalPKCE lets authorization requests without a code_challenge
	// through. Defaults to false: PKCE is required.
	OptionalPKCE bool
}

// AuthRequest is an authorization request as the provider received it.
type AuthRequest struct {
	// Query holds every request parameter.
	Query url.Values
	// At is when the request arrived, by the provider's clock.
	At time.Time
}

// Provider is a running OpenID Connect provider. All methods are safe for
// concurrent use.
type Provider struct {
	srv  *httptest.Server
	opts Options

	mu        sync.Mutex
	clients   map[string]Client
	user      User
	faults    Faults
	keys      []*signingKey // keys[0] signs; all published keys are in the JWKS
	codes     map[string]*codeGrant
	access    map[string]accessGrant
	jtis      map[string]time.Time
	lastAuth  *AuthRequest
	counts    Counts
	lastError string
}

// Counts are how many requests each endpoint has answered.
type Counts struct {
	// Discovery counts requests for the discovery document.
	Discovery int
	// JWKS counts requests for the key set.
	JWKS int
	// Authorize counts authorization requests.
	Authorize int
	// Token counts token requests, successful or not.
	Token int
	// UserInfo counts UserInfo requests.
	UserInfo int
}

type codeGrant struct {
	clientID    string
	redirectURI string
	challenge   string
	method      string
	nonce       string
	acr         string
	user        User
	authTime    time.Time
	expires     time.Time
}

type accessGrant struct {
	clientID string
	user     User
	expires  time.Time
}

// New starts a provider on a loopback address. Close it when done.
func New(opts *Options) (*Provider, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.TokenTTL == 0 {
		o.TokenTTL = DefaultTokenTTL
	}
	if o.CodeTTL == 0 {
		o.CodeTTL = DefaultCodeTTL
	}
	if o.TokenTTL < 0 || o.CodeTTL < 0 {
		return nil, errors.New("oidctest: negative TTL")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SigningAlg == "" {
		o.SigningAlg = RS256
	}
	first, err := newSigningKey(o.SigningAlg)
	if err != nil {
		return nil, err
	}
	p := &Provider{
		opts:    o,
		clients: make(map[string]Client),
		keys:    []*signingKey{first},
		codes:   make(map[string]*codeGrant),
		access:  make(map[string]accessGrant),
		jtis:    make(map[string]time.Time),
	}
	for _, c := range o.Clients {
		if err := p.AddClient(c); err != nil {
			return nil, err
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.handleDiscovery)
	mux.HandleFunc("GET /jwks", p.handleJWKS)
	mux.HandleFunc("GET /authorize", p.handleAuthorize)
	mux.HandleFunc("POST /authorize", p.handleAuthorize)
	mux.HandleFunc("POST /token", p.handleToken)
	mux.HandleFunc("GET /userinfo", p.handleUserInfo)
	mux.HandleFunc("POST /userinfo", p.handleUserInfo)
	if o.TLS {
		p.srv = httptest.NewTLSServer(mux)
	} else {
		p.srv = httptest.NewServer(mux)
	}
	return p, nil
}

// Close shuts the server down.
func (p *Provider) Close() { p.srv.Close() }

// Issuer returns the issuer identifier (the server's base URL).
func (p *Provider) Issuer() string { return p.srv.URL }

// TokenURL returns the token endpoint, the audience of private_key_jwt
// client assertions.
func (p *Provider) TokenURL() string { return p.srv.URL + "/token" }

// Client returns an HTTP client that trusts the provider (needed with
// Options.TLS) and does not follow redirects.
func (p *Provider) Client() *http.Client {
	c := *p.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// AddClient registers a relying party, replacing one with the same ID.
func (p *Provider) AddClient(c Client) error {
	if c.ID == "" {
		return errors.New("oidctest: client without ID")
	}
	if len(c.RedirectURIs) == 0 {
		return fmt.Errorf("oidctest: client %q without redirect URI", c.ID)
	}
	if c.Secret == "" && c.PublicKey == nil {
		return fmt.Errorf("oidctest: client %q has neither secret nor public key", c.ID)
	}
	c.RedirectURIs = slices.Clone(c.RedirectURIs)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clients[c.ID] = c
	return nil
}

// SetUser sets the user that the authorization endpoint authenticates from
// now on. Codes already issued keep the user they were issued for.
func (p *Provider) SetUser(u User) {
	u.Claims = cloneMap(u.Claims)
	u.UserInfoOnly = cloneMap(u.UserInfoOnly)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user = u
}

// SetFaults sets the faults of the tokens and responses issued from now on.
func (p *Provider) SetFaults(f Faults) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = f
}

// LastAuthRequest returns the most recent authorization request, or nil.
func (p *Provider) LastAuthRequest() *AuthRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lastAuth == nil {
		return nil
	}
	return &AuthRequest{Query: cloneValues(p.lastAuth.Query), At: p.lastAuth.At}
}

// Counts returns how many requests each endpoint has answered.
func (p *Provider) Counts() Counts {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts
}

// LastError returns the OAuth error code of the most recent failed
// authorization or token request ("invalid_grant", ...), or "".
func (p *Provider) LastError() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastError
}

// RotateKey adds a new signing key of alg (RS256 or ES256) and signs with
// it from now on. The previous keys stay published until RetireKey. It
// returns the new key ID.
func (p *Provider) RotateKey(alg string) (string, error) {
	k, err := newSigningKey(alg)
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = append([]*signingKey{k}, p.keys...)
	return k.kid, nil
}

// RetireKey removes a key from the JWKS. The current signing key cannot
// be retired; rotate first.
func (p *Provider) RetireKey(kid string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, k := range p.keys {
		if k.kid != kid {
			continue
		}
		if i == 0 {
			return errors.New("oidctest: cannot retire the current signing key")
		}
		p.keys = slices.Delete(p.keys, i, i+1)
		return nil
	}
	return fmt.Errorf("oidctest: no key %q", kid)
}

// KeyIDs returns the IDs of the published keys, the signing key first.
func (p *Provider) KeyIDs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	ids := make([]string, len(p.keys))
	for i, k := range p.keys {
		ids[i] = k.kid
	}
	return ids
}

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+).
	return base64.RawURLEncoding.EncodeToString(b)
}

func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func cloneValues(v url.Values) url.Values {
	c := make(url.Values, len(v))
	for k, vs := range v {
		c[k] = slices.Clone(vs)
	}
	return c
}
