-- The rest of the 一号 registry: what certificates are built from, households and companies.
ALTER TABLE citizen ADD COLUMN ethnicity INTEGER NOT NULL DEFAULT 1;
ALTER TABLE citizen ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE citizen ADD COLUMN household_number TEXT;
ALTER TABLE citizen ADD COLUMN relation TEXT NOT NULL DEFAULT '01';
ALTER TABLE citizen ADD COLUMN photo BLOB;

CREATE TABLE household (
    number          TEXT PRIMARY KEY NOT NULL,
    address         TEXT NOT NULL,
    head_id_number  TEXT NOT NULL
) STRICT;

CREATE TABLE company (
    credit_code           TEXT PRIMARY KEY NOT NULL CHECK (length(credit_code) = 18),
    name                  TEXT NOT NULL,
    legal_representative  TEXT NOT NULL REFERENCES citizen (id_number),
    supervisor            TEXT REFERENCES citizen (id_number)
) STRICT;

CREATE TABLE company_shareholder (
    credit_code  TEXT NOT NULL REFERENCES company (credit_code) ON DELETE CASCADE,
    id_number    TEXT NOT NULL REFERENCES citizen (id_number),
    PRIMARY KEY (credit_code, id_number)
) STRICT;
