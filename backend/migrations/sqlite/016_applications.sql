-- Online applications (issue 17). An application's id is the 128-bit id its device drew: the
-- idempotency key of the submission (`body_sha256` tells the same body again from another one).
-- `state` is core's stored encoding (`core::application::workflow::Application::to_json`),
-- written only with `version` compare-and-set; `phase`, `next_deadline`, `overdue`, `region` and
-- `arrival_month` are copies of it the hot queries read. Every table is keyed so that it could be
-- partitioned by arrival month and hashed by region (ADR 0006): `region` (the GB/T 2260 division
-- of the accepting department) and `arrival_month` (YYYYMM, China time) are on every row.
CREATE TABLE application (
    id                 BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    region             TEXT NOT NULL,
    arrival_month      INTEGER NOT NULL,
    case_no            TEXT UNIQUE,
    citizen            TEXT NOT NULL,
    service_code       TEXT NOT NULL,
    catalogue_version  INTEGER NOT NULL,
    department         TEXT NOT NULL,
    arrived_at         INTEGER NOT NULL,
    body_sha256        BLOB NOT NULL CHECK (length(body_sha256) = 32),
    submission         TEXT NOT NULL,
    state              TEXT NOT NULL,
    version            INTEGER NOT NULL CHECK (version >= 0),
    phase              TEXT NOT NULL,
    -- the next date (YYYY-MM-DD, China) something falls due: pre-review's art. 32 day, else
    -- the earliest open branch step's limit; NULL when nothing is due
    next_deadline      TEXT,
    overdue            INTEGER NOT NULL DEFAULT 0 CHECK (overdue IN (0, 1)),
    open               INTEGER NOT NULL DEFAULT 1 CHECK (open IN (0, 1)),
    updated_at         INTEGER NOT NULL
) STRICT;
CREATE INDEX application_by_citizen ON application (citizen, arrived_at DESC);
-- the art. 32 sweep: pre-review past its day
CREATE INDEX application_pre_review_due ON application (phase, next_deadline) WHERE open = 1;
-- the pre-review queue of a department
CREATE INDEX application_by_department ON application (department, phase, arrived_at) WHERE open = 1;

-- One row per branch of a started stage: a department's queue is one indexed query.
CREATE TABLE application_branch (
    application_id  BLOB NOT NULL REFERENCES application (id),
    stage           INTEGER NOT NULL CHECK (stage >= 0),
    department      TEXT NOT NULL,
    region          TEXT NOT NULL,
    arrival_month   INTEGER NOT NULL,
    step            INTEGER NOT NULL CHECK (step >= 0),
    due             TEXT,
    overdue         INTEGER NOT NULL DEFAULT 0 CHECK (overdue IN (0, 1)),
    open            INTEGER NOT NULL CHECK (open IN (0, 1)),
    PRIMARY KEY (application_id, stage, department)
) STRICT;
CREATE INDEX application_branch_queue ON application_branch (department, due, application_id) WHERE open = 1;
CREATE INDEX application_branch_overdue ON application_branch (due) WHERE open = 1 AND overdue = 0;

-- Append-only: the events of the timeline, each the JSON of a `wire::workflow::EventView`.
CREATE TABLE application_event (
    application_id  BLOB NOT NULL REFERENCES application (id),
    seq             INTEGER NOT NULL CHECK (seq >= 0),
    arrival_month   INTEGER NOT NULL,
    at              INTEGER NOT NULL,
    event           TEXT NOT NULL,
    PRIMARY KEY (application_id, seq)
) STRICT;
CREATE TRIGGER application_event_append_only_update BEFORE UPDATE ON application_event
BEGIN SELECT RAISE(ABORT, 'application events are append-only'); END;
CREATE TRIGGER application_event_append_only_delete BEFORE DELETE ON application_event
BEGIN SELECT RAISE(ABORT, 'application events are append-only'); END;

-- Per required material, how the submission satisfies it.
CREATE TABLE application_material (
    application_id  BLOB NOT NULL REFERENCES application (id),
    material        TEXT NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('wallet', 'library', 'upload')),
    -- the presentation's SHA-256 (hex), the library item's id, or the upload's SHA-256 (hex)
    reference       TEXT NOT NULL,
    PRIMARY KEY (application_id, material)
) STRICT;

-- Uploads declared by the submission; the bytes arrive later and must match the declaration.
CREATE TABLE application_upload (
    application_id  BLOB NOT NULL REFERENCES application (id),
    sha256          BLOB NOT NULL CHECK (length(sha256) = 32),
    media_type      TEXT NOT NULL,
    size            INTEGER NOT NULL CHECK (size > 0),
    bytes           BLOB,
    stored_at       INTEGER,
    PRIMARY KEY (application_id, sha256)
) STRICT;

-- 材料库: a material a department accepted, reusable by its citizen.
CREATE TABLE library_item (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    citizen           TEXT NOT NULL,
    material_kind     TEXT NOT NULL,
    department        TEXT NOT NULL,
    accepted_at       INTEGER NOT NULL,
    valid_until       INTEGER,
    from_application  BLOB NOT NULL REFERENCES application (id),
    UNIQUE (from_application, material_kind)
) STRICT;
CREATE INDEX library_item_by_citizen ON library_item (citizen, material_kind);

-- Case numbers: one counter per department and day (China).
CREATE TABLE application_case_counter (
    department  TEXT NOT NULL,
    day         TEXT NOT NULL,
    last        INTEGER NOT NULL CHECK (last > 0),
    PRIMARY KEY (department, day)
) STRICT;

-- 好差评: once per application.
CREATE TABLE application_rating (
    application_id  BLOB PRIMARY KEY NOT NULL REFERENCES application (id),
    level           INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    tags            TEXT NOT NULL,
    text            TEXT,
    rated_at        INTEGER NOT NULL
) STRICT;

-- 整改: the ticket a bad rating opens.
CREATE TABLE rectification (
    application_id  BLOB PRIMARY KEY NOT NULL REFERENCES application_rating (application_id),
    department      TEXT NOT NULL,
    opened_at       INTEGER NOT NULL,
    -- core's `Rectification`: the call-back's and the report's due dates (YYYY-MM-DD)
    call_back_due   TEXT NOT NULL,
    due             TEXT NOT NULL,
    called_back_at  INTEGER,
    report          TEXT,
    reported_at     INTEGER,
    -- the citizen's verdict on the rectification (satisfied or not), once
    satisfied       INTEGER CHECK (satisfied IN (0, 1)),
    rated_at        INTEGER
) STRICT;
CREATE INDEX rectification_by_department ON rectification (department, opened_at);
