//! [`DeviceStore`] on PostgreSQL.

use async_trait::async_trait;
use tokio_postgres::Row;

use super::sync::insert_event;
use super::{Cached, PgStore, conflict};
use crate::store::devices::copy_event;
use crate::store::liveness::purpose_columns;
use crate::store::{
    DeviceRecord, DeviceStore, EnrolmentCodeRecord, EnrolmentGrant, LivenessPurpose, NewEnrolmentCode,
    NewEvent, StoreError, TokenRecord, TokenSubject,
};

#[async_trait]
impl DeviceStore for PgStore {
    async fn insert_enrolment_code(&self, code: NewEnrolmentCode) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.cached_execute(
            "UPDATE enrolment_code SET withdrawn_at = $2 WHERE citizen_id_number = $1 \
             AND used_at IS NULL AND withdrawn_at IS NULL",
            &[&code.citizen_id_number, &code.issued_at],
        )
        .await?;
        tx.cached_execute(
            "INSERT INTO enrolment_code (hash, citizen_id_number, expires_at, issued_by, issued_at) \
             VALUES ($1, $2, $3, $4, $5)",
            &[&code.hash, &code.citizen_id_number, &code.expires_at, &code.issued_by, &code.issued_at],
        )
        .await
        .map_err(conflict)?;
        tx.commit().await?;
        Ok(())
    }

    async fn enrolment_codes(&self, citizen_id_number: &str) -> Result<Vec<EnrolmentCodeRecord>, StoreError> {
        let client = self.client().await?;
        client
            .cached_query(
                "SELECT issued_by, issued_at, expires_at, used_at, withdrawn_at FROM enrolment_code \
                 WHERE citizen_id_number = $1 ORDER BY issued_at, hash",
                &[&citizen_id_number],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(EnrolmentCodeRecord {
                    issued_by: r.try_get(0)?,
                    issued_at: r.try_get(1)?,
                    expires_at: r.try_get(2)?,
                    used_at: r.try_get(3)?,
                    withdrawn_at: r.try_get(4)?,
                })
            })
            .collect()
    }

    async fn enrol_device_with_copies(
        &self,
        grant: EnrolmentGrant,
        device: DeviceRecord,
        copies: Vec<(i64, Vec<u8>)>,
        events: Vec<NewEvent>,
        now: i64,
    ) -> Result<Option<DeviceRecord>, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let spent = match grant {
            EnrolmentGrant::Code(code_hash) => {
                tx.cached_execute(
                    "UPDATE enrolment_code SET used_at = $3 WHERE hash = $1 AND citizen_id_number = $2 \
                     AND used_at IS NULL AND withdrawn_at IS NULL AND expires_at > $3",
                    &[&code_hash, &device.citizen_id_number, &now],
                )
                .await?
            }
            EnrolmentGrant::LivenessCheck(check_id) => {
                tx.cached_execute(
                    "UPDATE liveness_check SET passed = TRUE WHERE id = $1 AND citizen_id_number = $2 \
                     AND purpose = $3 AND answered_at IS NOT NULL AND passed IS NULL",
                    &[&check_id, &device.citizen_id_number, &purpose_columns(LivenessPurpose::Enrolment).0],
                )
                .await?
            }
        };
        if spent == 0 {
            return Ok(None);
        }
        let row = tx
            .cached_query_one(
                "INSERT INTO device (id, citizen_id_number, public_key, label, created_at) OVERRIDING SYSTEM VALUE \
                 VALUES (coalesce(nullif($1::bigint, 0), nextval(pg_get_serial_sequence('device', 'id'))), $2, $3, $4, $5) \
                 RETURNING id",
                &[&device.id, &device.citizen_id_number, &device.public_key, &device.label, &device.created_at],
            )
            .await
            .map_err(conflict)?;
        let device = DeviceRecord { id: row.try_get(0)?, ..device };
        for (certificate_id, holder_copy) in copies {
            tx.cached_execute(
                "INSERT INTO certificate_copy (certificate_id, device_id, holder_copy) VALUES ($1, $2, $3)",
                &[&certificate_id, &device.id, &holder_copy],
            )
            .await?;
            insert_event(&tx, &copy_event(&device, certificate_id, now)).await?;
        }
        for event in &events {
            insert_event(&tx, event).await?;
        }
        tx.commit().await?;
        Ok(Some(device))
    }

    async fn device(&self, id: i64) -> Result<Option<DeviceRecord>, StoreError> {
        let client = self.client().await?;
        client
            .cached_query_opt(&format!("SELECT {DEVICE_COLUMNS} FROM device WHERE id = $1"), &[&id])
            .await?
            .as_ref()
            .map(device_row)
            .transpose()
    }

    async fn active_devices(&self, citizen_id_number: &str) -> Result<Vec<DeviceRecord>, StoreError> {
        let client = self.client().await?;
        client
            .cached_query(
                &format!(
                    "SELECT {DEVICE_COLUMNS} FROM device WHERE citizen_id_number = $1 AND removed_at IS NULL ORDER BY created_at, id"
                ),
                &[&citizen_id_number],
            )
            .await?
            .iter()
            .map(device_row)
            .collect()
    }

    async fn remove_device(&self, id: i64, at: i64) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.cached_execute(
            "UPDATE device SET removed_at = $2 WHERE id = $1 AND removed_at IS NULL",
            &[&id, &at],
        )
        .await?;
        tx.cached_execute(
            "UPDATE token SET revoked_at = $2 WHERE kind = 'device' AND subject = $1 AND revoked_at IS NULL",
            &[&id, &at],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn insert_challenge(
        &self,
        device_id: i64,
        nonce: Vec<u8>,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .cached_execute(
                "INSERT INTO challenge (nonce, device_id, expires_at) VALUES ($1, $2, $3)",
                &[&nonce, &device_id, &expires_at],
            )
            .await
            .map_err(conflict)?;
        Ok(())
    }

    async fn take_challenge(&self, device_id: i64, nonce: &[u8], now: i64) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let row = tx
            .cached_query_opt(
                "DELETE FROM challenge WHERE nonce = $1 AND device_id = $2 RETURNING expires_at",
                &[&nonce, &device_id],
            )
            .await?;
        tx.cached_execute("DELETE FROM challenge WHERE expires_at <= $1", &[&now]).await?;
        tx.commit().await?;
        Ok(match row {
            Some(r) => r.try_get::<_, i64>(0)? > now,
            None => false,
        })
    }

    async fn insert_token(&self, t: TokenRecord) -> Result<(), StoreError> {
        let (kind, subject) = match t.subject {
            TokenSubject::Staff(id) => ("staff", id),
            TokenSubject::Device(id) => ("device", id),
        };
        let client = self.client().await?;
        client
            .cached_execute(
                "INSERT INTO token (hash, kind, subject, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5)",
                &[&t.hash, &kind, &subject, &t.expires_at, &t.revoked_at],
            )
            .await
            .map_err(conflict)?;
        Ok(())
    }

    async fn token(&self, hash: &[u8]) -> Result<Option<TokenRecord>, StoreError> {
        let client = self.client().await?;
        client
            .cached_query_opt(
                "SELECT hash, kind, subject, expires_at, revoked_at FROM token WHERE hash = $1",
                &[&hash],
            )
            .await?
            .as_ref()
            .map(token_row)
            .transpose()
    }

    /// One statement (one round trip) instead of the token, then the device.
    async fn token_and_device(
        &self,
        hash: &[u8],
    ) -> Result<Option<(TokenRecord, Option<DeviceRecord>)>, StoreError> {
        let client = self.client().await?;
        let Some(r) = client
            .cached_query_opt(
                "SELECT t.hash, t.kind, t.subject, t.expires_at, t.revoked_at, \
                 d.id, d.citizen_id_number, d.public_key, d.label, d.created_at, d.removed_at \
                 FROM token t LEFT JOIN device d ON t.kind = 'device' AND d.id = t.subject \
                 WHERE t.hash = $1",
                &[&hash],
            )
            .await?
        else {
            return Ok(None);
        };
        let token = token_row(&r)?;
        let device = match r.try_get::<_, Option<i64>>(5)? {
            Some(id) => Some(DeviceRecord {
                id,
                citizen_id_number: r.try_get(6)?,
                public_key: r.try_get(7)?,
                label: r.try_get(8)?,
                created_at: r.try_get(9)?,
                removed_at: r.try_get(10)?,
            }),
            None => None,
        };
        Ok(Some((token, device)))
    }

    async fn revoke_token(&self, hash: &[u8], at: i64) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(client
            .cached_execute(
                "UPDATE token SET revoked_at = $2 WHERE hash = $1 AND revoked_at IS NULL",
                &[&hash, &at],
            )
            .await?
            > 0)
    }
}

/// A token from the columns `hash, kind, subject, expires_at, revoked_at`.
pub(super) fn token_row(r: &Row) -> Result<TokenRecord, StoreError> {
    let kind: String = r.try_get(1)?;
    let subject: i64 = r.try_get(2)?;
    let subject = match kind.as_str() {
        "staff" => TokenSubject::Staff(subject),
        "device" => TokenSubject::Device(subject),
        _ => return Err(StoreError::Corrupt("token kind")),
    };
    Ok(TokenRecord { hash: r.try_get(0)?, subject, expires_at: r.try_get(3)?, revoked_at: r.try_get(4)? })
}

const DEVICE_COLUMNS: &str = "id, citizen_id_number, public_key, label, created_at, removed_at";

fn device_row(r: &Row) -> Result<DeviceRecord, StoreError> {
    Ok(DeviceRecord {
        id: r.try_get(0)?,
        citizen_id_number: r.try_get(1)?,
        public_key: r.try_get(2)?,
        label: r.try_get(3)?,
        created_at: r.try_get(4)?,
        removed_at: r.try_get(5)?,
    })
}
