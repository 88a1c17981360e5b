package notifytest_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/notify/notifytest"
)

func TestRecorder(t *testing.T) {
	t.Parallel()
	r := notifytest.NewRecorder()
	ctx := t.Context()
	require.NoError(t, r.Send(ctx, notify.Delivery{ID: "a", Channel: notify.ChannelEmail}))

	down := errors.New("smtp 421")
	r.SetFail(func(d notify.Delivery) error {
		if d.ID == "b" {
			return notify.Permanent(down)
		}
		return nil
	})
	err := r.Send(ctx, notify.Delivery{ID: "b", Channel: notify.ChannelSMS})
	require.ErrorIs(t, err, down)
	require.True(t, notify.IsPermanent(err))
	require.NoError(t, r.Send(ctx, notify.Delivery{ID: "c", Channel: notify.ChannelSMS}))

	require.Len(t, r.Attempts(), 3)
	require.ErrorIs(t, r.Attempts()[1].Err, down)
	ids := func(ds []notify.Delivery) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.ID)
		}
		return out
	}
	require.Equal(t, []string{"a", "c"}, ids(r.Deliveries()))
	require.Equal(t, []string{"c"}, ids(r.Find(func(d notify.Delivery) bool { return d.Channel == notify.ChannelSMS })))

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, r.Send(cancelled, notify.Delivery{ID: "d"}), context.Canceled)

	r.Reset()
	require.Empty(t, r.Attempts())
	require.Empty(t, r.Deliveries())
}

func TestRecorderWait(t *testing.T) {
	t.Parallel()
	r := notifytest.NewRecorder()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, id := range []string{"a", "b", "c"} {
			_ = r.Send(context.Background(), notify.Delivery{ID: id})
		}
	}()
	got, err := r.Wait(t.Context(), 3)
	require.NoError(t, err)
	require.Len(t, got, 3)
	wg.Wait()

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	_, err = r.Wait(ctx, 4)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}
