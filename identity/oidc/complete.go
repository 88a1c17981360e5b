package oidc

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"time"

	"golang.org/x/oauth2"

	"github.com/etjanst/etjanst/identity"
)

// maxCodeBytes caps the authorization code taken from the callback.
const maxCodeBytes = 4096

// Complete finishes a login on the callback: it checks the flow (single
// use, not expired) and the state, turns a provider error into a
// ProviderError, exchanges the code with the PKCE verifier, verifies the
// ID token (algorithm allow-list, signature, issuer, audience, expiry,
// nonce, at_hash, auth_time against max_age, acr against the requested
// acr_values), optionally adds UserInfo claims, and maps the claims with
// MapClaims.
//
// It marks flow as used whatever the outcome; delete it from the session
// afterwards. The Evidence keeps the ID token as received (Signature) and
// its claims (Raw).
//
// Errors wrap ErrInvalidFlow, ErrFlowUsed, ErrFlowExpired,
// ErrStateMismatch, ErrMissingCode, ErrAuthorization, ErrTokenExchange
// (both as *ProviderError when the provider answered with an OAuth error),
// ErrInvalidToken (and its specific variants), ErrUserInfo,
// ErrSubjectMismatch, ErrClaims, ErrDiscovery or a context error. None
// contains a token, code, state, nonce, identity number or name; Message
// turns them into a text for the user.
func (rp *RelyingParty) Complete(ctx context.Context, flow *FlowState, callback url.Values) (identity.Principal, identity.Evidence, error) {
	p, ev, err := rp.complete(ctx, flow, callback)
	if err != nil {
		rp.log.DebugContext(ctx, "oidc: login failed", slog.String(logKeyIssuer, rp.cfg.Issuer), slog.String(logKeyError, err.Error()))
		return identity.Principal{}, identity.Evidence{}, err
	}
	rp.log.DebugContext(ctx, "oidc: login completed", slog.String(logKeyIssuer, rp.cfg.Issuer), slog.Any(logKeyPrincipal, p))
	return p, ev, nil
}

func (rp *RelyingParty) complete(ctx context.Context, flow *FlowState, callback url.Values) (identity.Principal, identity.Evidence, error) {
	var none identity.Principal
	if flow == nil || flow.State == "" || flow.Nonce == "" || flow.CodeVerifier == "" {
		return none, identity.Evidence{}, ErrInvalidFlow
	}
	if flow.RedirectURL != rp.cfg.RedirectURL {
		return none, identity.Evidence{}, fmt.Errorf("%w: redirect URL is not the configured one", ErrInvalidFlow)
	}
	if flow.Used {
		return none, identity.Evidence{}, ErrFlowUsed
	}
	flow.Used = true
	now := rp.now()
	if age := now.Sub(flow.CreatedAt); age > rp.flowTTL || age < -rp.skew {
		return none, identity.Evidence{}, ErrFlowExpired
	}
	if err := ctx.Err(); err != nil {
		return none, identity.Evidence{}, err
	}

	// The state is checked before anything else in the callback, error
	// responses included: only the provider we sent the user to may end
	// this flow.
	states := callback["state"]
	if len(states) != 1 || subtle.ConstantTimeCompare([]byte(states[0]), []byte(flow.State)) != 1 {
		return none, identity.Evidence{}, ErrStateMismatch
	}
	// RFC 9207: a provider that identifies itself must be ours (mix-up).
	if iss, ok := callback["iss"]; ok && (len(iss) != 1 || iss[0] != rp.cfg.Issuer) {
		return none, identity.Evidence{}, ErrIssuerMismatch
	}
	if code := callback.Get("error"); code != "" {
		return none, identity.Evidence{}, &ProviderError{
			Endpoint:    EndpointAuthorization,
			Code:        sanitizeCode(code),
			Description: sanitizeDescription(callback.Get("error_description")),
		}
	}
	codes := callback["code"]
	if len(codes) != 1 || codes[0] == "" || len(codes[0]) > maxCodeBytes {
		return none, identity.Evidence{}, ErrMissingCode
	}

	tok, err := rp.exchange(ctx, codes[0], flow.CodeVerifier)
	if err != nil {
		return none, identity.Evidence{}, err
	}
	rawID, _ := tok.Extra("id_token").(string)
	idt, claims, payload, err := rp.verifyIDToken(ctx, rawID, flow.Nonce)
	if err != nil {
		return none, identity.Evidence{}, err
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return none, identity.Evidence{}, fmt.Errorf("%w: at_hash does not match the access token", ErrInvalidToken)
		}
	}
	if err := rp.checkAuthTime(claims, now); err != nil {
		return none, identity.Evidence{}, err
	}
	acr, _, err := claims.String("acr")
	if err != nil {
		return none, identity.Evidence{}, fmt.Errorf("%w: %w", ErrMalformedToken, err)
	}
	if requested := rp.acrValues(flow.MinAssurance); len(requested) > 0 && !slices.Contains(requested, acr) {
		err := fmt.Errorf("%w: acr is not one of the requested acr_values", ErrAssurance)
		if level, _ := identity.ParseAssuranceLevel(acr); flow.MinAssurance != "" && !level.AtLeast(flow.MinAssurance) {
			err = fmt.Errorf("%w: %w", err, identity.ErrNotAuthorised)
		}
		return none, identity.Evidence{}, err
	}

	var userInfoJSON []byte
	if rp.userInfo {
		ui, raw, err := rp.fetchUserInfo(ctx, tok, idt.Subject)
		if err != nil {
			return none, identity.Evidence{}, err
		}
		userInfoJSON = raw
		mergeUserInfo(claims, ui)
	}

	p, err := MapClaims(claims, &rp.mapping)
	if err != nil {
		return none, identity.Evidence{}, err
	}
	if flow.MinAssurance != "" && !p.Assurance.AtLeast(flow.MinAssurance) {
		return none, identity.Evidence{}, fmt.Errorf("%w: %w", ErrAssurance, identity.ErrNotAuthorised)
	}
	if !flow.Subject.IsZero() && !p.Subject.Equal(flow.Subject) {
		return none, identity.Evidence{}, fmt.Errorf("%w: not the person the login was started for", ErrSubjectMismatch)
	}
	return p, rp.evidence(flow, claims, rawID, payload, userInfoJSON, acr, now), nil
}

// exchange redeems the code at the token endpoint.
func (rp *RelyingParty) exchange(ctx context.Context, code, verifier string) (*oauth2.Token, error) {
	opts := []oauth2.AuthCodeOption{oauth2.VerifierOption(verifier)}
	if rp.cfg.ClientAuth == PrivateKeyJWT {
		assertion, err := rp.clientAssertion()
		if err != nil {
			return nil, err
		}
		opts = append(opts,
			oauth2.SetAuthURLParam("client_assertion_type", clientAssertionType),
			oauth2.SetAuthURLParam("client_assertion", assertion))
	}
	tok, err := rp.oauth.Exchange(context.WithValue(ctx, oauth2.HTTPClient, rp.client), code, opts...)
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			pe := &ProviderError{Endpoint: EndpointToken, Code: sanitizeCode(re.ErrorCode), Description: sanitizeDescription(re.ErrorDescription)}
			if re.Response != nil {
				pe.Status = re.Response.StatusCode
			}
			return nil, pe
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("%w: %w", ErrTokenExchange, ctxErr)
		}
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			return nil, fmt.Errorf("%w: %w", ErrTokenExchange, urlErr)
		}
		// oauth2's other errors describe the response shape, not its content.
		return nil, fmt.Errorf("%w: %v", ErrTokenExchange, err)
	}
	return tok, nil
}

// checkAuthTime enforces max_age (OpenID Connect Core 3.1.3.7, item 13)
// and rejects an auth_time in the future.
func (rp *RelyingParty) checkAuthTime(claims Claims, now time.Time) error {
	at, ok, err := claims.Time("auth_time")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrAuthTime, err)
	}
	if !ok {
		if rp.maxAge > 0 {
			return fmt.Errorf("%w: max_age requested but auth_time missing", ErrAuthTime)
		}
		return nil
	}
	if at.After(now.Add(rp.skew)) {
		return fmt.Errorf("%w: auth_time in the future", ErrAuthTime)
	}
	if rp.maxAge > 0 && now.Sub(at) > rp.maxAge+rp.skew {
		return fmt.Errorf("%w: authentication older than max_age", ErrAuthTime)
	}
	return nil
}

// evidence builds the record of the authentication.
func (rp *RelyingParty) evidence(flow *FlowState, claims Claims, rawID string, payload, userInfo []byte, acr string, now time.Time) identity.Evidence {
	ev := identity.Evidence{
		Method:      rp.mapping.Method,
		Provider:    rp.cfg.Issuer,
		StartedAt:   flow.CreatedAt,
		CompletedAt: now,
		Signature:   []byte(rawID),
		Raw:         slices.Clone(payload),
		Attributes:  map[string]string{},
	}
	if ev.Method == "" {
		ev.Method = identity.MethodOIDC
	}
	for _, ref := range []string{ClaimTransactionID, "sid", "jti"} {
		if v, ok, _ := claims.String(ref); ok && v != "" {
			ev.Ref = v
			break
		}
	}
	if acr != "" {
		ev.Attributes["acr"] = acr
	}
	for attr, claim := range map[string]string{
		"sub":                       "sub",
		"authn_provider":            ClaimAuthnProvider,
		"authn_evidence":            ClaimAuthnEvidence,
		"user_signature":            ClaimUserSignature,
		"prid_persistence":          ClaimPRIDPersistence,
		"eidas_person_identifier":   ClaimEIDASPersonIdentifier,
		"eidas_country":             ClaimEIDASCountry,
		"coordination_number_level": ClaimCoordinationNumberLevel,
	} {
		if v, ok, _ := claims.String(claim); ok && v != "" {
			ev.Attributes[attr] = v
		}
	}
	if len(userInfo) > 0 {
		ev.Attributes["userinfo"] = string(userInfo)
	}
	return ev
}
