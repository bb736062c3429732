//! [`SyncStore`] on PostgreSQL.

use async_trait::async_trait;
use deadpool_postgres::Transaction;

use super::{Cached, PgStore};
use crate::store::{EventKind, EventRecord, NewEvent, OutboxRecord, StoreError, SyncStore};

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
