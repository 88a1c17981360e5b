package oidc

// Log attribute keys, kept in one place.
const (
	logKeyIssuer    = "issuer"
	logKeyFlow      = "flow"
	logKeyPrincipal = "principal"
	logKeyError     = "error"
)
