// The portal's tests live in package main: they wire the portal with the
// same build function the command uses, with a test clock and a temporary
// data directory.
package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testClock is the clock of every component of a test portal: real time
// (so the BankID fake's QR codes and the login page's polling behave as in
// production) plus an offset tests advance to age logins and sessions.
type testClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

type testPortal struct {
	*portal
	srv   *httptest.Server
	clock *testClock
}

// startPortal builds a portal in a temporary directory on a test clock.
func startPortal(t testing.TB) *testPortal {
	t.Helper()
	return startPortalWith(t, nil)
}

// startPortalWith is startPortal with a configuration edited by edit,
// which sees the portal's URL in PublicURL.
func startPortalWith(t testing.TB, edit func(*config)) *testPortal {
	t.Helper()
	clock := &testClock{}
	srv := httptest.NewUnstartedServer(nil)
	cfg := config{
		DataDir: t.TempDir(), Organisation: "Testkommunen", BankID: "fake",
		SessionIdle: 3 * time.Hour, SessionMax: 12 * time.Hour, now: clock.Now,
		PublicURL: "http://" + srv.Listener.Addr().String(),
	}
	if edit != nil {
		edit(&cfg)
	}
	p, err := build(context.Background(), cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(p.Close)
	srv.Config.Handler = p.handler
	srv.Start()
	t.Cleanup(srv.Close)
	return &testPortal{portal: p, srv: srv, clock: clock}
}

// client is a browser without JavaScript: cookies, redirects, forms.
type client struct {
	t    testing.TB
	base string
	hc   *http.Client
	// last response
	status int
	body   string
	url    string
}

func (tp *testPortal) client(t testing.TB) *client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &client{t: t, base: tp.srv.URL, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

func (c *client) do(req *http.Request) *client {
	c.t.Helper()
	resp, err := c.hc.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	c.status, c.body, c.url = resp.StatusCode, string(b), resp.Request.URL.Path
	return c
}

func (c *client) get(path string) *client {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	require.NoError(c.t, err)
	return c.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
var revRE = regexp.MustCompile(`name="rev" value="(\d+)"`)

// token is the CSRF token of the last page.
func (c *client) token() string {
	c.t.Helper()
	m := csrfRE.FindStringSubmatch(c.body)
	require.NotNil(c.t, m, "no CSRF token on %s", c.url)
	return m[1]
}

// post sends a form from the last page (with its CSRF token).
func (c *client) post(path string, v url.Values) *client {
	c.t.Helper()
	if v == nil {
		v = url.Values{}
	}
	if !v.Has("csrf") {
		v.Set("csrf", c.token())
	}
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(v.Encode()))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// postFiles sends a multipart form with files (field name → file name →
// content).
func (c *client) postFiles(path string, v url.Values, files map[string]map[string][]byte) *client {
	c.t.Helper()
	if !v.Has("csrf") {
		v.Set("csrf", c.token())
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range v {
		for _, x := range vs {
			require.NoError(c.t, mw.WriteField(k, x))
		}
	}
	for field, fs := range files {
		for name, data := range fs {
			fw, err := mw.CreateFormFile(field, name)
			require.NoError(c.t, err)
			_, err = fw.Write(data)
			require.NoError(c.t, err)
		}
	}
	require.NoError(c.t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, c.base+path, &buf)
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// login logs in through the BankID fake as pnr, simulating the scan.
func (c *client) login(pnr string) *client {
	c.t.Helper()
	c.get("/login")
	require.Equal(c.t, http.StatusOK, c.status)
	c.post("/login/start", url.Values{"person": {pnr}, "device": {"other"}})
	require.Equal(c.t, "/login/vanta", c.url, c.body)
	c.post("/login/skanna", nil)
	require.Equal(c.t, "/login/vanta", c.url)
	c.post("/login/fortsatt", nil)
	require.NotEqual(c.t, "/login/vanta", c.url, "login did not complete")
	require.NotEqual(c.t, "/login", c.url, "login failed")
	return c
}

// rev is the draft revision on the last step page.
func (c *client) rev() string {
	c.t.Helper()
	m := revRE.FindStringSubmatch(c.body)
	require.NotNil(c.t, m, "no revision on %s", c.url)
	return m[1]
}

// step posts the answers of the step page at c.url with an action.
func (c *client) step(action string, v url.Values) *client {
	c.t.Helper()
	if v == nil {
		v = url.Values{}
	}
	v.Set("rev", c.rev())
	v.Set("action", action)
	return c.post(c.url, v)
}

// stepFiles is step with files.
func (c *client) stepFiles(action string, v url.Values, files map[string]map[string][]byte) *client {
	c.t.Helper()
	v.Set("rev", c.rev())
	v.Set("action", action)
	return c.postFiles(c.url, v, files)
}

// pdfFile is a small document that sniffs as application/pdf.
var pdfFile = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// pngFile returns a small PNG image.
func pngFile(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		img.Set(i, i, color.Black)
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

// parkeringAnswers are the answers of each step of parkeringstillstand as
// a person who drives and applies for the first time.
func parkeringAnswers(pnr string, now time.Time) map[string]url.Values {
	return map[string]url.Values{
		"sokande": {
			"personnummer": {pnr}, "fornamn": {"Astrid"}, "efternamn": {"Testsson"},
			"utdelningsadress": {"Storgatan 1"}, "postnummer": {"753 20"}, "postort": {"Uppsala"},
			"epost": {"astrid@example.se"}, "telefon": {"070-123 45 67"},
		},
		"tillstand": {
			"sokerSom": {"forare"}, "korkort": {"true"}, "ansokningstyp": {"ny"},
			"giltigFran": {now.AddDate(0, 0, 20).Format("2006-01-02")}, "giltighetstid": {"1y"},
		},
		"halsa": {
			"funktionsnedsattning": {"Artros i båda knäna, kan gå mycket korta sträckor."},
			"varaktighet":          {"bestaende"}, "gangstracka": {"50"}, "hjalpmedel": {"rollator"},
		},
		"intyg":   {"vardgivare": {"Vårdcentralen Centrum"}},
		"granska": {"intygande": {"true"}},
	}
}

// formatPnr writes a personnummer as the form shows it: YYYYMMDD-NNNN.
func formatPnr(v string) string { return v[:8] + "-" + v[8:] }
