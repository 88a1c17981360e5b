package notify

import (
	"fmt"
	"log/slog"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/etjanst/etjanst/identity"
)

// Kind names the kind of event a notice is about. Each kind has templates in
// Swedish and English (see Templates); the built-in kinds below have
// defaults, and a municipality may add its own.
type Kind string

// The built-in kinds.
const (
	// KindReceipt confirms a submitted application (kvittens).
	KindReceipt Kind = "receipt"
	// KindCaseReceived tells the applicant that a case officer has
	// received the case.
	KindCaseReceived Kind = "caseReceived"
	// KindNewMessage tells the applicant that an officer wrote to them.
	KindNewMessage Kind = "newMessage"
	// KindReplied tells an officer that the applicant answered.
	KindReplied Kind = "replied"
	// KindComplementRequested asks the applicant to complement the case
	// (komplettering).
	KindComplementRequested Kind = "complementRequested"
	// KindComplemented confirms that a complement has arrived.
	KindComplemented Kind = "complemented"
	// KindDecision tells the applicant that the case has been decided.
	KindDecision Kind = "decision"
	// KindNewCase tells the officers of an e-service that a case has
	// arrived.
	KindNewCase Kind = "newCase"
	// KindDraftExpiring warns that an unfinished application will soon be
	// deleted.
	KindDraftExpiring Kind = "draftExpiring"
)

// Kinds returns the built-in kinds, in a stable order.
func Kinds() []Kind {
	return []Kind{KindReceipt, KindCaseReceived, KindNewMessage, KindReplied, KindComplementRequested,
		KindComplemented, KindDecision, KindNewCase, KindDraftExpiring}
}

// Lang is the language of a notice.
type Lang string

// The supported languages. Swedish is the default.
const (
	Swedish Lang = "sv"
	English Lang = "en"
)

// Langs returns the supported languages, Swedish first.
func Langs() []Lang { return []Lang{Swedish, English} }

func (l Lang) valid() bool { return l == Swedish || l == English }

// Text is a user-facing text in Swedish and English.
type Text struct {
	// SV is the Swedish text.
	SV string `json:"sv"`
	// EN is the English text.
	EN string `json:"en"`
}

// In returns the text in l: English for English, Swedish otherwise, and
// Swedish when the English text is empty.
func (t Text) In(l Lang) string {
	if l == English && t.EN != "" {
		return t.EN
	}
	return t.SV
}

// Channel names a way of delivering a notice.
type Channel string

// The channels. Every message goes to the inbox; email and SMS only to
// recipients who chose them (see Contact).
const (
	// ChannelInbox is the in-app inbox on Mina sidor (see Inbox).
	ChannelInbox Channel = "inbox"
	// ChannelEmail is e-mail (see package notify/email).
	ChannelEmail Channel = "email"
	// ChannelSMS is a text message (see package notify/sms).
	ChannelSMS Channel = "sms"
)

// Channels returns the built-in channels: inbox, email, sms.
func Channels() []Channel { return []Channel{ChannelInbox, ChannelEmail, ChannelSMS} }

// Well-known keys of Message.Data used by the default inbox templates.
const (
	// DataText is the officer's message, complement request or decision
	// text, shown in the inbox only.
	DataText = "text"
	// DataDue is the due date of a complement request (YYYY-MM-DD).
	DataDue = "due"
	// DataService is the name of the e-service, shown in the inbox only:
	// even the name of a service can reveal something about a person
	// ("ekonomiskt bistånd"), so email and SMS never carry it.
	DataService = "service"
)

// Size caps of a Message.
const (
	MaxKindLen      = 64
	MaxCaseRefLen   = 64
	MaxDedupeKeyLen = 256
	MaxDataEntries  = 32
	MaxDataKeyLen   = 64
	MaxDataBytes    = 16 << 10
)

// Message is one notice to one person about one event. Build it inside the
// business transaction and queue it with Outbox.EnqueueTx.
//
// A Message holds personal data (the recipient, the data): its LogValue shows
// only the kind, the case reference and the masked recipient.
type Message struct {
	// Kind is the kind of event. Required; it must have templates.
	Kind Kind
	// Recipient is the person (or officer) to notify. Required.
	Recipient identity.Subject
	// CaseRef is the case reference (diarienummer), e.g. "KS 2026/0042".
	// Optional. It appears in email and SMS, so it must be a reference,
	// never a description: at most MaxCaseRefLen bytes of letters,
	// digits, spaces and "/-.:_", and nothing that looks like a
	// personnummer.
	CaseRef string
	// Lang is the language of the notice. Empty means the recipient's
	// preference from the Directory, else Swedish.
	Lang Lang
	// Data is template data for the in-app inbox only: the officer's
	// message text (DataText), a due date (DataDue), the e-service's name
	// (DataService) or keys of custom templates. It is never passed to an
	// email or SMS template nor to an email or SMS Sender, and it is
	// dropped from the outbox rows of those channels. Keep case contents
	// and personal data out of it all the same: what the inbox shows, the
	// recipient may read on a shared screen. At most MaxDataEntries
	// entries, keys of letters, digits and '_', MaxDataBytes in all.
	Data map[string]string
	// DedupeKey identifies the event, e.g. "receipt/<case id>": queuing
	// a second message with the same key (before the first is purged) is
	// a no-op. Required; at most MaxDedupeKeyLen bytes. It is stored only
	// as a hash.
	DedupeKey string
}

// LogValue logs the kind, the case reference, the language and the masked
// recipient; never the data or the dedupe key.
func (m Message) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("kind", string(m.Kind)),
		slog.String("case_ref", m.CaseRef),
		slog.String("lang", string(m.Lang)),
		slog.String("recipient", m.Recipient.Masked()),
	)
}

// Validate checks the message's fields against the rules documented on
// Message. Errors wrap ErrInvalidMessage and never contain the values.
func (m Message) Validate() error {
	if err := validKind(m.Kind); err != nil {
		return err
	}
	if err := m.Recipient.Validate(); err != nil {
		return fmt.Errorf("%w: recipient: %w", ErrInvalidMessage, err)
	}
	if err := validCaseRef(m.CaseRef); err != nil {
		return err
	}
	if m.Lang != "" && !m.Lang.valid() {
		return fmt.Errorf("%w: unsupported language", ErrInvalidMessage)
	}
	switch {
	case m.DedupeKey == "":
		return fmt.Errorf("%w: empty dedupe key", ErrInvalidMessage)
	case len(m.DedupeKey) > MaxDedupeKeyLen:
		return fmt.Errorf("%w: dedupe key longer than %d bytes", ErrInvalidMessage, MaxDedupeKeyLen)
	}
	return validData(m.Data)
}

func validKind(k Kind) error {
	if k == "" || len(k) > MaxKindLen {
		return fmt.Errorf("%w: kind empty or longer than %d bytes", ErrInvalidMessage, MaxKindLen)
	}
	for _, r := range k {
		if !isASCIIAlnum(r) && r != '_' && r != '-' && r != '.' {
			return fmt.Errorf("%w: kind has characters other than letters, digits, '_', '-' and '.'", ErrInvalidMessage)
		}
	}
	return nil
}

func validCaseRef(ref string) error {
	if len(ref) > MaxCaseRefLen {
		return fmt.Errorf("%w: case reference longer than %d bytes", ErrInvalidMessage, MaxCaseRefLen)
	}
	if !utf8.ValidString(ref) {
		return fmt.Errorf("%w: case reference is not valid UTF-8", ErrInvalidMessage)
	}
	for _, r := range ref {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ' ' && r != '/' && r != '-' && r != '.' && r != ':' && r != '_' {
			return fmt.Errorf("%w: case reference has characters other than letters, digits, space and /-.:_", ErrInvalidMessage)
		}
	}
	if looksLikeIDNumber(ref) {
		return fmt.Errorf("%w: case reference looks like an identity number", ErrInvalidMessage)
	}
	return nil
}

// looksLikeIDNumber reports whether s has a run of ten or more digits (of
// any script), with at most one separator among them (a dash, '+', a
// space, '.', '_' or ':', in any of their Unicode forms): the shape of a
// personnummer, samordningsnummer or organisationsnummer, however it is
// written (also a phone number). '/' does not join: "KS 2026/000042" is a
// reference.
func looksLikeIDNumber(s string) bool {
	digits, seps := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits++
			if digits >= 10 {
				return true
			}
		case digits > 0 && seps == 0 && idSeparator(r):
			seps++
		default:
			digits, seps = 0, 0
		}
	}
	return false
}

func idSeparator(r rune) bool {
	return strings.ContainsRune("-+._:", r) || unicode.Is(unicode.Pd, r) || unicode.Is(unicode.Zs, r) || r == '\u2212'
}

func validData(data map[string]string) error {
	if len(data) > MaxDataEntries {
		return fmt.Errorf("%w: more than %d data entries", ErrInvalidMessage, MaxDataEntries)
	}
	total := 0
	for k, v := range data {
		if k == "" || len(k) > MaxDataKeyLen {
			return fmt.Errorf("%w: data key empty or longer than %d bytes", ErrInvalidMessage, MaxDataKeyLen)
		}
		for _, r := range k {
			if !isASCIIAlnum(r) && r != '_' {
				return fmt.Errorf("%w: data key has characters other than letters, digits and _", ErrInvalidMessage)
			}
		}
		if !utf8.ValidString(v) {
			return fmt.Errorf("%w: data value of %s is not valid UTF-8", ErrInvalidMessage, k)
		}
		total += len(k) + len(v)
		if total > MaxDataBytes {
			return fmt.Errorf("%w: data larger than %d bytes", ErrInvalidMessage, MaxDataBytes)
		}
	}
	return nil
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}
