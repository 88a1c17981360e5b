// Package email is the SMTP notify.Sender: it submits each notice to the
// municipality's mail server (message submission, port 587 with STARTTLS,
// or 465 with implicit TLS) as a MIME multipart/alternative message with a
// plain-text and an HTML part.
//
// It uses github.com/emersion/go-smtp's client rather than net/smtp, which
// the Go project has frozen: go-smtp is maintained, reports SMTP replies as
// typed errors (code and enhanced code, so a 5xx can be told from a 4xx
// without parsing text), supports timeouts per command and after the final
// dot, and lets us hand it a connection we dialled with a context. The MIME
// message is built here, with the standard library's mime, multipart and
// quotedprintable packages.
//
// # Errors
//
// Send returns errors that name the SMTP reply code and enhanced code, never
// the server's text (servers echo addresses). A 5xx reply, a malformed
// address and a message over the server's SIZE limit are permanent
// (notify.ErrPermanent: the relay dead-letters the notice); 4xx replies,
// network and TLS failures are temporary and retried.
//
// # Security
//
// The default is STARTTLS, required: a server that does not offer it is an
// error, never a silent fallback to plain text. Credentials are only sent
// over TLS. SecurityNone exists for a relay on the same host and must be
// chosen explicitly.
package email

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/etjanst/etjanst/notify"
)

// Security selects how the connection to the server is protected.
type Security int

const (
	// SecurityStartTLS connects in plain text and upgrades with STARTTLS
	// before anything else; a server without STARTTLS is an error. The
	// default (port 587).
	SecurityStartTLS Security = iota
	// SecurityImplicitTLS speaks TLS from the first byte (port 465).
	SecurityImplicitTLS
	// SecurityNone sends in plain text. Only for a mail relay on the same
	// host or network segment; credentials are refused with it.
	SecurityNone
)

// Options configures a Sender. A nil *Options means defaults.
type Options struct {
	// Security selects STARTTLS, implicit TLS or none. Defaults to
	// SecurityStartTLS.
	Security Security
	// TLSConfig is used for the TLS connection. Defaults to one with the
	// server's host name and at least TLS 1.2. When set, its ServerName
	// defaults to the host of addr.
	TLSConfig *tls.Config
	// Username and Password, when Username is set, authenticate with
	// AUTH PLAIN after TLS is up.
	Username string
	Password string
	// LocalName is the name sent with EHLO after TLS is up. Defaults to
	// "localhost".
	LocalName string
	// DialTimeout bounds connecting (and the TLS handshake of implicit
	// TLS). Defaults to 10 seconds.
	DialTimeout time.Duration
	// CommandTimeout bounds every SMTP command and the wait after the
	// message. Defaults to 30 seconds. The ctx of Send bounds the whole.
	CommandTimeout time.Duration
	// MaxMessageBytes caps the built message. Defaults to 1 MiB.
	MaxMessageBytes int
	// Now stamps the Date header. Defaults to time.Now.
	Now func() time.Time
}

// String describes the options without the password (fmt's %v and %+v).
func (o Options) String() string {
	return fmt.Sprintf("email.Options{Security:%s Username:%q Password:%s LocalName:%q DialTimeout:%s CommandTimeout:%s MaxMessageBytes:%d}",
		o.Security, o.Username, redacted(o.Password), o.LocalName, o.DialTimeout, o.CommandTimeout, o.MaxMessageBytes)
}

// LogValue logs the options without the password.
func (o Options) LogValue() slog.Value {
	return slog.GroupValue(slog.String("security", o.Security.String()), slog.String("username", o.Username),
		slog.String("password", redacted(o.Password)), slog.String("local_name", o.LocalName),
		slog.Duration("dial_timeout", o.DialTimeout), slog.Duration("command_timeout", o.CommandTimeout),
		slog.Int("max_message_bytes", o.MaxMessageBytes))
}

// redacted shows whether a secret is set, never the secret.
func redacted(secret string) string {
	if secret == "" {
		return "none"
	}
	return "[redacted]"
}

// String names the security mode.
func (s Security) String() string {
	switch s {
	case SecurityStartTLS:
		return "starttls"
	case SecurityImplicitTLS:
		return "tls"
	case SecurityNone:
		return "none"
	}
	return fmt.Sprintf("Security(%d)", int(s))
}

// Sender sends notices by SMTP. It opens one connection per notice and is
// safe for concurrent use.
type Sender struct {
	addr     string
	host     string
	from     *mail.Address
	msgIDDom string
	opts     Options
	tls      *tls.Config
}

var _ notify.Sender = (*Sender)(nil)

// String describes the sender (server and options) without the password.
func (s *Sender) String() string { return "email.Sender{" + s.addr + " " + s.opts.String() + "}" }

// LogValue logs the sender without the password.
func (s *Sender) LogValue() slog.Value {
	return slog.GroupValue(slog.String("addr", s.addr), slog.Any("options", s.opts))
}

// Defaults.
const (
	defaultDialTimeout    = 10 * time.Second
	defaultCommandTimeout = 30 * time.Second
	defaultMaxMessage     = 1 << 20
)

// New returns a Sender that submits to the server at addr ("host:port") as
// from, an address with an optional display name ("Exempelkommun
// <noreply@kommun.example>"). Message-IDs use from's domain.
//
// Errors: a malformed addr or from; credentials with SecurityNone; negative
// timeouts.
func New(addr, from string, opts *Options) (*Sender, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return nil, fmt.Errorf("email: address %q is not host:port", addr)
	}
	f, err := mail.ParseAddress(from)
	if err != nil || strings.ContainsAny(from, "\r\n") {
		return nil, errors.New("email: malformed from address")
	}
	at := strings.LastIndexByte(f.Address, '@')
	if at < 0 || at == len(f.Address)-1 {
		return nil, errors.New("email: from address has no domain")
	}
	s := &Sender{addr: addr, host: host, from: f, msgIDDom: f.Address[at+1:]}
	if opts != nil {
		s.opts = *opts
	}
	o := &s.opts
	switch o.Security {
	case SecurityStartTLS, SecurityImplicitTLS:
	case SecurityNone:
		if o.Username != "" {
			return nil, errors.New("email: credentials are never sent without TLS")
		}
	default:
		return nil, fmt.Errorf("email: unknown Security %d", o.Security)
	}
	if o.DialTimeout < 0 || o.CommandTimeout < 0 || o.MaxMessageBytes < 0 {
		return nil, errors.New("email: negative timeout or size")
	}
	if o.DialTimeout == 0 {
		o.DialTimeout = defaultDialTimeout
	}
	if o.CommandTimeout == 0 {
		o.CommandTimeout = defaultCommandTimeout
	}
	if o.MaxMessageBytes == 0 {
		o.MaxMessageBytes = defaultMaxMessage
	}
	if o.LocalName == "" {
		o.LocalName = "localhost"
	}
	if strings.ContainsAny(o.LocalName, "\r\n ") {
		return nil, errors.New("email: malformed LocalName")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TLSConfig != nil {
		s.tls = o.TLSConfig.Clone()
	} else {
		s.tls = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if s.tls.ServerName == "" {
		s.tls.ServerName = host
	}
	return s, nil
}

// Send submits d to the server: MAIL FROM the sender's address, RCPT TO
// d.Address, and the message built by Build. It implements notify.Sender.
func (s *Sender) Send(ctx context.Context, d notify.Delivery) error {
	if d.Channel != notify.ChannelEmail {
		return notify.Permanent(fmt.Errorf("email: not an email delivery (%s)", d.Channel))
	}
	msg, err := s.Build(d)
	if err != nil {
		return err
	}
	to, _ := mail.ParseAddress(d.Address) // checked by Build
	return s.submit(ctx, to.Address, msg)
}

// submit runs one SMTP session.
func (s *Sender) submit(ctx context.Context, to string, msg []byte) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	conn, err := s.dial(ctx)
	if err != nil {
		return err
	}
	// go-smtp sets its own per-command deadlines on the connection, so
	// the ctx is enforced by closing the connection when it ends.
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	defer func() {
		if err != nil && ctx.Err() != nil {
			err = ctx.Err()
		}
	}()

	var c *smtp.Client
	if s.opts.Security == SecurityStartTLS {
		c, err = smtp.NewClientStartTLS(conn, s.tls)
		if err != nil {
			_ = conn.Close()
			return wrap("starttls", err)
		}
	} else {
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	c.CommandTimeout = s.opts.CommandTimeout
	c.SubmissionTimeout = s.opts.CommandTimeout
	if err := c.Hello(s.opts.LocalName); err != nil {
		return wrap("ehlo", err)
	}
	if max, ok := c.MaxMessageSize(); ok && max > 0 && len(msg) > max {
		return notify.Permanent(fmt.Errorf("email: message of %d bytes over the server's limit", len(msg)))
	}
	if s.opts.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.opts.Username, s.opts.Password)); err != nil {
			return wrap("auth", err)
		}
	}
	var mailOpts *smtp.MailOptions
	if !isASCII(to) || !isASCII(s.from.Address) {
		if ok, _ := c.Extension("SMTPUTF8"); !ok {
			// Retrying does not teach the server UTF-8 addresses.
			return notify.Permanent(errors.New("email: the server does not take addresses with non-ASCII characters (no SMTPUTF8)"))
		}
		mailOpts = &smtp.MailOptions{UTF8: true}
	}
	if err := c.Mail(s.from.Address, mailOpts); err != nil {
		return wrap("mail", err)
	}
	if err := c.Rcpt(to, nil); err != nil {
		return wrap("rcpt", err)
	}
	w, err := c.Data()
	if err != nil {
		return wrap("data", err)
	}
	if _, err := w.Write(msg); err != nil {
		_ = w.Close()
		return wrap("data", err)
	}
	if err := w.Close(); err != nil {
		return wrap("data", err)
	}
	if err := c.Quit(); err != nil {
		// The message was accepted at the final dot; a failed QUIT
		// does not undo that.
		return nil
	}
	return nil
}

func (s *Sender) dial(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{Timeout: s.opts.DialTimeout}
	if s.opts.Security == SecurityImplicitTLS {
		conn, err := (&tls.Dialer{NetDialer: d, Config: s.tls}).DialContext(ctx, "tcp", s.addr)
		if err != nil {
			return nil, fmt.Errorf("email: dial tls: %w", scrubNetErr(ctx, err))
		}
		return conn, nil
	}
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return nil, fmt.Errorf("email: dial: %w", scrubNetErr(ctx, err))
	}
	return conn, nil
}

// scrubNetErr keeps ctx errors and the kind of network failure.
func scrubNetErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// Error is an SMTP reply that refused the notice. It carries the codes,
// never the server's text.
type Error struct {
	// Stage is the command that failed: "ehlo", "starttls", "auth",
	// "mail", "rcpt" or "data".
	Stage string
	// Code is the three-digit reply code.
	Code int
	// Enhanced is the enhanced status code ("5.1.1"); empty when the
	// server sent none.
	Enhanced string
}

func (e *Error) Error() string {
	s := fmt.Sprintf("email: %s: smtp %d", e.Stage, e.Code)
	if e.Enhanced != "" {
		s += " " + e.Enhanced
	}
	return s
}

// Temporary reports whether the reply was a 4xx.
func (e *Error) Temporary() bool { return e.Code/100 == 4 }

// wrap turns a go-smtp error into ours: an SMTP reply becomes *Error
// (permanent for 5xx), anything else keeps its type but is prefixed.
func wrap(stage string, err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		e := &Error{Stage: stage, Code: se.Code}
		if c := se.EnhancedCode; c != smtp.EnhancedCodeNotSet && c != smtp.NoEnhancedCode {
			e.Enhanced = fmt.Sprintf("%d.%d.%d", c[0], c[1], c[2])
		}
		if se.Code/100 == 5 {
			return notify.Permanent(e)
		}
		return e
	}
	return fmt.Errorf("email: %s: %w", stage, err)
}

// Build returns the RFC 5322 message for d: headers (From, To, Subject in
// RFC 2047 encoding, Date, Message-ID "<d.ID@from-domain>", MIME-Version,
// Content-Language, Auto-Submitted) and a multipart/alternative body with
// the text and the HTML part, both UTF-8 in quoted-printable, lines ending
// in CRLF. It is exported so that the exact bytes can be inspected and
// tested.
//
// Errors (permanent): a malformed d.Address, a missing ID, text or HTML, a
// message over MaxMessageBytes.
func (s *Sender) Build(d notify.Delivery) ([]byte, error) {
	to, err := mail.ParseAddress(d.Address)
	if err != nil || to.Name != "" || strings.ContainsAny(d.Address, "\r\n") {
		return nil, notify.Permanent(errors.New("email: malformed recipient address"))
	}
	if d.ID == "" || !validIDPart(d.ID) {
		return nil, notify.Permanent(errors.New("email: delivery ID unusable in a Message-ID"))
	}
	if d.Text == "" || d.HTML == "" {
		return nil, notify.Permanent(errors.New("email: delivery without text or HTML"))
	}
	var b bytes.Buffer
	boundary := newBoundary()
	lang := string(d.Lang)
	switch d.Lang {
	case "":
		lang = string(notify.Swedish)
	case notify.Swedish, notify.English:
	default:
		return nil, notify.Permanent(errors.New("email: unknown language")) // never a raw header value
	}
	header := [][2]string{
		{"From", s.from.String()},
		{"To", to.String()},
		{"Subject", encodeHeader(oneLine(d.Subject))},
		{"Date", s.opts.Now().Format(time.RFC1123Z)},
		{"Message-ID", "<" + d.ID + "@" + s.msgIDDom + ">"},
		{"MIME-Version", "1.0"},
		{"Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": boundary})},
		{"Content-Language", lang},
		// RFC 3834: no auto-replies, no vacation messages back.
		{"Auto-Submitted", "auto-generated"},
		{"X-Auto-Response-Suppress", "All"},
	}
	for _, h := range header {
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	b.WriteString("\r\n")
	mw := multipart.NewWriter(&b)
	if err := mw.SetBoundary(boundary); err != nil {
		return nil, fmt.Errorf("email: boundary: %w", err)
	}
	for _, part := range []struct{ ctype, body string }{
		{"text/plain; charset=utf-8", d.Text},
		{"text/html; charset=utf-8", d.HTML},
	} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.ctype},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, fmt.Errorf("email: part: %w", err)
		}
		qp := quotedprintable.NewWriter(pw)
		if _, err := io.WriteString(qp, normalizeNewlines(part.body)); err != nil {
			return nil, fmt.Errorf("email: encode: %w", err)
		}
		if err := qp.Close(); err != nil {
			return nil, fmt.Errorf("email: encode: %w", err)
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("email: close: %w", err)
	}
	if b.Len() > s.opts.MaxMessageBytes {
		return nil, notify.Permanent(fmt.Errorf("email: message of %d bytes over MaxMessageBytes", b.Len()))
	}
	return b.Bytes(), nil
}

// encodeHeader RFC 2047-encodes a non-ASCII header value as Q-encoded
// UTF-8 words, folded so that no line exceeds 78 characters.
func encodeHeader(v string) string {
	if isASCII(v) && len(v) <= 60 {
		return v
	}
	enc := mime.QEncoding.Encode("utf-8", v)
	if enc == v {
		// ASCII but long: fold at spaces.
		return foldASCII(v)
	}
	// The encoder separates encoded words with single spaces; fold there.
	return strings.ReplaceAll(enc, "?= =?", "?=\r\n =?")
}

func foldASCII(v string) string {
	var out strings.Builder
	line := 0
	for i, w := range strings.Split(v, " ") {
		if i > 0 {
			if line+1+len(w) > 70 {
				out.WriteString("\r\n ")
				line = 1
			} else {
				out.WriteByte(' ')
				line++
			}
		}
		out.WriteString(w)
		line += len(w)
	}
	return out.String()
}

// oneLine folds every run of white space into one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// normalizeNewlines turns CRLF and CR into LF; quotedprintable writes CRLF.
func normalizeNewlines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

func validIDPart(id string) bool {
	if len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func newBoundary() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "etjanst-" + hex.EncodeToString(b[:])
}
