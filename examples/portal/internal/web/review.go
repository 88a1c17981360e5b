package web

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/examples/portal/internal/kvittens"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/submission"
)

type reviewData struct {
	DraftID   string
	FormTitle string
	Steps     []reviewStep
	Errors    []summaryItem
}

type reviewStep struct {
	Title string
	Href  string
	Rows  []reviewRow
}

type reviewRow struct {
	Label string
	Value string
	Items []reviewItem
}

type reviewItem struct {
	Number int
	Rows   []reviewRow
}

// review builds the summary of every visible step with its answers.
func (s *Server) review(draftID string, f *form.Form, res *form.Result, errs []form.FieldError, lang string) *reviewData {
	v := &reviewData{DraftID: draftID, FormTitle: f.Title.In(lang)}
	for _, st := range res.Steps {
		if !st.Visible {
			continue
		}
		step := f.Step(st.ID)
		rs := reviewStep{Title: step.Title.In(lang), Href: "/utkast/" + draftID + "/steg/" + step.ID}
		for i := range step.Fields {
			fd := &step.Fields[i]
			if fd.Type == form.TypeInfo || (fd.Condition != nil && !fd.Condition.Eval(res.Values)) {
				continue
			}
			rs.Rows = append(rs.Rows, reviewField(fd, res.Values[fd.ID], res.Values, lang))
		}
		v.Steps = append(v.Steps, rs)
	}
	for _, e := range errs {
		step := f.Step(e.Step)
		label := e.Field
		if fd, _ := f.Field(strings.SplitN(e.Field, "[", 2)[0]); fd != nil {
			label = fd.Label.In(lang)
		}
		title := ""
		if step != nil {
			title = step.Title.In(lang) + ": "
		}
		v.Errors = append(v.Errors, summaryItem{
			Href: "/utkast/" + draftID + "/steg/" + e.Step,
			Text: title + label + " – " + e.Message.In(lang),
		})
	}
	return v
}

func reviewField(fd *form.Field, v form.Value, scope form.Values, lang string) reviewRow {
	row := reviewRow{Label: fd.Label.In(lang)}
	if fd.Type != form.TypeGroup {
		row.Value = formatValue(fd, v, lang)
		if row.Value == "" {
			row.Value = text("review.empty", lang)
		}
		return row
	}
	for i, item := range v.Items() {
		it := reviewItem{Number: i + 1}
		sc := merged(scope, item)
		for j := range fd.Fields {
			sub := &fd.Fields[j]
			if sub.Type == form.TypeInfo || (sub.Condition != nil && !sub.Condition.Eval(sc)) {
				continue
			}
			it.Rows = append(it.Rows, reviewField(sub, item[sub.ID], sc, lang))
		}
		row.Items = append(row.Items, it)
	}
	if len(row.Items) == 0 {
		row.Value = text("review.empty", lang)
	}
	return row
}

func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	id := r.PathValue("id")
	d, f, ok := s.openDraft(w, r, *who, id, "/utkast/"+id+"/granska")
	if !ok {
		return
	}
	res, err := f.Check(r.Context(), d.Values, &form.CheckOptions{Mode: form.Complete, Now: s.now})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderReview(w, r, http.StatusOK, s.review(d.ID, f, res, res.Errors, rc(r).lang))
}

func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, status int, v *reviewData) {
	lang := rc(r).lang
	p := s.newPage(r, text("review.title", lang)+" – "+v.FormTitle, v)
	if len(v.Errors) > 0 {
		p.Title = text("error.prefix", lang) + p.Title
		p.HasErrors = true
	}
	s.render(w, r, status, "review", p)
}

// submit registers the draft as a case and shows the receipt.
func (s *Server) submit(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	id := r.PathValue("id")
	sess := rc(r).sess
	sess.mu.Lock()
	var opts *submission.SubmitOptions
	if sess.ev != nil {
		ev := *sess.ev
		opts = &submission.SubmitOptions{Evidence: &ev}
	}
	sess.mu.Unlock()
	receipt, err := s.deps.Pipeline.Submit(r.Context(), *who, id, opts)
	var inc *submission.IncompleteError
	switch {
	case errors.As(err, &inc):
		d, f, ok := s.openDraft(w, r, *who, id, "/utkast/"+id+"/granska")
		if !ok {
			return
		}
		res, err := f.Check(r.Context(), d.Values, &form.CheckOptions{Mode: form.Partial, Now: s.now})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var errs []form.FieldError
		if inc.Validation != nil {
			errs = inc.Validation.Fields
		}
		s.renderReview(w, r, http.StatusUnprocessableEntity, s.review(d.ID, f, res, errs, rc(r).lang))
		return
	case errors.Is(err, draft.ErrLoginRequired):
		s.relogin(w, r, *who, "/utkast/"+id+"/granska")
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.log.Info("web: submitted", "case_id", receipt.CaseID, "duplicate", receipt.Duplicate)
	redirect(w, r, "/arenden/"+receipt.CaseID+"/kvitto")
}

type caseData struct {
	ID          string
	Reference   string
	Title       string
	Status      string
	ReceivedAt  string
	UpdatedAt   string
	Attachments []fileView
	Digest      string
	Messages    []messageView
}

type messageView struct {
	From string
	Kind string
	Text string
	At   string
}

// openCase loads the applicant's own case; anyone else's is not found.
func (s *Server) openCase(w http.ResponseWriter, r *http.Request, who identity.Principal) (*submission.Case, bool) {
	c, err := s.deps.Cases.Get(r.Context(), who, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return c, true
}

func (s *Server) caseView(c *submission.Case, lang string) *caseData {
	v := &caseData{
		ID: c.ID, Reference: c.Reference, Title: c.Title.In(lang),
		Status: statusLabel(c.Status, c.StatusLabel, lang),
	}
	v.ReceivedAt = c.ReceivedAt.In(s.loc).Format("2006-01-02 15:04")
	v.UpdatedAt = c.UpdatedAt.In(s.loc).Format("2006-01-02 15:04")
	if c.Record != nil {
		for _, a := range c.Record.Attachments {
			v.Attachments = append(v.Attachments, fileView{Name: a.Name, Size: humanSize(a.Size)})
		}
		if enc, err := c.Record.Encode(); err == nil {
			v.Digest = hex.EncodeToString(submission.Digest(enc))
		}
	}
	for _, m := range c.Messages {
		v.Messages = append(v.Messages, messageView{
			From: text("message.from."+m.From, lang), Kind: text("message.kind."+m.Kind, lang),
			Text: m.Text, At: m.At.In(s.loc).Format("2006-01-02 15:04"),
		})
	}
	return v
}

func (s *Server) receiptPage(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	c, ok := s.openCase(w, r, *who)
	if !ok {
		return
	}
	lang := rc(r).lang
	s.render(w, r, http.StatusOK, "receipt", s.newPage(r, text("receipt.title", lang)+" "+c.Reference, s.caseView(c, lang)))
}

// receiptPDF sends the kvittens as a PDF.
func (s *Server) receiptPDF(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	c, ok := s.openCase(w, r, *who)
	if !ok {
		return
	}
	k := kvittens.Receipt{
		Organisation: s.opts.Organisation, Reference: c.Reference, ReceivedAt: c.ReceivedAt, Location: s.loc,
		ServiceSV: c.Title.SV, ServiceEN: c.Title.EN,
	}
	if c.Record != nil {
		for _, a := range c.Record.Attachments {
			k.Attachments = append(k.Attachments, kvittens.Attachment{Name: a.Name, Size: a.Size})
		}
		if enc, err := c.Record.Encode(); err == nil {
			k.Digest = hex.EncodeToString(submission.Digest(enc))
		}
	}
	pdf, err := kvittens.PDF(k)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := "kvittens-" + strings.NewReplacer(" ", "-", "/", "-").Replace(c.Reference) + ".pdf"
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", contentDisposition(name))
	w.Header().Set("Content-Length", fmt.Sprint(len(pdf)))
	_, _ = w.Write(pdf)
}

// statusLabel names a case status: the e-service's own label, else ours.
func statusLabel(status, label, lang string) string {
	if label != "" {
		return label
	}
	return text("status."+status, lang)
}
