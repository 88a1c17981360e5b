// Package devmail is the development mailbox of the example portal: a
// notify.Sender for email and SMS that keeps the notices in memory instead
// of sending them, and a page that lists them, so a tester sees exactly what
// a citizen would receive. It is for development only; in production the
// portal sends through notify/email and notify/sms.
//
//	box := devmail.New(200)
//	relay, _ := notify.NewRelay(db, map[notify.Channel]notify.Sender{
//		notify.ChannelEmail: box, notify.ChannelSMS: box, ...}, contacts, nil)
//	mux.Handle("/dev/mail", box)
//
// # Personal data
//
// The mailbox holds addresses and phone numbers of test persons in memory;
// it never logs them. The page shows them: serve it only in development.
package devmail

import (
	"context"
	"html/template"
	"net/http"
	"sync"
	"time"

	"github.com/etjanst/etjanst/notify"
)

// Mailbox keeps the last notices sent to it. It is safe for concurrent use.
type Mailbox struct {
	mu   sync.Mutex
	max  int
	msgs []Mail
	seen map[string]bool // delivery IDs, for at-least-once redelivery
	now  func() time.Time
}

// Mail is one delivered notice.
type Mail struct {
	ID      string
	Channel notify.Channel
	To      string
	Subject string
	Text    string
	At      time.Time
}

var _ notify.Sender = (*Mailbox)(nil)

// New returns a mailbox keeping the newest max notices (100 when max is
// not positive).
func New(max int) *Mailbox {
	if max <= 0 {
		max = 100
	}
	return &Mailbox{max: max, seen: map[string]bool{}, now: time.Now}
}

// Send implements notify.Sender for email and SMS. A redelivered notice
// (same Delivery.ID) is kept once, as a real provider's idempotency key
// would.
func (m *Mailbox) Send(_ context.Context, d notify.Delivery) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen[d.ID] {
		return nil
	}
	m.seen[d.ID] = true
	m.msgs = append(m.msgs, Mail{ID: d.ID, Channel: d.Channel, To: d.Address, Subject: d.Subject, Text: d.Text, At: m.now()})
	if len(m.msgs) > m.max {
		old := m.msgs[0]
		delete(m.seen, old.ID)
		m.msgs = append(m.msgs[:0:0], m.msgs[1:]...)
	}
	return nil
}

// Mails returns the kept notices, newest first.
func (m *Mailbox) Mails() []Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Mail, len(m.msgs))
	for i, x := range m.msgs {
		out[len(m.msgs)-1-i] = x
	}
	return out
}

var page = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Utvecklingsbrevlådan</title><link rel="stylesheet" href="/static/style.css"></head>
<body>
<header class="top"><div class="wrap top-row"><a class="brand" href="/">Utvecklingsbrevlådan</a>
<nav aria-label="Meny"><ul><li><a href="/mina-sidor">Mina sidor</a></li></ul></nav></div></header>
<main id="main" class="wrap">
<h1>Utvecklingsbrevlådan</h1>
<p class="lead">E-post och sms som portalen hade skickat. Inget lämnar datorn.</p>
{{if .}}<ol class="thread">
{{range .}}<li><p class="muted">{{.At.Format "2006-01-02 15:04:05"}} · {{.Channel}} · till {{.To}}</p>
{{with .Subject}}<p><strong>{{.}}</strong></p>{{end}}
<pre class="mail">{{.Text}}</pre></li>
{{end}}</ol>{{else}}<p>Inga meddelanden ännu.</p>{{end}}
</main>
</body></html>
`))

// ServeHTTP lists the kept notices, newest first.
func (m *Mailbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = page.Execute(w, m.Mails())
}
