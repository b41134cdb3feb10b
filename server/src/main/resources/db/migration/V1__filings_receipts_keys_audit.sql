-- Treaty Exchange metadata, version 1.
-- Portable SQL: must run unchanged on Apache Derby and PostgreSQL. Only VARCHAR, BIGINT, SMALLINT,
-- BOOLEAN and TIMESTAMP; no vendor functions, no identity columns, no quoted identifiers; column
-- names avoid the reserved words of both (hence occurred_at, not "at"). Timestamps hold UTC.
-- Binary values (wrapped keys, CMS receipts) are base64 text.

CREATE TABLE filing (
    id              VARCHAR(64)   NOT NULL,
    state_code      VARCHAR(16)   NOT NULL,
    account         VARCHAR(128)  NOT NULL,
    key_fingerprint VARCHAR(256),
    channel         VARCHAR(16)   NOT NULL,
    file_name       VARCHAR(1024) NOT NULL,
    report_type     VARCHAR(128)  NOT NULL,
    reporting_period VARCHAR(64),
    confidentiality VARCHAR(32)   NOT NULL,
    named_states    VARCHAR(2048) NOT NULL,
    withheld        BOOLEAN       NOT NULL,
    supersedes      VARCHAR(64),
    size_bytes      BIGINT        NOT NULL,
    sha256          VARCHAR(64)   NOT NULL,
    blob_id         VARCHAR(64)   NOT NULL,
    received_at     TIMESTAMP     NOT NULL,
    status          VARCHAR(32)   NOT NULL,
    CONSTRAINT filing_pk PRIMARY KEY (id)
);

-- list(state), list(account): ordered by id.
CREATE INDEX filing_state_idx ON filing (state_code, id);
CREATE INDEX filing_account_idx ON filing (account, id);
-- latestByName: the newest filing under one name.
CREATE INDEX filing_name_idx ON filing (state_code, report_type, confidentiality, file_name, id);

-- The server-signed CMS receipt of a filing (DER, base64). Receipts are a few KB; 32000 base64
-- characters hold 24000 bytes and stay under Derby's VARCHAR limit of 32672.
CREATE TABLE receipt (
    filing_id VARCHAR(64)    NOT NULL,
    cms       VARCHAR(32000) NOT NULL,
    CONSTRAINT receipt_pk PRIMARY KEY (filing_id),
    CONSTRAINT receipt_filing_fk FOREIGN KEY (filing_id) REFERENCES filing (id)
);

-- Each document's data key, wrapped by a master key (base64).
CREATE TABLE document_key (
    blob_id       VARCHAR(64)   NOT NULL,
    master_key_id VARCHAR(128)  NOT NULL,
    wrapped_key   VARCHAR(2048) NOT NULL,
    CONSTRAINT document_key_pk PRIMARY KEY (blob_id)
);

-- notWrappedBy: rotation finds rows under an old master key.
CREATE INDEX document_key_master_idx ON document_key (master_key_id, blob_id);

-- The append-only, hash-chained audit log. The server never updates or deletes a row.
CREATE TABLE audit_event (
    seq         BIGINT        NOT NULL,
    occurred_at TIMESTAMP     NOT NULL,
    type        VARCHAR(64)   NOT NULL,
    actor       VARCHAR(256)  NOT NULL,
    source      VARCHAR(256)  NOT NULL,
    subject     VARCHAR(1024) NOT NULL,
    outcome     VARCHAR(16)   NOT NULL,
    details     VARCHAR(8000) NOT NULL,
    prev_hash   VARCHAR(64)   NOT NULL,
    hash        VARCHAR(64)   NOT NULL,
    CONSTRAINT audit_event_pk PRIMARY KEY (seq)
);

-- The chain's head, one row. Appenders lock it with an UPDATE first, which serialises them,
-- also across server nodes sharing one database.
CREATE TABLE audit_head (
    id   SMALLINT    NOT NULL,
    seq  BIGINT      NOT NULL,
    hash VARCHAR(64) NOT NULL,
    CONSTRAINT audit_head_pk PRIMARY KEY (id),
    CONSTRAINT audit_head_single CHECK (id = 1)
);

INSERT INTO audit_head (id, seq, hash)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
