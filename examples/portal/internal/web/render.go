package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/etjanst/etjanst/examples/httpserver"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// parseTemplates parses every page together with the layout and the
// shared partials, one template set per page.
func parseTemplates() (map[string]*template.Template, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := make(map[string]*template.Template)
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if strings.HasPrefix(name, "_") {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(templateFS, n); err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

// fieldCtx passes the page (for texts) and one field to the field
// template.
type fieldCtx struct {
	P *page
	F *fieldView
}

var funcs = template.FuncMap{
	"field": func(p *page, f *fieldView) fieldCtx { return fieldCtx{P: p, F: f} },
	"join":  func(xs []string) string { return strings.Join(xs, ", ") },
	"pnr":   formatPnr,
	"lines": func(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") },
	"cases": func(p *page, rows []caseRow) casesCtx { return casesCtx{P: p, Rows: rows} },
}

// casesCtx passes the page and a list of cases to the cases template.
type casesCtx struct {
	P    *page
	Rows []caseRow
}

func staticHandler() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embedded directory exists: a build-time invariant
	}
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// page is what every template gets: the layout's data and the page's own
// (Data). Its methods translate.
type page struct {
	Lang      string
	OtherLang string
	Nonce     string
	CSRF      string
	Title     string
	Org       string
	Who       *whoView
	Flash     string
	Dev       bool
	Mailbox   bool
	Contacts  bool
	HasErrors bool
	Path      string
	Data      any
	loc       *time.Location
}

type whoView struct {
	Officer bool
	Name    string
	Party   string // organisation name, "" when acting for oneself
	Kind    string // "self", "company", "association"
	Masked  string
	Choices bool // has organisations to switch to
}

// T returns the UI text key in the page's language.
func (p *page) T(key string) string { return text(key, p.Lang) }

// Tf formats the UI text key with args.
func (p *page) Tf(key string, args ...any) string { return fmt.Sprintf(text(key, p.Lang), args...) }

// Tx returns a form text in the page's language.
func (p *page) Tx(t form.Text) string { return t.In(p.Lang) }

// Time formats an instant in the portal's time zone.
func (p *page) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(p.loc).Format("2006-01-02 15:04")
}

// Day formats a date in the portal's time zone.
func (p *page) Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(p.loc).Format("2006-01-02")
}

// LangHref is the current page in the other language.
func (p *page) LangHref() string {
	return p.Path + "?lang=" + p.OtherLang
}

func (s *Server) newPage(r *http.Request, title string, data any) *page {
	c := rc(r)
	p := &page{
		Lang: c.lang, OtherLang: "en", Nonce: c.nonce, Title: title, Org: s.opts.Organisation,
		Dev: s.opts.Dev != nil, Mailbox: s.opts.Mailbox != nil, Contacts: s.opts.Contacts != nil,
		Path: r.URL.Path, Data: data, loc: s.loc,
	}
	if p.Lang == "en" {
		p.OtherLang = "sv"
	}
	if c.sess != nil {
		p.CSRF = c.sess.token()
		p.Flash = c.sess.takeFlash()
		if who := c.sess.principal(); who != nil {
			p.Who = s.whoView(r, *who)
		}
	}
	return p
}

func (s *Server) whoView(r *http.Request, who identity.Principal) *whoView {
	v := &whoView{Name: strings.TrimSpace(who.GivenName + " " + who.FamilyName), Kind: string(identity.PartySelf),
		Masked: who.Subject.Masked(), Officer: who.IsOfficer()}
	if v.Name == "" {
		v.Name = who.Subject.Masked()
	}
	if !who.ActsForSelf() {
		v.Party = who.Party.Name
		v.Kind = string(who.Party.Kind)
		if v.Party == "" {
			v.Party = who.Party.Subject.Masked()
		}
	}
	if who.IsOfficer() {
		return v
	}
	if mandates, err := s.deps.Representation.Mandates(r.Context(), who.Subject); err == nil && len(mandates) > 0 {
		v.Choices = true
	}
	return v
}

// render executes the page template name into a buffer, then writes it
// with status: a template error never leaves half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("web: no such template", "template", name)
		http.Error(w, "500 internal server error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("web: render", "template", name, "err", err)
		http.Error(w, "500 internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

type errorData struct {
	Status  int
	Message string
}

// errorPage renders the error page with the UI text key.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, key string) {
	c := rc(r)
	p := s.newPage(r, text("error.title", c.lang), errorData{Status: status, Message: text(key, c.lang)})
	s.render(w, r, status, "error", p)
}

// fail answers a domain error with the status httpserver.Status maps it
// to. Unexpected errors are logged (errors carry IDs at most).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := httpserver.Status(err)
	if status >= 500 {
		s.log.Error("web: request failed", "route", r.Pattern, "err", err)
	}
	c := rc(r)
	p := s.newPage(r, text("error.title", c.lang), errorData{Status: status, Message: httpserver.Message(status).In(c.lang)})
	s.render(w, r, status, "error", p)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusNotFound, "error.notFound")
}

// redirect answers a post (or a get) with 303 See Other.
func redirect(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// safePath accepts only local absolute paths as a return address, so a
// crafted value cannot send the user to another site.
func safePath(p string) string {
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "\\") {
		return ""
	}
	return u.Path
}

// requireLogin returns the logged-in principal, or sends the browser to
// the login page (returning there afterwards) and returns nil.
func (s *Server) requireLogin(w http.ResponseWriter, r *http.Request) *identity.Principal {
	c := rc(r)
	if c.sess != nil {
		if who := c.sess.principal(); who != nil {
			if who.IsOfficer() {
				// Staff have no drafts or cases of their own here.
				redirect(w, r, "/handlaggare")
				return nil
			}
			return who
		}
	}
	sess, err := s.ensureSession(w, r)
	if err != nil {
		s.errorPage(w, r, http.StatusServiceUnavailable, "error.busy")
		return nil
	}
	back := r.URL.Path
	if r.Method != http.MethodGet {
		back = ""
	}
	sess.mu.Lock()
	sess.after = &afterLogin{Path: safePath(back)}
	sess.mu.Unlock()
	redirect(w, r, "/login")
	return nil
}

// relogin keeps where the applicant was and whom they acted for, ends the
// stale login and sends them to log in again (a draft needs a fresh login).
func (s *Server) relogin(w http.ResponseWriter, r *http.Request, who identity.Principal, back string) {
	sess := rc(r).sess
	if sess == nil {
		redirect(w, r, "/login")
		return
	}
	sess.mu.Lock()
	a := &afterLogin{Path: safePath(back)}
	if !who.ActsForSelf() {
		a.Party = who.Party.Subject
	}
	sess.after = a
	sess.who, sess.ev = nil, nil
	sess.flash = "login.again"
	sess.mu.Unlock()
	redirect(w, r, "/login")
}
