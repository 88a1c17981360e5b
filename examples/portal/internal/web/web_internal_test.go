package web

import (
	"encoding/xml"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestSessionTimeoutsAndRotation(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	st := newSessions(clk.now, 30*time.Minute, 8*time.Hour, 3)

	s, id, err := st.create()
	require.NoError(t, err)
	require.Len(t, id, 43, "256 bits, base64url")
	require.NotContains(t, st.m, id, "the store keys by hash, not by the cookie value")
	require.Same(t, s, st.get(id))

	// Idle timeout: activity keeps it alive, silence ends it.
	clk.add(29 * time.Minute)
	require.NotNil(t, st.get(id))
	clk.add(29 * time.Minute)
	require.NotNil(t, st.get(id))
	clk.add(31 * time.Minute)
	require.Nil(t, st.get(id))

	// Absolute timeout, whatever the activity.
	_, id, err = st.create()
	require.NoError(t, err)
	for range 16 {
		clk.add(29 * time.Minute)
		require.NotNil(t, st.get(id))
	}
	clk.add(29 * time.Minute) // 8 h 13 min after creation
	require.Nil(t, st.get(id))

	// Rotation: a new ID and token; the old ID is dead.
	s, id, err = st.create()
	require.NoError(t, err)
	tok := s.token()
	nid := st.rotate(s)
	require.NotEqual(t, id, nid)
	require.Nil(t, st.get(id))
	require.Same(t, s, st.get(nid))
	require.NotEqual(t, tok, s.token())
	require.True(t, s.checkToken(s.token()))
	require.False(t, s.checkToken(""))
	require.False(t, s.checkToken(tok))

	// The cap: expired sessions are swept to make room, live ones are not.
	st.destroy(s)
	require.Nil(t, st.get(nid))
	for range 3 {
		_, _, err = st.create()
		require.NoError(t, err)
	}
	_, _, err = st.create()
	require.ErrorIs(t, err, errTooManySessions)
	clk.add(time.Hour)
	_, _, err = st.create()
	require.NoError(t, err)
	require.Equal(t, 1, st.len())

	require.Nil(t, st.get(""))
	require.Nil(t, st.get(strings.Repeat("x", 1000)))
}

func TestLimiter(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	l := newLimiter(clk.now, 10, 2)
	for range 10 {
		require.True(t, l.allow("192.0.2.1"))
	}
	require.False(t, l.allow("192.0.2.1"))
	require.True(t, l.allow("192.0.2.2"), "other addresses have their own bucket")
	clk.add(6 * time.Second)
	require.True(t, l.allow("192.0.2.1"), "one token back after a tenth of a minute")
	require.False(t, l.allow("192.0.2.1"))
	for range 5 {
		require.True(t, l.allow("192.0.2.2"))
	}
	require.False(t, l.allow("192.0.2.3"), "the table is full of active addresses")
	clk.add(time.Minute)
	require.True(t, l.allow("192.0.2.3"), "full buckets are forgotten to make room")
}

func TestSafePath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/utkast/abc/steg/x":   "/utkast/abc/steg/x",
		"/mina-sidor?x=1":      "/mina-sidor",
		"//evil.example/":      "",
		"https://evil.example": "",
		"/\\evil.example":      "",
		"javascript:alert(1)":  "",
		"relative":             "",
		"":                     "",
	} {
		require.Equal(t, want, safePath(in), in)
	}
}

func TestHelpers(t *testing.T) {
	t.Parallel()
	require.Equal(t, "f-barn-1-namn", htmlID("barn[1].namn"))
	require.Equal(t, "foto.png", cleanFileName(`C:\Users\x\foto.png`))
	require.Equal(t, "intyg.pdf", cleanFileName("../../intyg.pdf"))
	require.Equal(t, "ab.pdf", cleanFileName("a\x00b.pdf"))
	require.Equal(t, "bilaga", cleanFileName(""))
	require.Len(t, []rune(cleanFileName(strings.Repeat("å", 500))), 120)
	require.Equal(t, `attachment; filename="l_karintyg _1_.pdf"; filename*=UTF-8''l%C3%A4karintyg%20%221%22.pdf`,
		contentDisposition(`läkarintyg "1".pdf`))
	require.Equal(t, "245 kB", humanSize(245_000))
	require.Equal(t, "1,2 MB", humanSize(1_200_000))
	require.True(t, validPhone("070-123 45 67"))
	require.True(t, validPhone("+46701234567"))
	require.False(t, validPhone("070<script>"))
	require.False(t, validPhone("12"))
}

func TestQRSVG(t *testing.T) {
	t.Parallel()
	data := "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"
	svg, err := qrSVG(data)
	require.NoError(t, err)
	var doc struct {
		XMLName xml.Name `xml:"svg"`
		ViewBox string   `xml:"viewBox,attr"`
		Path    struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	require.NoError(t, xml.Unmarshal(svg, &doc))
	require.Regexp(t, `^0 0 \d+ \d+$`, doc.ViewBox)
	require.NotEmpty(t, doc.Path.D)
	// Version 6 or above for a BankID code at level M: 41+ modules and the
	// quiet zone.
	var n int
	_, err = fmt.Sscanf(doc.ViewBox, "0 0 %d", &n)
	require.NoError(t, err)
	require.GreaterOrEqual(t, n, 41+8)
}

// TestTexts checks that every text key the templates use exists, in
// Swedish and English.
func TestTexts(t *testing.T) {
	t.Parallel()
	for k, v := range texts {
		require.NotEmpty(t, v.SV, k)
		require.NotEmpty(t, v.EN, k)
	}
	re := regexp.MustCompile(`\.Tf? "([a-zA-Z.]+)"`)
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			_, ok := texts[m[1]]
			require.True(t, ok, "%s uses the unknown text %q", path, m[1])
		}
		return nil
	})
	require.NoError(t, err)
	// And every key the Go code names.
	goRE := regexp.MustCompile(`(?:text\(|setFlash\(|flash = |Notice = |errorPage\(w, r, [^,]+, )"([a-zA-Z.]+)"`)
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range goRE.FindAllStringSubmatch(string(b), -1) {
			if strings.HasSuffix(m[1], ".") {
				continue // a prefix, checked below
			}
			_, ok := texts[m[1]]
			require.True(t, ok, "%s uses the unknown text %q", f, m[1])
		}
	}
	for _, prefix := range []string{"status.", "catalogue.for.", "party.kind.", "audience.", "message.from.", "message.kind."} {
		found := false
		for k := range texts {
			found = found || strings.HasPrefix(k, prefix)
		}
		require.True(t, found, prefix)
	}
	_, err = parseTemplates()
	require.NoError(t, err)
}
