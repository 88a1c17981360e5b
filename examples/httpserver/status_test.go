package httpserver_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/examples/httpserver"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/submission"
)

func TestStatus(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error { return fmt.Errorf("portal: step: %w", err) }
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, http.StatusOK},
		{"validation", wrap(&form.ValidationError{Fields: []form.FieldError{{Step: "s", Field: "f", Code: "required"}}}), http.StatusUnprocessableEntity},
		{"incomplete", wrap(&submission.IncompleteError{Validation: &form.ValidationError{}}), http.StatusUnprocessableEntity},
		{"draft invalid", wrap(draft.ErrInvalid), http.StatusUnprocessableEntity},
		{"too many attachments", wrap(draft.ErrTooManyAttachments), http.StatusUnprocessableEntity},
		{"draft not found", wrap(draft.ErrNotFound), http.StatusNotFound},
		{"case not found", wrap(submission.ErrNotFound), http.StatusNotFound},
		{"form not found", wrap(form.ErrNotFound), http.StatusNotFound},
		{"unknown step", wrap(form.ErrUnknownStep), http.StatusNotFound},
		{"expired", wrap(draft.ErrExpired), http.StatusGone},
		{"conflict", wrap(draft.ErrConflict), http.StatusConflict},
		{"migration", wrap(draft.ErrMigrationRequired), http.StatusConflict},
		{"login required", wrap(draft.ErrLoginRequired), http.StatusUnauthorized},
		{"stale", wrap(identity.ErrStale), http.StatusUnauthorized},
		{"flow failed", wrap(identity.ErrFlowFailed), http.StatusUnauthorized},
		{"flow not found", wrap(identity.ErrFlowNotFound), http.StatusUnauthorized},
		{"not permitted", wrap(draft.ErrNotPermitted), http.StatusForbidden},
		{"not authorised", wrap(identity.ErrNotAuthorised), http.StatusForbidden},
		{"no mandate", wrap(identity.ErrNoMandate), http.StatusForbidden},
		{"draft too large", wrap(draft.ErrTooLarge), http.StatusRequestEntityTooLarge},
		{"form too large", wrap(form.ErrTooLarge), http.StatusRequestEntityTooLarge},
		{"body too large", wrap(&http.MaxBytesError{Limit: 10}), http.StatusRequestEntityTooLarge},
		{"file type", wrap(draft.ErrFileType), http.StatusUnsupportedMediaType},
		{"deadline", wrap(context.DeadlineExceeded), http.StatusGatewayTimeout},
		{"canceled", wrap(context.Canceled), http.StatusServiceUnavailable},
		{"submission invalid", wrap(submission.ErrInvalid), http.StatusUnprocessableEntity},
		{"not requested", wrap(submission.ErrNotRequested), http.StatusUnprocessableEntity},
		{"transition", wrap(submission.ErrTransition), http.StatusConflict},
		{"undecided", wrap(submission.ErrUndecided), http.StatusConflict},
		{"own disclosure request", wrap(submission.ErrOwnRequest), http.StatusForbidden},
		{"no complement requested", wrap(submission.ErrNoComplementRequested), http.StatusConflict},
		{"digest mismatch", wrap(submission.ErrDigestMismatch), http.StatusInternalServerError},
		{"invalid contact", wrap(notify.ErrInvalidContact), http.StatusUnprocessableEntity},
		{"inbox message not found", wrap(notify.ErrNotFound), http.StatusNotFound},
		{"tampered", wrap(draft.ErrTampered), http.StatusInternalServerError},
		{"unknown", errors.New("boom"), http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := httpserver.Status(tt.err)
			require.Equal(t, tt.want, got)
			msg := httpserver.Message(got)
			require.NotEmpty(t, msg.SV)
			require.NotEmpty(t, msg.EN)
		})
	}
}

func ExampleStatus() {
	err := fmt.Errorf("portal: open draft: %w", draft.ErrLoginRequired)
	status := httpserver.Status(err)
	fmt.Println(status, httpserver.Message(status).In("sv"))
	// Output: 401 Du behöver logga in igen.
}
