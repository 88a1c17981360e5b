package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/submission"
)

type disclosureFormData struct {
	Reference string
	Requester string
	Errors    []summaryItem
	RefError  string
}

// disclosurePage is the public form to request a public record (begäran
// om utlämnande av allmän handling). Anyone may ask, anonymously.
func (s *Server) disclosurePage(w http.ResponseWriter, r *http.Request) {
	if _, err := s.ensureSession(w, r); err != nil {
		s.errorPage(w, r, http.StatusServiceUnavailable, "error.busy")
		return
	}
	s.render(w, r, http.StatusOK, "disclosure", s.newPage(r, text("disclosure.title", rc(r).lang), disclosureFormData{}))
}

func (s *Server) disclosureRequest(w http.ResponseWriter, r *http.Request) {
	lang := rc(r).lang
	if !s.limiter.allow(clientAddr(r)) {
		s.errorPage(w, r, http.StatusTooManyRequests, "error.rate")
		return
	}
	d := disclosureFormData{
		Reference: strings.TrimSpace(r.PostForm.Get("reference")),
		Requester: strings.TrimSpace(r.PostForm.Get("requester")),
	}
	var who *identity.Principal
	if sess := rc(r).sess; sess != nil {
		who = sess.principal()
	}
	var req *submission.DisclosureRequest
	err := errEmptyReference
	if d.Reference != "" && len(d.Reference) <= 64 {
		req, err = s.deps.Cases.RequestDisclosure(r.Context(), who, submission.DisclosureParams{Reference: d.Reference, Requester: d.Requester})
	}
	switch {
	case err == nil:
		redirect(w, r, "/utlamnande/"+req.ID)
		return
	case errors.Is(err, errEmptyReference), errors.Is(err, submission.ErrNotFound), errors.Is(err, submission.ErrInvalid):
		d.RefError = text("disclosure.refInvalid", lang)
		d.Errors = []summaryItem{{Href: "#reference", Text: d.RefError}}
		p := s.newPage(r, text("error.prefix", lang)+text("disclosure.title", lang), d)
		p.HasErrors = true
		s.render(w, r, http.StatusUnprocessableEntity, "disclosure", p)
	default:
		s.fail(w, r, err)
	}
}

var errEmptyReference = errors.New("web: no reference")

type releaseData struct {
	ID        string
	Pending   bool
	Reference string
	Title     string
	Received  string
	Documents []releasedDoc
	Decision  string
	Grounds   []submission.Ground
}

type releasedDoc struct {
	Kind     string
	Name     string
	Withheld bool
	Rows     []releasedRow
	Text     string
}

type releasedRow struct {
	Label string
	Value string
}

// disclosureStatus shows the outcome of a request to whoever holds its ID:
// pending while the secrecy review goes on, then the released copy with
// masked values and, when anything was masked or withheld, the decision.
func (s *Server) disclosureStatus(w http.ResponseWriter, r *http.Request) {
	lang := rc(r).lang
	id := r.PathValue("id")
	var who *identity.Principal
	if sess := rc(r).sess; sess != nil {
		who = sess.principal()
	}
	rel, err := s.deps.Cases.Outcome(r.Context(), who, id)
	if errors.Is(err, submission.ErrUndecided) {
		s.render(w, r, http.StatusOK, "release", s.newPage(r, text("disclosure.title", lang), releaseData{ID: id, Pending: true}))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := releaseData{ID: id, Reference: rel.Reference, Title: rel.Title.In(lang), Received: rel.ReceivedAt.In(s.loc).Format("2006-01-02 15:04")}
	f, _ := s.deps.Forms.Latest(rel.Service)
	for _, doc := range rel.Documents {
		rd := releasedDoc{Kind: text("document."+doc.Kind, lang), Name: doc.Name, Withheld: doc.Withheld, Text: doc.Text}
		rd.Rows = append(rd.Rows, flatten(f, "", doc.Sender, lang)...)
		rd.Rows = append(rd.Rows, flatten(f, "", doc.Values, lang)...)
		d.Documents = append(d.Documents, rd)
	}
	if rel.Decision != nil {
		d.Decision = rel.Decision.Text.In(lang)
		d.Grounds = rel.Decision.Grounds
	}
	s.render(w, r, http.StatusOK, "release", s.newPage(r, text("disclosure.title", lang)+" "+rel.Reference, d))
}

// flatten lists the leaves of a released JSON document as label and value
// rows, naming form fields by their labels. Masked values arrive already
// replaced by the library.
func flatten(f *form.Form, prefix string, raw json.RawMessage, lang string) []releasedRow {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return []releasedRow{{Label: prefix, Value: string(raw)}}
	}
	var out []releasedRow
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(p, x[k])
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case nil:
		default:
			label := path
			if f != nil {
				if fd, _ := f.Field(strings.SplitN(path, "[", 2)[0]); fd != nil && !strings.ContainsAny(path, "[.") {
					label = fd.Label.In(lang)
				}
			}
			out = append(out, releasedRow{Label: label, Value: fmt.Sprint(x)})
		}
	}
	walk(prefix, v)
	return out
}
