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
// # Interactive e-ID flows
//
// A Provider runs one e-ID method: Start, Poll (state, the user message in
// Swedish and English, the current QR code), Complete (the Principal and
// the Evidence to keep on every case) and Cancel. identity/bankid adapts
// the BankID RP API; identity/oidc covers brokers that speak OpenID
// Connect; identitytest has a scriptable fake.
//
// # Representation
//
// A Principal acts for themselves until ActFor, asked through a
// Representation, sets a Party (company or association) with the Mandate
// that allows it. StaticRepresentation holds mandates in memory for
// development and tests. A municipality connects a real source by
// implementing the two methods of Representation, for example:
//
//   - signatories (firmatecknare) from Bolagsverket's company register,
//     giving Mandate{Source: MandateSignatory};
//   - powers of attorney (fullmakter) from Bolagsverket's fullmakt
//     service or the municipality's own register, giving
//     Mandate{Source: MandatePowerOfAttorneyPrefix + documentID} with the
//     permissions the document grants (e-service IDs, or PermissionAll);
//   - associations from the municipality's register of föreningar, or a
//     mandate an officer verified by hand (MandateManual).
//
// Set Mandate.CheckedAt to the time the source answered; cache answers
// for minutes at most, since mandates are revoked; return an error
// wrapping ErrNoMandate when there is none, and other errors (network,
// registry down) unwrapped so that callers can tell "no" from "cannot
// tell". The mandate ends up on every record submitted for the
// organisation, as evidence.
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
// ErrUnknownAssurance, ErrNoMandate, ErrNotAuthorised and ErrStale, and
// for flows ErrFlowFailed and ErrFlowNotFound; test them with errors.Is.
package identity
