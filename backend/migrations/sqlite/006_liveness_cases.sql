-- Liveness checks (identity proofing by the face) and company registration cases whose parties
-- confirm their identity with one.

-- One row per challenge issued. The nonce is answered once: `answered_at` is set by the first
-- answer, and a second answer finds it set. Key frames and traces are never stored.
CREATE TABLE liveness_check (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    citizen_id_number  TEXT NOT NULL REFERENCES citizen (id_number),
    -- 'enrolment' (a new device proves its holder) or 'case' (a party confirms a case)
    purpose            TEXT NOT NULL CHECK (purpose IN ('enrolment', 'case')),
    case_id            INTEGER,
    -- the enrolled device answering a case check; NULL for an enrolment
    device_id          INTEGER REFERENCES device (id),
    -- the SEC1 P-256 key the evidence must be signed with (the new device's for an enrolment)
    device_key         BLOB NOT NULL,
    device_label       TEXT NOT NULL,
    nonce              BLOB NOT NULL UNIQUE,
    -- action names in order, comma-separated
    actions            TEXT NOT NULL,
    time_limit_ms      INTEGER NOT NULL,
    issued_at_ms       INTEGER NOT NULL,
    answered_at        INTEGER,
    passed             INTEGER
) STRICT;
CREATE INDEX liveness_check_citizen ON liveness_check (citizen_id_number, issued_at_ms);

CREATE TABLE registration_case (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    department_code  TEXT NOT NULL REFERENCES department (code),
    company_name     TEXT NOT NULL,
    credit_code      TEXT,
    created_by       INTEGER NOT NULL REFERENCES staff (id),
    created_at       INTEGER NOT NULL,
    proceeded_at     INTEGER
) STRICT;

-- A party of a case in one role; a person in two roles has two rows, confirmed together.
CREATE TABLE case_party (
    case_id       INTEGER NOT NULL REFERENCES registration_case (id),
    id_number     TEXT NOT NULL REFERENCES citizen (id_number),
    role          TEXT NOT NULL CHECK (role IN ('legal_representative', 'shareholder', 'supervisor')),
    confirmed_at  INTEGER,
    PRIMARY KEY (case_id, id_number, role)
) STRICT;
CREATE INDEX case_party_citizen ON case_party (id_number);
