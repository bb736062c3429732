-- Submitting an application (issue 17).
--
-- Uploads before their submission: the device sends an application's files
-- (`PUT /v1/sync/applications/{id}/uploads/{sha256}`) before the submission that names them, so
-- no `application` row exists yet. The bytes wait here, keyed by the device's citizen, the
-- application id the device drew and the digest (so one citizen can never fill or claim another's
-- slot), and move into `application_upload` in the very transaction that stores the submission.
-- The application id is no reference: the submission may never come. Rows older than seven days
-- that no submission claimed are swept (`created_at`, `Backend::sweep_staged_uploads`).
CREATE TABLE application_upload_staged (
    citizen         TEXT NOT NULL,
    application_id  BYTEA NOT NULL CHECK (octet_length(application_id) = 16),
    sha256          BYTEA NOT NULL CHECK (octet_length(sha256) = 32),
    media_type      TEXT NOT NULL,
    size            BIGINT NOT NULL CHECK (size > 0),
    bytes           BYTEA NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (citizen, application_id, sha256)
);
CREATE INDEX application_upload_staged_age ON application_upload_staged (created_at);

-- What the automatic pre-review answered for each stored round of an application: round 0 the
-- submission, round 1 the one resubmission after 补正 (a correction is requested once). A retry
-- of a round answers from here, the same receipt; the body's digest tells a retry of the
-- resubmission from another body (a conflict). `precheck` is the JSON of the receipt's
-- `wire::application::PrecheckView`: names of fields and materials and reason codes, no answers.
CREATE TABLE application_receipt (
    application_id  BYTEA NOT NULL REFERENCES application (id),
    round           BIGINT NOT NULL CHECK (round IN (0, 1)),
    body_sha256     BYTEA NOT NULL CHECK (octet_length(body_sha256) = 32),
    submission      TEXT NOT NULL,
    precheck        TEXT NOT NULL,
    received_at     BIGINT NOT NULL,
    PRIMARY KEY (application_id, round)
);
