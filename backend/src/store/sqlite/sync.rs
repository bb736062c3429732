//! [`SyncStore`] on SQLite.

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use super::issuance::certificates_of;
use crate::store::{
    DeviceRecord, EventKind, EventRecord, NewEvent, OutboxRecord, PullRecord, StoreError, SyncStore,
    TokenRecord, TokenSubject,
};

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
        self.read(move |c| read_events(c, &id, device_id, after, limit)).await
    }

    /// One visit to a reader connection (one hop through its queue) instead of one per
    /// statement; the statements are those of the areas they come from.
    async fn pull(
        &self,
        token_hash: &[u8],
        after: i64,
        limit: i64,
        trust_list: &str,
    ) -> Result<Option<PullRecord>, StoreError> {
        let (hash, name) = (token_hash.to_vec(), trust_list.to_owned());
        self.read(move |c| {
            let Some((hash, kind, subject, expires_at, revoked_at, device)) = c
                .prepare_cached(
                    "SELECT t.hash, t.kind, t.subject, t.expires_at, t.revoked_at, \
                     d.id, d.citizen_id_number, d.public_key, d.label, d.created_at, d.removed_at \
                     FROM token t LEFT JOIN device d ON t.kind = 'device' AND d.id = t.subject \
                     WHERE t.hash = ?1",
                )?
                .query_row([hash], |r| {
                    let device = match r.get::<_, Option<i64>>(5)? {
                        Some(id) => Some(DeviceRecord {
                            id,
                            citizen_id_number: r.get(6)?,
                            public_key: r.get(7)?,
                            label: r.get(8)?,
                            created_at: r.get(9)?,
                            removed_at: r.get(10)?,
                        }),
                        None => None,
                    };
                    Ok((
                        r.get::<_, Vec<u8>>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                        device,
                    ))
                })
                .optional()?
            else {
                return Ok(None);
            };
            let subject = match kind.as_str() {
                "staff" => TokenSubject::Staff(subject),
                "device" => TokenSubject::Device(subject),
                _ => return Err(StoreError::Corrupt("token kind")),
            };
            let token = TokenRecord { hash, subject, expires_at, revoked_at };
            let Some(device) = device else {
                return Ok(Some(PullRecord {
                    token,
                    device: None,
                    events: Vec::new(),
                    trust_list: None,
                    certificates: Vec::new(),
                }));
            };
            let events = read_events(c, &device.citizen_id_number, device.id, after, limit)?;
            let trust_list = c
                .prepare_cached("SELECT sequence, etag FROM published WHERE name = ?1")?
                .query_row([name], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                .optional()?;
            let certificates = certificates_of(c, &device.citizen_id_number)?;
            Ok(Some(PullRecord { token, device: Some(device), events, trust_list, certificates }))
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

/// The events after `after` that `device_id` of the citizen sees, at most `limit` (the feed page
/// of [`SyncStore::events`] and of the pull).
fn read_events(
    c: &Connection,
    citizen_id_number: &str,
    device_id: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<EventRecord>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT e.seq, e.kind, e.certificate_id, cc.holder_copy, e.status, e.message, e.created_at \
             FROM event e LEFT JOIN certificate_copy cc \
               ON e.kind = 'certificate-copy' AND cc.certificate_id = e.certificate_id AND cc.device_id = ?2 \
             WHERE e.citizen_id_number = ?1 AND (e.device_id IS NULL OR e.device_id = ?2) AND e.seq > ?3 \
             ORDER BY e.seq LIMIT ?4",
    )?;
    let rows = stmt
        .query_map(params![citizen_id_number, device_id, after, limit], |r| {
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
}
