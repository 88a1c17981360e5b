-- Notifications: the transactional outbox, the in-app inbox of Mina sidor and
-- the contact details people enter there.

-- seq is the claim's tie-break among rows due at the same time.
CREATE TABLE outbox (
    seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              text COLLATE "C" NOT NULL UNIQUE,
    channel         text        NOT NULL,
    kind            text        NOT NULL,
    dedupe_key      text COLLATE "C" UNIQUE,
    recipient       text        NOT NULL,
    state           text        NOT NULL CHECK (state IN ('pending', 'sent', 'dead')),
    attempts        bigint      NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    lease_owner     text COLLATE "C",
    last_error      text        NOT NULL DEFAULT '',
    sent_at         timestamptz,
    dead_at         timestamptz,
    payload         bytea       NOT NULL
);

-- OutboxClaim: the due pending rows in order. Sent and dead rows are not in
-- the index, so it stays as small as the backlog.
CREATE INDEX outbox_due ON outbox (next_attempt_at, seq) WHERE state = 'pending';
-- OutboxRelease of all of a worker's rows.
CREATE INDEX outbox_lease ON outbox (lease_owner) WHERE lease_owner IS NOT NULL;
-- OutboxListDead, newest first.
CREATE INDEX outbox_dead ON outbox (dead_at, id) WHERE state = 'dead';
-- OutboxPurge, oldest sent first.
CREATE INDEX outbox_sent ON outbox (sent_at, seq) WHERE state = 'sent';

CREATE TABLE inbox (
    id         text COLLATE "C" NOT NULL PRIMARY KEY,
    owner      text COLLATE "C" NOT NULL,
    kind       text        NOT NULL,
    case_ref   text        NOT NULL,
    created_at timestamptz NOT NULL,
    read_at    timestamptz,
    payload    bytea       NOT NULL
);

-- InboxList: one owner's messages, newest first.
CREATE INDEX inbox_owner ON inbox (owner, created_at, id);
-- InboxUnreadCount and unread lists: only unread messages are in this index.
CREATE INDEX inbox_unread ON inbox (owner, created_at, id) WHERE read_at IS NULL;

CREATE TABLE contacts (
    owner      text COLLATE "C" NOT NULL PRIMARY KEY,
    email      text        NOT NULL,
    phone      text        NOT NULL,
    lang       text        NOT NULL,
    channels   text[],
    updated_at timestamptz NOT NULL
);
