package draft

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
)

// Expiring describes a draft about to expire, for the application to
// notify its owner ("ditt utkast raderas snart").
type Expiring struct {
	ID        string
	FormID    string
	Title     form.Text
	ExpiresAt time.Time
	// Owner is the person who owns the draft, and Party whom they act for
	// (Kind and Subject only). Both are personal data: do not log them.
	Owner identity.Subject
	Party identity.Party
}

// JanitorOptions configures a Janitor. A nil *JanitorOptions means
// defaults.
type JanitorOptions struct {
	// Interval between runs of Run. Defaults to one hour.
	Interval time.Duration
	// BatchSize is how many rows one statement handles. Defaults to 200.
	BatchSize int
	// MaxBatches bounds the batches of each kind in one RunOnce, so one run
	// never holds the database for long. Defaults to 50.
	MaxBatches int
	// WarnBefore is how long before expiry OnExpiring is called. Defaults
	// to 7 days.
	WarnBefore time.Duration
	// OnExpiring is called once per draft about to expire (again after the
	// owner saves it). An error leaves the draft to be offered again on
	// the next run. Nil means no warnings.
	OnExpiring func(ctx context.Context, d Expiring) error
	// Logger defaults to the store's logger.
	Logger *slog.Logger
}

// Janitor deletes expired drafts with their attachments (gallring), warns
// about drafts about to expire and re-seals content under the active key
// after a key rotation. It starts nothing by itself: call Run.
type Janitor struct {
	s    *Store
	opts JanitorOptions
	log  *slog.Logger
}

// JanitorReport counts what one run did.
type JanitorReport struct {
	Deleted  int
	Warned   int
	Resealed int
}

// NewJanitor returns a janitor for the store.
func NewJanitor(s *Store, opts *JanitorOptions) (*Janitor, error) {
	var o JanitorOptions
	if opts != nil {
		o = *opts
	}
	if o.Interval == 0 {
		o.Interval = time.Hour
	}
	if o.BatchSize == 0 {
		o.BatchSize = 200
	}
	if o.MaxBatches == 0 {
		o.MaxBatches = 50
	}
	if o.WarnBefore == 0 {
		o.WarnBefore = 7 * 24 * time.Hour
	}
	if o.Logger == nil {
		o.Logger = s.log
	}
	if o.Interval < 0 || o.BatchSize < 0 || o.BatchSize > storage.MaxLimit || o.MaxBatches < 0 || o.WarnBefore < 0 {
		return nil, errors.New("draft: invalid janitor options")
	}
	return &Janitor{s: s, opts: o, log: o.Logger}, nil
}

// Run calls RunOnce every Interval until ctx is done, logging failures (a
// background job has no caller to return them to). It returns ctx's error.
func (j *Janitor) Run(ctx context.Context) error {
	t := time.NewTicker(j.opts.Interval)
	defer t.Stop()
	for {
		rep, err := j.RunOnce(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			j.log.Error("draft: janitor run failed", slog.String("error", err.Error()))
		case rep.Deleted+rep.Warned+rep.Resealed > 0:
			j.log.Info("draft: janitor run", slog.Int("deleted", rep.Deleted), slog.Int("warned", rep.Warned), slog.Int("resealed", rep.Resealed))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// RunOnce warns, deletes and re-seals in bounded batches.
func (j *Janitor) RunOnce(ctx context.Context) (JanitorReport, error) {
	var rep JanitorReport
	var errs []error
	if j.opts.OnExpiring != nil {
		n, err := j.warn(ctx)
		rep.Warned = n
		errs = append(errs, err)
	}
	n, err := j.purge(ctx)
	rep.Deleted = n
	errs = append(errs, err)
	n, err = j.s.Reseal(ctx, j.opts.BatchSize*j.opts.MaxBatches)
	rep.Resealed = n
	errs = append(errs, err)
	return rep, errors.Join(errs...)
}

func (j *Janitor) purge(ctx context.Context) (int, error) {
	total := 0
	for range j.opts.MaxBatches {
		ids, err := j.s.db.DraftDeleteExpired(ctx, &storage.DraftDeleteExpiredParams{Now: storage.Time(j.s.opts.Now()), Limit: j.opts.BatchSize})
		total += len(ids)
		if err != nil {
			return total, fmt.Errorf("draft: purge: %w", err)
		}
		if len(ids) < j.opts.BatchSize {
			break
		}
	}
	return total, nil
}

func (j *Janitor) warn(ctx context.Context) (int, error) {
	now := storage.Time(j.s.opts.Now())
	warned := 0
	var errs []error
	// Pages advance by expiry time, so a draft whose hook failed is not
	// offered again in this run (it is in the next).
	from := now
	for range j.opts.MaxBatches {
		rows, err := j.s.db.DraftListExpiring(ctx, &storage.DraftListExpiringParams{From: from, To: now.Add(j.opts.WarnBefore), Limit: j.opts.BatchSize})
		if err != nil {
			return warned, fmt.Errorf("draft: list expiring: %w", err)
		}
		for _, sum := range rows {
			from = sum.ExpiresAt
			row, err := j.s.db.DraftGet(ctx, &storage.DraftGetParams{ID: sum.ID, Owner: sum.Owner})
			if err != nil {
				continue // deleted or saved meanwhile
			}
			o, _, err := j.s.openEnvelope(row)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			e := Expiring{ID: row.ID, FormID: row.FormID, ExpiresAt: row.ExpiresAt, Owner: subjectFromKey(o.Actor),
				Party: identity.Party{Kind: identity.PartyKind(o.PartyKind), Subject: subjectFromKey(o.Party)}}
			if f, err := j.s.forms.Get(row.FormID, row.FormVersion); err == nil {
				e.Title = f.Title
			}
			if err := j.opts.OnExpiring(ctx, e); err != nil {
				errs = append(errs, fmt.Errorf("draft: expiry hook for %s: %w", row.ID, err))
				continue
			}
			if err := j.s.db.DraftMarkWarned(ctx, &storage.DraftMarkWarnedParams{ID: row.ID, WarnedAt: now}); err != nil {
				errs = append(errs, fmt.Errorf("draft: mark warned %s: %w", row.ID, err))
				continue
			}
			warned++
		}
		if len(rows) < j.opts.BatchSize {
			break
		}
	}
	return warned, errors.Join(errs...)
}

func subjectFromKey(key string) identity.Subject {
	scheme, value, ok := strings.Cut(key, ":")
	if !ok {
		return identity.Subject{}
	}
	return identity.Subject{Scheme: identity.Scheme(scheme), Value: value}
}

// Reseal re-seals up to limit drafts and attachments sealed under an older
// key with the active key, so old keys can be retired after a rotation. A
// draft saved meanwhile is skipped (its save sealed it anew). It returns
// how many were re-sealed.
func (s *Store) Reseal(ctx context.Context, limit int) (int, error) {
	active := s.keys.ActiveKeyID()
	done := 0
	after := ""
	for done < limit {
		rows, err := s.db.DraftListForReseal(ctx, &storage.DraftListForResealParams{NotKeyID: active, AfterID: after, Limit: min(storage.MaxLimit, limit-done)})
		if err != nil {
			return done, fmt.Errorf("draft: reseal: %w", err)
		}
		for _, row := range rows {
			after = row.ID
			plain, err := s.keys.open(row.KeyID, row.Payload, draftAAD(row.ID, row.Owner, row.FormID, row.FormVersion, row.Revision, row.KeyID))
			if err != nil {
				s.log.Warn("draft: reseal skipped a draft that does not verify", slog.String(logDraftID, row.ID), slog.String(logKeyID, row.KeyID))
				continue
			}
			_, sealed, err := s.keys.seal(plain, draftAAD(row.ID, row.Owner, row.FormID, row.FormVersion, row.Revision, active))
			if err != nil {
				return done, err
			}
			s.rows.drop(row.Owner, row.ID) // a cached payload is sealed under the old key
			err = s.db.DraftReseal(ctx, &storage.DraftResealParams{ID: row.ID, Revision: row.Revision, KeyID: active, Payload: sealed})
			if errors.Is(err, storage.ErrConflict) || errors.Is(err, storage.ErrNotFound) {
				continue
			}
			if err != nil {
				return done, fmt.Errorf("draft: reseal %s: %w", row.ID, err)
			}
			done++
		}
		if len(rows) == 0 {
			break
		}
	}
	after = ""
	for done < limit {
		rows, err := s.db.AttachmentListForReseal(ctx, &storage.AttachmentListForResealParams{NotKeyID: active, AfterID: after, Limit: min(storage.MaxLimit, limit-done)})
		if err != nil {
			return done, fmt.Errorf("draft: reseal attachments: %w", err)
		}
		for _, row := range rows {
			after = row.ID
			plain, err := s.keys.open(row.KeyID, row.Payload, attachmentAAD(row.ID, row.DraftID, row.Owner, row.FieldPath, row.SHA256, row.KeyID))
			if err != nil {
				s.log.Warn("draft: reseal skipped an attachment that does not verify", slog.String("attachment_id", row.ID), slog.String(logKeyID, row.KeyID))
				continue
			}
			_, sealed, err := s.keys.seal(plain, attachmentAAD(row.ID, row.DraftID, row.Owner, row.FieldPath, row.SHA256, active))
			if err != nil {
				return done, err
			}
			err = s.db.AttachmentReseal(ctx, &storage.AttachmentResealParams{ID: row.ID, FromKeyID: row.KeyID, KeyID: active, Payload: sealed})
			if errors.Is(err, storage.ErrConflict) || errors.Is(err, storage.ErrNotFound) {
				continue
			}
			if err != nil {
				return done, fmt.Errorf("draft: reseal attachment %s: %w", row.ID, err)
			}
			done++
		}
		if len(rows) == 0 {
			break
		}
	}
	return done, nil
}
