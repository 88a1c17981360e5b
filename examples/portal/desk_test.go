package main

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// officerClient logs a development staff account in.
func (tp *testPortal) officerClient(t *testing.T, account string) *client {
	t.Helper()
	o := tp.client(t)
	o.get("/handlaggare/login")
	require.Equal(t, http.StatusOK, o.status)
	o.post("/handlaggare/login", url.Values{"account": {account}})
	require.Equal(t, "/handlaggare", o.url)
	return o
}

// The officer desk: inbox, the case with its flags (an audited read),
// acknowledge, message, complement request and close, each seen by the
// applicant; scoping of officers to their e-services.
func TestOfficerDesk(t *testing.T) {
	t.Parallel()
	tp := startPortal(t)
	c := tp.client(t).login(pnrCarl)
	_, casePath := applyParking(t, tp, c, pnrCarl)
	caseID := strings.TrimPrefix(casePath, "/arenden/")
	ref := regexp.MustCompile(`ETJ \d{4}/\d{6}`).FindString(c.body)

	// Citizens have no way into the desk.
	c.get("/handlaggare")
	require.Equal(t, "/handlaggare/login", c.url)
	c.get("/handlaggare/arenden/" + caseID)
	require.Equal(t, "/handlaggare/login", c.url)

	o := tp.officerClient(t, "parkering")
	require.Contains(t, o.body, ref)
	require.NotContains(t, o.body, "värmepump", "only the e-services the officer handles")
	o.get("/handlaggare/arenden/" + caseID)
	require.Equal(t, http.StatusOK, o.status)
	require.Contains(t, o.body, "Carl Exempelsson")
	require.Contains(t, o.body, "19760105-2397", "the officer sees the applicant's identity")
	require.Contains(t, o.body, "Sekretessmarkeringar")
	require.Contains(t, o.body, "funktionsnedsattning")

	o.post("/handlaggare/arenden/"+caseID+"/mottagen", nil)
	require.Contains(t, o.body, "markerat som mottaget")
	o.post("/handlaggare/arenden/"+caseID+"/meddelande", url.Values{"text": {""}})
	require.Equal(t, http.StatusUnprocessableEntity, o.status)
	o.post("/handlaggare/arenden/"+caseID+"/meddelande", url.Values{"text": {"Vi behöver ditt telefonnummer."}})
	require.Contains(t, o.body, "Meddelandet är skickat")
	o.post("/handlaggare/arenden/"+caseID+"/komplettering", url.Values{"text": {"Ange telefonnummer."}, "fields": {"telefon"}, "due": {tp.clock.Now().AddDate(0, 0, 14).Format("2006-01-02")}})
	require.Contains(t, o.body, "Kompletteringen är begärd")

	c.get(casePath)
	require.Contains(t, c.body, "Vi behöver ditt telefonnummer.")
	c.post(casePath+"/komplettering", url.Values{"telefon": {"070-765 43 21"}})
	require.Contains(t, c.body, "Kompletteringen är registrerad")

	o.get("/handlaggare/arenden/" + caseID)
	require.Contains(t, o.body, "Kompletterat")
	o.post("/handlaggare/arenden/"+caseID+"/avsluta", url.Values{"text": {"Tillstånd beviljas i tre år."}, "label": {"Beviljad"}})
	require.Contains(t, o.body, "Ärendet är avslutat")
	c.get("/mina-sidor")
	require.Contains(t, c.body, "Avslutade ärenden")
	require.Contains(t, c.body, "Beviljad")

	// An officer who does not handle the e-service does not find the case.
	other := tp.officerClient(t, "registrator")
	other.get("/handlaggare/arenden/" + caseID)
	require.Equal(t, http.StatusNotFound, other.status)
}

// The desk shows an e-service's latest cases a page at a time, with links
// to the older ones and back, and keeps the status filter while paging.
func TestOfficerDeskPages(t *testing.T) {
	t.Parallel()
	tp := startPortalWith(t, func(c *config) { c.deskPageSize = 2 })
	c := tp.client(t).login(pnrCarl)
	refRE := regexp.MustCompile(`ETJ \d{4}/\d{6}`)
	var refs []string // newest first
	for range 5 {
		applyParking(t, tp, c, pnrCarl)
		refs = append([]string{refRE.FindString(c.body)}, refs...)
	}
	link := regexp.MustCompile(`<a href="(/handlaggare(?:\?[^"]*)?)">([^<]*)</a>`)
	links := func(o *client) map[string]string {
		out := map[string]string{}
		for _, m := range link.FindAllStringSubmatch(o.body, -1) {
			out[m[2]] = html.UnescapeString(m[1])
		}
		return out
	}

	o := tp.officerClient(t, "parkering")
	var seen []string
	for page := 0; ; page++ {
		require.Equal(t, http.StatusOK, o.status)
		got := refRE.FindAllString(o.body, -1)
		require.Len(t, got, min(2, len(refs)-len(seen)), "page %d", page)
		seen = append(seen, got...)
		l := links(o)
		if page > 0 {
			require.Contains(t, l, "Till de senaste ärendena", "page %d links back to the latest", page)
		}
		older, ok := l["Äldre ärenden"]
		if !ok {
			break
		}
		require.Less(t, page, 5, "the pages end")
		o.get(older)
	}
	require.Equal(t, refs, seen, "every case once, newest first")
	o.get(links(o)["Till de senaste ärendena"])
	require.Equal(t, refs[:2], refRE.FindAllString(o.body, -1))

	// The status filter stays on while paging: all five are new.
	o.get("/handlaggare?status=submitted")
	older := links(o)["Äldre ärenden"]
	require.Contains(t, older, "status=submitted")
	o.get(older)
	require.Equal(t, refs[2:4], refRE.FindAllString(o.body, -1))
	require.Equal(t, "/handlaggare?status=submitted", links(o)["Till de senaste ärendena"],
		"the way back keeps the filter, on the whole desk")
	o.get("/handlaggare?status=closed")
	require.Contains(t, o.body, "Inga ärenden.")
	require.NotContains(t, o.body, "Äldre ärenden")

	// A cursor that no page gave is refused, not a crash or an empty list;
	// an e-service the officer does not handle is not there.
	o.get("/handlaggare?tjanst=parkeringstillstand&efter=bm90IGEgY3Vyc29y")
	require.Equal(t, http.StatusUnprocessableEntity, o.status)
	o.get("/handlaggare?tjanst=bygglov")
	require.Equal(t, http.StatusNotFound, o.status)
}

// The disclosure desk lists each e-service's oldest open requests a page at
// a time, with a link to the next page and back.
func TestDisclosureDeskPages(t *testing.T) {
	t.Parallel()
	tp := startPortalWith(t, func(c *config) { c.deskPageSize = 2 })
	c := tp.client(t).login(pnrCarl)
	applyParking(t, tp, c, pnrCarl)
	ref := regexp.MustCompile(`ETJ \d{4}/\d{6}`).FindString(c.body)
	anon := tp.client(t)
	for range 3 {
		anon.get("/utlamnande")
		anon.post("/utlamnande", url.Values{"reference": {ref}})
		require.Regexp(t, `^/utlamnande/[^/]+$`, anon.url)
	}
	request := regexp.MustCompile(`href="(/handlaggare/utlamnande/[^"]+)"`)
	more := regexp.MustCompile(`<a href="(/handlaggare/utlamnande\?[^"]+)">Fler begäranden`)

	o := tp.officerClient(t, "registrator")
	o.get("/handlaggare/utlamnande")
	first := request.FindAllStringSubmatch(o.body, -1)
	require.Len(t, first, 2)
	m := more.FindStringSubmatch(o.body)
	require.NotNil(t, m, "a link to the next page")
	o.get(html.UnescapeString(m[1]))
	require.Equal(t, http.StatusOK, o.status)
	second := request.FindAllStringSubmatch(o.body, -1)
	require.Len(t, second, 1)
	require.NotContains(t, []string{first[0][1], first[1][1]}, second[0][1], "no request twice")
	require.Nil(t, more.FindStringSubmatch(o.body), "the last page")
	require.Contains(t, o.body, `<a href="/handlaggare/utlamnande">Till de äldsta begärandena</a>`)
	o.get("/handlaggare/utlamnande?tjanst=bygglov")
	require.Equal(t, http.StatusNotFound, o.status, "not an e-service the officer reviews")
}

// A public request for a record, the officer's per-item review and the
// masked release.
func TestDisclosureWithMaskedItem(t *testing.T) {
	t.Parallel()
	tp := startPortal(t)
	c := tp.client(t).login(pnrCarl)
	applyParking(t, tp, c, pnrCarl)
	ref := regexp.MustCompile(`ETJ \d{4}/\d{6}`).FindString(c.body)

	anon := tp.client(t)
	anon.get("/utlamnande")
	anon.post("/utlamnande", url.Values{"reference": {"ETJ 1999/000001"}})
	require.Equal(t, http.StatusUnprocessableEntity, anon.status)
	require.Contains(t, anon.body, `href="#reference"`)
	anon.post("/utlamnande", url.Values{"reference": {ref}})
	require.Regexp(t, `^/utlamnande/[^/]+$`, anon.url)
	statusPath := anon.url
	require.Contains(t, anon.body, "prövas")

	o := tp.officerClient(t, "registrator")
	o.get("/handlaggare/utlamnande")
	require.Contains(t, o.body, ref)
	link := regexp.MustCompile(`href="(/handlaggare/utlamnande/[^"]+)"`).FindStringSubmatch(o.body)
	require.NotNil(t, link)
	o.get(link[1])
	require.Equal(t, http.StatusOK, o.status)
	o.post(link[1]+"/lamna-ut", nil)
	require.Equal(t, http.StatusConflict, o.status, "not before every item is decided")

	items := regexp.MustCompile(`action="(`+regexp.QuoteMeta(link[1])+`/beslut/[^"]+)"`).FindAllStringSubmatch(o.body, -1)
	require.NotEmpty(t, items)
	// Masking without a reasoning is refused.
	o.post(items[0][1], url.Values{"outcome": {"mask"}, "osl": {"25:1"}})
	require.Equal(t, http.StatusUnprocessableEntity, o.status)
	for _, it := range items {
		o.post(it[1], url.Values{"outcome": {"mask"}, "osl": {"25:1"}, "reasoning": {"Uppgift om enskildas hälsa och personliga förhållanden."}})
		require.Equal(t, http.StatusOK, o.status, o.body)
	}
	o.post(link[1]+"/lamna-ut", nil)
	require.Equal(t, statusPath, o.url)

	anon.get(statusPath)
	require.Equal(t, http.StatusOK, anon.status)
	require.Contains(t, anon.body, "Beslut om sekretess")
	require.Contains(t, anon.body, "[MASKERAT]")
	require.NotContains(t, anon.body, "Artros", "the health data is masked")
	require.NotContains(t, anon.body, "19760105", "the personnummer is masked")
}
