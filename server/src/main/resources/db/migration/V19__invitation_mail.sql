-- Enrolment invitations by e-mail (issue 24): the outbox row of an invitation carries the link's token sealed
-- under the server's master keys (crypto/SealedSecrets, as person_totp), never in clear: the body holds a
-- placeholder the sender fills in memory. The seal is wiped (set to NULL) once the mail is sent or failed for
-- good. change_id ties the row to its delegated change: held (status 'held') until the change is applied.
ALTER TABLE notification ADD COLUMN change_id VARCHAR(40);
ALTER TABLE notification ADD COLUMN sealed_key_id VARCHAR(64);
ALTER TABLE notification ADD COLUMN sealed_secret VARCHAR(1000);
