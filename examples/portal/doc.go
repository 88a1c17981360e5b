// Command portal is the example municipal e-service portal: the etjanst
// packages wired together the way a municipal developer would wire them.
//
//	go run ./examples/portal
//
// With no configuration it keeps an SQLite database in ./portal-data (a
// generated draft key ring beside it, mode 0600), publishes the three
// example e-services of examples/forms, runs the BankID fake in-process and
// prints its URL and the test logins. The login page offers Skatteverket
// test persons; "Simulera skanning" plays the BankID app. Notices (receipt,
// acknowledgement, messages, complement requests, decisions) go through the
// notify outbox to the in-app inbox on Mina sidor and, in development,
// to the development mailbox at /dev/mail instead of email and SMS.
//
// Flags, each defaulting to an environment variable (portal -h lists them),
// switch to real services:
//
//	-addr, ETJANST_ADDR             listen address (127.0.0.1:8080)
//	-data, ETJANST_DATA             data directory (portal-data)
//	-org, ETJANST_ORG               the municipality's name
//	-public-url, ETJANST_PUBLIC_URL the public base URL (redirect URIs)
//	-tls-cert, -tls-key             serve HTTPS (Secure cookies, HSTS)
//	-secure, ETJANST_SECURE         a proxy in front terminates TLS
//	-bankid test|production         real BankID with -bankid-cert (.p12,
//	                                password in ETJANST_BANKID_CERT_PASSWORD)
//	                                and -bankid-ca (BankID's CA, PEM)
//	-oidc-issuer, -oidc-client-id   log in through an OpenID Connect broker
//	                                (secret in ETJANST_OIDC_CLIENT_SECRET)
//	-smtp-addr, -smtp-from          send email notices by SMTP (-smtp-user,
//	                                ETJANST_SMTP_PASSWORD, -smtp-security
//	                                starttls|tls|none)
//	ETJANST_DATABASE                a PostgreSQL DSN (postgres://...) instead
//	                                of the SQLite file, so that several portal
//	                                instances share one database
//	ETJANST_KEYRING                 the draft key ring from a secret store
//	                                instead of the data directory
//	ETJANST_NOTIFY_KEY              the secret of the notice owner keys
//
// Secrets are read from the environment only, never from flags.
//
// The application logic is in internal/web (HTTP) and the library packages;
// internal/kvittens writes the PDF receipt. The tests drive the portal over
// HTTP without JavaScript and, when Chromium is installed, in a real
// browser (see browser_test.go).
package main
