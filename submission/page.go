package submission

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
)

// Page sizes of InboxPage and DisclosureQueuePage.
const (
	// DefaultPageSize is the page size when a query's Limit is zero.
	DefaultPageSize = 50
	// MaxPageSize is the largest page a query may ask for.
	MaxPageSize = 1000
)

// InboxQuery selects a page of an e-service's inbox (see Cases.InboxPage).
type InboxQuery struct {
	// Statuses keeps only the cases with one of these statuses; none
	// keeps all.
	Statuses []string
	// Limit is the page size: DefaultPageSize when zero, at most
	// MaxPageSize.
	Limit int
	// After is the Next of the page before; empty for the first page.
	After string
}

// InboxPage is one page of an inbox, newest first.
type InboxPage struct {
	Cases []Summary
	// Next continues the listing after this page (as InboxQuery.After);
	// empty when this page is the last. Cases that arrive meanwhile are
	// on the first page, never between two pages.
	Next string
}

// InboxPage lists one page of the cases of an e-service for an officer who
// handles it (handläggare), newest first: an inbox of any size, a page at
// a time. Anyone else gets ErrNotFound; a page size out of range or an
// After that no page gave, ErrInvalid.
func (c *Cases) InboxPage(ctx context.Context, who identity.Principal, service string, q InboxQuery) (*InboxPage, error) {
	if err := officerFor(who, service); err != nil {
		return nil, err
	}
	limit, after, err := pageParams(q.Limit, q.After)
	if err != nil {
		return nil, err
	}
	// One more than the page: whether it exists says whether there is a
	// next page.
	rows, err := c.db.CaseList(ctx, &storage.CaseListParams{Service: service, Statuses: q.Statuses, After: after, Limit: limit + 1})
	if err != nil {
		return nil, fmt.Errorf("submission: inbox: %w", err)
	}
	page := &InboxPage{}
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[len(rows)-1]
		page.Next = encodeCursor(storage.Cursor{At: last.ReceivedAt, ID: last.ID})
	}
	page.Cases = c.summaries(rows)
	return page, nil
}

// PageQuery selects a page of a listing that has no filter of its own.
type PageQuery struct {
	// Limit is the page size: DefaultPageSize when zero, at most
	// MaxPageSize.
	Limit int
	// After is the Next of the page before; empty for the first page.
	After string
}

// DisclosurePage is one page of a disclosure queue, oldest first.
type DisclosurePage struct {
	Requests []*DisclosureRequest
	// Next continues the queue after this page (as PageQuery.After);
	// empty when this page is the last.
	Next string
}

// DisclosureQueuePage lists one page of the open disclosure requests of an
// e-service for an officer who reviews it, oldest first, each with its
// review items: a queue of any size, a page at a time. Anyone else gets
// ErrNotFound; a page size out of range or an After that no page gave,
// ErrInvalid.
func (c *Cases) DisclosureQueuePage(ctx context.Context, who identity.Principal, service string, q PageQuery) (*DisclosurePage, error) {
	if err := reviewerFor(who, service); err != nil {
		return nil, err
	}
	limit, after, err := pageParams(q.Limit, q.After)
	if err != nil {
		return nil, err
	}
	rows, err := c.db.DisclosureList(ctx, &storage.DisclosureListParams{Service: service, Statuses: []string{DisclosureOpen},
		After: after, Limit: limit + 1})
	if err != nil {
		return nil, fmt.Errorf("submission: disclosure queue: %w", err)
	}
	page := &DisclosurePage{}
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[len(rows)-1]
		page.Next = encodeCursor(storage.Cursor{At: last.CreatedAt, ID: last.ID})
	}
	if page.Requests, err = c.disclosures(ctx, rows); err != nil {
		return nil, err
	}
	return page, nil
}

// pageParams checks a page size (0: DefaultPageSize) and decodes a cursor.
func pageParams(limit int, after string) (int, storage.Cursor, error) {
	switch {
	case limit == 0:
		limit = DefaultPageSize
	case limit < 0 || limit > MaxPageSize:
		return 0, storage.Cursor{}, fmt.Errorf("%w: page size %d out of range (1 to %d)", ErrInvalid, limit, MaxPageSize)
	}
	c, err := decodeCursor(after)
	return limit, c, err
}

// cursorVersion starts every cursor, so that its form can change.
const cursorVersion = "c1"

// maxCursorID bounds the row ID (of a case or a request) in a cursor.
const maxCursorID = 64

// encodeCursor writes a listing position as an opaque, URL-safe string.
// It is not secret and needs no signature: it only says where a listing
// continues, and the listing is still the caller's own.
func encodeCursor(c storage.Cursor) string {
	s := cursorVersion + "." + strconv.FormatInt(c.At.UnixMicro(), 36) + "." + c.ID
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

// decodeCursor reads what encodeCursor wrote; "" is the zero cursor.
func decodeCursor(s string) (storage.Cursor, error) {
	if s == "" {
		return storage.Cursor{}, nil
	}
	bad := func(why string) (storage.Cursor, error) {
		return storage.Cursor{}, fmt.Errorf("%w: page cursor: %s", ErrInvalid, why)
	}
	if len(s) > base64.RawURLEncoding.EncodedLen(len(cursorVersion)+2+13+maxCursorID) {
		return bad("too long")
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return bad("not base64url")
	}
	version, rest, _ := strings.Cut(string(b), ".")
	at, id, ok := strings.Cut(rest, ".")
	if version != cursorVersion || !ok {
		return bad("unknown form")
	}
	micros, err := strconv.ParseInt(at, 36, 64)
	if err != nil {
		return bad("no time")
	}
	if id == "" || len(id) > maxCursorID || strings.IndexFunc(id, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-')
	}) >= 0 {
		return bad("no case ID")
	}
	return storage.Cursor{At: time.UnixMicro(micros).UTC(), ID: id}, nil
}
