package email_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/notify/email"
)

// received is one message as the test server saw it.
type received struct {
	from, to string
	data     []byte
	tls      bool
	user     string
	helo     string
}

// server is an in-process SMTP server (go-smtp) on a real TCP socket.
type server struct {
	mu       sync.Mutex
	got      []received
	rcptFail *smtp.SMTPError // returned by RCPT when set
	addr     string
	pool     *x509.CertPool
}

func (s *server) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

type session struct {
	srv  *server
	conn *smtp.Conn
	cur  received
	auth bool
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != "relay" || password != "hemligt" {
			return smtp.ErrAuthFailed // 535 5.7.8
		}
		s.auth, s.cur.user = true, username
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if !s.auth {
		return smtp.ErrAuthRequired
	}
	s.cur.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.srv.mu.Lock()
	fail := s.srv.rcptFail
	s.srv.mu.Unlock()
	if fail != nil {
		return fail
	}
	s.cur.to = to
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = b
	_, s.cur.tls = s.conn.TLSConnectionState()
	s.cur.helo = s.conn.Hostname()
	s.srv.mu.Lock()
	s.srv.got = append(s.srv.got, s.cur)
	s.srv.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.cur = received{user: s.cur.user} }
func (s *session) Logout() error { return nil }

// startServer starts a server with a fresh self-signed certificate for
// "localhost". implicit selects implicit TLS; withTLS=false offers no TLS
// at all.
func startServer(t *testing.T, implicit, withTLS bool) *server {
	t.Helper()
	cert, pool := selfSigned(t)
	srv := &server{pool: pool}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{srv: srv, conn: c}, nil
	}))
	s.Domain = "localhost"
	s.ErrorLog = log.New(io.Discard, "", 0)
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	tlsConf := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if withTLS {
		s.TLSConfig = tlsConf
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	if implicit {
		l = tls.NewListener(l, tlsConf)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	srv.addr = net.JoinHostPort("localhost", port)
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Close() })
	return srv
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	parsed, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(parsed)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

func delivery() notify.Delivery {
	return notify.Delivery{
		ID: "0191b7c2-7a3e-7cc1-9f00-000000000001", Channel: notify.ChannelEmail, Attempt: 1,
		Kind: notify.KindReceipt, CaseRef: "KS 2030/0042", Lang: notify.Swedish,
		Address: "anna.svensson@example.se",
		Subject: "Vi har tagit emot din ansökan KS 2030/0042 – tack för att du använder våra e-tjänster",
		Text:    "Hej!\n\nVi har tagit emot din ansökan. Logga in på Mina sidor: https://kommun.example/mina-sidor\n\nÅÄÖ åäö = lika med",
		HTML:    "<!DOCTYPE html>\n<html lang=\"sv\"><body><p>Hej!</p><p>Vi har tagit emot din ansökan.</p><p><a href=\"https://kommun.example/mina-sidor\">Logga in på Mina sidor</a></p></body></html>\n",
	}
}

var fixedNow = func() time.Time { return time.Date(2030, 3, 4, 10, 0, 0, 0, time.FixedZone("CET", 3600)) }

func newSender(t *testing.T, srv *server, mod func(*email.Options)) *email.Sender {
	t.Helper()
	o := &email.Options{
		TLSConfig: &tls.Config{RootCAs: srv.pool, MinVersion: tls.VersionTLS12},
		Username:  "relay", Password: "hemligt", LocalName: "etjanst.kommun.example",
		DialTimeout: 5 * time.Second, CommandTimeout: 5 * time.Second, Now: fixedNow,
	}
	if mod != nil {
		mod(o)
	}
	s, err := email.New(srv.addr, "Exempelkommun <noreply@kommun.example>", o)
	require.NoError(t, err)
	return s
}

// checkMessage parses a received message and checks headers and both parts.
func checkMessage(t *testing.T, raw []byte, d notify.Delivery) {
	t.Helper()
	require.NotContains(t, strings.ReplaceAll(string(raw), "\r\n", ""), "\n", "every line ends in CRLF")
	for _, line := range strings.Split(string(raw), "\r\n") {
		require.LessOrEqual(t, len(line), 998, "line length")
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	require.NoError(t, err)
	h := m.Header
	from, err := mail.ParseAddress(h.Get("From"))
	require.NoError(t, err)
	require.Equal(t, "noreply@kommun.example", from.Address)
	require.Equal(t, "Exempelkommun", from.Name)
	to, err := mail.ParseAddress(h.Get("To"))
	require.NoError(t, err)
	require.Equal(t, d.Address, to.Address)
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	require.NoError(t, err)
	require.Equal(t, d.Subject, subject)
	require.True(t, strings.HasPrefix(h.Get("Subject"), "=?utf-8?q?"), "RFC 2047 encoded: %q", h.Get("Subject"))
	require.Equal(t, "<"+d.ID+"@kommun.example>", h.Get("Message-ID"))
	date, err := h.Date()
	require.NoError(t, err)
	require.True(t, date.Equal(fixedNow()))
	require.Equal(t, "1.0", h.Get("MIME-Version"))
	require.Equal(t, "auto-generated", h.Get("Auto-Submitted"))
	require.Equal(t, "sv", h.Get("Content-Language"))

	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/alternative", mediaType)
	mr := multipart.NewReader(m.Body, params["boundary"])
	var parts []string
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		require.Equal(t, "quoted-printable", p.Header.Get("Content-Transfer-Encoding"))
		ct, cparams, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		require.NoError(t, err)
		require.Equal(t, "utf-8", cparams["charset"])
		body, err := io.ReadAll(quotedprintable.NewReader(p))
		require.NoError(t, err)
		text := strings.ReplaceAll(string(body), "\r\n", "\n")
		switch ct {
		case "text/plain":
			require.Equal(t, d.Text, text)
		case "text/html":
			require.Equal(t, d.HTML, text)
		default:
			t.Fatalf("unexpected part %s", ct)
		}
		parts = append(parts, ct)
	}
	require.Equal(t, []string{"text/plain", "text/html"}, parts, "plain first, the preferred HTML last")
}

func TestSendStartTLS(t *testing.T) {
	t.Parallel()
	srv := startServer(t, false, true)
	s := newSender(t, srv, nil)
	d := delivery()
	require.NoError(t, s.Send(t.Context(), d))
	got := srv.messages()
	require.Len(t, got, 1)
	r := got[0]
	require.True(t, r.tls, "upgraded with STARTTLS before the message")
	require.Equal(t, "relay", r.user, "AUTH PLAIN")
	require.Equal(t, "noreply@kommun.example", r.from, "envelope sender")
	require.Equal(t, d.Address, r.to, "envelope recipient")
	require.Equal(t, "etjanst.kommun.example", r.helo)
	checkMessage(t, r.data, d)
}

func TestSendImplicitTLS(t *testing.T) {
	t.Parallel()
	srv := startServer(t, true, true)
	s := newSender(t, srv, func(o *email.Options) { o.Security = email.SecurityImplicitTLS })
	d := delivery()
	d.Lang = notify.English
	require.NoError(t, s.Send(t.Context(), d))
	got := srv.messages()
	require.Len(t, got, 1)
	require.True(t, got[0].tls)
	require.Contains(t, string(got[0].data), "Content-Language: en\r\n")
}

func TestSendRefusesServerWithoutSTARTTLS(t *testing.T) {
	t.Parallel()
	srv := startServer(t, false, false)
	s := newSender(t, srv, nil)
	err := s.Send(t.Context(), delivery())
	require.Error(t, err)
	require.False(t, notify.IsPermanent(err), "a configuration problem is retried, not dead-lettered at once")
	require.Empty(t, srv.messages())
}

func TestSendRefusesUntrustedCertificate(t *testing.T) {
	t.Parallel()
	srv := startServer(t, false, true)
	s := newSender(t, srv, func(o *email.Options) { o.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12} }) // system roots
	err := s.Send(t.Context(), delivery())
	require.Error(t, err)
	require.Empty(t, srv.messages())
}

func TestSendMapsReplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		reply     *smtp.SMTPError
		permanent bool
		want      string
	}{
		{"unknown user", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<anna.svensson@example.se>: user unknown"}, true, "email: rcpt: smtp 550 5.1.1"},
		{"greylisted", &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "anna.svensson@example.se greylisted"}, false, "email: rcpt: smtp 451 4.7.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, false, true)
			srv.rcptFail = tt.reply
			s := newSender(t, srv, nil)
			err := s.Send(t.Context(), delivery())
			require.Error(t, err)
			require.Equal(t, tt.permanent, notify.IsPermanent(err))
			require.Contains(t, err.Error(), tt.want)
			require.NotContains(t, err.Error(), "anna", "the server's text (with the address) is dropped")
			var e *email.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, tt.reply.Code, e.Code)
			require.Equal(t, !tt.permanent, e.Temporary())
		})
	}
}

func TestSendWrongPasswordIsPermanent(t *testing.T) {
	t.Parallel()
	srv := startServer(t, false, true)
	s := newSender(t, srv, func(o *email.Options) { o.Password = "fel" })
	err := s.Send(t.Context(), delivery())
	require.True(t, notify.IsPermanent(err), "%v", err)
	require.NotContains(t, err.Error(), "fel")
	require.Empty(t, srv.messages())
}

func TestSendHonoursContext(t *testing.T) {
	t.Parallel()
	// A server that accepts and then never says a word.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = c.Close() })
		}
	}()
	s, err := email.New(l.Addr().String(), "noreply@kommun.example", &email.Options{CommandTimeout: time.Hour})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	err = s.Send(ctx, delivery())
	require.ErrorIs(t, err, context.DeadlineExceeded)

	cancelled, cancel2 := context.WithCancel(t.Context())
	cancel2()
	require.ErrorIs(t, s.Send(cancelled, delivery()), context.Canceled)
}

func TestBuildRejects(t *testing.T) {
	t.Parallel()
	s, err := email.New("localhost:587", "noreply@kommun.example", &email.Options{MaxMessageBytes: 2000})
	require.NoError(t, err)
	mods := map[string]func(*notify.Delivery){
		"display name":       func(d *notify.Delivery) { d.Address = "Anna <anna@example.se>" },
		"header injection":   func(d *notify.Delivery) { d.Address = "anna@example.se\r\nBcc: x@example.com" },
		"no address":         func(d *notify.Delivery) { d.Address = "" },
		"no text":            func(d *notify.Delivery) { d.Text = "" },
		"id with brackets":   func(d *notify.Delivery) { d.ID = "a>b" },
		"too large":          func(d *notify.Delivery) { d.HTML = strings.Repeat("x", 3000) },
		"not email channel":  func(d *notify.Delivery) { d.Channel = notify.ChannelSMS },
		"header in language": func(d *notify.Delivery) { d.Lang = "sv\r\nBcc: x@example.com" },
		"unknown language":   func(d *notify.Delivery) { d.Lang = "de" },
	}
	for name, mod := range mods {
		d := delivery()
		mod(&d)
		err := s.Send(t.Context(), d)
		require.True(t, notify.IsPermanent(err), "%s: %v", name, err)
		require.NotContains(t, err.Error(), "anna", name)
	}
	// A subject with line breaks cannot add headers.
	d := delivery()
	d.Subject = "Hej\r\nBcc: x@example.com"
	raw, err := s.Build(d)
	require.NoError(t, err)
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	require.NoError(t, err)
	require.Empty(t, m.Header.Get("Bcc"))
}

func TestNewRejects(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]func() error{
		"no port":  func() error { _, err := email.New("localhost", "a@b.se", nil); return err },
		"bad from": func() error { _, err := email.New("localhost:25", "not an address", nil); return err },
		"creds no tls": func() error {
			_, err := email.New("localhost:25", "a@b.se", &email.Options{Security: email.SecurityNone, Username: "u"})
			return err
		},
		"bad security": func() error { _, err := email.New("localhost:25", "a@b.se", &email.Options{Security: 9}); return err },
		"negative": func() error {
			_, err := email.New("localhost:25", "a@b.se", &email.Options{DialTimeout: -1})
			return err
		},
		"bad local name": func() error {
			_, err := email.New("localhost:25", "a@b.se", &email.Options{LocalName: "a\r\nb"})
			return err
		},
	} {
		require.Error(t, f(), name)
	}
}

// TestOptionsNeverShowThePassword: printing or logging the options or the
// sender shows whether a password is set, never the password.
func TestOptionsNeverShowThePassword(t *testing.T) {
	t.Parallel()
	const secret = "hemligt-lösenord-123"
	opts := email.Options{Username: "noreply", Password: secret}
	s, err := email.New("localhost:587", "noreply@kommun.example", &opts)
	require.NoError(t, err)
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	log.Info("smtp", slog.Any("options", opts), slog.Any("sender", s))
	for name, out := range map[string]string{
		"%v options": fmt.Sprintf("%v", opts), "%+v options": fmt.Sprintf("%+v", opts),
		"%v sender": fmt.Sprintf("%v", s), "%+v sender": fmt.Sprintf("%+v", s), "slog": logs.String(),
	} {
		require.NotContains(t, out, secret, name)
		require.Contains(t, out, "redacted", name)
	}
}

// TestNonASCIIAddressWithoutSMTPUTF8IsPermanent: a server that does not
// announce SMTPUTF8 never takes åsa@example.se; retrying cannot help.
func TestNonASCIIAddressWithoutSMTPUTF8IsPermanent(t *testing.T) {
	t.Parallel()
	srv := startServer(t, false, true)
	s := newSender(t, srv, nil)
	d := delivery()
	d.Address = "åsa@example.se"
	err := s.Send(t.Context(), d)
	require.True(t, notify.IsPermanent(err), "%v", err)
	require.Empty(t, srv.messages())
}
