package oidctest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// ErrNoRedirect is returned by Login when the authorization endpoint does
// not redirect back (an unknown client or an unregistered redirect URI).
var ErrNoRedirect = errors.New("oidctest: authorization endpoint did not redirect")

// Login plays the user's browser: it requests authURL (an authorization
// URL of this provider, as built by the relying party), lets the scripted
// user authenticate, and returns the query parameters of the redirect back
// to the relying party: "code" and "state" on success, "error",
// "error_description" and "state" on failure. It does not call the
// relying party.
func (p *Provider) Login(ctx context.Context, authURL string) (url.Values, error) {
	if !strings.HasPrefix(authURL, p.Issuer()+"/") {
		return nil, errors.New("oidctest: authorization URL of another provider")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return nil, fmt.Errorf("oidctest: login request: %w", err)
	}
	resp, err := p.Client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("oidctest: login: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxFormBytes))
	if resp.StatusCode != http.StatusFound {
		return nil, fmt.Errorf("%w: status %d", ErrNoRedirect, resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		return nil, fmt.Errorf("oidctest: bad redirect location: %w", err)
	}
	return loc.Query(), nil
}
