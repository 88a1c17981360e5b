-- Requests for disclosure of public records and the per-item decisions of
-- their secrecy review. Times are INTEGER unix microseconds in UTC.
CREATE TABLE disclosure_requests (
    id          TEXT    NOT NULL PRIMARY KEY,
    case_id     TEXT    NOT NULL REFERENCES cases (id),
    service     TEXT    NOT NULL,
    document_id TEXT    NOT NULL,
    requester   TEXT    NOT NULL,
    owner       TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    decision    BLOB,
    release     BLOB
) STRICT;
CREATE INDEX disclosure_requests_service ON disclosure_requests (service, status, created_at, id);

CREATE TABLE disclosure_decisions (
    request_id TEXT    NOT NULL REFERENCES disclosure_requests (id),
    flag_id    TEXT    NOT NULL,
    outcome    TEXT    NOT NULL,
    osl        TEXT    NOT NULL,
    reasoning  TEXT    NOT NULL,
    officer    TEXT    NOT NULL,
    decided_at INTEGER NOT NULL,
    PRIMARY KEY (request_id, flag_id)
) STRICT, WITHOUT ROWID;
