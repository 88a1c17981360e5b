package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/submission"
)

// DevOfficer is a staff account of the development officer login.
type DevOfficer struct {
	// Account is the staff account name (the officer subject's value).
	Account string
	// Name is shown on the login page and in the header.
	Name string
	// Roles are the officer's roles, scoped to e-services.
	Roles []identity.Role
}

// requireOfficer returns the logged-in officer, or sends the browser to
// the officer login and returns nil.
func (s *Server) requireOfficer(w http.ResponseWriter, r *http.Request) *identity.Principal {
	if sess := rc(r).sess; sess != nil {
		if who := sess.principal(); who != nil && who.IsOfficer() {
			return who
		}
	}
	redirect(w, r, "/handlaggare/login")
	return nil
}

type officerLoginData struct {
	Officers []officerChoice
}

type officerChoice struct {
	Account string
	Name    string
	Roles   string
}

// officerLoginPage offers the development staff accounts. A municipality
// logs its officers in through its own identity provider (OpenID Connect
// with roles mapped from groups), on the ordinary login page.
func (s *Server) officerLoginPage(w http.ResponseWriter, r *http.Request) {
	if _, err := s.ensureSession(w, r); err != nil {
		s.errorPage(w, r, http.StatusServiceUnavailable, "error.busy")
		return
	}
	lang := rc(r).lang
	d := officerLoginData{}
	for _, o := range s.opts.DevOfficers {
		var roles []string
		for _, role := range o.Roles {
			roles = append(roles, role.Name+" ("+strings.Join(role.Services, ", ")+")")
		}
		d.Officers = append(d.Officers, officerChoice{Account: o.Account, Name: o.Name, Roles: strings.Join(roles, "; ")})
	}
	s.render(w, r, http.StatusOK, "desk_login", s.newPage(r, text("desk.loginTitle", lang), d))
}

// officerLogin logs in a development staff account.
func (s *Server) officerLogin(w http.ResponseWriter, r *http.Request) {
	sess := rc(r).sess
	if !s.limiter.allow(clientAddr(r)) {
		s.errorPage(w, r, http.StatusTooManyRequests, "error.rate")
		return
	}
	account := r.PostForm.Get("account")
	var dev *DevOfficer
	for i := range s.opts.DevOfficers {
		if s.opts.DevOfficers[i].Account == account {
			dev = &s.opts.DevOfficers[i]
		}
	}
	if dev == nil {
		s.errorPage(w, r, http.StatusForbidden, "desk.noAccount")
		return
	}
	given, family, _ := strings.Cut(dev.Name, " ")
	who := identity.Principal{
		Subject:   identity.Subject{Scheme: identity.SchemeOfficer, Value: dev.Account},
		GivenName: given, FamilyName: family,
		Assurance: identity.LoA3, Method: identity.MethodOfficer, AuthTime: s.now(),
		Roles: append([]identity.Role(nil), dev.Roles...),
	}
	if err := who.Validate(); err != nil {
		s.fail(w, r, err)
		return
	}
	s.cancelFlow(r.Context(), sess)
	id := s.sessions.rotate(sess)
	s.setSessionCookie(w, id)
	sess.mu.Lock()
	sess.who, sess.ev, sess.after = &who, nil, nil
	sess.mu.Unlock()
	s.log.Info("web: officer login", "who", who)
	redirect(w, r, "/handlaggare")
}

// services lists the e-services for which who has role, in catalogue order.
func (s *Server) services(who identity.Principal, role string) []*form.Form {
	var out []*form.Form
	for _, f := range s.deps.Forms.Catalogue("") {
		if who.HasRole(role, f.ID) {
			out = append(out, f)
		}
	}
	return out
}

type deskData struct {
	Services []deskService
	Status   string
	Statuses []statusChoice
}

type deskService struct {
	ID    string
	Title string
	Cases []caseRow
	// Older and Newest link to the next page of the e-service's cases
	// and back to its first; empty when there is none.
	Older, Newest string
}

type statusChoice struct {
	Value    string
	Label    string
	Selected bool
}

var caseStatuses = []string{submission.StatusSubmitted, submission.StatusReceived, submission.StatusInProgress,
	submission.StatusAwaitingComplement, submission.StatusComplemented, submission.StatusClosed}

// desk is the officer's inbox: the cases of every e-service they handle.
func (s *Server) desk(w http.ResponseWriter, r *http.Request) {
	who := s.requireOfficer(w, r)
	if who == nil {
		return
	}
	lang := rc(r).lang
	query := r.URL.Query()
	status := query.Get("status")
	// One e-service's older cases (tjanst, efter: from an Older link),
	// or the latest cases of every e-service the officer handles.
	only, after := query.Get("tjanst"), query.Get("efter")
	var filter []string
	d := deskData{Status: status}
	for _, st := range caseStatuses {
		d.Statuses = append(d.Statuses, statusChoice{Value: st, Label: text("status."+st, lang), Selected: st == status})
		if st == status {
			filter = []string{st}
		}
	}
	services := s.services(*who, identity.RoleOfficer)
	if only != "" && !slices.ContainsFunc(services, func(f *form.Form) bool { return f.ID == only }) {
		s.notFound(w, r) // not an e-service this officer handles
		return
	}
	for _, f := range services {
		if only != "" && f.ID != only {
			continue
		}
		q := submission.InboxQuery{Statuses: filter, Limit: s.opts.DeskPageSize}
		if f.ID == only {
			q.After = after
		}
		page, err := s.deps.Cases.InboxPage(r.Context(), *who, f.ID, q)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		ds := deskService{ID: f.ID, Title: f.Title.In(lang)}
		// Older pages show this e-service alone; the way back is the
		// whole desk. Both keep the status filter.
		link := func(v url.Values) string {
			if status != "" {
				v.Set("status", status)
			}
			if len(v) == 0 {
				return "/handlaggare"
			}
			return "/handlaggare?" + v.Encode()
		}
		if page.Next != "" {
			ds.Older = link(url.Values{"tjanst": {f.ID}, "efter": {page.Next}})
		}
		if q.After != "" {
			ds.Newest = link(url.Values{})
		}
		for _, c := range page.Cases {
			ds.Cases = append(ds.Cases, caseRow{
				ID: c.ID, Reference: c.Reference, Title: c.SubjectLine,
				Status:     statusLabel(c.Status, c.StatusLabel, lang),
				ReceivedAt: c.ReceivedAt.In(s.loc).Format("2006-01-02 15:04"),
				UpdatedAt:  c.UpdatedAt.In(s.loc).Format("2006-01-02 15:04"),
			})
		}
		d.Services = append(d.Services, ds)
	}
	s.render(w, r, http.StatusOK, "desk", s.newPage(r, text("desk.title", lang), d))
}

type deskCaseData struct {
	*caseData
	Service    string
	StatusCode string
	Sender     string
	Party      string
	Mandate    string
	Steps      []reviewStep
	Flags      []flagRow
	Fields     []optionView // top-level fields, for a complement request
	Request    *complementRequestView
	Closed     bool
	Errors     []summaryItem
	Message    string
}

type flagRow struct {
	Path   string
	Kind   string
	Reason string
	OSL    string
	Art9   bool
}

type complementRequestView struct {
	Text string
	Due  string
}

// deskCase shows a case to an officer who handles its e-service (the read
// is audited by the library), with the actions of the desk.
func (s *Server) deskCase(w http.ResponseWriter, r *http.Request) {
	who := s.requireOfficer(w, r)
	if who == nil {
		return
	}
	s.renderDeskCase(w, r, *who, http.StatusOK, nil, "")
}

func (s *Server) renderDeskCase(w http.ResponseWriter, r *http.Request, who identity.Principal, status int, errs []summaryItem, message string) {
	lang := rc(r).lang
	c, err := s.deps.Cases.Read(r.Context(), who, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &deskCaseData{caseData: s.caseView(c, lang), Service: c.Service, StatusCode: c.Status,
		Closed: c.Status == submission.StatusClosed, Errors: errs, Message: message}
	if rec := c.Record; rec != nil {
		snd := rec.Sender
		d.Sender = strings.TrimSpace(snd.GivenName+" "+snd.FamilyName) + " (" + subjectText(snd.Subject) + ")"
		if !snd.Party.IsSelf() {
			d.Party = snd.Party.Name + " (" + subjectText(snd.Party.Subject) + ")"
			if snd.Party.Mandate != nil {
				d.Mandate = snd.Party.Mandate.Source
			}
		}
		if f, err := s.caseForm(c); err == nil {
			res, err := f.Check(r.Context(), c.Values, &form.CheckOptions{Mode: form.Partial, Now: func() time.Time { return rec.ReceivedAt }})
			if err == nil {
				d.Steps = s.review(c.ID, f, res, nil, lang).Steps
				for i := range d.Steps {
					d.Steps[i].Href = ""
				}
			}
			for _, st := range f.Steps {
				for _, fd := range st.Fields {
					if fd.Type != form.TypeInfo {
						d.Fields = append(d.Fields, optionView{ID: "cf-" + fd.ID, Value: fd.ID, Label: fd.Label.In(lang)})
					}
				}
			}
		}
	}
	for _, fl := range c.Flags {
		d.Flags = append(d.Flags, flagRow{Path: fl.Path, Kind: fl.Kind, Reason: fl.Reason, OSL: strings.Join(fl.OSL, ", "), Art9: fl.Article9})
	}
	if req := c.OpenRequest; req != nil {
		d.Request = &complementRequestView{Text: req.Text}
		if !req.Due.IsZero() {
			d.Request.Due = req.Due.In(s.loc).Format("2006-01-02")
		}
	}
	p := s.newPage(r, c.Reference+" – "+text("desk.title", lang), d)
	p.HasErrors = len(errs) > 0
	s.render(w, r, status, "desk_case", p)
}

// subjectText shows an identifier in full to an officer: 12-digit
// personnummer with a hyphen, organisationsnummer NNNNNN-NNNN.
func subjectText(s identity.Subject) string {
	switch s.Scheme {
	case identity.SchemePersonnummer:
		return formatPnr(s.Value)
	case identity.SchemeOrganisationsnummer:
		return formatOrgNr(s.Value)
	}
	return s.Value
}

// deskAction handles the buttons of the case page: acknowledge, message,
// request a complement, close.
func (s *Server) deskAction(w http.ResponseWriter, r *http.Request) {
	who := s.requireOfficer(w, r)
	if who == nil {
		return
	}
	ctx, lang := r.Context(), rc(r).lang
	id := r.PathValue("id")
	txt := strings.TrimSpace(r.PostForm.Get("text"))
	var err error
	var flash string
	switch r.PathValue("action") {
	case "mottagen":
		err, flash = s.deps.Cases.Acknowledge(ctx, *who, id), "desk.acknowledged"
	case "meddelande":
		if txt == "" {
			s.renderDeskCase(w, r, *who, http.StatusUnprocessableEntity, []summaryItem{{Href: "#message", Text: text("desk.textMissing", lang)}}, "")
			return
		}
		err, flash = s.deps.Cases.SendMessage(ctx, *who, id, txt), "desk.messaged"
	case "komplettering":
		p := submission.ComplementParams{Text: txt, Fields: r.PostForm["fields"]}
		if due := r.PostForm.Get("due"); due != "" {
			t, perr := time.ParseInLocation("2006-01-02", due, s.loc)
			if perr != nil {
				s.renderDeskCase(w, r, *who, http.StatusUnprocessableEntity, []summaryItem{{Href: "#due", Text: text("desk.dueInvalid", lang)}}, txt)
				return
			}
			p.Due = t
		}
		err, flash = s.deps.Cases.RequestComplement(ctx, *who, id, p), "desk.requested"
	case "avsluta":
		if txt == "" {
			s.renderDeskCase(w, r, *who, http.StatusUnprocessableEntity, []summaryItem{{Href: "#decision", Text: text("desk.textMissing", lang)}}, "")
			return
		}
		err, flash = s.deps.Cases.Close(ctx, *who, id, txt, strings.TrimSpace(r.PostForm.Get("label"))), "desk.closed"
	default:
		s.notFound(w, r)
		return
	}
	if errors.Is(err, submission.ErrInvalid) || errors.Is(err, submission.ErrTransition) {
		s.renderDeskCase(w, r, *who, http.StatusUnprocessableEntity, []summaryItem{{Text: text("desk.actionRefused", lang)}}, txt)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rc(r).sess.setFlash(flash)
	redirect(w, r, "/handlaggare/arenden/"+id)
}

type disclosureRow struct {
	ID        string
	Reference string
	Service   string
	Requester string
	CreatedAt string
	Undecided int
	Items     int
}

// deskDisclosures lists the open disclosure requests of every e-service
// the officer reviews.
func (s *Server) deskDisclosures(w http.ResponseWriter, r *http.Request) {
	who := s.requireOfficer(w, r)
	if who == nil {
		return
	}
	lang := rc(r).lang
	// One e-service's later requests (tjanst, efter: from a More link),
	// or the oldest open requests of every e-service the officer reviews.
	query := r.URL.Query()
	only, after := query.Get("tjanst"), query.Get("efter")
	var services []*form.Form
	seen := map[string]bool{}
	for _, role := range []string{identity.RoleDisclosureReviewer, identity.RoleOfficer} {
		for _, f := range s.services(*who, role) {
			if !seen[f.ID] && (only == "" || f.ID == only) {
				seen[f.ID] = true
				services = append(services, f)
			}
		}
	}
	if only != "" && len(services) == 0 {
		s.notFound(w, r) // not an e-service this officer reviews
		return
	}
	var d disclosuresData
	for _, f := range services {
		q := submission.PageQuery{Limit: s.opts.DeskPageSize}
		if f.ID == only {
			q.After = after
			d.First = "/handlaggare/utlamnande"
		}
		page, err := s.deps.Cases.DisclosureQueuePage(r.Context(), *who, f.ID, q)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, req := range page.Requests {
			d.Rows = append(d.Rows, disclosureRow{ID: req.ID, Reference: req.Reference, Service: f.Title.In(lang),
				Requester: req.Requester, CreatedAt: req.CreatedAt.In(s.loc).Format("2006-01-02 15:04"),
				Undecided: req.Undecided(), Items: len(req.Items)})
		}
		if page.Next != "" {
			d.More = append(d.More, moreLink{Service: f.Title.In(lang),
				Href: "/handlaggare/utlamnande?" + url.Values{"tjanst": {f.ID}, "efter": {page.Next}}.Encode()})
		}
	}
	s.render(w, r, http.StatusOK, "desk_disclosures", s.newPage(r, text("desk.disclosures", lang), d))
}

// disclosuresData is the disclosure desk: a page of open requests per
// e-service, links to the next pages, and to the first when on a later
// one.
type disclosuresData struct {
	Rows  []disclosureRow
	More  []moreLink
	First string
}

// moreLink continues an e-service's list on the next page.
type moreLink struct {
	Service string
	Href    string
}

type reviewData2 struct {
	ID        string
	Reference string
	Requester string
	Status    string
	Items     []reviewItemRow
	Undecided int
	Errors    []summaryItem
}

type reviewItemRow struct {
	FlagID    string
	Path      string
	Kind      string
	Reason    string
	OSL       string
	Art9      bool
	Outcome   string
	DecOSL    string
	Reasoning string
	Decided   bool
}

// deskReview shows a disclosure request with a decision form per item.
func (s *Server) deskReview(w http.ResponseWriter, r *http.Request) {
	who := s.requireOfficer(w, r)
	if who == nil {
		return
	}
	s.renderReviewPage(w, r, *who, http.StatusOK, nil)
}

func (s *Server) renderReviewPage(w http.ResponseWriter, r *http.Request, who identity.Principal, status int, errs []summaryItem) {
	lang := rc(r).lang
	req, err := s.deps.Cases.Review(r.Context(), who, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := reviewData2{ID: req.ID, Reference: req.Reference, Requester: req.Requester, Status: req.Status,
		Undecided: req.Undecided(), Errors: errs}
	for _, it := range req.Items {
		row := reviewItemRow{FlagID: it.FlagID, Path: it.Flag.Path, Kind: it.Flag.Kind, Reason: it.Flag.Reason,
			OSL: strings.Join(it.Flag.OSL, ", "), Art9: it.Flag.Article9}
		if it.Decision != nil {
			row.Decided = true
			row.Outcome, row.DecOSL, row.Reasoning = it.Decision.Outcome, it.Decision.OSL, it.Decision.Reasoning
		} else if len(it.Flag.OSL) > 0 {
			row.DecOSL = it.Flag.OSL[0]
		}
		d.Items = append(d.Items, row)
	}
	p := s.newPage(r, text("desk.review", lang)+" "+req.Reference, d)
	p.HasErrors = len(errs) > 0
	s.render(w, r, status, "desk_review", p)
}

// deskDecide records the decision on one item.
func (s *Server) deskDecide(w http.ResponseWriter, r *http.Request) {
	who := s.requireOfficer(w, r)
	if who == nil {
		return
	}
	id, flag := r.PathValue("id"), r.PathValue("flag")
	d := submission.ItemDecision{
		Outcome:   r.PostForm.Get("outcome"),
		OSL:       strings.TrimSpace(r.PostForm.Get("osl")),
		Reasoning: strings.TrimSpace(r.PostForm.Get("reasoning")),
	}
	err := s.deps.Cases.Decide(r.Context(), *who, id, flag, d)
	if errors.Is(err, submission.ErrInvalid) {
		s.renderReviewPage(w, r, *who, http.StatusUnprocessableEntity,
			[]summaryItem{{Href: "#item-" + flag, Text: text("desk.decisionInvalid", rc(r).lang)}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/handlaggare/utlamnande/"+id+"#item-"+flag)
}

// deskRelease finishes the request and shows the released copy.
func (s *Server) deskRelease(w http.ResponseWriter, r *http.Request) {
	who := s.requireOfficer(w, r)
	if who == nil {
		return
	}
	id := r.PathValue("id")
	if _, err := s.deps.Cases.Release(r.Context(), *who, id); err != nil {
		if errors.Is(err, submission.ErrUndecided) {
			s.renderReviewPage(w, r, *who, http.StatusConflict, []summaryItem{{Text: text("desk.undecided", rc(r).lang)}})
			return
		}
		s.fail(w, r, err)
		return
	}
	rc(r).sess.setFlash("desk.released")
	redirect(w, r, "/utlamnande/"+id)
}
