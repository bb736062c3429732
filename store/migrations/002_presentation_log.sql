-- 002: the log of presentations the holder made. Attribute names only, never values.
CREATE TABLE presentations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    presented_at INTEGER NOT NULL,
    certificate_id TEXT NOT NULL REFERENCES certificates (id),
    preset TEXT NOT NULL,
    disclosed TEXT NOT NULL
) STRICT;

CREATE INDEX presentations_by_time ON presentations (presented_at);
