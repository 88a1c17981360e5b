package main

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity/bankid/bankidtest"
)

var (
	pnrAstrid = bankidtest.Persons()[0].PersonalNumber // may represent a company and an association
	pnrBertil = bankidtest.Persons()[1].PersonalNumber
	pnrCarl   = bankidtest.Persons()[2].PersonalNumber // represents no one
)

var draftURL = regexp.MustCompile(`^/utkast/([^/]+)/steg/([^/]+)$`)

// applyParking runs the whole parkeringstillstand application without
// JavaScript and returns the draft ID and the receipt page's case path.
func applyParking(t *testing.T, tp *testPortal, c *client, pnr string) (draftID, casePath string) {
	t.Helper()
	c.get("/e-tjanster")
	require.Contains(t, c.body, "Ansök om parkeringstillstånd")
	c.post("/e-tjanster/parkeringstillstand/starta", nil)
	m := draftURL.FindStringSubmatch(c.url)
	require.NotNil(t, m, "after start: %s", c.url)
	draftID = m[1]
	require.Equal(t, "sokande", m[2])
	require.Contains(t, c.body, `value="`+formatPnr(pnr)+`"`, "personnummer prefilled from the e-ID")

	answers := parkeringAnswers(pnr, tp.clock.Now())
	c.step("next", answers["sokande"])
	require.Equal(t, "/utkast/"+draftID+"/steg/tillstand", c.url, c.body)

	// Choosing "förare" reveals the driving licence question on the same
	// step: the step is shown again before going on.
	c.step("next", url.Values{"sokerSom": {"forare"}, "ansokningstyp": {"ny"},
		"giltigFran": answers["tillstand"]["giltigFran"], "giltighetstid": {"1y"}})
	require.Equal(t, "/utkast/"+draftID+"/steg/tillstand", c.url)
	require.Contains(t, c.body, "fler frågor")
	require.Contains(t, c.body, `name="korkort"`)
	c.step("next", answers["tillstand"])
	// "resor" is only for passengers: skipped.
	require.Equal(t, "/utkast/"+draftID+"/steg/halsa", c.url, c.body)
	c.step("next", answers["halsa"])
	require.Equal(t, "/utkast/"+draftID+"/steg/intyg", c.url)
	c.stepFiles("next", answers["intyg"], map[string]map[string][]byte{
		"file:lakarintyg": {"läkarintyg.pdf": pdfFile},
		"file:foto":       {"foto.png": pngFile(t)},
	})
	require.Equal(t, "/utkast/"+draftID+"/steg/granska", c.url, c.body)
	c.step("next", answers["granska"])
	require.Equal(t, "/utkast/"+draftID+"/granska", c.url)
	require.Contains(t, c.body, "Granska din ansökan")
	require.Contains(t, c.body, "läkarintyg.pdf")
	require.NotContains(t, c.body, "error-summary")

	c.post("/utkast/"+draftID+"/skicka", nil)
	require.Equal(t, http.StatusOK, c.status, c.body)
	require.True(t, strings.HasSuffix(c.url, "/kvitto"), c.url)
	require.Regexp(t, `ETJ \d{4}/\d{6}`, c.body)
	return draftID, strings.TrimSuffix(c.url, "/kvitto")
}

func TestApplicantFlowWithoutJavaScript(t *testing.T) {
	t.Parallel()
	tp := startPortal(t)
	c := tp.client(t).login(pnrCarl)
	require.Equal(t, "/mina-sidor", c.url, "a person without organisations goes straight to Mina sidor")
	draftID, casePath := applyParking(t, tp, c, pnrCarl)

	// The draft is gone, the case is on Mina sidor.
	c.get("/mina-sidor")
	require.NotContains(t, c.body, "/utkast/"+draftID)
	require.Contains(t, c.body, casePath)
	require.Contains(t, c.body, "Inskickat")

	// The kvittens is a PDF naming the reference.
	resp, err := c.hc.Get(c.base + casePath + "/kvittens.pdf")
	require.NoError(t, err)
	pdf, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
	require.Contains(t, resp.Header.Get("Content-Disposition"), "attachment")
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF-1.7")))
	require.Contains(t, string(pdf), "Diarienummer")
	require.NotContains(t, string(pdf), pnrCarl, "no personnummer on the receipt")
}

func TestErrorSummaryAndFieldErrors(t *testing.T) {
	t.Parallel()
	tp := startPortal(t)
	c := tp.client(t).login(pnrCarl)
	c.post("/e-tjanster/parkeringstillstand/starta", nil)
	// Malformed answers: nothing is saved, each problem is listed.
	c.step("next", url.Values{"personnummer": {"19121212-0000"}, "postnummer": {"12"}})
	require.Equal(t, http.StatusUnprocessableEntity, c.status)
	require.Contains(t, c.body, `<title>Fel: `)
	require.Contains(t, c.body, `id="error-summary"`)
	for _, id := range []string{"f-personnummer", "f-postnummer"} {
		require.Contains(t, c.body, `href="#`+id+`"`)
		require.Regexp(t, `id="`+id+`"[^>]*aria-describedby="[^"]*`+id+`-error"[^>]*aria-invalid="true"`, c.body)
		require.Contains(t, c.body, `id="`+id+`-error"`)
	}
	require.Contains(t, c.body, `value="19121212-0000"`, "what was typed is kept")

	// Well-formed but incomplete: "Nästa" lists the missing answers.
	c.step("next", url.Values{"personnummer": {pnrCarl}, "postnummer": {"75320"}})
	require.Equal(t, http.StatusUnprocessableEntity, c.status)
	for _, id := range []string{"f-fornamn", "f-utdelningsadress", "f-epost"} {
		require.Contains(t, c.body, `href="#`+id+`"`)
		require.Regexp(t, `id="`+id+`"[^>]*aria-describedby="[^"]*`+id+`-error"[^>]*aria-invalid="true"`, c.body)
	}
	require.NotContains(t, c.body, `href="#f-telefon"`, "soft-required fields do not block")
	require.Contains(t, c.body, `value="753 20"`, "the saved answer is normalised")

	// Partial answers can be saved ("Spara") without completeness errors.
	c.step("save", url.Values{"fornamn": {"Carl"}})
	require.Equal(t, http.StatusOK, c.status)
	require.Contains(t, c.body, "Utkastet är sparat")
	require.Contains(t, c.body, `value="Carl"`)

	// Hidden fields are never rendered: korkort needs sokerSom=forare.
	c.get(strings.Replace(c.url, "sokande", "tillstand", 1))
	require.NotContains(t, c.body, `name="korkort"`)
	// Choice fields are fieldsets with a legend.
	require.Regexp(t, `(?s)<fieldset class="field"[^>]*>\s*<legend>Jag ansöker som`, c.body)
}

func TestRepeatingGroupRows(t *testing.T) {
	t.Parallel()
	tp := startPortal(t)
	c := tp.client(t).login(pnrCarl)
	c.post("/e-tjanster/parkeringstillstand/starta", nil)
	c.step("next", parkeringAnswers(pnrCarl, tp.clock.Now())["sokande"])
	base := url.Values{"sokerSom": {"passagerare"}, "ansokningstyp": {"fornyelse"},
		"giltigFran": {tp.clock.Now().AddDate(0, 0, 5).Format("2006-01-02")}, "giltighetstid": {"1y"}}
	c.step("save", base)
	require.Contains(t, c.body, `name="tidigareTillstand[0].tillstandsnummer"`, "an empty group shows one row")
	require.NotContains(t, c.body, `name="tidigareTillstand[1].tillstandsnummer"`)

	row0 := url.Values{}
	for k, v := range base {
		row0[k] = v
	}
	row0.Set("tidigareTillstand[0].tillstandsnummer", "ABC123")
	row0.Set("tidigareTillstand[0].utfardatAv", "hemkommun")
	row0.Set("tidigareTillstand[0].giltigtTill", tp.clock.Now().AddDate(0, 1, 0).Format("2006-01-02"))
	c.step("add:tidigareTillstand", row0)
	require.Equal(t, http.StatusOK, c.status)
	require.Contains(t, c.body, `name="tidigareTillstand[1].tillstandsnummer"`, "a blank row was added")
	require.Contains(t, c.body, `value="ABC123"`)
	// The sub-field shown only for another municipality stays hidden.
	require.NotContains(t, c.body, `name="tidigareTillstand[0].utfardatAvKommun"`)

	row1 := url.Values{}
	for k, v := range row0 {
		row1[k] = v
	}
	row1.Set("tidigareTillstand[1].tillstandsnummer", "XYZ789")
	row1.Set("tidigareTillstand[1].utfardatAv", "annanKommun")
	row1.Set("tidigareTillstand[1].giltigtTill", tp.clock.Now().AddDate(0, 2, 0).Format("2006-01-02"))
	c.step("save", row1)
	require.Contains(t, c.body, `name="tidigareTillstand[1].utfardatAvKommun"`, "revealed inside its row")
	c.step("remove:tidigareTillstand:0", row1)
	require.NotContains(t, c.body, `value="ABC123"`)
	require.Contains(t, c.body, `value="XYZ789"`)
	require.Contains(t, c.body, `name="tidigareTillstand[0].tillstandsnummer"`)
}

func TestDraftIsolationByURL(t *testing.T) {
	t.Parallel()
	tp := startPortal(t)
	a := tp.client(t).login(pnrCarl)
	a.post("/e-tjanster/parkeringstillstand/starta", nil)
	m := draftURL.FindStringSubmatch(a.url)
	require.NotNil(t, m)
	draftPath := "/utkast/" + m[1]

	b := tp.client(t).login(pnrBertil)
	b.post("/login/roll", url.Values{"party": {"self"}})
	for _, p := range []string{draftPath, draftPath + "/steg/sokande", draftPath + "/granska"} {
		b.get(p)
		require.Equal(t, http.StatusNotFound, b.status, p)
		require.NotContains(t, b.body, pnrCarl)
	}
	b.get("/mina-sidor")
	require.NotContains(t, b.body, draftPath)
	// Posting to it is refused the same way.
	b.post(draftPath+"/skicka", nil)
	require.Equal(t, http.StatusNotFound, b.status)

	// Cases and receipts too.
	_, casePath := applyParking(t, tp, a, pnrCarl)
	b.get("/mina-sidor")
	for _, p := range []string{casePath, casePath + "/kvitto", casePath + "/kvittens.pdf"} {
		b.get(p)
		require.Equal(t, http.StatusNotFound, b.status, p)
	}
}

func TestActingForAnOrganisation(t *testing.T) {
	t.Parallel()
	tp := startPortal(t)
	c := tp.client(t).login(pnrAstrid)
	require.Equal(t, "/login/roll", c.url, "a person with mandates chooses whom to represent")
	require.Contains(t, c.body, "Exempelbolaget AB")
	require.Contains(t, c.body, "Idrottsföreningen Exempel")

	c.post("/login/roll", url.Values{"party": {"8020000009"}})
	require.Equal(t, "/e-tjanster", c.url)
	require.Contains(t, c.body, "Ansök om föreningsbidrag")
	require.NotContains(t, c.body, "Ansök om parkeringstillstånd", "the catalogue shows the association's e-services")
	c.post("/e-tjanster/foreningsbidrag/starta", nil)
	m := draftURL.FindStringSubmatch(c.url)
	require.NotNil(t, m)
	assocDraft := "/utkast/" + m[1]

	// Acting for herself she does not see the association's draft.
	c.get("/login/roll")
	c.post("/login/roll", url.Values{"party": {"self"}})
	c.get(assocDraft)
	require.Equal(t, http.StatusNotFound, c.status)
	c.get("/mina-sidor")
	require.NotContains(t, c.body, assocDraft)

	// A mandate she does not have is refused.
	c.get("/login/roll")
	c.post("/login/roll", url.Values{"party": {"5560360793"}})
	require.Equal(t, "/e-tjanster", c.url)
	b := tp.client(t).login(pnrCarl)
	b.get("/e-tjanster")
	b.post("/login/roll", url.Values{"party": {"5560360793"}})
	require.Equal(t, http.StatusForbidden, b.status)
}

func TestResumeNeedsFreshLogin(t *testing.T) {
	t.Parallel()
	tp := startPortal(t)
	c := tp.client(t).login(pnrAstrid)
	c.post("/login/roll", url.Values{"party": {"8020000009"}})
	c.post("/e-tjanster/foreningsbidrag/starta", nil)
	m := draftURL.FindStringSubmatch(c.url)
	require.NotNil(t, m)
	draftPath := "/utkast/" + m[1]
	c.step("save", url.Values{"foreningsnamn": {"Idrottsföreningen Exempel"}})

	// The login grows older than the drafts' limit (60 minutes).
	tp.clock.Advance(61 * time.Minute)
	c.get("/mina-sidor")
	require.Equal(t, http.StatusOK, c.status, "listing needs no fresh login")
	require.Contains(t, c.body, draftPath)
	c.get(draftPath)
	require.Equal(t, "/login", c.url, "opening the draft asks for a new login")
	require.Contains(t, c.body, "logga in igen")

	// After the login she is back in the draft, again for the association.
	c.post("/login/start", url.Values{"person": {pnrAstrid}, "device": {"other"}})
	c.post("/login/skanna", nil)
	c.post("/login/fortsatt", nil)
	require.Equal(t, draftPath+"/steg/forening", c.url, c.body)
	require.Contains(t, c.body, `value="Idrottsföreningen Exempel"`)
	require.Contains(t, c.body, "Idrottsföreningen Exempel</strong>", "acting for the association again")
}

func TestSessionSecurity(t *testing.T) {
	t.Parallel()
	tp := startPortal(t)
	c := tp.client(t)
	c.get("/login")
	u, err := url.Parse(tp.srv.URL)
	require.NoError(t, err)
	before := c.hc.Jar.Cookies(u)
	require.Len(t, before, 1)

	// The cookie is HttpOnly and SameSite=Lax.
	resp, err := http.Get(tp.srv.URL + "/login")
	require.NoError(t, err)
	resp.Body.Close()
	sc := resp.Header.Get("Set-Cookie")
	require.Contains(t, sc, "HttpOnly")
	require.Contains(t, sc, "SameSite=Lax")
	require.Len(t, strings.Split(strings.SplitN(sc, ";", 2)[0], "=")[1], 43, "256-bit session ID")
	require.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	csp := resp.Header.Get("Content-Security-Policy")
	require.Contains(t, csp, "script-src 'nonce-")
	require.NotContains(t, csp, "unsafe-inline")
	require.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
	require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))

	// The session ID changes at login; the old one is worthless.
	c.login(pnrCarl)
	after := c.hc.Jar.Cookies(u)
	require.NotEqual(t, before[0].Value, after[0].Value)
	old := tp.client(t)
	old.hc.Jar.SetCookies(u, before)
	old.get("/mina-sidor")
	require.Equal(t, "/login", old.url)

	// A post without the session's CSRF token is refused, as is a
	// cross-site post with the token.
	c.get("/e-tjanster")
	c.post("/e-tjanster/parkeringstillstand/starta", url.Values{"csrf": {"wrong"}})
	require.Equal(t, http.StatusForbidden, c.status)
	c.get("/e-tjanster")
	req, err := http.NewRequest(http.MethodPost, tp.srv.URL+"/e-tjanster/parkeringstillstand/starta",
		strings.NewReader(url.Values{"csrf": {c.token()}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	c.do(req)
	require.Equal(t, http.StatusForbidden, c.status)
	c.get("/mina-sidor")
	require.Contains(t, c.body, "inga sparade utkast", "nothing was created")

	// Logging out ends the session on the server.
	cookie := c.hc.Jar.Cookies(u)
	c.post("/logout", nil)
	require.Equal(t, "/utloggad", c.url)
	replay := tp.client(t)
	replay.hc.Jar.SetCookies(u, cookie)
	replay.get("/mina-sidor")
	require.Equal(t, "/login", replay.url)
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	tp := startPortal(t)
	c := tp.client(t)
	c.get("/login")
	tok := c.token()
	limited := false
	for range 12 {
		c.post("/login/start", url.Values{"csrf": {tok}, "person": {pnrCarl}})
		if c.status == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	require.True(t, limited, "the 11th login start within a minute is refused")
	require.Contains(t, c.body, "För många inloggningsförsök")
}

func TestLanguageSwitch(t *testing.T) {
	t.Parallel()
	tp := startPortal(t)
	c := tp.client(t)
	c.get("/e-tjanster?lang=en")
	require.Contains(t, c.body, `<html lang="en">`)
	require.Contains(t, c.body, "Apply for a disabled parking permit")
	require.Contains(t, c.body, `lang="sv" hreflang="sv">På svenska</a>`)
	c.get("/login")
	require.Contains(t, c.body, "Log in with BankID", "the choice is remembered")
	c.get("/login?lang=sv")
	require.Contains(t, c.body, "Logga in med BankID")
}

func TestUploadErrors(t *testing.T) {
	t.Parallel()
	tp := startPortal(t)
	c := tp.client(t).login(pnrCarl)
	c.post("/e-tjanster/parkeringstillstand/starta", nil)
	m := draftURL.FindStringSubmatch(c.url)
	require.NotNil(t, m)
	c.get("/utkast/" + m[1] + "/steg/intyg")
	c.stepFiles("upload:foto", url.Values{}, map[string]map[string][]byte{"file:foto": {"foto.pdf": pdfFile}})
	require.Equal(t, http.StatusUnprocessableEntity, c.status)
	require.Contains(t, c.body, "Filtypen tas inte emot")
	require.Contains(t, c.body, `href="#f-foto"`)

	c.stepFiles("upload:foto", url.Values{}, map[string]map[string][]byte{"file:foto": {"C:\\Users\\x\\foto.png": pngFile(t)}})
	require.Contains(t, c.body, ">foto.png</a>", "the base name is kept")
	// The file can be downloaded by its owner and removed.
	link := regexp.MustCompile(`href="(/utkast/[^"]+/bilagor/[^"]+)"`).FindStringSubmatch(c.body)
	require.NotNil(t, link)
	resp, err := c.hc.Get(c.base + link[1])
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, "image/png", resp.Header.Get("Content-Type"))
	detach := regexp.MustCompile(`value="(detach:foto:[^"]+)"`).FindStringSubmatch(c.body)
	require.NotNil(t, detach)
	c.step(detach[1], url.Values{})
	require.NotContains(t, c.body, ">foto.png</a>")
}
