package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// config is the portal's configuration: flags, each defaulting to an
// environment variable, and secrets from the environment only (never
// flags, which other users of the machine can read in the process list).
type config struct {
	Addr    string
	DataDir string
	// Database is a PostgreSQL DSN (postgres://...) to use instead of the
	// SQLite file in DataDir; the secret part may come from the environment.
	Database     string
	Organisation string
	PublicURL    string
	Secure       bool
	TLSCert      string
	TLSKey       string
	LogLevel     string

	// BankID: "fake" (the in-process fake, the default), "test" or
	// "production".
	BankID         string
	BankIDCert     string // PKCS#12 file of the RP certificate
	BankIDPassword string // env ETJANST_BANKID_CERT_PASSWORD
	BankIDCA       string // PEM file of BankID's CA for the environment

	// OpenID Connect, instead of BankID, when OIDCIssuer is set.
	OIDCIssuer   string
	OIDCClientID string
	OIDCSecret   string // env ETJANST_OIDC_CLIENT_SECRET

	// SMTP sends email notices through the municipality's mail server
	// when SMTPAddr is set; otherwise development delivers them to the dev
	// mailbox and production sends no email.
	SMTPAddr     string
	SMTPFrom     string
	SMTPUser     string
	SMTPPassword string // env ETJANST_SMTP_PASSWORD
	SMTPSecurity string // "starttls" (default), "tls" or "none"

	// KeyRing is the draft key ring spec (env ETJANST_KEYRING); empty means
	// the ring generated and kept in the data directory.
	KeyRing string
	// notifyKey is the secret of the notify owner keys (env
	// ETJANST_NOTIFY_KEY, base64); empty means the one in the data
	// directory.
	notifyKey string

	SessionIdle time.Duration
	SessionMax  time.Duration

	// now is the clock of every component; tests set it. Nil means
	// time.Now.
	now func() time.Time
	// loginsPerMinute overrides the login rate limit per address (the load
	// benchmark logs in many applicants from one address). Zero means the
	// portal's default.
	loginsPerMinute int
	// deskPageSize overrides the officer desk's page size (tests page
	// through a few cases). Zero means the portal's default.
	deskPageSize int
}

// envVars documents every variable, for the usage text.
var envVars = [][2]string{
	{"ETJANST_ADDR", "-addr"},
	{"ETJANST_DATA", "-data"},
	{"ETJANST_ORG", "-org"},
	{"ETJANST_PUBLIC_URL", "-public-url"},
	{"ETJANST_SECURE", "-secure"},
	{"ETJANST_TLS_CERT", "-tls-cert"},
	{"ETJANST_TLS_KEY", "-tls-key"},
	{"ETJANST_LOG_LEVEL", "-log-level"},
	{"ETJANST_BANKID", "-bankid"},
	{"ETJANST_BANKID_CERT", "-bankid-cert"},
	{"ETJANST_BANKID_CA", "-bankid-ca"},
	{"ETJANST_OIDC_ISSUER", "-oidc-issuer"},
	{"ETJANST_OIDC_CLIENT_ID", "-oidc-client-id"},
	{"ETJANST_SMTP_ADDR", "-smtp-addr"},
	{"ETJANST_SMTP_FROM", "-smtp-from"},
	{"ETJANST_SMTP_USER", "-smtp-user"},
	{"ETJANST_SMTP_SECURITY", "-smtp-security"},
	{"ETJANST_SESSION_IDLE", "-session-idle"},
	{"ETJANST_SESSION_MAX", "-session-max"},
}

// parseConfig reads flags from args with defaults from getenv.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var c config
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", env("ETJANST_ADDR", "127.0.0.1:8080"), "listen address")
	fs.StringVar(&c.DataDir, "data", env("ETJANST_DATA", "portal-data"), "data directory (SQLite database, key ring)")
	c.Database = env("ETJANST_DATABASE", "") // a DSN may hold a password: environment only
	fs.StringVar(&c.Organisation, "org", env("ETJANST_ORG", "Exempelkommunen"), "the municipality's name")
	fs.StringVar(&c.PublicURL, "public-url", env("ETJANST_PUBLIC_URL", ""), "public base URL, e.g. https://e-tjanster.kommun.se (defaults to http://ADDR)")
	secure := fs.String("secure", env("ETJANST_SECURE", ""), "true when a proxy in front terminates TLS (Secure cookies, HSTS)")
	fs.StringVar(&c.TLSCert, "tls-cert", env("ETJANST_TLS_CERT", ""), "serve HTTPS with this certificate (PEM)")
	fs.StringVar(&c.TLSKey, "tls-key", env("ETJANST_TLS_KEY", ""), "the key of -tls-cert (PEM)")
	fs.StringVar(&c.LogLevel, "log-level", env("ETJANST_LOG_LEVEL", "info"), "debug, info, warn or error")
	fs.StringVar(&c.BankID, "bankid", env("ETJANST_BANKID", "fake"), "BankID: fake (in-process, test persons), test or production")
	fs.StringVar(&c.BankIDCert, "bankid-cert", env("ETJANST_BANKID_CERT", ""), "RP certificate (.p12) for -bankid test|production; password in ETJANST_BANKID_CERT_PASSWORD")
	fs.StringVar(&c.BankIDCA, "bankid-ca", env("ETJANST_BANKID_CA", ""), "BankID CA certificate (PEM) for -bankid test|production")
	fs.StringVar(&c.OIDCIssuer, "oidc-issuer", env("ETJANST_OIDC_ISSUER", ""), "log in through this OpenID Connect provider instead of BankID; secret in ETJANST_OIDC_CLIENT_SECRET")
	fs.StringVar(&c.OIDCClientID, "oidc-client-id", env("ETJANST_OIDC_CLIENT_ID", ""), "client ID at -oidc-issuer")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", env("ETJANST_SMTP_ADDR", ""), "send email notices through this SMTP server (host:port); password in ETJANST_SMTP_PASSWORD")
	fs.StringVar(&c.SMTPFrom, "smtp-from", env("ETJANST_SMTP_FROM", ""), "sender of email notices, e.g. \"Exempelkommunen <noreply@kommun.example>\"")
	fs.StringVar(&c.SMTPUser, "smtp-user", env("ETJANST_SMTP_USER", ""), "SMTP user name (AUTH PLAIN over TLS)")
	fs.StringVar(&c.SMTPSecurity, "smtp-security", env("ETJANST_SMTP_SECURITY", "starttls"), "starttls (port 587), tls (port 465) or none (a relay on the same host)")
	idle := fs.String("session-idle", env("ETJANST_SESSION_IDLE", "30m"), "end sessions after this long without requests")
	maxAge := fs.String("session-max", env("ETJANST_SESSION_MAX", "8h"), "end sessions this long after login")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: portal [flags]\n\nThe example etjanst portal. With no flags it runs on SQLite in ./portal-data with the BankID fake.\n\nFlags (each defaults to the environment variable named):")
		fs.PrintDefaults()
		fmt.Fprintln(stderr, "\nEnvironment:")
		for _, e := range envVars {
			fmt.Fprintf(stderr, "  %-28s %s\n", e[0], e[1])
		}
		fmt.Fprintln(stderr, "  ETJANST_BANKID_CERT_PASSWORD  password of -bankid-cert\n  ETJANST_OIDC_CLIENT_SECRET    client secret at -oidc-issuer\n  ETJANST_SMTP_PASSWORD         password of -smtp-user\n  ETJANST_KEYRING               draft key ring \"pseudonym:B64;ID:B64\" (default: generated in -data)\n  ETJANST_NOTIFY_KEY            secret of the notice owner keys, 32+ bytes base64 (default: generated in -data)")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, err
		}
		return config{}, errUsage
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	var err error
	if *secure != "" {
		if c.Secure, err = strconv.ParseBool(*secure); err != nil {
			return config{}, fmt.Errorf("-secure: %w", err)
		}
	}
	if c.SessionIdle, err = time.ParseDuration(*idle); err != nil || c.SessionIdle <= 0 {
		return config{}, fmt.Errorf("-session-idle: want a positive duration such as 30m")
	}
	if c.SessionMax, err = time.ParseDuration(*maxAge); err != nil || c.SessionMax <= 0 {
		return config{}, fmt.Errorf("-session-max: want a positive duration such as 8h")
	}
	c.BankIDPassword = getenv("ETJANST_BANKID_CERT_PASSWORD")
	c.OIDCSecret = getenv("ETJANST_OIDC_CLIENT_SECRET")
	c.KeyRing = getenv("ETJANST_KEYRING")
	c.SMTPPassword = getenv("ETJANST_SMTP_PASSWORD")
	c.notifyKey = getenv("ETJANST_NOTIFY_KEY")
	if c.TLSCert != "" {
		c.Secure = true
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return config{}, errors.New("-tls-cert and -tls-key go together")
	}
	switch c.BankID {
	case "fake":
	case "test", "production":
		if c.BankIDCert == "" || c.BankIDCA == "" {
			return config{}, fmt.Errorf("-bankid %s needs -bankid-cert and -bankid-ca", c.BankID)
		}
	default:
		return config{}, fmt.Errorf("-bankid: want fake, test or production, not %q", c.BankID)
	}
	if c.SMTPAddr != "" && c.SMTPFrom == "" {
		return config{}, errors.New("-smtp-addr needs -smtp-from")
	}
	switch c.SMTPSecurity {
	case "starttls", "tls", "none":
	default:
		return config{}, fmt.Errorf("-smtp-security: want starttls, tls or none, not %q", c.SMTPSecurity)
	}
	if c.OIDCIssuer != "" && c.OIDCClientID == "" {
		return config{}, errors.New("-oidc-issuer needs -oidc-client-id")
	}
	return c, nil
}
