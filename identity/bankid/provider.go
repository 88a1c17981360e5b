package bankid

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/etjanst/etjanst/identity"
)

// ProviderOptions configures a Provider. A nil *ProviderOptions means all
// defaults.
type ProviderOptions struct {
	// Assurance is the level given to BankID authentications. Defaults to
	// identity.LoA3 (BankID is certified at Swedish eID level 3).
	Assurance identity.AssuranceLevel
	// Requirement is added to every order (for example PinCode). The
	// personal number of StartRequest.Subject is set on a copy.
	Requirement *Requirement
	// Markdown sends sign texts as simpleMarkdownV1 unless the SignRequest
	// says otherwise. Defaults to false (plain text).
	Markdown bool
	// CancelTimeout bounds the best-effort cancel that Complete sends when
	// its context ends before the order. Defaults to 5 seconds.
	CancelTimeout time.Duration
}

// Provider adapts a Client to identity.Provider: Start creates an auth or
// sign order, Poll collects it once (with the current animated QR code and
// the recommended user message), Complete waits at the 2-second cadence,
// Cancel cancels. The Challenge carries all flow state, so any instance can
// continue a flow.
type Provider struct {
	c             *Client
	assurance     identity.AssuranceLevel
	req           *Requirement
	markdown      bool
	cancelTimeout time.Duration
}

var _ identity.Provider = (*Provider)(nil)

// NewProvider returns the identity.Provider for c. Errors wrap ErrConfig.
func NewProvider(c *Client, opts *ProviderOptions) (*Provider, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: nil client", ErrConfig)
	}
	if opts == nil {
		opts = &ProviderOptions{}
	}
	p := &Provider{
		c:             c,
		assurance:     opts.Assurance,
		req:           opts.Requirement,
		markdown:      opts.Markdown,
		cancelTimeout: orDuration(opts.CancelTimeout, 5*time.Second),
	}
	if p.assurance == "" {
		p.assurance = identity.LoA3
	}
	if !p.assurance.Known() {
		return nil, fmt.Errorf("%w: %w", ErrConfig, identity.ErrUnknownAssurance)
	}
	return p, nil
}

// Start creates an order: /sign when req.Sign is set, /auth otherwise.
// A se-pnr req.Subject restricts the order to that person. Errors:
// identity.ErrNotAuthorised when req.MinAssurance is above the provider's
// level; identity.ErrInvalidSubject for a subject that is not a
// personnummer; and the errors of Client.Auth and Client.Sign.
func (p *Provider) Start(ctx context.Context, req identity.StartRequest) (identity.Challenge, error) {
	if !p.assurance.AtLeast(req.MinAssurance) {
		return identity.Challenge{}, fmt.Errorf("bankid: start: %w: BankID gives %s", identity.ErrNotAuthorised, p.assurance.Short())
	}
	var rq *Requirement
	if p.req != nil {
		cp := *p.req
		rq = &cp
	}
	if !req.Subject.IsZero() {
		if req.Subject.Scheme != identity.SchemePersonnummer {
			return identity.Challenge{}, fmt.Errorf("bankid: start: %w: BankID needs a personnummer", identity.ErrInvalidSubject)
		}
		if err := req.Subject.Validate(); err != nil {
			return identity.Challenge{}, fmt.Errorf("bankid: start: %w", err)
		}
		if rq == nil {
			rq = &Requirement{}
		}
		rq.PersonalNumber = req.Subject.Value
	}
	ar := AuthRequest{EndUserIP: req.EndUserIP, Requirement: rq, ReturnURL: req.ReturnURL}
	var (
		o   *Order
		err error
	)
	if req.Sign != nil {
		ar.UserVisibleData = req.Sign.Text
		ar.UserNonVisibleData = req.Sign.Hidden
		if req.Sign.Markdown || p.markdown {
			ar.UserVisibleDataFormat = FormatSimpleMarkdownV1
		}
		o, err = p.c.Sign(ctx, SignRequest(ar))
	} else {
		o, err = p.c.Auth(ctx, ar)
	}
	if err != nil {
		return identity.Challenge{}, err
	}
	return identity.Challenge{
		Method:         identity.MethodBankID,
		Ref:            o.OrderRef,
		Secret:         o.QRStartSecret,
		QRStartToken:   o.QRStartToken,
		AutoStartToken: o.AutoStartToken,
		Subject:        req.Subject,
		Sign:           req.Sign != nil,
		MinAssurance:   req.MinAssurance,
		SameDevice:     req.SameDevice,
		StartedAt:      o.StartedAt,
	}, nil
}

func (p *Provider) check(ch identity.Challenge) error {
	if ch.Method != identity.MethodBankID || ch.Ref == "" {
		return fmt.Errorf("bankid: %w: not a BankID challenge", identity.ErrFlowNotFound)
	}
	return nil
}

func messageContext(ch identity.Challenge) MessageContext {
	return MessageContext{
		AutoStarted:    ch.SameDevice,
		QR:             !ch.SameDevice && ch.QRStartToken != "",
		Mobile:         true, // the device-neutral ("this device") variants
		PersonalNumber: !ch.Subject.IsZero(),
	}
}

// Poll collects the order once. A pending order reports the recommended
// message and, unless SameDevice, the current QR code; a failed order
// StateFailed with its message; a complete order the Result. Errors:
// identity.ErrFlowNotFound (with ErrInvalidParameters) for unknown,
// finished or cancelled orders; ErrBadResponse, also when the completion is
// for another person than ch.Subject; other client errors.
func (p *Provider) Poll(ctx context.Context, ch identity.Challenge) (identity.Status, error) {
	if err := p.check(ch); err != nil {
		return identity.Status{}, err
	}
	r, err := p.c.Collect(ctx, ch.Ref)
	if err != nil {
		return identity.Status{}, flowError(err)
	}
	return p.status(ch, r)
}

func flowError(err error) error {
	if errors.Is(err, ErrInvalidParameters) {
		return fmt.Errorf("%w: %w", identity.ErrFlowNotFound, err)
	}
	return err
}

func (p *Provider) status(ch identity.Challenge, r *CollectResponse) (identity.Status, error) {
	st := identity.Status{}
	if r.HintCode != "" {
		st.Hint = sanitizeCode(r.HintCode) // remote input: letters only
	}
	st.Message = r.Message(messageContext(ch)).Text()
	switch r.Status {
	case StatusPending:
		st.State = identity.StatePending
		if !ch.SameDevice && ch.QRStartToken != "" && ch.Secret != "" {
			st.QR = QRData(ch.QRStartToken, ch.Secret, QRSeconds(ch.StartedAt, p.c.now()))
		}
	case StatusFailed:
		st.State = identity.StateFailed
	case StatusComplete:
		res, err := p.result(ch, r)
		if err != nil {
			return identity.Status{}, err
		}
		st.State = identity.StateComplete
		st.Message = identity.Text{}
		st.Result = &res
	}
	return st, nil
}

// result turns completion data into a Principal and Evidence.
func (p *Provider) result(ch identity.Challenge, r *CollectResponse) (identity.Result, error) {
	cd := r.CompletionData
	subject, err := identity.ParseSubject(identity.SchemePersonnummer, cd.User.PersonalNumber)
	if err != nil {
		return identity.Result{}, fmt.Errorf("%w: completion: %w", ErrBadResponse, err)
	}
	if !ch.Subject.IsZero() && !ch.Subject.Equal(subject) {
		return identity.Result{}, fmt.Errorf("%w: completion for another person than requested", ErrBadResponse)
	}
	sig, err := base64.StdEncoding.DecodeString(cd.Signature)
	if err != nil {
		return identity.Result{}, fmt.Errorf("%w: completion: signature is not base64", ErrBadResponse)
	}
	ocsp, err := base64.StdEncoding.DecodeString(cd.OCSPResponse)
	if err != nil {
		return identity.Result{}, fmt.Errorf("%w: completion: ocspResponse is not base64", ErrBadResponse)
	}
	now := p.c.now()
	attrs := map[string]string{}
	if cd.Device.IPAddress != "" {
		attrs["device.ipAddress"] = cd.Device.IPAddress
	}
	if cd.Device.UHI != "" {
		attrs["device.uhi"] = cd.Device.UHI
	}
	if cd.BankIDIssueDate != "" {
		attrs["bankIdIssueDate"] = cd.BankIDIssueDate
	}
	if cd.StepUp != nil {
		attrs["stepUp.mrtd"] = strconv.FormatBool(cd.StepUp.MRTD)
	}
	if cd.Risk != "" {
		attrs["risk"] = cd.Risk
	}
	pr := identity.Principal{
		Subject:    subject,
		GivenName:  cd.User.GivenName,
		FamilyName: cd.User.Surname,
		Assurance:  p.assurance,
		Method:     identity.MethodBankID,
		AuthTime:   now,
		Party:      identity.Party{Kind: identity.PartySelf},
	}
	if err := pr.Validate(); err != nil {
		return identity.Result{}, fmt.Errorf("%w: completion: %w", ErrBadResponse, err)
	}
	ev := identity.Evidence{
		Method:       identity.MethodBankID,
		Provider:     p.c.base,
		Ref:          r.OrderRef,
		Sign:         ch.Sign,
		StartedAt:    ch.StartedAt,
		CompletedAt:  now,
		Signature:    sig,
		OCSPResponse: ocsp,
		Raw:          append([]byte(nil), r.Raw...),
		Attributes:   attrs,
	}
	return identity.Result{Principal: pr, Evidence: ev}, nil
}

// Complete waits for the order at the client's poll interval (2 seconds)
// until it completes or fails. A failed order returns an error matching
// identity.ErrFlowFailed and the hint's sentinel (ErrUserCancel, ...). If
// ctx ends first, the order is cancelled (best effort, bounded by
// CancelTimeout) and the ctx error returned. The callback is ignored.
func (p *Provider) Complete(ctx context.Context, ch identity.Challenge, _ identity.Callback) (identity.Result, error) {
	if err := p.check(ch); err != nil {
		return identity.Result{}, err
	}
	r, err := p.c.Wait(ctx, ch.Ref, nil)
	if err != nil {
		if ctx.Err() != nil {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.cancelTimeout)
			_ = p.c.Cancel(cctx, ch.Ref) // best effort: the order may have ended meanwhile
			cancel()
		}
		return identity.Result{}, flowError(err)
	}
	st, err := p.status(ch, r)
	if err != nil {
		return identity.Result{}, err
	}
	if !st.Result.Principal.Assurance.AtLeast(ch.MinAssurance) {
		return identity.Result{}, fmt.Errorf("bankid: complete: %w: assurance too low", identity.ErrNotAuthorised)
	}
	return *st.Result, nil
}

// Cancel cancels the order. Errors: identity.ErrFlowNotFound (with
// ErrInvalidParameters) for unknown, finished or cancelled orders; other
// client errors.
func (p *Provider) Cancel(ctx context.Context, ch identity.Challenge) error {
	if err := p.check(ch); err != nil {
		return err
	}
	return flowError(p.c.Cancel(ctx, ch.Ref))
}
