-- Devices, enrolment codes, challenges, the per-citizen event feed and the outbox.
CREATE TABLE device (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    citizen_id_number  TEXT NOT NULL REFERENCES citizen (id_number),
    public_key         BYTEA NOT NULL UNIQUE,
    label              TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    removed_at         BIGINT
);
CREATE INDEX device_citizen ON device (citizen_id_number);

CREATE TABLE enrolment_code (
    hash               BYTEA PRIMARY KEY NOT NULL,
    citizen_id_number  TEXT NOT NULL REFERENCES citizen (id_number),
    expires_at         BIGINT NOT NULL,
    used_at            BIGINT
);

CREATE TABLE challenge (
    nonce       BYTEA PRIMARY KEY NOT NULL,
    device_id   BIGINT NOT NULL REFERENCES device (id),
    expires_at  BIGINT NOT NULL
);

CREATE TABLE event (
    seq                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    citizen_id_number  TEXT NOT NULL,
    device_id          BIGINT,
    kind               TEXT NOT NULL,
    certificate_id     BIGINT,
    status             BIGINT,
    message            TEXT,
    created_at         BIGINT NOT NULL
);
CREATE INDEX event_citizen ON event (citizen_id_number, seq);

CREATE TABLE outbox (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id        BIGINT NOT NULL REFERENCES device (id),
    idempotency_key  TEXT NOT NULL,
    kind             TEXT NOT NULL,
    payload          TEXT NOT NULL,
    received_at      BIGINT NOT NULL,
    UNIQUE (device_id, idempotency_key)
);
