package oidc

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/etjanst/etjanst/identity"
)

// Provider returns the relying party as an identity.Provider, so that an
// application can drive OpenID Connect logins through the same interface
// as BankID:
//
//   - Start runs Begin; the Challenge carries the state (Ref), the nonce
//     and PKCE verifier (Secret) and the authorization URL (RedirectURL).
//     Keep the Challenge server side and redirect the browser to
//     RedirectURL. ReturnURL, when set, must be Config.RedirectURL;
//     signature requests fail with ErrSignNotSupported.
//   - Poll reports StatePending until the flow expires (then StateFailed
//     with hint "expired"): nothing happens at the provider until the
//     browser returns.
//   - Complete runs Complete with the callback parameters ("code",
//     "state", or "error"). Failures wrap identity.ErrFlowFailed as well as
//     this package's errors; a level below the challenge's MinAssurance
//     also wraps identity.ErrNotAuthorised; a malformed challenge wraps
//     identity.ErrFlowNotFound.
//   - Cancel has nothing to cancel at the provider: it checks the
//     challenge and returns nil; drop the challenge from the session.
//
// A Challenge, unlike a FlowState, cannot record that it was used;
// replayed callbacks are still refused, because the provider redeems each
// code once. Prefer deleting the challenge after Complete.
func (rp *RelyingParty) Provider() identity.Provider { return providerAdapter{rp: rp} }

type providerAdapter struct{ rp *RelyingParty }

var _ identity.Provider = providerAdapter{}

func (a providerAdapter) method() string {
	if a.rp.mapping.Method != "" {
		return a.rp.mapping.Method
	}
	return identity.MethodOIDC
}

// Start implements identity.Provider (see RelyingParty.Provider).
func (a providerAdapter) Start(ctx context.Context, req identity.StartRequest) (identity.Challenge, error) {
	if req.Sign != nil {
		return identity.Challenge{}, ErrSignNotSupported
	}
	if req.ReturnURL != "" && req.ReturnURL != a.rp.cfg.RedirectURL {
		return identity.Challenge{}, fmt.Errorf("%w: ReturnURL is not the registered redirect URL", ErrConfig)
	}
	authURL, flow, err := a.rp.Begin(ctx, &BeginOptions{MinAssurance: req.MinAssurance, Subject: req.Subject, Lang: req.Lang})
	if err != nil {
		return identity.Challenge{}, err
	}
	return identity.Challenge{
		Method:       a.method(),
		Ref:          flow.State,
		Secret:       flow.Nonce + "." + flow.CodeVerifier,
		RedirectURL:  authURL,
		Subject:      flow.Subject,
		MinAssurance: flow.MinAssurance,
		StartedAt:    flow.CreatedAt,
	}, nil
}

// flow rebuilds the FlowState of a challenge made by Start.
func (a providerAdapter) flow(ch identity.Challenge) (*FlowState, error) {
	nonce, verifier, ok := strings.Cut(ch.Secret, ".")
	if ch.Method != a.method() || ch.Ref == "" || !ok || nonce == "" || verifier == "" || ch.StartedAt.IsZero() {
		return nil, fmt.Errorf("%w: %w", identity.ErrFlowNotFound, ErrInvalidFlow)
	}
	return &FlowState{
		State:        ch.Ref,
		Nonce:        nonce,
		CodeVerifier: verifier,
		RedirectURL:  a.rp.cfg.RedirectURL,
		CreatedAt:    ch.StartedAt,
		MinAssurance: ch.MinAssurance,
		Subject:      ch.Subject,
	}, nil
}

// Poll implements identity.Provider (see RelyingParty.Provider).
func (a providerAdapter) Poll(ctx context.Context, ch identity.Challenge) (identity.Status, error) {
	if err := ctx.Err(); err != nil {
		return identity.Status{}, err
	}
	flow, err := a.flow(ch)
	if err != nil {
		return identity.Status{}, err
	}
	if a.rp.now().Sub(flow.CreatedAt) > a.rp.flowTTL {
		return identity.Status{State: identity.StateFailed, Hint: "expired", Message: identity.Text{
			SV: "Inloggningen tog för lång tid. Försök igen.",
			EN: "The login took too long. Please try again.",
		}}, nil
	}
	return identity.Status{State: identity.StatePending, Message: identity.Text{
		SV: "Logga in hos din e-legitimationstjänst i fönstret som öppnades.",
		EN: "Log in with your e-ID service in the window that opened.",
	}}, nil
}

// Complete implements identity.Provider (see RelyingParty.Provider).
func (a providerAdapter) Complete(ctx context.Context, ch identity.Challenge, cb identity.Callback) (identity.Result, error) {
	flow, err := a.flow(ch)
	if err != nil {
		return identity.Result{}, err
	}
	q := make(url.Values, len(cb))
	for k, v := range cb {
		q.Set(k, v)
	}
	p, ev, err := a.rp.Complete(ctx, flow, q)
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return identity.Result{}, err
		}
		return identity.Result{}, fmt.Errorf("%w: %w", identity.ErrFlowFailed, err)
	}
	return identity.Result{Principal: p, Evidence: ev}, nil
}

// Cancel implements identity.Provider (see RelyingParty.Provider).
func (a providerAdapter) Cancel(ctx context.Context, ch identity.Challenge) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := a.flow(ch)
	return err
}
