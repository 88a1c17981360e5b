package oidc

import (
	"context"
	"crypto"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/etjanst/etjanst/identity"
)

// ClientAuthMethod is how the relying party authenticates at the token
// endpoint.
type ClientAuthMethod string

// Client authentication methods (OpenID Connect Core section 9).
const (
	// ClientSecretBasic sends the client secret in an HTTP Basic header.
	ClientSecretBasic ClientAuthMethod = "client_secret_basic"
	// ClientSecretPost sends the client secret in the form body.
	ClientSecretPost ClientAuthMethod = "client_secret_post"
	// PrivateKeyJWT signs a fresh client assertion for every request; the
	// method the Swedish OpenID Connect profile recommends.
	PrivateKeyJWT ClientAuthMethod = "private_key_jwt"
)

// defaultScopes are requested when Config.Scopes is empty.
var defaultScopes = []string{gooidc.ScopeOpenID, "profile", ScopeNaturalPersonNumber}

// defaultSigningAlgs is the allow-list when Options.SigningAlgs is empty.
var defaultSigningAlgs = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}

// Defaults of Options.
const (
	DefaultFlowTTL          = 10 * time.Minute
	DefaultClockSkew        = time.Minute
	DefaultHTTPTimeout      = 10 * time.Second
	DefaultMaxResponseBytes = 1 << 20
	// MaxIDTokenBytes caps the size of an ID token.
	MaxIDTokenBytes = 384 << 10
)

// Config is the registration of the relying party at one provider.
type Config struct {
	// Issuer is the provider's issuer identifier; discovery fetches
	// Issuer + "/.well-known/openid-configuration" and the document must
	// name exactly this issuer. Required.
	Issuer string
	// ClientID is the client_id registered at the provider. Required.
	ClientID string
	// ClientSecret is the client secret, for ClientSecretBasic and
	// ClientSecretPost.
	ClientSecret string
	// ClientKey signs client assertions for PrivateKeyJWT: an RSA (RS256),
	// ECDSA P-256/P-384/P-521 (ES256/384/512) or Ed25519 (EdDSA) private
	// key, possibly held in an HSM.
	ClientKey crypto.Signer
	// ClientKeyID is the "kid" of ClientKey as registered at the provider.
	// Optional.
	ClientKeyID string
	// ClientAuth selects the method. Defaults to PrivateKeyJWT when
	// ClientKey is set and to ClientSecretBasic otherwise.
	ClientAuth ClientAuthMethod
	// RedirectURL is the callback URL registered at the provider. Required.
	RedirectURL string
	// Scopes to request; "openid" is added when missing. Defaults to
	// "openid", "profile" (names) and ScopeNaturalPersonNumber (the
	// personal identity number in the ID token).
	Scopes []string
	// ACRValues are requested as acr_values, in order of preference
	// (Sweden Connect URIs such as identity.LoA3). When set, the ID token's
	// acr must be one of them. Defaults to none (any acr is accepted).
	ACRValues []string
}

// Options tune a RelyingParty. A nil *Options means all defaults.
type Options struct {
	// Logger receives debug records of flows (never tokens, codes, state,
	// nonces or unmasked identifiers). Defaults to slog.Default().
	Logger *slog.Logger
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
	// HTTPClient makes the back-channel requests (discovery, keys, token,
	// UserInfo). Its response bodies are capped at MaxResponseBytes.
	// Defaults to a client with a DefaultHTTPTimeout timeout.
	HTTPClient *http.Client
	// MaxResponseBytes caps every back-channel response body. Defaults to
	// DefaultMaxResponseBytes (1 MiB).
	MaxResponseBytes int64
	// FlowTTL is how long a started flow may take before Complete rejects
	// it. Defaults to DefaultFlowTTL (10 minutes).
	FlowTTL time.Duration
	// ClockSkew is the tolerance for exp, iat and auth_time checks.
	// Defaults to DefaultClockSkew (1 minute).
	ClockSkew time.Duration
	// MaxAge, when positive, is sent as max_age (whole seconds): the
	// provider must re-authenticate older sessions, and Complete requires
	// an auth_time no older than MaxAge. Defaults to 0 (not sent).
	MaxAge time.Duration
	// SigningAlgs is the allow-list of ID token algorithms, a subset of
	// RS256/384/512, PS256/384/512, ES256/384/512 and EdDSA. Defaults to
	// all of them but EdDSA. New refuses "none" and HS256/384/512.
	SigningAlgs []string
	// UserInfo fetches the UserInfo endpoint after the token exchange and
	// adds the claims the ID token lacks (names delivered for
	// ScopeNaturalPersonInfo). The response must be about the same
	// subject; a signed response is verified like the ID token's
	// signature. Defaults to false.
	UserInfo bool
	// Mapping configures the claim mapping; Mapping.Now defaults to Now.
	// Defaults to the defaults of MappingOptions.
	Mapping *MappingOptions
}

// RelyingParty is an OpenID Connect client using the authorization code
// flow with PKCE (S256), state and nonce. It is safe for concurrent use and
// keeps no per-flow state: the caller keeps each FlowState in its
// server-side session between Begin and Complete.
type RelyingParty struct {
	cfg        Config
	log        *slog.Logger
	now        func() time.Time
	client     *http.Client
	flowTTL    time.Duration
	skew       time.Duration
	maxAge     time.Duration
	algs       []string
	userInfo   bool
	mapping    MappingOptions
	oauth      oauth2.Config
	keySet     *gooidc.RemoteKeySet
	verifier   *gooidc.IDTokenVerifier
	tokenURL   string
	userInfoEP string
}

// New discovers the provider at cfg.Issuer and returns a relying party.
// Errors wrap ErrConfig for an invalid configuration and ErrDiscovery when
// the discovery document cannot be fetched or does not name cfg.Issuer.
// New starts no goroutines; keys are fetched on first use and refetched
// when a token names an unknown key (key rotation).
func New(ctx context.Context, cfg Config, opts *Options) (*RelyingParty, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	rp := &RelyingParty{cfg: cfg, log: o.Logger, now: o.Now, userInfo: o.UserInfo}
	if rp.log == nil {
		rp.log = slog.Default()
	}
	if rp.now == nil {
		rp.now = time.Now
	}
	if err := rp.configure(o); err != nil {
		return nil, err
	}

	clientCtx := gooidc.ClientContext(ctx, rp.client)
	provider, err := gooidc.NewProvider(clientCtx, cfg.Issuer)
	if err != nil {
		var mismatch *gooidc.IssuerMismatchError
		if errors.As(err, &mismatch) {
			return nil, fmt.Errorf("%w: the discovery document names another issuer", ErrDiscovery)
		}
		return nil, fmt.Errorf("%w: %w", ErrDiscovery, err)
	}
	var meta struct {
		JWKSURI       string   `json:"jwks_uri"`
		UserInfo      string   `json:"userinfo_endpoint"`
		PKCEMethods   []string `json:"code_challenge_methods_supported"`
		AuthEndpoint  string   `json:"authorization_endpoint"`
		TokenEndpoint string   `json:"token_endpoint"`
	}
	if err := provider.Claims(&meta); err != nil {
		return nil, fmt.Errorf("%w: decode discovery document: %w", ErrDiscovery, err)
	}
	if meta.JWKSURI == "" || meta.AuthEndpoint == "" || meta.TokenEndpoint == "" {
		return nil, fmt.Errorf("%w: discovery document lacks jwks_uri, authorization_endpoint or token_endpoint", ErrDiscovery)
	}
	if len(meta.PKCEMethods) > 0 && !slices.Contains(meta.PKCEMethods, "S256") {
		return nil, fmt.Errorf("%w: provider does not support PKCE S256", ErrDiscovery)
	}
	if rp.userInfo && meta.UserInfo == "" {
		return nil, fmt.Errorf("%w: Options.UserInfo set but the provider has no userinfo_endpoint", ErrDiscovery)
	}
	rp.tokenURL = meta.TokenEndpoint
	rp.userInfoEP = meta.UserInfo

	// One key set, shared by the signature pre-check and the verifier, so
	// keys are fetched once and refetched on rotation. Its context only
	// carries the HTTP client; each fetch is bounded by the client timeout.
	rp.keySet = gooidc.NewRemoteKeySet(gooidc.ClientContext(context.Background(), rp.client), meta.JWKSURI)
	rp.verifier = gooidc.NewVerifier(cfg.Issuer, rp.keySet, &gooidc.Config{
		ClientID:             cfg.ClientID,
		SupportedSigningAlgs: rp.algs,
		// exp is checked against a clock set back by the skew tolerance.
		Now: func() time.Time { return rp.now().Add(-rp.skew) },
	})

	endpoint := provider.Endpoint()
	switch rp.cfg.ClientAuth {
	case ClientSecretBasic:
		endpoint.AuthStyle = oauth2.AuthStyleInHeader
	default:
		endpoint.AuthStyle = oauth2.AuthStyleInParams
	}
	secret := cfg.ClientSecret
	if rp.cfg.ClientAuth == PrivateKeyJWT {
		secret = ""
	}
	rp.oauth = oauth2.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: secret,
		Endpoint:     endpoint,
		RedirectURL:  cfg.RedirectURL,
		Scopes:       rp.cfg.Scopes,
	}
	return rp, nil
}

// configure validates cfg and o and applies defaults.
func (rp *RelyingParty) configure(o Options) error {
	cfg := &rp.cfg
	if u, err := url.Parse(cfg.Issuer); err != nil || cfg.Issuer == "" || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%w: Issuer must be an absolute http(s) URL", ErrConfig)
	}
	if cfg.ClientID == "" {
		return fmt.Errorf("%w: ClientID is required", ErrConfig)
	}
	if u, err := url.Parse(cfg.RedirectURL); err != nil || cfg.RedirectURL == "" || !u.IsAbs() || u.Fragment != "" {
		return fmt.Errorf("%w: RedirectURL must be an absolute URL without fragment", ErrConfig)
	}
	if cfg.ClientAuth == "" {
		cfg.ClientAuth = ClientSecretBasic
		if cfg.ClientKey != nil {
			cfg.ClientAuth = PrivateKeyJWT
		}
	}
	switch cfg.ClientAuth {
	case ClientSecretBasic, ClientSecretPost:
		if cfg.ClientSecret == "" {
			return fmt.Errorf("%w: %s needs ClientSecret", ErrConfig, cfg.ClientAuth)
		}
	case PrivateKeyJWT:
		if cfg.ClientKey == nil {
			return fmt.Errorf("%w: private_key_jwt needs ClientKey", ErrConfig)
		}
		if _, err := assertionAlg(cfg.ClientKey); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%w: unknown ClientAuth %q", ErrConfig, cfg.ClientAuth)
	}
	scopes := slices.Clone(cfg.Scopes)
	if len(scopes) == 0 {
		scopes = slices.Clone(defaultScopes)
	}
	if !slices.Contains(scopes, gooidc.ScopeOpenID) {
		scopes = append([]string{gooidc.ScopeOpenID}, scopes...)
	}
	for _, s := range scopes {
		if s == "" || strings.ContainsAny(s, " \"\\") {
			return fmt.Errorf("%w: invalid scope", ErrConfig)
		}
	}
	cfg.Scopes = scopes
	cfg.ACRValues = slices.Clone(cfg.ACRValues)
	for _, a := range cfg.ACRValues {
		if a == "" || strings.ContainsAny(a, " \"\\") {
			return fmt.Errorf("%w: invalid acr value", ErrConfig)
		}
	}

	rp.flowTTL = o.FlowTTL
	if rp.flowTTL == 0 {
		rp.flowTTL = DefaultFlowTTL
	}
	rp.skew = o.ClockSkew
	if rp.skew == 0 {
		rp.skew = DefaultClockSkew
	}
	if rp.flowTTL < 0 || rp.skew < 0 || o.MaxAge < 0 || o.MaxResponseBytes < 0 {
		return fmt.Errorf("%w: negative duration or size", ErrConfig)
	}
	rp.maxAge = o.MaxAge
	rp.algs = slices.Clone(o.SigningAlgs)
	if len(rp.algs) == 0 {
		rp.algs = slices.Clone(defaultSigningAlgs)
	}
	for _, a := range rp.algs {
		if !slices.Contains(allowedAlgs, a) {
			return fmt.Errorf("%w: signing algorithm %q not allowed", ErrConfig, a)
		}
	}
	maxBytes := o.MaxResponseBytes
	if maxBytes == 0 {
		maxBytes = DefaultMaxResponseBytes
	}
	base := o.HTTPClient
	if base == nil {
		base = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	rp.client = limitedClient(base, maxBytes)
	if o.Mapping != nil {
		rp.mapping = *o.Mapping
	}
	if rp.mapping.Now == nil {
		rp.mapping.Now = rp.now
	}
	return nil
}

// allowedAlgs are the asymmetric algorithms go-oidc can verify.
var allowedAlgs = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// Issuer returns the configured issuer.
func (rp *RelyingParty) Issuer() string { return rp.cfg.Issuer }

// FlowState is what the relying party must remember between Begin and
// Complete, in the user's server-side session. It is single use. It holds
// secrets: never send it to the browser, never log it (LogValue shows only
// its age).
type FlowState struct {
	// State is the OAuth state: 256 random bits, bound to this session.
	State string `json:"state"`
	// Nonce is the OpenID Connect nonce the ID token must carry.
	Nonce string `json:"nonce"`
	// CodeVerifier is the PKCE verifier (its S256 challenge went to the
	// provider).
	CodeVerifier string `json:"code_verifier"`
	// RedirectURL is the redirect URI of the authorization request.
	RedirectURL string `json:"redirect_url"`
	// CreatedAt is when Begin ran.
	CreatedAt time.Time `json:"created_at"`
	// MinAssurance is the lowest acceptable assurance level, if any.
	MinAssurance identity.AssuranceLevel `json:"min_assurance,omitempty"`
	// Subject, when set, is the only person who may complete the flow.
	Subject identity.Subject `json:"subject,omitzero"`
	// Used is set by Complete: a flow is completed (or attempted) once.
	Used bool `json:"used,omitempty"`
}

// LogValue implements slog.LogValuer without any of the secrets.
func (f *FlowState) LogValue() slog.Value {
	if f == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(slog.Time("created_at", f.CreatedAt), slog.Bool("used", f.Used))
}

// BeginOptions tune one flow. A nil *BeginOptions means all defaults.
type BeginOptions struct {
	// MinAssurance is the lowest acceptable level. When set, only the
	// Config.ACRValues at or above it are requested (or MinAssurance itself
	// when none are), and Complete rejects a weaker result with ErrAssurance.
	MinAssurance identity.AssuranceLevel
	// Subject restricts the flow to one person: Complete fails with
	// ErrSubjectMismatch for anyone else. It is not sent to the provider
	// (identity numbers do not belong in URLs).
	Subject identity.Subject
	// ForceLogin sends prompt=login: no single sign-on session is reused.
	ForceLogin bool
	// Lang is sent as ui_locales ("sv", "en").
	Lang string
}

// Begin starts a login: it returns the provider's authorization URL to
// redirect the browser to, and the FlowState to keep in the server-side
// session until the callback. Errors wrap ErrConfig.
func (rp *RelyingParty) Begin(ctx context.Context, opts *BeginOptions) (string, *FlowState, error) {
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	var b BeginOptions
	if opts != nil {
		b = *opts
	}
	if b.MinAssurance != "" && !b.MinAssurance.Known() {
		return "", nil, fmt.Errorf("%w: %w", ErrConfig, identity.ErrUnknownAssurance)
	}
	if !b.Subject.IsZero() {
		if err := b.Subject.Validate(); err != nil {
			return "", nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
	}
	flow := &FlowState{
		State:        randomToken(),
		Nonce:        randomToken(),
		CodeVerifier: oauth2.GenerateVerifier(),
		RedirectURL:  rp.cfg.RedirectURL,
		CreatedAt:    rp.now(),
		MinAssurance: b.MinAssurance,
		Subject:      b.Subject,
	}
	params := []oauth2.AuthCodeOption{
		gooidc.Nonce(flow.Nonce),
		oauth2.S256ChallengeOption(flow.CodeVerifier),
	}
	if acr := rp.acrValues(b.MinAssurance); len(acr) > 0 {
		params = append(params, oauth2.SetAuthURLParam("acr_values", strings.Join(acr, " ")))
	}
	if rp.maxAge > 0 {
		params = append(params, oauth2.SetAuthURLParam("max_age", strconv.FormatInt(int64(rp.maxAge/time.Second), 10)))
	}
	if b.ForceLogin {
		params = append(params, oauth2.SetAuthURLParam("prompt", "login"))
	}
	if b.Lang != "" {
		params = append(params, oauth2.SetAuthURLParam("ui_locales", b.Lang))
	}
	authURL := rp.oauth.AuthCodeURL(flow.State, params...)
	rp.log.DebugContext(ctx, "oidc: login started", slog.String(logKeyIssuer, rp.cfg.Issuer), slog.Any(logKeyFlow, flow))
	return authURL, flow, nil
}

// acrValues returns the acr_values to request for a minimum level.
func (rp *RelyingParty) acrValues(min identity.AssuranceLevel) []string {
	if min == "" {
		return rp.cfg.ACRValues
	}
	var out []string
	for _, a := range rp.cfg.ACRValues {
		if identity.AssuranceLevel(a).AtLeast(min) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		out = []string{string(min)}
	}
	return out
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error (Go 1.24+).
	return base64.RawURLEncoding.EncodeToString(b)
}
