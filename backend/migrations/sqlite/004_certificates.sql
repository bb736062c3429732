-- Certificates, their signed copies per device, and the status lists they point into.
CREATE TABLE status_list (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    department_code  TEXT NOT NULL REFERENCES department (code),
    capacity         INTEGER NOT NULL,
    next_index       INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE certificate (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    citizen_id_number  TEXT NOT NULL REFERENCES citizen (id_number),
    department_code    TEXT NOT NULL REFERENCES department (code),
    type_slug          TEXT NOT NULL,
    serial             INTEGER NOT NULL,
    version            INTEGER NOT NULL,
    status_list_id     INTEGER NOT NULL REFERENCES status_list (id),
    status_index       INTEGER NOT NULL,
    status             INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
    valid_from         TEXT NOT NULL,
    valid_until        TEXT,
    expires_at         INTEGER,
    fields_json        TEXT NOT NULL,
    issued_at          INTEGER NOT NULL,
    replaced_by        INTEGER REFERENCES certificate (id),
    UNIQUE (status_list_id, status_index),
    UNIQUE (department_code, type_slug, serial, version)
) STRICT;
CREATE INDEX certificate_citizen ON certificate (citizen_id_number);

CREATE TABLE certificate_copy (
    certificate_id  INTEGER NOT NULL REFERENCES certificate (id),
    device_id       INTEGER NOT NULL,
    holder_copy     BLOB NOT NULL,
    PRIMARY KEY (certificate_id, device_id)
) STRICT;
