-- 001: key material and certificates.
--
-- Nothing personal is stored in clear: the holder index is a keyed hash of the holder's ID number,
-- names and every attribute value live only inside `sealed` (AES-256-GCM under the data key).

-- The one row of key material: the data key wrapped by the PIN (or a platform key store), and
-- the device's private key sealed under the data key.
CREATE TABLE key_material (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    scheme TEXT NOT NULL,
    salt BLOB NOT NULL,
    iterations INTEGER NOT NULL CHECK (iterations >= 0),
    wrapped_data_key BLOB NOT NULL,
    sealed_device_key BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- Every stored version of every certificate. Versions of one certificate share type, issuer and
-- serial; exactly one of them is current.
CREATE TABLE certificates (
    id TEXT PRIMARY KEY NOT NULL,
    holder_key BLOB NOT NULL,
    type_code TEXT NOT NULL,
    issuer_code TEXT NOT NULL,
    serial TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version BETWEEN 0 AND 999),
    valid_from INTEGER NOT NULL,
    valid_to INTEGER,
    is_current INTEGER NOT NULL CHECK (is_current IN (0, 1)),
    imported_at INTEGER NOT NULL,
    sealed BLOB NOT NULL,
    UNIQUE (type_code, issuer_code, serial, version)
) STRICT;

CREATE UNIQUE INDEX certificates_one_current
    ON certificates (type_code, issuer_code, serial) WHERE is_current = 1;
CREATE INDEX certificates_by_holder ON certificates (holder_key);
CREATE INDEX certificates_by_expiry ON certificates (is_current, valid_to);
