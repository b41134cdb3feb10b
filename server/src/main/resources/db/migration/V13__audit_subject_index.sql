-- Treaty Exchange metadata, version 13: the audit events about one thing (a filing's page in the
-- secretariat's console lists the events whose subject is its id) are found through an index, not by
-- reading the whole chain. Same portability rules as V1.
CREATE INDEX audit_event_subject_idx ON audit_event (subject, seq);
