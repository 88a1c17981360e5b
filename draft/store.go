package draft

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
)

// Options configures a Store. A nil *Options means defaults.
type Options struct {
	// Logger receives security events (failed verification of sealed
	// content) without personal data. Defaults to slog.Default().
	Logger *slog.Logger
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
	// TTL is how long a draft is kept after its last save (gallring).
	// Defaults to 90 days.
	TTL time.Duration
	// MaxAuthAge is how old the principal's e-ID authentication may be to
	// create, read or change a draft. Defaults to 60 minutes.
	MaxAuthAge time.Duration
	// MigrationGrace is how long a draft on a superseded form version can
	// still be saved, counted from the registration of the newer version.
	// Defaults to 30 days.
	MigrationGrace time.Duration
	// MaxValuesBytes caps the canonical encoding of a draft's values.
	// Defaults to 256 KiB.
	MaxValuesBytes int
	// MaxAttachmentBytes caps one attachment (the field's own maxSize also
	// applies). Defaults to 20 MiB.
	MaxAttachmentBytes int64
	// MaxAttachments caps the attachments of one draft. Defaults to 20.
	MaxAttachments int
	// MaxDraftAttachmentBytes caps the sum of one draft's attachments.
	// Defaults to 50 MiB.
	MaxDraftAttachmentBytes int64
	// CacheBytes caps the memory the Store spends on the sealed payloads
	// of drafts it wrote recently, which lets a submit right after a save
	// skip reading the draft back (ciphertext only; see OpenForSubmit).
	// Defaults to 32 MiB; negative keeps no payloads.
	CacheBytes int
}

func (o *Options) withDefaults() Options {
	var out Options
	if o != nil {
		out = *o
	}
	if out.Logger == nil {
		out.Logger = slog.Default()
	}
	if out.Now == nil {
		out.Now = time.Now
	}
	if out.TTL == 0 {
		out.TTL = 90 * 24 * time.Hour
	}
	if out.MaxAuthAge == 0 {
		out.MaxAuthAge = time.Hour
	}
	if out.MigrationGrace == 0 {
		out.MigrationGrace = 30 * 24 * time.Hour
	}
	if out.MaxValuesBytes == 0 {
		out.MaxValuesBytes = 256 << 10
	}
	if out.MaxAttachmentBytes == 0 {
		out.MaxAttachmentBytes = 20 << 20
	}
	if out.MaxAttachments == 0 {
		out.MaxAttachments = 20
	}
	if out.MaxDraftAttachmentBytes == 0 {
		out.MaxDraftAttachmentBytes = 50 << 20
	}
	if out.CacheBytes == 0 {
		out.CacheBytes = 32 << 20
	}
	return out
}

func (o *Options) validate() error {
	switch {
	case o.TTL < time.Hour:
		return errors.New("draft: TTL must be at least an hour")
	case o.MaxAuthAge < 0, o.MigrationGrace < 0, o.MaxValuesBytes < 0, o.MaxAttachmentBytes < 0,
		o.MaxAttachments < 0, o.MaxDraftAttachmentBytes < 0:
		return errors.New("draft: negative option")
	}
	return nil
}

// Store keeps owner-scoped, revisioned, sealed, expiring drafts. It is safe
// for concurrent use.
type Store struct {
	db    storage.Driver
	forms *form.Registry
	keys  *KeyRing
	opts  Options
	log   *slog.Logger
	rows  *rowCache
}

// NewStore returns a Store over a storage driver, the registry of forms
// and the key ring. It starts no goroutines; see Janitor for expiry.
func NewStore(db storage.Driver, forms *form.Registry, keys *KeyRing, opts *Options) (*Store, error) {
	if db == nil || forms == nil || keys == nil {
		return nil, errors.New("draft: NewStore needs a driver, a form registry and a key ring")
	}
	o := opts.withDefaults()
	if err := o.validate(); err != nil {
		return nil, err
	}
	return &Store{db: db, forms: forms, keys: keys, opts: o, log: o.Logger, rows: newRowCache(4096, max(o.CacheBytes, 0))}, nil
}

// Draft is an unfinished application as its owner sees it.
type Draft struct {
	ID          string
	FormID      string
	FormVersion int
	// Revision changes with every save; pass it back to Save.
	Revision int64
	// Step is the step the applicant was on.
	Step string
	// CompletedSteps lists the visible steps with no problem left.
	CompletedSteps []string
	// Progress is the share of complete visible steps, 0 to 100.
	Progress int
	// Values are the answers so far (of visible fields, normalised).
	Values    form.Values
	CreatedAt time.Time
	UpdatedAt time.Time
	ExpiresAt time.Time
	// MigrateBy is set when a newer form version exists: until then the
	// draft can be saved as is; afterwards Save returns
	// ErrMigrationRequired. Zero when the draft is on the latest version.
	MigrateBy time.Time
}

// Attachments returns the references of every attached file, by field.
func (d *Draft) Attachments() map[string][]form.FileRef {
	out := map[string][]form.FileRef{}
	for id, v := range d.Values {
		if v.Kind() == form.KindFiles {
			out[id] = v.Files()
		}
	}
	return out
}

// LogValue logs IDs and progress only.
func (d *Draft) LogValue() slog.Value {
	return slog.GroupValue(slog.String(logDraftID, d.ID), slog.String(logFormID, d.FormID),
		slog.Int64("revision", d.Revision), slog.Int("progress", d.Progress))
}

// Summary describes a draft for Mina sidor without decrypting anything.
type Summary struct {
	ID          string
	FormID      string
	FormVersion int
	// Title is the e-service's title (from the form registry).
	Title       form.Text
	Step        string
	Progress    int
	Attachments int
	UpdatedAt   time.Time
	ExpiresAt   time.Time
	MigrateBy   time.Time
}

// Log keys.
const (
	logDraftID = "draft_id"
	logFormID  = "form_id"
	logKeyID   = "key_id"
)

// owner is the pair (actor, party) that owns a draft, in the form stored in
// the sealed envelope. It is personal data: never logged.
type owner struct {
	Actor     string `json:"actor"`
	PartyKind string `json:"partyKind"`
	Party     string `json:"party,omitempty"`
}

func ownerOf(who identity.Principal) owner {
	kind := string(who.Party.Kind)
	if who.Party.IsSelf() {
		kind = string(identity.PartySelf)
	}
	o := owner{Actor: who.Subject.Key(), PartyKind: kind}
	if !who.Party.Subject.IsZero() {
		o.Party = who.Party.Subject.Key()
	}
	return o
}

// audienceOf maps who the principal acts for to a form audience.
func audienceOf(who identity.Principal) form.Audience {
	switch who.Party.Kind {
	case identity.PartyCompany:
		return form.AudienceCompany
	case identity.PartyAssociation:
		return form.AudienceAssociation
	}
	return form.AudiencePerson
}

// access checks the principal before any draft operation and returns its
// owner key. Officers never reach drafts: they get ErrNotFound.
func (s *Store) access(who identity.Principal, fresh bool) (string, owner, error) {
	if err := who.Validate(); err != nil {
		return "", owner{}, fmt.Errorf("%w: %w", ErrLoginRequired, err)
	}
	if who.IsOfficer() || who.Subject.Scheme == identity.SchemeOfficer {
		return "", owner{}, ErrNotFound
	}
	if fresh {
		if err := who.RequireFresh(s.opts.Now(), s.opts.MaxAuthAge); err != nil {
			return "", owner{}, fmt.Errorf("%w: %w", ErrLoginRequired, err)
		}
	}
	o := ownerOf(who)
	return s.keys.ownerKey(o), o, nil
}

// requireAssurance checks the principal against the form's assurance level.
func requireAssurance(who identity.Principal, f *form.Form) error {
	min, err := identity.ParseAssuranceLevel(f.AssuranceName())
	if err != nil {
		return fmt.Errorf("draft: form %s: %w", f.ID, err)
	}
	if err := who.RequireAssurance(min); err != nil {
		return fmt.Errorf("%w: %w", ErrLoginRequired, err)
	}
	return nil
}

// CreateParams are the optional parameters of Create.
type CreateParams struct {
	// Prefill supplies values for prefill sources the principal does not
	// carry, such as contact details from Mina sidor.
	Prefill map[form.PrefillSource]string
}

// Create starts a draft of the latest version of a form for the principal
// (acting for themselves or for an organisation). Fields with a prefill
// source are filled from the principal and p.Prefill. It returns
// ErrNotPermitted when the principal is outside the form's audience or is
// an officer, ErrLoginRequired for a stale login or too low assurance, and
// form.ErrNotFound for an unknown form.
func (s *Store) Create(ctx context.Context, who identity.Principal, formID string, p *CreateParams) (*Draft, error) {
	if who.IsOfficer() || who.Subject.Scheme == identity.SchemeOfficer {
		return nil, ErrNotPermitted
	}
	key, o, err := s.access(who, true)
	if err != nil {
		return nil, err
	}
	f, err := s.forms.Latest(formID)
	if err != nil {
		return nil, fmt.Errorf("draft: create: %w", err)
	}
	if !f.Accepts(audienceOf(who)) {
		return nil, ErrNotPermitted
	}
	if err := requireAssurance(who, f); err != nil {
		return nil, err
	}
	values, err := f.Prefill(nil, prefillLookup(who, p))
	if err != nil {
		return nil, fmt.Errorf("draft: create: %w", err)
	}
	res, err := f.Check(ctx, values, &form.CheckOptions{Mode: form.Partial, Now: s.opts.Now})
	if err != nil {
		return nil, fmt.Errorf("draft: create: %w", err)
	}
	if res.Err() != nil {
		// Prefilled data that does not validate is left for the
		// applicant to enter.
		res.Values = form.Values{}
	}
	now := storage.Time(s.opts.Now())
	id := uuid.NewString()
	sealed, keyID, err := s.sealValues(id, key, o, f, 1, res.Values)
	if err != nil {
		return nil, err
	}
	row, err := s.db.DraftInsert(ctx, &storage.DraftInsertParams{
		ID: id, Owner: key, FormID: f.ID, FormVersion: f.Version, Step: f.Steps[0].ID,
		CompletedSteps: res.CompletedSteps(), Progress: res.Progress(), KeyID: keyID, Payload: sealed,
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(s.opts.TTL),
	})
	if err != nil {
		return nil, s.wrap("create", id, err)
	}
	s.rows.put(row)
	return s.draftFrom(row, res.Values), nil
}

func prefillLookup(who identity.Principal, p *CreateParams) func(form.PrefillSource) (string, bool) {
	return func(src form.PrefillSource) (string, bool) {
		if p != nil {
			if v, ok := p.Prefill[src]; ok {
				return v, true
			}
		}
		switch src {
		case form.PrefillPersonnummer:
			if who.Subject.Scheme == identity.SchemePersonnummer {
				return who.Subject.Value, true
			}
		case form.PrefillGivenName:
			return who.GivenName, who.GivenName != ""
		case form.PrefillFamilyName:
			return who.FamilyName, who.FamilyName != ""
		case form.PrefillFullName:
			if who.GivenName != "" || who.FamilyName != "" {
				return joinName(who.GivenName, who.FamilyName), true
			}
		case form.PrefillOrganisationsnummer:
			if who.Party.Subject.Scheme == identity.SchemeOrganisationsnummer {
				return who.Party.Subject.Value, true
			}
		case form.PrefillPartyName:
			return who.Party.Name, who.Party.Name != ""
		}
		return "", false
	}
}

func joinName(given, family string) string {
	switch {
	case given == "":
		return family
	case family == "":
		return given
	}
	return given + " " + family
}

// Get returns the principal's draft with its values. It returns
// ErrNotFound for anyone else's draft, ErrExpired, ErrTampered when the
// sealed content fails verification, and ErrLoginRequired.
func (s *Store) Get(ctx context.Context, who identity.Principal, id string) (*Draft, error) {
	key, o, err := s.access(who, true)
	if err != nil {
		return nil, err
	}
	row, f, err := s.load(ctx, s.db, who, key, id)
	if err != nil {
		return nil, err
	}
	values, err := s.openValues(row, o, f)
	if err != nil {
		return nil, err
	}
	return s.draftFrom(row, values), nil
}

// load reads the owner's row and its form version, refusing expired drafts.
func (s *Store) load(ctx context.Context, ex storage.Executor, who identity.Principal, key, id string) (*storage.DraftRow, *form.Form, error) {
	if id == "" || len(id) > 64 {
		return nil, nil, ErrNotFound
	}
	row, err := ex.DraftGet(ctx, &storage.DraftGetParams{ID: id, Owner: key})
	if err != nil {
		return nil, nil, s.wrap("get", id, err)
	}
	f, err := s.formFor(who, row)
	if err != nil {
		return nil, nil, err
	}
	return row, f, nil
}

// formFor returns the form version of a draft row, refusing an expired
// draft and a principal whose assurance is below the form's.
func (s *Store) formFor(who identity.Principal, row *storage.DraftRow) (*form.Form, error) {
	if !row.ExpiresAt.After(s.opts.Now()) {
		return nil, ErrExpired
	}
	f, err := s.forms.Get(row.FormID, row.FormVersion)
	if err != nil {
		return nil, fmt.Errorf("draft: %s: form %s version %d: %w", row.ID, row.FormID, row.FormVersion, err)
	}
	if err := requireAssurance(who, f); err != nil {
		return nil, err
	}
	return f, nil
}

// SaveParams are the parameters of Save.
type SaveParams struct {
	// Revision is the revision the caller read (Draft.Revision).
	Revision int64
	// Step is the step the applicant is on; empty keeps the current one.
	Step string
	// Values replaces all answers of the draft. Use form.(*Form).WithStep
	// to merge one posted step into Draft.Values.
	Values form.Values
}

// Save replaces the draft's values ("Spara"). Values are checked for types,
// formats and size caps but not completeness (a *form.ValidationError lists
// the problems and nothing is saved); answers of hidden steps and fields
// are not kept. It returns ErrConflict when the draft changed since
// p.Revision, ErrMigrationRequired past the migration deadline, ErrTooLarge,
// ErrNotFound, ErrExpired, ErrTampered and ErrLoginRequired.
func (s *Store) Save(ctx context.Context, who identity.Principal, id string, p SaveParams) (*Draft, error) {
	key, o, err := s.access(who, true)
	if err != nil {
		return nil, err
	}
	row, f, err := s.loadForSave(ctx, who, key, id, p.Revision)
	if err != nil {
		return nil, err
	}
	if row.Revision != p.Revision {
		return nil, ErrConflict
	}
	if by := s.migrateBy(f); !by.IsZero() && !s.opts.Now().Before(by) {
		return nil, ErrMigrationRequired
	}
	step := p.Step
	if step == "" {
		step = row.Step
	} else if f.Step(step) == nil {
		return nil, fmt.Errorf("%w: unknown step", ErrInvalid)
	}
	res, err := f.Check(ctx, p.Values, &form.CheckOptions{Mode: form.Partial, Now: s.opts.Now})
	if err != nil {
		return nil, fmt.Errorf("draft: save %s: %w", id, err)
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	updated, err := s.update(ctx, s.db, row, key, o, f, step, res)
	if err != nil {
		return nil, err
	}
	s.rows.put(updated) // written in a transaction of its own: committed
	return s.draftFrom(updated, res.Values), nil
}

// loadForSave returns the draft's columns at revision: from the row cache
// when it holds that revision (see rowCache), else from the database.
func (s *Store) loadForSave(ctx context.Context, who identity.Principal, key, id string, revision int64) (*storage.DraftRow, *form.Form, error) {
	if r, ok := s.rows.get(key, id); ok && r.Revision == revision {
		if f, err := s.formFor(who, &r); err == nil {
			return &r, f, nil
		}
		// The database has the say on a row that fails a check.
	}
	return s.load(ctx, s.db, who, key, id)
}

// update seals values and writes them at row.Revision+1.
func (s *Store) update(ctx context.Context, ex storage.Executor, row *storage.DraftRow, key string, o owner, f *form.Form, step string, res *form.Result) (*storage.DraftRow, error) {
	sealed, keyID, err := s.sealValues(row.ID, key, o, f, row.Revision+1, res.Values)
	if err != nil {
		return nil, err
	}
	now := storage.Time(s.opts.Now())
	params := &storage.DraftUpdateParams{
		ID: row.ID, Owner: key, Revision: row.Revision, FormVersion: f.Version, Step: step,
		CompletedSteps: res.CompletedSteps(), Progress: res.Progress(), KeyID: keyID, Payload: sealed,
		UpdatedAt: now, ExpiresAt: now.Add(s.opts.TTL),
	}
	rev, err := ex.DraftUpdate(ctx, params)
	// Until the caller's transaction commits, the new row may never exist:
	// forget the old one here; Save remembers the new one once written.
	s.rows.drop(key, row.ID)
	if err != nil {
		return nil, s.wrap("save", row.ID, err)
	}
	// The row as stored: the update's columns over the row it replaced.
	updated := *row
	updated.Revision, updated.FormVersion, updated.Step = rev, f.Version, step
	updated.CompletedSteps, updated.Progress, updated.KeyID = params.CompletedSteps, params.Progress, keyID
	updated.Payload, updated.UpdatedAt, updated.ExpiresAt, updated.WarnedAt = sealed, now, params.ExpiresAt, time.Time{}
	return &updated, nil
}

// migrateBy returns the migration deadline of drafts on f, or zero when f
// is the latest version.
func (s *Store) migrateBy(f *form.Form) time.Time {
	at, ok := s.forms.SupersededAt(f.ID, f.Version)
	if !ok {
		return time.Time{}
	}
	return at.Add(s.opts.MigrationGrace)
}

// List returns the principal's drafts for Mina sidor, newest first, without
// decrypting anything. Expired drafts are left out. It needs no fresh
// login: opening a draft does.
func (s *Store) List(ctx context.Context, who identity.Principal) ([]Summary, error) {
	key, _, err := s.access(who, false)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, nil // officers have no drafts
		}
		return nil, err
	}
	rows, err := s.db.DraftList(ctx, &storage.DraftListParams{Owner: key, Limit: storage.MaxLimit})
	if err != nil {
		return nil, s.wrap("list", "", err)
	}
	now := s.opts.Now()
	out := make([]Summary, 0, len(rows))
	for _, r := range rows {
		if !r.ExpiresAt.After(now) {
			continue
		}
		sum := Summary{ID: r.ID, FormID: r.FormID, FormVersion: r.FormVersion, Step: r.Step, Progress: r.Progress,
			Attachments: r.AttachmentCount, UpdatedAt: r.UpdatedAt, ExpiresAt: r.ExpiresAt}
		if f, err := s.forms.Get(r.FormID, r.FormVersion); err == nil {
			sum.Title = f.Title
			sum.MigrateBy = s.migrateBy(f)
		}
		out = append(out, sum)
	}
	return out, nil
}

// Delete removes the principal's draft and its attachments.
func (s *Store) Delete(ctx context.Context, who identity.Principal, id string) error {
	key, _, err := s.access(who, true)
	if err != nil {
		return err
	}
	if id == "" || len(id) > 64 {
		return ErrNotFound
	}
	s.rows.drop(key, id)
	if err := s.db.DraftDelete(ctx, &storage.DraftDeleteParams{ID: id, Owner: key}); err != nil {
		return s.wrap("delete", id, err)
	}
	return nil
}

// wrap maps storage errors to this package's sentinels.
func (s *Store) wrap(op, id string, err error) error {
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, storage.ErrConflict):
		return ErrConflict
	case errors.Is(err, storage.ErrLimit):
		return fmt.Errorf("%w: %w", ErrTooManyAttachments, err)
	}
	if id == "" {
		return fmt.Errorf("draft: %s: %w", op, err)
	}
	return fmt.Errorf("draft: %s %s: %w", op, id, err)
}

func (s *Store) draftFrom(row *storage.DraftRow, values form.Values) *Draft {
	d := &Draft{
		ID: row.ID, FormID: row.FormID, FormVersion: row.FormVersion, Revision: row.Revision, Step: row.Step,
		CompletedSteps: row.CompletedSteps, Progress: row.Progress, Values: values,
		CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt, ExpiresAt: row.ExpiresAt,
	}
	if f, err := s.forms.Get(row.FormID, row.FormVersion); err == nil {
		d.MigrateBy = s.migrateBy(f)
	}
	return d
}

// draftAAD binds sealed values to the draft, its owner, its form version
// and the revision they were written at: a payload moved to another draft,
// owner or revision fails to open.
func draftAAD(id, ownerKey, formID string, version int, revision int64, keyID string) []byte {
	b := make([]byte, 0, 128)
	b = append(b, "etjanst.draft.v1\x00"...)
	b = append(b, id...)
	b = append(b, 0)
	b = append(b, ownerKey...)
	b = append(b, 0)
	b = append(b, formID...)
	b = append(b, 0)
	b = strconv.AppendInt(b, int64(version), 10)
	b = append(b, 0)
	b = strconv.AppendInt(b, revision, 10)
	b = append(b, 0)
	return append(b, keyID...)
}

// sealValues builds the envelope (owner header + canonical values) and
// seals it for revision.
func (s *Store) sealValues(id, key string, o owner, f *form.Form, revision int64, values form.Values) ([]byte, string, error) {
	bp := plainBuffers.Get().(*[]byte)
	buf := appendOwnerHeader((*bp)[:0], o)
	start := len(buf)
	buf = values.AppendCanonical(buf)
	defer putPlainBuffer(bp, buf)
	if len(buf)-start > s.opts.MaxValuesBytes {
		return nil, "", fmt.Errorf("%w: values of %d bytes (max %d)", ErrTooLarge, len(buf)-start, s.opts.MaxValuesBytes)
	}
	keyID := s.keys.ActiveKeyID()
	keyID, sealed, err := s.keys.seal(buf, draftAAD(id, key, f.ID, f.Version, revision, keyID))
	if err != nil {
		return nil, "", err
	}
	return sealed, keyID, nil
}

// plainBuffers recycles the plaintext buffers of sealValues: a save of
// 4 KB of values would otherwise allocate and grow one every time.
var plainBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// putPlainBuffer wipes the plaintext (answers and personal data must not
// linger in recycled memory) and returns the buffer to the pool, unless it
// grew too large to keep.
func putPlainBuffer(bp *[]byte, buf []byte) {
	clear(buf[:cap(buf)])
	if cap(buf) > 256<<10 {
		return
	}
	*bp = buf[:0]
	plainBuffers.Put(bp)
}

// appendOwnerHeader appends the envelope's owner header: its length as a
// uvarint, then the owner as JSON (openEnvelope reads it with
// json.Unmarshal; the field names are those of owner's JSON tags).
func appendOwnerHeader(dst []byte, o owner) []byte {
	var tmp [256]byte
	h := append(tmp[:0], `{"actor":`...)
	h = appendJSONString(h, o.Actor)
	h = append(h, `,"partyKind":`...)
	h = appendJSONString(h, o.PartyKind)
	if o.Party != "" {
		h = append(h, `,"party":`...)
		h = appendJSONString(h, o.Party)
	}
	h = append(h, '}')
	dst = binary.AppendUvarint(dst, uint64(len(h)))
	return append(dst, h...)
}

// appendJSONString appends s as json.Marshal encodes it: printable ASCII
// that needs no escape as is (subject keys nearly always are), anything
// else through encoding/json (which also escapes <, > and &).
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(dst, q...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// openEnvelope opens a row's payload and returns the owner header and the
// canonical values.
func (s *Store) openEnvelope(row *storage.DraftRow) (owner, []byte, error) {
	plain, err := s.keys.open(row.KeyID, row.Payload, draftAAD(row.ID, row.Owner, row.FormID, row.FormVersion, row.Revision, row.KeyID))
	if err != nil {
		if errors.Is(err, ErrTampered) {
			s.log.Warn("draft: sealed content failed verification", slog.String(logDraftID, row.ID),
				slog.String(logKeyID, row.KeyID), slog.Int64("revision", row.Revision), slog.String("event", "security"))
		}
		return owner{}, nil, fmt.Errorf("draft: open %s: %w", row.ID, err)
	}
	n, size := binary.Uvarint(plain)
	if size <= 0 || n > uint64(len(plain)-size) {
		return owner{}, nil, fmt.Errorf("draft: open %s: %w", row.ID, ErrTampered)
	}
	var o owner
	if err := json.Unmarshal(plain[size:size+int(n)], &o); err != nil {
		return owner{}, nil, fmt.Errorf("draft: open %s: %w", row.ID, ErrTampered)
	}
	return o, plain[size+int(n):], nil
}

// openValues opens a row and decodes its values with the form version.
func (s *Store) openValues(row *storage.DraftRow, o owner, f *form.Form) (form.Values, error) {
	sealedOwner, data, err := s.openEnvelope(row)
	if err != nil {
		return nil, err
	}
	if sealedOwner != o {
		// The pseudonym matched but the sealed owner differs: a forged row.
		s.log.Warn("draft: sealed owner does not match", slog.String(logDraftID, row.ID), slog.String("event", "security"))
		return nil, fmt.Errorf("draft: open %s: %w", row.ID, ErrTampered)
	}
	values, err := form.DecodeJSON(f, data)
	if err != nil {
		return nil, fmt.Errorf("draft: decode %s: %w", row.ID, err)
	}
	return values, nil
}
