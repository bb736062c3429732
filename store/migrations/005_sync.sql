-- 005: sync with the national backend: where this device is enrolled, how far it has pulled,
-- what waits to be pushed, and the reminders and notifications the last pulls brought.
CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    backend_url TEXT NOT NULL,
    device_id INTEGER NOT NULL,
    root_key BLOB NOT NULL,
    cursor TEXT,
    last_sync_at INTEGER
) STRICT;

-- Each item keeps the idempotency key it was given when queued, across retries and restarts; it
-- is deleted only once the server's receipt for that key has come back.
CREATE TABLE outbox (
    idempotency_key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    queued_at INTEGER NOT NULL
) STRICT;

CREATE TABLE reminders (
    certificate_id TEXT NOT NULL,
    certificate_type TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    message TEXT NOT NULL
) STRICT;
