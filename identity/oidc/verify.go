package oidc

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
)

// maxHeaderBytes caps the decoded JOSE header of an ID token.
const maxHeaderBytes = 8 << 10

// verifyIDToken verifies raw in a fixed order, so that each failure maps to
// one precise error:
//
//  1. shape, size and the header's alg against the allow-list;
//  2. the signature against the provider's published keys (refetched
//     once when the key ID is unknown, which covers key rotation);
//  3. go-oidc's checks of iss, aud, exp and nbf;
//  4. our checks of sub, iat, azp and the nonce.
//
// It returns the verified token and its claims.
func (rp *RelyingParty) verifyIDToken(ctx context.Context, raw, nonce string) (*gooidc.IDToken, Claims, []byte, error) {
	if raw == "" || len(raw) > MaxIDTokenBytes {
		return nil, nil, nil, fmt.Errorf("%w: missing or larger than %d bytes", ErrMalformedToken, MaxIDTokenBytes)
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, nil, nil, fmt.Errorf("%w: not a compact JWS", ErrMalformedToken)
	}
	if base64.RawURLEncoding.DecodedLen(len(parts[0])) > maxHeaderBytes {
		return nil, nil, nil, fmt.Errorf("%w: header too large", ErrMalformedToken)
	}
	hdrJSON, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%w: header is not base64url", ErrMalformedToken)
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(hdrJSON, &hdr); err != nil {
		return nil, nil, nil, fmt.Errorf("%w: header is not JSON", ErrMalformedToken)
	}
	if !slices.Contains(rp.algs, hdr.Alg) {
		return nil, nil, nil, ErrAlgorithm
	}

	payload, err := rp.keySet.VerifySignature(ctx, raw)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, nil, nil, fmt.Errorf("oidc: verify signature: %w", ctxErr)
		}
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			return nil, nil, nil, fmt.Errorf("%w: fetch keys: %w", ErrDiscovery, urlErr)
		}
		return nil, nil, nil, ErrSignature
	}
	claims, err := ParseClaims(payload)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%w: %w", ErrMalformedToken, err)
	}

	tok, err := rp.verifier.Verify(ctx, raw)
	if err != nil {
		var expired *gooidc.TokenExpiredError
		iss, _, _ := claims.String("iss")
		aud, _, _ := claims.Strings("aud")
		switch {
		case errors.As(err, &expired):
			return nil, nil, nil, ErrTokenExpired
		case iss != rp.cfg.Issuer:
			return nil, nil, nil, ErrIssuerMismatch
		case !slices.Contains(aud, rp.cfg.ClientID):
			return nil, nil, nil, ErrAudienceMismatch
		case ctx.Err() != nil:
			return nil, nil, nil, fmt.Errorf("oidc: verify ID token: %w", ctx.Err())
		default:
			// Only go-oidc's remaining checks (nbf, claim types) get here;
			// their messages hold times and type names, never values.
			return nil, nil, nil, fmt.Errorf("%w: %v", ErrInvalidToken, err)
		}
	}

	if tok.Subject == "" {
		return nil, nil, nil, fmt.Errorf("%w: no sub", ErrMalformedToken)
	}
	iat, ok, err := claims.Time("iat")
	if err != nil || !ok {
		return nil, nil, nil, fmt.Errorf("%w: missing or invalid iat", ErrMalformedToken)
	}
	if iat.After(rp.now().Add(rp.skew)) {
		return nil, nil, nil, ErrTokenExpired
	}
	azp, hasAzp, err := claims.String("azp")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%w: %w", ErrMalformedToken, err)
	}
	if (len(tok.Audience) > 1 && !hasAzp) || (hasAzp && azp != rp.cfg.ClientID) {
		return nil, nil, nil, ErrAudienceMismatch
	}
	if subtle.ConstantTimeCompare([]byte(tok.Nonce), []byte(nonce)) != 1 {
		return nil, nil, nil, ErrNonceMismatch
	}
	return tok, claims, payload, nil
}
