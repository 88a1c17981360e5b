package storage

import (
	"context"
	"log/slog"
	"time"
)

// ContactExecutor holds the operations on the contact details and channel
// preferences a person entered on Mina sidor, one row per owner key. It is
// part of Executor.
type ContactExecutor interface {
	// ContactUpsert stores the contact details of params.Owner, replacing
	// any earlier ones, and returns the stored row.
	//
	// Errors: ErrInvalid when Owner is empty or UpdatedAt is zero.
	ContactUpsert(ctx context.Context, params *ContactUpsertParams) (*ContactRow, error)

	// ContactGet returns the contact details of params.Owner.
	//
	// Errors: ErrNotFound when the owner has none.
	ContactGet(ctx context.Context, params *ContactGetParams) (*ContactRow, error)

	// ContactDelete deletes the contact details of params.Owner.
	//
	// Errors: ErrNotFound when the owner has none.
	ContactDelete(ctx context.Context, params *ContactDeleteParams) error
}

// ContactRow is the contact details of one person. The email address and
// phone number are personal data: LogValue never shows them.
type ContactRow struct {
	// Owner is the opaque owner key of the person.
	Owner string
	// Email is the e-mail address; empty when none.
	Email string
	// Phone is the mobile number; empty when none.
	Phone string
	// Lang is the preferred language tag; empty when none.
	Lang string
	// Channels lists the channels the person wants notices on, in the
	// order given. Nil when none.
	Channels []string
	// UpdatedAt is when the row was last written (UTC, microseconds).
	UpdatedAt time.Time
}

// LogValue logs whether an address and a number are present and the
// channels, never the address, the number or the owner key.
func (r *ContactRow) LogValue() slog.Value {
	if r == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(
		slog.Bool("email", r.Email != ""),
		slog.Bool("phone", r.Phone != ""),
		slog.String("lang", r.Lang),
		slog.Any("channels", r.Channels),
	)
}

// ContactUpsertParams are the params of ContactExecutor.ContactUpsert.
type ContactUpsertParams struct {
	// Owner is the person's opaque owner key. Required.
	Owner string
	// Email is the e-mail address.
	Email string
	// Phone is the mobile number.
	Phone string
	// Lang is the preferred language tag.
	Lang string
	// Channels lists the wanted channels.
	Channels []string
	// UpdatedAt is the write time. Required.
	UpdatedAt time.Time
}

// ContactGetParams are the params of ContactExecutor.ContactGet.
type ContactGetParams struct {
	// Owner is the person's opaque owner key.
	Owner string
}

// ContactDeleteParams are the params of ContactExecutor.ContactDelete.
type ContactDeleteParams struct {
	// Owner is the person's opaque owner key.
	Owner string
}
