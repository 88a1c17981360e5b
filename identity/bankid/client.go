package bankid

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Options configures a Client. The zero value of each field means its
// default; a nil *Options means all defaults.
type Options struct {
	// RequestTimeout bounds each HTTP attempt. Defaults to 10 seconds.
	RequestTimeout time.Duration
	// PollInterval is the cadence of Wait. Defaults to 2 seconds, as BankID
	// requires; lower it only against a fake.
	PollInterval time.Duration
	// MaxRetries is how often a request answered with 503/maintenance is
	// retried. Defaults to 3; a negative value disables retries.
	MaxRetries int
	// RetryBackoff is the wait before the first retry; it doubles with each
	// further retry, up to MaxRetryBackoff. Defaults to 1 second.
	RetryBackoff time.Duration
	// MaxRetryBackoff caps the wait between retries. Defaults to 8 seconds.
	MaxRetryBackoff time.Duration
	// MaxResponseBytes caps a response body. Defaults to 2 MiB (completion
	// data with its XML signature is typically 10-20 KB).
	MaxResponseBytes int64
	// Proxy selects an HTTP proxy. Defaults to http.ProxyFromEnvironment.
	Proxy func(*http.Request) (*url.URL, error)
	// Logger receives Debug records of requests (path, status, attempt,
	// duration; never references, tokens or personal data). Defaults to
	// slog.Default().
	Logger *slog.Logger
	// Now is the clock for order start times and QR codes. Defaults to
	// time.Now.
	Now func() time.Time
}

// Client is a BankID Relying Party API v6.0 client. It is safe for
// concurrent use; create one per RP certificate and reuse it.
type Client struct {
	base       string
	hc         *http.Client
	timeout    time.Duration
	poll       time.Duration
	retries    int
	backoff    time.Duration
	maxBackoff time.Duration
	maxBody    int64
	log        *slog.Logger
	now        func() time.Time
}

// New returns a client for cfg. It checks that the URL is https, that an RP
// certificate with a private key is present and that RootCAs is set: only
// the configured BankID CA is trusted, never the system roots. It performs
// no I/O. Errors wrap ErrConfig.
func New(cfg Config, opts *Options) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%w: URL must be an absolute https URL without query", ErrConfig)
	}
	if len(cfg.Certificate.Certificate) == 0 || cfg.Certificate.PrivateKey == nil {
		return nil, fmt.Errorf("%w: RP certificate and private key are required", ErrConfig)
	}
	if cfg.RootCAs == nil {
		return nil, fmt.Errorf("%w: RootCAs (the BankID CA) is required", ErrConfig)
	}
	if opts == nil {
		opts = &Options{}
	}
	c := &Client{
		base:       strings.TrimRight(cfg.URL, "/"),
		timeout:    orDuration(opts.RequestTimeout, 10*time.Second),
		poll:       orDuration(opts.PollInterval, 2*time.Second),
		retries:    opts.MaxRetries,
		backoff:    orDuration(opts.RetryBackoff, time.Second),
		maxBackoff: orDuration(opts.MaxRetryBackoff, 8*time.Second),
		maxBody:    opts.MaxResponseBytes,
		log:        opts.Logger,
		now:        opts.Now,
	}
	switch {
	case c.retries == 0:
		c.retries = 3
	case c.retries < 0:
		c.retries = 0
	}
	if c.maxBody <= 0 {
		c.maxBody = 2 << 20
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	if c.now == nil {
		c.now = time.Now
	}
	proxy := opts.Proxy
	if proxy == nil {
		proxy = http.ProxyFromEnvironment
	}
	cert := cfg.Certificate
	tr := &http.Transport{
		Proxy: proxy,
		TLSClientConfig: &tls.Config{
			MinVersion:   tls.VersionTLS12,
			RootCAs:      cfg.RootCAs,
			Certificates: []tls.Certificate{cert},
		},
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
	}
	c.hc = &http.Client{
		Transport: tr,
		// BankID never redirects; following one would leave the trusted host.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c, nil
}

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// URL returns the configured base URL.
func (c *Client) URL() string { return c.base }

// Close releases idle connections.
func (c *Client) Close() { c.hc.CloseIdleConnections() }

// Auth starts an authentication order (POST /auth). Errors: ErrInvalidRequest
// before sending; *Error (ErrAlreadyInProgress, ErrInvalidParameters,
// ErrUnauthorized, ErrMaintenance after retries, ...); ErrBadResponse; ctx
// and transport errors.
func (c *Client) Auth(ctx context.Context, req AuthRequest) (*Order, error) {
	w, err := req.wire(false)
	if err != nil {
		return nil, err
	}
	return c.start(ctx, "/auth", w, true)
}

// Sign starts a signature order (POST /sign); UserVisibleData is required.
// Errors as for Auth.
func (c *Client) Sign(ctx context.Context, req SignRequest) (*Order, error) {
	a := AuthRequest(req)
	w, err := a.wire(true)
	if err != nil {
		return nil, err
	}
	return c.start(ctx, "/sign", w, true)
}

// PhoneAuth starts an authentication over the phone (POST /phone/auth).
// The order has no QR code or autostart token. Errors as for Auth.
func (c *Client) PhoneAuth(ctx context.Context, req PhoneAuthRequest) (*Order, error) {
	w, err := req.wire(false)
	if err != nil {
		return nil, err
	}
	return c.start(ctx, "/phone/auth", w, false)
}

// PhoneSign starts a signature over the phone (POST /phone/sign);
// UserVisibleData is required. Errors as for Auth.
func (c *Client) PhoneSign(ctx context.Context, req PhoneSignRequest) (*Order, error) {
	p := PhoneAuthRequest(req)
	w, err := p.wire(true)
	if err != nil {
		return nil, err
	}
	return c.start(ctx, "/phone/sign", w, false)
}

func (c *Client) start(ctx context.Context, path string, w wireRequest, qr bool) (*Order, error) {
	var o Order
	if _, err := c.call(ctx, path, w, &o); err != nil {
		return nil, err
	}
	if o.OrderRef == "" || len(o.OrderRef) > maxRefLen {
		return nil, fmt.Errorf("%w: %s: missing or too long orderRef", ErrBadResponse, path)
	}
	if qr && (o.AutoStartToken == "" || o.QRStartToken == "" || o.QRStartSecret == "") {
		return nil, fmt.Errorf("%w: %s: missing autoStartToken or QR data", ErrBadResponse, path)
	}
	if len(o.AutoStartToken) > maxRefLen || len(o.QRStartToken) > maxRefLen || len(o.QRStartSecret) > maxRefLen {
		return nil, fmt.Errorf("%w: %s: token too long", ErrBadResponse, path)
	}
	o.StartedAt = c.now()
	return &o, nil
}

type orderRefBody struct {
	OrderRef string `json:"orderRef"`
}

// Collect fetches the state of an order (POST /collect). A failed order is
// a successful call: check resp.Status or resp.Err(). Errors:
// ErrInvalidParameters for unknown, expired or cancelled orders; other
// *Error values; ErrBadResponse (see ParseCollectResponse, or a different
// orderRef); ctx and transport errors.
func (c *Client) Collect(ctx context.Context, orderRef string) (*CollectResponse, error) {
	if orderRef == "" || len(orderRef) > maxRefLen {
		return nil, fmt.Errorf("%w: orderRef missing or too long", ErrInvalidRequest)
	}
	var raw json.RawMessage
	body, err := c.call(ctx, "/collect", orderRefBody{orderRef}, &raw)
	if err != nil {
		return nil, err
	}
	r, err := ParseCollectResponse(body)
	if err != nil {
		return nil, err
	}
	if r.OrderRef != orderRef {
		return nil, fmt.Errorf("%w: collect: response for another order", ErrBadResponse)
	}
	return r, nil
}

// Cancel cancels a pending order (POST /cancel). Errors:
// ErrInvalidParameters for unknown, finished or already cancelled orders;
// other *Error values; ctx and transport errors.
func (c *Client) Cancel(ctx context.Context, orderRef string) error {
	if orderRef == "" || len(orderRef) > maxRefLen {
		return fmt.Errorf("%w: orderRef missing or too long", ErrInvalidRequest)
	}
	var out struct{}
	_, err := c.call(ctx, "/cancel", orderRefBody{orderRef}, &out)
	return err
}

// Wait collects the order every PollInterval until it is complete or
// failed, calling onStatus (if not nil) with every response, including the
// last. It returns the final response; for a failed order also an
// *OrderFailedError. It returns ctx.Err() (wrapped) when ctx ends first;
// the order is not cancelled then: call Cancel if the user left.
func (c *Client) Wait(ctx context.Context, orderRef string, onStatus func(*CollectResponse)) (*CollectResponse, error) {
	t := time.NewTimer(0)
	defer t.Stop()
	<-t.C
	for {
		r, err := c.Collect(ctx, orderRef)
		if err != nil {
			return nil, err
		}
		if onStatus != nil {
			onStatus(r)
		}
		switch r.Status {
		case StatusComplete:
			return r, nil
		case StatusFailed:
			return r, r.Err()
		}
		t.Reset(c.poll)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("bankid: wait: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// call posts in as JSON to path, retrying maintenance with backoff, and
// decodes a 200 response into out. It returns the raw body.
func (c *Client) call(ctx context.Context, path string, in, out any) ([]byte, error) {
	payload, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("bankid: %s: encode request: %w", path, err)
	}
	for attempt := 0; ; attempt++ {
		body, err := c.once(ctx, path, payload, attempt)
		if err == nil {
			if err := json.Unmarshal(body, out); err != nil {
				return nil, fmt.Errorf("%w: %s: response is not the expected JSON", ErrBadResponse, path)
			}
			return body, nil
		}
		if !errors.Is(err, ErrMaintenance) || attempt >= c.retries {
			return nil, err
		}
		wait := c.backoff << attempt
		if wait > c.maxBackoff || wait <= 0 {
			wait = c.maxBackoff
		}
		c.log.DebugContext(ctx, "bankid retry", slog.String("path", path), slog.Int("attempt", attempt+1), slog.Duration("wait", wait))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("bankid: %s: %w (while retrying after: %w)", path, ctx.Err(), err)
		case <-t.C:
		}
	}
}

func (c *Client) once(ctx context.Context, path string, payload []byte, attempt int) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("bankid: %s: %w", path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("bankid: %s: %w", path, unwrapURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	c.log.DebugContext(ctx, "bankid request", slog.String("path", path), slog.Int("status", resp.StatusCode),
		slog.Int("attempt", attempt), slog.Duration("duration", time.Since(start)))
	if err != nil {
		return nil, fmt.Errorf("bankid: %s: read response: %w", path, unwrapURLError(err))
	}
	if int64(len(body)) > c.maxBody {
		return nil, fmt.Errorf("%w: %s: response larger than %d bytes", ErrBadResponse, path, c.maxBody)
	}
	if resp.StatusCode == http.StatusOK {
		return body, nil
	}
	return nil, decodeError(resp.StatusCode, body)
}

// unwrapURLError drops the *url.Error wrapper, whose message repeats the
// URL, keeping the cause (errors.Is still sees context errors).
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func decodeError(status int, body []byte) error {
	var b struct {
		ErrorCode string `json:"errorCode"`
		Details   string `json:"details"`
	}
	_ = json.Unmarshal(body, &b) // a non-JSON body falls back to the status
	e := &Error{Code: b.ErrorCode, Details: b.Details, HTTPStatus: status}
	if len(e.Code) > 64 {
		e.Code = e.Code[:64]
	}
	if len(e.Details) > 256 {
		e.Details = e.Details[:256]
	}
	if e.Code == "" {
		if code, ok := statusCodes[status]; ok {
			e.Code = code
		} else if status == http.StatusBadRequest {
			e.Code = CodeInvalidParameters
		}
	}
	return e
}
