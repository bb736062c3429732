-- The idempotency key a staff client chose for an issuance: a retried request with the same key
-- finds the certificate the first one stored instead of issuing a second. Unique per department;
-- certificates issued without a key (NULL) never clash.
ALTER TABLE certificate ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX certificate_request_key ON certificate (department_code, request_key);
