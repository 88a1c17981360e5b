package bankidtest_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity/bankid"
	"github.com/etjanst/etjanst/identity/bankid/bankidtest"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func start(t *testing.T, opts *bankidtest.Options) (*bankidtest.Server, *bankid.Client, *clock) {
	t.Helper()
	clk := &clock{now: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)}
	if opts == nil {
		opts = &bankidtest.Options{}
	}
	opts.Now = clk.Now
	srv, err := bankidtest.NewServer(opts)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	c, err := srv.NewClient(&bankid.Options{Now: clk.Now, PollInterval: time.Millisecond, RetryBackoff: time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return srv, c, clk
}

var persons = bankidtest.Persons()

func TestPersonsAreValidTestNumbers(t *testing.T) {
	t.Parallel()
	require.NotEmpty(t, persons)
	for _, p := range persons {
		require.Len(t, p.PersonalNumber, 12)
		require.NotEmpty(t, p.GivenName)
		require.NotEmpty(t, p.Surname)
		require.Equal(t, p.GivenName+" "+p.Surname, p.Name())
	}
	_, err := bankidtest.NewServer(&bankidtest.Options{Persons: []bankidtest.Person{{PersonalNumber: "195001182047"}}})
	require.Error(t, err)
	_, err = bankidtest.NewServer(&bankidtest.Options{AutoPerson: "12"})
	require.Error(t, err)
}

func TestAutoPerson(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t, &bankidtest.Options{AutoPerson: persons[2].PersonalNumber})
	o, err := c.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
	require.NoError(t, err)
	resp, err := c.Wait(t.Context(), o.OrderRef, nil)
	require.NoError(t, err)
	require.Equal(t, persons[2].PersonalNumber, resp.CompletionData.User.PersonalNumber)
	status, _, ok := srv.OrderState(o.OrderRef)
	require.True(t, ok)
	require.Equal(t, bankid.StatusComplete, status)
}

func TestScriptedPhoneHints(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t, nil)
	require.NoError(t, srv.SetScript(persons[3].PersonalNumber, bankidtest.Script{}))
	require.ErrorIs(t, srv.SetScript("1", bankidtest.Script{}), bankidtest.ErrInvalidPerson)
	o, err := c.PhoneSign(t.Context(), bankid.PhoneSignRequest{PersonalNumber: persons[3].PersonalNumber, CallInitiator: "RP", UserVisibleData: "ok"})
	require.NoError(t, err)
	var hints []string
	_, err = c.Wait(t.Context(), o.OrderRef, func(r *bankid.CollectResponse) { hints = append(hints, r.HintCode) })
	require.NoError(t, err)
	require.Equal(t, []string{"outstandingTransaction", "userCallConfirm", "userSign", ""}, hints)

	srv.ClearScript(persons[3].PersonalNumber)
	o, err = c.PhoneAuth(t.Context(), bankid.PhoneAuthRequest{PersonalNumber: persons[3].PersonalNumber, CallInitiator: "RP"})
	require.NoError(t, err)
	for range 3 {
		r, err := c.Collect(t.Context(), o.OrderRef)
		require.NoError(t, err)
		require.Equal(t, bankid.HintOutstandingTransaction, r.HintCode, "without a script the order waits")
	}
}

func TestManualStepsAndErrors(t *testing.T) {
	t.Parallel()
	srv, c, clk := start(t, nil)
	o, err := c.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1", Requirement: &bankid.Requirement{MRTD: true}})
	require.NoError(t, err)
	require.ErrorIs(t, srv.Complete(o.OrderRef), bankidtest.ErrBadState, "no one started it")
	require.ErrorIs(t, srv.UserSign(o.OrderRef), bankidtest.ErrBadState)
	_, err = srv.Open("not-a-token", persons[0].PersonalNumber)
	require.ErrorIs(t, err, bankidtest.ErrNoOrder)
	_, err = srv.Open(o.AutoStartToken, "123")
	require.ErrorIs(t, err, bankidtest.ErrInvalidPerson)
	ref, err := srv.Open(o.AutoStartToken, persons[0].PersonalNumber)
	require.NoError(t, err)
	_, err = srv.Open(o.AutoStartToken, persons[0].PersonalNumber)
	require.ErrorIs(t, err, bankidtest.ErrBadState, "already started")
	require.NoError(t, srv.UserMRTD(ref))
	r, err := c.Collect(t.Context(), ref)
	require.NoError(t, err)
	require.Equal(t, bankid.HintUserMRTD, r.HintCode)
	require.NoError(t, srv.Complete(ref))
	require.ErrorIs(t, srv.Fail(ref, bankid.HintUserCancel), bankidtest.ErrNoOrder, "finished")

	// A finished order can be collected again during the retention only.
	for range 2 {
		r, err = c.Collect(t.Context(), ref)
		require.NoError(t, err)
		require.Equal(t, bankid.StatusComplete, r.Status)
		require.True(t, r.CompletionData.StepUp.MRTD)
	}
	clk.Add(61 * time.Second)
	_, err = c.Collect(t.Context(), ref)
	require.ErrorIs(t, err, bankid.ErrInvalidParameters)
	_, _, ok := srv.OrderState(ref)
	require.False(t, ok)

	_, err = srv.Scan("garbage", persons[0].PersonalNumber)
	require.ErrorIs(t, err, bankidtest.ErrBadQR)
	_, err = srv.Scan(bankid.QRData("unknown", "s", 0), persons[0].PersonalNumber)
	require.ErrorIs(t, err, bankidtest.ErrNoOrder)
}

func TestMaxOrders(t *testing.T) {
	t.Parallel()
	_, c, _ := start(t, &bankidtest.Options{MaxOrders: 2})
	for range 2 {
		_, err := c.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
		require.NoError(t, err)
	}
	_, err := c.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
	require.ErrorIs(t, err, bankid.ErrMaintenance)
}

func TestConcurrentOrders(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t, nil)
	var wg sync.WaitGroup
	errs := make(chan error, len(persons))
	for _, p := range persons {
		require.NoError(t, srv.SetScript(p.PersonalNumber, bankidtest.Script{}))
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, err := c.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1", Requirement: &bankid.Requirement{PersonalNumber: p.PersonalNumber}})
			if err != nil {
				errs <- err
				return
			}
			r, err := c.Wait(t.Context(), o.OrderRef, nil)
			if err == nil && r.CompletionData.User.PersonalNumber != p.PersonalNumber {
				err = bankid.ErrBadResponse
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}
