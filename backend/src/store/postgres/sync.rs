//! [`SyncStore`] on PostgreSQL.

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use deadpool_postgres::Transaction;

use super::devices::token_row;
use super::{Cached, PgStore};
use crate::store::{
    CertificateRecord, DeviceRecord, EventKind, EventRecord, NewEvent, OutboxRecord, PullRecord, StoreError,
    StoredStatus, SyncStore,
};

#[async_trait]
impl SyncStore for PgStore {
    async fn append_event(&self, event: NewEvent) -> Result<i64, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let seq = insert_event(&tx, &event).await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn events(
        &self,
        citizen_id_number: &str,
        device_id: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .cached_query(
                "SELECT e.seq, e.kind, e.certificate_id, cc.holder_copy, e.status, e.message, e.created_at \
                 FROM event e LEFT JOIN certificate_copy cc \
                   ON e.kind = 'certificate-copy' AND cc.certificate_id = e.certificate_id AND cc.device_id = $2 \
                 WHERE e.citizen_id_number = $1 AND (e.device_id IS NULL OR e.device_id = $2) AND e.seq > $3 \
                 ORDER BY e.seq LIMIT $4",
                &[&citizen_id_number, &device_id, &after, &limit],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(EventRecord {
                    seq: r.try_get(0)?,
                    kind: EventKind::parse(r.try_get(1)?)?,
                    certificate_id: r.try_get(2)?,
                    holder_copy: r.try_get(3)?,
                    status: r.try_get(4)?,
                    message: r.try_get(5)?,
                    created_at: r.try_get(6)?,
                })
            })
            .collect()
    }

    /// One statement, so one round trip and one snapshot: the token joined to its device, the
    /// feed page and the citizen's certificates as JSON arrays (bytes as base64), the trust
    /// list's version joined by its name. Without a device the subqueries find nothing.
    async fn pull(
        &self,
        token_hash: &[u8],
        after: i64,
        limit: i64,
        trust_list: &str,
    ) -> Result<Option<PullRecord>, StoreError> {
        let client = self.client().await?;
        let Some(r) = client.cached_query_opt(PULL, &[&token_hash, &after, &limit, &trust_list]).await?
        else {
            return Ok(None);
        };
        let token = token_row(&r)?;
        let Some(device_id) = r.try_get::<_, Option<i64>>(5)? else {
            return Ok(Some(PullRecord {
                token,
                device: None,
                events: Vec::new(),
                trust_list: None,
                certificates: Vec::new(),
            }));
        };
        let device = DeviceRecord {
            id: device_id,
            citizen_id_number: r.try_get(6)?,
            public_key: r.try_get(7)?,
            label: r.try_get(8)?,
            created_at: r.try_get(9)?,
            removed_at: r.try_get(10)?,
        };
        let events = json_rows::<FeedRow>(r.try_get(11)?, "pull feed")?
            .into_iter()
            .map(|(seq, kind, certificate_id, holder_copy, status, message, created_at)| {
                Ok(EventRecord {
                    seq,
                    kind: EventKind::parse(&kind)?,
                    certificate_id,
                    holder_copy: holder_copy
                        .map(|b| STANDARD.decode(b).map_err(|_| StoreError::Corrupt("pull holder copy")))
                        .transpose()?,
                    status,
                    message,
                    created_at,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let trust_list = match (r.try_get::<_, Option<i64>>(12)?, r.try_get::<_, Option<String>>(13)?) {
            (Some(sequence), Some(etag)) => Some((sequence, etag)),
            _ => None,
        };
        let certificates = json_rows::<CertRow>(r.try_get(14)?, "pull certificates")?
            .into_iter()
            .map(|c| {
                Ok(CertificateRecord {
                    id: c.0,
                    citizen_id_number: c.1,
                    department_code: c.2,
                    type_slug: c.3,
                    serial: c.4,
                    version: u16::try_from(c.5).map_err(|_| StoreError::Corrupt("version"))?,
                    status_list_id: c.6,
                    status_index: c.7,
                    status: StoredStatus::from_value(c.8)?,
                    valid_from: c.9,
                    valid_until: c.10,
                    expires_at: c.11,
                    fields_json: c.12,
                    issued_at: c.13,
                    replaced_by: c.14,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Some(PullRecord { token, device: Some(device), events, trust_list, certificates }))
    }

    async fn push_outbox(
        &self,
        device_id: i64,
        idempotency_key: &str,
        kind: &str,
        payload: &str,
        now: i64,
    ) -> Result<OutboxRecord, StoreError> {
        let client = self.client().await?;
        client
            .cached_execute(
                "INSERT INTO outbox (device_id, idempotency_key, kind, payload, received_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (device_id, idempotency_key) DO NOTHING",
                &[&device_id, &idempotency_key, &kind, &payload, &now],
            )
            .await?;
        let r = client
            .cached_query_one(
                "SELECT id, device_id, idempotency_key, kind, payload, received_at FROM outbox \
                 WHERE device_id = $1 AND idempotency_key = $2",
                &[&device_id, &idempotency_key],
            )
            .await?;
        Ok(OutboxRecord {
            id: r.try_get(0)?,
            device_id: r.try_get(1)?,
            idempotency_key: r.try_get(2)?,
            kind: r.try_get(3)?,
            payload: r.try_get(4)?,
            received_at: r.try_get(5)?,
        })
    }

    async fn count_outbox(&self, device_id: i64) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let n: i64 = client
            .cached_query_one("SELECT count(*) FROM outbox WHERE device_id = $1", &[&device_id])
            .await?
            .try_get(0)?;
        u64::try_from(n).map_err(|_| StoreError::Corrupt("count"))
    }
}

/// The class of the advisory locks that order each citizen's feed (the object is the hash of
/// the citizen's ID number).
const FEED_LOCK_CLASS: i32 = 7_340_013;

/// Appends an event inside the caller's transaction (also of the issuance area: a status
/// change and a certificate copy go to the feed atomically); returns its `seq`. Every event is
/// appended here.
///
/// `seq` comes from an identity column: it is drawn when the row is inserted but becomes
/// visible when the transaction commits, so two transactions could commit in the reverse
/// order of their numbers, and a device pulling between the two commits would move its cursor
/// past the number not yet visible and never see that event. The citizen's feed lock (an
/// advisory lock held to the end of the transaction, taken before the number is drawn) makes
/// one citizen's events commit in the order of their numbers, which is all a cursor over one
/// citizen's feed needs. Hash collisions only make two citizens' writers take turns.
pub(super) async fn insert_event(tx: &Transaction<'_>, e: &NewEvent) -> Result<i64, StoreError> {
    tx.cached_execute(
        "SELECT pg_advisory_xact_lock($1, hashtext($2))",
        &[&FEED_LOCK_CLASS, &e.citizen_id_number],
    )
    .await?;
    let row = tx
        .cached_query_one(
            "INSERT INTO event (citizen_id_number, device_id, kind, certificate_id, status, message, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
            &[
                &e.citizen_id_number,
                &e.device_id,
                &e.kind.as_str(),
                &e.certificate_id,
                &e.status,
                &e.message,
                &e.created_at,
            ],
        )
        .await?;
    Ok(row.try_get(0)?)
}

/// The whole pull (see [`SyncStore::pull`]): `$1` the token's hash, `$2` the cursor, `$3` the
/// page size, `$4` the trust list's name. Columns: the token (0–4), the device (5–10), the feed
/// page (11, JSON), the trust list's sequence and ETag (12, 13), the certificates (14, JSON).
/// The feed page is the statement of [`SyncStore::events`], the certificates the columns of the
/// issuance area's `certificates_of`, in the same order.
const PULL: &str = "\
WITH td AS ( \
    SELECT t.hash, t.kind, t.subject, t.expires_at, t.revoked_at, \
           d.id AS device_id, d.citizen_id_number, d.public_key, d.label, d.created_at, d.removed_at \
    FROM token t LEFT JOIN device d ON t.kind = 'device' AND d.id = t.subject \
    WHERE t.hash = $1 \
) \
SELECT td.hash, td.kind, td.subject, td.expires_at, td.revoked_at, \
       td.device_id, td.citizen_id_number, td.public_key, td.label, td.created_at, td.removed_at, \
       (SELECT json_agg(json_build_array(f.seq, f.kind, f.certificate_id, f.holder_copy, f.status, \
                                         f.message, f.created_at) ORDER BY f.seq)::text \
        FROM (SELECT e.seq, e.kind, e.certificate_id, \
                     translate(encode(cc.holder_copy, 'base64'), E'\\n', '') AS holder_copy, \
                     e.status, e.message, e.created_at \
              FROM event e LEFT JOIN certificate_copy cc \
                ON e.kind = 'certificate-copy' AND cc.certificate_id = e.certificate_id \
               AND cc.device_id = td.device_id \
              WHERE e.citizen_id_number = td.citizen_id_number \
                AND (e.device_id IS NULL OR e.device_id = td.device_id) AND e.seq > $2 \
              ORDER BY e.seq LIMIT $3) f), \
       p.sequence, p.etag, \
       (SELECT json_agg(json_build_array(c.id, c.citizen_id_number, c.department_code, c.type_slug, \
                                         c.serial, c.version, c.status_list_id, c.status_index, \
                                         c.status, c.valid_from, c.valid_until, c.expires_at, \
                                         c.fields_json, c.issued_at, c.replaced_by) ORDER BY c.id DESC)::text \
        FROM certificate c WHERE c.citizen_id_number = td.citizen_id_number) \
FROM td LEFT JOIN published p ON td.device_id IS NOT NULL AND p.name = $4";

/// A feed row of [`PULL`]: seq, kind, certificate, holder copy (base64), status, message, time.
type FeedRow = (i64, String, Option<i64>, Option<String>, Option<i64>, Option<String>, i64);

/// A certificate of [`PULL`], in the order of the issuance area's columns.
type CertRow = (
    i64,
    String,
    String,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    String,
    Option<String>,
    Option<i64>,
    String,
    i64,
    Option<i64>,
);

/// The rows of a JSON array column; NULL (no rows aggregated) is none.
fn json_rows<T: serde::de::DeserializeOwned>(
    text: Option<String>,
    what: &'static str,
) -> Result<Vec<T>, StoreError> {
    text.map_or_else(|| Ok(Vec::new()), |t| serde_json::from_str(&t).map_err(|_| StoreError::Corrupt(what)))
}
