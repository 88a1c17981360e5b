package oidctest

import (
	"crypto/subtle"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// maxFormBytes caps request bodies of the token and authorization
// endpoints.
const maxFormBytes = 64 << 10

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// oauthError writes an RFC 6749 section 5.2 error response.
func (p *Provider) oauthError(w http.ResponseWriter, status int, code, description string) {
	p.mu.Lock()
	p.lastError = code
	p.mu.Unlock()
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="oidctest"`)
	}
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

func (p *Provider) handleDiscovery(w http.ResponseWriter, _ *http.Request) {
	p.mu.Lock()
	p.counts.Discovery++
	algs := []string{}
	for _, k := range p.keys {
		if !slices.Contains(algs, string(k.alg)) {
			algs = append(algs, string(k.alg))
		}
	}
	p.mu.Unlock()
	// A real provider lists what it may use; keep both so that rotation to
	// the other key type keeps working without rediscovery.
	for _, a := range []string{RS256, ES256} {
		if !slices.Contains(algs, a) {
			algs = append(algs, a)
		}
	}
	iss := p.Issuer()
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                iss,
		"authorization_endpoint":                iss + "/authorize",
		"token_endpoint":                        iss + "/token",
		"userinfo_endpoint":                     iss + "/userinfo",
		"jwks_uri":                              iss + "/jwks",
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"grant_types_supported":                 []string{"authorization_code"},
		"subject_types_supported":               []string{"public", "pairwise"},
		"id_token_signing_alg_values_supported": algs,
		"userinfo_signing_alg_values_supported": algs,
		"scopes_supported": []string{
			"openid", "profile",
			"https://id.oidc.se/scope/naturalPersonNumber",
			"https://id.oidc.se/scope/naturalPersonInfo",
			"https://id.swedenconnect.se/scope/eidasNaturalPersonIdentity",
		},
		"token_endpoint_auth_methods_supported":            []string{"client_secret_basic", "client_secret_post", "private_key_jwt"},
		"token_endpoint_auth_signing_alg_values_supported": []string{RS256, ES256},
		"code_challenge_methods_supported":                 []string{"S256"},
		"acr_values_supported": []string{
			"http://id.elegnamnden.se/loa/1.0/loa2",
			"http://id.elegnamnden.se/loa/1.0/loa3",
			"http://id.elegnamnden.se/loa/1.0/loa4",
			"http://id.elegnamnden.se/loa/1.0/eidas-sub",
			"http://id.elegnamnden.se/loa/1.0/eidas-high",
		},
		"claims_parameter_supported":  false,
		"request_parameter_supported": false,
		"claims_supported": []string{
			"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "given_name", "family_name", "name",
			"https://id.oidc.se/claim/personalIdentityNumber", "https://id.oidc.se/claim/coordinationNumber",
		},
	})
}

func (p *Provider) handleJWKS(w http.ResponseWriter, _ *http.Request) {
	p.mu.Lock()
	p.counts.JWKS++
	set := jose.JSONWebKeySet{}
	for _, k := range p.keys {
		set.Keys = append(set.Keys, k.publicJWK())
	}
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, set)
}

// handleAuthorize authenticates the scripted user at once and redirects
// back with a code (OpenID Connect Core 3.1.2).
func (p *Provider) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	q := r.Form
	now := p.opts.Now()

	p.mu.Lock()
	p.counts.Authorize++
	p.lastAuth = &AuthRequest{Query: cloneValues(q), At: now}
	client, ok := p.clients[q.Get("client_id")]
	user := p.user
	faults := p.faults
	p.mu.Unlock()

	// Errors about the client or redirect URI are shown to the user, never
	// redirected (OpenID Connect Core 3.1.2.6, RFC 6749 4.1.2.1).
	if !ok {
		p.setLastError("invalid_client")
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	}
	redirectURI := q.Get("redirect_uri")
	if !slices.Contains(client.RedirectURIs, redirectURI) {
		p.setLastError("invalid_request")
		http.Error(w, "redirect_uri not registered", http.StatusBadRequest)
		return
	}
	state := q.Get("state")
	fail := func(code, description string) {
		p.setLastError(code)
		redirectBack(w, r, redirectURI, url.Values{"error": {code}, "error_description": {description}}, state)
	}
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "only the authorization code flow is supported")
		return
	case !slices.Contains(strings.Fields(q.Get("scope")), "openid"):
		fail("invalid_scope", "scope must contain openid")
		return
	case q.Get("nonce") == "":
		fail("invalid_request", "nonce is required")
		return
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	switch {
	case challenge == "" && !p.opts.OptionalPKCE:
		fail("invalid_request", "code_challenge is required")
		return
	case challenge != "" && method == "plain" && !p.opts.AllowPlainPKCE:
		fail("invalid_request", "code_challenge_method plain is not allowed")
		return
	case challenge != "" && method != "S256" && method != "plain":
		fail("invalid_request", "unsupported code_challenge_method")
		return
	}
	if faults.AuthError != "" {
		fail(faults.AuthError, "scripted failure")
		return
	}
	acr := user.ACR
	if requested := strings.Fields(q.Get("acr_values")); len(requested) > 0 {
		switch {
		case acr == "":
			acr = requested[0]
		case !slices.Contains(requested, acr) && !faults.IgnoreACRValues:
			fail("invalid_request", "the user cannot be authenticated at the requested acr_values")
			return
		}
	}
	if user.Subject == "" {
		user.Subject = "sub-" + randomString(12)
	}
	authTime := user.AuthTime
	if authTime.IsZero() {
		authTime = now
	}
	code := randomString(32)
	p.mu.Lock()
	p.codes[code] = &codeGrant{
		clientID:    client.ID,
		redirectURI: redirectURI,
		challenge:   challenge,
		method:      method,
		nonce:       q.Get("nonce"),
		acr:         acr,
		user:        user,
		authTime:    authTime,
		expires:     now.Add(p.opts.CodeTTL),
	}
	p.mu.Unlock()
	redirectBack(w, r, redirectURI, url.Values{"code": {code}}, state)
}

func (p *Provider) setLastError(code string) {
	p.mu.Lock()
	p.lastError = code
	p.mu.Unlock()
}

func redirectBack(w http.ResponseWriter, r *http.Request, redirectURI string, params url.Values, state string) {
	u, err := url.Parse(redirectURI)
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	if state != "" {
		q.Set("state", state)
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// handleToken exchanges a code for tokens (OpenID Connect Core 3.1.3).
func (p *Provider) handleToken(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.counts.Token++
	p.mu.Unlock()
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		p.oauthError(w, http.StatusBadRequest, "invalid_request", "form body required")
		return
	}
	if err := r.ParseForm(); err != nil {
		p.oauthError(w, http.StatusBadRequest, "invalid_request", "malformed form")
		return
	}
	form := r.PostForm
	now := p.opts.Now()

	client, ok := p.authenticateClient(r, form, now)
	if !ok {
		p.oauthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	if form.Get("grant_type") != "authorization_code" {
		p.oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "only authorization_code is supported")
		return
	}
	code := form.Get("code")
	p.mu.Lock()
	grant, found := p.codes[code]
	delete(p.codes, code) // single use, whatever happens next
	faults := p.faults
	p.mu.Unlock()
	switch {
	case !found:
		p.oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown, used or expired code")
		return
	case now.After(grant.expires):
		p.oauthError(w, http.StatusBadRequest, "invalid_grant", "code expired")
		return
	case grant.clientID != client.ID:
		p.oauthError(w, http.StatusBadRequest, "invalid_grant", "code issued to another client")
		return
	case form.Get("redirect_uri") != grant.redirectURI:
		p.oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri does not match")
		return
	}
	if grant.challenge != "" || form.Has("code_verifier") {
		if !verifyPKCE(grant.method, grant.challenge, form.Get("code_verifier")) {
			p.oauthError(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed")
			return
		}
	}

	accessToken := randomString(32)
	idToken, err := p.issueIDToken(grant, client.ID, accessToken, faults, now)
	if err != nil {
		p.oauthError(w, http.StatusInternalServerError, "server_error", "cannot sign token")
		return
	}
	p.mu.Lock()
	p.access[accessToken] = accessGrant{clientID: client.ID, user: grant.user, expires: now.Add(p.opts.TokenTTL)}
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": accessToken,
		"token_type":   "Bearer",
		"expires_in":   int(p.opts.TokenTTL / time.Second),
		"id_token":     idToken,
		"scope":        "openid",
	})
}

// authenticateClient checks exactly one client authentication method:
// client_secret_basic, client_secret_post or private_key_jwt.
func (p *Provider) authenticateClient(r *http.Request, form url.Values, now time.Time) (Client, bool) {
	id, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 2.3.1: the credentials are form-encoded before Basic.
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil || form.Has("client_secret") || form.Has("client_assertion") {
			return Client{}, false
		}
		return p.checkSecret(id, secret)
	}
	if form.Has("client_assertion") {
		if form.Has("client_secret") {
			return Client{}, false
		}
		return p.checkAssertion(form, now)
	}
	if form.Has("client_secret") {
		return p.checkSecret(form.Get("client_id"), form.Get("client_secret"))
	}
	return Client{}, false
}

func (p *Provider) checkSecret(id, secret string) (Client, bool) {
	p.mu.Lock()
	c, ok := p.clients[id]
	p.mu.Unlock()
	if !ok || c.Secret == "" || subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) != 1 {
		return Client{}, false
	}
	return c, true
}

// checkAssertion verifies a private_key_jwt client assertion (OpenID
// Connect Core 9, RFC 7523).
func (p *Provider) checkAssertion(form url.Values, now time.Time) (Client, bool) {
	if form.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		return Client{}, false
	}
	tok, err := jwt.ParseSigned(form.Get("client_assertion"), []jose.SignatureAlgorithm{jose.RS256, jose.ES256, jose.PS256})
	if err != nil {
		return Client{}, false
	}
	var unverified jwt.Claims
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil {
		return Client{}, false
	}
	p.mu.Lock()
	c, ok := p.clients[unverified.Issuer]
	p.mu.Unlock()
	if !ok || c.PublicKey == nil {
		return Client{}, false
	}
	if id := form.Get("client_id"); id != "" && id != c.ID {
		return Client{}, false
	}
	var claims jwt.Claims
	if err := tok.Claims(c.PublicKey, &claims); err != nil {
		return Client{}, false
	}
	if claims.Expiry == nil || claims.ID == "" {
		return Client{}, false
	}
	if err := claims.ValidateWithLeeway(jwt.Expected{
		Issuer:      c.ID,
		Subject:     c.ID,
		AnyAudience: jwt.Audience{p.TokenURL(), p.Issuer()},
		Time:        now,
	}, time.Minute); err != nil {
		return Client{}, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for jti, exp := range p.jtis {
		if now.After(exp.Add(time.Minute)) {
			delete(p.jtis, jti)
		}
	}
	if _, seen := p.jtis[c.ID+"\x00"+claims.ID]; seen {
		return Client{}, false
	}
	p.jtis[c.ID+"\x00"+claims.ID] = claims.Expiry.Time()
	return c, true
}

// issueIDToken builds and signs the ID token, applying faults.
func (p *Provider) issueIDToken(g *codeGrant, clientID, accessToken string, f Faults, now time.Time) (string, error) {
	claims := make(map[string]any, len(g.user.Claims)+12)
	maps.Copy(claims, g.user.Claims)
	iss := p.Issuer()
	if f.WrongIssuer {
		iss = "https://evil.example"
	}
	aud := clientID
	if f.WrongAudience {
		aud = "another-client"
	}
	nonce := g.nonce
	if f.WrongNonce {
		nonce = "not-" + nonce
	}
	iat, exp := now, now.Add(p.opts.TokenTTL)
	if f.Expired {
		iat, exp = now.Add(-p.opts.TokenTTL-time.Minute), now.Add(-time.Minute)
	}
	claims["iss"] = iss
	claims["sub"] = g.user.Subject
	claims["aud"] = aud
	claims["iat"] = iat.Unix()
	claims["exp"] = exp.Unix()
	claims["nonce"] = nonce
	claims["at_hash"] = atHash(accessToken)
	if !f.OmitAuthTime {
		claims["auth_time"] = g.authTime.Unix()
	} else {
		delete(claims, "auth_time")
	}
	if g.acr != "" {
		claims["acr"] = g.acr
	} else {
		delete(claims, "acr")
	}
	delete(claims, "azp")
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	return p.signPayload(payload, f)
}

// signPayload signs with the current key, applying the signature faults.
func (p *Provider) signPayload(payload []byte, f Faults) (string, error) {
	p.mu.Lock()
	key := p.keys[0]
	p.mu.Unlock()
	switch {
	case f.AlgNone:
		return signNone(payload), nil
	case f.AlgHS256:
		return signHS256WithPublicKey(key, payload)
	case f.UnknownKey:
		k, err := newSigningKey(string(key.alg))
		if err != nil {
			return "", err
		}
		k.kid = "unknown-" + randomString(6)
		return k.sign(payload, "JWT")
	}
	tok, err := key.sign(payload, "JWT")
	if err != nil {
		return "", err
	}
	if f.TamperedSignature {
		var m map[string]any
		if err := json.Unmarshal(payload, &m); err != nil {
			return "", err
		}
		m["sub"] = "attacker"
		m["tampered"] = true
		changed, err := json.Marshal(m)
		if err != nil {
			return "", err
		}
		tok = tamper(tok, changed)
	}
	return tok, nil
}

// handleUserInfo serves the UserInfo endpoint (OpenID Connect Core 5.3).
func (p *Provider) handleUserInfo(w http.ResponseWriter, r *http.Request) {
	now := p.opts.Now()
	p.mu.Lock()
	p.counts.UserInfo++
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	grant, found := p.access[token]
	faults := p.faults
	p.mu.Unlock()
	if !ok || !found || now.After(grant.expires) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		p.oauthError(w, http.StatusUnauthorized, "invalid_token", "unknown or expired access token")
		return
	}
	claims := make(map[string]any, len(grant.user.Claims)+len(grant.user.UserInfoOnly)+3)
	maps.Copy(claims, grant.user.Claims)
	maps.Copy(claims, grant.user.UserInfoOnly)
	claims["sub"] = grant.user.Subject
	if !faults.SignedUserInfo {
		writeJSON(w, http.StatusOK, claims)
		return
	}
	claims["iss"] = p.Issuer()
	claims["aud"] = grant.clientID
	payload, err := json.Marshal(claims)
	if err != nil {
		p.oauthError(w, http.StatusInternalServerError, "server_error", "cannot encode claims")
		return
	}
	p.mu.Lock()
	key := p.keys[0]
	p.mu.Unlock()
	tok, err := key.sign(payload, "JWT")
	if err != nil {
		p.oauthError(w, http.StatusInternalServerError, "server_error", "cannot sign claims")
		return
	}
	w.Header().Set("Content-Type", "application/jwt")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(tok))
}
