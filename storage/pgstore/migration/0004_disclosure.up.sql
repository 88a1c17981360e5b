-- Requests for disclosure of public records and the per-item decisions of
-- their secrecy review.
CREATE TABLE disclosure_requests (
    id          text COLLATE "C" NOT NULL PRIMARY KEY,
    case_id     text COLLATE "C" NOT NULL REFERENCES cases (id),
    service     text COLLATE "C" NOT NULL,
    document_id text COLLATE "C" NOT NULL,
    requester   text        NOT NULL,
    owner       text COLLATE "C" NOT NULL,
    status      text COLLATE "C" NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    decision    bytea,
    release     bytea
);
CREATE INDEX disclosure_requests_service ON disclosure_requests (service, status, created_at, id);

CREATE TABLE disclosure_decisions (
    request_id text COLLATE "C" NOT NULL REFERENCES disclosure_requests (id),
    flag_id    text COLLATE "C" NOT NULL,
    outcome    text        NOT NULL,
    osl        text        NOT NULL,
    reasoning  text        NOT NULL,
    officer    text        NOT NULL,
    decided_at timestamptz NOT NULL,
    PRIMARY KEY (request_id, flag_id)
);
