// Package oidctest runs a real, local OpenID Connect provider for tests.
//
// A Provider listens on a loopback httptest server and speaks the parts of
// OpenID Connect that a relying party uses in the authorization code flow:
//
//   - discovery (/.well-known/openid-configuration),
//   - a JWKS endpoint with RSA (RS256) and EC (ES256) keys, and key
//     rotation (RotateKey, RetireKey),
//   - an authorization endpoint that authenticates a scripted user at once
//     (SetUser) and redirects back with a code, enforcing the registered
//     redirect URI, PKCE (S256 only), state and nonce,
//   - a token endpoint that checks client authentication
//     (client_secret_basic, client_secret_post or private_key_jwt), the
//     code (single use, short-lived), the redirect URI and the PKCE
//     verifier, and issues real signed ID tokens (go-jose),
//   - a UserInfo endpoint answering plain JSON or a signed JWT.
//
// Faults (SetFaults) make the next tokens bad in one specific way: a wrong
// nonce, audience or issuer, an expired token, an unknown key ID, the
// "none" algorithm, an HS256 token keyed with the public key, a tampered
// signature, or a missing auth_time. They let relying-party tests prove
// that each kind of bad token is rejected.
//
// Login plays the user's browser: it follows the authorization URL and
// returns the query of the redirect back to the relying party, which the
// test hands to the relying party's callback code.
//
//	p, err := oidctest.New(&oidctest.Options{Clients: []oidctest.Client{{
//		ID: "portal", Secret: "s3cret", RedirectURIs: []string{"https://portal.example/cb"},
//	}}})
//	if err != nil { ... }
//	defer p.Close()
//	p.SetUser(oidctest.User{Subject: "u1", ACR: "http://id.elegnamnden.se/loa/1.0/loa3",
//		Claims: map[string]any{"https://id.oidc.se/claim/personalIdentityNumber": "191212121212"}})
//	callback, err := p.Login(ctx, authURL)
//
// # What it does not do
//
// It is a test double, not an identity provider: there is no login page,
// no consent, no sessions or single sign-on, no refresh tokens, no
// dynamic client registration, no request objects, no encrypted tokens and
// no federation. Codes and keys live in memory. Errors are reported the
// OAuth 2.0 way (error and error_description) so that a relying party sees
// what it would see from a real provider. Use it only in tests and
// examples.
package oidctest
