package notify_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/storage"
)

// Values that must never leave in an email or SMS.
const (
	leakPNR       = "19121212-1212"
	leakPNRDigits = "191212121212"
	leakDiagnosis = "Diagnos F32.1 medelsvår depressiv episod"
	leakService   = "Ansökan om ekonomiskt bistånd"
)

func leakyData() map[string]string {
	return map[string]string{
		notify.DataText:    "Ditt personnummer " + leakPNR + " och " + leakDiagnosis + " finns i ärendet.",
		notify.DataService: leakService,
		notify.DataDue:     "2030-04-01",
		"personnummer":     leakPNRDigits,
		"diagnos":          leakDiagnosis,
	}
}

func requireNoLeak(t *testing.T, where, s string) {
	t.Helper()
	for _, secret := range []string{leakPNR, leakPNRDigits, "1212-1212", leakDiagnosis, "F32.1", "depressiv", leakService, "bistånd"} {
		require.NotContains(t, s, secret, "%s leaks %q", where, secret)
	}
}

// TestTemplatesNeverLeakIntoEmailOrSMS renders every template of every kind
// in both languages with data holding a personnummer, a diagnosis and a
// revealing service name, directly and through a relay, and checks that
// none of it reaches an email (subject, text, HTML) or an SMS. The inbox
// gets the officer's text, so the data did reach the relay.
func TestTemplatesNeverLeakIntoEmailOrSMS(t *testing.T) {
	t.Parallel()
	t.Run("Render", testRenderNeverLeaks)
	t.Run("Relay", testRelayNeverLeaks)
}

func testRenderNeverLeaks(t *testing.T) {
	t.Parallel()
	tmpl := notify.DefaultTemplates()
	pub := notify.PublicData{Link: "https://kommun.example/mina-sidor", Organisation: "Exempelkommun"}
	for _, kind := range notify.Kinds() {
		for _, lang := range notify.Langs() {
			m := notify.Message{Kind: kind, CaseRef: "KS 2030/0042", Data: leakyData()}
			name := fmt.Sprintf("%s/%s", kind, lang)
			email, err := tmpl.Render(notify.ChannelEmail, lang, m, pub)
			require.NoError(t, err, name)
			require.NotEmpty(t, email.Subject, name)
			require.NotEmpty(t, email.Text, name)
			require.NotEmpty(t, email.HTML, name)
			requireNoLeak(t, name+" email", email.Subject+"\n"+email.Text+"\n"+email.HTML)
			require.Contains(t, email.Text, "https://kommun.example/mina-sidor", name)

			sms, err := tmpl.Render(notify.ChannelSMS, lang, m, pub)
			require.NoError(t, err, name)
			require.NotEmpty(t, sms.Text, name)
			require.NotContains(t, sms.Text, "\n", name)
			requireNoLeak(t, name+" sms", sms.Text)

			inbox, err := tmpl.Render(notify.ChannelInbox, lang, m, pub)
			require.NoError(t, err, name)
			require.NotEmpty(t, inbox.Subject, name)
			require.NotEmpty(t, inbox.Text, name)
		}
	}

}

// testRelayNeverLeaks goes end to end, through the outbox rows and the
// senders.
func testRelayNeverLeaks(t *testing.T) {
	b := setup(t)
	b.wantsAll(b.anna, "anna@example.se")
	b.wantsAll(b.bo, "bo@example.se")
	var msgs []notify.Message
	for i, kind := range notify.Kinds() {
		for j, lang := range notify.Langs() {
			who := b.anna
			if j == 1 {
				who = b.bo
			}
			msgs = append(msgs, notify.Message{
				Kind: kind, Recipient: who, CaseRef: fmt.Sprintf("KS 2030/%04d", i), Lang: lang,
				Data: leakyData(), DedupeKey: fmt.Sprintf("%s/%s", kind, lang),
			})
		}
	}
	b.enqueue(msgs...)

	// The email and SMS outbox rows do not even store the data.
	rows, err := b.db.OutboxClaim(b.ctx, &storage.OutboxClaimParams{Worker: "inspector", Now: b.clock.Now(), Lease: time.Minute, Limit: 1000})
	require.NoError(t, err)
	require.Len(t, rows, 3*len(msgs))
	for _, row := range rows {
		if notify.Channel(row.Channel) == notify.ChannelInbox {
			require.Contains(t, string(row.Payload), "F32.1")
			continue
		}
		requireNoLeak(t, "outbox row", string(row.Payload))
	}
	_, err = b.db.OutboxRelease(b.ctx, &storage.OutboxReleaseParams{Worker: "inspector", Now: b.clock.Now()})
	require.NoError(t, err)

	st := runOnce(t, b.relay(func(o *notify.RelayOptions) { o.BatchSize = 3 * len(msgs) }))
	require.Equal(t, 3*len(msgs), st.Sent)
	for _, d := range append(b.email.Deliveries(), b.sms.Deliveries()...) {
		requireNoLeak(t, string(d.Channel)+"/"+string(d.Kind), d.Subject+"\n"+d.Text+"\n"+d.HTML)
		require.Nil(t, d.Inbox)
		require.Zero(t, d.Recipient, "email and SMS senders get the address, never the personnummer")
		require.NotEmpty(t, d.Address)
	}
	var sawText bool
	for _, d := range b.inboxRec.Deliveries() {
		if strings.Contains(d.Inbox.Body.SV, leakDiagnosis) {
			sawText = true
		}
	}
	require.True(t, sawText, "the inbox shows the officer's text, so Data did reach the relay")

}

func TestCustomTemplatesCannotReachData(t *testing.T) {
	t.Parallel()
	defs := notify.DefaultTemplateDefs()
	for _, field := range []string{"Subject", "Email", "HTML", "SMS"} {
		tpl := defs[0].Template
		bad := "{{.Data.text}}"
		switch field {
		case "Subject":
			tpl.Subject = bad
		case "Email":
			tpl.Email = bad
		case "HTML":
			tpl.HTML = bad
		case "SMS":
			tpl.SMS = bad
		}
		_, err := notify.NewTemplates(append(defs, notify.TemplateDef{Kind: defs[0].Kind, Lang: defs[0].Lang, Template: tpl})...)
		require.ErrorIs(t, err, notify.ErrInvalidTemplate, field)
	}
	// The inbox body may use it.
	tpl := defs[0].Template
	tpl.InboxBody = "{{.Data.text}}"
	_, err := notify.NewTemplates(append(defs, notify.TemplateDef{Kind: defs[0].Kind, Lang: defs[0].Lang, Template: tpl})...)
	require.NoError(t, err)
}

func TestNewTemplates(t *testing.T) {
	t.Parallel()
	full := notify.Template{Subject: "S {{.CaseRef}}", Email: "E", HTML: "<p>{{.Link}}</p>", SMS: "M", InboxBody: "I {{.Data.x}}"}
	tests := []struct {
		name string
		defs []notify.TemplateDef
		ok   bool
	}{
		{"both languages", []notify.TemplateDef{{"permit", notify.Swedish, full}, {"permit", notify.English, full}}, true},
		{"Swedish only", []notify.TemplateDef{{"permit", notify.Swedish, full}}, false},
		{"unknown language", []notify.TemplateDef{{"permit", "de", full}}, false},
		{"bad kind", []notify.TemplateDef{{"per mit", notify.Swedish, full}, {"per mit", notify.English, full}}, false},
		{"empty field", []notify.TemplateDef{{"permit", notify.Swedish, notify.Template{Subject: "S"}}, {"permit", notify.English, full}}, false},
		{"parse error", []notify.TemplateDef{{"permit", notify.Swedish, full}, {"permit", notify.English, notify.Template{Subject: "{{", Email: "E", HTML: "H", SMS: "M", InboxBody: "I"}}}, false},
		{"SMS too long", []notify.TemplateDef{{"permit", notify.Swedish, full}, {"permit", notify.English, notify.Template{Subject: "S", Email: "E", HTML: "H", SMS: strings.Repeat("x", 500), InboxBody: "I"}}}, false},
	}
	for _, tt := range tests {
		tmpl, err := notify.NewTemplates(tt.defs...)
		if tt.ok {
			require.NoError(t, err, tt.name)
			require.True(t, tmpl.Has("permit"))
			require.False(t, tmpl.Has(notify.KindReceipt))
		} else {
			require.ErrorIs(t, err, notify.ErrInvalidTemplate, tt.name)
		}
	}
}

func TestSubjectCannotInjectHeaders(t *testing.T) {
	t.Parallel()
	defs := append(notify.DefaultTemplateDefs(), notify.TemplateDef{Kind: notify.KindReceipt, Lang: notify.Swedish, Template: notify.Template{
		Subject: "Ärende {{.CaseRef}}\r\nBcc: evil@example.com", Email: "E", HTML: "H", SMS: "line1\nline2", InboxBody: "I",
	}})
	tmpl, err := notify.NewTemplates(defs...)
	require.NoError(t, err)
	r, err := tmpl.Render(notify.ChannelEmail, notify.Swedish, notify.Message{Kind: notify.KindReceipt, CaseRef: "KS 1"}, notify.PublicData{})
	require.NoError(t, err)
	require.Equal(t, "Ärende KS 1 Bcc: evil@example.com", r.Subject)
	sms, err := tmpl.Render(notify.ChannelSMS, notify.Swedish, notify.Message{Kind: notify.KindReceipt}, notify.PublicData{})
	require.NoError(t, err)
	require.Equal(t, "line1 line2", sms.Text)
	_, err = tmpl.Render(notify.ChannelSMS, notify.Swedish, notify.Message{Kind: "unknown"}, notify.PublicData{})
	require.ErrorIs(t, err, notify.ErrUnknownKind)
}
