// Package oidc is an OpenID Connect relying party that turns a login at an
// identity provider into an identity.Principal.
//
// Many municipalities reach BankID, Freja eID+ and Sweden Connect (eIDAS)
// through an identity broker speaking OpenID Connect, and officers log in
// through the municipality's own provider. This package implements the
// authorization code flow with PKCE (S256), state and nonce, verifies ID
// tokens with github.com/coreos/go-oidc/v3 and maps the claims of the
// Swedish OpenID Connect profile (oidc.se) and its Sweden Connect eIDAS
// extension to a Principal.
//
//	rp, err := oidc.New(ctx, oidc.Config{
//		Issuer:       "https://idp.example.se",
//		ClientID:     "e-tjanster",
//		ClientSecret: secret,
//		RedirectURL:  "https://e-tjanster.kommun.se/login/callback",
//		ACRValues:    []string{string(identity.LoA3)},
//	}, nil)
//
//	// GET /login
//	authURL, flow, err := rp.Begin(ctx, nil)
//	session.Put("oidc", flow) // server side only
//	http.Redirect(w, r, authURL, http.StatusFound)
//
//	// GET /login/callback
//	who, evidence, err := rp.Complete(ctx, flow, r.URL.Query())
//	session.Delete("oidc")
//
// RelyingParty.Provider adapts the relying party to identity.Provider.
// MapClaims is exported on its own, for custom flows and fuzzing.
// Package oidctest runs a real local provider for tests.
//
// # Verification
//
// Complete checks, in order: the flow (single use, younger than FlowTTL),
// the state (constant time, before even an error response is believed),
// the iss callback parameter when present (RFC 9207), the code exchange
// (PKCE verifier, client authentication by client_secret_basic,
// client_secret_post or private_key_jwt), then the ID token: size and
// shape, the algorithm against an allow-list that never contains "none"
// or HMAC, the signature against the provider's published keys (fetched
// again when a token names an unknown key, so key rotation works), issuer,
// audience and azp, expiry and iat with a clock-skew tolerance, the nonce,
// at_hash, auth_time against max_age, and acr against the requested
// acr_values. Back-channel responses are size-capped.
//
// # Claims
//
// MapClaims picks the subject from the personal identity number
// (https://id.oidc.se/claim/personalIdentityNumber or .../coordinationNumber,
// validated with package idnum), else the eIDAS provisional identifier
// (https://id.swedenconnect.se/claim/prid), else "sub" for an eIDAS
// assurance level, else an officer account for users with mapped roles.
// Roles come only from an explicit table (MappingOptions.Roles), scoped to
// e-services; unknown groups give nothing.
//
// # Access control
//
// The Principal a login yields carries the assurance level (acr), the
// authentication time and, for officers, roles scoped to e-services; the
// application decides with Principal.RequireAssurance, RequireFresh and
// HasRole. Set Config.ACRValues or BeginOptions.MinAssurance to have
// weaker logins refused here already.
//
// # Personal data
//
// FlowState, tokens, codes, state and nonces are secrets, and claims are
// personal data. Nothing of them appears in errors or logs: errors name
// the failed check and the claim, logs show masked subjects (via
// identity.Principal's LogValue) and the issuer. The Evidence returned by
// Complete holds the ID token and claims; store it with the case and never
// log it.
//
// # Errors
//
// Errors wrap the sentinels of this package: ErrConfig and ErrDiscovery
// from New; ErrInvalidFlow, ErrFlowUsed, ErrFlowExpired, ErrStateMismatch,
// ErrMissingCode, ErrAuthorization, ErrTokenExchange, ErrUserInfo,
// ErrInvalidToken (with ErrMalformedToken, ErrAlgorithm, ErrSignature,
// ErrIssuerMismatch, ErrAudienceMismatch, ErrTokenExpired,
// ErrNonceMismatch, ErrAuthTime, ErrAssurance), ErrSubjectMismatch and
// ErrClaims (with ErrNoSubject) from Complete. OAuth error responses are
// *ProviderError. Message maps any of them to a text for the user in
// Swedish and English.
package oidc
