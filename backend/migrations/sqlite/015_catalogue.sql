-- The service catalogue (issue 16): one global version counter, each service's current guide,
-- and one row per change. A change bumps `catalogue_head`, writes the service row at the new
-- version and inserts the change row, in one transaction (SQLite has one writer, so versions
-- commit in order). The guide is the JSON of a `shimin_wire::catalogue::ServiceDocument`,
-- parsed into `core::catalogue::guide::Service` on every write and every read.
CREATE TABLE catalogue_head (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL CHECK (version >= 0)
) STRICT;
INSERT INTO catalogue_head (id, version) VALUES (1, 0);

CREATE TABLE catalogue_service (
    code        TEXT PRIMARY KEY NOT NULL,
    -- 'active', 'suspended' or 'cancelled' (the document's own status, kept for the snapshot)
    status      TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'cancelled')),
    -- the version of the change that last wrote it; one service per version
    version     INTEGER NOT NULL UNIQUE,
    popularity  INTEGER NOT NULL,
    document    TEXT NOT NULL
) STRICT;

CREATE TABLE catalogue_change (
    version     INTEGER PRIMARY KEY,
    op          TEXT NOT NULL CHECK (op IN ('add', 'change', 'split', 'merge', 'suspend', 'cancel')),
    code        TEXT NOT NULL REFERENCES catalogue_service (code),
    created_at  INTEGER NOT NULL
) STRICT;
