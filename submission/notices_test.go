package submission_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/submission"
)

func TestOutboxNotifier(t *testing.T) {
	t.Parallel()
	b := setup(t)
	outbox, err := notify.NewOutbox(&notify.OutboxOptions{Channels: []notify.Channel{notify.ChannelInbox, notify.ChannelEmail}, Now: b.clock.Now})
	require.NoError(t, err)
	mailbox := identity.Subject{Scheme: identity.SchemeOfficer, Value: "parkering-funktionsbrevlada"}
	n := submission.OutboxNotifier{Outbox: outbox, Officers: func(_ context.Context, service string) ([]identity.Subject, error) {
		require.Equal(t, "parkering", service)
		return []identity.Subject{mailbox}, nil
	}}
	pipe, err := submission.NewPipeline(b.db, b.drafts, &submission.Options{Notifier: n, Now: b.clock.Now, ReferencePrefix: "KS"})
	require.NoError(t, err)
	cases, err := submission.NewCases(b.db, b.drafts, b.reg, &submission.CasesOptions{Notifier: n, Now: b.clock.Now})
	require.NoError(t, err)
	a := b.person(pnrA)
	r, err := pipe.Submit(b.ctx, a, b.complete(t, a, "forare").ID, nil)
	require.NoError(t, err)
	off := b.officer("anna", handles("parkering"))
	b.clock.Add(time.Second)
	require.NoError(t, cases.Acknowledge(b.ctx, off, r.CaseID))
	b.clock.Add(time.Second)
	require.NoError(t, cases.SendMessage(b.ctx, off, r.CaseID, "Vi behöver ett läkarintyg."))
	b.clock.Add(time.Second)
	require.NoError(t, cases.Reply(b.ctx, a, r.CaseID, "Det kommer."))

	rows, err := b.db.OutboxClaim(b.ctx, &storage.OutboxClaimParams{Worker: "test", Now: b.clock.Now(), Lease: time.Minute, Limit: 100})
	require.NoError(t, err)
	got := map[string]int{}
	for _, row := range rows {
		got[row.Kind+"→"+row.Recipient[:3]+"/"+row.Channel]++
		if row.Channel == string(notify.ChannelEmail) {
			require.NotContains(t, string(row.Payload), "läkarintyg", "email rows carry no message text")
		}
	}
	applicant, officer := a.Subject.Key()[:3], mailbox.Key()[:3]
	require.Equal(t, map[string]int{
		"receipt→" + applicant + "/inbox": 1, "receipt→" + applicant + "/email": 1,
		"newCase→" + officer + "/inbox": 1, "newCase→" + officer + "/email": 1,
		"caseReceived→" + applicant + "/inbox": 1, "caseReceived→" + applicant + "/email": 1,
		"newMessage→" + applicant + "/inbox": 1, "newMessage→" + applicant + "/email": 1,
		"replied→" + officer + "/inbox": 1, "replied→" + officer + "/email": 1,
	}, got)
}
