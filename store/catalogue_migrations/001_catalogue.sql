-- 001: the offline service catalogue (catalogue.db, beside the wallet): public data, not sealed,
-- usable before any wallet exists. `version` is the catalogue version held; each service row is
-- the guide's JSON as the backend sent it, at the version that last changed it.
CREATE TABLE catalogue_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL CHECK (version >= 0),
    synced_at INTEGER
) STRICT;
INSERT INTO catalogue_state (id, version, synced_at) VALUES (1, 0, NULL);

CREATE TABLE services (
    code TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
) STRICT;
