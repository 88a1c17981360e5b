package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/submission"
)

// casePageData is the case page: the case, its thread, the reply form
// and, when an officer asked for one, the complement form.
type casePageData struct {
	*caseData
	Closed     bool
	Errors     []summaryItem
	ReplyText  string
	ReplyError string
	Request    *complementView
}

type complementView struct {
	Text     string
	Due      string
	Fields   []*fieldView
	Answer   string
	Skipped  []string // requested file fields, answered by message instead
	Multiple bool
}

// casePage shows the applicant's own case.
func (s *Server) casePage(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	c, ok := s.openCase(w, r, *who)
	if !ok {
		return
	}
	s.renderCase(w, r, http.StatusOK, c, &casePageData{}, nil, nil)
}

// renderCase fills d from the case (and, for a failed complement, the
// posted values and their errors) and renders the case page.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, status int, c *submission.Case, d *casePageData,
	posted form.Values, errs []form.FieldError) {
	lang := rc(r).lang
	d.caseData = s.caseView(c, lang)
	d.Closed = c.Status == submission.StatusClosed
	if req := c.OpenRequest; req != nil && !d.Closed {
		v := &complementView{Text: req.Text, Answer: d.Request.answer()}
		if !req.Due.IsZero() {
			v.Due = req.Due.In(s.loc).Format("2006-01-02")
		}
		if f, err := s.caseForm(c); err == nil {
			display := c.Values.Clone()
			for k, val := range posted {
				display[k] = val
			}
			byPath := map[string][]form.FieldError{}
			for _, e := range errs {
				byPath[e.Field] = append(byPath[e.Field], e)
			}
			b := &viewBuilder{lang: lang, display: display, checked: display, errs: byPath}
			for _, id := range req.Fields {
				fd, _ := f.Field(id)
				switch {
				case fd == nil:
				case fd.Type == form.TypeFile:
					v.Skipped = append(v.Skipped, fd.Label.In(lang))
				default:
					v.Fields = append(v.Fields, b.field(fd, fd.ID, display[fd.ID], display))
				}
			}
			d.Errors = append(d.Errors, summary(v.Fields, nil, lang)...)
		}
		d.Request = v
	}
	p := s.newPage(r, c.Reference+" – "+c.Title.In(lang), d)
	if len(d.Errors) > 0 {
		p.Title = text("error.prefix", lang) + p.Title
		p.HasErrors = true
	}
	s.render(w, r, status, "case", p)
}

func (v *complementView) answer() string {
	if v == nil {
		return ""
	}
	return v.Answer
}

// caseForm is the form version the case was submitted with.
func (s *Server) caseForm(c *submission.Case) (*form.Form, error) {
	version := 0
	if c.Record != nil {
		version = c.Record.FormVersion
	}
	return s.deps.Forms.Get(c.Service, version)
}

// caseReply sends the applicant's answer to the officers.
func (s *Server) caseReply(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	id := r.PathValue("id")
	reply := strings.TrimSpace(r.PostForm.Get("reply"))
	err := errEmptyReply
	if reply != "" {
		err = s.deps.Cases.Reply(r.Context(), *who, id, reply)
	}
	if err == nil {
		rc(r).sess.setFlash("case.replied")
		redirect(w, r, "/arenden/"+id)
		return
	}
	if !errors.Is(err, submission.ErrInvalid) && !errors.Is(err, errEmptyReply) {
		s.fail(w, r, err)
		return
	}
	c, ok := s.openCase(w, r, *who)
	if !ok {
		return
	}
	lang := rc(r).lang
	d := &casePageData{ReplyText: reply, ReplyError: text("case.replyInvalid", lang)}
	d.Errors = []summaryItem{{Href: "#reply", Text: d.ReplyError}}
	s.renderCase(w, r, http.StatusUnprocessableEntity, c, d, nil, nil)
}

var errEmptyReply = errors.New("web: empty reply")

// caseComplement registers the applicant's komplettering: the requested
// fields answered again and a text.
func (s *Server) caseComplement(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	c, ok := s.openCase(w, r, *who)
	if !ok {
		return
	}
	if c.OpenRequest == nil {
		s.fail(w, r, submission.ErrNoComplementRequested)
		return
	}
	f, err := s.caseForm(c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	values, err := decodeRequested(f, c.OpenRequest.Fields, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	answer := strings.TrimSpace(r.PostForm.Get("answer"))
	receipt, err := s.deps.Cases.Complement(r.Context(), *who, c.ID, submission.ComplementAnswer{Values: values, Text: answer})
	var ve *form.ValidationError
	switch {
	case errors.As(err, &ve):
		s.renderCase(w, r, http.StatusUnprocessableEntity, c, &casePageData{Request: &complementView{Answer: answer}}, values, ve.Fields)
		return
	case errors.Is(err, submission.ErrInvalid):
		lang := rc(r).lang
		d := &casePageData{Request: &complementView{Answer: answer}}
		d.Errors = []summaryItem{{Href: "#answer", Text: text("case.complementEmpty", lang)}}
		s.renderCase(w, r, http.StatusUnprocessableEntity, c, d, values, nil)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.log.Info("web: complemented", "case_id", c.ID, "document_digest", receipt.Digest[:12])
	rc(r).sess.setFlash("case.complemented")
	redirect(w, r, "/arenden/"+c.ID)
}

// decodeRequested reads the requested top-level fields from the post, step
// by step, and keeps only those (an absent checkbox of another field would
// otherwise decode as false).
func decodeRequested(f *form.Form, fields []string, r *http.Request) (form.Values, error) {
	out := form.Values{}
	done := map[string]bool{}
	for _, id := range fields {
		fd, step := f.Field(id)
		if fd == nil || fd.Type == form.TypeFile || done[step] {
			continue
		}
		done[step] = true
		vals, err := form.DecodeForm(f, step, r.PostForm)
		if err != nil {
			return nil, err
		}
		for k, v := range vals {
			if slices.Contains(fields, k) {
				out[k] = v
			}
		}
	}
	return out, nil
}
