-- Enrolment challenges asked for without logging in, one row per ask, counted per source (an
-- IPv4 address or an IPv6 /64) against a daily limit of their own, whatever the ID number asked
-- for and whether a check was issued. Rows older than the window (any source's) are deleted with
-- each ask, so the table holds one day of asks at most. Nothing here names a citizen.
CREATE TABLE liveness_source_attempt (
    source  TEXT NOT NULL,
    at_ms   BIGINT NOT NULL
);
CREATE INDEX liveness_source_attempt_source ON liveness_source_attempt (source, at_ms);
CREATE INDEX liveness_source_attempt_at ON liveness_source_attempt (at_ms);
