-- 007: the presentation log and the notification texts sealed under the data key, as the
-- certificates are (`sealed.rs`). Only what is needed to find and order stays in clear: the log's
-- sequence number; a notification's number, time and whether it was acknowledged.
--
-- A migration runs before the wallet is unlocked (and also when the PIN offered is wrong), so it
-- has no key: this step only sets the clear tables aside under `*_clear`. The first unlock seals
-- their rows into the new tables, drops them and rewrites the file (`clear_rows.rs`).
ALTER TABLE presentations RENAME TO presentations_clear;
ALTER TABLE notifications RENAME TO notifications_clear;

-- `sealed`: the entry (time, certificate, preset, names of the disclosed attributes) as JSON,
-- bound to `seq`. No reference to `certificates`: the certificate's identifier is inside.
CREATE TABLE presentations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sealed BLOB NOT NULL
) STRICT;

-- `sealed`: the text, bound to `id`.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    acknowledged INTEGER NOT NULL DEFAULT 0 CHECK (acknowledged IN (0, 1)),
    sealed BLOB NOT NULL
) STRICT;
