// Package notifytest provides a recording notify.Sender for tests of code
// that sends notices (the flow harness, the portal).
//
// A Recorder keeps every attempt and every successful delivery in memory.
// Its failure hook simulates a channel that is down, a bounced address or a
// slow gateway:
//
//	rec := notifytest.NewRecorder()
//	rec.SetFail(func(d notify.Delivery) error { return errors.New("smtp 421") }) // down
//	// ... run the relay ...
//	rec.SetFail(nil) // recovered
//
// It must never be imported by production code.
package notifytest

import (
	"context"
	"slices"
	"sync"

	"github.com/etjanst/etjanst/notify"
)

// Attempt is one call of Recorder.Send and its result.
type Attempt struct {
	// Delivery is what the relay handed over.
	Delivery notify.Delivery
	// Err is what Send returned; nil for a delivery.
	Err error
}

// Recorder is a notify.Sender that records deliveries in memory. The zero
// Recorder is ready to use and delivers everything. It is safe for
// concurrent use.
type Recorder struct {
	mu         sync.Mutex
	fail       func(notify.Delivery) error
	attempts   []Attempt
	deliveries []notify.Delivery
	changed    chan struct{} // closed and replaced on every Send
}

var _ notify.Sender = (*Recorder)(nil)

// NewRecorder returns a Recorder that delivers everything.
func NewRecorder() *Recorder { return &Recorder{} }

// SetFail installs fn as the failure hook: when it returns an error for a
// delivery, Send records the failed attempt and returns the error (wrap it
// with notify.Permanent for a bounce). nil delivers everything again.
func (r *Recorder) SetFail(fn func(notify.Delivery) error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = fn
}

// Send records d and returns the failure hook's verdict, or ctx.Err() when
// ctx is already done. It implements notify.Sender.
func (r *Recorder) Send(ctx context.Context, d notify.Delivery) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var err error
	if r.fail != nil {
		err = r.fail(d)
	}
	r.attempts = append(r.attempts, Attempt{Delivery: d, Err: err})
	if err == nil {
		r.deliveries = append(r.deliveries, d)
	}
	if r.changed != nil {
		close(r.changed)
		r.changed = nil
	}
	return err
}

// Deliveries returns the successful deliveries in the order they happened.
func (r *Recorder) Deliveries() []notify.Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.deliveries)
}

// Attempts returns every call of Send, failed ones included, in order.
func (r *Recorder) Attempts() []Attempt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.attempts)
}

// Find returns the deliveries for which match returns true.
func (r *Recorder) Find(match func(notify.Delivery) bool) []notify.Delivery {
	var out []notify.Delivery
	for _, d := range r.Deliveries() {
		if match(d) {
			out = append(out, d)
		}
	}
	return out
}

// Reset forgets every attempt and delivery.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts, r.deliveries = nil, nil
}

// Wait blocks until at least n deliveries were recorded, and returns them,
// or returns ctx.Err() when ctx ends first. Use it with a relay running in
// the background.
func (r *Recorder) Wait(ctx context.Context, n int) ([]notify.Delivery, error) {
	for {
		r.mu.Lock()
		if len(r.deliveries) >= n {
			out := slices.Clone(r.deliveries)
			r.mu.Unlock()
			return out, nil
		}
		if r.changed == nil {
			r.changed = make(chan struct{})
		}
		ch := r.changed
		r.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-ch:
		}
	}
}
