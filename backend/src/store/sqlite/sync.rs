//! [`SyncStore`] on SQLite.

use async_trait::async_trait;
use rusqlite::{Connection, params};

use super::SqliteStore;
use crate::store::{EventKind, EventRecord, NewEvent, OutboxRecord, StoreError, SyncStore};

#[async_trait]
impl SyncStore for SqliteStore {
    async fn append_event(&self, event: NewEvent) -> Result<i64, StoreError> {
        self.tx(move |tx| insert_event(tx, &event)).await
    }

    async fn events(
        &self,
        citizen_id_number: &str,
        device_id: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let id = citizen_id_number.to_owned();
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT e.seq, e.kind, e.certificate_id, cc.holder_copy, e.status, e.message, e.created_at \
                 FROM event e LEFT JOIN certificate_copy cc \
                   ON e.kind = 'certificate-copy' AND cc.certificate_id = e.certificate_id AND cc.device_id = ?2 \
                 WHERE e.citizen_id_number = ?1 AND (e.device_id IS NULL OR e.device_id = ?2) AND e.seq > ?3 \
                 ORDER BY e.seq LIMIT ?4",
            )?;
            let rows = stmt
                .query_map(params![id, device_id, after, limit], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(seq, kind, certificate_id, holder_copy, status, message, created_at)| {
                    Ok(EventRecord {
                        seq,
                        kind: EventKind::parse(&kind)?,
                        certificate_id,
                        holder_copy,
                        status,
                        message,
                        created_at,
                    })
                })
                .collect()
        })
        .await
    }

    async fn push_outbox(
        &self,
        device_id: i64,
        idempotency_key: &str,
        kind: &str,
        payload: &str,
        now: i64,
    ) -> Result<OutboxRecord, StoreError> {
        let (key, kind, payload) = (idempotency_key.to_owned(), kind.to_owned(), payload.to_owned());
        self.tx(move |tx| {
            tx.execute(
                "INSERT INTO outbox (device_id, idempotency_key, kind, payload, received_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (device_id, idempotency_key) DO NOTHING",
                params![device_id, key, kind, payload, now],
            )?;
            Ok(tx.query_row(
                "SELECT id, device_id, idempotency_key, kind, payload, received_at FROM outbox \
                 WHERE device_id = ?1 AND idempotency_key = ?2",
                params![device_id, key],
                |r| {
                    Ok(OutboxRecord {
                        id: r.get(0)?,
                        device_id: r.get(1)?,
                        idempotency_key: r.get(2)?,
                        kind: r.get(3)?,
                        payload: r.get(4)?,
                        received_at: r.get(5)?,
                    })
                },
            )?)
        })
        .await
    }

    async fn count_outbox(&self, device_id: i64) -> Result<u64, StoreError> {
        self.read(move |c| {
            Ok(c.query_row("SELECT count(*) FROM outbox WHERE device_id = ?1", [device_id], |r| r.get(0))?)
        })
        .await
    }
}

/// Appends an event inside the caller's transaction (also of the issuance area: a status
/// change and a certificate copy go to the feed atomically); returns its `seq`.
pub(super) fn insert_event(tx: &Connection, e: &NewEvent) -> Result<i64, StoreError> {
    tx.execute(
        "INSERT INTO event (citizen_id_number, device_id, kind, certificate_id, status, message, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            e.citizen_id_number,
            e.device_id,
            e.kind.as_str(),
            e.certificate_id,
            e.status,
            e.message,
            e.created_at
        ],
    )?;
    Ok(tx.last_insert_rowid())
}
