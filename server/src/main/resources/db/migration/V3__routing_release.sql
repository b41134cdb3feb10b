-- Treaty Exchange metadata, version 3: routing plans, the secretariat's release decisions, and
-- what was distributed to whom. Same portability rules as V1.

-- The distribution plan computed when a filing arrived (routing is pure logic; this keeps its
-- answer, so a release executes exactly what was decided and reviewed).
CREATE TABLE filing_plan (
    filing_id      VARCHAR(64)   NOT NULL,
    confidentiality VARCHAR(32)  NOT NULL,
    level_source   VARCHAR(32)   NOT NULL,
    recipients     VARCHAR(2048) NOT NULL,
    public_area    BOOLEAN       NOT NULL,
    needs_review   BOOLEAN       NOT NULL,
    review_reasons VARCHAR(4000) NOT NULL,
    CONSTRAINT filing_plan_pk PRIMARY KEY (filing_id),
    CONSTRAINT filing_plan_filing_fk FOREIGN KEY (filing_id) REFERENCES filing (id)
);

-- Every status change of a filing (pending, released, held, withdrawn), who decided, why, when.
CREATE TABLE filing_decision (
    filing_id  VARCHAR(64)   NOT NULL,
    seq        INTEGER       NOT NULL,
    status     VARCHAR(32)   NOT NULL,
    actor      VARCHAR(128)  NOT NULL,
    reason     VARCHAR(2000) NOT NULL,
    decided_at TIMESTAMP     NOT NULL,
    CONSTRAINT filing_decision_pk PRIMARY KEY (filing_id, seq),
    CONSTRAINT filing_decision_filing_fk FOREIGN KEY (filing_id) REFERENCES filing (id)
);

-- Who received a released filing. One row per (filing, State); the primary key makes a release
-- executed twice (e.g. resumed after a crash) distribute once.
CREATE TABLE distribution (
    filing_id      VARCHAR(64) NOT NULL,
    state_code     VARCHAR(16) NOT NULL,
    distributed_at TIMESTAMP   NOT NULL,
    CONSTRAINT distribution_pk PRIMARY KEY (filing_id, state_code),
    CONSTRAINT distribution_filing_fk FOREIGN KEY (filing_id) REFERENCES filing (id)
);

CREATE INDEX distribution_state_idx ON distribution (state_code, filing_id);
CREATE INDEX filing_status_idx ON filing (status, id);
