-- Consent for identity requests (issue 20): a party may decline to confirm a registration case,
-- saying why, and the registrar sees the refusal. A party either confirms or declines, once.
-- The answer is due seven days after the case was opened (computed from `created_at`).
ALTER TABLE case_party ADD COLUMN declined_at BIGINT;
-- 'refused' (the party does not agree) or 'not_me' (the party did not ask for this case)
ALTER TABLE case_party ADD COLUMN decline_reason TEXT CHECK (decline_reason IN ('refused', 'not_me'));
