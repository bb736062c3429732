-- The service catalogue (issue 16): one global version counter, each service's current guide,
-- and one row per change. A change runs `UPDATE catalogue_head SET version = version + 1
-- RETURNING version` first: the row lock it takes is held to commit, so versions commit in the
-- order they are drawn and a reader never sees version N+1 before N (tests/catalogue_cursor.rs).
-- The guide is the JSON of a `shimin_wire::catalogue::ServiceDocument`, parsed into
-- `core::catalogue::guide::Service` on every write and every read.
CREATE TABLE catalogue_head (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  BIGINT NOT NULL CHECK (version >= 0)
);
INSERT INTO catalogue_head (id, version) VALUES (1, 0);

CREATE TABLE catalogue_service (
    code        TEXT PRIMARY KEY NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'cancelled')),
    version     BIGINT NOT NULL UNIQUE,
    popularity  BIGINT NOT NULL,
    document    JSONB NOT NULL
);

CREATE TABLE catalogue_change (
    version     BIGINT PRIMARY KEY,
    op          TEXT NOT NULL CHECK (op IN ('add', 'change', 'split', 'merge', 'suspend', 'cancel')),
    code        TEXT NOT NULL REFERENCES catalogue_service (code),
    created_at  BIGINT NOT NULL
);
