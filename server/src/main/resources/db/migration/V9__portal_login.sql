-- Treaty Exchange metadata, version 9: the browser portal's logins (issue 16). Same portability rules
-- as V1 (runs on Derby and PostgreSQL). In the database, not in a node's memory, so that every node
-- behind the load balancer knows every session and every used one-time code.
--
-- A portal session. Only the SHA-256 of the session id (the cookie's value) is stored: a copy of this
-- table opens no session. A row is at a stage of the login: 'second-factor' (password proved, code
-- awaited), 'enrol' (password proved, TOTP being enrolled) or 'signed-in'; the guard admits only the
-- last. Login gives a new id (the pre-login row is deleted), logout deletes the row.
CREATE TABLE portal_session (
    id_hash       VARCHAR(64)   NOT NULL,
    account       VARCHAR(128)  NOT NULL,
    stage         VARCHAR(16)   NOT NULL,
    credential    VARCHAR(128)  NOT NULL,
    source        VARCHAR(256)  NOT NULL,
    created_at    TIMESTAMP     NOT NULL,
    last_seen_at  TIMESTAMP     NOT NULL,
    CONSTRAINT portal_session_pk PRIMARY KEY (id_hash)
);
CREATE INDEX portal_session_account_idx ON portal_session (account);
CREATE INDEX portal_session_seen_idx ON portal_session (last_seen_at);

-- A person's TOTP secret, sealed under a data key wrapped by master key master_key_id (base64; never in
-- clear), whether its enrolment was confirmed with a valid code, and the last time step whose code was
-- accepted: a code of that step or an earlier one is refused, so each code works once, on every node.
CREATE TABLE person_totp (
    account        VARCHAR(128)  NOT NULL,
    master_key_id  VARCHAR(128)  NOT NULL,
    sealed_secret  VARCHAR(1024) NOT NULL,
    confirmed      BOOLEAN       NOT NULL,
    last_step      BIGINT        NOT NULL,
    changed_at     TIMESTAMP     NOT NULL,
    CONSTRAINT person_totp_pk PRIMARY KEY (account)
);
