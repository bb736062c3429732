//! [`DeviceStore`] on SQLite.

use async_trait::async_trait;
use rusqlite::{OptionalExtension, Row, params};

use super::sync::insert_event;
use super::{SqliteStore, conflict};
use crate::store::devices::copy_event;
use crate::store::liveness::purpose_columns;
use crate::store::{
    DeviceRecord, DeviceStore, EnrolmentCodeRecord, EnrolmentGrant, LivenessPurpose, NewEnrolmentCode,
    NewEvent, StoreError, TokenRecord, TokenSubject,
};

#[async_trait]
impl DeviceStore for SqliteStore {
    async fn insert_enrolment_code(&self, code: NewEnrolmentCode) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute(
                "UPDATE enrolment_code SET withdrawn_at = ?2 WHERE citizen_id_number = ?1 \
                 AND used_at IS NULL AND withdrawn_at IS NULL",
                params![code.citizen_id_number, code.issued_at],
            )?;
            tx.execute(
                "INSERT INTO enrolment_code (hash, citizen_id_number, expires_at, issued_by, issued_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![code.hash, code.citizen_id_number, code.expires_at, code.issued_by, code.issued_at],
            )
            .map_err(conflict)?;
            Ok(())
        })
        .await
    }

    async fn enrolment_codes(&self, citizen_id_number: &str) -> Result<Vec<EnrolmentCodeRecord>, StoreError> {
        let id = citizen_id_number.to_owned();
        self.read(move |c| {
            let mut stmt = c.prepare(
                "SELECT issued_by, issued_at, expires_at, used_at, withdrawn_at FROM enrolment_code \
                 WHERE citizen_id_number = ?1 ORDER BY issued_at, rowid",
            )?;
            Ok(stmt
                .query_map([id], |r| {
                    Ok(EnrolmentCodeRecord {
                        issued_by: r.get(0)?,
                        issued_at: r.get(1)?,
                        expires_at: r.get(2)?,
                        used_at: r.get(3)?,
                        withdrawn_at: r.get(4)?,
                    })
                })?
                .collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn enrol_device_with_copies(
        &self,
        grant: EnrolmentGrant,
        device: DeviceRecord,
        copies: Vec<(i64, Vec<u8>)>,
        events: Vec<NewEvent>,
        now: i64,
    ) -> Result<Option<DeviceRecord>, StoreError> {
        self.tx(move |tx| {
            let spent = match grant {
                EnrolmentGrant::Code(code_hash) => tx.execute(
                    "UPDATE enrolment_code SET used_at = ?3 WHERE hash = ?1 AND citizen_id_number = ?2 \
                     AND used_at IS NULL AND withdrawn_at IS NULL AND expires_at > ?3",
                    params![code_hash, device.citizen_id_number, now],
                )?,
                EnrolmentGrant::LivenessCheck(check_id) => tx.execute(
                    "UPDATE liveness_check SET passed = 1 WHERE id = ?1 AND citizen_id_number = ?2 \
                     AND purpose = ?3 AND answered_at IS NOT NULL AND passed IS NULL",
                    params![check_id, device.citizen_id_number, purpose_columns(LivenessPurpose::Enrolment).0],
                )?,
            };
            if spent == 0 {
                return Ok(None);
            }
            tx.execute(
                "INSERT INTO device (id, citizen_id_number, public_key, label, created_at) \
                 VALUES (nullif(?1, 0), ?2, ?3, ?4, ?5)",
                params![device.id, device.citizen_id_number, device.public_key, device.label, device.created_at],
            )
            .map_err(conflict)?;
            let device = DeviceRecord { id: tx.last_insert_rowid(), ..device };
            for (certificate_id, holder_copy) in copies {
                tx.execute(
                    "INSERT INTO certificate_copy (certificate_id, device_id, holder_copy) VALUES (?1, ?2, ?3)",
                    params![certificate_id, device.id, holder_copy],
                )?;
                insert_event(tx, &copy_event(&device, certificate_id, now))?;
            }
            for event in &events {
                insert_event(tx, event)?;
            }
            Ok(Some(device))
        })
        .await
    }

    async fn device(&self, id: i64) -> Result<Option<DeviceRecord>, StoreError> {
        self.read(move |c| {
            Ok(c.prepare_cached(
                "SELECT id, citizen_id_number, public_key, label, created_at, removed_at FROM device WHERE id = ?1",
            )?
            .query_row([id], device_row)
            .optional()?)
        })
        .await
    }

    async fn active_devices(&self, citizen_id_number: &str) -> Result<Vec<DeviceRecord>, StoreError> {
        let id = citizen_id_number.to_owned();
        self.read(move |c| {
            let mut stmt = c.prepare(
                "SELECT id, citizen_id_number, public_key, label, created_at, removed_at FROM device \
                 WHERE citizen_id_number = ?1 AND removed_at IS NULL ORDER BY created_at, id",
            )?;
            Ok(stmt.query_map([id], device_row)?.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn remove_device(&self, id: i64, at: i64) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute("UPDATE device SET removed_at = ?2 WHERE id = ?1 AND removed_at IS NULL", params![id, at])?;
            tx.execute(
                "UPDATE token SET revoked_at = ?2 WHERE kind = 'device' AND subject = ?1 AND revoked_at IS NULL",
                params![id, at],
            )?;
            Ok(())
        })
        .await
    }

    async fn insert_challenge(
        &self,
        device_id: i64,
        nonce: Vec<u8>,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute(
                "INSERT INTO challenge (nonce, device_id, expires_at) VALUES (?1, ?2, ?3)",
                params![nonce, device_id, expires_at],
            )
            .map_err(conflict)?;
            Ok(())
        })
        .await
    }

    async fn take_challenge(&self, device_id: i64, nonce: &[u8], now: i64) -> Result<bool, StoreError> {
        let nonce = nonce.to_vec();
        self.tx(move |tx| {
            let expires: Option<i64> = tx
                .query_row(
                    "DELETE FROM challenge WHERE nonce = ?1 AND device_id = ?2 RETURNING expires_at",
                    params![nonce, device_id],
                    |r| r.get(0),
                )
                .optional()?;
            tx.execute("DELETE FROM challenge WHERE expires_at <= ?1", [now])?;
            Ok(expires.is_some_and(|e| e > now))
        })
        .await
    }

    async fn insert_token(&self, t: TokenRecord) -> Result<(), StoreError> {
        let (kind, subject) = match t.subject {
            TokenSubject::Staff(id) => ("staff", id),
            TokenSubject::Device(id) => ("device", id),
        };
        self.tx(move |tx| {
            tx.execute(
                "INSERT INTO token (hash, kind, subject, expires_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![t.hash, kind, subject, t.expires_at, t.revoked_at],
            )
            .map_err(conflict)?;
            Ok(())
        })
        .await
    }

    async fn token(&self, hash: &[u8]) -> Result<Option<TokenRecord>, StoreError> {
        let hash = hash.to_vec();
        self.read(move |c| {
            let row = c
                .prepare_cached(
                    "SELECT hash, kind, subject, expires_at, revoked_at FROM token WHERE hash = ?1",
                )?
                .query_row([hash], |r| {
                    Ok((
                        r.get::<_, Vec<u8>>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                    ))
                })
                .optional()?;
            row.map(|(hash, kind, subject, expires_at, revoked_at)| {
                let subject = match kind.as_str() {
                    "staff" => TokenSubject::Staff(subject),
                    "device" => TokenSubject::Device(subject),
                    _ => return Err(StoreError::Corrupt("token kind")),
                };
                Ok(TokenRecord { hash, subject, expires_at, revoked_at })
            })
            .transpose()
        })
        .await
    }

    async fn revoke_token(&self, hash: &[u8], at: i64) -> Result<bool, StoreError> {
        let hash = hash.to_vec();
        self.tx(move |tx| {
            Ok(tx.execute(
                "UPDATE token SET revoked_at = ?2 WHERE hash = ?1 AND revoked_at IS NULL",
                params![hash, at],
            )? > 0)
        })
        .await
    }
}

fn device_row(r: &Row<'_>) -> rusqlite::Result<DeviceRecord> {
    Ok(DeviceRecord {
        id: r.get(0)?,
        citizen_id_number: r.get(1)?,
        public_key: r.get(2)?,
        label: r.get(3)?,
        created_at: r.get(4)?,
        removed_at: r.get(5)?,
    })
}
