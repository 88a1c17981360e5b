package web

import (
	"net/http"
	"time"

	"github.com/etjanst/etjanst/submission"
	"net/mail"
	"strings"
)

type minaSidorData struct {
	Drafts      []draftRow
	Ongoing     []caseRow
	Closed      []caseRow
	Messages    []messageRow
	Unread      int
	Bookings    []bookingRow
	Unavailable bool
	// Readable: messages open on a page of their own (Options.Inbox).
	Readable bool
}

type draftRow struct {
	ID        string
	Title     string
	Progress  int
	UpdatedAt string
	ExpiresAt string
	Files     int
}

type caseRow struct {
	ID         string
	Reference  string
	Title      string
	Status     string
	ReceivedAt string
	UpdatedAt  string
}

type messageRow struct {
	ID      string
	Subject string
	Body    string
	CaseRef string
	At      string
	Read    bool
}

type bookingRow struct {
	Title string
	Place string
	When  string
}

// minaSidor shows the applicant's overview (for whom they act now):
// drafts, ongoing and closed cases, messages and bookings. It needs no
// fresh login; opening a draft does.
func (s *Server) minaSidor(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	lang := rc(r).lang
	ov, err := s.deps.MinaSidor.Overview(r.Context(), *who)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stamp := func(t time.Time) string { return t.In(s.loc).Format("2006-01-02 15:04") }
	d := minaSidorData{Unread: ov.Unread, Unavailable: len(ov.Unavailable) > 0, Readable: s.opts.Inbox != nil}
	for _, x := range ov.Drafts {
		d.Drafts = append(d.Drafts, draftRow{
			ID: x.ID, Title: x.Title.In(lang), Progress: x.Progress, Files: x.Attachments,
			UpdatedAt: stamp(x.UpdatedAt), ExpiresAt: x.ExpiresAt.In(s.loc).Format("2006-01-02"),
		})
	}
	row := func(c submission.Summary) caseRow {
		return caseRow{
			ID: c.ID, Reference: c.Reference, Title: c.Title.In(lang),
			Status:     statusLabel(c.Status, c.StatusLabel, lang),
			ReceivedAt: stamp(c.ReceivedAt), UpdatedAt: stamp(c.UpdatedAt),
		}
	}
	for _, c := range ov.Ongoing {
		d.Ongoing = append(d.Ongoing, row(c))
	}
	for _, c := range ov.Closed {
		d.Closed = append(d.Closed, row(c))
	}
	for _, m := range ov.Messages {
		d.Messages = append(d.Messages, messageRow{
			ID: m.ID, Subject: m.Subject.In(lang), Body: m.Body.In(lang), CaseRef: m.CaseRef, At: stamp(m.At), Read: m.Read,
		})
	}
	for _, b := range ov.Bookings {
		when := stamp(b.Start)
		if !b.End.IsZero() {
			when += "–" + b.End.In(s.loc).Format("15:04")
		}
		d.Bookings = append(d.Bookings, bookingRow{Title: b.Title.In(lang), Place: b.Place, When: when})
	}
	s.render(w, r, http.StatusOK, "minasidor", s.newPage(r, text("mina.title", lang), d))
}

type messageData struct {
	Title   string
	Body    string
	CaseRef string
	At      string
}

// messagePage shows one in-app message and marks it read.
func (s *Server) messagePage(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	if s.opts.Inbox == nil {
		s.notFound(w, r)
		return
	}
	m, err := s.opts.Inbox.Message(r.Context(), *who, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := rc(r).lang
	d := messageData{Title: m.Title.In(lang), Body: m.Body.In(lang), CaseRef: m.CaseRef, At: m.At.In(s.loc).Format("2006-01-02 15:04")}
	s.render(w, r, http.StatusOK, "message", s.newPage(r, d.Title, d))
}

type contactData struct {
	Contact            Contact
	Errors             []summaryItem
	EmailErr, PhoneErr string
}

func (s *Server) contactPage(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	if s.opts.Contacts == nil {
		s.notFound(w, r)
		return
	}
	c, err := s.opts.Contacts.Contact(r.Context(), who.Subject)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if c.Lang == "" {
		c.Lang = rc(r).lang
	}
	s.render(w, r, http.StatusOK, "contact", s.newPage(r, text("contact.title", rc(r).lang), contactData{Contact: c}))
}

func (s *Server) contactSave(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	if s.opts.Contacts == nil {
		s.notFound(w, r)
		return
	}
	lang := rc(r).lang
	c := Contact{
		Email:       strings.TrimSpace(r.PostForm.Get("email")),
		Phone:       strings.TrimSpace(r.PostForm.Get("phone")),
		Lang:        r.PostForm.Get("lang"),
		NotifyEmail: r.PostForm.Get("notifyEmail") == "true",
		NotifySMS:   r.PostForm.Get("notifySMS") == "true",
	}
	if c.Lang != "en" {
		c.Lang = "sv"
	}
	d := contactData{Contact: c}
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email || len(c.Email) > 254 {
			d.EmailErr = text("contact.emailInvalid", lang)
			d.Errors = append(d.Errors, summaryItem{Href: "#email", Text: d.EmailErr})
		}
	} else if c.NotifyEmail {
		d.EmailErr = text("contact.emailMissing", lang)
		d.Errors = append(d.Errors, summaryItem{Href: "#email", Text: d.EmailErr})
	}
	if c.Phone != "" {
		if !validPhone(c.Phone) {
			d.PhoneErr = text("contact.phoneInvalid", lang)
			d.Errors = append(d.Errors, summaryItem{Href: "#phone", Text: d.PhoneErr})
		}
	} else if c.NotifySMS {
		d.PhoneErr = text("contact.phoneMissing", lang)
		d.Errors = append(d.Errors, summaryItem{Href: "#phone", Text: d.PhoneErr})
	}
	if len(d.Errors) > 0 {
		p := s.newPage(r, text("error.prefix", lang)+text("contact.title", lang), d)
		p.HasErrors = true
		s.render(w, r, http.StatusUnprocessableEntity, "contact", p)
		return
	}
	if err := s.opts.Contacts.SetContact(r.Context(), who.Subject, c); err != nil {
		s.fail(w, r, err)
		return
	}
	rc(r).sess.setFlash("contact.saved")
	redirect(w, r, "/mina-sidor/kontakt")
}

// validPhone accepts a Swedish or E.164 number: digits with at most the
// separators people write.
func validPhone(p string) bool {
	digits := 0
	for i, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case r == ' ' || r == '-':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}
