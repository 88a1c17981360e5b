-- Registered cases (inkomna handlingar), their documents, secrecy flags,
-- hash-chained audit log and the yearly reference sequences. Times are
-- INTEGER unix microseconds in UTC. Records and documents never change.
CREATE TABLE reference_sequences (
    prefix TEXT    NOT NULL,
    year   INTEGER NOT NULL,
    last   INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
) STRICT, WITHOUT ROWID;

CREATE TABLE cases (
    id              TEXT    NOT NULL PRIMARY KEY,
    reference       TEXT    NOT NULL UNIQUE,
    prefix          TEXT    NOT NULL,
    year            INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    service         TEXT    NOT NULL,
    form_version    INTEGER NOT NULL,
    owner           TEXT    NOT NULL,
    draft_id        TEXT    NOT NULL UNIQUE,
    idempotency_key TEXT,
    status          TEXT    NOT NULL,
    status_label    TEXT    NOT NULL,
    subject_line    TEXT    NOT NULL,
    received_at     INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    digest          BLOB    NOT NULL,
    manifest        BLOB    NOT NULL,
    audit_seq       INTEGER NOT NULL DEFAULT 0,
    audit_head      BLOB,
    record          BLOB    NOT NULL,
    UNIQUE (prefix, year, seq)
) STRICT;

CREATE UNIQUE INDEX cases_owner_idempotency ON cases (owner, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX cases_owner_received ON cases (owner, received_at, id);
CREATE INDEX cases_service_received ON cases (service, received_at, id);

CREATE TABLE case_documents (
    id           TEXT    NOT NULL PRIMARY KEY,
    case_id      TEXT    NOT NULL REFERENCES cases (id),
    pos          INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    digest       BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    content      BLOB    NOT NULL
) STRICT;
CREATE INDEX case_documents_case ON case_documents (case_id, pos);

CREATE TABLE secrecy_flags (
    id          TEXT    NOT NULL PRIMARY KEY,
    case_id     TEXT    NOT NULL REFERENCES cases (id),
    pos         INTEGER NOT NULL,
    document_id TEXT    NOT NULL,
    path        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    osl         TEXT    NOT NULL,
    article9    INTEGER NOT NULL
) STRICT;
CREATE INDEX secrecy_flags_case ON secrecy_flags (case_id, pos);

CREATE TABLE audit_log (
    case_id   TEXT    NOT NULL REFERENCES cases (id),
    seq       INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    event     TEXT    NOT NULL,
    data      BLOB    NOT NULL,
    prev_hash BLOB    NOT NULL,
    hash      BLOB    NOT NULL,
    PRIMARY KEY (case_id, seq)
) STRICT, WITHOUT ROWID;
