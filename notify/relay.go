package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/url"
	"sync"
	"time"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
)

// RelayOptions configures a Relay. A nil *RelayOptions means defaults.
type RelayOptions struct {
	// Worker identifies this relay in the leases it takes; it must be
	// unique among the relays on one database. Defaults to "relay-" and
	// a random UUID.
	Worker string
	// BatchSize is the most rows claimed at once. Defaults to 50; at most
	// storage.MaxLimit.
	BatchSize int
	// Lease is how long a claim holds: no other relay sends the row while
	// it runs. The relay sends a claimed row only while at least
	// SendTimeout of the lease is left, and releases the rest. Defaults
	// to 2 minutes; must exceed SendTimeout. Each relay stamps leases
	// with its own clock (Now): the clocks of the instances that share an
	// outbox must agree (NTP) to well within Lease - SendTimeout, or one
	// may claim a row another is still sending.
	Lease time.Duration
	// SendTimeout bounds one Sender call with the Directory lookup
	// before it. Defaults to 30 seconds.
	SendTimeout time.Duration
	// PollInterval is how long Run waits when there was nothing to do.
	// Wake cuts the wait short. Defaults to 1 second.
	PollInterval time.Duration
	// MaxAttempts is how many attempts a row gets before it is
	// dead-lettered. Defaults to 10.
	MaxAttempts int
	// BackoffBase and BackoffMax shape the wait after the n-th failed
	// attempt: d = min(BackoffMax, BackoffBase * 2^(n-1)), of which a
	// random half is taken off ("equal jitter": the wait is in [d/2, d)).
	// Default to 10 seconds and 1 hour.
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// Templates renders the notices. Defaults to DefaultTemplates().
	Templates *Templates
	// Link is the address of Mina sidor that every notice points to, an
	// absolute http or https URL. Defaults to none: the texts then say to
	// log in to Mina sidor without a link.
	Link string
	// Organisation is the municipality's name shown in the notices.
	// Defaults to none.
	Organisation string
	// Logger receives retries (Warn), dead letters (Error) and failed
	// acknowledgements, without personal data. Defaults to
	// slog.Default().
	Logger *slog.Logger
	// Now is the clock of claims, leases and backoff. Defaults to
	// time.Now.
	Now func() time.Time
	// Rand returns a number in [0, 1) for the jitter. Defaults to
	// math/rand/v2's Float64.
	Rand func() float64
}

// Relay delivers the outbox: it claims due rows under a lease, renders them,
// sends them through the channel's Sender after (and outside) the business
// transaction, and acknowledges them. A failed send is retried with
// exponential backoff and jitter; a permanent failure, or the last of
// MaxAttempts, moves the row to the dead letters with its redacted reason,
// where DeadLetters shows it and Requeue revives it.
//
// Delivery is at least once: a relay that crashes after a send and before
// its acknowledgement sends the row again when the lease runs out. Several
// relays may share one database; while leases hold, no row is sent twice.
// The constructor starts nothing; call Run (or RunOnce from your own
// scheduler).
type Relay struct {
	db        storage.Driver
	senders   map[Channel]Sender
	dir       Directory
	opts      RelayOptions
	templates *Templates
	log       *slog.Logger
	wake      chan struct{}
	// round is held by a round of RunOnce and by the release after Run:
	// rows of this worker are given back only when no round is sending
	// them (a Run and a RunOnce on one Relay would otherwise send a row
	// twice).
	round sync.Mutex
}

// Relay defaults.
const (
	defaultBatchSize    = 50
	defaultLease        = 2 * time.Minute
	defaultSendTimeout  = 30 * time.Second
	defaultPollInterval = time.Second
	defaultMaxAttempts  = 10
	defaultBackoffBase  = 10 * time.Second
	defaultBackoffMax   = time.Hour
)

// NewRelay returns a relay over db that sends each channel's rows through
// senders[channel]. dir resolves addresses and preferences for email and
// SMS; it may be nil only when there is no email or SMS sender. A row for a
// channel the recipient chose but that has no sender is dead-lettered ("no
// sender for channel"), so that it stays visible and can be requeued once
// one is configured; queue only the channels you have senders for
// (OutboxOptions.Channels) to avoid that.
//
// Errors: nil db, a nil sender, a missing dir, invalid options.
func NewRelay(db storage.Driver, senders map[Channel]Sender, dir Directory, opts *RelayOptions) (*Relay, error) {
	if db == nil {
		return nil, errors.New("notify: relay: nil driver")
	}
	r := &Relay{db: db, senders: map[Channel]Sender{}, dir: dir, wake: make(chan struct{}, 1)}
	for ch, s := range senders {
		if s == nil {
			return nil, fmt.Errorf("notify: relay: nil sender for %s", ch)
		}
		if ch != ChannelInbox && dir == nil {
			return nil, fmt.Errorf("notify: relay: a %s sender needs a Directory", ch)
		}
		r.senders[ch] = s
	}
	if opts != nil {
		r.opts = *opts
	}
	o := &r.opts
	if o.Worker == "" {
		o.Worker = "relay-" + newUUID()
	}
	setDefault(&o.BatchSize, defaultBatchSize)
	setDefault(&o.Lease, defaultLease)
	setDefault(&o.SendTimeout, defaultSendTimeout)
	setDefault(&o.PollInterval, defaultPollInterval)
	setDefault(&o.MaxAttempts, defaultMaxAttempts)
	setDefault(&o.BackoffBase, defaultBackoffBase)
	setDefault(&o.BackoffMax, defaultBackoffMax)
	switch {
	case o.BatchSize < 0 || o.BatchSize > storage.MaxLimit:
		return nil, fmt.Errorf("notify: relay: BatchSize out of range 1..%d", storage.MaxLimit)
	case o.SendTimeout < 0 || o.Lease <= o.SendTimeout:
		return nil, errors.New("notify: relay: Lease must exceed SendTimeout")
	case o.PollInterval < 0 || o.MaxAttempts < 0 || o.BackoffBase < 0:
		return nil, errors.New("notify: relay: negative PollInterval, MaxAttempts or BackoffBase")
	case o.BackoffMax < o.BackoffBase:
		return nil, errors.New("notify: relay: BackoffMax below BackoffBase")
	}
	if o.Link != "" {
		u, err := url.Parse(o.Link)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			return nil, errors.New("notify: relay: Link must be an absolute http or https URL")
		}
	}
	if len(o.Organisation) > 100 {
		return nil, errors.New("notify: relay: Organisation longer than 100 bytes")
	}
	r.templates = o.Templates
	if r.templates == nil {
		r.templates = DefaultTemplates()
	}
	r.log = o.Logger
	if r.log == nil {
		r.log = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	return r, nil
}

func setDefault[T int | time.Duration](v *T, def T) {
	if *v == 0 {
		*v = def
	}
}

// Worker returns the relay's worker ID.
func (r *Relay) Worker() string { return r.opts.Worker }

// Wake makes a waiting Run poll now, for example right after a transaction
// that queued notices has committed. It never blocks.
func (r *Relay) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Stats counts what one RunOnce did with the rows it claimed.
type Stats struct {
	// Claimed is the number of rows claimed.
	Claimed int
	// Sent counts rows handed to their Sender and acknowledged.
	Sent int
	// Skipped counts rows acknowledged without sending: the recipient
	// has not chosen the channel or has no address for it.
	Skipped int
	// Retried counts rows rescheduled after a failure.
	Retried int
	// Dead counts rows moved to the dead letters.
	Dead int
	// Released counts rows given back unsent (shutdown or lease running
	// out).
	Released int
}

// Run delivers until ctx is done: it runs RunOnce, at once again when the
// batch was full, else after PollInterval or a Wake. Failures are logged
// and retried on the next round. When ctx is done, the send in flight
// finishes (bounded by SendTimeout) and is acknowledged, the other claimed
// rows are released for the next relay, and Run returns ctx.Err().
func (r *Relay) Run(ctx context.Context) error {
	defer r.releaseAll(ctx)
	var timer *time.Timer
	for {
		st, err := r.RunOnce(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			r.log.LogAttrs(ctx, slog.LevelError, "notify: relay round failed",
				slog.String(logWorker, r.opts.Worker), slog.String(logError, Redact(err.Error())))
		}
		if err == nil && st.Claimed == r.opts.BatchSize && st.Released == 0 {
			continue
		}
		if timer == nil {
			timer = time.NewTimer(r.opts.PollInterval)
			defer timer.Stop()
		} else {
			timer.Reset(r.opts.PollInterval)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-r.wake:
		case <-timer.C:
		}
	}
}

// releaseAll gives back every row still leased to this worker, after Run.
func (r *Relay) releaseAll(ctx context.Context) {
	r.round.Lock()
	defer r.round.Unlock()
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opts.SendTimeout)
	defer cancel()
	if _, err := r.db.OutboxRelease(c, &storage.OutboxReleaseParams{Worker: r.opts.Worker, Now: r.opts.Now()}); err != nil {
		r.log.LogAttrs(c, slog.LevelWarn, "notify: release at shutdown failed",
			slog.String(logWorker, r.opts.Worker), slog.String(logError, Redact(err.Error())))
	}
}

// RunOnce claims one batch of due rows and delivers them one after the
// other. A row is sent only while at least SendTimeout of its lease is left
// and ctx is not done; the rest are released at once. The send in flight
// when ctx ends is finished and acknowledged. It returns what it did and
// the first storage error of the claim or of a release; failures of single
// rows are retried or dead-lettered, not returned. The rounds of one Relay
// (RunOnce, and those of Run) run one at a time.
func (r *Relay) RunOnce(ctx context.Context) (Stats, error) {
	var st Stats
	if err := ctx.Err(); err != nil {
		return st, err
	}
	r.round.Lock()
	defer r.round.Unlock()
	now := r.opts.Now()
	rows, err := r.db.OutboxClaim(ctx, &storage.OutboxClaimParams{
		Worker: r.opts.Worker, Now: now, Lease: r.opts.Lease, Limit: r.opts.BatchSize,
	})
	if err != nil {
		return st, fmt.Errorf("notify: relay: claim: %w", err)
	}
	st.Claimed = len(rows)
	leaseEnd := storage.Time(now).Add(r.opts.Lease)
	for i, row := range rows {
		if ctx.Err() != nil || r.opts.Now().Add(r.opts.SendTimeout).After(leaseEnd) {
			n, err := r.release(ctx, rows[i:])
			st.Released += n
			return st, err
		}
		r.deliver(ctx, row, &st)
	}
	return st, nil
}

// release gives rows back, even when ctx is done.
func (r *Relay) release(ctx context.Context, rows []*storage.OutboxRow) (int, error) {
	ids := make([]string, len(rows))
	for i, row := range rows {
		ids[i] = row.ID
	}
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opts.SendTimeout)
	defer cancel()
	n, err := r.db.OutboxRelease(c, &storage.OutboxReleaseParams{Worker: r.opts.Worker, IDs: ids, Now: r.opts.Now()})
	if err != nil {
		return n, fmt.Errorf("notify: relay: release: %w", err)
	}
	return n, nil
}

// deliver sends one claimed row and settles it.
func (r *Relay) deliver(ctx context.Context, row *storage.OutboxRow, st *Stats) {
	// The send and its settlement run to completion even when ctx ends
	// (graceful shutdown). SendTimeout bounds the lookup and the send;
	// the settlement (one short write, bounded by the driver's lock
	// timeout) gets no deadline of its own: an interrupted settlement
	// only causes a resend, and a cancellable ctx costs a goroutine per
	// statement in the SQLite driver.
	settle := context.WithoutCancel(ctx)
	c, cancel := context.WithTimeout(settle, r.opts.SendTimeout)
	defer cancel()
	ch := Channel(row.Channel)
	msg, err := decodeRow(row)
	if err != nil {
		r.dead(settle, row, fmt.Errorf("%s: %w", ch, err), st)
		return
	}
	sender, ok := r.senders[ch]
	if !ok && (ch == ChannelInbox || r.dir == nil) {
		r.dead(settle, row, fmt.Errorf("%s: no sender for channel", ch), st)
		return
	}
	d := Delivery{
		ID: row.ID, Channel: ch, Attempt: row.Attempts, Kind: msg.Kind, CaseRef: msg.CaseRef,
		Recipient: msg.Recipient, Lang: msg.Lang, Link: r.opts.Link,
	}
	pub := PublicData{Link: r.opts.Link, Organisation: r.opts.Organisation}
	if ch == ChannelInbox {
		if d.Lang == "" {
			d.Lang = Swedish
		}
		content := &InboxContent{}
		for _, lang := range Langs() {
			rd, err := r.templates.Render(ch, lang, msg, pub)
			if err != nil {
				r.dead(settle, row, fmt.Errorf("%s: render: %w", ch, err), st)
				return
			}
			if lang == English {
				content.Title.EN, content.Body.EN = rd.Subject, rd.Text
			} else {
				content.Title.SV, content.Body.SV = rd.Subject, rd.Text
			}
		}
		d.Inbox = content
		d.Subject, d.Text = content.Title.In(d.Lang), content.Body.In(d.Lang)
	} else {
		contact, err := r.dir.Lookup(c, msg.Recipient)
		if err != nil {
			r.fail(settle, row, fmt.Errorf("%s: directory: %w", ch, err), st)
			return
		}
		if !contact.Wants(ch) {
			r.ack(settle, row, st, false)
			return
		}
		if !ok {
			r.dead(settle, row, fmt.Errorf("%s: no sender for channel", ch), st)
			return
		}
		d.Address = contact.Address(ch)
		// Email and SMS senders need the address only: the recipient's
		// identity (a personnummer) stays out of their hands.
		d.Recipient = identity.Subject{}
		if d.Lang == "" {
			d.Lang = contact.Lang
		}
		if !d.Lang.valid() {
			d.Lang = Swedish
		}
		msg.Data = nil // never reaches email or SMS
		rd, err := r.templates.Render(ch, d.Lang, msg, pub)
		if err != nil {
			r.dead(settle, row, fmt.Errorf("%s: render: %w", ch, err), st)
			return
		}
		d.Subject, d.Text, d.HTML = rd.Subject, rd.Text, rd.HTML
	}
	if err := sender.Send(c, d); err != nil {
		r.fail(settle, row, fmt.Errorf("%s: %w", ch, err), st)
		return
	}
	r.ack(settle, row, st, true)
}

func (r *Relay) ack(ctx context.Context, row *storage.OutboxRow, st *Stats, sent bool) {
	err := r.db.OutboxAck(ctx, &storage.OutboxAckParams{ID: row.ID, Worker: r.opts.Worker, SentAt: r.opts.Now()})
	if err != nil {
		// The row will be sent again when its lease runs out (or was,
		// by the relay that took it over): at least once.
		r.log.LogAttrs(ctx, slog.LevelWarn, "notify: acknowledgement failed", slog.Any("row", row),
			slog.String(logWorker, r.opts.Worker), slog.String(logError, Redact(err.Error())))
		return
	}
	if sent {
		st.Sent++
	} else {
		st.Skipped++
	}
}

// fail retries the row with backoff, or dead-letters it when the failure is
// permanent or this was its last attempt.
func (r *Relay) fail(ctx context.Context, row *storage.OutboxRow, cause error, st *Stats) {
	if IsPermanent(cause) || row.Attempts >= r.opts.MaxAttempts {
		r.dead(ctx, row, cause, st)
		return
	}
	reason := Redact(cause.Error())
	next := r.opts.Now().Add(r.Backoff(row.Attempts))
	err := r.db.OutboxRetry(ctx, &storage.OutboxRetryParams{ID: row.ID, Worker: r.opts.Worker, NextAttemptAt: next, LastError: reason})
	if err != nil {
		r.log.LogAttrs(ctx, slog.LevelWarn, "notify: reschedule failed", slog.Any("row", row),
			slog.String(logWorker, r.opts.Worker), slog.String(logError, Redact(err.Error())))
		return
	}
	st.Retried++
	r.log.LogAttrs(ctx, slog.LevelWarn, "notify: delivery failed, will retry", slog.Any("row", row),
		slog.String(logReason, reason), slog.Time(logNextAt, next))
}

func (r *Relay) dead(ctx context.Context, row *storage.OutboxRow, cause error, st *Stats) {
	reason := Redact(cause.Error())
	err := r.db.OutboxDead(ctx, &storage.OutboxDeadParams{ID: row.ID, Worker: r.opts.Worker, DeadAt: r.opts.Now(), LastError: reason})
	if err != nil {
		r.log.LogAttrs(ctx, slog.LevelWarn, "notify: dead-lettering failed", slog.Any("row", row),
			slog.String(logWorker, r.opts.Worker), slog.String(logError, Redact(err.Error())))
		return
	}
	st.Dead++
	r.log.LogAttrs(ctx, slog.LevelError, "notify: delivery given up, dead-lettered", slog.Any("row", row),
		slog.String(logReason, reason))
}

// Backoff returns the wait after the attempt-th failed attempt (1-based):
// d = min(BackoffMax, BackoffBase * 2^(attempt-1)), minus a random part of
// up to half of it.
func (r *Relay) Backoff(attempt int) time.Duration {
	d := r.opts.BackoffBase
	for i := 1; i < attempt && d < r.opts.BackoffMax; i++ {
		if d > math.MaxInt64/2 {
			d = r.opts.BackoffMax // doubling would overflow
			break
		}
		d *= 2
	}
	d = min(d, r.opts.BackoffMax)
	jitter := time.Duration(r.opts.Rand() * float64(d/2))
	return d - jitter
}

// DeadLetter is an undeliverable notice. It holds personal data (the
// recipient): show Recipient.Masked() in lists.
type DeadLetter struct {
	// ID is the outbox row ID; pass it to Requeue.
	ID string
	// Channel is the channel that failed.
	Channel Channel
	// Kind is the kind of event.
	Kind Kind
	// CaseRef is the case reference; may be empty.
	CaseRef string
	// Recipient is the person the notice was for.
	Recipient identity.Subject
	// Attempts is the number of attempts made.
	Attempts int
	// Reason is the redacted last error.
	Reason string
	// CreatedAt is when the notice was queued.
	CreatedAt time.Time
	// DeadAt is when it was given up.
	DeadAt time.Time
}

// LogValue logs the dead letter's ID, channel, kind and reason.
func (d DeadLetter) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String(logOutboxID, d.ID),
		slog.String(logChannel, string(d.Channel)),
		slog.String(logKind, string(d.Kind)),
		slog.String(logReason, d.Reason),
	)
}

// DeadLetters returns up to limit (0 means storage.DefaultLimit) dead
// letters, the most recent first. It is for administrators.
func (r *Relay) DeadLetters(ctx context.Context, limit int) ([]DeadLetter, error) {
	rows, err := r.db.OutboxListDead(ctx, &storage.OutboxListDeadParams{Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("notify: dead letters: %w", err)
	}
	out := make([]DeadLetter, 0, len(rows))
	for _, row := range rows {
		d := DeadLetter{ID: row.ID, Channel: Channel(row.Channel), Kind: Kind(row.Kind), Attempts: row.Attempts,
			Reason: row.LastError, CreatedAt: row.CreatedAt, DeadAt: row.DeadAt}
		if m, err := decodeRow(row); err == nil {
			d.CaseRef, d.Recipient = m.CaseRef, m.Recipient
		}
		out = append(out, d)
	}
	return out, nil
}

// Requeue makes dead letter id due now again with fresh attempts, for after
// the cause was fixed (an address corrected, a gateway back).
//
// Errors: ErrNotFound when there is no such dead letter.
func (r *Relay) Requeue(ctx context.Context, id string) error {
	err := r.db.OutboxRequeue(ctx, &storage.OutboxRequeueParams{ID: id, Now: r.opts.Now()})
	if errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrConflict) {
		return fmt.Errorf("notify: requeue %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("notify: requeue %s: %w", id, err)
	}
	r.Wake()
	return nil
}

// RequeueDeadSince makes every notice dead-lettered at or after since due
// again, and returns how many: after a configuration fault (an expired
// SMTP password or SMS token fails every notice at once, permanently) is
// mended, one call sends them all.
func (r *Relay) RequeueDeadSince(ctx context.Context, since time.Time) (int, error) {
	n := 0
	for {
		// Most recently dead first: requeued rows leave the list, so
		// each page starts at the newest left.
		rows, err := r.db.OutboxListDead(ctx, &storage.OutboxListDeadParams{Limit: storage.MaxLimit})
		if err != nil {
			return n, fmt.Errorf("notify: requeue dead: %w", err)
		}
		for _, row := range rows {
			if row.DeadAt.Before(since) {
				r.Wake()
				return n, nil
			}
			err := r.db.OutboxRequeue(ctx, &storage.OutboxRequeueParams{ID: row.ID, Now: r.opts.Now()})
			if err != nil && !errors.Is(err, storage.ErrNotFound) && !errors.Is(err, storage.ErrConflict) {
				return n, fmt.Errorf("notify: requeue dead: %w", err)
			}
			if err == nil {
				n++
			}
		}
		if len(rows) < storage.MaxLimit {
			r.Wake()
			return n, nil
		}
	}
}

// PurgeSent deletes up to storage.MaxLimit acknowledged rows sent more than
// olderThan ago and returns how many it deleted; call it from a daily job.
// A purged event's dedupe key may be queued again, so keep olderThan longer
// than any retry of the business operation that queues it (days, not
// minutes).
//
// Errors: olderThan not positive; storage errors, wrapped.
func (r *Relay) PurgeSent(ctx context.Context, olderThan time.Duration) (int, error) {
	return r.purge(ctx, olderThan, false)
}

// PurgeDead deletes up to storage.MaxLimit dead-lettered rows that died
// more than olderThan ago and returns how many it deleted: a dead row
// keeps its recipient (and an inbox notice its text) until purged, so a
// daily job should drop them once nobody will requeue them (gallring).
//
// Errors: olderThan not positive; storage errors, wrapped.
func (r *Relay) PurgeDead(ctx context.Context, olderThan time.Duration) (int, error) {
	return r.purge(ctx, olderThan, true)
}

func (r *Relay) purge(ctx context.Context, olderThan time.Duration, dead bool) (int, error) {
	if olderThan <= 0 {
		return 0, errors.New("notify: purge: olderThan must be positive")
	}
	n, err := r.db.OutboxPurge(ctx, &storage.OutboxPurgeParams{Before: r.opts.Now().Add(-olderThan), Limit: storage.MaxLimit, Dead: dead})
	if err != nil {
		return n, fmt.Errorf("notify: purge: %w", err)
	}
	return n, nil
}
