package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/oidc/oidctest"
)

// BankID on the same device: no QR code, a link that starts the app with
// the order's autostart token.
func TestSameDeviceLogin(t *testing.T) {
	t.Parallel()
	tp := startPortal(t)
	c := tp.client(t)
	c.get("/login")
	c.post("/login/start", url.Values{"person": {pnrCarl}, "device": {"same"}})
	require.Equal(t, "/login/vanta", c.url)
	require.NotContains(t, c.body, `id="qr"`)
	require.Regexp(t, `href="bankid:///\?autostarttoken=[0-9a-f-]{36}&amp;redirect=null"`, c.body)
	resp, err := c.hc.Get(c.base + "/login/qr.svg")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode, "no QR code for the same device")

	c.post("/login/skanna", nil)
	c.post("/login/fortsatt", nil)
	require.Equal(t, "/mina-sidor", c.url)
	require.Contains(t, c.body, "Carl Exempelsson")
}

// The login page's script polls the status; a failed or cancelled flow is
// reported and the login starts over.
func TestLoginStatusAndCancel(t *testing.T) {
	t.Parallel()
	tp := startPortal(t)
	c := tp.client(t)
	c.get("/login")
	c.post("/login/start", url.Values{"person": {pnrCarl}, "device": {"other"}})
	c.get("/login/status")
	require.Equal(t, http.StatusOK, c.status)
	require.Contains(t, c.body, `"state":"pending"`)
	resp, err := c.hc.Get(c.base + "/login/qr.svg")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, "image/svg+xml", resp.Header.Get("Content-Type"))

	c.get("/login/vanta")
	c.post("/login/avbryt", nil)
	require.Equal(t, "/login", c.url)
	c.get("/login/status")
	require.Equal(t, http.StatusNotFound, c.status)

	// Without a session there is nothing to poll.
	resp, err = http.Get(c.base + "/login/status")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

// With -oidc-issuer the portal logs in through an OpenID Connect provider
// (an identity broker) instead of BankID.
func TestOIDCLogin(t *testing.T) {
	t.Parallel()
	idp, err := oidctest.New(nil)
	require.NoError(t, err)
	t.Cleanup(idp.Close)
	idp.SetUser(oidctest.User{
		Subject: "u-42", ACR: string(identity.LoA3),
		Claims: map[string]any{
			"https://id.oidc.se/claim/personalIdentityNumber": pnrCarl,
			"given_name": "Carl", "family_name": "Exempelsson", "name": "Carl Exempelsson",
		},
	})
	tp := startPortalWith(t, func(c *config) {
		c.OIDCIssuer = idp.Issuer()
		c.OIDCClientID = "portal"
		c.OIDCSecret = "portal-secret"
		require.NoError(t, idp.AddClient(oidctest.Client{ID: "portal", Secret: "portal-secret",
			RedirectURIs: []string{c.PublicURL + "/login/callback"}}))
	})
	c := tp.client(t)
	c.get("/login")
	require.NotContains(t, c.body, "Testperson", "no development login with a real provider")
	require.Contains(t, c.body, "Logga in med e-legitimation")
	require.NotContains(t, c.body, "Mobilt BankID")
	// The browser goes to the provider and back to /login/callback.
	c.post("/login/start", url.Values{"device": {"other"}})
	require.Equal(t, "/mina-sidor", c.url, c.body)
	require.Contains(t, c.body, "Carl Exempelsson")
	require.Equal(t, 1, idp.Counts().Token)

	// A callback that does not belong to the session's flow fails.
	c2 := tp.client(t)
	c2.get("/login")
	c2.get("/login/callback?code=x&state=y")
	require.Equal(t, "/login", c2.url)
	require.NotContains(t, strings.ToLower(c2.body), "exempelsson")
}

// Behind TLS (-secure, or -tls-cert) cookies are Secure with the __Host-
// prefix and browsers are told to keep to HTTPS.
func TestSecureCookies(t *testing.T) {
	t.Parallel()
	tp := startPortalWith(t, func(c *config) { c.Secure = true })
	resp, err := http.Get(tp.srv.URL + "/login?lang=en")
	require.NoError(t, err)
	resp.Body.Close()
	var session, lang string
	for _, sc := range resp.Header.Values("Set-Cookie") {
		switch {
		case strings.HasPrefix(sc, "__Host-etjanst="):
			session = sc
		case strings.HasPrefix(sc, "etjanst_lang="):
			lang = sc
		}
	}
	for _, sc := range []string{session, lang} {
		require.Contains(t, sc, "; Secure")
		require.Contains(t, sc, "; HttpOnly")
		require.Contains(t, sc, "SameSite=Lax")
		require.Contains(t, sc, "Path=/")
		require.NotContains(t, sc, "Domain=")
	}
	require.Contains(t, resp.Header.Get("Strict-Transport-Security"), "max-age=")
}
