package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
)

type catalogueItem struct {
	ID          string
	Title       string
	Description string
	Audience    []string
}

type catalogueData struct {
	Items    []catalogueItem
	LoggedIn bool
	Acting   string // "person", "company", "association"
}

// audienceOf is the form audience of whom the principal acts for.
func audienceOf(who identity.Principal) form.Audience {
	switch who.Party.Kind {
	case identity.PartyCompany:
		return form.AudienceCompany
	case identity.PartyAssociation:
		return form.AudienceAssociation
	}
	return form.AudiencePerson
}

// catalogue lists the e-services; once logged in, only those offered to
// whom the applicant acts for.
func (s *Server) catalogue(w http.ResponseWriter, r *http.Request) {
	lang := rc(r).lang
	d := catalogueData{}
	var aud form.Audience
	if sess := rc(r).sess; sess != nil {
		if who := sess.principal(); who != nil {
			d.LoggedIn = true
			aud = audienceOf(*who)
			d.Acting = string(aud)
		}
	}
	for _, f := range s.deps.Forms.Catalogue(aud) {
		it := catalogueItem{ID: f.ID, Title: f.Title.In(lang), Description: f.Description.In(lang)}
		for _, a := range f.Audience {
			it.Audience = append(it.Audience, text("audience."+string(a), lang))
		}
		d.Items = append(d.Items, it)
	}
	s.render(w, r, http.StatusOK, "catalogue", s.newPage(r, text("catalogue.title", lang), d))
}

// startDraft creates a draft of the e-service and opens its first step.
func (s *Server) startDraft(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	var p *draft.CreateParams
	if s.opts.Contacts != nil {
		if c, err := s.opts.Contacts.Contact(r.Context(), who.Subject); err == nil {
			p = &draft.CreateParams{Prefill: map[form.PrefillSource]string{}}
			if c.Email != "" {
				p.Prefill[form.PrefillEmail] = c.Email
			}
			if c.Phone != "" {
				p.Prefill[form.PrefillPhone] = c.Phone
			}
		}
	}
	d, err := s.deps.Drafts.Create(r.Context(), *who, r.PathValue("form"), p)
	switch {
	case errors.Is(err, draft.ErrLoginRequired):
		s.relogin(w, r, *who, "/e-tjanster")
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.log.Info("web: draft created", "draft", d)
	redirect(w, r, "/utkast/"+d.ID)
}

// openDraft loads the principal's draft and its form version. A stale
// login sends the applicant to log in again, returning to back; other
// errors are answered. It reports whether the caller may go on.
func (s *Server) openDraft(w http.ResponseWriter, r *http.Request, who identity.Principal, id, back string) (*draft.Draft, *form.Form, bool) {
	d, err := s.deps.Drafts.Get(r.Context(), who, id)
	if errors.Is(err, draft.ErrLoginRequired) {
		s.relogin(w, r, who, back)
		return nil, nil, false
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	f, err := s.deps.Forms.Get(d.FormID, d.FormVersion)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	return d, f, true
}

// partial checks values without completeness: for visibility and
// normalised answers.
func (s *Server) partial(ctx context.Context, f *form.Form, values form.Values) (*form.Result, error) {
	return f.Check(ctx, values, &form.CheckOptions{Mode: form.Partial, Now: s.now})
}

func visibleSteps(res *form.Result) []string {
	var out []string
	for _, st := range res.Steps {
		if st.Visible {
			out = append(out, st.ID)
		}
	}
	return out
}

// resumeDraft opens the draft at the step the applicant was on.
func (s *Server) resumeDraft(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	id := r.PathValue("id")
	d, f, ok := s.openDraft(w, r, *who, id, "/utkast/"+id)
	if !ok {
		return
	}
	res, err := s.partial(r.Context(), f, d.Values)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	steps := visibleSteps(res)
	step := d.Step
	if !slices.Contains(steps, step) && len(steps) > 0 {
		step = steps[0]
	}
	redirect(w, r, "/utkast/"+id+"/steg/"+step)
}

type stepData struct {
	DraftID   string
	FormTitle string
	StepID    string
	Title     string
	Desc      string
	Number    int
	Total     int
	First     bool
	Fields    []*fieldView
	Multipart bool
	Revision  int64
	Errors    []summaryItem
	Notice    string
	Progress  int
	ExpiresAt string
}

// stepView prepares the step page for display values and errors.
func (s *Server) stepView(ctx context.Context, lang string, d *draft.Draft, f *form.Form, step *form.Step,
	display form.Values, errs []form.FieldError, extra map[string]int) (*stepData, error) {
	res, err := s.partial(ctx, f, display)
	if err != nil {
		return nil, err
	}
	steps := visibleSteps(res)
	byPath := map[string][]form.FieldError{}
	for _, e := range errs {
		byPath[e.Field] = append(byPath[e.Field], e)
	}
	b := &viewBuilder{lang: lang, draftID: d.ID, display: display, checked: res.Values, errs: byPath, extra: extra}
	v := &stepData{
		DraftID: d.ID, FormTitle: f.Title.In(lang), StepID: step.ID,
		Title: step.Title.In(lang), Desc: step.Description.In(lang),
		Total: len(steps), Revision: d.Revision, Progress: d.Progress,
		ExpiresAt: d.ExpiresAt.In(s.loc).Format("2006-01-02"),
	}
	v.Number = slices.Index(steps, step.ID) + 1
	v.First = v.Number <= 1
	v.Fields = b.fields(step)
	for _, fd := range step.Fields {
		if fd.Type == form.TypeFile {
			v.Multipart = true
		}
	}
	v.Errors = summary(v.Fields, errs, lang)
	return v, nil
}

func (s *Server) renderStep(w http.ResponseWriter, r *http.Request, status int, v *stepData) {
	lang := rc(r).lang
	p := s.newPage(r, v.Title+" – "+v.FormTitle, v)
	if len(v.Errors) > 0 {
		p.Title = text("error.prefix", lang) + p.Title
		p.HasErrors = true
	}
	s.render(w, r, status, "step", p)
}

func (s *Server) stepPage(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	id, stepID := r.PathValue("id"), r.PathValue("step")
	d, f, ok := s.openDraft(w, r, *who, id, "/utkast/"+id+"/steg/"+stepID)
	if !ok {
		return
	}
	step := f.Step(stepID)
	if step == nil {
		s.notFound(w, r)
		return
	}
	res, err := s.partial(r.Context(), f, d.Values)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if steps := visibleSteps(res); !slices.Contains(steps, stepID) {
		// A step hidden by the answers is skipped.
		redirect(w, r, "/utkast/"+id)
		return
	}
	v, err := s.stepView(r.Context(), rc(r).lang, d, f, step, d.Values, nil, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderStep(w, r, http.StatusOK, v)
}

// visibleFields lists the IDs of the visible top-level fields of step.
func visibleFields(step *form.Step, checked form.Values) []string {
	var out []string
	for _, fd := range step.Fields {
		if fd.Type != form.TypeInfo && (fd.Condition == nil || fd.Condition.Eval(checked)) {
			out = append(out, fd.ID)
		}
	}
	return out
}

// stepPost handles every button of a step: Nästa (next), Föregående
// (back), Spara (save), add or remove a group row, upload or remove a
// file. The answers are saved first in every case (a partial check: types
// and formats, not completeness), so nothing typed is lost.
func (s *Server) stepPost(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	ctx, lang := r.Context(), rc(r).lang
	id, stepID := r.PathValue("id"), r.PathValue("step")
	here := "/utkast/" + id + "/steg/" + stepID
	d, f, ok := s.openDraft(w, r, *who, id, here)
	if !ok {
		return
	}
	step := f.Step(stepID)
	if step == nil {
		s.notFound(w, r)
		return
	}
	action := r.PostForm.Get("action")
	posted, err := form.DecodeForm(f, stepID, r.PostForm)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all, err := f.WithStep(d.Values, stepID, posted)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	extra := map[string]int{}
	if g, ok := strings.CutPrefix(action, "add:"); ok && isGroup(step, g) {
		extra[g] = 1
	}
	if rest, ok := strings.CutPrefix(action, "remove:"); ok {
		g, idx, _ := strings.Cut(rest, ":")
		i, err := strconv.Atoi(idx)
		if err == nil && isGroup(step, g) {
			items := all[g].Items()
			if i >= 0 && i < len(items) {
				kept := slices.Concat(items[:i:i], items[i+1:])
				all[g] = form.Group(kept...)
			}
		}
	}

	// Another window saved since this page was rendered: show what was
	// posted with the current revision, so saving again overwrites.
	if rev, err := strconv.ParseInt(r.PostForm.Get("rev"), 10, 64); err != nil || rev != d.Revision {
		v, err := s.stepView(ctx, lang, d, f, step, all, nil, extra)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Notice = "step.conflict"
		s.renderStep(w, r, http.StatusConflict, v)
		return
	}

	before, err := s.partial(ctx, f, d.Values)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	saved, err := s.deps.Drafts.Save(ctx, *who, id, draft.SaveParams{Revision: d.Revision, Step: stepID, Values: all})
	var ve *form.ValidationError
	switch {
	case errors.As(err, &ve):
		v, err := s.stepView(ctx, lang, d, f, step, all, ve.Fields, extra)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.renderStep(w, r, http.StatusUnprocessableEntity, v)
		return
	case errors.Is(err, draft.ErrLoginRequired):
		s.relogin(w, r, *who, here)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	d = saved

	// Files chosen in this post are stored whatever the button.
	var fileErrs []form.FieldError
	if r.MultipartForm != nil {
		for _, fd := range step.Fields {
			if fd.Type != form.TypeFile {
				continue
			}
			for _, fh := range r.MultipartForm.File["file:"+fd.ID] {
				nd, err := s.attach(ctx, *who, d, fd.ID, fh)
				if err != nil {
					if errors.Is(err, draft.ErrLoginRequired) {
						s.relogin(w, r, *who, here)
						return
					}
					fileErrs = append(fileErrs, form.FieldError{Step: stepID, Field: fd.ID, Code: "upload",
						Message: uploadMessage(err)})
					continue
				}
				d = nd
			}
		}
	}
	if rest, ok := strings.CutPrefix(action, "detach:"); ok {
		_, att, _ := strings.Cut(rest, ":")
		nd, err := s.deps.Drafts.Detach(ctx, *who, id, d.Revision, att)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d = nd
	}
	if len(fileErrs) > 0 {
		v, err := s.stepView(ctx, lang, d, f, step, d.Values, fileErrs, extra)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.renderStep(w, r, http.StatusUnprocessableEntity, v)
		return
	}

	switch {
	case action == "next":
		s.next(w, r, *who, d, f, step, before)
	case action == "back":
		res, err := s.partial(ctx, f, d.Values)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		steps := visibleSteps(res)
		i := slices.Index(steps, stepID)
		target := stepID
		if i > 0 {
			target = steps[i-1]
		}
		s.moveTo(w, r, *who, d, target)
	case strings.HasPrefix(action, "add:"):
		v, err := s.stepView(ctx, lang, d, f, step, d.Values, nil, extra)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.renderStep(w, r, http.StatusOK, v)
	case strings.HasPrefix(action, "remove:"), strings.HasPrefix(action, "upload:"), strings.HasPrefix(action, "detach:"):
		anchor := ""
		if _, rest, ok := strings.Cut(action, ":"); ok {
			g, _, _ := strings.Cut(rest, ":")
			anchor = "#" + htmlID(g)
		}
		redirect(w, r, here+anchor)
	default: // "save", or Enter in a field
		rc(r).sess.setFlash("step.saved")
		redirect(w, r, here)
	}
}

// next validates the step completely and goes on to the next visible step,
// or to the review page after the last. When the answers just revealed more
// questions on this step, the step is shown again first.
func (s *Server) next(w http.ResponseWriter, r *http.Request, who identity.Principal, d *draft.Draft, f *form.Form, step *form.Step, before *form.Result) {
	ctx, lang := r.Context(), rc(r).lang
	res, err := f.Check(ctx, d.Values, &form.CheckOptions{Mode: form.Complete, Step: step.ID, Now: s.now})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	shown := visibleFields(step, before.Values)
	for _, id := range visibleFields(step, res.Values) {
		if !slices.Contains(shown, id) {
			v, err := s.stepView(ctx, lang, d, f, step, d.Values, nil, nil)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			v.Notice = "step.moreQuestions"
			s.renderStep(w, r, http.StatusOK, v)
			return
		}
	}
	if len(res.Errors) > 0 {
		v, err := s.stepView(ctx, lang, d, f, step, d.Values, res.Errors, nil)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.renderStep(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	steps := visibleSteps(res)
	i := slices.Index(steps, step.ID)
	if i < 0 || i == len(steps)-1 {
		redirect(w, r, "/utkast/"+d.ID+"/granska")
		return
	}
	s.moveTo(w, r, who, d, steps[i+1])
}

// moveTo records the step the applicant goes to (so Mina sidor resumes
// there) and redirects to it.
func (s *Server) moveTo(w http.ResponseWriter, r *http.Request, who identity.Principal, d *draft.Draft, step string) {
	if step != d.Step {
		if _, err := s.deps.Drafts.Save(r.Context(), who, d.ID, draft.SaveParams{Revision: d.Revision, Step: step, Values: d.Values}); err != nil {
			s.log.Warn("web: recording the step failed", "draft", d, "err", err)
		}
	}
	redirect(w, r, "/utkast/"+d.ID+"/steg/"+step)
}

func isGroup(step *form.Step, id string) bool {
	for _, fd := range step.Fields {
		if fd.ID == id && fd.Type == form.TypeGroup {
			return true
		}
	}
	return false
}

// attach stores one uploaded file on the draft.
func (s *Server) attach(ctx context.Context, who identity.Principal, d *draft.Draft, field string, fh *multipart.FileHeader) (*draft.Draft, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("web: open upload: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.opts.MaxUploadBytes+1))
	if err != nil {
		return nil, fmt.Errorf("web: read upload: %w", err)
	}
	nd, _, err := s.deps.Drafts.Attach(ctx, who, d.ID, draft.AttachParams{
		Revision: d.Revision, Field: field, Name: cleanFileName(fh.Filename), Data: data,
	})
	return nd, err
}

// cleanFileName keeps the base name of an upload without control
// characters, at most 120 runes.
func cleanFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	if rs := []rune(name); len(rs) > 120 {
		name = string(rs[:120])
	}
	if name == "" || name == "." || name == "/" {
		name = "bilaga"
	}
	return name
}

func uploadMessage(err error) form.Text {
	switch {
	case errors.Is(err, draft.ErrFileType):
		return form.T("Filtypen tas inte emot här. Välj en fil av rätt typ.", "This file type is not accepted here. Choose a file of the right type.")
	case errors.Is(err, draft.ErrTooLarge):
		return form.T("Filen är för stor.", "The file is too large.")
	case errors.Is(err, draft.ErrTooManyAttachments):
		return form.T("Du har redan bifogat så många filer som går.", "You have already attached as many files as allowed.")
	case errors.Is(err, draft.ErrInvalid):
		return form.T("Filen är tom.", "The file is empty.")
	case errors.Is(err, draft.ErrConflict):
		return form.T("Utkastet ändrades samtidigt i ett annat fönster. Försök igen.", "The draft was changed in another window at the same time. Try again.")
	}
	return form.T("Filen kunde inte laddas upp. Försök igen.", "The file could not be uploaded. Try again.")
}

// draftAttachment sends one of the applicant's own draft files.
func (s *Server) draftAttachment(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	id := r.PathValue("id")
	a, err := s.deps.Drafts.OpenAttachment(r.Context(), *who, id, r.PathValue("att"))
	if errors.Is(err, draft.ErrLoginRequired) {
		s.relogin(w, r, *who, "/utkast/"+id)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Disposition", contentDisposition(a.Name))
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	_, _ = w.Write(a.Data)
}

// contentDisposition names a download, in ASCII and in UTF-8 (RFC 6266).
func contentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7E || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, pathEscape(name))
}

func pathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// deleteDraft removes the applicant's draft.
func (s *Server) deleteDraft(w http.ResponseWriter, r *http.Request) {
	who := s.requireLogin(w, r)
	if who == nil {
		return
	}
	id := r.PathValue("id")
	err := s.deps.Drafts.Delete(r.Context(), *who, id)
	if errors.Is(err, draft.ErrLoginRequired) {
		s.relogin(w, r, *who, "/mina-sidor")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rc(r).sess.setFlash("draft.deleted")
	redirect(w, r, "/mina-sidor")
}
