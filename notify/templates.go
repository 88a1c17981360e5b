package notify

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"unicode"
)

// Template holds the texts of one kind of event in one language. Every
// field is required.
//
// Subject, Email, HTML and SMS are executed with PublicData: the kind, the
// case reference, the link to Mina sidor and the organisation's name, and
// nothing else. They cannot reach Message.Data, so an email or SMS can never
// carry case contents, whatever a template says. InboxBody is executed with
// InboxData, which adds Message.Data, because the inbox is behind the
// recipient's login.
type Template struct {
	// Subject is the email subject and the inbox title (text/template,
	// one line: line breaks are folded into spaces).
	Subject string
	// Email is the plain-text email body (text/template).
	Email string
	// HTML is the HTML email body (html/template).
	HTML string
	// SMS is the text message (text/template, folded into one line).
	SMS string
	// InboxBody is the inbox message body (text/template).
	InboxBody string
}

// TemplateDef is the Template of one kind in one language, for
// NewTemplates.
type TemplateDef struct {
	Kind     Kind
	Lang     Lang
	Template Template
}

// PublicData is what the Subject, Email, HTML and SMS templates see.
type PublicData struct {
	// Kind is the kind of event.
	Kind Kind
	// CaseRef is the case reference; may be empty.
	CaseRef string
	// Link is the address of Mina sidor; may be empty.
	Link string
	// Organisation is the municipality's name; may be empty.
	Organisation string
}

// InboxData is what the InboxBody template sees.
type InboxData struct {
	PublicData
	// Data is Message.Data (never nil while rendering).
	Data map[string]string
}

// Rendered is a message rendered for one channel in one language.
type Rendered struct {
	// Subject is the email subject or inbox title; empty for SMS.
	Subject string
	// Text is the plain-text email body, the SMS text or the inbox body.
	Text string
	// HTML is the HTML email body; empty for other channels.
	HTML string
}

type compiled struct {
	subject, email, sms, inbox *texttemplate.Template
	html                       *htmltemplate.Template
}

type tkey struct {
	kind Kind
	lang Lang
}

// Templates is an immutable set of compiled templates, every kind in both
// Swedish and English. It is safe for concurrent use.
type Templates struct {
	m map[tkey]*compiled
}

// Size caps of templates and of what they render.
const (
	MaxTemplateLen  = 32 << 10
	maxSubjectLen   = 200
	maxSMSLen       = 480 // three concatenated segments of GSM-7
	maxRenderedBody = 64 << 10
)

// NewTemplates compiles defs. A later def for the same kind and language
// replaces an earlier one, so a municipality can start from
// DefaultTemplateDefs and override or add kinds. Every kind must end up with
// both a Swedish and an English template, and every template must render
// with sample data.
//
// Errors wrap ErrInvalidTemplate and name the kind, the language and the
// field.
func NewTemplates(defs ...TemplateDef) (*Templates, error) {
	last := map[tkey]Template{}
	kinds := map[Kind]bool{}
	for _, d := range defs {
		if err := validKind(d.Kind); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidTemplate, err)
		}
		if !d.Lang.valid() {
			return nil, fmt.Errorf("%w: %s: unsupported language", ErrInvalidTemplate, d.Kind)
		}
		last[tkey{d.Kind, d.Lang}] = d.Template
		kinds[d.Kind] = true
	}
	t := &Templates{m: map[tkey]*compiled{}}
	for kind := range kinds {
		for _, lang := range Langs() {
			def, ok := last[tkey{kind, lang}]
			if !ok {
				return nil, fmt.Errorf("%w: %s: no %s template", ErrInvalidTemplate, kind, lang)
			}
			c, err := compile(kind, lang, def)
			if err != nil {
				return nil, err
			}
			t.m[tkey{kind, lang}] = c
		}
	}
	return t, nil
}

// DefaultTemplates returns the built-in templates of every built-in kind.
func DefaultTemplates() *Templates {
	t, err := NewTemplates(DefaultTemplateDefs()...)
	if err != nil {
		// The built-in templates are tested; this cannot happen.
		panic(err)
	}
	return t
}

// Has reports whether kind has templates.
func (t *Templates) Has(kind Kind) bool {
	_, ok := t.m[tkey{kind, Swedish}]
	return ok
}

func compile(kind Kind, lang Lang, def Template) (*compiled, error) {
	where := func(field string) string { return fmt.Sprintf("%s/%s %s", kind, lang, field) }
	parts := []struct {
		field, src string
	}{{"Subject", def.Subject}, {"Email", def.Email}, {"HTML", def.HTML}, {"SMS", def.SMS}, {"InboxBody", def.InboxBody}}
	for _, p := range parts {
		if strings.TrimSpace(p.src) == "" {
			return nil, fmt.Errorf("%w: %s: empty", ErrInvalidTemplate, where(p.field))
		}
		if len(p.src) > MaxTemplateLen {
			return nil, fmt.Errorf("%w: %s: longer than %d bytes", ErrInvalidTemplate, where(p.field), MaxTemplateLen)
		}
	}
	text := func(field, src string) (*texttemplate.Template, error) {
		tt, err := texttemplate.New(where(field)).Option("missingkey=zero").Parse(src)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidTemplate, err)
		}
		return tt, nil
	}
	var (
		c   compiled
		err error
	)
	if c.subject, err = text("Subject", def.Subject); err != nil {
		return nil, err
	}
	if c.email, err = text("Email", def.Email); err != nil {
		return nil, err
	}
	if c.sms, err = text("SMS", def.SMS); err != nil {
		return nil, err
	}
	if c.inbox, err = text("InboxBody", def.InboxBody); err != nil {
		return nil, err
	}
	if c.html, err = htmltemplate.New(where("HTML")).Option("missingkey=zero").Parse(def.HTML); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidTemplate, err)
	}
	// Execute once with sample data, so that a template that refers to a
	// field PublicData does not have (such as .Data) fails here and not
	// at delivery.
	sample := InboxData{
		PublicData: PublicData{Kind: kind, CaseRef: "KS 2026/0042", Link: "https://example.se/mina-sidor", Organisation: "Exempelkommun"},
		Data:       map[string]string{DataText: "text", DataDue: "2026-01-31", DataService: "service"},
	}
	for _, ch := range Channels() {
		if _, err := c.render(ch, sample); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

// Render renders message m for channel ch in language lang with the given
// public fields (link and organisation). For email and SMS only the public
// fields and m's kind and case reference are used: m.Data never reaches
// those templates. For the inbox, m.Data is available as .Data.
//
// Errors: ErrUnknownKind when m.Kind has no templates; ErrInvalidTemplate
// (permanent) when a template fails or its output is too long.
func (t *Templates) Render(ch Channel, lang Lang, m Message, pub PublicData) (Rendered, error) {
	if !lang.valid() {
		lang = Swedish
	}
	c, ok := t.m[tkey{m.Kind, lang}]
	if !ok {
		return Rendered{}, fmt.Errorf("%w: %s", ErrUnknownKind, m.Kind)
	}
	pub.Kind, pub.CaseRef = m.Kind, m.CaseRef
	d := InboxData{PublicData: pub}
	if ch == ChannelInbox {
		d.Data = m.Data
	}
	if d.Data == nil {
		d.Data = map[string]string{}
	}
	return c.render(ch, d)
}

func (c *compiled) render(ch Channel, d InboxData) (Rendered, error) {
	pub := d.PublicData // by value: the public templates get no Data field at all
	var r Rendered
	var err error
	switch ch {
	case ChannelEmail:
		if r.Subject, err = execLine(c.subject, pub, maxSubjectLen); err != nil {
			return Rendered{}, err
		}
		if r.Text, err = execText(c.email, pub); err != nil {
			return Rendered{}, err
		}
		var b bytes.Buffer
		if err = c.html.Execute(&limitWriter{w: &b, n: maxRenderedBody}, pub); err != nil {
			return Rendered{}, Permanent(fmt.Errorf("%w: %w", ErrInvalidTemplate, err))
		}
		r.HTML = b.String()
	case ChannelSMS:
		if r.Text, err = execLine(c.sms, pub, maxSMSLen); err != nil {
			return Rendered{}, err
		}
	case ChannelInbox:
		if r.Subject, err = execLine(c.subject, pub, maxSubjectLen); err != nil {
			return Rendered{}, err
		}
		if r.Text, err = execText(c.inbox, d); err != nil {
			return Rendered{}, err
		}
	default:
		return Rendered{}, Permanent(fmt.Errorf("%w: unknown channel %q", ErrInvalidTemplate, ch))
	}
	return r, nil
}

func execText(t *texttemplate.Template, data any) (string, error) {
	var b bytes.Buffer
	if err := t.Execute(&limitWriter{w: &b, n: maxRenderedBody}, data); err != nil {
		return "", Permanent(fmt.Errorf("%w: %w", ErrInvalidTemplate, err))
	}
	return strings.TrimSpace(b.String()), nil
}

// execLine renders a one-line text: every run of white space (line breaks
// included, so no header can be injected) becomes one space.
func execLine(t *texttemplate.Template, data any, max int) (string, error) {
	s, err := execText(t, data)
	if err != nil {
		return "", err
	}
	s = strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	if len(s) > max {
		return "", Permanent(fmt.Errorf("%w: %s renders longer than %d bytes", ErrInvalidTemplate, t.Name(), max))
	}
	return s, nil
}

// limitWriter fails once more than n bytes are written.
type limitWriter struct {
	w *bytes.Buffer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.w.Len()+len(p) > l.n {
		return 0, fmt.Errorf("output longer than %d bytes", l.n)
	}
	return l.w.Write(p)
}
