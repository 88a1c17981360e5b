-- Registered cases (inkomna handlingar), their documents, secrecy flags,
-- hash-chained audit log and the yearly reference sequences. Records and
-- documents never change.

-- One row per (prefix, year). ReferenceNext upserts it and keeps its row
-- lock until the transaction ends, so the numbers are unique and gap-free
-- across every instance sharing the database.
CREATE TABLE reference_sequences (
    prefix text COLLATE "C" NOT NULL,
    year   bigint NOT NULL,
    last   bigint NOT NULL,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE cases (
    id              text COLLATE "C" NOT NULL PRIMARY KEY,
    reference       text COLLATE "C" NOT NULL UNIQUE,
    prefix          text COLLATE "C" NOT NULL,
    year            bigint      NOT NULL,
    seq             bigint      NOT NULL,
    service         text COLLATE "C" NOT NULL,
    form_version    bigint      NOT NULL,
    owner           text COLLATE "C" NOT NULL,
    draft_id        text COLLATE "C" NOT NULL UNIQUE,
    idempotency_key text COLLATE "C",
    status          text COLLATE "C" NOT NULL,
    status_label    text        NOT NULL,
    subject_line    text        NOT NULL,
    received_at     timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    digest          bytea       NOT NULL,
    manifest        bytea       NOT NULL,
    audit_seq       bigint      NOT NULL DEFAULT 0,
    audit_head      bytea,
    record          bytea       NOT NULL,
    UNIQUE (prefix, year, seq)
);

CREATE UNIQUE INDEX cases_owner_idempotency ON cases (owner, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX cases_owner_received ON cases (owner, received_at, id);
CREATE INDEX cases_service_received ON cases (service, received_at, id);

-- pos orders a case's documents (and flags) by insertion; an identity
-- column needs no count(*) under concurrent inserts.
CREATE TABLE case_documents (
    pos          bigint GENERATED ALWAYS AS IDENTITY,
    id           text COLLATE "C" NOT NULL PRIMARY KEY,
    case_id      text COLLATE "C" NOT NULL REFERENCES cases (id),
    kind         text        NOT NULL,
    name         text        NOT NULL,
    content_type text        NOT NULL,
    size         bigint      NOT NULL,
    digest       bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    content      bytea       NOT NULL
);
CREATE INDEX case_documents_case ON case_documents (case_id, pos);

CREATE TABLE secrecy_flags (
    pos         bigint GENERATED ALWAYS AS IDENTITY,
    id          text COLLATE "C" NOT NULL PRIMARY KEY,
    case_id     text COLLATE "C" NOT NULL REFERENCES cases (id),
    document_id text COLLATE "C" NOT NULL,
    path        text    NOT NULL,
    kind        text    NOT NULL,
    reason      text    NOT NULL,
    osl         text[]  NOT NULL,
    article9    boolean NOT NULL
);
CREATE INDEX secrecy_flags_case ON secrecy_flags (case_id, pos);

CREATE TABLE audit_log (
    case_id   text COLLATE "C" NOT NULL REFERENCES cases (id),
    seq       bigint      NOT NULL,
    at        timestamptz NOT NULL,
    actor     text        NOT NULL,
    event     text        NOT NULL,
    data      bytea       NOT NULL,
    prev_hash bytea       NOT NULL,
    hash      bytea       NOT NULL,
    PRIMARY KEY (case_id, seq)
);
