package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
)

// Contact is how a person wants to be notified: an email address, a mobile
// number, a language and the channels (besides the inbox, which always gets
// every notice). It holds personal data: LogValue shows only which parts
// are present.
type Contact struct {
	// Email is the email address; empty when none.
	Email string
	// Phone is the mobile number in E.164 form ("+46701234567"); empty
	// when none. Set normalises "070-123 45 67" to that form.
	Phone string
	// Lang is the preferred language; empty means Swedish.
	Lang Lang
	// Channels lists the channels the person wants notices on besides the
	// inbox: ChannelEmail, ChannelSMS.
	Channels []Channel
}

// Wants reports whether the person wants notices on ch and has an address
// for it. The inbox is always wanted.
func (c Contact) Wants(ch Channel) bool {
	switch ch {
	case ChannelInbox:
		return true
	case ChannelEmail:
		return c.Email != "" && slices.Contains(c.Channels, ChannelEmail)
	case ChannelSMS:
		return c.Phone != "" && slices.Contains(c.Channels, ChannelSMS)
	}
	return false
}

// Address returns the address for ch: the email address or the phone number.
func (c Contact) Address(ch Channel) string {
	switch ch {
	case ChannelEmail:
		return c.Email
	case ChannelSMS:
		return c.Phone
	}
	return ""
}

// LogValue logs whether an address and a number are present, the language
// and the channels; never the address or the number.
func (c Contact) LogValue() slog.Value {
	chs := make([]string, len(c.Channels))
	for i, ch := range c.Channels {
		chs[i] = string(ch)
	}
	return slog.GroupValue(
		slog.Bool("email", c.Email != ""),
		slog.Bool("phone", c.Phone != ""),
		slog.String("lang", string(c.Lang)),
		slog.String("channels", strings.Join(chs, ",")),
	)
}

// Caps on contact details.
const (
	maxEmailLen = 254 // RFC 5321 path limit
)

// Normalize returns c with its address trimmed and lower-cased domain, its
// phone number in E.164 form and its channels de-duplicated, and checks
// it: a valid address without display name, a Swedish (07x...) or
// international (+...) mobile number of 8 to 15 digits, a supported
// language, known channels. Errors wrap ErrInvalidContact and never contain
// the values.
func (c Contact) Normalize() (Contact, error) {
	out := Contact{Lang: c.Lang}
	if out.Lang != "" && !out.Lang.valid() {
		return Contact{}, fmt.Errorf("%w: unsupported language", ErrInvalidContact)
	}
	if e := strings.TrimSpace(c.Email); e != "" {
		if len(e) > maxEmailLen {
			return Contact{}, fmt.Errorf("%w: email address longer than %d bytes", ErrInvalidContact, maxEmailLen)
		}
		a, err := mail.ParseAddress(e)
		if err != nil || a.Name != "" || a.Address != e || strings.ContainsAny(e, "\r\n") {
			return Contact{}, fmt.Errorf("%w: malformed email address", ErrInvalidContact)
		}
		at := strings.LastIndexByte(e, '@')
		if at <= 0 || !strings.Contains(e[at+1:], ".") {
			return Contact{}, fmt.Errorf("%w: email address needs a domain with a dot", ErrInvalidContact)
		}
		out.Email = e[:at+1] + strings.ToLower(e[at+1:])
	}
	if p := strings.TrimSpace(c.Phone); p != "" {
		e164, err := normalizePhone(p)
		if err != nil {
			return Contact{}, err
		}
		out.Phone = e164
	}
	for _, ch := range c.Channels {
		switch ch {
		case ChannelEmail, ChannelSMS:
		case ChannelInbox:
			continue // always on
		default:
			return Contact{}, fmt.Errorf("%w: unknown channel", ErrInvalidContact)
		}
		if !slices.Contains(out.Channels, ch) {
			out.Channels = append(out.Channels, ch)
		}
	}
	return out, nil
}

// normalizePhone turns "070-123 45 67", "+46 70 123 45 67" or
// "0046701234567" into "+46701234567".
func normalizePhone(p string) (string, error) {
	var b strings.Builder
	for i, r := range p {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')':
		default:
			return "", fmt.Errorf("%w: malformed phone number", ErrInvalidContact)
		}
	}
	s := b.String()
	switch {
	case strings.HasPrefix(s, "+"):
	case strings.HasPrefix(s, "00"):
		s = "+" + s[2:]
	case strings.HasPrefix(s, "0"):
		s = "+46" + s[1:]
	default:
		return "", fmt.Errorf("%w: phone number needs a leading 0 or +", ErrInvalidContact)
	}
	if n := len(s) - 1; n < 8 || n > 15 || s[1] == '0' {
		return "", fmt.Errorf("%w: phone number length", ErrInvalidContact)
	}
	return s, nil
}

// Directory tells the Relay how to reach a person. Implement it to plug in
// the municipality's own register; Contacts is the storage-backed default
// (what the person entered on Mina sidor).
//
// Lookup returns the person's contact details, or the zero Contact and a
// nil error when there are none (the notice then goes to the inbox only).
// An error means the lookup failed and is retried with the notice. It must
// be safe for concurrent use.
type Directory interface {
	Lookup(ctx context.Context, who identity.Subject) (Contact, error)
}

// DirectoryFunc adapts a function to Directory.
type DirectoryFunc func(ctx context.Context, who identity.Subject) (Contact, error)

// Lookup calls f(ctx, who).
func (f DirectoryFunc) Lookup(ctx context.Context, who identity.Subject) (Contact, error) {
	return f(ctx, who)
}

// OwnerKeyFunc turns a person into the opaque key stored with their inbox
// messages and contact details, so that no identity number reaches those
// tables. It must be deterministic.
type OwnerKeyFunc func(identity.Subject) string

// MinOwnerKeySecret is the shortest secret HMACOwnerKey accepts.
const MinOwnerKeySecret = 32

// HMACOwnerKey returns an OwnerKeyFunc giving "h1:" and the unpadded
// base64url HMAC-SHA256 of the subject's key under secret. A plain hash
// would not do: the space of personnummer is small enough to enumerate.
// Keep the secret as long as the data: a new secret orphans every stored
// inbox message and contact.
//
// Errors: a secret shorter than MinOwnerKeySecret bytes.
func HMACOwnerKey(secret []byte) (OwnerKeyFunc, error) {
	if len(secret) < MinOwnerKeySecret {
		return nil, fmt.Errorf("notify: owner key secret shorter than %d bytes", MinOwnerKeySecret)
	}
	key := slices.Clone(secret)
	return func(s identity.Subject) string {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(s.Key()))
		return "h1:" + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	}, nil
}

// ContactsOptions configures Contacts. A nil *ContactsOptions means
// defaults.
type ContactsOptions struct {
	// Now stamps updates. Defaults to time.Now.
	Now func() time.Time
}

// Contacts stores the contact details people enter on Mina sidor, keyed by
// an OwnerKeyFunc, and serves them to the Relay as its Directory. It is safe
// for concurrent use.
type Contacts struct {
	db  storage.Driver
	key OwnerKeyFunc
	now func() time.Time
}

var _ Directory = (*Contacts)(nil)

// NewContacts returns the storage-backed Directory on db. ownerKey must be
// the same function the Inbox uses; see HMACOwnerKey.
func NewContacts(db storage.Driver, ownerKey OwnerKeyFunc, opts *ContactsOptions) (*Contacts, error) {
	if db == nil || ownerKey == nil {
		return nil, errors.New("notify: contacts: nil driver or owner key")
	}
	c := &Contacts{db: db, key: ownerKey, now: time.Now}
	if opts != nil && opts.Now != nil {
		c.now = opts.Now
	}
	return c, nil
}

// Lookup returns who's contact details, or the zero Contact when none are
// stored. It implements Directory.
func (c *Contacts) Lookup(ctx context.Context, who identity.Subject) (Contact, error) {
	if err := who.Validate(); err != nil {
		return Contact{}, fmt.Errorf("notify: contacts: %w", err)
	}
	row, err := c.db.ContactGet(ctx, &storage.ContactGetParams{Owner: c.key(who)})
	if errors.Is(err, storage.ErrNotFound) {
		return Contact{}, nil
	}
	if err != nil {
		return Contact{}, fmt.Errorf("notify: contacts: lookup: %w", err)
	}
	out := Contact{Email: row.Email, Phone: row.Phone, Lang: Lang(row.Lang)}
	for _, ch := range row.Channels {
		out.Channels = append(out.Channels, Channel(ch))
	}
	return out, nil
}

// Set stores who's contact details, replacing earlier ones, after
// Normalize. Call it only for the person logged in as who: it makes no
// access decision of its own.
//
// Errors: ErrInvalidContact (from Normalize); identity.ErrInvalidSubject.
func (c *Contacts) Set(ctx context.Context, who identity.Subject, contact Contact) error {
	if err := who.Validate(); err != nil {
		return fmt.Errorf("notify: contacts: %w", err)
	}
	n, err := contact.Normalize()
	if err != nil {
		return err
	}
	chs := make([]string, len(n.Channels))
	for i, ch := range n.Channels {
		chs[i] = string(ch)
	}
	if _, err := c.db.ContactUpsert(ctx, &storage.ContactUpsertParams{
		Owner: c.key(who), Email: n.Email, Phone: n.Phone, Lang: string(n.Lang), Channels: chs, UpdatedAt: c.now(),
	}); err != nil {
		return fmt.Errorf("notify: contacts: set: %w", err)
	}
	return nil
}

// Delete removes who's contact details; none stored is not an error.
func (c *Contacts) Delete(ctx context.Context, who identity.Subject) error {
	if err := who.Validate(); err != nil {
		return fmt.Errorf("notify: contacts: %w", err)
	}
	err := c.db.ContactDelete(ctx, &storage.ContactDeleteParams{Owner: c.key(who)})
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("notify: contacts: delete: %w", err)
	}
	return nil
}
