-- Enrolment codes: who issued each (the audit), when, and at most one outstanding per citizen.
-- Codes are now stored by a keyed hash (HMAC under the server's code key), so the codes stored
-- by their plain SHA-256 before this migration can no longer be matched: they are withdrawn.
ALTER TABLE enrolment_code ADD COLUMN issued_by INTEGER;
ALTER TABLE enrolment_code ADD COLUMN issued_at INTEGER;
ALTER TABLE enrolment_code ADD COLUMN withdrawn_at INTEGER;
UPDATE enrolment_code SET withdrawn_at = expires_at WHERE used_at IS NULL;
CREATE UNIQUE INDEX enrolment_code_outstanding ON enrolment_code (citizen_id_number)
    WHERE used_at IS NULL AND withdrawn_at IS NULL;
