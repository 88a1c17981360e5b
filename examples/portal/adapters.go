package main

import (
	"context"

	"github.com/etjanst/etjanst/examples/portal/internal/web"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/minasidor"
	"github.com/etjanst/etjanst/notify"
)

// inboxSource shows the notify inbox on Mina sidor.
type inboxSource struct{ in *notify.Inbox }

var _ minasidor.Inbox = inboxSource{}

// Messages implements minasidor.Inbox.
func (s inboxSource) Messages(ctx context.Context, who identity.Principal, limit int) ([]minasidor.Message, int, error) {
	list, err := s.in.List(ctx, who, limit)
	if err != nil {
		return nil, 0, err
	}
	unread, err := s.in.Unread(ctx, who)
	if err != nil {
		return nil, 0, err
	}
	out := make([]minasidor.Message, len(list))
	for i, m := range list {
		out[i] = minasidor.Message{
			ID: m.ID, CaseRef: m.CaseRef, At: m.CreatedAt, Read: !m.ReadAt.IsZero(),
			Subject: form.T(m.Title.SV, m.Title.EN), Body: form.T(m.Body.SV, m.Body.EN),
		}
	}
	return out, unread, nil
}

// inboxReader opens and marks one inbox message for the message page.
type inboxReader struct{ in *notify.Inbox }

var _ web.Inbox = inboxReader{}

// Message implements web.Inbox, marking the message read.
func (r inboxReader) Message(ctx context.Context, who identity.Principal, id string) (web.InboxMessage, error) {
	m, err := r.in.Get(ctx, who, id)
	if err != nil {
		return web.InboxMessage{}, err
	}
	if m.ReadAt.IsZero() {
		if err := r.in.MarkRead(ctx, who, id); err != nil {
			return web.InboxMessage{}, err
		}
	}
	return web.InboxMessage{
		Title: form.T(m.Title.SV, m.Title.EN), Body: form.T(m.Body.SV, m.Body.EN),
		CaseRef: m.CaseRef, At: m.CreatedAt,
	}, nil
}

// contactStore keeps the contact preferences of Mina sidor in notify's
// contact directory, which the relay reads at delivery.
type contactStore struct{ c *notify.Contacts }

var _ web.Contacts = contactStore{}

// Contact implements web.Contacts.
func (s contactStore) Contact(ctx context.Context, person identity.Subject) (web.Contact, error) {
	c, err := s.c.Lookup(ctx, person)
	if err != nil {
		return web.Contact{}, err
	}
	return web.Contact{
		Email: c.Email, Phone: c.Phone, Lang: string(c.Lang),
		NotifyEmail: c.Wants(notify.ChannelEmail), NotifySMS: c.Wants(notify.ChannelSMS),
	}, nil
}

// SetContact implements web.Contacts.
func (s contactStore) SetContact(ctx context.Context, person identity.Subject, wc web.Contact) error {
	c := notify.Contact{Email: wc.Email, Phone: wc.Phone, Lang: notify.Lang(wc.Lang)}
	if wc.NotifyEmail {
		c.Channels = append(c.Channels, notify.ChannelEmail)
	}
	if wc.NotifySMS {
		c.Channels = append(c.Channels, notify.ChannelSMS)
	}
	return s.c.Set(ctx, person, c)
}
