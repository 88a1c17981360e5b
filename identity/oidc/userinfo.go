package oidc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"

	"golang.org/x/oauth2"
)

// registeredClaims are never taken from UserInfo: they describe the
// authentication, which only the verified ID token may assert.
var registeredClaims = []string{"iss", "sub", "aud", "exp", "iat", "nbf", "nonce", "auth_time", "acr", "amr", "azp", "at_hash", "c_hash", "sid", "jti"}

// fetchUserInfo calls the UserInfo endpoint (OpenID Connect Core 5.3) with
// the access token. A signed response (application/jwt) must verify with
// the provider's keys and, when it names them, carry our issuer and
// audience. The sub must equal the ID token's.
func (rp *RelyingParty) fetchUserInfo(ctx context.Context, tok *oauth2.Token, sub string) (Claims, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rp.userInfoEP, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrUserInfo, err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Accept", "application/json, application/jwt")
	resp, err := rp.client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrUserInfo, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: read response: %w", ErrUserInfo, err)
	}
	if resp.StatusCode != http.StatusOK {
		pe := &ProviderError{Endpoint: EndpointUserInfo, Status: resp.StatusCode}
		var oe struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(body, &oe) == nil {
			pe.Code, pe.Description = sanitizeCode(oe.Error), sanitizeDescription(oe.Description)
		}
		return nil, nil, pe
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil && mt == "application/jwt" {
		if len(body) > MaxIDTokenBytes {
			return nil, nil, fmt.Errorf("%w: signed response too large", ErrUserInfo)
		}
		payload, err := rp.keySet.VerifySignature(ctx, string(body))
		if err != nil {
			return nil, nil, fmt.Errorf("%w: signature verification failed", ErrUserInfo)
		}
		body = payload
	}
	claims, err := ParseClaims(body)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrUserInfo, err)
	}
	if iss, ok, _ := claims.String("iss"); ok && iss != rp.cfg.Issuer {
		return nil, nil, fmt.Errorf("%w: %w", ErrUserInfo, ErrIssuerMismatch)
	}
	if claims.Has("aud") {
		if aud, _, _ := claims.Strings("aud"); !slices.Contains(aud, rp.cfg.ClientID) {
			return nil, nil, fmt.Errorf("%w: %w", ErrUserInfo, ErrAudienceMismatch)
		}
	}
	if s, _, _ := claims.String("sub"); s != sub {
		return nil, nil, fmt.Errorf("%w: %w: userinfo is about another subject", ErrUserInfo, ErrSubjectMismatch)
	}
	return claims, body, nil
}

// mergeUserInfo adds UserInfo claims the ID token lacks, never the
// registered claims.
func mergeUserInfo(claims, ui Claims) {
	for name, v := range ui {
		if slices.Contains(registeredClaims, name) || claims.Has(name) {
			continue
		}
		claims[name] = v
	}
}
