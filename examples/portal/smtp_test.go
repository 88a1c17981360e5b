package main

import (
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"
)

// smtpSink is an in-process SMTP server that keeps what it receives.
type smtpSink struct {
	mu   sync.Mutex
	msgs []string
	rcpt []string
}

func (s *smtpSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

type sinkSession struct{ s *smtpSink }

func (x *sinkSession) Reset()        {}
func (x *sinkSession) Logout() error { return nil }
func (x *sinkSession) Mail(string, *smtp.MailOptions) error {
	return nil
}
func (x *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	x.s.rcpt = append(x.s.rcpt, to)
	x.s.mu.Unlock()
	return nil
}
func (x *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, string(b))
	x.s.mu.Unlock()
	return nil
}

// With -smtp-addr the email notices go to the mail server.
func TestSMTPNotices(t *testing.T) {
	t.Parallel()
	sink := &smtpSink{}
	srv := smtp.NewServer(sink)
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	tp := startPortalWith(t, func(c *config) {
		c.SMTPAddr, c.SMTPFrom, c.SMTPSecurity = ln.Addr().String(), "Testkommunen <noreply@kommun.example>", "none"
	})
	c := tp.client(t).login(pnrCarl)
	c.get("/mina-sidor/kontakt")
	c.post("/mina-sidor/kontakt", url.Values{"email": {"carl@example.se"}, "notifyEmail": {"true"}, "lang": {"sv"}})
	applyParking(t, tp, c, pnrCarl)
	tp.deliver(t)

	sink.mu.Lock()
	defer sink.mu.Unlock()
	require.Equal(t, []string{"carl@example.se"}, sink.rcpt)
	require.Len(t, sink.msgs, 1)
	require.Contains(t, sink.msgs[0], `From: "Testkommunen" <noreply@kommun.example>`)
	require.Regexp(t, `diarienummer ETJ=?\r?\n? \d{4}/\d{6}`, sink.msgs[0])
	require.NotContains(t, strings.ToLower(sink.msgs[0]), "parkeringstillst")
	require.Empty(t, tp.mailbox.Mails(), "email went to SMTP, not the development mailbox")
}
