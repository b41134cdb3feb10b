-- Treaty Exchange metadata, version 6: SFTP submission ids, the clients' idempotency keys.
-- Same portability rules as V1 (runs on Derby and PostgreSQL).
-- A manifest may carry a submissionId chosen by the client; the first document filed under it is
-- recorded here, in the filing's own transaction. A later upload under the same id by the same State
-- files nothing: the same document (name, report type, SHA-256) is answered with the original filing,
-- another document is refused. Kept forever, like message ids.
CREATE TABLE submission (
    state_code    VARCHAR(16)   NOT NULL,
    submission_id VARCHAR(64)   NOT NULL,
    filing_id     VARCHAR(64)   NOT NULL,
    sha256        VARCHAR(64)   NOT NULL,
    file_name     VARCHAR(1024) NOT NULL,
    report_type   VARCHAR(128)  NOT NULL,
    account       VARCHAR(128)  NOT NULL,
    received_at   TIMESTAMP     NOT NULL,
    CONSTRAINT submission_pk PRIMARY KEY (state_code, submission_id),
    CONSTRAINT submission_filing_fk FOREIGN KEY (filing_id) REFERENCES filing (id)
);
