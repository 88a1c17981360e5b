// Package web is the citizen side of the example portal: the HTTP handlers,
// templates and static files that put the etjanst packages in front of a
// browser. It is plain net/http and html/template; the pages work without
// JavaScript, which only animates the BankID QR code and moves focus to
// error summaries.
//
// The pages: an e-service catalogue filtered by whom the applicant acts
// for; the e-ID login (BankID with the animated QR code and a same-device
// link, or a redirect provider such as OpenID Connect; in development a
// test person and a simulated scan) and the choice to act for oneself or
// for a company or association; each step of a draft rendered from its form
// definition with Back, Next and Spara (save), an error summary linking to
// every invalid field, conditions evaluated on the server, repeating
// groups and file uploads; a review page; submission; the receipt with a
// PDF kvittens; Mina sidor with drafts, ongoing and closed cases, messages
// and contact preferences; and the case page with the thread, a reply and
// the complement form.
//
// The officer desk (/handlaggare) shows the cases of the e-services an
// officer handles, a case with its answers and secrecy flags (each read is
// audited by the library), and acknowledges, messages, requests
// complements and closes. Disclosure requests (/utlamnande, anonymous
// allowed) are reviewed item by item and released with masked values and a
// written decision. In development, staff log in with test accounts;
// otherwise through the same provider, with roles mapped from its groups.
//
// # Access control
//
// Citizens' pages send officers to the desk and the desk sends citizens to
// the officer login; the library checks each officer's roles per
// e-service. Every draft and case operation passes the session's
// identity.Principal
// to the library, which answers anyone else's draft or case exactly like a
// missing one (404). Opening a draft needs a fresh login (draft.Options
// MaxAuthAge): a stale login is sent through the login again and back to
// the same draft, acting for the same party.
//
// # Security
//
// Sessions live on the server; the cookie holds a random 256-bit ID
// (HttpOnly, SameSite=Lax, Secure and __Host- prefixed over TLS), with idle
// and absolute timeouts and a new ID at login. Every state change is a POST
// checked by http.CrossOriginProtection and by the session's CSRF token.
// The Content-Security-Policy allows only the portal's own script, loaded
// with a per-response nonce, and no inline code. Personal pages are sent
// with Cache-Control: no-store. Logins are rate limited per client
// address. URLs carry opaque IDs only, and logs carry routes, statuses and
// masked subjects, never personal data.
//
// # Errors
//
// Handlers answer domain errors with the status of httpserver.Status and
// its message in Swedish or English; unexpected errors are logged with IDs
// only.
package web
