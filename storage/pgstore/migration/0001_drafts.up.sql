-- Drafts and their attachments. Times are timestamptz (microseconds, read
-- back in UTC). Identifiers and keys use the "C" collation, so they compare
-- and sort bytewise, as in SQLite, whatever the database's locale: paging by
-- AfterID and the ID tie-breaks depend on it.
CREATE TABLE drafts (
    id               text COLLATE "C" NOT NULL PRIMARY KEY,
    owner            text COLLATE "C" NOT NULL,
    form_id          text COLLATE "C" NOT NULL,
    form_version     bigint      NOT NULL,
    revision         bigint      NOT NULL,
    step             text        NOT NULL,
    completed_steps  text[],
    progress         bigint      NOT NULL,
    key_id           text COLLATE "C" NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    warned_at        timestamptz,
    attachment_count bigint      NOT NULL DEFAULT 0,
    attachment_bytes bigint      NOT NULL DEFAULT 0,
    payload          bytea       NOT NULL
);
-- Sealed payloads are ciphertext: compressing them only costs CPU. EXTERNAL
-- keeps large values out of line without trying.
ALTER TABLE drafts ALTER COLUMN payload SET STORAGE EXTERNAL;

-- DraftList: one owner's drafts, newest first (a backward scan of this
-- index), so its cost does not grow with other owners' drafts.
CREATE INDEX drafts_owner_updated ON drafts (owner, updated_at, id);

-- DraftDeleteExpired and DraftListExpiring: ordered by expiry.
CREATE INDEX drafts_expires ON drafts (expires_at, id);

-- DraftListForReseal: the primary key walks IDs in order.

CREATE TABLE attachments (
    id           text COLLATE "C" NOT NULL PRIMARY KEY,
    draft_id     text COLLATE "C" NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    owner        text COLLATE "C" NOT NULL,
    field_path   text        NOT NULL,
    content_type text        NOT NULL,
    size         bigint      NOT NULL,
    sha256       bytea       NOT NULL,
    key_id       text COLLATE "C" NOT NULL,
    created_at   timestamptz NOT NULL,
    payload      bytea       NOT NULL
);
ALTER TABLE attachments ALTER COLUMN payload SET STORAGE EXTERNAL;

-- AttachmentList, and the cascade from drafts.
CREATE INDEX attachments_draft ON attachments (draft_id, created_at, id);
