-- The signed result document of an application whose result is not a certificate (issue 17):
-- its title, its text and the `SMR1:` code binding that text (core::application::result), once
-- per application. Written before the application moves to "result issued", so a retry after a
-- crash finds it and signs nothing twice.
CREATE TABLE application_result (
    application_id  BLOB PRIMARY KEY NOT NULL REFERENCES application (id),
    title           TEXT NOT NULL,
    text            TEXT NOT NULL,
    code            TEXT NOT NULL,
    issued_at       INTEGER NOT NULL
) STRICT;

-- The escalation sweep: open branches flagged overdue, by due date.
CREATE INDEX application_branch_escalation ON application_branch (due) WHERE open = 1 AND overdue = 1;
