package notify_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/storage"
)

func TestEnqueueInRolledBackTransactionSendsNothing(t *testing.T) {
	b := setup(t)
	b.wantsAll(b.anna, "anna@example.se")
	errStop := errors.New("business write failed")
	err := storage.WithTx(b.ctx, b.db, func(ctx context.Context, tx storage.Tx) error {
		res, err := b.outbox.EnqueueTx(ctx, tx, receipt(b.anna, "KS 2030/0001"))
		require.NoError(t, err)
		require.Equal(t, 3, res.Queued, "one row per channel")
		return errStop
	})
	require.ErrorIs(t, err, errStop)

	r := b.relay(nil)
	st := runOnce(t, r)
	require.Zero(t, st.Claimed)
	b.clock.Advance(24 * time.Hour)
	require.Zero(t, runOnce(t, r).Claimed)
	require.Empty(t, b.email.Attempts())
	require.Empty(t, b.sms.Attempts())
	require.Empty(t, b.inboxRec.Attempts())

	// The same message in a committed transaction is delivered: the
	// rollback did not use up its dedupe key.
	require.Equal(t, 3, b.enqueue(receipt(b.anna, "KS 2030/0001")).Queued)
	require.Equal(t, notify.Stats{Claimed: 3, Sent: 3}, runOnce(t, r))
}

func TestRelayDeliversOnEveryChosenChannel(t *testing.T) {
	b := setup(t)
	b.wantsAll(b.anna, "anna@example.se")
	msg := notify.Message{
		Kind: notify.KindNewMessage, Recipient: b.anna, CaseRef: "KS 2030/0042", Lang: notify.English,
		Data: map[string]string{notify.DataText: "Please send the drawing again."}, DedupeKey: "msg/1",
	}
	b.enqueue(msg)
	st := runOnce(t, b.relay(nil))
	require.Equal(t, notify.Stats{Claimed: 3, Sent: 3}, st)

	emails := b.email.Deliveries()
	require.Len(t, emails, 1)
	e := emails[0]
	require.Equal(t, "anna@example.se", e.Address)
	require.Equal(t, notify.English, e.Lang)
	require.Equal(t, notify.KindNewMessage, e.Kind)
	require.Equal(t, "KS 2030/0042", e.CaseRef)
	require.Equal(t, 1, e.Attempt)
	require.Equal(t, "New message about your case KS 2030/0042", e.Subject)
	require.Contains(t, e.Text, "https://kommun.example/mina-sidor")
	require.Contains(t, e.HTML, `<a href="https://kommun.example/mina-sidor">`)
	require.NotContains(t, e.Text+e.HTML+e.Subject, "drawing", "the officer's text stays in the inbox")
	require.Nil(t, e.Inbox)

	smss := b.sms.Deliveries()
	require.Len(t, smss, 1)
	require.Equal(t, "+46701234567", smss[0].Address)
	require.True(t, strings.HasPrefix(smss[0].Text, "Exempelkommun: You have a new message"), smss[0].Text)
	require.NotContains(t, smss[0].Text, "drawing")

	// The inbox shows the officer's words, in both languages' frames.
	who := identityPrincipal(t, b)
	list, err := b.inbox.List(b.ctx, who, 0)
	require.NoError(t, err)
	require.Len(t, list, 1)
	m := list[0]
	require.Equal(t, "New message about your case KS 2030/0042", m.Title.EN)
	require.Equal(t, "Nytt meddelande i ditt ärende KS 2030/0042", m.Title.SV)
	require.Contains(t, m.Body.EN, "Please send the drawing again.")
	require.Contains(t, m.Body.SV, "Meddelande från handläggaren i ärende KS 2030/0042")
	require.Equal(t, "https://kommun.example/mina-sidor", m.Link)
	require.Equal(t, b.clock.Now(), m.CreatedAt)
	n, err := b.inbox.Unread(b.ctx, who)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	// Acknowledged rows are not sent again.
	b.clock.Advance(time.Hour)
	require.Zero(t, runOnce(t, b.relay(nil)).Claimed)
}

func TestRelaySkipsChannelsNotChosen(t *testing.T) {
	b := setup(t)
	// bo has no contact details; anna chose email only.
	require.NoError(t, b.contacts.Set(b.ctx, b.anna, notify.Contact{
		Email: "anna@example.se", Phone: "+46701234567", Channels: []notify.Channel{notify.ChannelEmail},
	}))
	b.enqueue(receipt(b.anna, "KS 2030/0001"), receipt(b.bo, "KS 2030/0002"))
	st := runOnce(t, b.relay(nil))
	require.Equal(t, notify.Stats{Claimed: 6, Sent: 3, Skipped: 3}, st)
	require.Len(t, b.email.Deliveries(), 1)
	require.Empty(t, b.sms.Attempts())
	require.Len(t, b.inboxRec.Deliveries(), 2, "everyone gets the inbox message")
}

func TestLanguageFallsBackToContactPreference(t *testing.T) {
	b := setup(t)
	require.NoError(t, b.contacts.Set(b.ctx, b.anna, notify.Contact{
		Email: "anna@example.se", Lang: notify.English, Channels: []notify.Channel{notify.ChannelEmail},
	}))
	b.enqueue(receipt(b.anna, "KS 2030/0001"))
	runOnce(t, b.relay(nil))
	require.Equal(t, notify.English, b.email.Deliveries()[0].Lang)
	require.Equal(t, "We have received your application KS 2030/0001", b.email.Deliveries()[0].Subject)
}

// TestChannelDownThenRecovery takes the email channel down for its first
// four attempts per message, with an injected clock, and checks the backoff
// schedule, that nothing is attempted early, and that after recovery every
// message is delivered exactly once.
func TestChannelDownThenRecovery(t *testing.T) {
	b := setup(t)
	const messages = 5
	for i := range messages {
		who := b.anna
		if i%2 == 1 {
			who = b.bo
		}
		b.wantsAll(who, fmt.Sprintf("person%d@example.se", i%2))
	}
	var msgs []notify.Message
	for i := range messages {
		who := b.anna
		if i%2 == 1 {
			who = b.bo
		}
		msgs = append(msgs, receipt(who, fmt.Sprintf("KS 2030/%04d", i)))
	}
	require.Equal(t, 3*messages, b.enqueue(msgs...).Queued)

	// Down: every email attempt fails until recovered.
	var (
		mu       sync.Mutex
		down     = true
		attempts = map[string][]time.Time{} // delivery ID -> attempt times
	)
	b.email.SetFail(func(d notify.Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		attempts[d.ID] = append(attempts[d.ID], b.clock.Now())
		if down {
			return errors.New("smtp 421 4.3.0 service not available")
		}
		return nil
	})
	r := b.relay(func(o *notify.RelayOptions) {
		o.BackoffBase, o.BackoffMax, o.MaxAttempts = 10*time.Second, 40*time.Second, 20
	})
	// With the jitter fixed at one half the wait after attempt n is 3/4
	// of min(40s, 10s*2^(n-1)): 7.5s, 15s, 30s, 30s, ...
	wantWaits := []time.Duration{7500 * time.Millisecond, 15 * time.Second, 30 * time.Second, 30 * time.Second}
	for n, want := range wantWaits {
		require.Equal(t, want, r.Backoff(n+1), "backoff after attempt %d", n+1)
	}

	st := runOnce(t, r)
	require.Equal(t, 3*messages, st.Claimed)
	require.Equal(t, messages, st.Retried)
	for round, wait := range wantWaits {
		// Just before the wait is over nothing is due.
		b.clock.Advance(wait - time.Millisecond)
		require.Zero(t, runOnce(t, r).Claimed, "round %d: nothing due early", round)
		b.clock.Advance(time.Millisecond)
		if round == len(wantWaits)-1 {
			mu.Lock()
			down = false
			mu.Unlock()
		}
		st := runOnce(t, r)
		require.Equal(t, messages, st.Claimed, "round %d", round)
		if round < len(wantWaits)-1 {
			require.Equal(t, messages, st.Retried, "round %d", round)
		} else {
			require.Equal(t, messages, st.Sent, "recovered")
		}
	}

	// Every message delivered exactly once, after five attempts spaced by
	// the backoff schedule.
	delivered := b.email.Deliveries()
	require.Len(t, delivered, messages)
	seen := map[string]bool{}
	for _, d := range delivered {
		require.False(t, seen[d.ID], "delivered twice: %s", d.ID)
		seen[d.ID] = true
		require.Equal(t, 5, d.Attempt)
		times := attempts[d.ID]
		require.Len(t, times, 5)
		for i := 1; i < len(times); i++ {
			require.Equal(t, wantWaits[i-1], times[i].Sub(times[i-1]), "wait before attempt %d", i+1)
		}
	}
	require.Len(t, b.sms.Deliveries(), messages, "SMS was never down")
	require.Len(t, b.inboxRec.Deliveries(), messages)

	// The same events again are deduplicated; nothing more is sent.
	res := b.enqueue(msgs...)
	require.Equal(t, notify.EnqueueResult{Duplicates: 3 * messages}, res)
	b.clock.Advance(time.Hour)
	require.Zero(t, runOnce(t, r).Claimed)
	require.Len(t, b.email.Deliveries(), messages)
}

func TestPermanentFailureIsDeadLetteredWithReason(t *testing.T) {
	b := setup(t)
	b.wantsAll(b.anna, "anna@example.se")
	b.email.SetFail(func(d notify.Delivery) error {
		// Servers echo the address; the stored reason must not.
		return notify.Permanent(fmt.Errorf("smtp 550 5.1.1 <%s>: user unknown", d.Address))
	})
	r := b.relay(nil)
	b.enqueue(receipt(b.anna, "KS 2030/0007"))
	st := runOnce(t, r)
	require.Equal(t, notify.Stats{Claimed: 3, Sent: 2, Dead: 1}, st)

	dead, err := r.DeadLetters(b.ctx, 0)
	require.NoError(t, err)
	require.Len(t, dead, 1)
	d := dead[0]
	require.Equal(t, notify.ChannelEmail, d.Channel)
	require.Equal(t, notify.KindReceipt, d.Kind)
	require.Equal(t, "KS 2030/0007", d.CaseRef)
	require.Equal(t, b.anna, d.Recipient)
	require.Equal(t, 1, d.Attempts)
	require.Equal(t, b.clock.Now(), d.DeadAt)
	require.Contains(t, d.Reason, "smtp 550 5.1.1")
	require.Contains(t, d.Reason, "permanent")
	require.NotContains(t, d.Reason, "anna@example.se")
	require.NotContains(t, d.Reason, "anna")

	// Not retried on its own.
	b.clock.Advance(48 * time.Hour)
	require.Zero(t, runOnce(t, r).Claimed)

	// Fixed and requeued: delivered.
	b.email.SetFail(nil)
	require.NoError(t, r.Requeue(b.ctx, d.ID))
	require.Equal(t, notify.Stats{Claimed: 1, Sent: 1}, runOnce(t, r))
	dead, err = r.DeadLetters(b.ctx, 0)
	require.NoError(t, err)
	require.Empty(t, dead)
	require.ErrorIs(t, r.Requeue(b.ctx, d.ID), notify.ErrNotFound, "no longer dead")
	require.ErrorIs(t, r.Requeue(b.ctx, "nope"), notify.ErrNotFound)
}

func TestTooManyAttemptsAreDeadLettered(t *testing.T) {
	b := setup(t)
	b.wantsAll(b.anna, "anna@example.se")
	b.sms.SetFail(func(notify.Delivery) error { return errors.New("sms: gateway status 503") })
	r := b.relay(func(o *notify.RelayOptions) { o.MaxAttempts = 3 })
	b.enqueue(receipt(b.anna, "KS 2030/0008"))
	var total notify.Stats
	for range 10 {
		st := runOnce(t, r)
		total.Retried += st.Retried
		total.Dead += st.Dead
		b.clock.Advance(time.Hour)
	}
	require.Equal(t, 2, total.Retried)
	require.Equal(t, 1, total.Dead)
	require.Len(t, b.sms.Attempts(), 3)
	dead, err := r.DeadLetters(b.ctx, 0)
	require.NoError(t, err)
	require.Len(t, dead, 1)
	require.Equal(t, 3, dead[0].Attempts)
	require.Equal(t, "sms: sms: gateway status 503", dead[0].Reason)
}

func TestRowWithoutSenderIsDeadLettered(t *testing.T) {
	b := setup(t)
	// anna chose email and SMS; bo chose nothing. Only the inbox and SMS
	// have senders.
	b.wantsAll(b.anna, "anna@example.se")
	r, err := notify.NewRelay(b.db, map[notify.Channel]notify.Sender{notify.ChannelInbox: b.inbox, notify.ChannelSMS: b.sms}, b.contacts,
		&notify.RelayOptions{Now: b.clock.Now, Logger: quietLog})
	require.NoError(t, err)
	b.enqueue(receipt(b.anna, "KS 2030/0009"), receipt(b.bo, "KS 2030/0010"))
	require.Equal(t, notify.Stats{Claimed: 6, Sent: 3, Skipped: 2, Dead: 1}, runOnce(t, r))
	dead, err := r.DeadLetters(b.ctx, 0)
	require.NoError(t, err)
	require.Len(t, dead, 1)
	require.Equal(t, notify.ChannelEmail, dead[0].Channel)
	require.Equal(t, b.anna, dead[0].Recipient)
	require.Contains(t, dead[0].Reason, "no sender for channel")

	// Without a directory, email and SMS rows cannot even be checked.
	r, err = notify.NewRelay(b.db, map[notify.Channel]notify.Sender{notify.ChannelInbox: b.inbox}, nil,
		&notify.RelayOptions{Now: b.clock.Now, Logger: quietLog})
	require.NoError(t, err)
	b.enqueue(receipt(b.bo, "KS 2030/0011"))
	require.Equal(t, notify.Stats{Claimed: 3, Sent: 1, Dead: 2}, runOnce(t, r))
}

func TestDirectoryFailureIsRetried(t *testing.T) {
	b := setup(t)
	var fail sync.Map
	fail.Store("on", true)
	dir := notify.DirectoryFunc(func(ctx context.Context, who identity.Subject) (notify.Contact, error) {
		if v, _ := fail.Load("on"); v == true {
			return notify.Contact{}, errors.New("register unavailable")
		}
		return notify.Contact{Email: "anna@example.se", Channels: []notify.Channel{notify.ChannelEmail}}, nil
	})
	r, err := notify.NewRelay(b.db, b.senders(), dir, &notify.RelayOptions{Now: b.clock.Now, Logger: quietLog})
	require.NoError(t, err)
	b.enqueue(receipt(b.anna, "KS 2030/0010"))
	require.Equal(t, notify.Stats{Claimed: 3, Sent: 1, Retried: 2}, runOnce(t, r))
	fail.Store("on", false)
	b.clock.Advance(time.Hour)
	require.Equal(t, notify.Stats{Claimed: 2, Sent: 1, Skipped: 1}, runOnce(t, r))
	require.Len(t, b.email.Deliveries(), 1)
}

// TestTwoRelaysSendEachRowOnce runs two relays concurrently on one
// database and checks that every row is sent exactly once. The clock stands
// still, so every lease holds throughout.
func TestTwoRelaysSendEachRowOnce(t *testing.T) {
	b := setup(t)
	b.wantsAll(b.anna, "anna@example.se")
	const messages = 120
	var msgs []notify.Message
	for i := range messages {
		msgs = append(msgs, receipt(b.anna, fmt.Sprintf("KS 2030/%04d", i)))
	}
	b.enqueue(msgs...)

	var (
		mu    sync.Mutex
		sends = map[string]int{}
		by    = map[string]int{}
	)
	counting := func(worker string) notify.Sender {
		return notify.SenderFunc(func(ctx context.Context, d notify.Delivery) error {
			mu.Lock()
			defer mu.Unlock()
			sends[d.ID]++
			by[worker]++
			return nil
		})
	}
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, worker := range []string{"relay-1", "relay-2"} {
		s := counting(worker)
		r, err := notify.NewRelay(b.db, map[notify.Channel]notify.Sender{
			notify.ChannelInbox: s, notify.ChannelEmail: s, notify.ChannelSMS: s,
		}, b.contacts, &notify.RelayOptions{Worker: worker, BatchSize: 7, PollInterval: time.Millisecond, Logger: quietLog, Now: b.clock.Now})
		require.NoError(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- r.Run(ctx)
		}()
	}
	// Wait until every row was sent (bounded by the test's deadline).
	deadline := time.After(time.Minute)
	for {
		mu.Lock()
		n := len(sends)
		mu.Unlock()
		if n == 3*messages {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("only %d of %d rows sent", n, 3*messages)
		case <-time.After(5 * time.Millisecond):
		}
	}
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		require.ErrorIs(t, err, context.Canceled)
	}
	for id, n := range sends {
		require.Equal(t, 1, n, "row %s sent %d times", id, n)
	}
	require.Equal(t, 3*messages, by["relay-1"]+by["relay-2"])
	t.Logf("relay-1 sent %d, relay-2 sent %d", by["relay-1"], by["relay-2"])
}

func TestShutdownFinishesTheSendInFlightAndReleasesTheRest(t *testing.T) {
	b := setup(t)
	b.wantsAll(b.anna, "anna@example.se")
	for i := range 4 {
		b.enqueue(receipt(b.anna, fmt.Sprintf("KS 2030/%04d", i)))
	}
	ctx, cancel := context.WithCancel(b.ctx)
	var sent []string
	stopper := notify.SenderFunc(func(sctx context.Context, d notify.Delivery) error {
		// Shutdown arrives during the first send, which still completes.
		cancel()
		require.NoError(t, sctx.Err(), "the send in flight keeps its context")
		sent = append(sent, d.ID)
		return nil
	})
	r, err := notify.NewRelay(b.db, map[notify.Channel]notify.Sender{
		notify.ChannelInbox: stopper, notify.ChannelEmail: stopper, notify.ChannelSMS: stopper,
	}, b.contacts, &notify.RelayOptions{Now: b.clock.Now, BatchSize: 20, Logger: quietLog})
	require.NoError(t, err)
	require.ErrorIs(t, r.Run(ctx), context.Canceled)
	require.Len(t, sent, 1)

	// The sent row is acknowledged; the other eleven are due at once for
	// any relay, with their attempt given back.
	other := b.relay(func(o *notify.RelayOptions) { o.Worker = "relay-other" })
	st := runOnce(t, other)
	require.Equal(t, 11, st.Claimed)
	require.Equal(t, 11, st.Sent)
	for _, d := range append(b.email.Deliveries(), b.sms.Deliveries()...) {
		require.Equal(t, 1, d.Attempt, "released rows lost no attempt")
		require.NotEqual(t, sent[0], d.ID)
	}
}

func TestRowsAreReleasedWhenTheLeaseRunsShort(t *testing.T) {
	b := setup(t)
	b.wantsAll(b.anna, "anna@example.se")
	b.enqueue(receipt(b.anna, "KS 2030/0001"), receipt(b.anna, "KS 2030/0002"))
	// Every email send takes the whole lease minus the send timeout.
	b.email.SetFail(func(notify.Delivery) error {
		b.clock.Advance(90 * time.Second)
		return nil
	})
	r := b.relay(func(o *notify.RelayOptions) { o.Lease, o.SendTimeout = 2*time.Minute, 30*time.Second })
	st := runOnce(t, r)
	require.Equal(t, 6, st.Claimed)
	require.Positive(t, st.Released)
	require.Equal(t, 6, st.Sent+st.Released)
	// The released rows go out on the next round.
	st2 := runOnce(t, r)
	require.Equal(t, 6, st.Sent+st2.Sent+st2.Released)
}

func TestNewRelayRejectsBadOptions(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	inboxOnly := map[notify.Channel]notify.Sender{notify.ChannelInbox: notify.SenderFunc(func(context.Context, notify.Delivery) error { return nil })}
	tests := []struct {
		name    string
		senders map[notify.Channel]notify.Sender
		dir     notify.Directory
		opts    *notify.RelayOptions
	}{
		{"email without directory", map[notify.Channel]notify.Sender{notify.ChannelEmail: inboxOnly[notify.ChannelInbox]}, nil, nil},
		{"nil sender", map[notify.Channel]notify.Sender{notify.ChannelInbox: nil}, nil, nil},
		{"lease not above send timeout", inboxOnly, nil, &notify.RelayOptions{Lease: time.Second, SendTimeout: time.Second}},
		{"batch too large", inboxOnly, nil, &notify.RelayOptions{BatchSize: storage.MaxLimit + 1}},
		{"negative batch", inboxOnly, nil, &notify.RelayOptions{BatchSize: -1}},
		{"backoff max below base", inboxOnly, nil, &notify.RelayOptions{BackoffBase: time.Hour, BackoffMax: time.Minute}},
		{"relative link", inboxOnly, nil, &notify.RelayOptions{Link: "/mina-sidor"}},
		{"javascript link", inboxOnly, nil, &notify.RelayOptions{Link: "javascript:alert(1)"}},
		{"link with credentials", inboxOnly, nil, &notify.RelayOptions{Link: "https://u:p@kommun.example/"}},
	}
	for _, tt := range tests {
		_, err := notify.NewRelay(db, tt.senders, tt.dir, tt.opts)
		require.Error(t, err, tt.name)
	}
	_, err := notify.NewRelay(nil, inboxOnly, nil, nil)
	require.Error(t, err)
	r, err := notify.NewRelay(db, inboxOnly, nil, nil)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(r.Worker(), "relay-"))
}

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	for _, rnd := range []float64{0, 0.25, 0.999999} {
		r, err := notify.NewRelay(db, nil, nil, &notify.RelayOptions{
			BackoffBase: time.Second, BackoffMax: time.Minute, Rand: func() float64 { return rnd },
		})
		require.NoError(t, err)
		prevNominal := time.Duration(0)
		for attempt := 1; attempt <= 40; attempt++ {
			nominal := min(time.Minute, time.Second<<min(attempt-1, 20))
			got := r.Backoff(attempt)
			require.LessOrEqual(t, got, nominal, "attempt %d", attempt)
			require.GreaterOrEqual(t, got, nominal/2, "attempt %d", attempt)
			require.GreaterOrEqual(t, nominal, prevNominal)
			prevNominal = nominal
		}
	}
}

// TestBackoffWithoutCap: a BackoffMax meant as "no cap" never makes the
// doubling overflow into a negative or zero wait (a hot retry loop).
func TestBackoffWithoutCap(t *testing.T) {
	t.Parallel()
	r, err := notify.NewRelay(openDB(t), nil, nil, &notify.RelayOptions{
		BackoffBase: time.Second, BackoffMax: time.Duration(math.MaxInt64), Rand: func() float64 { return 0 },
	})
	require.NoError(t, err)
	prev := time.Duration(0)
	for attempt := 1; attempt <= 100; attempt++ {
		got := r.Backoff(attempt)
		require.GreaterOrEqual(t, got, prev, "attempt %d", attempt)
		require.Positive(t, got, "attempt %d", attempt)
		prev = got
	}
}

func TestPurgeSent(t *testing.T) {
	b := setup(t)
	r := b.relay(nil)
	b.enqueue(receipt(b.anna, "KS 2030/0001"))
	require.Equal(t, notify.Stats{Claimed: 3, Sent: 1, Skipped: 2}, runOnce(t, r))
	_, err := r.PurgeSent(b.ctx, 0)
	require.Error(t, err)
	n, err := r.PurgeSent(b.ctx, 24*time.Hour)
	require.NoError(t, err)
	require.Zero(t, n, "too recent")
	// Until purged, the event is a duplicate.
	require.Equal(t, notify.EnqueueResult{Duplicates: 3}, b.enqueue(receipt(b.anna, "KS 2030/0001")))
	b.clock.Advance(25 * time.Hour)
	n, err = r.PurgeSent(b.ctx, 24*time.Hour)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	require.Equal(t, notify.EnqueueResult{Queued: 3}, b.enqueue(receipt(b.anna, "KS 2030/0001")))
}

// TestPurgeDead: dead-lettered rows, which keep the recipient, are purged
// once they died long enough ago, and sent ones are left to PurgeSent.
func TestPurgeDead(t *testing.T) {
	b := setup(t)
	b.wantsAll(b.anna, "anna@example.se")
	refuse := func(notify.Delivery) error { return notify.Permanent(errors.New("550 no such user")) }
	b.email.SetFail(refuse)
	b.sms.SetFail(refuse)
	r := b.relay(nil)
	b.enqueue(receipt(b.anna, "KS 2030/0001"))
	st := runOnce(t, r)
	require.Equal(t, 2, st.Dead)
	require.Equal(t, 1, st.Sent)

	_, err := r.PurgeDead(b.ctx, 0)
	require.Error(t, err)
	n, err := r.PurgeDead(b.ctx, 24*time.Hour)
	require.NoError(t, err)
	require.Zero(t, n, "too recent")
	b.clock.Advance(25 * time.Hour)
	n, err = r.PurgeDead(b.ctx, 24*time.Hour)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	dead, err := b.db.OutboxListDead(b.ctx, &storage.OutboxListDeadParams{})
	require.NoError(t, err)
	require.Empty(t, dead)
	n, err = r.PurgeSent(b.ctx, 24*time.Hour)
	require.NoError(t, err)
	require.Equal(t, 1, n, "the inbox notice, sent")
}

// TestRunAndRunOnceOnOneRelaySendEachRowOnce: when a Run of a relay stops
// while a RunOnce of the same relay is sending, Run gives back the rows
// only after that round: another relay never gets them while they are
// being sent.
func TestRunAndRunOnceOnOneRelaySendEachRowOnce(t *testing.T) {
	b := setup(t)
	b.wantsAll(b.anna, "anna@example.se")
	b.enqueue(receipt(b.anna, "KS 2030/0001"))
	started, unblock := make(chan struct{}), make(chan struct{})
	var (
		mu    sync.Mutex
		sends = map[string]int{}
		first atomic.Bool
	)
	count := func(d notify.Delivery) {
		mu.Lock()
		defer mu.Unlock()
		sends[d.ID]++
	}
	slow := notify.SenderFunc(func(_ context.Context, d notify.Delivery) error {
		if first.CompareAndSwap(false, true) { // only the first send waits
			close(started)
			<-unblock
		}
		count(d)
		return nil
	})
	all := map[notify.Channel]notify.Sender{notify.ChannelInbox: slow, notify.ChannelEmail: slow, notify.ChannelSMS: slow}
	r, err := notify.NewRelay(b.db, all, b.contacts, &notify.RelayOptions{Worker: "relay-a", Now: b.clock.Now, Logger: quietLog})
	require.NoError(t, err)
	other, err := notify.NewRelay(b.db, all, b.contacts, &notify.RelayOptions{Worker: "relay-b", Now: b.clock.Now, Logger: quietLog})
	require.NoError(t, err)

	round := make(chan error, 1)
	go func() { _, err := r.RunOnce(b.ctx); round <- err }()
	<-started
	stopped, stop := context.WithCancel(b.ctx)
	stop()
	run := make(chan error, 1)
	go func() { run <- r.Run(stopped) }()
	var runErr error
	ran := false
	select {
	case runErr = <-run: // only when Run gave the rows back under the round's feet
		ran = true
	case <-time.After(200 * time.Millisecond):
	}
	_, err = other.RunOnce(b.ctx)
	require.NoError(t, err)
	close(unblock)
	require.NoError(t, <-round)
	if !ran {
		runErr = <-run
	}
	require.ErrorIs(t, runErr, context.Canceled)

	require.Len(t, sends, 3, "inbox, email and SMS")
	for id, n := range sends {
		require.Equal(t, 1, n, "row %s sent once", id)
	}
}

// TestRequeueDeadSince: after a fault that dead-lettered notices is mended,
// the notices that died since it began are sent again, older dead ones
// stay dead.
func TestRequeueDeadSince(t *testing.T) {
	b := setup(t)
	b.wantsAll(b.anna, "anna@example.se")
	b.email.SetFail(func(notify.Delivery) error { return notify.Permanent(errors.New("535 5.7.8 authentication failed")) })
	r := b.relay(nil)
	b.enqueue(receipt(b.anna, "KS 2030/0001"))
	require.Equal(t, 1, runOnce(t, r).Dead)
	b.clock.Advance(time.Hour)
	since := b.clock.Now()
	for i := 2; i <= 4; i++ {
		b.enqueue(receipt(b.anna, fmt.Sprintf("KS 2030/%04d", i)))
	}
	require.Equal(t, 3, runOnce(t, r).Dead)

	b.email.SetFail(nil) // mended
	n, err := r.RequeueDeadSince(b.ctx, since)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	st := runOnce(t, r)
	require.Equal(t, 3, st.Claimed)
	dead, err := r.DeadLetters(b.ctx, 10)
	require.NoError(t, err)
	require.Len(t, dead, 1, "the notice that died before the fault began")
	require.Equal(t, "KS 2030/0001", dead[0].CaseRef)
}
