// Package identity models who is acting in an e-service: the Subject (a
// generic identifier, never assumed to be a personnummer), the
// authenticated Principal with its assurance level and method, and the
// Party it acts for (itself, a company or an association) together with the
// Mandate that allows it.
//
// The package is a leaf of the SDK: drafts, submissions and notifications
// take a Principal, and the e-ID adapters (identity/bankid, identity/oidc)
// produce one.
//
//	who := identity.Principal{
//		Subject:   identity.Subject{Scheme: identity.SchemePersonnummer, Value: "191212121212"},
//		Assurance: identity.LoA3,
//		Method:    identity.MethodBankID,
//		AuthTime:  time.Now(),
//	}
//	if err := who.Validate(); err != nil { ... }
//	logger.Info("login", "who", who) // logs se-pnr:19121212-****, never names
//
// # Personal data
//
// Subjects and Principals hold personal data. Their String, GoString and
// LogValue methods show masked identifiers only ("se-pnr:19121212-****")
// and never names; Subject.Key returns the full identifier for maps and
// storage and must not be logged. Errors from this package never contain
// identifiers or names.
//
// # Access control
//
// Access decisions take the Principal explicitly. HasRole scopes officer
// roles to e-services; RequireAssurance and RequireFresh check the level
// and age of the authentication; acting for an organisation needs a
// Mandate established by a Representation.
//
// # Errors
//
// Errors wrap the sentinels ErrInvalidSubject, ErrInvalidPrincipal,
// ErrUnknownAssurance, ErrNoMandate, ErrNotAuthorised and ErrStale; test
// them with errors.Is.
package identity
