// Package bankid is a client for the BankID Relying Party API v6.0: auth,
// sign, phone/auth, phone/sign, collect and cancel over mutual TLS, the
// animated QR code, BankID's recommended user messages (RFA1-RFA23) in
// Swedish and English, a polling helper, and an identity.Provider adapter
// that turns a completed order into an identity.Principal with its
// evidence (signature, OCSP response, raw completion data).
//
//	cert, err := bankid.LoadPKCS12(p12, password)     // the RP certificate
//	cas, err := bankid.ParseCAs(bankIDRootCAPEM)      // only BankID's CA is trusted
//	client, err := bankid.New(bankid.Config{URL: bankid.ProductionURL, Certificate: cert, RootCAs: cas}, nil)
//	order, err := client.Auth(ctx, bankid.AuthRequest{EndUserIP: ip})
//	// every second: render order.QR(time.Now()) as a QR code
//	resp, err := client.Wait(ctx, order.OrderRef, func(r *bankid.CollectResponse) {
//		show(r.Message(bankid.MessageContext{QR: true}).Text())
//	})
//
// The package bankidtest runs a faithful fake of the service for tests and
// development.
//
// # Transport
//
// Every request is a POST with "Content-Type: application/json" exactly.
// The TLS client presents the RP certificate and trusts only
// Config.RootCAs. Answers 503/maintenance are retried with exponential
// backoff (Options.MaxRetries); nothing else is retried, as BankID
// requires (internalError and requestTimeout must not be retried
// automatically). Each attempt is bounded by Options.RequestTimeout.
// Wait polls every 2 seconds (Options.PollInterval) and stops with the
// context.
//
// # Personal data
//
// Requests and completion data contain personal numbers and names;
// orderRef, autoStartToken and qrStartSecret let their holder act on an
// order. None of them appears in errors or log records of this package:
// logs carry paths, statuses, attempts and durations only, and the types
// holding such data implement slog.LogValuer with masked values. Keep
// Order, identity.Challenge and identity.Evidence on the server.
//
// # Errors
//
// Error responses are *Error values carrying the errorCode; they match
// ErrAlreadyInProgress, ErrInvalidParameters, ErrUnauthorized,
// ErrNotFound, ErrMethodNotAllowed, ErrRequestTimeout,
// ErrUnsupportedMediaType, ErrInternal or ErrMaintenance with errors.Is,
// and ErrUnknown for codes this package does not know. A failed order is
// an *OrderFailedError matching ErrOrderFailed, identity.ErrFlowFailed and
// its hint's sentinel (ErrUserCancel, ErrExpired, ErrCertificate,
// ErrCancelled, ErrStartFailed, ErrCallDeclined). Malformed responses give
// ErrBadResponse, requests refused before sending ErrInvalidRequest, bad
// configuration ErrConfig. ErrorMessage and HintMessage give the RFA to
// show the user.
package bankid
