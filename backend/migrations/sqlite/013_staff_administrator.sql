-- A third staff role, 'administrator': keeps the national trust list, and is the only role that
-- may mark an issuer key compromised over HTTP (issue 15, Low). SQLite cannot change a CHECK
-- constraint in place, so the table is rebuilt under the same name with the same rows and ids.
-- Its children (staff_login_failure, liveness_case) keep pointing at it: the foreign keys are
-- checked at commit, when every staff id they name is back.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE staff_before_013 AS SELECT * FROM staff;
DROP TABLE staff;
CREATE TABLE staff (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    login            TEXT NOT NULL UNIQUE,
    department_code  TEXT NOT NULL REFERENCES department (code),
    role             TEXT NOT NULL CHECK (role IN ('issuer', 'reviewer', 'administrator')),
    password_salt    BLOB NOT NULL,
    password_hash    BLOB NOT NULL
) STRICT;
INSERT INTO staff (id, login, department_code, role, password_salt, password_hash)
    SELECT id, login, department_code, role, password_salt, password_hash FROM staff_before_013;
DROP TABLE staff_before_013;
