-- Certificates, their signed copies per device, and the status lists they point into.
CREATE TABLE status_list (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    department_code  TEXT NOT NULL REFERENCES department (code),
    capacity         BIGINT NOT NULL,
    next_index       BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE certificate (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    citizen_id_number  TEXT NOT NULL REFERENCES citizen (id_number),
    department_code    TEXT NOT NULL REFERENCES department (code),
    type_slug          TEXT NOT NULL,
    serial             BIGINT NOT NULL,
    version            BIGINT NOT NULL,
    status_list_id     BIGINT NOT NULL REFERENCES status_list (id),
    status_index       BIGINT NOT NULL,
    status             BIGINT NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
    valid_from         TEXT NOT NULL,
    valid_until        TEXT,
    expires_at         BIGINT,
    fields_json        TEXT NOT NULL,
    issued_at          BIGINT NOT NULL,
    replaced_by        BIGINT REFERENCES certificate (id),
    UNIQUE (status_list_id, status_index),
    UNIQUE (department_code, type_slug, serial, version)
);
CREATE INDEX certificate_citizen ON certificate (citizen_id_number);

CREATE TABLE certificate_copy (
    certificate_id  BIGINT NOT NULL REFERENCES certificate (id),
    device_id       BIGINT NOT NULL,
    holder_copy     BYTEA NOT NULL,
    PRIMARY KEY (certificate_id, device_id)
);
