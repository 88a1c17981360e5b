-- Notifications: the transactional outbox, the in-app inbox of Mina sidor and
-- the contact details people enter there. Times are INTEGER unix
-- microseconds in UTC.

-- seq is the rowid: the claim's tie-break among rows due at the same time
-- and the key the batch statements select by.
CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY,
    id              TEXT    NOT NULL UNIQUE,
    channel         TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    dedupe_key      TEXT    UNIQUE,
    recipient       TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'sent', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    lease_owner     TEXT,
    last_error      TEXT    NOT NULL DEFAULT '',
    sent_at         INTEGER,
    dead_at         INTEGER,
    payload         BLOB    NOT NULL
) STRICT;

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
    id         TEXT    NOT NULL PRIMARY KEY,
    owner      TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    case_ref   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    read_at    INTEGER,
    payload    BLOB    NOT NULL
) STRICT;

-- InboxList: one owner's messages, newest first.
CREATE INDEX inbox_owner ON inbox (owner, created_at, id);
-- InboxUnreadCount: only unread messages are in this index.
CREATE INDEX inbox_unread ON inbox (owner, created_at, id) WHERE read_at IS NULL;

CREATE TABLE contacts (
    owner      TEXT    NOT NULL PRIMARY KEY,
    email      TEXT    NOT NULL,
    phone      TEXT    NOT NULL,
    lang       TEXT    NOT NULL,
    channels   TEXT,
    updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
