-- 009: online applications (issue 17). An application holds the form's answers, presentations
-- of the citizen's certificates and the files they chose: all personal, so each record is sealed
-- under the data key as JSON bound to its id (`sealed`), and each upload's bytes likewise, bound
-- to the application id and the file's digest. In the clear only what the outbox needs to order
-- and find rows: the random application id, when it was made, and whether it is still waiting.
CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    waiting INTEGER NOT NULL CHECK (waiting IN (0, 1)),
    sealed BLOB NOT NULL
) STRICT;

CREATE INDEX applications_by_time ON applications (created_at DESC);

CREATE TABLE application_uploads (
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (application_id, sha256)
) STRICT;
