// Package bankidtest is a faithful fake of the BankID Relying Party API
// v6.0 for tests, development and demos: an HTTPS server with mutual TLS
// and its own generated CA, speaking the same JSON as BankID.
//
//	srv, err := bankidtest.NewServer(nil)
//	if err != nil { ... }
//	defer srv.Close()
//	client, err := srv.NewClient(nil)      // bankid.New(srv.ClientConfig(), nil)
//	order, err := client.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.1"})
//	ref, err := srv.Sign(order.QR(time.Now()), bankidtest.Persons()[0].PersonalNumber)
//	resp, err := client.Collect(ctx, order.OrderRef) // status "complete"
//
// For a portal that should log in without anyone scanning, set
// Options.AutoPerson: orders that name no person are taken by that person
// on the first collect and complete after a few collects.
//
// # What it does
//
//   - Mutual TLS: the server certificate and the RP client certificate are
//     issued by a fresh CA (CACertPEM, RPCertificate, ClientConfig). Client
//     certificates from another CA fail the handshake; an unregistered
//     certificate from the fake's CA gets 401 unauthorized.
//   - Enforces POST (405 methodNotAllowed), exactly
//     "Content-Type: application/json" (415 unsupportedMediaType), known
//     paths (404 notFound), and strict request bodies: unknown fields,
//     malformed base64, missing endUserIp or userVisibleData (sign), bad
//     personal numbers and the like give 400 invalidParameters.
//   - A state machine per order: pending with hint outstandingTransaction,
//     started, userSign (phone: userCallConfirm), then complete or failed
//     with userCancel, expiredTransaction (after Options.OrderTTL),
//     startFailed (not started within Options.StartTimeout),
//     certificateErr, cancelled, userDeclinedCall or any hint a test
//     chooses (Fail).
//   - A second order for a person with an order in progress is refused
//     with alreadyInProgress and the running order fails with hint
//     "cancelled", as BankID does. Collect of unknown or forgotten orders
//     and cancel of unknown, finished or already cancelled orders give
//     invalidParameters. Finished orders can be collected for
//     Options.FinishedRetention.
//   - The app helpers check what the app checks: Scan verifies the QR
//     code's HMAC-SHA256 with the order's qrStartSecret and its time
//     against the order's age; Open uses the autoStartToken.
//   - Scripts per personal number (SetScript) make orders progress on
//     each collect without a test driving them.
//   - An injectable clock (Options.Now) drives every timeout.
//   - Completion data uses Skatteverket test personnummer (Persons) with
//     invented names, the request's endUserIp, an issue date, stepUp when
//     MRTD was required, and risk when returnRisk was asked.
//   - Fault injection (InjectFault): error responses such as 503
//     maintenance, raw bodies, and stalled requests for timeout tests.
//
// # What it does not do
//
//   - The signature is NOT an XML signature: it is a base64-encoded
//     bankIdSignedData document with the visible and non-visible data and
//     a comment saying it is fake. Nothing in it can be verified.
//   - The OCSP response is NOT an OCSP response, only marker bytes.
//   - There is no real app, no certificate policies or card readers (the
//     requirement fields are validated, not enforced), no risk
//     assessment, no rate limiting and no persistence: state is lost on
//     Close.
//   - Timings are a model (OrderTTL, StartTimeout, FinishedRetention), not
//     BankID's exact production values.
//
// Never use this package in production code.
package bankidtest
