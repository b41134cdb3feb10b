-- Treaty Exchange metadata, version 2: signed messages and each State's inbound queue.
-- Same portability rules as V1.

-- Every accepted signed message, kept forever: a message id is unique per sender for ever, so
-- a resend is recognised (same envelope digest: the original receipt is returned) or refused
-- (other content under a used id). sender is a State's code or 'secretariat'. The State's signed
-- envelope itself is kept, encrypted, as a blob (proof of what was signed).
CREATE TABLE message (
    sender             VARCHAR(16)    NOT NULL,
    message_id         VARCHAR(128)   NOT NULL,
    kind               VARCHAR(32)    NOT NULL,
    account            VARCHAR(128)   NOT NULL,
    signer_fingerprint VARCHAR(64)    NOT NULL,
    envelope_sha256    VARCHAR(64)    NOT NULL,
    envelope_blob_id   VARCHAR(64)    NOT NULL,
    envelope_size      BIGINT         NOT NULL,
    received_at        TIMESTAMP      NOT NULL,
    receipt            VARCHAR(32000) NOT NULL,
    CONSTRAINT message_pk PRIMARY KEY (sender, message_id)
);

-- Which filings a message's documents became.
CREATE TABLE message_filing (
    sender     VARCHAR(16)  NOT NULL,
    message_id VARCHAR(128) NOT NULL,
    filing_id  VARCHAR(64)  NOT NULL,
    CONSTRAINT message_filing_pk PRIMARY KEY (sender, message_id, filing_id),
    CONSTRAINT message_filing_message_fk FOREIGN KEY (sender, message_id) REFERENCES message (sender, message_id),
    CONSTRAINT message_filing_filing_fk FOREIGN KEY (filing_id) REFERENCES filing (id)
);

-- A State's inbound queue: messages from the secretariat and filings distributed to it. Each
-- entry's server-signed item is an encrypted blob. seq comes from inbox_counter (locked by its
-- UPDATE, like the audit head), so it is unique across nodes.
CREATE TABLE inbox_entry (
    seq             BIGINT        NOT NULL,
    state_code      VARCHAR(16)   NOT NULL,
    kind            VARCHAR(32)   NOT NULL,
    item_id         VARCHAR(64)   NOT NULL,
    title           VARCHAR(1024) NOT NULL,
    created_at      TIMESTAMP     NOT NULL,
    item_blob_id    VARCHAR(64)   NOT NULL,
    item_size       BIGINT        NOT NULL,
    acknowledged_at TIMESTAMP,
    CONSTRAINT inbox_entry_pk PRIMARY KEY (seq)
);

CREATE INDEX inbox_entry_state_idx ON inbox_entry (state_code, seq);
CREATE UNIQUE INDEX inbox_entry_item_idx ON inbox_entry (state_code, item_id);

CREATE TABLE inbox_counter (
    id  SMALLINT NOT NULL,
    seq BIGINT   NOT NULL,
    CONSTRAINT inbox_counter_pk PRIMARY KEY (id),
    CONSTRAINT inbox_counter_single CHECK (id = 1)
);

INSERT INTO inbox_counter (id, seq) VALUES (1, 0);
