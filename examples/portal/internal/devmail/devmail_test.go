package devmail_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/examples/portal/internal/devmail"
	"github.com/etjanst/etjanst/notify"
)

func TestMailbox(t *testing.T) {
	t.Parallel()
	box := devmail.New(2)
	for i := range 3 {
		require.NoError(t, box.Send(t.Context(), notify.Delivery{ID: fmt.Sprint(i), Channel: notify.ChannelEmail,
			Address: "a@example.se", Subject: fmt.Sprintf("Ärende %d", i), Text: "<script>x</script>"}))
	}
	require.NoError(t, box.Send(t.Context(), notify.Delivery{ID: "2", Channel: notify.ChannelEmail}), "a redelivery")
	mails := box.Mails()
	require.Len(t, mails, 2, "capped")
	require.Equal(t, "Ärende 2", mails[0].Subject, "newest first")

	rec := httptest.NewRecorder()
	box.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/dev/mail", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	body := rec.Body.String()
	require.Contains(t, body, "Ärende 1")
	require.NotContains(t, body, "Ärende 0")
	require.NotContains(t, body, "<script>x", "texts are escaped")
	require.True(t, strings.Contains(body, "&lt;script&gt;"))

	rec = httptest.NewRecorder()
	box.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/dev/mail", nil))
	require.Equal(t, http.StatusMethodNotAllowed, rec.Code)
}
