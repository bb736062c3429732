-- 003: signed lists kept for offline verification, as `CachedCopy::to_bytes` gives them.
CREATE TABLE trust_list (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    bytes BLOB NOT NULL,
    fetched_at INTEGER NOT NULL
) STRICT;

CREATE TABLE status_lists (
    uri TEXT PRIMARY KEY NOT NULL,
    bytes BLOB NOT NULL,
    fetched_at INTEGER NOT NULL
) STRICT;
