-- Treaty Exchange metadata, version 5: standing instructions a State set with a signed message of
-- its own. Same portability rules as V1 (runs on Derby and PostgreSQL).
-- One row per (State, report type): the State's latest word. It overrides the registry's entry for
-- that report type; a NULL level records that the State withdrew its instruction, so the report
-- type's configured default applies. The signed message itself is kept in message/.
CREATE TABLE standing_instruction (
    state_code      VARCHAR(16)   NOT NULL,
    report_type     VARCHAR(128)  NOT NULL,
    confidentiality VARCHAR(32),
    named_states    VARCHAR(2048) NOT NULL,
    message_id      VARCHAR(128)  NOT NULL,
    account         VARCHAR(128)  NOT NULL,
    set_at          TIMESTAMP     NOT NULL,
    CONSTRAINT standing_instruction_pk PRIMARY KEY (state_code, report_type)
);
