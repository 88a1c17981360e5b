// Package minasidor assembles "Mina sidor", the applicant's own pages in
// the e-service portal, in one call: their drafts, ongoing and closed
// cases, messages (with the unread count) and bookings from pluggable
// sources.
//
//	ms, err := minasidor.New(drafts, cases, inbox, &minasidor.Options{Bookings: []minasidor.BookingSource{src}})
//	ov, err := ms.Overview(ctx, who)
//
// # Access control
//
// Every source is asked with the same Principal and answers with that
// person's own data in the capacity they act in (themselves, or an
// organisation); Overview adds nothing of its own.
//
// # Errors
//
// A failing drafts or cases source fails the call. A failing inbox or
// booking source does not: the overview is returned with the source's
// failure in Overview.Unavailable, so that one broken booking system does
// not take down the whole page.
package minasidor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/submission"
)

// Drafts lists a principal's drafts; *draft.Store implements it.
type Drafts interface {
	List(ctx context.Context, who identity.Principal) ([]draft.Summary, error)
}

// Cases lists a principal's cases; *submission.Cases implements it.
type Cases interface {
	Mine(ctx context.Context, who identity.Principal) ([]submission.Summary, error)
}

// Inbox lists a principal's in-app messages, newest first, with the
// number of unread ones.
type Inbox interface {
	Messages(ctx context.Context, who identity.Principal, limit int) ([]Message, int, error)
}

// InboxFunc adapts a function to Inbox.
type InboxFunc func(ctx context.Context, who identity.Principal, limit int) ([]Message, int, error)

// Messages calls f.
func (f InboxFunc) Messages(ctx context.Context, who identity.Principal, limit int) ([]Message, int, error) {
	return f(ctx, who, limit)
}

// Message is one in-app message (a notice or an officer's message).
type Message struct {
	ID      string
	Subject form.Text
	Body    form.Text
	// CaseRef is the case reference the message is about, if any.
	CaseRef string
	At      time.Time
	Read    bool
}

// BookingSource lists a principal's bookings from one system (a
// booking service for premises, a visiting-time system, ...).
type BookingSource interface {
	Bookings(ctx context.Context, who identity.Principal) ([]Booking, error)
}

// Booking is one booking.
type Booking struct {
	ID    string
	Title form.Text
	Place string
	Start time.Time
	End   time.Time
	// Source names the system the booking comes from.
	Source string
}

// Options configures Mina sidor. A nil *Options means defaults.
type Options struct {
	// Bookings are asked concurrently.
	Bookings []BookingSource
	// Messages caps the messages in an overview. Defaults to 20.
	Messages int
	// SourceTimeout bounds each inbox and booking source. Defaults to 3 s.
	SourceTimeout time.Duration
	// Now defaults to time.Now: bookings that ended are left out.
	Now func() time.Time
	// Logger receives source failures (without personal data). Defaults
	// to slog.Default().
	Logger *slog.Logger
}

// Service builds overviews.
type Service struct {
	drafts Drafts
	cases  Cases
	inbox  Inbox
	opts   Options
}

// New returns Mina sidor over the sources. inbox may be nil (no messages).
func New(drafts Drafts, cases Cases, inbox Inbox, opts *Options) (*Service, error) {
	if drafts == nil || cases == nil {
		return nil, errors.New("minasidor: New needs drafts and cases")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Messages == 0 {
		o.Messages = 20
	}
	if o.SourceTimeout == 0 {
		o.SourceTimeout = 3 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Messages < 0 || o.SourceTimeout < 0 {
		return nil, errors.New("minasidor: negative option")
	}
	return &Service{drafts: drafts, cases: cases, inbox: inbox, opts: o}, nil
}

// Overview is everything Mina sidor shows.
type Overview struct {
	Drafts []draft.Summary
	// Ongoing and Closed cases, newest first.
	Ongoing []submission.Summary
	Closed  []submission.Summary
	// Messages are the newest messages; Unread counts all unread ones.
	Messages []Message
	Unread   int
	// Bookings that have not ended, soonest first.
	Bookings []Booking
	// Unavailable names the sources that failed ("inbox", "bookings:0").
	Unavailable []string
}

// Overview collects the principal's overview, asking the sources
// concurrently.
func (s *Service) Overview(ctx context.Context, who identity.Principal) (*Overview, error) {
	if err := who.Validate(); err != nil {
		return nil, fmt.Errorf("minasidor: %w", err)
	}
	var (
		ov       Overview
		mu       sync.Mutex
		wg       sync.WaitGroup
		hardErrs []error
	)
	soft := func(name string, err error) {
		s.opts.Logger.Warn("minasidor: source unavailable", slog.String("source", name), slog.String("error", err.Error()))
		mu.Lock()
		ov.Unavailable = append(ov.Unavailable, name)
		mu.Unlock()
	}
	wg.Go(func() {
		d, err := s.drafts.List(ctx, who)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			hardErrs = append(hardErrs, fmt.Errorf("minasidor: drafts: %w", err))
			return
		}
		ov.Drafts = d
	})
	wg.Go(func() {
		cs, err := s.cases.Mine(ctx, who)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			hardErrs = append(hardErrs, fmt.Errorf("minasidor: cases: %w", err))
			return
		}
		for _, c := range cs {
			if c.Status == submission.StatusClosed {
				ov.Closed = append(ov.Closed, c)
			} else {
				ov.Ongoing = append(ov.Ongoing, c)
			}
		}
	})
	if s.inbox != nil {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, s.opts.SourceTimeout)
			defer cancel()
			msgs, unread, err := s.inbox.Messages(ctx, who, s.opts.Messages)
			if err != nil {
				soft("inbox", err)
				return
			}
			mu.Lock()
			ov.Messages, ov.Unread = msgs, unread
			mu.Unlock()
		})
	}
	now := s.opts.Now()
	for i, src := range s.opts.Bookings {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, s.opts.SourceTimeout)
			defer cancel()
			bs, err := src.Bookings(ctx, who)
			if err != nil {
				soft(fmt.Sprintf("bookings:%d", i), err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, b := range bs {
				if b.End.IsZero() || b.End.After(now) {
					ov.Bookings = append(ov.Bookings, b)
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(hardErrs...); err != nil {
		return nil, err
	}
	slices.SortFunc(ov.Bookings, func(a, b Booking) int { return a.Start.Compare(b.Start) })
	slices.Sort(ov.Unavailable)
	return &ov, nil
}

// StaticBookings is a BookingSource held in memory, keyed by the acting
// person and party: for development, tests and the example portal. It is
// safe for concurrent use.
type StaticBookings struct {
	// Name is the Source of its bookings.
	Name string
	mu   sync.RWMutex
	by   map[string][]Booking
}

func bookingKey(who identity.Principal) string {
	if who.Party.IsSelf() {
		return who.Subject.Key() + "|self"
	}
	return who.Subject.Key() + "|" + string(who.Party.Kind) + "|" + who.Party.Subject.Key()
}

// Add books b for who (in their current capacity).
func (s *StaticBookings) Add(who identity.Principal, b Booking) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.by == nil {
		s.by = map[string][]Booking{}
	}
	b.Source = s.Name
	s.by[bookingKey(who)] = append(s.by[bookingKey(who)], b)
}

// Bookings returns who's bookings.
func (s *StaticBookings) Bookings(_ context.Context, who identity.Principal) ([]Booking, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.by[bookingKey(who)]), nil
}
