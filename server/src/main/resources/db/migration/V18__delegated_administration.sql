-- Delegated administration (issue 24): what a State administrator asked to change in its State's accounts,
-- and the one-time enrolment invitations it sent. Portable SQL as in V1 (runs on Derby and PostgreSQL).
--
-- A delegated change: who asked (account, State), the action and its payload (JSON: the account, the key or
-- certificate, the block of a removed account so that the secretariat can undo it), where it stands
-- (pending the secretariat's approval, applied, refused, undone), who approved, refused or undid it, and
-- when. Rows are never deleted: with the audit log they are the State's and the secretariat's history.
-- Status changes are conditional UPDATEs (WHERE status = ...), so two secretariat people deciding at once
-- on two nodes cannot both succeed.
CREATE TABLE delegated_change (
    id           VARCHAR(40)    NOT NULL,
    state_code   VARCHAR(16)    NOT NULL,
    requested_by VARCHAR(128)   NOT NULL,
    action       VARCHAR(32)    NOT NULL,
    target       VARCHAR(128)   NOT NULL,
    summary      VARCHAR(512)   NOT NULL,
    payload      VARCHAR(16000) NOT NULL,
    status       VARCHAR(16)    NOT NULL,
    decided_by   VARCHAR(128),
    reason       VARCHAR(512),
    requested_at TIMESTAMP      NOT NULL,
    decided_at   TIMESTAMP,
    undone_by    VARCHAR(128),
    undone_at    TIMESTAMP,
    CONSTRAINT delegated_change_pk PRIMARY KEY (id)
);
CREATE INDEX delegated_change_state_idx ON delegated_change (state_code, requested_at);
CREATE INDEX delegated_change_status_idx ON delegated_change (status, requested_at);

-- A one-time enrolment invitation. Only the SHA-256 of the token (the secret part of the link) is stored,
-- so a copy of this table enrols nobody; it works until expires_at, once (used_at set by a conditional
-- UPDATE), and only once its change (change_id) is applied.
CREATE TABLE enrolment_invitation (
    token_hash  VARCHAR(64)  NOT NULL,
    account     VARCHAR(128) NOT NULL,
    state_code  VARCHAR(16)  NOT NULL,
    change_id   VARCHAR(40)  NOT NULL,
    created_by  VARCHAR(128) NOT NULL,
    created_at  TIMESTAMP    NOT NULL,
    expires_at  TIMESTAMP    NOT NULL,
    used_at     TIMESTAMP,
    CONSTRAINT enrolment_invitation_pk PRIMARY KEY (token_hash),
    CONSTRAINT enrolment_invitation_change_fk FOREIGN KEY (change_id) REFERENCES delegated_change (id)
);
CREATE INDEX enrolment_invitation_account_idx ON enrolment_invitation (account);

-- A State administrator's page shows each account's last login: the newest auth.success of the account.
CREATE INDEX audit_event_actor_idx ON audit_event (actor, type, seq);
