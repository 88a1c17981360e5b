package oidc

import (
	"errors"
	"io"
	"net/http"
)

// errResponseTooLarge is returned by reads past the response size cap.
var errResponseTooLarge = errors.New("oidc: response body too large")

// limitTransport caps every response body, so that a misbehaving provider
// (or anything impersonating it) cannot make the relying party buffer
// unbounded data: go-oidc reads discovery and JWKS bodies whole.
type limitTransport struct {
	base http.RoundTripper
	max  int64
}

// RoundTrip implements http.RoundTripper.
func (t limitTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.max}
	return resp, nil
}

// limitedBody fails, rather than truncating silently, when more than left
// bytes arrive.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

// Read implements io.Reader.
func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, errResponseTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return 0, errResponseTooLarge
	}
	return n, err
}

// Close implements io.Closer.
func (b *limitedBody) Close() error { return b.rc.Close() }

// limitedClient returns a copy of c whose transport caps response bodies.
func limitedClient(c *http.Client, max int64) *http.Client {
	cp := *c
	base := cp.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cp.Transport = limitTransport{base: base, max: max}
	return &cp
}
