-- Drafts and their attachments. Times are INTEGER unix microseconds in UTC.
-- The sealed payload is the last column so that reading the columns before it
-- never follows the payload's overflow pages.
CREATE TABLE drafts (
    id               TEXT    NOT NULL PRIMARY KEY,
    owner            TEXT    NOT NULL,
    form_id          TEXT    NOT NULL,
    form_version     INTEGER NOT NULL,
    revision         INTEGER NOT NULL,
    step             TEXT    NOT NULL,
    completed_steps  TEXT,
    progress         INTEGER NOT NULL,
    key_id           TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    warned_at        INTEGER,
    attachment_count INTEGER NOT NULL DEFAULT 0,
    attachment_bytes INTEGER NOT NULL DEFAULT 0,
    payload          BLOB    NOT NULL
) STRICT;

-- DraftList: one owner's drafts, newest first. The index covers every column
-- the list returns, so a list reads one contiguous run of index entries and
-- never the table: its cost does not grow with other owners' drafts.
-- (updated_at changes on every save, so the entry is rewritten anyway.)
CREATE INDEX drafts_owner_updated ON drafts (owner, updated_at, id, form_id, form_version, revision, step,
    completed_steps, progress, key_id, created_at, expires_at, warned_at, attachment_count, attachment_bytes);

-- DraftDeleteExpired and DraftListExpiring: ordered by expiry.
CREATE INDEX drafts_expires ON drafts (expires_at, id);

CREATE TABLE attachments (
    id           TEXT    NOT NULL PRIMARY KEY,
    draft_id     TEXT    NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    owner        TEXT    NOT NULL,
    field_path   TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       BLOB    NOT NULL,
    key_id       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    payload      BLOB    NOT NULL
) STRICT;

-- AttachmentList, and the cascade from drafts.
CREATE INDEX attachments_draft ON attachments (draft_id, created_at, id);
