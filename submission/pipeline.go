package submission

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
)

// The fixed status types of a case. Each e-service may name its own
// statuses (StatusLabel) under them.
const (
	StatusSubmitted          = "submitted"
	StatusReceived           = "received"
	StatusInProgress         = "inProgress"
	StatusAwaitingComplement = "awaitingComplement"
	StatusComplemented       = "complemented"
	StatusClosed             = "closed"
)

// EventKind names what happened to a case.
type EventKind string

// The case events a Notifier hears about.
const (
	// EventSubmitted: a case was registered (receipt to the applicant,
	// new-case notice to the e-service's officers).
	EventSubmitted EventKind = "submitted"
	// EventAcknowledged: an officer received the case ("din ansökan har
	// tagits emot av en handläggare").
	EventAcknowledged EventKind = "acknowledged"
	// EventMessage: an officer wrote to the applicant.
	EventMessage EventKind = "message"
	// EventReplied: the applicant answered a message (notice to officers).
	EventReplied EventKind = "replied"
	// EventComplementRequested: the officer asks for a komplettering.
	EventComplementRequested EventKind = "complementRequested"
	// EventComplemented: the applicant complemented the case (receipt to
	// the applicant, notice to officers).
	EventComplemented EventKind = "complemented"
	// EventClosed: the case was closed with a decision.
	EventClosed EventKind = "closed"
)

// Notifier queues the notices of a case event inside the transaction that
// records the event, so that nothing is queued unless it commits. The
// notify package's outbox implements it.
type Notifier interface {
	Notify(ctx context.Context, tx storage.Tx, e Event) error
}

// NotifierFunc adapts a function to Notifier.
type NotifierFunc func(ctx context.Context, tx storage.Tx, e Event) error

// Notify calls f.
func (f NotifierFunc) Notify(ctx context.Context, tx storage.Tx, e Event) error { return f(ctx, tx, e) }

// Event describes a case event to a Notifier.
type Event struct {
	Kind      EventKind
	CaseID    string
	Reference string
	Service   string
	Title     form.Text
	At        time.Time
	// Applicant is the person who submitted, and Party whom they acted for.
	Applicant identity.Subject
	Party     identity.Party
	// Text is the officer's message, complement request or decision, for
	// the in-app inbox only: email and SMS never carry it.
	Text string
	// Due is the due date of a complement request.
	Due time.Time
}

// Options configures a Pipeline. A nil *Options means defaults.
type Options struct {
	// ReferencePrefix starts every reference: "ETJ 2026/000042".
	// Defaults to "ETJ".
	ReferencePrefix string
	// Notifier queues the receipt and the new-case notice in the submit
	// transaction. Required.
	Notifier Notifier
	// Classifiers add secrecy flags beyond the built-in ones.
	Classifiers []Classifier
	// Now is the authoritative clock of arrival. Defaults to time.Now.
	Now func() time.Time
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Location decides the year of a reference. Defaults to
	// Europe/Stockholm.
	Location *time.Location
}

// Pipeline turns complete drafts into registered cases. It is safe for
// concurrent use.
type Pipeline struct {
	db     storage.Driver
	drafts *draft.Store
	opts   Options
}

// NewPipeline returns a pipeline over the storage driver shared with the
// draft store.
func NewPipeline(db storage.Driver, drafts *draft.Store, opts *Options) (*Pipeline, error) {
	if db == nil || drafts == nil {
		return nil, errors.New("submission: NewPipeline needs a driver and a draft store")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Notifier == nil {
		return nil, errors.New("submission: Options.Notifier is required (the applicant must get a receipt)")
	}
	if o.ReferencePrefix == "" {
		o.ReferencePrefix = "ETJ"
	}
	if len(o.ReferencePrefix) > 16 {
		return nil, errors.New("submission: reference prefix longer than 16 characters")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Location == nil {
		o.Location = stockholm()
	}
	return &Pipeline{db: db, drafts: drafts, opts: o}, nil
}

var stockholm = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Stockholm"); err == nil {
		return loc
	}
	return time.FixedZone("CET", 3600)
})

// SubmitOptions are the optional parameters of Submit.
type SubmitOptions struct {
	// IdempotencyKey makes retries safe across drafts: a second submit by
	// the same owner with the same key returns the first receipt. At most
	// 128 characters.
	IdempotencyKey string
	// Evidence is the e-ID provider's evidence of the login (or of a
	// signature of the application), kept with the record.
	Evidence *identity.Evidence
}

// Receipt is what the applicant gets on submission (kvittens).
type Receipt struct {
	CaseID     string
	Reference  string
	ReceivedAt time.Time
	Service    string
	Title      form.Text
	// Digest is the hex SHA-256 of the registered record.
	Digest string
	// Attachments is the number of attached files registered.
	Attachments int
	// Warnings lists soft-required fields left empty (recorded, not
	// blocking).
	Warnings []form.FieldError
	// Flags is the number of secrecy flags set on arrival.
	Flags int
	// Duplicate is true when the receipt is the first one of an earlier,
	// identical submit (a retry).
	Duplicate bool
}

// Submit registers the principal's draft as a case (inkommen handling):
//
//  1. the draft is loaded as its owner and every visible step re-validated
//     at the draft's form version; an incomplete draft yields an
//     *IncompleteError (errors.Is ErrIncomplete) listing problems by step;
//  2. the case is registered with a reference from a gap-free yearly
//     sequence, the time of arrival, the sender and mandate, the e-ID
//     evidence, the attachments with their hashes and a SHA-256 digest over
//     the canonical record;
//  3. personal and confidential data is classified into secrecy flags (a
//     review manifest stored with the record);
//  4. record, documents, flags, notices, the removal of the draft and the
//     first audit entry commit in one transaction, or none of it does.
//
// A retried submit of the same draft, or with the same idempotency key,
// returns the first receipt with Duplicate set. It returns ErrNotFound for
// anyone else's draft, and the draft package's errors (ErrLoginRequired,
// ErrTampered, ErrMigrationRequired, ...) wrapped.
func (p *Pipeline) Submit(ctx context.Context, who identity.Principal, draftID string, opts *SubmitOptions) (*Receipt, error) {
	var so SubmitOptions
	if opts != nil {
		so = *opts
	}
	if len(so.IdempotencyKey) > 128 {
		return nil, errors.New("submission: idempotency key longer than 128 characters")
	}
	owner, err := p.drafts.OwnerKey(who)
	if err != nil {
		return nil, mapDraftErr(err)
	}
	// A retry by idempotency key answers from the earlier case.
	if so.IdempotencyKey != "" {
		if r, err := p.earlier(ctx, p.db, owner, "", so.IdempotencyKey); r != nil || err != nil {
			return r, err
		}
	}
	var cached bool
	r, err := p.submit(ctx, who, owner, draftID, so, &cached)
	if err != nil && ctx.Err() == nil && (cached || errors.Is(err, draft.ErrConflict)) {
		// The draft changed between its opening and its removal (another
		// save won), or the attempt ran on a copy the draft store had
		// cached, which another app instance may have changed since (it
		// was completed, attached to, migrated, submitted, deleted): once
		// more, from the database, with the draft as it is stored now.
		r, err = p.submit(ctx, who, owner, draftID, so, &cached)
	}
	return r, err
}

// submit is one attempt of Submit. It sets *cached when it opened a copy
// of the draft from the draft store's cache.
func (p *Pipeline) submit(ctx context.Context, who identity.Principal, owner, draftID string, so SubmitOptions, cached *bool) (*Receipt, error) {
	// Load, validate and classify before taking the write lock. A draft
	// that is gone may have been submitted already: answer with its
	// receipt.
	h, err := p.drafts.OpenForSubmit(ctx, p.db, who, draftID)
	if errors.Is(err, draft.ErrNotFound) {
		if r, ferr := p.earlier(ctx, p.db, owner, draftID, ""); r != nil || ferr != nil {
			return r, ferr
		}
	}
	if err != nil {
		return nil, mapDraftErr(err)
	}
	*cached = h.FromCache()
	res, err := h.Form.Check(ctx, h.Draft.Values, &form.CheckOptions{Now: p.opts.Now})
	if err != nil {
		return nil, fmt.Errorf("submission: %w", err)
	}
	if res.Err() != nil {
		var ve *form.ValidationError
		errors.As(res.Err(), &ve)
		return nil, &IncompleteError{Validation: ve}
	}
	values, err := res.Values.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("submission: %w", err)
	}
	reg, err := p.prepare(ctx, who, h, res, values, so)
	if err != nil {
		return nil, err
	}

	var receipt *Receipt
	err = storage.WithTx(ctx, p.db, func(ctx context.Context, tx storage.Tx) error {
		// The draft is deleted only at the revision that was validated
		// (register). A concurrent submit of the same draft (or key)
		// shows up as a conflict at CaseInsert, or as a missing or moved
		// draft: all are answered below with the first receipt.
		var err error
		receipt, err = p.register(ctx, tx, who, h, reg)
		return err
	})
	if err != nil {
		if errors.Is(err, storage.ErrConflict) || errors.Is(err, ErrNotFound) || errors.Is(err, draft.ErrConflict) {
			// A concurrent submit of the same draft or key won the race:
			// answer with its receipt.
			if r, ferr := p.earlier(context.WithoutCancel(ctx), p.db, owner, draftID, so.IdempotencyKey); r != nil {
				return r, nil
			} else if ferr != nil {
				return nil, errors.Join(err, ferr)
			}
		}
		return nil, err
	}
	return receipt, nil
}

// pending holds what Submit prepares before the transaction.
type pending struct {
	record   Record
	flags    []Flag
	manifest []byte
	appDoc   string
	values   []byte
	digest   []byte // of values
	warnings []form.FieldError
	idemKey  string
	subject  string
}

// prepare builds the record and classifies it before the transaction, so
// that the write lock is held only for the writes. Classifiers see the
// record without its case ID, reference and time of arrival.
func (p *Pipeline) prepare(ctx context.Context, who identity.Principal, h *draft.Handoff, res *form.Result, values []byte, so SubmitOptions) (*pending, error) {
	pd := &pending{appDoc: newID(), values: values, digest: Digest(values), warnings: res.Warnings, idemKey: so.IdempotencyKey}
	pd.subject = h.Form.Title.SV
	rec := Record{
		Version: RecordVersion, Service: h.Form.ID, FormVersion: h.Form.Version, FormTitle: h.Form.Title,
		SubjectLine: pd.subject,
		Sender: Sender{Subject: who.Subject, GivenName: who.GivenName, FamilyName: who.FamilyName, Party: who.Party,
			Protected: who.Protected},
		Evidence:     Evidence{Method: who.Method, Assurance: who.Assurance, AuthTime: who.AuthTime, Provider: so.Evidence},
		Document:     pd.appDoc,
		ValuesDigest: hex.EncodeToString(pd.digest),
	}
	for _, w := range res.Warnings {
		rec.SoftMissing = append(rec.SoftMissing, w.Field)
	}
	// Only files still referenced by a visible answer are registered.
	referenced := map[string]string{}
	for fid, v := range res.Values {
		for _, ref := range v.Files() {
			referenced[ref.ID] = fid
		}
	}
	for _, a := range h.Attachments {
		if _, ok := referenced[a.ID]; !ok {
			continue
		}
		rec.Attachments = append(rec.Attachments, Attachment{ID: a.ID, Document: newID(), Field: a.Field,
			Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256})
	}
	pd.record = rec
	pd.flags = classify(h.Form, res.Values, &pd.record, pd.appDoc)
	for _, c := range p.opts.Classifiers {
		more, err := c.Classify(ctx, &pd.record, res.Values)
		if err != nil {
			return nil, fmt.Errorf("submission: classifier: %w", err)
		}
		pd.flags = append(pd.flags, more...)
	}
	manifest, err := json.Marshal(Manifest{Flags: pd.flags})
	if err != nil {
		return nil, fmt.Errorf("submission: manifest: %w", err)
	}
	pd.manifest = manifest
	return pd, nil
}

// register writes everything of one submit inside tx.
func (p *Pipeline) register(ctx context.Context, tx storage.Tx, who identity.Principal, h *draft.Handoff, pd *pending) (*Receipt, error) {
	// The draft goes first: a draft that changed since it was opened (or
	// was submitted meanwhile) fails here, before anything is written,
	// and with PostgreSQL the reference row, which every submit waits
	// for, stays locked for one statement less.
	if err := p.drafts.DeleteTx(ctx, tx, who, h); err != nil {
		return nil, mapDraftErr(err)
	}
	now := storage.Time(p.opts.Now())
	year := now.In(p.opts.Location).Year()
	seq, err := tx.ReferenceNext(ctx, &storage.ReferenceNextParams{Prefix: p.opts.ReferencePrefix, Year: year})
	if err != nil {
		return nil, fmt.Errorf("submission: reference: %w", err)
	}
	rec := pd.record
	rec.CaseID = newID()
	rec.Reference = p.opts.ReferencePrefix + " " + strconv.Itoa(year) + "/" + fmt.Sprintf("%06d", seq)
	rec.ReceivedAt = now
	encoded, err := rec.Encode()
	if err != nil {
		return nil, err
	}
	digest := Digest(encoded)

	flags, manifest := pd.flags, pd.manifest

	// The case goes in with the first entry of its audit log (one
	// statement on PostgreSQL).
	data, _ := json.Marshal(map[string]any{"reference": rec.Reference, "digest": hex.EncodeToString(digest),
		"documents": 1 + len(rec.Attachments), "flags": len(flags)})
	audit := auditRow(rec.CaseID, 0, nil, now, who.Subject.Masked(), "submitted", data)
	c, err := tx.CaseInsert(ctx, &storage.CaseInsertParams{
		ID: rec.CaseID, Reference: rec.Reference, Prefix: p.opts.ReferencePrefix, Year: year, Seq: seq,
		Service: rec.Service, FormVersion: rec.FormVersion, Owner: h.Owner, DraftID: h.Draft.ID,
		IdempotencyKey: pd.idemKey, Status: StatusSubmitted, StatusLabel: "", SubjectLine: rec.SubjectLine,
		ReceivedAt: now, Digest: digest, Record: encoded, Manifest: manifest, Audit: &audit,
	})
	if err != nil {
		return nil, fmt.Errorf("submission: register: %w", err)
	}
	if err := tx.DocumentInsert(ctx, &storage.DocumentInsertParams{Document: storage.DocumentRow{
		ID: pd.appDoc, CaseID: c.ID, Kind: "application", Name: "ansokan.json", ContentType: "application/json",
		Size: int64(len(pd.values)), Digest: pd.digest, Content: pd.values, CreatedAt: now,
	}}); err != nil {
		return nil, fmt.Errorf("submission: register: %w", err)
	}
	byID := map[string]*draft.Attachment{}
	for _, a := range h.Attachments {
		byID[a.ID] = a
	}
	for _, a := range rec.Attachments {
		sum, _ := hex.DecodeString(a.SHA256)
		if err := tx.DocumentInsert(ctx, &storage.DocumentInsertParams{Document: storage.DocumentRow{
			ID: a.Document, CaseID: c.ID, Kind: "attachment", Name: a.Name, ContentType: a.ContentType,
			Size: a.Size, Digest: sum, Content: byID[a.ID].Data, CreatedAt: now,
		}}); err != nil {
			return nil, fmt.Errorf("submission: register: %w", err)
		}
	}
	if err := insertFlags(ctx, tx, c.ID, flags); err != nil {
		return nil, err
	}
	if err := p.opts.Notifier.Notify(ctx, tx, Event{
		Kind: EventSubmitted, CaseID: c.ID, Reference: c.Reference, Service: c.Service, Title: rec.FormTitle, At: now,
		Applicant: who.Subject, Party: identity.Party{Kind: who.Party.Kind, Subject: who.Party.Subject},
	}); err != nil {
		return nil, fmt.Errorf("submission: notify: %w", err)
	}
	return &Receipt{
		CaseID: c.ID, Reference: c.Reference, ReceivedAt: now, Service: c.Service, Title: rec.FormTitle,
		Digest: hex.EncodeToString(digest), Attachments: len(rec.Attachments), Warnings: pd.warnings, Flags: len(flags),
	}, nil
}

// Manifest is the review manifest stored with a record: every secrecy flag
// set on arrival.
type Manifest struct {
	Flags []Flag `json:"flags"`
}

// earlier returns the receipt of a case already registered from draftID,
// or under the owner's idempotency key.
func (p *Pipeline) earlier(ctx context.Context, ex storage.Executor, owner, draftID, key string) (*Receipt, error) {
	var lookups []*storage.CaseFindParams
	if draftID != "" {
		lookups = append(lookups, &storage.CaseFindParams{DraftID: draftID})
	}
	if key != "" {
		lookups = append(lookups, &storage.CaseFindParams{Owner: owner, IdempotencyKey: key})
	}
	for _, l := range lookups {
		c, err := ex.CaseFind(ctx, l)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("submission: %w", err)
		}
		if c.Owner != owner {
			// Someone else's draft ID: the same as a missing draft.
			return nil, ErrNotFound
		}
		r, err := receiptOf(c)
		if err != nil {
			return nil, err
		}
		r.Duplicate = true
		return r, nil
	}
	return nil, nil
}

func receiptOf(c *storage.CaseRow) (*Receipt, error) {
	rec, err := DecodeRecord(c.Record)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(c.Manifest, &m); err != nil {
		return nil, fmt.Errorf("submission: manifest of %s: %w", c.ID, err)
	}
	return &Receipt{CaseID: c.ID, Reference: c.Reference, ReceivedAt: c.ReceivedAt, Service: c.Service, Title: rec.FormTitle,
		Digest: hex.EncodeToString(c.Digest), Attachments: len(rec.Attachments), Flags: len(m.Flags)}, nil
}

func mapDraftErr(err error) error {
	if errors.Is(err, draft.ErrNotFound) {
		return ErrNotFound
	}
	return fmt.Errorf("submission: %w", err)
}

func mapNotFound(err error) error {
	if errors.Is(err, storage.ErrNotFound) {
		return ErrNotFound
	}
	return err
}

// newID returns a new ID for a case, a document or a flag: a time-ordered
// UUID (version 7), so that the rows of new cases land at the end of their
// indexes, in pages the writer has just used, instead of at random places
// that must first be read from disk. The time it carries is the
// registration time, which the record states anyway. It has only 62
// random bits: an ID that grants access by itself (a disclosure request's)
// stays a random UUID, and so do draft IDs.
func newID() string { return uuid.Must(uuid.NewV7()).String() }
