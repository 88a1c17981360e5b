package oidc

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/etjanst/etjanst/identity"
)

// Sentinel errors. Callers branch on them with errors.Is. Errors never
// contain tokens, codes, state, nonces, identity numbers or names.
var (
	// ErrConfig reports an invalid Config or Options given to New.
	ErrConfig = errors.New("oidc: invalid configuration")
	// ErrDiscovery reports that the provider's discovery document or keys
	// could not be fetched or are unusable.
	ErrDiscovery = errors.New("oidc: discovery failed")

	// ErrInvalidFlow reports a missing or malformed FlowState (or
	// identity.Challenge).
	ErrInvalidFlow = errors.New("oidc: invalid flow state")
	// ErrFlowExpired reports a flow older than Options.FlowTTL.
	ErrFlowExpired = errors.New("oidc: login flow expired")
	// ErrFlowUsed reports a FlowState that has already been completed (or
	// attempted): every flow is single use.
	ErrFlowUsed = errors.New("oidc: login flow already used")
	// ErrStateMismatch reports a callback whose state does not belong to
	// the flow (a forged, replayed or crossed callback).
	ErrStateMismatch = errors.New("oidc: state mismatch")
	// ErrMissingCode reports a callback with neither a code nor an error.
	ErrMissingCode = errors.New("oidc: callback without code")

	// ErrAuthorization reports an error response from the authorization
	// endpoint (the user cancelled, the provider refused); see ProviderError.
	ErrAuthorization = errors.New("oidc: authorization failed")
	// ErrTokenExchange reports that the token endpoint refused the code (an
	// invalid, expired or replayed code, a PKCE mismatch, failed client
	// authentication) or could not be reached; see ProviderError.
	ErrTokenExchange = errors.New("oidc: token exchange failed")
	// ErrUserInfo reports a failed UserInfo request.
	ErrUserInfo = errors.New("oidc: userinfo failed")

	// ErrInvalidToken reports an ID token that failed verification. The
	// more specific errors below all wrap it.
	ErrInvalidToken = errors.New("oidc: invalid ID token")
	// ErrMalformedToken: the ID token is missing, too large or not a JWS.
	ErrMalformedToken = fmt.Errorf("%w: malformed", ErrInvalidToken)
	// ErrAlgorithm: the token's algorithm is not on the allow-list (this
	// includes "none" and every HMAC algorithm).
	ErrAlgorithm = fmt.Errorf("%w: signing algorithm not allowed", ErrInvalidToken)
	// ErrSignature: no published key verifies the signature (an unknown key
	// ID, a tampered token).
	ErrSignature = fmt.Errorf("%w: signature verification failed", ErrInvalidToken)
	// ErrIssuerMismatch: the iss claim is not the configured issuer.
	ErrIssuerMismatch = fmt.Errorf("%w: wrong issuer", ErrInvalidToken)
	// ErrAudienceMismatch: the token was not issued to this client (aud or
	// azp).
	ErrAudienceMismatch = fmt.Errorf("%w: wrong audience", ErrInvalidToken)
	// ErrTokenExpired: exp has passed (or iat lies in the future).
	ErrTokenExpired = fmt.Errorf("%w: expired or not yet valid", ErrInvalidToken)
	// ErrNonceMismatch: the nonce claim is not the flow's nonce (a replayed
	// or injected token).
	ErrNonceMismatch = fmt.Errorf("%w: nonce mismatch", ErrInvalidToken)
	// ErrAuthTime: auth_time is missing although max_age was requested, or
	// the authentication is older than max_age.
	ErrAuthTime = fmt.Errorf("%w: auth_time missing or too old", ErrInvalidToken)
	// ErrAssurance: the acr is not one of the requested acr_values, or the
	// assurance level is below the flow's minimum. Errors for a level below
	// the minimum also wrap identity.ErrNotAuthorised.
	ErrAssurance = fmt.Errorf("%w: assurance level not acceptable", ErrInvalidToken)

	// ErrClaims reports claims that cannot be mapped to a Principal
	// (malformed values, an invalid identity number, conflicting claims).
	ErrClaims = errors.New("oidc: invalid claims")
	// ErrNoSubject reports claims without any identifier this package can
	// use (no personal identity number, no eIDAS identifier, not an
	// officer). It wraps ErrClaims.
	ErrNoSubject = fmt.Errorf("%w: no usable subject", ErrClaims)
	// ErrSubjectMismatch reports that the UserInfo response is about
	// another subject than the ID token, or that the authenticated person is
	// not the one the flow was started for.
	ErrSubjectMismatch = errors.New("oidc: subject mismatch")
	// ErrSignNotSupported reports a signature flow: this package
	// authenticates only (the OpenID Connect signature extension is not
	// implemented).
	ErrSignNotSupported = errors.New("oidc: signature flows not supported")
)

// Endpoints named in a ProviderError.
const (
	EndpointAuthorization = "authorization"
	EndpointToken         = "token"
	EndpointUserInfo      = "userinfo"
)

// ProviderError is an OAuth 2.0 error reported by the provider (RFC 6749
// sections 4.1.2.1 and 5.2). It unwraps to ErrAuthorization,
// ErrTokenExchange or ErrUserInfo by Endpoint.
type ProviderError struct {
	// Endpoint is EndpointAuthorization, EndpointToken or EndpointUserInfo.
	Endpoint string
	// Code is the OAuth error code ("access_denied", "invalid_grant", ...),
	// restricted to the characters RFC 6749 allows; empty when the provider
	// sent none.
	Code string
	// Description is the provider's error_description, for logs at the
	// application's discretion. It is not part of Error(), since its
	// content is not under our control.
	Description string
	// Status is the HTTP status of a back-channel response (0 for the
	// authorization endpoint).
	Status int
}

// Error returns the endpoint, the status and the error code.
func (e *ProviderError) Error() string {
	s := "oidc: " + e.Endpoint + " endpoint error"
	if e.Status != 0 {
		s += " (HTTP " + strconv.Itoa(e.Status) + ")"
	}
	if e.Code != "" {
		s += ": " + e.Code
	}
	return s
}

// Unwrap returns the sentinel of the endpoint.
func (e *ProviderError) Unwrap() error {
	switch e.Endpoint {
	case EndpointAuthorization:
		return ErrAuthorization
	case EndpointUserInfo:
		return ErrUserInfo
	default:
		return ErrTokenExchange
	}
}

// UserCancelled reports whether the error says the user cancelled or
// denied the login (error code access_denied from the authorization
// endpoint).
func (e *ProviderError) UserCancelled() bool {
	return e.Endpoint == EndpointAuthorization && e.Code == "access_denied"
}

// sanitizeCode keeps an OAuth error code only when it consists of the
// characters RFC 6749 allows (%x20-21 / %x23-5B / %x5D-7E) and is short;
// anything else is replaced, so no provider-controlled text reaches error
// strings unchecked.
func sanitizeCode(s string) string {
	if len(s) > 64 {
		return "invalid_error_code"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == ' ' {
			return "invalid_error_code"
		}
	}
	return s
}

// sanitizeDescription caps a provider's error_description.
func sanitizeDescription(s string) string {
	const max = 512
	if len(s) > max {
		s = s[:max]
	}
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			r = ' '
		}
		out = append(out, r)
	}
	return string(out)
}

// Message returns the text to show the user for an error returned by
// Complete, in Swedish and English. It never reveals technical detail.
func Message(err error) identity.Text {
	var pe *ProviderError
	switch {
	case err == nil:
		return identity.Text{}
	case errors.As(err, &pe) && pe.UserCancelled():
		return identity.Text{
			SV: "Inloggningen avbröts.",
			EN: "The login was cancelled.",
		}
	case errors.Is(err, ErrFlowExpired), errors.Is(err, ErrFlowUsed), errors.Is(err, ErrStateMismatch),
		errors.Is(err, ErrInvalidFlow):
		return identity.Text{
			SV: "Inloggningen har gått ut eller redan använts. Börja om och logga in igen.",
			EN: "The login has expired or was already used. Please start again and log in.",
		}
	case errors.Is(err, ErrAssurance):
		return identity.Text{
			SV: "E-legitimationen du använde räcker inte för den här tjänsten. Logga in med en annan e-legitimation.",
			EN: "The e-ID you used is not sufficient for this service. Please log in with another e-ID.",
		}
	case errors.Is(err, ErrNoSubject):
		return identity.Text{
			SV: "Vi kunde inte identifiera dig med den e-legitimation du använde.",
			EN: "We could not identify you with the e-ID you used.",
		}
	default:
		return identity.Text{
			SV: "Inloggningen misslyckades. Försök igen om en stund.",
			EN: "The login failed. Please try again in a while.",
		}
	}
}
