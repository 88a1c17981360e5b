package httpserver

import (
	"context"
	"errors"
	"net/http"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/submission"
)

// Status returns the HTTP status code for err, an error returned by the
// etjanst packages (possibly wrapped):
//
//	nil                                                   200 OK
//	*form.ValidationError, submission.ErrIncomplete,
//	submission.ErrInvalid, submission.ErrNotRequested,
//	notify.ErrInvalidContact,
//	draft.ErrInvalid, draft.ErrTooManyAttachments         422 Unprocessable Entity
//	draft.ErrNotFound, submission.ErrNotFound,
//	form.ErrNotFound, form.ErrUnknownStep,
//	notify.ErrNotFound                                    404 Not Found
//	draft.ErrExpired                                      410 Gone
//	draft.ErrConflict, draft.ErrMigrationRequired,
//	submission.ErrTransition, submission.ErrUndecided,
//	submission.ErrNoComplementRequested                   409 Conflict
//	draft.ErrLoginRequired, identity.ErrStale,
//	identity.ErrFlowFailed, identity.ErrFlowNotFound      401 Unauthorized
//	draft.ErrNotPermitted, identity.ErrNotAuthorised,
//	identity.ErrNoMandate, submission.ErrOwnRequest       403 Forbidden
//	draft.ErrTooLarge, form.ErrTooLarge,
//	*http.MaxBytesError                                   413 Content Too Large
//	draft.ErrFileType                                     415 Unsupported Media Type
//	context.DeadlineExceeded                              504 Gateway Timeout
//	context.Canceled                                      503 Service Unavailable
//	anything else (draft.ErrTampered, submission.
//	ErrDigestMismatch, storage errors)                    500 Internal Server Error
//
// 401 means "log in (again)": the portal answers it with its login flow.
func Status(err error) int {
	var (
		ve *form.ValidationError
		mb *http.MaxBytesError
	)
	switch {
	case err == nil:
		return http.StatusOK
	case errors.As(err, &ve),
		errors.Is(err, submission.ErrIncomplete),
		errors.Is(err, submission.ErrInvalid),
		errors.Is(err, submission.ErrNotRequested),
		errors.Is(err, notify.ErrInvalidContact),
		errors.Is(err, draft.ErrInvalid),
		errors.Is(err, draft.ErrTooManyAttachments):
		return http.StatusUnprocessableEntity
	case errors.Is(err, draft.ErrNotFound),
		errors.Is(err, submission.ErrNotFound),
		errors.Is(err, form.ErrNotFound),
		errors.Is(err, form.ErrUnknownStep),
		errors.Is(err, notify.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, draft.ErrExpired):
		return http.StatusGone
	case errors.Is(err, draft.ErrConflict),
		errors.Is(err, draft.ErrMigrationRequired),
		errors.Is(err, submission.ErrTransition),
		errors.Is(err, submission.ErrUndecided),
		errors.Is(err, submission.ErrNoComplementRequested):
		return http.StatusConflict
	case errors.Is(err, draft.ErrLoginRequired),
		errors.Is(err, identity.ErrStale),
		errors.Is(err, identity.ErrFlowFailed),
		errors.Is(err, identity.ErrFlowNotFound):
		return http.StatusUnauthorized
	case errors.Is(err, draft.ErrNotPermitted),
		errors.Is(err, identity.ErrNotAuthorised),
		errors.Is(err, identity.ErrNoMandate),
		errors.Is(err, submission.ErrOwnRequest):
		return http.StatusForbidden
	case errors.Is(err, draft.ErrTooLarge),
		errors.Is(err, form.ErrTooLarge),
		errors.As(err, &mb):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, draft.ErrFileType):
		return http.StatusUnsupportedMediaType
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout
	case errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Message returns the text to show for a status code returned by Status,
// in Swedish and English. It never repeats details of the error.
func Message(status int) form.Text {
	switch status {
	case http.StatusOK:
		return form.T("Klart.", "Done.")
	case http.StatusUnprocessableEntity:
		return form.T("Några uppgifter behöver rättas.", "Some answers need to be corrected.")
	case http.StatusNotFound:
		return form.T("Sidan finns inte, eller så har du inte behörighet att se den.", "The page does not exist, or you are not allowed to see it.")
	case http.StatusGone:
		return form.T("Utkastet har gallrats eftersom det inte sparats på länge.", "The draft has been deleted because it was not saved for a long time.")
	case http.StatusConflict:
		return form.T("Uppgifterna har ändrats i ett annat fönster. Ladda om sidan och försök igen.", "The answers were changed in another window. Reload the page and try again.")
	case http.StatusUnauthorized:
		return form.T("Du behöver logga in igen.", "You need to log in again.")
	case http.StatusForbidden:
		return form.T("Du har inte behörighet till det här.", "You are not allowed to do this.")
	case http.StatusRequestEntityTooLarge:
		return form.T("Filen eller uppgifterna är för stora.", "The file or the answers are too large.")
	case http.StatusUnsupportedMediaType:
		return form.T("Filtypen tas inte emot.", "The file type is not accepted.")
	case http.StatusTooManyRequests:
		return form.T("För många försök. Vänta en stund och försök igen.", "Too many attempts. Wait a while and try again.")
	case http.StatusGatewayTimeout, http.StatusServiceUnavailable:
		return form.T("Tjänsten svarar inte just nu. Försök igen om en stund.", "The service is not responding right now. Try again in a while.")
	case http.StatusBadRequest:
		return form.T("Förfrågan kunde inte tolkas.", "The request could not be understood.")
	}
	return form.T("Något gick fel hos oss. Försök igen senare.", "Something went wrong on our side. Try again later.")
}
