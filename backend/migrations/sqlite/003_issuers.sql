-- Departments, their issuer keys, staff and bearer tokens, settings and published documents.
CREATE TABLE department (
    code           TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 18),
    name           TEXT NOT NULL,
    allowed_types  TEXT NOT NULL
) STRICT;

CREATE TABLE issuer_key (
    key_id           TEXT PRIMARY KEY NOT NULL,
    department_code  TEXT NOT NULL REFERENCES department (code),
    pkcs8            BLOB NOT NULL,
    public_key       BLOB NOT NULL,
    valid_from       INTEGER NOT NULL,
    valid_to         INTEGER NOT NULL,
    retired_at       INTEGER,
    seq              INTEGER NOT NULL
) STRICT;

CREATE TABLE setting (
    name   TEXT PRIMARY KEY NOT NULL,
    value  BLOB NOT NULL
) STRICT;

CREATE TABLE published (
    name          TEXT PRIMARY KEY NOT NULL,
    bytes         BLOB NOT NULL,
    etag          TEXT NOT NULL,
    sequence      INTEGER NOT NULL,
    published_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE staff (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    login            TEXT NOT NULL UNIQUE,
    department_code  TEXT NOT NULL REFERENCES department (code),
    role             TEXT NOT NULL CHECK (role IN ('issuer', 'reviewer')),
    password_salt    BLOB NOT NULL,
    password_hash    BLOB NOT NULL
) STRICT;

CREATE TABLE token (
    hash        BLOB PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('staff', 'device')),
    subject     INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
) STRICT;
CREATE INDEX token_subject ON token (kind, subject);
