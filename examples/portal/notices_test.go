package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity/identitytest"
	"github.com/etjanst/etjanst/notify"
)

// deliver runs the notice relay until the outbox is empty, as the
// portal's background worker does.
func (tp *testPortal) deliver(t *testing.T) {
	t.Helper()
	for range 20 {
		st, err := tp.relay.RunOnce(context.Background())
		require.NoError(t, err)
		if st.Claimed == 0 {
			return
		}
	}
	t.Fatal("the outbox did not drain")
}

// Contact preferences, the receipt and the officer's acknowledgement as
// notices: in the inbox on Mina sidor with the e-service named, by email
// and SMS (to the development mailbox) with the reference only.
func TestNotices(t *testing.T) {
	t.Parallel()
	tp := startPortal(t)
	c := tp.client(t).login(pnrCarl)

	c.get("/mina-sidor/kontakt")
	require.Equal(t, http.StatusOK, c.status)
	c.post("/mina-sidor/kontakt", url.Values{"email": {"inte-en-adress"}, "notifyEmail": {"true"}, "lang": {"sv"}})
	require.Equal(t, http.StatusUnprocessableEntity, c.status)
	require.Contains(t, c.body, `href="#email"`)
	c.post("/mina-sidor/kontakt", url.Values{"email": {"carl@example.se"}, "phone": {"070-123 45 67"},
		"notifyEmail": {"true"}, "notifySMS": {"true"}, "lang": {"sv"}})
	require.Equal(t, "/mina-sidor/kontakt", c.url)
	require.Contains(t, c.body, "Dina kontaktuppgifter är sparade")
	require.Contains(t, c.body, `value="carl@example.se"`)
	require.Contains(t, c.body, `value="&#43;46701234567"`, "stored in E.164 form")

	// The email is prefilled from the contact details in a new draft.
	c.post("/e-tjanster/parkeringstillstand/starta", nil)
	require.Contains(t, c.body, `value="carl@example.se"`)
	c.post(strings.Replace(c.url, "/steg/sokande", "/radera", 1), nil)

	_, casePath := applyParking(t, tp, c, pnrCarl)
	tp.deliver(t)
	mails := tp.mailbox.Mails()
	require.Len(t, mails, 2, "email and SMS")
	ref := regexp.MustCompile(`ETJ \d{4}/\d{6}`).FindString(c.body)
	for _, m := range mails {
		require.Contains(t, m.Subject+m.Text, ref)
		require.NotContains(t, m.Subject+m.Text, "parkeringstillstånd", "email and SMS never name the e-service")
		require.NotContains(t, m.Subject+m.Text, pnrCarl[2:8])
	}
	require.Equal(t, notify.ChannelSMS, mails[0].Channel)
	require.Equal(t, "+46701234567", mails[0].To)

	c.get("/mina-sidor")
	require.Contains(t, c.body, "1 olästa")
	link := regexp.MustCompile(`href="(/mina-sidor/meddelanden/[^"]+)"`).FindStringSubmatch(c.body)
	require.NotNil(t, link)
	c.get(link[1])
	require.Equal(t, http.StatusOK, c.status)
	require.Contains(t, c.body, ref)
	c.get("/mina-sidor")
	require.NotContains(t, c.body, "olästa", "read")

	// The officer acknowledges: the applicant sees the notice.
	officer := identitytest.Officer(t, "handlaggare1", tp.clock.Now())
	require.NoError(t, tp.cases.Acknowledge(context.Background(), officer, strings.TrimPrefix(casePath, "/arenden/")))
	tp.deliver(t)
	c.get("/mina-sidor")
	require.Contains(t, c.body, "1 olästa")
	require.Len(t, tp.mailbox.Mails(), 4)

	// Another person cannot open Carl's message.
	other := tp.client(t).login(pnrBertil)
	other.get(link[1])
	require.Equal(t, http.StatusNotFound, other.status)

	// The development mailbox shows what was sent.
	c.get("/dev/mail")
	require.Equal(t, http.StatusOK, c.status)
	require.Contains(t, c.body, "carl@example.se")
	require.Contains(t, c.body, ref)
}
