-- Treaty Exchange metadata, version 7: what a small upload costs must not grow with the account's
-- history (issue 7, bench part b). Same portability rules as V1 (runs on Derby and PostgreSQL).
-- (V6 is the SFTP submission ids.)
--
-- The bytes every filing of an account has taken, kept in step with the filing table in the same
-- transaction that inserts a filing (JdbcFilingRecords.insert), so the quota check is one row
-- instead of a sum over all the account's filings.
CREATE TABLE account_usage (
    account     VARCHAR(128) NOT NULL,
    bytes_used  BIGINT       NOT NULL,
    CONSTRAINT account_usage_pk PRIMARY KEY (account)
);
INSERT INTO account_usage (account, bytes_used)
    SELECT account, SUM(size_bytes) FROM filing GROUP BY account;

-- "Is this filing superseded?" for one document's SFTP path, without listing the State's filings.
CREATE INDEX filing_supersedes_idx ON filing (supersedes);
