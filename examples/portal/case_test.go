package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/identitytest"
	"github.com/etjanst/etjanst/submission"
)

// The applicant's side of a case: the officer's message in the thread, a
// reply, and a complement answering the requested fields.
func TestCaseMessagesReplyAndComplement(t *testing.T) {
	t.Parallel()
	tp := startPortal(t)
	c := tp.client(t).login(pnrCarl)
	_, casePath := applyParking(t, tp, c, pnrCarl)
	caseID := strings.TrimPrefix(casePath, "/arenden/")

	ctx := context.Background()
	officer := identitytest.Officer(t, "handlaggare1", tp.clock.Now(), identity.Role{Name: identity.RoleOfficer, Services: []string{"parkeringstillstand"}})
	require.NoError(t, tp.cases.Acknowledge(ctx, officer, caseID))
	require.NoError(t, tp.cases.SendMessage(ctx, officer, caseID, "Tack, vi har tagit emot din ansökan."))

	c.get(casePath)
	require.Equal(t, http.StatusOK, c.status)
	require.Contains(t, c.body, "Mottaget av handläggare")
	require.Contains(t, c.body, "Tack, vi har tagit emot din ansökan.")
	require.NotContains(t, c.body, "komplettering")

	// A reply: empty is refused with an error linked to the text area.
	c.post(casePath+"/svar", url.Values{"reply": {"  "}})
	require.Equal(t, http.StatusUnprocessableEntity, c.status)
	require.Contains(t, c.body, `href="#reply"`)
	c.post(casePath+"/svar", url.Values{"reply": {"Jag kan nås på telefon efter kl. 15."}})
	require.Equal(t, casePath, c.url)
	require.Contains(t, c.body, "Ditt meddelande är skickat")
	require.Contains(t, c.body, "Jag kan nås på telefon efter kl. 15.")

	// The officer asks for the phone number and the health centre again.
	require.NoError(t, tp.cases.RequestComplement(ctx, officer, caseID, submission.ComplementParams{
		Text: "Ange ett telefonnummer och vårdcentral.", Fields: []string{"telefon", "vardgivare"},
		Due: tp.clock.Now().Add(14 * 24 * time.Hour),
	}))
	c.get(casePath)
	require.Contains(t, c.body, "Handläggaren behöver en komplettering")
	require.Contains(t, c.body, `name="telefon"`)
	require.Contains(t, c.body, `name="vardgivare"`)
	require.NotContains(t, c.body, `name="epost"`, "only the requested fields")

	c.post(casePath+"/komplettering", url.Values{"telefon": {"inte ett nummer"}, "vardgivare": {"Vårdcentralen Väst"}})
	require.Equal(t, http.StatusUnprocessableEntity, c.status)
	require.Contains(t, c.body, `href="#f-telefon"`)
	require.Contains(t, c.body, `value="inte ett nummer"`)
	c.post(casePath+"/komplettering", url.Values{"telefon": {"070-765 43 21"}, "vardgivare": {"Vårdcentralen Väst"}, "answer": {"Här är uppgifterna."}})
	require.Equal(t, casePath, c.url, c.body)
	require.Contains(t, c.body, "Kompletteringen är registrerad")
	require.NotContains(t, c.body, "Handläggaren behöver en komplettering")

	read, err := tp.cases.Read(ctx, officer, caseID)
	require.NoError(t, err)
	require.Equal(t, submission.StatusComplemented, read.Status)
	kinds := []string{}
	for _, m := range read.Messages {
		kinds = append(kinds, m.Kind)
	}
	require.Equal(t, []string{"message", "reply", "complementRequest", "complement"}, kinds)

	// Another person cannot post to the case.
	other := tp.client(t).login(pnrBertil)
	other.post(casePath+"/svar", url.Values{"reply": {"hej"}})
	require.Equal(t, http.StatusNotFound, other.status)
	other.get("/login/roll")
	other.post(casePath+"/komplettering", url.Values{"telefon": {"070-111 11 11"}})
	require.Equal(t, http.StatusNotFound, other.status)
}
