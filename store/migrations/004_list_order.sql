-- 004: remember which list each cached copy is (the trust list's sequence number, a status list's
-- issued-at), so that an older list never replaces a newer one in the offline cache.
ALTER TABLE trust_list ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE status_lists ADD COLUMN issued_at INTEGER NOT NULL DEFAULT 0;
