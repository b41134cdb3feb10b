-- Treaty Exchange metadata, version 10: notices of refused uploads (issue 19). Same portability rules
-- as V1 (runs on Derby and PostgreSQL).
--
-- The stock OpenSSH sftp prints only its own words for a status ("Permission denied"), never the
-- server's reason. So every refused upload also leaves a short notice the State reads in its own tree
-- (/receipts/refused/<file_name>): what was refused, when, the reason code and the server's message.
-- Never a document byte. Kept until expires_at (limits.refusalNoticeRetention), then purged.
CREATE TABLE refusal_notice (
    state_code      VARCHAR(16)    NOT NULL,
    file_name       VARCHAR(160)   NOT NULL,
    account         VARCHAR(128)   NOT NULL,
    channel         VARCHAR(16)    NOT NULL,
    target          VARCHAR(1200)  NOT NULL,
    reason_code     VARCHAR(64)    NOT NULL,
    message         VARCHAR(1200)  NOT NULL,
    bytes_received  BIGINT         NOT NULL,
    refused_at      TIMESTAMP      NOT NULL,
    expires_at      TIMESTAMP      NOT NULL,
    CONSTRAINT refusal_notice_pk PRIMARY KEY (state_code, file_name)
);
CREATE INDEX refusal_notice_expiry_idx ON refusal_notice (expires_at);
