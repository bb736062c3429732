-- The citizen registry (一号): one row per citizen, keyed by the GB 11643 identity number.
CREATE TABLE citizen (
    id_number   TEXT PRIMARY KEY NOT NULL CHECK (length(id_number) = 18),
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
