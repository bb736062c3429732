-- A third staff role, 'administrator': keeps the national trust list, and is the only role that
-- may mark an issuer key compromised over HTTP (issue 15, Low).
ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff ADD CONSTRAINT staff_role_check CHECK (role IN ('issuer', 'reviewer', 'administrator'));
