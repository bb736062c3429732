-- 006: the notices the user acknowledged (the banner of a new device stays until then).
-- Notifications already received count as unacknowledged: a device enrolled before this
-- version is still shown.
ALTER TABLE notifications ADD COLUMN acknowledged INTEGER NOT NULL DEFAULT 0 CHECK (acknowledged IN (0, 1));
