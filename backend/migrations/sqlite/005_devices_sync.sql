-- Devices, enrolment codes, challenges, the per-citizen event feed and the outbox.
CREATE TABLE device (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    citizen_id_number  TEXT NOT NULL REFERENCES citizen (id_number),
    public_key         BLOB NOT NULL UNIQUE,
    label              TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    removed_at         INTEGER
) STRICT;
CREATE INDEX device_citizen ON device (citizen_id_number);

CREATE TABLE enrolment_code (
    hash               BLOB PRIMARY KEY NOT NULL,
    citizen_id_number  TEXT NOT NULL REFERENCES citizen (id_number),
    expires_at         INTEGER NOT NULL,
    used_at            INTEGER
) STRICT;

CREATE TABLE challenge (
    nonce       BLOB PRIMARY KEY NOT NULL,
    device_id   INTEGER NOT NULL REFERENCES device (id),
    expires_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE event (
    seq                INTEGER PRIMARY KEY AUTOINCREMENT,
    citizen_id_number  TEXT NOT NULL,
    device_id          INTEGER,
    kind               TEXT NOT NULL,
    certificate_id     INTEGER,
    status             INTEGER,
    message            TEXT,
    created_at         INTEGER NOT NULL
) STRICT;
CREATE INDEX event_citizen ON event (citizen_id_number, seq);

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id        INTEGER NOT NULL REFERENCES device (id),
    idempotency_key  TEXT NOT NULL,
    kind             TEXT NOT NULL,
    payload          TEXT NOT NULL,
    received_at      INTEGER NOT NULL,
    UNIQUE (device_id, idempotency_key)
) STRICT;
