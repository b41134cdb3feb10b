-- RFC 3161 timestamps of receipts (issue 21), when receipts.timestamping is configured. A row is written in the
-- transaction that records the receipt (so a crash right after the commit loses no request), then the server
-- asks the configured time-stamping authorities outside any transaction. The receipt as first issued stays
-- unchanged in receipt.cms / message.receipt; the timestamped receipt (the same signature, with the token as its
-- unsigned signature-time-stamp attribute) is kept here, beside it, and is what every channel serves once it exists.
-- receipt_ref: a filing's id, or <sender>/<message id> for a message's receipt (filing ids never hold a '/').
-- status: pending (asked, next try at next_attempt), stamped, abandoned (max attempts reached; audited).
-- Portable SQL, as V1: runs unchanged on Derby and PostgreSQL.
CREATE TABLE receipt_timestamp (
    receipt_ref  VARCHAR(256)   NOT NULL,
    status       VARCHAR(16)    NOT NULL,
    requested_at TIMESTAMP      NOT NULL,
    attempts     BIGINT         NOT NULL,
    next_attempt TIMESTAMP      NOT NULL,
    stamped_at   TIMESTAMP,
    stamped_cms  VARCHAR(32000),
    CONSTRAINT receipt_timestamp_pk PRIMARY KEY (receipt_ref)
);

-- due(): the pending rows whose next try has come.
CREATE INDEX receipt_timestamp_due_idx ON receipt_timestamp (status, next_attempt);
