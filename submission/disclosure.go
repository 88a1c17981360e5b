package submission

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
)

// ErrUndecided is returned by Release while a review item has no decision.
var ErrUndecided = errors.New("submission: every item must be decided before release")

// ErrOwnRequest is returned when an officer decides on or releases a
// disclosure request they filed themselves: someone else reviews it.
var ErrOwnRequest = errors.New("submission: a disclosure request is reviewed by someone other than its requester")

// Disclosure statuses.
const (
	DisclosureOpen     = "open"
	DisclosureReleased = "released"
)

// Outcomes of a review item.
const (
	OutcomeRelease  = "release"  // lämnas ut
	OutcomeMask     = "mask"     // maskeras
	OutcomeWithhold = "withhold" // lämnas inte ut
)

// Placeholders in released copies.
const (
	MaskedText   = "[MASKERAT]"
	WithheldText = "[SEKRETESS]"
)

// DisclosureRequest is a request for disclosure of a public record
// (begäran om utlämnande av allmän handling) with its review items.
type DisclosureRequest struct {
	ID        string
	CaseID    string
	Reference string
	Service   string
	// DocumentID limits the request to one document; empty means the whole
	// case.
	DocumentID string
	// Requester is how the requester described themselves; empty for an
	// anonymous request.
	Requester string
	Status    string
	CreatedAt time.Time
	// Items are the secrecy flags under review, with their decisions.
	Items []ReviewItem

	requesterKey string // who filed it, when logged in
}

// Undecided returns the number of items without a decision.
func (r *DisclosureRequest) Undecided() int {
	n := 0
	for _, it := range r.Items {
		if it.Decision == nil {
			n++
		}
	}
	return n
}

// ReviewItem is one flag under review.
type ReviewItem struct {
	FlagID   string
	Flag     Flag
	Decision *ItemDecision
}

// ItemDecision is the decision on one review item.
type ItemDecision struct {
	Outcome string
	// OSL is the provision applied ("25:1"), required to mask or withhold.
	OSL string
	// Reasoning explains the decision, required to mask or withhold.
	Reasoning string
	Officer   string
	DecidedAt time.Time
}

// DisclosureParams are the parameters of RequestDisclosure.
type DisclosureParams struct {
	// Reference is the case's reference (diarienummer), as the public
	// knows it.
	Reference string
	// DocumentID limits the request to one document of the case.
	DocumentID string
	// Requester is how the requester wants to be reached; optional,
	// since a request may be anonymous. At most 500 characters.
	Requester string
}

// RequestDisclosure files a request to see a case (or one of its
// documents). who is the requester's principal when logged in, or nil: a
// request may be anonymous. It returns the requester's view of the
// request: its ID (the requester's way to fetch the outcome), reference,
// status and time, never the review items, which tell what the record
// holds (that the applicant has a protected identity, what free text
// contains) and are for reviewers only (Review). When
// CasesOptions.ReleaseOwnData is set and the requester is the applicant,
// the items the built-in classification set on the data they submitted
// themselves (sender, form fields, attachments, their protected identity)
// are decided "release" at once; free-text findings (which may concern
// others) and the flags of custom Classifiers are still reviewed.
func (c *Cases) RequestDisclosure(ctx context.Context, who *identity.Principal, p DisclosureParams) (*DisclosureRequest, error) {
	if strings.TrimSpace(p.Reference) == "" || len(p.Reference) > 64 || utf8.RuneCountInString(p.Requester) > 500 || !utf8.ValidString(p.Requester) {
		return nil, fmt.Errorf("%w: reference or requester", ErrInvalid)
	}
	var owner string
	if who != nil {
		owner, _ = c.drafts.OwnerKey(*who)
	}
	// Random, not time-ordered: the requester fetches the outcome by this
	// ID alone (Outcome), so it is a bearer secret with 122 random bits.
	id := uuid.NewString()
	err := storage.WithTx(ctx, c.db, func(ctx context.Context, tx storage.Tx) error {
		row, err := tx.CaseFind(ctx, &storage.CaseFindParams{Reference: strings.TrimSpace(p.Reference)})
		if err != nil {
			return mapNotFound(err)
		}
		if p.DocumentID != "" {
			docs, err := tx.DocumentList(ctx, &storage.DocumentListParams{CaseID: row.ID})
			if err != nil {
				return fmt.Errorf("submission: disclosure: %w", err)
			}
			if !slices.ContainsFunc(docs, func(d *storage.DocumentRow) bool { return d.ID == p.DocumentID }) {
				return ErrNotFound
			}
		}
		now := storage.Time(c.opts.Now())
		isOwner := owner != "" && owner == row.Owner
		if !isOwner {
			owner = ""
		}
		if err := tx.DisclosureInsert(ctx, &storage.DisclosureInsertParams{Request: storage.DisclosureRow{
			ID: id, CaseID: row.ID, Service: row.Service, DocumentID: p.DocumentID, Requester: p.Requester, Owner: owner,
			RequesterKey: c.requesterKey(who), Status: DisclosureOpen, CreatedAt: now}}); err != nil {
			return fmt.Errorf("submission: disclosure: %w", err)
		}
		if isOwner && c.opts.ReleaseOwnData {
			flags, err := tx.FlagList(ctx, &storage.FlagListParams{CaseID: row.ID})
			if err != nil {
				return fmt.Errorf("submission: disclosure: %w", err)
			}
			for _, f := range flags {
				if !ownDataReasons[f.Reason] {
					continue
				}
				if err := tx.DisclosureDecide(ctx, &storage.DisclosureDecideParams{Status: DisclosureOpen, Decision: storage.DisclosureDecisionRow{
					RequestID: id, FlagID: f.ID, Outcome: OutcomeRelease, Reasoning: "Sökandens egna uppgifter (applicant's own data).",
					Officer: "system", DecidedAt: now}}); err != nil {
					return fmt.Errorf("submission: disclosure: %w", err)
				}
			}
		}
		data, _ := json.Marshal(map[string]any{"request": requestRef(id), "anonymous": who == nil, "document": p.DocumentID})
		_, err = appendAudit(ctx, tx, row, now, requesterActor(who), "disclosureRequested", data)
		return err
	})
	if err != nil {
		return nil, err
	}
	d, err := c.disclosure(ctx, c.db, id)
	if err != nil {
		return nil, err
	}
	return &DisclosureRequest{ID: d.ID, Reference: d.Reference, Service: d.Service, DocumentID: d.DocumentID,
		Requester: d.Requester, Status: d.Status, CreatedAt: d.CreatedAt}, nil
}

// requestRef names a disclosure request in the audit log: a digest of its
// ID, since the ID itself fetches the released copy (Outcome) and those
// who read a case's audit log must not be able to.
func requestRef(id string) string {
	sum := sha256.Sum256([]byte("etjanst.disclosure.request\x00" + id))
	return hex.EncodeToString(sum[:12])
}

// ownDataReasons are the reasons of the built-in flags on what the
// applicant submitted themselves (ReleaseOwnData).
var ownDataReasons = map[string]bool{"sender": true, "field": true, "fieldType": true, "attachment": true, "protectedIdentity": true}

// requesterKey identifies a logged-in requester in a request: a citizen by
// their owner key (a pseudonym), an officer by their subject key; "" for
// nobody.
func (c *Cases) requesterKey(who *identity.Principal) string {
	if who == nil || who.Validate() != nil {
		return ""
	}
	if key, err := c.drafts.OwnerKey(*who); err == nil {
		return key
	}
	return who.Subject.Key()
}

// reviewerOf checks that who may decide on and release req: a reviewer of
// its e-service who did not file it.
func (c *Cases) reviewerOf(who identity.Principal, req *DisclosureRequest) error {
	if err := reviewerFor(who, req.Service); err != nil {
		return err
	}
	if req.requesterKey != "" && c.requesterKey(&who) == req.requesterKey {
		return ErrOwnRequest
	}
	return nil
}

func requesterActor(who *identity.Principal) string {
	if who == nil {
		return "anonymous"
	}
	return who.Subject.Masked()
}

// reviewerFor checks that who may review disclosures of service.
func reviewerFor(who identity.Principal, service string) error {
	if err := who.Validate(); err != nil {
		return ErrNotFound
	}
	if !who.HasRole(identity.RoleDisclosureReviewer, service) && !who.HasRole(identity.RoleOfficer, service) {
		return ErrNotFound
	}
	return nil
}

// DisclosureQueue lists the open disclosure requests of an e-service for
// an officer who reviews it, oldest first: at most storage.MaxLimit of
// them. DisclosureQueuePage pages through a queue of any size.
func (c *Cases) DisclosureQueue(ctx context.Context, who identity.Principal, service string) ([]*DisclosureRequest, error) {
	if err := reviewerFor(who, service); err != nil {
		return nil, err
	}
	rows, err := c.db.DisclosureList(ctx, &storage.DisclosureListParams{Service: service, Statuses: []string{DisclosureOpen}, Limit: storage.MaxLimit})
	if err != nil {
		return nil, fmt.Errorf("submission: disclosure queue: %w", err)
	}
	return c.disclosures(ctx, rows)
}

// disclosures reads the requests of rows with their review items.
func (c *Cases) disclosures(ctx context.Context, rows []*storage.DisclosureRow) ([]*DisclosureRequest, error) {
	out := make([]*DisclosureRequest, 0, len(rows))
	for _, r := range rows {
		d, err := c.disclosure(ctx, c.db, r.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// Review returns a request with its items to a reviewer of its e-service.
func (c *Cases) Review(ctx context.Context, who identity.Principal, requestID string) (*DisclosureRequest, error) {
	d, err := c.disclosure(ctx, c.db, requestID)
	if err != nil {
		return nil, err
	}
	if err := reviewerFor(who, d.Service); err != nil {
		return nil, err
	}
	return d, nil
}

// disclosure loads a request and its review items.
func (c *Cases) disclosure(ctx context.Context, ex storage.Executor, id string) (*DisclosureRequest, error) {
	r, err := ex.DisclosureGet(ctx, &storage.DisclosureGetParams{ID: id})
	if err != nil {
		return nil, mapNotFound(err)
	}
	row, err := ex.CaseGet(ctx, &storage.CaseGetParams{ID: r.CaseID})
	if err != nil {
		return nil, mapNotFound(err)
	}
	flags, err := ex.FlagList(ctx, &storage.FlagListParams{CaseID: r.CaseID})
	if err != nil {
		return nil, fmt.Errorf("submission: disclosure: %w", err)
	}
	decisions, err := ex.DisclosureDecisions(ctx, &storage.DisclosureDecisionsParams{RequestID: id})
	if err != nil {
		return nil, fmt.Errorf("submission: disclosure: %w", err)
	}
	byFlag := map[string]*storage.DisclosureDecisionRow{}
	for _, d := range decisions {
		byFlag[d.FlagID] = d
	}
	out := &DisclosureRequest{ID: r.ID, CaseID: r.CaseID, Reference: row.Reference, Service: r.Service, DocumentID: r.DocumentID,
		Requester: r.Requester, Status: r.Status, CreatedAt: r.CreatedAt, requesterKey: r.RequesterKey}
	for _, f := range flags {
		if r.DocumentID != "" && f.DocumentID != r.DocumentID && f.Path != "*" && f.Path != "sender" {
			continue
		}
		it := ReviewItem{FlagID: f.ID, Flag: Flag{Document: f.DocumentID, Path: f.Path, Kind: f.Kind, Reason: f.Reason, OSL: f.OSL, Article9: f.Article9}}
		if d, ok := byFlag[f.ID]; ok {
			it.Decision = &ItemDecision{Outcome: d.Outcome, OSL: d.OSL, Reasoning: d.Reasoning, Officer: d.Officer, DecidedAt: d.DecidedAt}
		}
		out.Items = append(out.Items, it)
	}
	return out, nil
}

// Decide records the decision on one review item. Masking or withholding
// needs the OSL provision and a reasoning.
func (c *Cases) Decide(ctx context.Context, who identity.Principal, requestID, flagID string, d ItemDecision) error {
	switch d.Outcome {
	case OutcomeRelease:
	case OutcomeMask, OutcomeWithhold:
		if !oslRef(d.OSL) || strings.TrimSpace(d.Reasoning) == "" {
			return fmt.Errorf("%w: masking or withholding needs an OSL provision (e.g. 25:1) and a reasoning", ErrInvalid)
		}
	default:
		return fmt.Errorf("%w: outcome must be release, mask or withhold", ErrInvalid)
	}
	if err := checkText(d.Reasoning, false); err != nil {
		return err
	}
	if len(freeTextFlags(d.Reasoning, "", "")) > 0 { // what classification would flag in free text
		return fmt.Errorf("%w: the reasoning goes out with the written decision: name the kind of data, not the data (no personnummer, e-mail address or phone number)", ErrInvalid)
	}
	return storage.WithTx(ctx, c.db, func(ctx context.Context, tx storage.Tx) error {
		req, err := c.disclosure(ctx, tx, requestID)
		if err != nil {
			return err
		}
		if err := c.reviewerOf(who, req); err != nil {
			return err
		}
		if !slices.ContainsFunc(req.Items, func(it ReviewItem) bool { return it.FlagID == flagID }) {
			return ErrNotFound
		}
		now := storage.Time(c.opts.Now())
		if err := tx.DisclosureDecide(ctx, &storage.DisclosureDecideParams{Status: DisclosureOpen, Decision: storage.DisclosureDecisionRow{
			RequestID: requestID, FlagID: flagID, Outcome: d.Outcome, OSL: d.OSL, Reasoning: d.Reasoning,
			Officer: officerActor(who), DecidedAt: now}}); err != nil {
			if errors.Is(err, storage.ErrConflict) {
				return fmt.Errorf("%w: the request is already released", ErrTransition)
			}
			return fmt.Errorf("submission: decide: %w", err)
		}
		row, err := tx.CaseGet(ctx, &storage.CaseGetParams{ID: req.CaseID})
		if err != nil {
			return mapNotFound(err)
		}
		data, _ := json.Marshal(map[string]string{"request": requestRef(requestID), "flag": flagID, "outcome": d.Outcome, "osl": d.OSL})
		_, err = appendAudit(ctx, tx, row, now, officerActor(who), "disclosureDecided", data)
		return err
	})
}

func oslRef(s string) bool {
	ch, sec, ok := strings.Cut(s, ":")
	if !ok {
		return false
	}
	a, err1 := strconv.Atoi(ch)
	b, err2 := strconv.Atoi(strings.TrimRight(sec, "abcdefgh"))
	return err1 == nil && err2 == nil && a > 0 && a < 100 && b > 0 && b < 100
}

// Release is the outcome of a disclosure request: the masked copy and,
// when anything was masked or withheld, the written decision.
type Release struct {
	RequestID  string             `json:"requestId"`
	Reference  string             `json:"reference"`
	Service    string             `json:"service"`
	Title      form.Text          `json:"title"`
	ReceivedAt time.Time          `json:"receivedAt"`
	Documents  []ReleasedDocument `json:"documents"`
	// Decision is the written decision (beslut); nil when everything was
	// released.
	Decision *WrittenDecision `json:"decision,omitempty"`
}

// ReleasedDocument is one document of a released copy. Masked values are
// replaced by MaskedText and withheld ones by WithheldText, keeping the
// structure; a withheld attachment has no content and no name.
type ReleasedDocument struct {
	ID          string          `json:"id"`
	Kind        string          `json:"kind"`
	Name        string          `json:"name"`
	ContentType string          `json:"contentType"`
	Sender      json.RawMessage `json:"sender,omitempty"`
	Values      json.RawMessage `json:"values,omitempty"`
	Text        string          `json:"text,omitempty"`
	Content     []byte          `json:"content,omitempty"`
	Withheld    bool            `json:"withheld,omitempty"`
}

// WrittenDecision is the decision to mask or withhold, with its legal
// grounds and how to appeal, in Swedish and English.
type WrittenDecision struct {
	Grounds []Ground  `json:"grounds"`
	Text    form.Text `json:"text"`
}

// Ground is one masked or withheld item and its legal basis. It names the
// kind of data and where it is, never the value.
type Ground struct {
	Item      string `json:"item"`
	ItemEN    string `json:"itemEn"`
	Outcome   string `json:"outcome"`
	OSL       string `json:"osl"`
	Provision string `json:"provision"`
	Reasoning string `json:"reasoning"`
}

// Release finishes a request once every item is decided: it builds the
// masked copy and, when anything is masked or withheld, the written
// decision with its legal grounds and appeal instructions, stores both and
// records the disclosure in the case's audit log. It returns ErrUndecided
// while an item has no decision.
func (c *Cases) Release(ctx context.Context, who identity.Principal, requestID string) (*Release, error) {
	var out *Release
	err := storage.WithTx(ctx, c.db, func(ctx context.Context, tx storage.Tx) error {
		req, err := c.disclosure(ctx, tx, requestID)
		if err != nil {
			return err
		}
		if err := c.reviewerOf(who, req); err != nil {
			return err
		}
		if req.Status != DisclosureOpen {
			return fmt.Errorf("%w: already released", ErrTransition)
		}
		if n := req.Undecided(); n > 0 {
			return fmt.Errorf("%w: %d item(s) undecided", ErrUndecided, n)
		}
		row, err := tx.CaseGet(ctx, &storage.CaseGetParams{ID: req.CaseID})
		if err != nil {
			return mapNotFound(err)
		}
		now := storage.Time(c.opts.Now())
		out, err = c.buildRelease(ctx, tx, row, req, now)
		if err != nil {
			return err
		}
		copyJSON, err := json.Marshal(out)
		if err != nil {
			return fmt.Errorf("submission: release: %w", err)
		}
		var decision []byte
		if out.Decision != nil {
			decision, _ = json.Marshal(out.Decision)
		}
		if err := tx.DisclosureFinish(ctx, &storage.DisclosureFinishParams{ID: requestID, From: DisclosureOpen, To: DisclosureReleased,
			Decision: decision, Release: copyJSON, UpdatedAt: now}); err != nil {
			return fmt.Errorf("submission: release: %w", err)
		}
		// The request is now locked against decisions (DisclosureFinish
		// and DisclosureDecide both write its row). Read once more what
		// the copy was built from: where the database does not isolate
		// this transaction from others (PostgreSQL at READ COMMITTED), a
		// decision changed, or a document with flags of its own arrived
		// (a reply, a complement), after the first read.
		reread, err := c.disclosure(ctx, tx, requestID)
		if err != nil {
			return err
		}
		if !sameReview(req, reread) {
			return fmt.Errorf("%w: the request changed while it was released (a new decision or document); release it again", ErrTransition)
		}
		data, _ := json.Marshal(map[string]any{"request": requestRef(requestID), "grounds": len(groundsOf(out))})
		_, err = appendAudit(ctx, tx, row, now, officerActor(who), "disclosed", data)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sameReview reports whether two readings of a request have the same
// items with the same decisions.
func sameReview(a, b *DisclosureRequest) bool {
	if len(a.Items) != len(b.Items) {
		return false
	}
	for i := range a.Items {
		x, y := a.Items[i], b.Items[i]
		if x.FlagID != y.FlagID || (x.Decision == nil) != (y.Decision == nil) {
			return false
		}
		if x.Decision != nil && (x.Decision.Outcome != y.Decision.Outcome || x.Decision.OSL != y.Decision.OSL) {
			return false
		}
	}
	return true
}

func groundsOf(r *Release) []Ground {
	if r.Decision == nil {
		return nil
	}
	return r.Decision.Grounds
}

// Outcome returns a released request's copy to the requester, who holds
// its ID; who is the caller's principal when logged in, or nil. A request
// the applicant filed about their own case is theirs alone (with
// CasesOptions.ReleaseOwnData its copy shows their own data unmasked):
// for anyone else, or nobody logged in, it does not exist (ErrNotFound).
// An open request yields ErrUndecided.
func (c *Cases) Outcome(ctx context.Context, who *identity.Principal, requestID string) (*Release, error) {
	r, err := c.db.DisclosureGet(ctx, &storage.DisclosureGetParams{ID: requestID})
	if err != nil {
		return nil, mapNotFound(err)
	}
	if r.Owner != "" {
		if who == nil {
			return nil, ErrNotFound
		}
		if key, err := c.drafts.OwnerKey(*who); err != nil || key != r.Owner {
			return nil, ErrNotFound
		}
	}
	if r.Status != DisclosureReleased {
		return nil, ErrUndecided
	}
	var out Release
	if err := json.Unmarshal(r.Release, &out); err != nil {
		return nil, fmt.Errorf("submission: outcome: %w", err)
	}
	return &out, nil
}

// buildRelease applies the decisions to the case's documents.
func (c *Cases) buildRelease(ctx context.Context, tx storage.Tx, row *storage.CaseRow, req *DisclosureRequest, now time.Time) (*Release, error) {
	rec, err := DecodeRecord(row.Record)
	if err != nil {
		return nil, err
	}
	docs, err := tx.DocumentList(ctx, &storage.DocumentListParams{CaseID: row.ID, WithContent: true})
	if err != nil {
		return nil, fmt.Errorf("submission: release: %w", err)
	}
	// Decisions by document and path.
	type key struct{ doc, path string }
	// Every decision on a path applies: free-text findings mask each
	// their own matches; for whole values the strictest outcome wins.
	decided := map[key][]ReviewItem{}
	whole := ""
	for _, it := range req.Items {
		if it.Flag.Path == "*" {
			if it.Decision.Outcome != OutcomeRelease {
				whole = it.Decision.Outcome
			}
			continue
		}
		k := key{it.Flag.Document, it.Flag.Path}
		decided[k] = append(decided[k], it)
	}
	strictest := func(k key) (string, bool) {
		items, ok := decided[k]
		out := OutcomeRelease
		for _, it := range items {
			if rank(it.Decision.Outcome) > rank(out) {
				out = it.Decision.Outcome
			}
		}
		return out, ok
	}
	applyAll := func(k key, text string) string {
		for _, it := range decided[k] {
			text = applyText(it, text)
		}
		return text
	}
	leaf := func(doc string) func(path string, v any) any {
		return func(path string, v any) any {
			if whole != "" {
				return WithheldText
			}
			k := key{doc, path}
			outcome, ok := strictest(k)
			switch {
			case !ok:
				return v
			case isText(v):
				return applyAll(k, v.(string))
			case outcome == OutcomeRelease:
				return v
			}
			return placeholder(outcome)
		}
	}
	out := &Release{RequestID: req.ID, Reference: row.Reference, Service: row.Service, Title: rec.FormTitle, ReceivedAt: row.ReceivedAt}
	fileHidden := func(attID string) bool {
		if whole != "" {
			return true
		}
		for _, a := range rec.Attachments {
			if a.ID == attID {
				// An attachment no decided item covers (a request for
				// another document) is not named either.
				outcome, ok := strictest(key{a.Document, "attachment:" + attID})
				return !ok || outcome != OutcomeRelease
			}
		}
		return true // not a registered attachment: never name it
	}
	attachmentNo := map[string]int{}
	for i, a := range rec.Attachments {
		attachmentNo[a.Document] = i + 1
	}
	for _, d := range docs {
		if req.DocumentID != "" && d.ID != req.DocumentID {
			continue
		}
		rd := ReleasedDocument{ID: d.ID, Kind: d.Kind, Name: d.Name, ContentType: d.ContentType}
		mask := func(path, text string) string {
			if whole != "" {
				return WithheldText
			}
			return applyAll(key{d.ID, path}, text)
		}
		switch d.Kind {
		case "application":
			sender, _ := json.Marshal(rec.Sender)
			if outcome, _ := strictest(key{d.ID, "sender"}); whole != "" {
				sender, _ = json.Marshal(WithheldText)
			} else if outcome != OutcomeRelease {
				sender, _ = json.Marshal(placeholder(outcome))
			}
			rd.Sender = sender
			rd.Values, err = maskValues(d.Content, leaf(d.ID), fileHidden)
			if err != nil {
				return nil, err
			}
		case "complement":
			var cd complementDoc
			if err := json.Unmarshal(d.Content, &cd); err != nil {
				return nil, fmt.Errorf("submission: release: %w", err)
			}
			rd.Text = mask("text", cd.Text)
			rd.Values, err = maskValues(cd.Values, leaf(d.ID), fileHidden)
			if err != nil {
				return nil, err
			}
		case "attachment":
			id := ""
			for _, a := range rec.Attachments {
				if a.Document == d.ID {
					id = a.ID
				}
			}
			if outcome, ok := strictest(key{d.ID, "attachment:" + id}); whole != "" || !ok || outcome != OutcomeRelease {
				rd.Withheld = true
				rd.Name = "Bilaga " + strconv.Itoa(attachmentNo[d.ID]) + " " + WithheldText
			} else {
				rd.Content = d.Content
			}
		default: // message, reply, complementRequest, decision: all carry "text"
			var t textDoc
			_ = json.Unmarshal(d.Content, &t) // documents written by Cases; an unreadable one releases no text
			rd.Text = mask("text", t.Text)
		}
		out.Documents = append(out.Documents, rd)
	}
	out.Decision = c.writtenDecision(out, req, rec, attachmentNo, now)
	return out, nil
}

func isText(v any) bool {
	_, ok := v.(string)
	return ok
}

func rank(outcome string) int {
	switch outcome {
	case OutcomeWithhold:
		return 2
	case OutcomeMask:
		return 1
	}
	return 0
}

func placeholder(outcome string) string {
	if outcome == OutcomeMask {
		return MaskedText
	}
	return WithheldText
}

// applyText applies a decision to a text value: free-text findings are
// masked where found; other masked or withheld values are replaced whole.
func applyText(it ReviewItem, s string) string {
	switch it.Decision.Outcome {
	case OutcomeRelease:
		return s
	case OutcomeWithhold:
		return WithheldText
	}
	var found []string
	switch it.Flag.Reason {
	case "freeText:personnummer":
		found = FindPersonnummer(s)
	case "freeText:email":
		found = FindEmail(s)
	case "freeText:phone":
		found = FindPhone(s)
	default:
		return MaskedText
	}
	for _, f := range found {
		s = strings.ReplaceAll(s, f, MaskedText)
	}
	return s
}

// maskValues walks a values document (JSON) and replaces each leaf by
// fn(path, value), paths as in FieldError ("barn[1].namn").
func maskValues(data []byte, fn func(path string, v any) any, fileHidden func(id string) bool) (json.RawMessage, error) {
	if len(data) == 0 {
		return nil, nil
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("submission: release values: %w", err)
	}
	for k, v := range doc {
		doc[k] = maskValue(k, v, fn, fileHidden)
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("submission: release values: %w", err)
	}
	return out, nil
}

func maskValue(path string, v any, fn func(string, any) any, fileHidden func(string) bool) any {
	items, isList := v.([]any)
	if !isList || len(items) == 0 {
		return fn(path, v)
	}
	if _, isGroup := items[0].(map[string]any); !isGroup {
		return fn(path, v)
	}
	// A group (or file references): first the group as a whole, then its
	// items' fields.
	if r := fn(path, v); r != nil {
		if s, ok := r.(string); ok && (s == MaskedText || s == WithheldText) {
			return r
		}
	}
	for i, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		if id, isFile := fileRefID(m); isFile {
			// An attachment reference: its name goes with the attachment.
			if fileHidden(id) {
				m["name"] = WithheldText
			}
			continue
		}
		for k, sv := range m {
			m[k] = maskValue(path+"["+strconv.Itoa(i)+"]."+k, sv, fn, fileHidden)
		}
	}
	return items
}

// fileRefID returns the ID of a file reference (form.FileRef's JSON: id and
// sha256, and no key a file reference does not have), so that a group
// whose fields happen to be called id and sha256 is masked field by field.
func fileRefID(m map[string]any) (string, bool) {
	id, ok := m["id"].(string)
	if !ok || m["sha256"] == nil {
		return "", false
	}
	for k := range m {
		switch k {
		case "id", "name", "contentType", "size", "sha256":
		default:
			return "", false
		}
	}
	return id, true
}

// provision renders an OSL reference: "25:1" → "25 kap. 1 § offentlighets-
// och sekretesslagen (2009:400)".
func provision(ref string) string {
	ch, sec, _ := strings.Cut(ref, ":")
	return ch + " kap. " + sec + " § offentlighets- och sekretesslagen (2009:400)"
}

// writtenDecision builds the decision when anything was masked or withheld.
func (c *Cases) writtenDecision(r *Release, req *DisclosureRequest, rec *Record, attachmentNo map[string]int, now time.Time) *WrittenDecision {
	var grounds []Ground
	for _, it := range req.Items {
		d := it.Decision
		if d.Outcome == OutcomeRelease {
			continue
		}
		item := describeItem(it.Flag, attachmentNo)
		grounds = append(grounds, Ground{Item: item.SV, ItemEN: item.EN, Outcome: d.Outcome, OSL: d.OSL, Provision: provision(d.OSL), Reasoning: d.Reasoning})
	}
	if len(grounds) == 0 {
		return nil
	}
	var sv, en strings.Builder
	date := now.In(stockholm()).Format(time.DateOnly)
	fmt.Fprintf(&sv, "BESLUT\n\n%s\nBegäran om utlämnande av allmän handling\nÄrende: %s (%s)\nDatum: %s\n\n", c.opts.Municipality, r.Reference, rec.FormTitle.SV, date)
	fmt.Fprintf(&en, "DECISION\n\n%s\nRequest for disclosure of an official document\nCase: %s (%s)\nDate: %s\n\n", c.opts.Municipality, r.Reference, rec.FormTitle.In("en"), date)
	sv.WriteString("Handlingen lämnas ut med följande undantag:\n")
	en.WriteString("The document is disclosed with the following exceptions:\n")
	for _, g := range grounds {
		verbSV, verbEN := "maskeras", "is masked"
		if g.Outcome == OutcomeWithhold {
			verbSV, verbEN = "lämnas inte ut", "is withheld"
		}
		fmt.Fprintf(&sv, "- %s %s med stöd av %s. Skäl: %s\n", g.Item, verbSV, g.Provision, g.Reasoning)
		fmt.Fprintf(&en, "- %s %s under chapter %s, section %s of the Public Access to Information and Secrecy Act (2009:400). Reason: %s\n",
			g.ItemEN, verbEN, strings.Split(g.OSL, ":")[0], strings.Split(g.OSL, ":")[1], g.Reasoning)
	}
	fmt.Fprintf(&sv, "\nHur man överklagar\nDu kan överklaga beslutet hos kammarrätten. Överklagandet ska vara skriftligt och skickas till %s, "+
		"inte direkt till kammarrätten. Det ska ha kommit in inom tre veckor från den dag du fick del av beslutet. "+
		"Ange vilket beslut du överklagar (ärende %s), hur du vill att det ska ändras och varför.\n", c.opts.Municipality, r.Reference)
	fmt.Fprintf(&en, "\nHow to appeal\nYou may appeal against this decision to the Administrative Court of Appeal (kammarrätten). "+
		"The appeal must be in writing and sent to %s, not directly to the court, and must arrive within three weeks of the day you "+
		"were notified of the decision. State which decision you appeal (case %s), how you want it changed and why.\n", c.opts.Municipality, r.Reference)
	return &WrittenDecision{Grounds: grounds, Text: form.T(sv.String(), en.String())}
}

// describeItem names a review item without its value.
func describeItem(f Flag, attachmentNo map[string]int) form.Text {
	switch {
	case f.Path == "*":
		return form.T("Hela handlingen", "The whole document")
	case f.Path == "sender":
		return form.T("Uppgifter om avsändaren", "Information about the sender")
	case strings.HasPrefix(f.Path, "attachment:"):
		n := strconv.Itoa(attachmentNo[f.Document])
		return form.T("Bilaga "+n, "Attachment "+n)
	}
	k := kindName(f.Kind)
	return form.T(fmt.Sprintf("Uppgiften %q (%s)", f.Path, k.SV), fmt.Sprintf("The item %q (%s)", f.Path, k.EN))
}

func kindName(kind string) form.Text {
	switch form.SensitivityKind(kind) {
	case form.SensitivityIdentityNumber:
		return form.T("identitetsnummer", "identity number")
	case form.SensitivityName:
		return form.T("namn", "name")
	case form.SensitivityContact:
		return form.T("kontaktuppgift", "contact details")
	case form.SensitivityAddress:
		return form.T("adress", "address")
	case form.SensitivityHealth:
		return form.T("hälsa", "health")
	case form.SensitivitySocial:
		return form.T("socialtjänst", "social services")
	case form.SensitivityFinances:
		return form.T("ekonomi", "finances")
	case form.SensitivityFreeText:
		return form.T("fritext", "free text")
	}
	return form.T(kind, kind)
}
