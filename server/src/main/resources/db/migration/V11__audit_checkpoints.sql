-- Signed checkpoints of the audit chain's head (issue 21). The server signs one at an interval, when the
-- head moved, with its receipt key: CMS SignedData (DER, base64) over a small JSON statement naming seq and
-- hash, which also carries them as its signed anchor attribute. A checkpoint is evidence outside the chain:
-- a chain that later ends before one, or has another hash at its seq, was cut or rewritten.
-- Portable SQL, as V1: runs unchanged on Derby and PostgreSQL.
CREATE TABLE audit_checkpoint (
    seq       BIGINT         NOT NULL,
    hash      VARCHAR(64)    NOT NULL,
    signed_at TIMESTAMP      NOT NULL,
    cms       VARCHAR(16000) NOT NULL,
    CONSTRAINT audit_checkpoint_pk PRIMARY KEY (seq)
);
