package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/identitytest"
	"github.com/etjanst/etjanst/submission"
)

// The browser tests drive the portal in a real headless Chromium and check
// every key page with axe-core. Locally they skip when Chromium is missing;
// in CI (CI=true) they fail instead, and so does a missing axe-core:
//
//	apt-get update && apt-get install -y chromium
//	npm install --prefix /tmp/axe axe-core
//	ETJANST_AXE_JS=/tmp/axe/node_modules/axe-core/axe.min.js go test -run Browser ./examples/portal
//
// ETJANST_CHROMIUM names another browser binary; screenshots of the key
// pages go to $ETJANST_ARTIFACTS (default: a temporary directory, logged).

func inCI() bool { v := os.Getenv("CI"); return v != "" && v != "false" && v != "0" }

func chromiumPath(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv("ETJANST_CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	msg := "Chromium not found: install it (apt-get update && apt-get install -y chromium) or set ETJANST_CHROMIUM"
	if inCI() {
		t.Fatal(msg + " (required in CI)")
	}
	t.Skip(msg)
	return ""
}

// axeSource reads axe-core from ETJANST_AXE_JS; without it the checks are
// skipped locally and fail in CI.
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("ETJANST_AXE_JS")
	if path == "" {
		msg := "axe-core not configured: npm install --prefix /tmp/axe axe-core and set ETJANST_AXE_JS=/tmp/axe/node_modules/axe-core/axe.min.js"
		if inCI() {
			t.Fatal(msg + " (required in CI)")
		}
		t.Log(msg + "; accessibility checks skipped")
		return ""
	}
	src, err := os.ReadFile(path)
	require.NoError(t, err, "ETJANST_AXE_JS")
	return string(src)
}

// browser is one Chromium (with its own profile) driving the portal.
type browser struct {
	t         *testing.T
	ctx       context.Context
	base      string
	axe       string
	artifacts string
	shot      int

	mu       sync.Mutex
	problems []string // script errors and CSP violations seen
}

func newBrowser(t *testing.T, base, axe, artifacts string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	b := &browser{t: t, ctx: ctx, base: base, axe: axe, artifacts: artifacts}
	// The first action starts the browser; its context must carry no
	// timeout (chromedp.NewContext).
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("about:blank")), "start Chromium")
	_, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
	require.NoError(t, err)
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			b.problem("exception: " + e.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if e.Entry.Source == cdplog.EntrySourceSecurity || e.Entry.Source == cdplog.EntrySourceJavascript {
				b.problem(string(e.Entry.Source) + ": " + e.Entry.Text)
			}
		}
	}))
	return b
}

func (b *browser) problem(s string) {
	b.mu.Lock()
	b.problems = append(b.problems, s)
	b.mu.Unlock()
}

// do runs actions with a timeout generous enough for a loaded machine.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	require.NoError(b.t, chromedp.Do(ctx, actions...), what)
}

func get[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	require.NoError(b.t, err, what)
	return v
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path))
}

func (b *browser) path() string {
	b.t.Helper()
	loc := get(b, "location", chromedp.Location())
	return strings.TrimPrefix(loc, b.base)
}

// poll runs a while a page may be navigating: an error (the inspected
// target navigated, a node not there yet) means "not yet", not a failure.
// Its condition never calls require, which must not run outside the test's
// goroutine.
func poll[T any](b *browser, a chromedp.Action[T], ok func(T) bool, msg string, args ...any) T {
	b.t.Helper()
	var last T
	require.Eventually(b.t, func() bool {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		defer cancel()
		v, err := chromedp.Run(ctx, a)
		if err != nil || !ok(v) {
			return false
		}
		last = v
		return true
	}, 60*time.Second, 100*time.Millisecond, append([]any{msg}, args...)...)
	return last
}

// waitPath waits until a page whose path matches re has loaded (its
// footer is there). Address and readiness are read in one evaluation, so
// a redirect in between cannot pair one page's address with another's
// state.
func (b *browser) waitPath(re string) string {
	b.t.Helper()
	rx := regexp.MustCompile(re)
	const loaded = `document.readyState === "complete" && document.querySelector("footer") !== null ? location.href : ""`
	loc := poll(b, chromedp.Evaluate[string](loaded), func(loc string) bool {
		return loc != "" && rx.MatchString(strings.TrimPrefix(loc, b.base))
	}, "waiting for a page matching %s", re)
	return strings.TrimPrefix(loc, b.base)
}

func (b *browser) click(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

func (b *browser) typeIn(sel, text string) {
	b.t.Helper()
	b.do("type in "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

func (b *browser) setValue(sel, v string) {
	b.t.Helper()
	b.do("set "+sel, chromedp.SetValue(chromedp.CSS(sel), v))
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	return get(b, "text of "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// waitText waits until the text of sel contains want (after a click that
// reloads the page).
func (b *browser) waitText(sel, want string) {
	b.t.Helper()
	poll(b, chromedp.Text(chromedp.CSS(sel)), func(txt string) bool {
		return strings.Contains(txt, want)
	}, "waiting for %q in %s", want, sel)
}

func (b *browser) eval(js string) string {
	b.t.Helper()
	return get(b, "eval", chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
}

// screenshot saves the whole page as NN-name.png in the artifacts
// directory.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png := get(b, "screenshot "+name, chromedp.FullScreenshot(100))
	b.shot++
	file := filepath.Join(b.artifacts, fmt.Sprintf("%02d-%s.png", b.shot, name))
	require.NoError(b.t, os.WriteFile(file, png, 0o644))
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// checkA11y runs axe-core on the page (WCAG 2.2 A and AA rules and best
// practices) and fails on any serious or critical violation.
func (b *browser) checkA11y(page string) {
	b.t.Helper()
	if b.axe == "" {
		return
	}
	if get(b, "axe loaded", chromedp.Evaluate[bool](`typeof window.axe === "object"`)) == false {
		// Evaluated through the DevTools protocol, not as a page script: the
		// page's Content-Security-Policy stays as strict as in production.
		b.do("inject axe", chromedp.Evaluate[chromedp.Void](b.axe))
	}
	raw := get(b, "axe "+page, chromedp.Evaluate[string](`axe.run(document, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
		resultTypes: ["violations"]
	}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	var vs []axeViolation
	require.NoError(b.t, json.Unmarshal([]byte(raw), &vs))
	var bad []string
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			var targets []string
			for _, n := range v.Nodes {
				targets = append(targets, fmt.Sprint(n.Target...))
			}
			bad = append(bad, fmt.Sprintf("%s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(targets, ", ")))
		} else {
			b.t.Logf("axe %s: %s (%s): %s", page, v.ID, v.Impact, v.Help)
		}
	}
	require.Empty(b.t, bad, "axe-core: serious or critical violations on %s", page)
}

// login logs in through the development login as the test person at index
// i of the login page, simulating the scan; the page script follows the
// order and continues by itself.
func (b *browser) login(person int, check bool) {
	b.t.Helper()
	b.open("/login")
	if check {
		b.checkA11y("login")
		b.screenshot("login")
	}
	b.click(fmt.Sprintf("#person-%d", person))
	b.click(`button[name="device"][value="other"]`)
	b.waitPath(`^/login/vanta$`)
	// The QR code is refreshed every second by the page script.
	poll(b, chromedp.Evaluate[string](`document.getElementById("qr").getAttribute("src")`), func(src string) bool {
		return strings.Contains(src, "?n=2")
	}, "the QR code is animated")
	if check {
		b.checkA11y("bankid")
		b.screenshot("bankid-qr")
	}
	b.click("#simulate")
	b.waitPath(`^/(mina-sidor|login/roll|utkast/.*)$`)
}

func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ETJANST_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	} else {
		dir = filepath.Join(dir, "browser")
		require.NoError(t, os.MkdirAll(dir, 0o755))
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// TestBrowserApplicantFlow: the whole application of parkeringstillstånd
// in Chromium, with save, log out, log in, resume, submit and receipt; then
// another person tries the first person's draft and case by URL.
func TestBrowserApplicantFlow(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	axe := axeSource(t)
	tp := startPortal(t)
	b := newBrowser(t, tp.srv.URL, axe, artifactsDir(t))
	dir := t.TempDir()
	intyg := filepath.Join(dir, "läkarintyg.pdf")
	foto := filepath.Join(dir, "foto.png")
	require.NoError(t, os.WriteFile(intyg, pdfFile, 0o600))
	require.NoError(t, os.WriteFile(foto, pngFile(t), 0o600))

	b.open("/")
	b.checkA11y("home")
	b.login(2, true) // Carl Exempelsson, who represents no one
	require.Equal(t, "/mina-sidor", b.path())
	b.checkA11y("mina sidor (empty)")

	b.open("/e-tjanster")
	b.checkA11y("catalogue")
	b.screenshot("catalogue")
	b.click(`form[action="/e-tjanster/parkeringstillstand/starta"] button`)
	stepPath := b.waitPath(`^/utkast/[^/]+/steg/sokande$`)
	draftPath := strings.TrimSuffix(stepPath, "/steg/sokande")
	b.checkA11y("step sokande")

	// Next with missing answers: the error summary gets focus and its links
	// move focus to the field.
	b.click(`.buttons button[value="next"]`)
	b.do("error summary", chromedp.WaitVisible(chromedp.CSS("#error-summary")))
	require.Equal(t, "error-summary", b.eval(`Promise.resolve(document.activeElement.id)`))
	b.checkA11y("step with errors")
	b.screenshot("step-errors")
	b.click(`#error-summary a[href="#f-postort"]`)
	require.Equal(t, "f-postort", b.eval(`Promise.resolve(document.activeElement.id)`))

	// Names come from the e-ID.
	require.Equal(t, "Carl", get(b, "prefilled", chromedp.Evaluate[string](`document.getElementById("f-fornamn").value`)))
	b.typeIn("#f-utdelningsadress", "Storgatan 1")
	b.typeIn("#f-postnummer", "75320")
	b.typeIn("#f-postort", "Uppsala")
	b.typeIn("#f-epost", "carl@example.se")
	b.click(`.buttons button[value="next"]`)
	b.waitPath(`/steg/tillstand$`)

	b.click("#f-sokerSom")      // förare
	b.click("#f-ansokningstyp") // ny ansökan
	b.setValue("#f-giltigFran", tp.clock.Now().AddDate(0, 0, 20).Format("2006-01-02"))
	b.click("#f-giltighetstid-1") // ett år
	b.click(`.buttons button[value="next"]`)
	// The driving licence question appears for a driver.
	b.do("revealed question", chromedp.WaitVisible(chromedp.CSS("#f-korkort")))
	b.checkA11y("step tillstand with revealed question")
	b.click("#f-korkort")
	b.click(`.buttons button[value="next"]`)
	b.waitPath(`/steg/halsa$`)

	b.typeIn("#f-funktionsnedsattning", "Artros i båda knäna; jag kan bara gå korta sträckor.")
	b.click("#f-varaktighet-3") // bestående
	b.typeIn("#f-gangstracka", "50")
	b.click("#f-hjalpmedel-2") // rollator
	b.checkA11y("step halsa")
	b.click(`.buttons button[value="next"]`)
	b.waitPath(`/steg/intyg$`)

	b.do("upload", chromedp.SetUploadFiles(chromedp.CSS("#f-lakarintyg"), []string{intyg}),
		chromedp.SetUploadFiles(chromedp.CSS("#f-foto"), []string{foto}))
	b.typeIn("#f-vardgivare", "Vårdcentralen Centrum")
	b.click(`.buttons button[value="next"]`)
	b.waitPath(`/steg/granska$`)

	// Spara, log out, log in again and continue from Mina sidor.
	b.click("#f-intygande")
	b.click(`.buttons button[value="save"]`)
	b.do("saved", chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.screenshot("saved")
	b.click(`form[action="/logout"] button`)
	b.waitPath(`^/utloggad$`)
	b.checkA11y("logged out")
	b.open(draftPath)
	b.waitPath(`^/login$`)
	b.login(2, false)
	// Back where the draft was left, with the answer kept.
	b.waitPath(`^` + regexp.QuoteMeta(draftPath) + `/steg/granska$`)
	require.True(t, get(b, "checked", chromedp.Evaluate[bool](`document.getElementById("f-intygande").checked`)))
	b.open("/mina-sidor")
	b.checkA11y("mina sidor with a draft")
	b.screenshot("mina-sidor-draft")
	b.click(`a[href="` + draftPath + `"]`)
	b.waitPath(`/steg/granska$`)
	b.click(`.buttons button[value="next"]`)
	b.waitPath(`^/utkast/[^/]+/granska$`)
	require.Contains(t, b.text("main"), "läkarintyg.pdf")
	b.checkA11y("review")
	b.screenshot("review")

	b.click(`form[action$="/skicka"] button`)
	receiptPath := b.waitPath(`^/arenden/[^/]+/kvitto$`)
	casePath := strings.TrimSuffix(receiptPath, "/kvitto")
	ref := b.text("#reference")
	require.Regexp(t, `^ETJ \d{4}/\d{6}$`, ref)
	b.checkA11y("receipt")
	b.screenshot("receipt")
	head := b.eval(`fetch(document.getElementById("download").href).then(r => r.arrayBuffer()).then(b => String.fromCharCode(...new Uint8Array(b).slice(0, 8)))`)
	require.Equal(t, "%PDF-1.7", head, "the kvittens is a PDF")

	// The receipt notice in the inbox on Mina sidor, and by email in the
	// development mailbox.
	tp.deliver(t)
	b.open("/mina-sidor")
	require.Contains(t, b.text("main"), ref)
	require.Contains(t, b.text("main"), "1 olästa")
	b.checkA11y("mina sidor with a case and a message")
	b.screenshot("mina-sidor-case")
	b.click(`a[href^="/mina-sidor/meddelanden/"]`)
	b.waitPath(`^/mina-sidor/meddelanden/`)
	require.Contains(t, b.text("main"), ref)
	b.checkA11y("message")
	b.open("/mina-sidor/kontakt")
	b.checkA11y("contact preferences")
	b.open("/dev/mail")
	b.checkA11y("development mailbox")

	// A case officer acknowledges and asks for a complement; the applicant
	// sees both on the case page and answers.
	caseID := strings.TrimPrefix(casePath, "/arenden/")
	officer := identitytest.Officer(t, "handlaggare1", tp.clock.Now())
	require.NoError(t, tp.cases.Acknowledge(t.Context(), officer, caseID))
	b.open(casePath)
	require.Contains(t, b.text("main"), "Mottaget av handläggare")
	require.NoError(t, tp.cases.RequestComplement(t.Context(), officer, caseID, submission.ComplementParams{
		Text: "Ange ett telefonnummer där vi når dig.", Fields: []string{"telefon"},
	}))
	b.open(casePath)
	require.Contains(t, b.text("main"), "Komplettering begärd")
	require.Contains(t, b.text("main"), "Ange ett telefonnummer där vi når dig.")
	b.checkA11y("case with a complement request")
	b.screenshot("case-complement")
	b.typeIn("#f-telefon", "070-765 43 21")
	b.click(`form[action$="/komplettering"] button`)
	b.do("complemented", chromedp.WaitVisible(chromedp.CSS(".flash")))
	require.Contains(t, b.text("main"), "Kompletterat")
	b.checkA11y("case")

	// A second draft left unfinished.
	b.open("/e-tjanster")
	b.click(`form[action="/e-tjanster/varmepump/starta"] button`)
	other := strings.TrimSuffix(b.waitPath(`^/utkast/[^/]+/steg/fastighet$`), "/steg/fastighet")
	b.open("/e-tjanster?lang=en")
	require.Contains(t, b.text("h1"), "E-services")
	b.checkA11y("catalogue in English")
	b.open("/e-tjanster?lang=sv")
	b.click(`form[action="/logout"] button`)
	b.waitPath(`^/utloggad$`)

	// Another person cannot reach Carl's draft or case by URL.
	b.login(1, false) // Bertil Provsson
	for _, p := range []string{other, other + "/steg/fastighet", casePath, receiptPath, casePath + "/kvittens.pdf"} {
		b.open(p)
		require.Contains(t, b.text("h1"), "Det gick inte att visa sidan", p)
		require.NotContains(t, b.text("main"), ref)
	}
	b.checkA11y("not found")
	b.screenshot("other-person-not-found")

	b.mu.Lock()
	defer b.mu.Unlock()
	require.Empty(t, b.problems, "no script errors or Content-Security-Policy violations")
}

// TestBrowserOfficerAndDisclosure: the officer desk and the disclosure of a
// record with masked items in Chromium; the applicant sees the officer's
// acknowledgement as a notice.
func TestBrowserOfficerAndDisclosure(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	axe := axeSource(t)
	tp := startPortal(t)
	applicant := tp.client(t).login(pnrCarl)
	_, casePath := applyParking(t, tp, applicant, pnrCarl)
	caseID := strings.TrimPrefix(casePath, "/arenden/")
	ref := regexp.MustCompile(`ETJ \d{4}/\d{6}`).FindString(applicant.body)
	tp.deliver(t)

	b := newBrowser(t, tp.srv.URL, axe, artifactsDir(t))
	b.open("/handlaggare/login")
	b.checkA11y("officer login")
	b.click("#officer-0") // handlaggare1
	b.click(`form[action="/handlaggare/login"] button`)
	b.waitPath(`^/handlaggare$`)
	require.Contains(t, b.text("main"), ref)
	b.checkA11y("desk")
	b.screenshot("desk")
	b.click(`a[href="/handlaggare/arenden/` + caseID + `"]`)
	b.waitPath(`^/handlaggare/arenden/`)
	b.checkA11y("desk case")
	b.screenshot("desk-case")
	b.click(`form[action$="/mottagen"] button`)
	b.do("acknowledged", chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.typeIn("#message", "Vi återkommer inom två veckor.")
	b.click(`form[action$="/meddelande"] button`)
	b.waitText("main", "Meddelandet är skickat")
	require.Contains(t, b.text(".thread"), "Vi återkommer inom två veckor.")

	// The applicant sees the notices on Mina sidor.
	tp.deliver(t)
	applicant.get("/mina-sidor")
	require.Contains(t, applicant.body, "3 olästa", "receipt, acknowledgement, message")
	applicant.get(casePath)
	require.Contains(t, applicant.body, "Vi återkommer inom två veckor.")

	// An anonymous request for the record.
	b.click(`form[action="/logout"] button`)
	b.waitPath(`^/utloggad$`)
	b.open("/utlamnande")
	b.checkA11y("request a record")
	b.typeIn("#reference", ref)
	b.click(`form[action="/utlamnande"] button`)
	statusPath := b.waitPath(`^/utlamnande/[^/]+$`)
	requestID := strings.TrimPrefix(statusPath, "/utlamnande/")
	require.Contains(t, b.text("main"), "prövas")
	b.checkA11y("request pending")

	// The registrar decides: health and identity data masked, the rest
	// released; the last item through the page.
	reviewer := identitytestOfficer(t, tp)
	req, err := tp.cases.Review(t.Context(), reviewer, requestID)
	require.NoError(t, err)
	require.Greater(t, len(req.Items), 1)
	for _, it := range req.Items[1:] {
		d := submission.ItemDecision{Outcome: submission.OutcomeRelease}
		if it.Flag.Article9 || it.Flag.Kind == "identityNumber" || it.Flag.Kind == "name" {
			d = submission.ItemDecision{Outcome: submission.OutcomeMask, OSL: "25:1", Reasoning: "Uppgift om enskilds hälsa eller identitet."}
		}
		require.NoError(t, tp.cases.Decide(t.Context(), reviewer, requestID, it.FlagID, d))
	}
	b.open("/handlaggare/login")
	b.click("#officer-1") // registrator
	b.click(`form[action="/handlaggare/login"] button`)
	b.waitPath(`^/handlaggare$`)
	b.open("/handlaggare/utlamnande")
	b.checkA11y("disclosure queue")
	b.open("/handlaggare/utlamnande/" + requestID)
	b.checkA11y("secrecy review")
	b.screenshot("secrecy-review")
	first := req.Items[0].FlagID
	b.click("#o-mask-" + first)
	b.setValue("#osl-"+first, "25:1")
	b.typeIn("#why-"+first, "Uppgift om enskilds hälsa.")
	b.click(`form[action$="/beslut/` + first + `"] button`)
	// The decision reloads the same page: wait for its result, not the path.
	b.waitText("#item-"+first, "Prövad")
	b.click(`form[action$="/lamna-ut"] button`)
	b.waitPath(`^/utlamnande/` + requestID + `$`)
	main := b.text("main")
	require.Contains(t, main, "Beslut om sekretess")
	require.Contains(t, main, "[MASKERAT]")
	require.NotContains(t, main, "Artros")
	require.NotContains(t, main, "19760105")
	b.checkA11y("released record")
	b.screenshot("released-record")

	b.mu.Lock()
	defer b.mu.Unlock()
	require.Empty(t, b.problems, "no script errors or Content-Security-Policy violations")
}

// identitytestOfficer is the registrar of the development logins as a
// library principal.
func identitytestOfficer(t *testing.T, tp *testPortal) identity.Principal {
	t.Helper()
	return identitytest.Officer(t, "registrator", tp.clock.Now(), identity.Role{Name: identity.RoleDisclosureReviewer, Services: []string{identity.AllServices}})
}
