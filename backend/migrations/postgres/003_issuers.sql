-- Departments, their issuer keys, staff and bearer tokens, settings and published documents.
CREATE TABLE department (
    code           TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 18),
    name           TEXT NOT NULL,
    allowed_types  TEXT NOT NULL
);

CREATE TABLE issuer_key (
    key_id           TEXT PRIMARY KEY NOT NULL,
    department_code  TEXT NOT NULL REFERENCES department (code),
    pkcs8            BYTEA NOT NULL,
    public_key       BYTEA NOT NULL,
    valid_from       BIGINT NOT NULL,
    valid_to         BIGINT NOT NULL,
    retired_at       BIGINT,
    seq              BIGINT NOT NULL
);

CREATE TABLE setting (
    name   TEXT PRIMARY KEY NOT NULL,
    value  BYTEA NOT NULL
);

CREATE TABLE published (
    name          TEXT PRIMARY KEY NOT NULL,
    bytes         BYTEA NOT NULL,
    etag          TEXT NOT NULL,
    sequence      BIGINT NOT NULL,
    published_at  BIGINT NOT NULL
);

CREATE TABLE staff (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login            TEXT NOT NULL UNIQUE,
    department_code  TEXT NOT NULL REFERENCES department (code),
    role             TEXT NOT NULL CHECK (role IN ('issuer', 'reviewer')),
    password_salt    BYTEA NOT NULL,
    password_hash    BYTEA NOT NULL
);

CREATE TABLE token (
    hash        BYTEA PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('staff', 'device')),
    subject     BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX token_subject ON token (kind, subject);
