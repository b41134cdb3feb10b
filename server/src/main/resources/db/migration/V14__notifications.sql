-- E-mail notifications (an outbox): each mail is written in the transaction of the event that causes it
-- (a filing received, released or held; a deadline reminder), then sent by a background sender on any
-- node. A sender claims a row with a conditional UPDATE (status and claim time), so that one mail is sent
-- once however many nodes share the database. Portable SQL as in V1. Mails hold no document byte: ids,
-- titles chosen by the State and links only (SECURITY.md).
CREATE TABLE notification (
    id              BIGINT        NOT NULL,
    recipient       VARCHAR(320)  NOT NULL,
    template        VARCHAR(40)   NOT NULL,
    filing_id       VARCHAR(64),
    state_code      VARCHAR(16),
    subject         VARCHAR(400)  NOT NULL,
    body            VARCHAR(8000) NOT NULL,
    attach_receipt  BOOLEAN       NOT NULL,
    status          VARCHAR(16)   NOT NULL,
    attempts        INTEGER       NOT NULL,
    next_attempt_at TIMESTAMP     NOT NULL,
    claimed_by      VARCHAR(64),
    created_at      TIMESTAMP     NOT NULL,
    sent_at         TIMESTAMP,
    last_error      VARCHAR(512),
    CONSTRAINT notification_pk PRIMARY KEY (id)
);

-- The sender's scan: what is due, oldest first.
CREATE INDEX notification_due_idx ON notification (status, next_attempt_at, id);

-- One deadline reminder per State, obligation (report type and period, '-' for the initial report) and
-- reminder (days before, or 'overdue'): the row is written with the reminder's mails, so a restart or a
-- second node does not send it again.
CREATE TABLE notification_reminder (
    state_code  VARCHAR(16)  NOT NULL,
    report_type VARCHAR(128) NOT NULL,
    period      VARCHAR(64)  NOT NULL,
    reminder    VARCHAR(16)  NOT NULL,
    noted_at    TIMESTAMP    NOT NULL,
    CONSTRAINT notification_reminder_pk PRIMARY KEY (state_code, report_type, period, reminder)
);
