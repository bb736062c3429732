-- Failed staff logins in a row, and the lock they put on the account (issue 15, finding 14).
CREATE TABLE staff_login_failure (
    staff_id      INTEGER PRIMARY KEY NOT NULL REFERENCES staff (id),
    failures      INTEGER NOT NULL,
    locked_until  INTEGER
) STRICT;
