package notify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/identitytest"
	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/storage"
)

func TestMessageValidate(t *testing.T) {
	t.Parallel()
	anna, err := identity.ParseSubject(identity.SchemePersonnummer, identitytest.PNR)
	require.NoError(t, err)
	valid := func() notify.Message {
		return notify.Message{Kind: notify.KindReceipt, Recipient: anna, CaseRef: "KS 2026/0042", Lang: notify.Swedish, DedupeKey: "k"}
	}
	bigData := map[string]string{}
	for i := range notify.MaxDataEntries + 1 {
		bigData[fmt.Sprintf("k%d", i)] = "v"
	}
	tests := []struct {
		name string
		mod  func(*notify.Message)
		ok   bool
	}{
		{"valid", func(*notify.Message) {}, true},
		{"no case ref", func(m *notify.Message) { m.CaseRef = "" }, true},
		{"reference with letters", func(m *notify.Message) { m.CaseRef = "ETJ 2026/000042" }, true},
		{"no lang", func(m *notify.Message) { m.Lang = "" }, true},
		{"eidas recipient", func(m *notify.Message) {
			m.Recipient = identity.Subject{Scheme: identity.SchemeEIDAS, Value: "NO/SE/12345"}
		}, true},
		{"data", func(m *notify.Message) { m.Data = map[string]string{notify.DataText: "Hej"} }, true},
		{"empty kind", func(m *notify.Message) { m.Kind = "" }, false},
		{"kind with space", func(m *notify.Message) { m.Kind = "new message" }, false},
		{"zero recipient", func(m *notify.Message) { m.Recipient = identity.Subject{} }, false},
		{"bad personnummer", func(m *notify.Message) { m.Recipient.Value = "191212121213" }, false},
		{"personnummer as case ref", func(m *notify.Message) { m.CaseRef = "19121212-1212" }, false},
		{"short personnummer in case ref", func(m *notify.Message) { m.CaseRef = "KS 121212-1212" }, false},
		{"phone number as case ref", func(m *notify.Message) { m.CaseRef = "0701234567" }, false},
		{"personnummer with a space in case ref", func(m *notify.Message) { m.CaseRef = "KS 121212 1212" }, false},
		{"personnummer with a dot in case ref", func(m *notify.Message) { m.CaseRef = "KS 121212.1212" }, false},
		{"full-width personnummer in case ref", func(m *notify.Message) { m.CaseRef = "１９１２１２１２１２１２" }, false},
		{"year and number in case ref", func(m *notify.Message) { m.CaseRef = "KS 2026/000042" }, true},
		{"case ref with words of content", func(m *notify.Message) { m.CaseRef = "Bygglov, Anna's house!" }, false},
		{"case ref too long", func(m *notify.Message) { m.CaseRef = strings.Repeat("K", notify.MaxCaseRefLen+1) }, false},
		{"unknown lang", func(m *notify.Message) { m.Lang = "de" }, false},
		{"no dedupe key", func(m *notify.Message) { m.DedupeKey = "" }, false},
		{"dedupe key too long", func(m *notify.Message) { m.DedupeKey = strings.Repeat("k", notify.MaxDedupeKeyLen+1) }, false},
		{"too many data entries", func(m *notify.Message) { m.Data = bigData }, false},
		{"bad data key", func(m *notify.Message) { m.Data = map[string]string{"a-b": "v"} }, false},
		{"data too large", func(m *notify.Message) { m.Data = map[string]string{"t": strings.Repeat("x", notify.MaxDataBytes)} }, false},
		{"data not UTF-8", func(m *notify.Message) { m.Data = map[string]string{"t": "\xff"} }, false},
	}
	for _, tt := range tests {
		m := valid()
		tt.mod(&m)
		err := m.Validate()
		if tt.ok {
			require.NoError(t, err, tt.name)
			continue
		}
		require.Error(t, err, tt.name)
		if !errors.Is(err, notify.ErrInvalidMessage) {
			t.Errorf("%s: %v does not wrap ErrInvalidMessage", tt.name, err)
		}
		require.NotContains(t, err.Error(), identitytest.PNR, tt.name)
		require.NotContains(t, err.Error(), "1212", tt.name)
	}
}

func TestMessageLogValueMasks(t *testing.T) {
	t.Parallel()
	anna, err := identity.ParseSubject(identity.SchemePersonnummer, identitytest.PNR)
	require.NoError(t, err)
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	m := notify.Message{Kind: notify.KindNewMessage, Recipient: anna, CaseRef: "KS 1", Data: map[string]string{"text": "secret words"}, DedupeKey: "dk-secret"}
	log.Info("m", "msg", m, "contact", notify.Contact{Email: "anna@example.se", Phone: "+46701234567"},
		"delivery", notify.Delivery{ID: "d1", Address: "anna@example.se", Text: "secret words", Recipient: anna})
	out := buf.String()
	for _, leak := range []string{identitytest.PNR, "secret words", "dk-secret", "anna@example.se", "+46701234567"} {
		require.NotContains(t, out, leak)
	}
	require.Contains(t, out, anna.Masked())
}

func TestEnqueueRejectsBadMessagesAndWritesNothing(t *testing.T) {
	b := setup(t)
	good := receipt(b.anna, "KS 2030/0001")
	bad := receipt(b.anna, "KS 2030/0002")
	bad.DedupeKey = ""
	unknown := receipt(b.anna, "KS 2030/0003")
	unknown.Kind = "permit"
	for _, tt := range []struct {
		msg  notify.Message
		want error
	}{{bad, notify.ErrInvalidMessage}, {unknown, notify.ErrUnknownKind}} {
		err := storage.WithTx(b.ctx, b.db, func(ctx context.Context, tx storage.Tx) error {
			_, err := b.outbox.EnqueueTx(ctx, tx, good, tt.msg)
			return err
		})
		require.ErrorIs(t, err, tt.want)
	}
	require.Zero(t, runOnce(t, b.relay(nil)).Claimed)
	_, err := b.outbox.EnqueueTx(b.ctx, nil, good)
	require.Error(t, err)
}

func TestOutboxChannelsOption(t *testing.T) {
	b := setup(t)
	b.wantsAll(b.anna, "anna@example.se")
	o, err := notify.NewOutbox(&notify.OutboxOptions{Channels: []notify.Channel{notify.ChannelInbox, notify.ChannelSMS}, Now: b.clock.Now})
	require.NoError(t, err)
	require.NoError(t, storage.WithTx(b.ctx, b.db, func(ctx context.Context, tx storage.Tx) error {
		res, err := o.EnqueueTx(ctx, tx, receipt(b.anna, "KS 2030/0001"))
		require.Equal(t, notify.EnqueueResult{Queued: 2}, res)
		return err
	}))
	require.Equal(t, notify.Stats{Claimed: 2, Sent: 2}, runOnce(t, b.relay(nil)))
	require.Empty(t, b.email.Attempts())

	for _, chs := range [][]notify.Channel{{}, {"fax"}, {notify.ChannelSMS, notify.ChannelSMS}} {
		_, err := notify.NewOutbox(&notify.OutboxOptions{Channels: chs})
		require.Error(t, err, "%v", chs)
	}
}

func TestInboxIsOwnerScoped(t *testing.T) {
	b := setup(t)
	b.enqueue(receipt(b.anna, "KS 2030/0001"), receipt(b.anna, "KS 2030/0002"), receipt(b.bo, "KS 2030/0003"))
	runOnce(t, b.relay(nil))
	anna := identitytest.Citizen(t, b.clock.Now())
	bo := identitytest.Person(t, identitytest.OtherPNR, b.clock.Now())
	// Acting for an organisation does not change whose inbox it is.
	annaForCompany := identitytest.ForOrganisation(t, anna, identitytest.CompanyOrgNr)

	annas, err := b.inbox.List(b.ctx, anna, 0)
	require.NoError(t, err)
	require.Len(t, annas, 2)
	require.Equal(t, "KS 2030/0002", annas[0].CaseRef)
	viaCompany, err := b.inbox.List(b.ctx, annaForCompany, 0)
	require.NoError(t, err)
	require.Equal(t, annas, viaCompany)
	bos, err := b.inbox.List(b.ctx, bo, 0)
	require.NoError(t, err)
	require.Len(t, bos, 1)

	// Bo cannot read or mark Anna's message; it is simply not found.
	id := annas[0].ID
	_, err = b.inbox.Get(b.ctx, bo, id)
	require.ErrorIs(t, err, notify.ErrNotFound)
	require.ErrorIs(t, b.inbox.MarkRead(b.ctx, bo, id), notify.ErrNotFound)
	_, err = b.inbox.Get(b.ctx, anna, "missing")
	require.ErrorIs(t, err, notify.ErrNotFound)
	n, err := b.inbox.Unread(b.ctx, anna)
	require.NoError(t, err)
	require.Equal(t, 2, n)

	b.clock.Advance(time.Minute)
	require.NoError(t, b.inbox.MarkRead(b.ctx, anna, id))
	got, err := b.inbox.Get(b.ctx, anna, id)
	require.NoError(t, err)
	require.Equal(t, b.clock.Now(), got.ReadAt)
	n, err = b.inbox.Unread(b.ctx, anna)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	// An invalid principal reads nothing.
	_, err = b.inbox.List(b.ctx, identity.Principal{}, 0)
	require.ErrorIs(t, err, identity.ErrInvalidSubject)

	// Delivering the same ID again does not duplicate it.
	d := b.inboxRec.Deliveries()[0]
	require.NoError(t, b.inbox.Send(b.ctx, d))
	annas2, err := b.inbox.List(b.ctx, anna, 0)
	require.NoError(t, err)
	require.Len(t, annas2, 2)
	// A delivery for another channel is refused for good.
	d.Channel = notify.ChannelEmail
	require.ErrorIs(t, b.inbox.Send(b.ctx, d), notify.ErrPermanent)
}

func TestContacts(t *testing.T) {
	b := setup(t)
	c, err := b.contacts.Lookup(b.ctx, b.anna)
	require.NoError(t, err)
	require.Equal(t, notify.Contact{}, c, "none stored: zero Contact, no error")

	require.NoError(t, b.contacts.Set(b.ctx, b.anna, notify.Contact{
		Email: " Anna.Svensson@Example.SE ", Phone: "070-123 45 67", Lang: notify.English,
		Channels: []notify.Channel{notify.ChannelSMS, notify.ChannelInbox, notify.ChannelSMS, notify.ChannelEmail},
	}))
	c, err = b.contacts.Lookup(b.ctx, b.anna)
	require.NoError(t, err)
	require.Equal(t, notify.Contact{
		Email: "Anna.Svensson@example.se", Phone: "+46701234567", Lang: notify.English,
		Channels: []notify.Channel{notify.ChannelSMS, notify.ChannelEmail},
	}, c)
	require.True(t, c.Wants(notify.ChannelEmail))
	require.True(t, c.Wants(notify.ChannelInbox))
	other, err := b.contacts.Lookup(b.ctx, b.bo)
	require.NoError(t, err)
	require.Equal(t, notify.Contact{}, other)

	require.NoError(t, b.contacts.Delete(b.ctx, b.anna))
	require.NoError(t, b.contacts.Delete(b.ctx, b.anna), "deleting nothing is fine")
	c, err = b.contacts.Lookup(b.ctx, b.anna)
	require.NoError(t, err)
	require.Equal(t, notify.Contact{}, c)
}

func TestContactNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        notify.Contact
		wantPhone string
		ok        bool
	}{
		{notify.Contact{Phone: "+46 70 123 45 67"}, "+46701234567", true},
		{notify.Contact{Phone: "0046701234567"}, "+46701234567", true},
		{notify.Contact{Phone: "(070) 123-45-67"}, "+46701234567", true},
		{notify.Contact{Phone: "+4412345678901"}, "+4412345678901", true},
		{notify.Contact{Phone: "701234567"}, "", false},
		{notify.Contact{Phone: "070123"}, "", false},
		{notify.Contact{Phone: "070-123 45 67 ext 2"}, "", false},
		{notify.Contact{Email: "Anna <anna@example.se>"}, "", false},
		{notify.Contact{Email: "anna@localhost"}, "", false},
		{notify.Contact{Email: "anna@example.se\r\nBcc: x@y.se"}, "", false},
		{notify.Contact{Email: strings.Repeat("a", 250) + "@example.se"}, "", false},
		{notify.Contact{Lang: "de"}, "", false},
		{notify.Contact{Channels: []notify.Channel{"fax"}}, "", false},
	}
	for _, tt := range tests {
		got, err := tt.in.Normalize()
		if !tt.ok {
			require.ErrorIs(t, err, notify.ErrInvalidContact, "%+v", tt.in.LogValue())
			require.NotContains(t, err.Error(), "anna")
			continue
		}
		require.NoError(t, err)
		require.Equal(t, tt.wantPhone, got.Phone)
	}
}

func TestHMACOwnerKey(t *testing.T) {
	t.Parallel()
	_, err := notify.HMACOwnerKey([]byte("short"))
	require.Error(t, err)
	secret := []byte("0123456789abcdef0123456789abcdef")
	k1, err := notify.HMACOwnerKey(secret)
	require.NoError(t, err)
	secret[0] = 'X' // the func keeps its own copy
	k2, err := notify.HMACOwnerKey([]byte("another secret of at least 32 bytes!"))
	require.NoError(t, err)
	anna, _ := identity.ParseSubject(identity.SchemePersonnummer, identitytest.PNR)
	bo, _ := identity.ParseSubject(identity.SchemePersonnummer, identitytest.OtherPNR)
	require.Equal(t, k1(anna), k1(anna))
	require.NotEqual(t, k1(anna), k1(bo))
	require.NotEqual(t, k1(anna), k2(anna))
	require.NotContains(t, k1(anna), identitytest.PNR)
	require.True(t, strings.HasPrefix(k1(anna), "h1:"))
	k1b, _ := notify.HMACOwnerKey([]byte("0123456789abcdef0123456789abcdef"))
	require.Equal(t, k1b(anna), k1(anna))
}

func TestPermanentAndRedact(t *testing.T) {
	t.Parallel()
	base := errors.New("smtp 550")
	p := notify.Permanent(base)
	require.ErrorIs(t, p, notify.ErrPermanent)
	require.ErrorIs(t, p, base)
	require.True(t, notify.IsPermanent(fmt.Errorf("wrapped: %w", p)))
	require.False(t, notify.IsPermanent(base))
	require.Nil(t, notify.Permanent(nil))
	require.Same(t, p, notify.Permanent(p))

	tests := []struct{ in, want string }{
		{"smtp 550 5.1.1 <anna@example.se>: user unknown", "smtp 550 5.1.1 <***>: user unknown"},
		{"gateway rejected +46701234567", "gateway rejected ***"},
		{"pnr 19121212-1212 in text", "pnr *** in text"},
		{"pnr 121212-1212", "pnr ***"},
		{"orgnr 556036-0793", "orgnr ***"},
		{"Authorization: Bearer abc.def", "Authorization: Bearer ***"},
		{"Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic ***"},
		{"hundraåring 19121212+1212 här", "hundraåring *** här"},
		{"line\r\nbreak", "line  break"},
		{"status 503", "status 503"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, notify.Redact(tt.in), tt.in)
	}
	long := notify.Redact(strings.Repeat("å", 400))
	require.LessOrEqual(t, len(long), 304)
	require.True(t, strings.HasSuffix(long, "…"))
}
