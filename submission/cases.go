package submission

import (
	"cmp"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
)

// More sentinel errors of case handling.
var (
	// ErrTransition is returned for a status change the lifecycle does not
	// allow (e.g. acknowledging a closed case).
	ErrTransition = errors.New("submission: status change not allowed")
	// ErrNoComplementRequested is returned when the applicant complements
	// a case without an open complement request.
	ErrNoComplementRequested = errors.New("submission: no complement was requested")
	// ErrNotRequested is returned when a complement answers fields that
	// were not asked for.
	ErrNotRequested = errors.New("submission: the complement answers what was not requested")
	// ErrInvalid is returned for malformed input: empty or oversized texts,
	// unknown fields, a due date in the past.
	ErrInvalid = errors.New("submission: invalid input")
)

// transitions lists the allowed status changes.
var transitions = map[string][]string{
	StatusSubmitted:          {StatusReceived, StatusClosed},
	StatusReceived:           {StatusInProgress, StatusAwaitingComplement, StatusClosed},
	StatusInProgress:         {StatusAwaitingComplement, StatusClosed},
	StatusAwaitingComplement: {StatusComplemented, StatusInProgress, StatusClosed},
	StatusComplemented:       {StatusInProgress, StatusAwaitingComplement, StatusClosed},
	StatusClosed:             {},
}

// CanTransition reports whether the lifecycle allows from → to.
func CanTransition(from, to string) bool { return slices.Contains(transitions[from], to) }

// MaxTextLength caps messages, replies, complement texts and decisions.
const MaxTextLength = 10000

// CasesOptions configures Cases. A nil *CasesOptions means defaults except
// the required Notifier.
type CasesOptions struct {
	// Notifier queues notices of case events. Required.
	Notifier Notifier
	// Classifiers add secrecy flags to replies and complements.
	Classifiers []Classifier
	// Municipality names the authority in written decisions. Defaults to
	// "Kommunen".
	Municipality string
	// ReleaseOwnData lets an applicant who requests their own case skip
	// the review of the data they submitted themselves (see
	// RequestDisclosure). Defaults to false: everything is reviewed.
	ReleaseOwnData bool
	// Now defaults to time.Now; Logger to slog.Default().
	Now    func() time.Time
	Logger *slog.Logger
}

// Cases handles registered cases: the officers' desk (handläggare: inbox,
// read, acknowledge, message, request a complement, close), the
// applicant's side (own cases, messages, replies, complements) and requests
// for disclosure with their secrecy review. It is safe for concurrent use.
//
// Every event, each read by an officer included, is appended to the case's
// hash-chained audit log in the transaction that records it.
type Cases struct {
	db     storage.Driver
	drafts *draft.Store
	forms  *form.Registry
	opts   CasesOptions
}

// NewCases returns case handling over the driver; drafts provides the
// applicants' owner keys and forms the definitions of the cases' versions.
func NewCases(db storage.Driver, drafts *draft.Store, forms *form.Registry, opts *CasesOptions) (*Cases, error) {
	if db == nil || drafts == nil || forms == nil {
		return nil, errors.New("submission: NewCases needs a driver, a draft store and a form registry")
	}
	var o CasesOptions
	if opts != nil {
		o = *opts
	}
	if o.Notifier == nil {
		return nil, errors.New("submission: CasesOptions.Notifier is required")
	}
	if o.Municipality == "" {
		o.Municipality = "Kommunen"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Cases{db: db, drafts: drafts, forms: forms, opts: o}, nil
}

// Summary describes a case in a list (inbox, Mina sidor) without contents.
type Summary struct {
	ID          string
	Reference   string
	Service     string
	Title       form.Text
	SubjectLine string
	Status      string
	StatusLabel string
	ReceivedAt  time.Time
	UpdatedAt   time.Time
}

// Case is a registered case as its reader sees it.
type Case struct {
	Summary
	// Record is the registered record; Values its answers, decoded with
	// the form version the case was submitted with.
	Record *Record
	Values form.Values
	// Documents lists every document in order: the application, its
	// attachments, messages, replies, complement requests, complements and
	// decisions.
	Documents []Document
	// Messages is the thread between officers and the applicant.
	Messages []Message
	// OpenRequest is the complement request awaiting an answer, if any.
	OpenRequest *ComplementRequest
	// Flags are the secrecy flags; only officers see them.
	Flags []FlagView
}

// Document describes one document of a case.
type Document struct {
	ID          string
	Kind        string
	Name        string
	ContentType string
	Size        int64
	Digest      string
	CreatedAt   time.Time
}

// Message is one message of a case's thread.
type Message struct {
	ID string
	// From is "officer" or "applicant".
	From string
	// Kind is the document kind: "message", "reply", "complementRequest",
	// "complement" or "decision".
	Kind string
	Text string
	At   time.Time
}

// ComplementRequest is an officer's request for a komplettering.
type ComplementRequest struct {
	ID string
	// Text explains what is missing; Fields lists field IDs of the form to
	// answer again. At least one of them is set.
	Text   string    `json:"text,omitempty"`
	Fields []string  `json:"fields,omitempty"`
	Due    time.Time `json:"due,omitzero"`
	At     time.Time `json:"-"`
}

// FlagView is a stored secrecy flag.
type FlagView struct {
	ID string
	Flag
}

// document contents stored as JSON.
type textDoc struct {
	Text string `json:"text"`
}

type complementDoc struct {
	Request string          `json:"request"`
	Values  json.RawMessage `json:"values"`
	Text    string          `json:"text,omitempty"`
}

// officerFor checks that who handles service.
func officerFor(who identity.Principal, service string) error {
	if err := who.Validate(); err != nil || !who.HasRole(identity.RoleOfficer, service) {
		return ErrNotFound
	}
	return nil
}

// officerActor is the audit actor of an officer.
func officerActor(who identity.Principal) string { return who.Subject.Masked() }

// loadForOfficer reads a case the officer handles.
func (c *Cases) loadForOfficer(ctx context.Context, ex storage.Executor, who identity.Principal, id string) (*storage.CaseRow, error) {
	if !who.IsOfficer() {
		return nil, ErrNotFound
	}
	row, err := ex.CaseGet(ctx, &storage.CaseGetParams{ID: id})
	if err != nil {
		return nil, mapNotFound(err)
	}
	if err := officerFor(who, row.Service); err != nil {
		return nil, err
	}
	return row, nil
}

// loadForApplicant reads the applicant's own case.
func (c *Cases) loadForApplicant(ctx context.Context, ex storage.Executor, who identity.Principal, id string) (*storage.CaseRow, error) {
	owner, err := c.drafts.OwnerKey(who)
	if err != nil {
		return nil, ErrNotFound
	}
	row, err := ex.CaseGet(ctx, &storage.CaseGetParams{ID: id, Owner: owner})
	if err != nil {
		return nil, mapNotFound(err)
	}
	return row, nil
}

func (c *Cases) summary(row *storage.CaseRow) Summary {
	s := Summary{ID: row.ID, Reference: row.Reference, Service: row.Service, SubjectLine: row.SubjectLine,
		Status: row.Status, StatusLabel: row.StatusLabel, ReceivedAt: row.ReceivedAt, UpdatedAt: row.UpdatedAt}
	if f, err := c.forms.Get(row.Service, row.FormVersion); err == nil {
		s.Title = f.Title
	}
	return s
}

func (c *Cases) summaries(rows []*storage.CaseRow) []Summary {
	out := make([]Summary, len(rows))
	for i, r := range rows {
		out[i] = c.summary(r)
	}
	return out
}

// Inbox lists the cases of an e-service for an officer who handles it,
// newest first, optionally only those with the given statuses: at most
// storage.MaxLimit of them. InboxPage pages through an inbox of any size.
func (c *Cases) Inbox(ctx context.Context, who identity.Principal, service string, statuses ...string) ([]Summary, error) {
	if err := officerFor(who, service); err != nil {
		return nil, err
	}
	rows, err := c.db.CaseList(ctx, &storage.CaseListParams{Service: service, Statuses: statuses, Limit: storage.MaxLimit})
	if err != nil {
		return nil, fmt.Errorf("submission: inbox: %w", err)
	}
	return c.summaries(rows), nil
}

// Read returns a case to an officer who handles its e-service, flags
// included, and records the read in the audit log. Anyone else gets
// ErrNotFound.
func (c *Cases) Read(ctx context.Context, who identity.Principal, id string) (*Case, error) {
	var out *Case
	err := storage.WithTx(ctx, c.db, func(ctx context.Context, tx storage.Tx) error {
		row, err := c.loadForOfficer(ctx, tx, who, id)
		if err != nil {
			return err
		}
		if out, err = c.view(ctx, tx, row, true); err != nil {
			return err
		}
		_, err = appendAudit(ctx, tx, row, c.opts.Now(), officerActor(who), "read", nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Mine lists the applicant's own cases (the same owner pair as their
// drafts), newest first.
func (c *Cases) Mine(ctx context.Context, who identity.Principal) ([]Summary, error) {
	owner, err := c.drafts.OwnerKey(who)
	if err != nil {
		return nil, nil // officers and invalid principals own no cases
	}
	rows, err := c.db.CaseList(ctx, &storage.CaseListParams{Owner: owner, Limit: storage.MaxLimit})
	if err != nil {
		return nil, fmt.Errorf("submission: my cases: %w", err)
	}
	return c.summaries(rows), nil
}

// Get returns the applicant's own case with its messages (without flags).
// Another person's case is ErrNotFound.
func (c *Cases) Get(ctx context.Context, who identity.Principal, id string) (*Case, error) {
	row, err := c.loadForApplicant(ctx, c.db, who, id)
	if err != nil {
		return nil, err
	}
	return c.view(ctx, c.db, row, false)
}

// view assembles a case from its row and documents.
func (c *Cases) view(ctx context.Context, ex storage.Executor, row *storage.CaseRow, withFlags bool) (*Case, error) {
	rec, err := DecodeRecord(row.Record)
	if err != nil {
		return nil, err
	}
	out := &Case{Summary: c.summary(row), Record: rec}
	docs, err := ex.DocumentList(ctx, &storage.DocumentListParams{CaseID: row.ID, WithContent: true})
	if err != nil {
		return nil, fmt.Errorf("submission: case %s: %w", row.ID, err)
	}
	for _, d := range docs {
		if d.ID != rec.Document {
			continue
		}
		if f, err := c.forms.Get(row.Service, row.FormVersion); err == nil {
			if out.Values, err = form.DecodeJSON(f, d.Content); err != nil {
				return nil, fmt.Errorf("submission: case %s values: %w", row.ID, err)
			}
		}
	}
	for _, d := range docs {
		out.Documents = append(out.Documents, Document{ID: d.ID, Kind: d.Kind, Name: d.Name, ContentType: d.ContentType,
			Size: d.Size, Digest: hex.EncodeToString(d.Digest), CreatedAt: d.CreatedAt})
		switch d.Kind {
		case "message", "reply", "decision":
			var t textDoc
			if err := json.Unmarshal(d.Content, &t); err != nil {
				return nil, fmt.Errorf("submission: case %s document %s: %w", row.ID, d.ID, err)
			}
			from := "officer"
			if d.Kind == "reply" {
				from = "applicant"
			}
			out.Messages = append(out.Messages, Message{ID: d.ID, From: from, Kind: d.Kind, Text: t.Text, At: d.CreatedAt})
		case "complementRequest":
			var r ComplementRequest
			if err := json.Unmarshal(d.Content, &r); err != nil {
				return nil, fmt.Errorf("submission: case %s document %s: %w", row.ID, d.ID, err)
			}
			r.ID, r.At = d.ID, d.CreatedAt
			out.OpenRequest = &r
			out.Messages = append(out.Messages, Message{ID: d.ID, From: "officer", Kind: d.Kind, Text: r.Text, At: d.CreatedAt})
		case "complement":
			var cd complementDoc
			if err := json.Unmarshal(d.Content, &cd); err != nil {
				return nil, fmt.Errorf("submission: case %s document %s: %w", row.ID, d.ID, err)
			}
			out.OpenRequest = nil
			out.Messages = append(out.Messages, Message{ID: d.ID, From: "applicant", Kind: d.Kind, Text: cd.Text, At: d.CreatedAt})
		}
	}
	if row.Status != StatusAwaitingComplement {
		out.OpenRequest = nil
	}
	if withFlags {
		flags, err := ex.FlagList(ctx, &storage.FlagListParams{CaseID: row.ID})
		if err != nil {
			return nil, fmt.Errorf("submission: case %s: %w", row.ID, err)
		}
		for _, f := range flags {
			out.Flags = append(out.Flags, FlagView{ID: f.ID, Flag: Flag{Document: f.DocumentID, Path: f.Path, Kind: f.Kind,
				Reason: f.Reason, OSL: f.OSL, Article9: f.Article9}})
		}
	}
	return out, nil
}

// officerAct runs one officer action on a case in a transaction: load and
// check, fn, optional status change, notice and audit entry.
func (c *Cases) officerAct(ctx context.Context, who identity.Principal, id, to, label string, ev EventKind, audit string,
	fn func(ctx context.Context, tx storage.Tx, row *storage.CaseRow, now time.Time) (text string, due time.Time, err error)) error {
	return storage.WithTx(ctx, c.db, func(ctx context.Context, tx storage.Tx) error {
		row, err := c.loadForOfficer(ctx, tx, who, id)
		if err != nil {
			return err
		}
		now := storage.Time(c.opts.Now())
		if to != "" && to != row.Status {
			if !CanTransition(row.Status, to) {
				return fmt.Errorf("%w: %s → %s", ErrTransition, row.Status, to)
			}
			if err := tx.CaseSetStatus(ctx, &storage.CaseSetStatusParams{ID: row.ID, From: row.Status, To: to,
				StatusLabel: label, UpdatedAt: now}); err != nil {
				return fmt.Errorf("submission: %s %s: %w", audit, id, err)
			}
		} else if to != "" && to == row.Status {
			return fmt.Errorf("%w: already %s", ErrTransition, to)
		}
		var text string
		var due time.Time
		if fn != nil {
			if text, due, err = fn(ctx, tx, row, now); err != nil {
				return err
			}
		}
		if ev != "" {
			if err := c.notify(ctx, tx, row, ev, now, text, due); err != nil {
				return err
			}
		}
		data, _ := json.Marshal(map[string]string{"status": cmp.Or(to, row.Status)})
		_, err = appendAudit(ctx, tx, row, now, officerActor(who), audit, data)
		return err
	})
}

func (c *Cases) notify(ctx context.Context, tx storage.Tx, row *storage.CaseRow, kind EventKind, now time.Time, text string, due time.Time) error {
	rec, err := DecodeRecord(row.Record)
	if err != nil {
		return err
	}
	err = c.opts.Notifier.Notify(ctx, tx, Event{Kind: kind, CaseID: row.ID, Reference: row.Reference, Service: row.Service,
		Title: rec.FormTitle, At: now, Applicant: rec.Sender.Subject,
		Party: identity.Party{Kind: rec.Sender.Party.Kind, Subject: rec.Sender.Party.Subject}, Text: text, Due: due})
	if err != nil {
		return fmt.Errorf("submission: notify %s: %w", kind, err)
	}
	return nil
}

// Acknowledge records that an officer has received the case (submitted →
// received) and notifies the applicant ("mottagen av handläggare").
func (c *Cases) Acknowledge(ctx context.Context, who identity.Principal, id string) error {
	return c.officerAct(ctx, who, id, StatusReceived, "", EventAcknowledged, "acknowledged", nil)
}

// SetStatus moves a case to another status allowed by the lifecycle, with
// the e-service's own name for it (label, may be empty).
func (c *Cases) SetStatus(ctx context.Context, who identity.Principal, id, to, label string) error {
	if to == StatusComplemented || to == StatusClosed || to == StatusAwaitingComplement {
		return fmt.Errorf("%w: use Complement, Close or RequestComplement for %s", ErrTransition, to)
	}
	if utf8.RuneCountInString(label) > 100 {
		return fmt.Errorf("%w: label too long", ErrInvalid)
	}
	return c.officerAct(ctx, who, id, to, label, "", "status", nil)
}

func checkText(text string, required bool) error {
	switch {
	case required && strings.TrimSpace(text) == "":
		return fmt.Errorf("%w: empty text", ErrInvalid)
	case utf8.RuneCountInString(text) > MaxTextLength, !utf8.ValidString(text):
		return fmt.Errorf("%w: text over %d characters or not UTF-8", ErrInvalid, MaxTextLength)
	}
	return nil
}

// insertTextDoc stores an officer's or applicant's text as a document.
func insertTextDoc(ctx context.Context, tx storage.Tx, caseID, kind, name string, content []byte, now time.Time) (string, error) {
	id := newID()
	err := tx.DocumentInsert(ctx, &storage.DocumentInsertParams{Document: storage.DocumentRow{
		ID: id, CaseID: caseID, Kind: kind, Name: name, ContentType: "application/json", Size: int64(len(content)),
		Digest: Digest(content), Content: content, CreatedAt: now}})
	if err != nil {
		return "", fmt.Errorf("submission: %s: %w", kind, err)
	}
	return id, nil
}

// insertOfficerText stores a text an officer wrote as a document and flags
// the personal data found in it: officers' messages and decisions are
// public records too, and may name people.
func insertOfficerText(ctx context.Context, tx storage.Tx, caseID, kind, name string, content []byte, text string, now time.Time) (string, error) {
	doc, err := insertTextDoc(ctx, tx, caseID, kind, name, content, now)
	if err != nil {
		return "", err
	}
	return doc, insertFlags(ctx, tx, caseID, classifyText(nil, "text", text, doc))
}

// SendMessage writes to the applicant: a document on the case and a
// notice (the text itself only reaches the in-app inbox).
func (c *Cases) SendMessage(ctx context.Context, who identity.Principal, id, text string) error {
	if err := checkText(text, true); err != nil {
		return err
	}
	return c.officerAct(ctx, who, id, "", "", EventMessage, "message", func(ctx context.Context, tx storage.Tx, row *storage.CaseRow, now time.Time) (string, time.Time, error) {
		if row.Status == StatusClosed {
			return "", time.Time{}, fmt.Errorf("%w: the case is closed", ErrTransition)
		}
		content, _ := json.Marshal(textDoc{Text: text})
		_, err := insertOfficerText(ctx, tx, row.ID, "message", "meddelande.json", content, text, now)
		return text, time.Time{}, err
	})
}

// ComplementParams are the parameters of RequestComplement.
type ComplementParams struct {
	// Text explains what is needed; Fields lists top-level field IDs of the
	// case's form version to answer again. At least one is required.
	Text   string
	Fields []string
	// Due is the last day to answer; zero means no due date.
	Due time.Time
}

// RequestComplement asks the applicant for a komplettering and notifies
// them; the case awaits the complement.
func (c *Cases) RequestComplement(ctx context.Context, who identity.Principal, id string, p ComplementParams) error {
	if err := checkText(p.Text, len(p.Fields) == 0); err != nil {
		return err
	}
	if !p.Due.IsZero() && p.Due.Before(c.opts.Now()) {
		return fmt.Errorf("%w: due date in the past", ErrInvalid)
	}
	return c.officerAct(ctx, who, id, StatusAwaitingComplement, "", EventComplementRequested, "complementRequested",
		func(ctx context.Context, tx storage.Tx, row *storage.CaseRow, now time.Time) (string, time.Time, error) {
			f, err := c.forms.Get(row.Service, row.FormVersion)
			if err != nil {
				return "", time.Time{}, fmt.Errorf("submission: %w", err)
			}
			for _, fid := range p.Fields {
				if fd, _ := f.Field(fid); fd == nil || fd.Type == form.TypeInfo {
					return "", time.Time{}, fmt.Errorf("%w: unknown field %q", ErrInvalid, fid)
				}
			}
			content, _ := json.Marshal(ComplementRequest{Text: p.Text, Fields: p.Fields, Due: storage.Time(p.Due)})
			_, err = insertOfficerText(ctx, tx, row.ID, "complementRequest", "begaran-om-komplettering.json", content, p.Text, now)
			return p.Text, p.Due, err
		})
}

// Close closes the case with a decision text and notifies the applicant.
func (c *Cases) Close(ctx context.Context, who identity.Principal, id, decision, label string) error {
	if err := checkText(decision, true); err != nil {
		return err
	}
	return c.officerAct(ctx, who, id, StatusClosed, label, EventClosed, "closed",
		func(ctx context.Context, tx storage.Tx, row *storage.CaseRow, now time.Time) (string, time.Time, error) {
			content, _ := json.Marshal(textDoc{Text: decision})
			_, err := insertOfficerText(ctx, tx, row.ID, "decision", "beslut.json", content, decision, now)
			return decision, time.Time{}, err
		})
}

// applicantAct runs one applicant action on their own case.
func (c *Cases) applicantAct(ctx context.Context, who identity.Principal, id string,
	fn func(ctx context.Context, tx storage.Tx, row *storage.CaseRow, now time.Time) error) error {
	return storage.WithTx(ctx, c.db, func(ctx context.Context, tx storage.Tx) error {
		row, err := c.loadForApplicant(ctx, tx, who, id)
		if err != nil {
			return err
		}
		return fn(ctx, tx, row, storage.Time(c.opts.Now()))
	})
}

// Reply answers the officers on the applicant's own case: an incoming
// document, classified for secrecy like the application.
func (c *Cases) Reply(ctx context.Context, who identity.Principal, id, text string) error {
	if err := checkText(text, true); err != nil {
		return err
	}
	return c.applicantAct(ctx, who, id, func(ctx context.Context, tx storage.Tx, row *storage.CaseRow, now time.Time) error {
		if row.Status == StatusClosed {
			return fmt.Errorf("%w: the case is closed", ErrTransition)
		}
		content, _ := json.Marshal(textDoc{Text: text})
		doc, err := insertTextDoc(ctx, tx, row.ID, "reply", "svar.json", content, now)
		if err != nil {
			return err
		}
		flags := classifyText(nil, "text", text, doc)
		if err := insertFlags(ctx, tx, row.ID, flags); err != nil {
			return err
		}
		if err := c.notify(ctx, tx, row, EventReplied, now, "", time.Time{}); err != nil {
			return err
		}
		data, _ := json.Marshal(map[string]any{"document": doc, "flags": len(flags)})
		_, err = appendAudit(ctx, tx, row, now, who.Subject.Masked(), "replied", data)
		return err
	})
}

// ComplementAnswer is the applicant's komplettering.
type ComplementAnswer struct {
	// Values answers the requested fields (and only those).
	Values form.Values
	// Text answers the request's text.
	Text string
}

// Complement registers the applicant's answer to the open complement
// request as a new document on the case, with its own digest, flags and
// receipt; the original record is untouched. It returns
// ErrNoComplementRequested without an open request, ErrNotRequested when
// the answer holds fields that were not requested, and a
// *form.ValidationError for invalid answers.
func (c *Cases) Complement(ctx context.Context, who identity.Principal, id string, a ComplementAnswer) (*Receipt, error) {
	if err := checkText(a.Text, false); err != nil {
		return nil, err
	}
	var receipt *Receipt
	err := c.applicantAct(ctx, who, id, func(ctx context.Context, tx storage.Tx, row *storage.CaseRow, now time.Time) error {
		cs, err := c.view(ctx, tx, row, false)
		if err != nil {
			return err
		}
		req := cs.OpenRequest
		if req == nil {
			return ErrNoComplementRequested
		}
		for fid := range a.Values {
			if !slices.Contains(req.Fields, fid) {
				return fmt.Errorf("%w: %q", ErrNotRequested, fid)
			}
		}
		if len(req.Fields) > 0 && len(a.Values) == 0 && strings.TrimSpace(a.Text) == "" {
			return fmt.Errorf("%w: the complement is empty", ErrInvalid)
		}
		f, err := c.forms.Get(row.Service, row.FormVersion)
		if err != nil {
			return fmt.Errorf("submission: %w", err)
		}
		// Validate the answers in the context of the whole application.
		merged := cs.Values.Clone()
		for k, v := range a.Values {
			merged[k] = v
		}
		res, err := f.Check(ctx, merged, &form.CheckOptions{Now: c.opts.Now})
		if err != nil {
			return fmt.Errorf("submission: %w", err)
		}
		var problems []form.FieldError
		for _, fe := range res.Errors {
			top, _, _ := strings.Cut(fe.Field, "[")
			if slices.Contains(req.Fields, top) {
				problems = append(problems, fe)
			}
		}
		if len(problems) > 0 {
			return &form.ValidationError{Fields: problems}
		}
		answered := form.Values{}
		for fid := range a.Values {
			if v, ok := res.Values[fid]; ok {
				answered[fid] = v
			}
		}
		values, _ := answered.MarshalJSON()
		content, _ := json.Marshal(complementDoc{Request: req.ID, Values: values, Text: a.Text})
		doc, err := insertTextDoc(ctx, tx, row.ID, "complement", "komplettering.json", content, now)
		if err != nil {
			return err
		}
		var flags []Flag
		for _, st := range f.Steps {
			for i := range st.Fields {
				if v, ok := answered[st.Fields[i].ID]; ok {
					flags = classifyField(flags, &st.Fields[i], st.Fields[i].ID, v, doc)
				}
			}
		}
		flags = classifyText(flags, "text", a.Text, doc)
		for _, cl := range c.opts.Classifiers {
			more, err := cl.Classify(ctx, cs.Record, answered)
			if err != nil {
				return fmt.Errorf("submission: classifier: %w", err)
			}
			for i := range more {
				more[i].Document = doc
			}
			flags = append(flags, more...)
		}
		if err := insertFlags(ctx, tx, row.ID, flags); err != nil {
			return err
		}
		if err := tx.CaseSetStatus(ctx, &storage.CaseSetStatusParams{ID: row.ID, From: row.Status, To: StatusComplemented,
			UpdatedAt: now}); err != nil {
			return fmt.Errorf("submission: complement %s: %w", id, err)
		}
		if err := c.notify(ctx, tx, row, EventComplemented, now, "", time.Time{}); err != nil {
			return err
		}
		data, _ := json.Marshal(map[string]any{"document": doc, "digest": hex.EncodeToString(Digest(content)), "flags": len(flags)})
		if _, err := appendAudit(ctx, tx, row, now, who.Subject.Masked(), "complemented", data); err != nil {
			return err
		}
		receipt = &Receipt{CaseID: row.ID, Reference: row.Reference, ReceivedAt: now, Service: row.Service,
			Title: cs.Title, Digest: hex.EncodeToString(Digest(content)), Flags: len(flags), Warnings: res.Warnings}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return receipt, nil
}

// classifyText flags personal data found in a free text of a document.
func classifyText(flags []Flag, path, text, doc string) []Flag {
	if text == "" {
		return flags
	}
	fd := &form.Field{ID: path, Type: form.TypeTextarea}
	return classifyField(flags, fd, path, form.String(text), doc)
}

func insertFlags(ctx context.Context, tx storage.Tx, caseID string, flags []Flag) error {
	if len(flags) == 0 {
		return nil
	}
	rows := make([]storage.FlagRow, len(flags))
	for i, f := range flags {
		rows[i] = storage.FlagRow{ID: newID(), CaseID: caseID, DocumentID: f.Document, Path: f.Path, Kind: f.Kind,
			Reason: f.Reason, OSL: f.OSL, Article9: f.Article9}
	}
	if err := tx.FlagInsert(ctx, &storage.FlagInsertParams{CaseID: caseID, Flags: rows}); err != nil {
		return fmt.Errorf("submission: flags: %w", err)
	}
	return nil
}
