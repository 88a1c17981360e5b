package web

import (
	"net/http"
	"net/mail"
	"strings"
)

type minaSidorData struct {
	Drafts []draftRow
	Cases  []caseRow
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
	Closed     bool
}

// minaSidor lists the applicant's drafts and cases (for whom they act
// now). Listing needs no fresh login; opening a draft does.
func (s *Server) minaSidor(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	ctx, lang := r.Context(), rc(r).lang
	drafts, err := s.deps.Drafts.List(ctx, *who)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cases, err := s.deps.Cases.Mine(ctx, *who)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := minaSidorData{}
	for _, x := range drafts {
		d.Drafts = append(d.Drafts, draftRow{
			ID: x.ID, Title: x.Title.In(lang), Progress: x.Progress, Files: x.Attachments,
			UpdatedAt: x.UpdatedAt.In(s.loc).Format("2006-01-02 15:04"),
			ExpiresAt: x.ExpiresAt.In(s.loc).Format("2006-01-02"),
		})
	}
	for _, c := range cases {
		d.Cases = append(d.Cases, caseRow{
			ID: c.ID, Reference: c.Reference, Title: c.Title.In(lang),
			Status:     statusLabel(c.Status, c.StatusLabel, lang),
			ReceivedAt: c.ReceivedAt.In(s.loc).Format("2006-01-02 15:04"),
			Closed:     c.Status == "closed",
		})
	}
	s.render(w, r, http.StatusOK, "minasidor", s.newPage(r, text("mina.title", lang), d))
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
