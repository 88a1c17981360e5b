// Package sms is a notify.Sender for a generic HTTP SMS gateway: one JSON
// POST per text message, authenticated with a bearer token.
//
// The request body is
//
//	{"to": "+46701234567", "from": "Kommunen", "message": "...", "reference": "<delivery id>"}
//
// with the headers Authorization: Bearer <token>, Content-Type:
// application/json and Idempotency-Key: <delivery id>, so a gateway that
// honours the key never sends a retried notice twice. Gateways with another
// body shape are served through Options.Encode.
//
// # Errors
//
// A 2xx response is success. 4xx responses are permanent (the number or the
// request is refused; notify.ErrPermanent dead-letters the notice), except
// 408 and 429, which are retried like 5xx responses and network errors.
// Errors name the status code only, never the response body (gateways echo
// numbers and texts) nor the number.
package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/etjanst/etjanst/notify"
)

// Payload is what is sent for one text message.
type Payload struct {
	// To is the recipient's number in E.164 form.
	To string `json:"to"`
	// From is the sender name or number; omitted when empty.
	From string `json:"from,omitempty"`
	// Message is the text.
	Message string `json:"message"`
	// Reference is the delivery ID, stable across retries.
	Reference string `json:"reference"`
}

// Options configures a Sender. A nil *Options means defaults.
type Options struct {
	// Client sends the requests; a copy is used that follows no
	// redirects. Defaults to a client with http.DefaultTransport.
	Client *http.Client
	// Timeout bounds one request, response included. Defaults to 10
	// seconds. The ctx of Send bounds it too.
	Timeout time.Duration
	// From is the sender shown on the phone: up to 11 letters and digits,
	// or a number in E.164 form. Defaults to none (the gateway's own).
	From string
	// Encode builds the request body from the payload. Defaults to
	// json.Marshal of Payload.
	Encode func(Payload) ([]byte, error)
}

// Sender posts text messages to an HTTP gateway. It is safe for concurrent
// use.
type Sender struct {
	endpoint string
	token    string
	opts     Options
}

var _ notify.Sender = (*Sender)(nil)

// Limits.
const (
	defaultTimeout = 10 * time.Second
	// MaxMessageLen caps a text in characters (ten concatenated
	// segments).
	MaxMessageLen = 1530
	maxBodyDrain  = 4 << 10
)

// New returns a Sender posting to endpoint with token as bearer token.
// endpoint must be an https URL; plain http is accepted only for loopback
// hosts (a gateway proxy on the same machine, tests).
//
// Errors: a malformed or non-https endpoint, an empty token, a malformed
// From, a negative Timeout.
func New(endpoint, token string, opts *Options) (*Sender, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || u.User != nil {
		return nil, errors.New("sms: malformed endpoint")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, errors.New("sms: endpoint must use https")
		}
	default:
		return nil, errors.New("sms: endpoint must use https")
	}
	if token == "" || strings.ContainsAny(token, "\r\n ") {
		return nil, errors.New("sms: empty or malformed token")
	}
	s := &Sender{endpoint: u.String(), token: token}
	if opts != nil {
		s.opts = *opts
	}
	if s.opts.Timeout < 0 {
		return nil, errors.New("sms: negative Timeout")
	}
	if s.opts.Timeout == 0 {
		s.opts.Timeout = defaultTimeout
	}
	if s.opts.From != "" && !validFrom(s.opts.From) {
		return nil, errors.New("sms: From must be up to 11 letters and digits or an E.164 number")
	}
	// A copy of the caller's client (or a new one) that never follows a
	// redirect: the token is for the gateway only, and a 3xx is an error.
	var c http.Client
	if s.opts.Client != nil {
		c = *s.opts.Client
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	s.opts.Client = &c
	if s.opts.Encode == nil {
		s.opts.Encode = func(p Payload) ([]byte, error) { return json.Marshal(p) }
	}
	return s, nil
}

// StatusError is a non-2xx response of the gateway.
type StatusError struct {
	// Code is the HTTP status code.
	Code int
}

func (e *StatusError) Error() string { return fmt.Sprintf("sms: gateway status %d", e.Code) }

// Temporary reports whether the status is worth retrying: 408, 429 and 5xx.
func (e *StatusError) Temporary() bool {
	return e.Code == http.StatusRequestTimeout || e.Code == http.StatusTooManyRequests || e.Code >= 500
}

// Send posts d.Text to d.Address. It implements notify.Sender.
func (s *Sender) Send(ctx context.Context, d notify.Delivery) error {
	switch {
	case d.Channel != notify.ChannelSMS:
		return notify.Permanent(fmt.Errorf("sms: not an SMS delivery (%s)", d.Channel))
	case !isE164(d.Address):
		return notify.Permanent(errors.New("sms: number not in E.164 form"))
	case d.Text == "" || !utf8.ValidString(d.Text) || utf8.RuneCountInString(d.Text) > MaxMessageLen:
		return notify.Permanent(fmt.Errorf("sms: text empty, not UTF-8 or longer than %d characters", MaxMessageLen))
	case d.ID == "":
		return notify.Permanent(errors.New("sms: delivery without ID"))
	}
	body, err := s.opts.Encode(Payload{To: d.Address, From: s.opts.From, Message: d.Text, Reference: d.ID})
	if err != nil {
		return notify.Permanent(fmt.Errorf("sms: encode: %w", err))
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, bytes.NewReader(body))
	if err != nil {
		return notify.Permanent(fmt.Errorf("sms: request: %w", err))
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Idempotency-Key", d.ID)
	req.Header.Set("User-Agent", "etjanst-notify-sms")
	resp, err := s.opts.Client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("sms: post: %w", ctx.Err())
		}
		return fmt.Errorf("sms: post: %w", scrub(err))
	}
	defer resp.Body.Close()
	// Drain a little so the connection can be reused; never keep it.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBodyDrain))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	e := &StatusError{Code: resp.StatusCode}
	if e.Temporary() || resp.StatusCode < 400 {
		return e
	}
	return notify.Permanent(e)
}

// scrub drops the URL from a transport error (its query could hold a key)
// and keeps the cause.
func scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func isE164(s string) bool {
	if len(s) < 9 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func validFrom(s string) bool {
	if isE164(s) {
		return true
	}
	if len(s) > 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
