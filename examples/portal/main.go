package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // Europe/Stockholm on machines without a zone database

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/examples/forms"
	"github.com/etjanst/etjanst/examples/portal/internal/devmail"
	"github.com/etjanst/etjanst/examples/portal/internal/web"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/bankid"
	"github.com/etjanst/etjanst/identity/bankid/bankidtest"
	"github.com/etjanst/etjanst/identity/oidc"
	"github.com/etjanst/etjanst/minasidor"
	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/notify/email"
	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/pgstore"
	"github.com/etjanst/etjanst/storage/sqlitestore"
	"github.com/etjanst/etjanst/submission"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "portal:", err)
		}
		os.Exit(2)
	}
}

// errUsage reports bad flags; the flag package has printed the problem
// and the usage already.
var errUsage = errors.New("usage")

// run starts the portal and serves until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	level := slog.LevelInfo
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (choose another with -addr)", cfg.Addr, err)
	}
	p, err := build(ctx, cfg, logger)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer p.Close()

	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	url := cfg.PublicURL
	if url == "" {
		url = scheme + "://" + displayAddr(ln.Addr().String())
	}
	p.printBanner(stdout, url)

	srv := &http.Server{
		Handler:           p.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // uploads
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	// Background work of the library: the draft janitor (gallring of
	// expired drafts). Constructors start nothing; the program does.
	bg, cancelBG := context.WithCancel(ctx)
	defer cancelBG()
	for _, w := range p.workers {
		go func() {
			if err := w(bg); err != nil && !errors.Is(err, context.Canceled) {
				logger.Error("portal: worker stopped", "err", err)
			}
		}()
	}

	errc := make(chan error, 1)
	go func() {
		if cfg.TLSCert != "" {
			errc <- srv.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey)
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

func displayAddr(a string) string {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return a
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// portal is the wired application.
type portal struct {
	handler  http.Handler
	web      *web.Server
	db       storage.Driver
	forms    *form.Registry
	drafts   *draft.Store
	cases    *submission.Cases
	relay    *notify.Relay
	mailbox  *devmail.Mailbox   // nil outside development
	fake     *bankidtest.Server // nil unless -bankid fake
	persons  []web.DevPerson
	login    string
	emailVia string
	workers  []func(context.Context) error
	closers  []func()
}

// Close releases everything build opened, in reverse order.
func (p *portal) Close() {
	for i := len(p.closers) - 1; i >= 0; i-- {
		p.closers[i]()
	}
}

// demoOrganisations are the organisations the first test persons may act
// for (StaticRepresentation); the numbers have valid check digits.
var demoOrganisations = []struct {
	pnr   string
	party identity.Party
}{
	{"195001182046", identity.Party{Kind: identity.PartyCompany, Name: "Exempelbolaget AB",
		Subject: identity.Subject{Scheme: identity.SchemeOrganisationsnummer, Value: "5560360793"},
		Mandate: &identity.Mandate{Source: identity.MandateSignatory, Permissions: []string{identity.PermissionAll}}}},
	{"195001182046", identity.Party{Kind: identity.PartyAssociation, Name: "Idrottsföreningen Exempel",
		Subject: identity.Subject{Scheme: identity.SchemeOrganisationsnummer, Value: "8020000009"},
		Mandate: &identity.Mandate{Source: identity.MandatePowerOfAttorneyPrefix + "FM-2026-001", Permissions: []string{identity.PermissionAll}}}},
	{"196001209136", identity.Party{Kind: identity.PartyAssociation, Name: "Idrottsföreningen Exempel",
		Subject: identity.Subject{Scheme: identity.SchemeOrganisationsnummer, Value: "8020000009"},
		Mandate: &identity.Mandate{Source: identity.MandateSignatory, Permissions: []string{identity.PermissionAll}}}},
}

// devOfficers are the staff accounts of the development officer login.
var devOfficers = []web.DevOfficer{
	{Account: "handlaggare1", Name: "Hanna Handläggare", Roles: []identity.Role{
		{Name: identity.RoleOfficer, Services: []string{identity.AllServices}}}},
	{Account: "registrator", Name: "Rut Registrator", Roles: []identity.Role{
		{Name: identity.RoleDisclosureReviewer, Services: []string{identity.AllServices}}}},
	{Account: "parkering", Name: "Per Parkering", Roles: []identity.Role{
		{Name: identity.RoleOfficer, Services: []string{forms.Parkeringstillstand}},
		{Name: identity.RoleDisclosureReviewer, Services: []string{forms.Parkeringstillstand}}}},
}

// build wires the library into the portal: SQLite in the data directory,
// the example e-services, the key ring, drafts, the submission pipeline
// and case handling, the e-ID provider and the representation.
func build(ctx context.Context, cfg config, logger *slog.Logger) (_ *portal, err error) {
	p := &portal{}
	now := cfg.now
	if now == nil {
		now = time.Now
	}
	defer func() {
		if err != nil {
			p.Close()
		}
	}()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	var db storage.Driver
	if cfg.Database != "" {
		// Several portal instances can share PostgreSQL.
		db, err = pgstore.Open(ctx, cfg.Database, &pgstore.Options{Logger: logger, Now: now})
	} else {
		// Group commit: concurrent applicants' writes share one flush.
		db, err = sqlitestore.Open(ctx, filepath.Join(cfg.DataDir, "etjanst.db"), &sqlitestore.Options{Logger: logger, Now: now})
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	p.db = db
	p.closers = append(p.closers, func() { _ = db.Close() })

	p.forms = form.NewRegistry(&form.RegistryOptions{Now: now})
	if err := forms.Register(p.forms); err != nil {
		return nil, fmt.Errorf("register e-services: %w", err)
	}
	ring, err := keyRing(cfg)
	if err != nil {
		return nil, err
	}
	p.drafts, err = draft.NewStore(db, p.forms, ring, &draft.Options{Logger: logger, Now: now})
	if err != nil {
		return nil, fmt.Errorf("draft store: %w", err)
	}
	janitor, err := draft.NewJanitor(p.drafts, nil)
	if err != nil {
		return nil, fmt.Errorf("draft janitor: %w", err)
	}
	p.workers = append(p.workers, janitor.Run)

	// Notices: the outbox is written in the transactions of submissions
	// and case events; the relay delivers after commit to the in-app inbox
	// and, in development, to the dev mailbox instead of email and SMS.
	ownerSecret, err := secretFile(cfg.DataDir, "notify-key", "ETJANST_NOTIFY_KEY", cfg.notifyKey)
	if err != nil {
		return nil, err
	}
	ownerKey, err := notify.HMACOwnerKey(ownerSecret)
	if err != nil {
		return nil, fmt.Errorf("notify owner key: %w", err)
	}
	inbox, err := notify.NewInbox(db, ownerKey, &notify.InboxOptions{Now: now})
	if err != nil {
		return nil, err
	}
	contacts, err := notify.NewContacts(db, ownerKey, &notify.ContactsOptions{Now: now})
	if err != nil {
		return nil, err
	}
	senders := map[notify.Channel]notify.Sender{notify.ChannelInbox: inbox}
	if cfg.BankID == "fake" && cfg.OIDCIssuer == "" {
		p.mailbox = devmail.New(500)
		senders[notify.ChannelEmail] = p.mailbox
		senders[notify.ChannelSMS] = p.mailbox
	}
	if cfg.SMTPAddr != "" {
		sec := map[string]email.Security{"starttls": email.SecurityStartTLS, "tls": email.SecurityImplicitTLS, "none": email.SecurityNone}[cfg.SMTPSecurity]
		smtp, err := email.New(cfg.SMTPAddr, cfg.SMTPFrom, &email.Options{
			Security: sec, Username: cfg.SMTPUser, Password: cfg.SMTPPassword, Now: now,
		})
		if err != nil {
			return nil, fmt.Errorf("smtp: %w", err)
		}
		senders[notify.ChannelEmail] = smtp
	}
	switch {
	case cfg.SMTPAddr != "":
		p.emailVia = "SMTP " + cfg.SMTPAddr
	case p.mailbox != nil:
		p.emailVia = "development mailbox"
	default:
		p.emailVia = "none (set -smtp-addr); notices reach the inbox on Mina sidor"
	}
	channels := make([]notify.Channel, 0, len(senders))
	for _, ch := range notify.Channels() {
		if senders[ch] != nil {
			channels = append(channels, ch)
		}
	}
	outbox, err := notify.NewOutbox(&notify.OutboxOptions{Channels: channels, Now: now})
	if err != nil {
		return nil, err
	}
	relay, err := notify.NewRelay(db, senders, contacts, &notify.RelayOptions{
		Link: publicURL(cfg) + "/mina-sidor", Organisation: cfg.Organisation, Logger: logger, Now: now,
	})
	if err != nil {
		return nil, fmt.Errorf("notify relay: %w", err)
	}
	p.relay = relay
	p.workers = append(p.workers, relay.Run, func(ctx context.Context) error { return purgeOutbox(ctx, relay, logger) })
	// The applicant's notices, and the new-case, reply and complement
	// notices to the officers who handle the e-service (here the
	// development staff accounts; a municipality plugs in its directory).
	notifier := submission.OutboxNotifier{Outbox: outbox, Officers: func(_ context.Context, service string) ([]identity.Subject, error) {
		var out []identity.Subject
		for _, o := range devOfficers {
			for _, r := range o.Roles {
				if r.Name == identity.RoleOfficer && r.Covers(service) {
					out = append(out, identity.Subject{Scheme: identity.SchemeOfficer, Value: o.Account})
					break
				}
			}
		}
		return out, nil
	}}

	pipe, err := submission.NewPipeline(db, p.drafts, &submission.Options{Notifier: notifier, Logger: logger, Now: now})
	if err != nil {
		return nil, fmt.Errorf("submission pipeline: %w", err)
	}
	cases, err := submission.NewCases(db, p.drafts, p.forms, &submission.CasesOptions{
		Notifier: notifier, Municipality: cfg.Organisation, Logger: logger, Now: now,
	})
	if err != nil {
		return nil, fmt.Errorf("case handling: %w", err)
	}
	p.cases = cases

	// Mina sidor: drafts, cases and the inbox; bookings would come from
	// the municipality's booking systems (none here).
	ms, err := minasidor.New(p.drafts, cases, inboxSource{inbox}, &minasidor.Options{Now: now, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("mina sidor: %w", err)
	}

	rep := identity.NewStaticRepresentation(&identity.StaticOptions{Now: now})
	for _, g := range demoOrganisations {
		if err := rep.Grant(identity.Subject{Scheme: identity.SchemePersonnummer, Value: g.pnr}, g.party); err != nil {
			return nil, fmt.Errorf("demo organisations: %w", err)
		}
	}

	opts := &web.Options{
		Organisation: cfg.Organisation, Logger: logger, Secure: cfg.Secure, Now: now,
		LoginsPerMinute: cfg.loginsPerMinute, DeskPageSize: cfg.deskPageSize,
		Contacts: contactStore{contacts}, Inbox: inboxReader{inbox},
		SessionIdle: cfg.SessionIdle, SessionMax: cfg.SessionMax,
	}
	var login identity.Provider
	switch {
	case cfg.OIDCIssuer != "":
		login, err = oidcProvider(ctx, cfg, logger)
		p.login = "OpenID Connect (" + cfg.OIDCIssuer + ")"
	case cfg.BankID == "fake":
		login, err = p.fakeBankID(logger, opts, now)
		p.login = "BankID fake (in-process)"
	default:
		login, err = realBankID(cfg, logger, opts)
		p.login = "BankID " + cfg.BankID
	}
	if err != nil {
		return nil, err
	}
	if p.mailbox != nil {
		opts.Mailbox = p.mailbox
	}
	p.web, err = web.New(web.Deps{
		Forms: p.forms, Drafts: p.drafts, Pipeline: pipe, Cases: cases, MinaSidor: ms,
		Login: login, Representation: rep,
	}, opts)
	if err != nil {
		return nil, err
	}
	p.handler = p.web
	return p, nil
}

// fakeBankID starts the in-process BankID fake and the development login
// (test persons, simulated scan).
func (p *portal) fakeBankID(logger *slog.Logger, opts *web.Options, now func() time.Time) (identity.Provider, error) {
	fake, err := bankidtest.NewServer(&bankidtest.Options{
		Now: now,
		// A tester may take a while to press "simulate": give the app the
		// whole order lifetime to start.
		StartTimeout: 3 * time.Minute,
		Logger:       logger,
	})
	if err != nil {
		return nil, fmt.Errorf("bankid fake: %w", err)
	}
	p.fake = fake
	p.closers = append(p.closers, fake.Close)
	client, err := fake.NewClient(&bankid.Options{Logger: logger, PollInterval: 500 * time.Millisecond, Now: now})
	if err != nil {
		return nil, fmt.Errorf("bankid fake client: %w", err)
	}
	p.closers = append(p.closers, client.Close)
	provider, err := bankid.NewProvider(client, nil)
	if err != nil {
		return nil, err
	}
	for _, tp := range bankidtest.Persons() {
		dp := web.DevPerson{PersonalNumber: tp.PersonalNumber, Name: tp.Name()}
		for _, g := range demoOrganisations {
			if g.pnr == tp.PersonalNumber {
				dp.Organisations = append(dp.Organisations, g.party.Name)
			}
		}
		p.persons = append(p.persons, dp)
	}
	opts.QR = bankidQR
	opts.DevOfficers = devOfficers
	opts.Dev = &web.DevLogin{
		Persons: p.persons,
		Scan: func(_ context.Context, ch identity.Challenge, pnr string) error {
			if ch.SameDevice {
				ref, err := fake.Open(ch.AutoStartToken, pnr)
				if err != nil {
					return err
				}
				return fake.Complete(ref)
			}
			_, err := fake.Sign(bankidQR(ch, now()), pnr)
			return err
		},
	}
	return provider, nil
}

// bankidQR computes the animated QR code of a BankID challenge locally.
func bankidQR(ch identity.Challenge, now time.Time) string {
	if ch.QRStartToken == "" || ch.Secret == "" {
		return ""
	}
	return bankid.QRData(ch.QRStartToken, ch.Secret, bankid.QRSeconds(ch.StartedAt, now))
}

// realBankID connects to BankID's test or production service.
func realBankID(cfg config, logger *slog.Logger, opts *web.Options) (identity.Provider, error) {
	p12, err := os.ReadFile(cfg.BankIDCert)
	if err != nil {
		return nil, fmt.Errorf("-bankid-cert: %w", err)
	}
	cert, err := bankid.LoadPKCS12(p12, cfg.BankIDPassword)
	if err != nil {
		return nil, err
	}
	caPEM, err := os.ReadFile(cfg.BankIDCA)
	if err != nil {
		return nil, fmt.Errorf("-bankid-ca: %w", err)
	}
	cas, err := bankid.ParseCAs(caPEM)
	if err != nil {
		return nil, err
	}
	url := bankid.TestURL
	if cfg.BankID == "production" {
		url = bankid.ProductionURL
	}
	client, err := bankid.New(bankid.Config{URL: url, Certificate: cert, RootCAs: cas}, &bankid.Options{Logger: logger})
	if err != nil {
		return nil, err
	}
	opts.QR = bankidQR
	return bankid.NewProvider(client, nil)
}

// oidcProvider logs in through an OpenID Connect provider (an identity
// broker for BankID, Freja eID+ and eIDAS).
func oidcProvider(ctx context.Context, cfg config, logger *slog.Logger) (identity.Provider, error) {
	base := publicURL(cfg)
	rp, err := oidc.New(ctx, oidc.Config{
		Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID, ClientSecret: cfg.OIDCSecret,
		RedirectURL: base + "/login/callback",
		ACRValues:   []string{string(identity.LoA3)},
	}, &oidc.Options{Logger: logger})
	if err != nil {
		return nil, err
	}
	return rp.Provider(), nil
}

// publicURL is the portal's base URL for links in notices and redirect
// URIs: -public-url, else http://ADDR.
func publicURL(cfg config) string {
	if cfg.PublicURL != "" {
		return strings.TrimSuffix(cfg.PublicURL, "/")
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	return scheme + "://" + displayAddr(cfg.Addr)
}

// secretFile returns a 32-byte secret: from the environment variable env
// (base64), or from the file name in dir, generated on first start and
// readable by the owner only. Losing it orphans what it keys.
func secretFile(dir, name, env, value string) ([]byte, error) {
	if value != "" {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(value))
		if err != nil || len(b) < 32 {
			return nil, fmt.Errorf("%s: want at least 32 bytes in standard base64", env)
		}
		return b, nil
	}
	path := filepath.Join(dir, name)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		secret := make([]byte, 32)
		_, _ = rand.Read(secret)
		data = []byte(base64.StdEncoding.EncodeToString(secret) + "\n")
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if _, err := f.Write(data); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return secret, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s is readable by others (mode %v): chmod 600 it", path, st.Mode().Perm())
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(b) < 32 {
		return nil, fmt.Errorf("%s: want at least 32 bytes in standard base64", path)
	}
	return b, nil
}

// keyRing returns the draft key ring: ETJANST_KEYRING, or the ring kept in
// the data directory (generated on first start, readable by the owner
// only). Losing it makes every draft unreadable.
func keyRing(cfg config) (*draft.KeyRing, error) {
	if cfg.KeyRing != "" {
		r, err := draft.ParseKeyRing(cfg.KeyRing)
		if err != nil {
			return nil, fmt.Errorf("ETJANST_KEYRING: %w", err)
		}
		return r, nil
	}
	path := filepath.Join(cfg.DataDir, "keyring")
	spec, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		pseudonym := make([]byte, 32)
		_, _ = rand.Read(pseudonym)
		k, err := draft.GenerateKey("k1")
		if err != nil {
			return nil, err
		}
		spec = []byte("pseudonym:" + base64.StdEncoding.EncodeToString(pseudonym) + ";" +
			k.ID + ":" + base64.StdEncoding.EncodeToString(k.Secret) + "\n")
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("key ring: %w", err)
		}
		if _, err := f.Write(spec); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("key ring: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("key ring: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("key ring: %w", err)
	} else if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("key ring %s is readable by others (mode %v): chmod 600 it", path, st.Mode().Perm())
	}
	r, err := draft.ParseKeyRing(strings.TrimSpace(string(spec)))
	if err != nil {
		return nil, fmt.Errorf("key ring %s: %w", path, err)
	}
	return r, nil
}

// printBanner tells where the portal runs and how to log in.
func (p *portal) printBanner(w io.Writer, url string) {
	fmt.Fprintf(w, "etjanst portal: %s/\n", strings.TrimSuffix(url, "/"))
	fmt.Fprintf(w, "login: %s\n", p.login)
	fmt.Fprintf(w, "email: %s\n", p.emailVia)
	if len(p.persons) > 0 {
		fmt.Fprintln(w, "test logins (pick one on the login page, then press \"Simulera skanning\"):")
		for _, tp := range p.persons {
			orgs := ""
			if len(tp.Organisations) > 0 {
				orgs = " – may represent " + strings.Join(tp.Organisations, ", ")
			}
			fmt.Fprintf(w, "  %s-%s  %s%s\n", tp.PersonalNumber[:8], tp.PersonalNumber[8:], tp.Name, orgs)
		}
	}
	fmt.Fprintf(w, "e-services: %s\n", strings.Join(forms.IDs(), ", "))
	if len(p.persons) > 0 {
		fmt.Fprintf(w, "case officers: %s/handlaggare/login (", strings.TrimSuffix(url, "/"))
		for i, o := range devOfficers {
			if i > 0 {
				fmt.Fprint(w, ", ")
			}
			fmt.Fprint(w, o.Account)
		}
		fmt.Fprintln(w, ")")
	}
	if p.mailbox != nil {
		fmt.Fprintf(w, "development mailbox (what email and SMS would carry): %s/dev/mail\n", strings.TrimSuffix(url, "/"))
	}
}

// purgeOutbox is the daily gallring of delivered and dead-lettered notices:
// sent rows after 30 days (their dedupe keys guard retries until then),
// dead ones, which keep the recipient, after 90 days (time to requeue
// them after an outage).
func purgeOutbox(ctx context.Context, relay *notify.Relay, logger *slog.Logger) error {
	tick := time.NewTicker(24 * time.Hour)
	defer tick.Stop()
	for {
		for _, purge := range []struct {
			what string
			run  func(context.Context, time.Duration) (int, error)
			age  time.Duration
		}{{"sent", relay.PurgeSent, 30 * 24 * time.Hour}, {"dead", relay.PurgeDead, 90 * 24 * time.Hour}} {
			for {
				n, err := purge.run(ctx, purge.age)
				if err != nil {
					logger.Warn("portal: outbox purge failed", "rows", purge.what, "err", err)
					break
				}
				if n > 0 {
					logger.Info("portal: outbox purged", "rows", purge.what, "n", n)
				}
				if n < storage.MaxLimit {
					break
				}
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}
