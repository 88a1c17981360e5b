package sms_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/notify/sms"
)

// gateway is an httptest SMS gateway that records requests and answers
// with status.
type gateway struct {
	mu     sync.Mutex
	status int
	reqs   []*http.Request
	bodies [][]byte
	srv    *httptest.Server
	block  bool // never answer until the request is cancelled
	// arrived is closed when a blocked request has arrived.
	arrived chan struct{}
	once    sync.Once
}

func newGateway(t *testing.T, status int) *gateway {
	t.Helper()
	g := &gateway{status: status, arrived: make(chan struct{})}
	g.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		g.mu.Lock()
		g.reqs = append(g.reqs, r)
		g.bodies = append(g.bodies, b)
		status, block := g.status, g.block
		g.mu.Unlock()
		if block {
			g.once.Do(func() { close(g.arrived) })
			<-r.Context().Done()
			return
		}
		w.WriteHeader(status)
		// Gateways like to echo what they got.
		_, _ = w.Write([]byte(`{"error":"rejected +46701234567: ` + string(b) + `"}`))
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *gateway) sender(t *testing.T, opts *sms.Options) *sms.Sender {
	t.Helper()
	if opts == nil {
		opts = &sms.Options{}
	}
	opts.Client = g.srv.Client()
	s, err := sms.New(g.srv.URL+"/v1/messages", "tok-123", opts)
	require.NoError(t, err)
	return s
}

func delivery() notify.Delivery {
	return notify.Delivery{
		ID: "0191b7c2-0000-7000-8000-000000000002", Channel: notify.ChannelSMS, Attempt: 1,
		Kind: notify.KindReceipt, CaseRef: "KS 2030/0042", Address: "+46701234567",
		Text: "Exempelkommun: Vi har tagit emot din ansökan KS 2030/0042. Logga in på Mina sidor för att läsa mer.",
	}
}

func TestSendPostsJSON(t *testing.T) {
	t.Parallel()
	g := newGateway(t, http.StatusAccepted)
	s := g.sender(t, &sms.Options{From: "Kommunen"})
	d := delivery()
	require.NoError(t, s.Send(t.Context(), d))

	require.Len(t, g.reqs, 1)
	r := g.reqs[0]
	require.Equal(t, http.MethodPost, r.Method)
	require.Equal(t, "/v1/messages", r.URL.Path)
	require.Equal(t, "Bearer tok-123", r.Header.Get("Authorization"))
	require.Equal(t, "application/json", r.Header.Get("Content-Type"))
	require.Equal(t, d.ID, r.Header.Get("Idempotency-Key"))
	var p sms.Payload
	require.NoError(t, json.Unmarshal(g.bodies[0], &p))
	require.Equal(t, sms.Payload{To: "+46701234567", From: "Kommunen", Message: d.Text, Reference: d.ID}, p)
}

func TestSendMapsStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status    int
		ok        bool
		permanent bool
	}{
		{http.StatusOK, true, false},
		{http.StatusNoContent, true, false},
		{http.StatusBadRequest, false, true},
		{http.StatusUnauthorized, false, true},
		{http.StatusUnprocessableEntity, false, true},
		{http.StatusRequestTimeout, false, false},
		{http.StatusTooManyRequests, false, false},
		{http.StatusInternalServerError, false, false},
		{http.StatusServiceUnavailable, false, false},
		{http.StatusFound, false, false}, // redirects are not followed
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			g := newGateway(t, tt.status)
			if tt.status == http.StatusFound {
				g.srv.Config.Handler = http.RedirectHandler("https://elsewhere.example/", http.StatusFound)
			}
			err := g.sender(t, nil).Send(t.Context(), delivery())
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.Equal(t, tt.permanent, notify.IsPermanent(err), "%v", err)
			var se *sms.StatusError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tt.status, se.Code)
			require.NotContains(t, err.Error(), "4670", "no number in the error")
			require.NotContains(t, err.Error(), "ansökan", "no text in the error")
			require.NotContains(t, err.Error(), "tok-123")
		})
	}
}

func TestSendTimesOut(t *testing.T) {
	t.Parallel()
	g := newGateway(t, http.StatusOK)
	g.block = true
	ctx, cancel := context.WithCancel(t.Context())
	// The relay's ctx ends (its SendTimeout): the request is abandoned.
	s := g.sender(t, nil)
	done := make(chan error, 1)
	go func() { done <- s.Send(ctx, delivery()) }()
	select {
	case <-g.arrived:
	case err := <-done:
		t.Fatalf("returned before the request arrived: %v", err)
	}
	cancel()
	err := <-done
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, notify.IsPermanent(err))
}

func TestSendRejectsBadDeliveries(t *testing.T) {
	t.Parallel()
	g := newGateway(t, http.StatusOK)
	s := g.sender(t, nil)
	mods := map[string]func(*notify.Delivery){
		"national number": func(d *notify.Delivery) { d.Address = "0701234567" },
		"letters":         func(d *notify.Delivery) { d.Address = "+4670abc4567" },
		"empty text":      func(d *notify.Delivery) { d.Text = "" },
		"too long":        func(d *notify.Delivery) { d.Text = strings.Repeat("a", sms.MaxMessageLen+1) },
		"no id":           func(d *notify.Delivery) { d.ID = "" },
		"email channel":   func(d *notify.Delivery) { d.Channel = notify.ChannelEmail },
	}
	for name, mod := range mods {
		d := delivery()
		mod(&d)
		err := s.Send(t.Context(), d)
		require.True(t, notify.IsPermanent(err), name)
		require.NotContains(t, err.Error(), "4567", name)
	}
	require.Empty(t, g.reqs, "nothing was posted")
}

func TestNewRejects(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]func() error{
		"plain http":  func() error { _, err := sms.New("http://gateway.example/send", "t", nil); return err },
		"no host":     func() error { _, err := sms.New("https:///send", "t", nil); return err },
		"credentials": func() error { _, err := sms.New("https://u:p@gateway.example/", "t", nil); return err },
		"empty token": func() error { _, err := sms.New("https://gateway.example/", "", nil); return err },
		"bad from": func() error {
			_, err := sms.New("https://gateway.example/", "t", &sms.Options{From: "Kommunen i Exempel"})
			return err
		},
		"negative": func() error {
			_, err := sms.New("https://gateway.example/", "t", &sms.Options{Timeout: -1})
			return err
		},
	} {
		require.Error(t, f(), name)
	}
	_, err := sms.New("http://127.0.0.1:8080/send", "t", nil)
	require.NoError(t, err, "plain http on loopback")
}
