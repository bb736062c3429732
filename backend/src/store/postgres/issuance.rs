//! [`IssuanceStore`] on PostgreSQL.

use async_trait::async_trait;
use tokio_postgres::Row;

use super::sync::insert_event;
use super::{Cached, PgStore, conflict};
use crate::store::{
    CertificateRecord, IssuanceStore, IssuerKeyRecord, LegacyPrivateKey, NewCertificate, NewEvent,
    PublishedDoc, SignCopies, StatusListRecord, StoreError, StoredStatus, copy_event,
};

#[async_trait]
impl IssuanceStore for PgStore {
    async fn add_issuer_key(&self, k: IssuerKeyRecord) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.cached_execute("LOCK TABLE issuer_key IN EXCLUSIVE MODE", &[]).await?;
        tx.cached_execute(
            "INSERT INTO issuer_key (key_id, department_code, pkcs8, public_key, valid_from, valid_to, retired_at, seq) \
             VALUES ($1, $2, '\\x'::bytea, $3, $4, $5, $6, (SELECT coalesce(max(seq), 0) + 1 FROM issuer_key))",
            &[&k.key_id, &k.department_code, &k.public_key, &k.valid_from, &k.valid_to, &k.retired_at],
        )
        .await
        .map_err(conflict)?;
        tx.commit().await?;
        Ok(())
    }

    async fn retire_issuer_keys(&self, department_code: &str, at: i64) -> Result<u64, StoreError> {
        let client = self.client().await?;
        Ok(client
            .cached_execute(
                "UPDATE issuer_key SET retired_at = $2 WHERE department_code = $1 AND retired_at IS NULL",
                &[&department_code, &at],
            )
            .await?)
    }

    async fn issuer_keys(&self) -> Result<Vec<IssuerKeyRecord>, StoreError> {
        let client = self.client().await?;
        client
            .cached_query(
                "SELECT key_id, department_code, public_key, valid_from, valid_to, retired_at, compromised_at \
                 FROM issuer_key ORDER BY seq",
                &[],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(IssuerKeyRecord {
                    key_id: r.try_get(0)?,
                    department_code: r.try_get(1)?,
                    public_key: r.try_get(2)?,
                    valid_from: r.try_get(3)?,
                    valid_to: r.try_get(4)?,
                    retired_at: r.try_get(5)?,
                    compromised_at: r.try_get(6)?,
                })
            })
            .collect()
    }

    async fn compromise_issuer_key(&self, key_id: &str, at: i64, now: i64) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(client
            .cached_execute(
                "UPDATE issuer_key SET compromised_at = $2, retired_at = coalesce(retired_at, $3) \
                 WHERE key_id = $1 AND compromised_at IS NULL",
                &[&key_id, &at, &now],
            )
            .await?
            == 1)
    }

    async fn legacy_private_keys(&self) -> Result<Vec<LegacyPrivateKey>, StoreError> {
        let client = self.client().await?;
        client
            .cached_query(
                "SELECT key_id, pkcs8 FROM issuer_key WHERE length(pkcs8) > 0 \
                 UNION ALL SELECT NULL, value FROM setting WHERE name = 'root-key'",
                &[],
            )
            .await?
            .iter()
            .map(|r| Ok(LegacyPrivateKey { key_id: r.try_get(0)?, pkcs8: r.try_get(1)? }))
            .collect()
    }

    async fn forget_private_keys(&self) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.cached_execute("UPDATE issuer_key SET pkcs8 = '\\x'::bytea WHERE length(pkcs8) > 0", &[]).await?;
        tx.cached_execute("DELETE FROM setting WHERE name = 'root-key'", &[]).await?;
        tx.commit().await?;
        // The old row versions stay in the tables' files until vacuumed: VACUUM FULL rewrites
        // both tables from their live rows.
        client.batch_execute("VACUUM FULL issuer_key, setting").await?;
        Ok(())
    }

    async fn status_list_ids(&self, department_code: &str) -> Result<Vec<i64>, StoreError> {
        let client = self.client().await?;
        client
            .cached_query(
                "SELECT id FROM status_list WHERE department_code = $1 ORDER BY id",
                &[&department_code],
            )
            .await?
            .iter()
            .map(|r| Ok(r.try_get(0)?))
            .collect()
    }

    async fn setting_or_insert(&self, name: &str, value: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        let client = self.client().await?;
        client
            .cached_execute(
                "INSERT INTO setting (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                &[&name, &value],
            )
            .await?;
        Ok(client
            .cached_query_one("SELECT value FROM setting WHERE name = $1", &[&name])
            .await?
            .try_get(0)?)
    }

    async fn publish(&self, d: PublishedDoc) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .cached_execute(
                "INSERT INTO published (name, bytes, etag, sequence, published_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (name) DO UPDATE SET bytes = excluded.bytes, etag = excluded.etag, \
                 sequence = excluded.sequence, published_at = excluded.published_at",
                &[&d.name, &d.bytes, &d.etag, &d.sequence, &d.published_at],
            )
            .await?;
        Ok(())
    }

    async fn published(&self, name: &str) -> Result<Option<PublishedDoc>, StoreError> {
        let client = self.client().await?;
        client
            .cached_query_opt(
                "SELECT name, bytes, etag, sequence, published_at FROM published WHERE name = $1",
                &[&name],
            )
            .await?
            .map(|r| {
                Ok(PublishedDoc {
                    name: r.try_get(0)?,
                    bytes: r.try_get(1)?,
                    etag: r.try_get(2)?,
                    sequence: r.try_get(3)?,
                    published_at: r.try_get(4)?,
                })
            })
            .transpose()
    }

    async fn issue_certificate(
        &self,
        n: NewCertificate,
        sign: SignCopies,
    ) -> Result<CertificateRecord, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // One allocation at a time per department: lock the department's row.
        tx.cached_execute("SELECT 1 FROM department WHERE code = $1 FOR UPDATE", &[&n.department_code])
            .await?;
        let current = tx
            .cached_query_opt(
                "SELECT id, capacity, next_index FROM status_list WHERE department_code = $1 ORDER BY id DESC LIMIT 1",
                &[&n.department_code],
            )
            .await?;
        let current = match current {
            Some(r) => Some((r.try_get::<_, i64>(0)?, r.try_get::<_, i64>(1)?, r.try_get::<_, i64>(2)?)),
            None => None,
        };
        let (list_id, index) = match current {
            Some((id, capacity, next)) if next < capacity => (id, next),
            _ => {
                let r = tx
                    .cached_query_one(
                        "INSERT INTO status_list (department_code, capacity, next_index) VALUES ($1, $2, 0) RETURNING id",
                        &[&n.department_code, &n.status_list_capacity],
                    )
                    .await?;
                (r.try_get(0)?, 0)
            }
        };
        tx.cached_execute("UPDATE status_list SET next_index = $2 WHERE id = $1", &[&list_id, &(index + 1)])
            .await?;
        let version = i64::from(n.version);
        let row = tx
            .cached_query_one(
                "INSERT INTO certificate (citizen_id_number, department_code, type_slug, serial, version, \
                 status_list_id, status_index, status, valid_from, valid_until, expires_at, fields_json, issued_at, \
                 request_key) \
                 VALUES ($1, $2, $3, coalesce($4::bigint, 0), $5, $6, $7, 0, $8, $9, $10, $11, $12, $13) RETURNING id",
                &[
                    &n.citizen_id_number,
                    &n.department_code,
                    &n.type_slug,
                    &n.serial,
                    &version,
                    &list_id,
                    &index,
                    &n.valid_from,
                    &n.valid_until,
                    &n.expires_at,
                    &n.fields_json,
                    &n.issued_at,
                    &n.request_key,
                ],
            )
            .await
            .map_err(conflict)?;
        let id: i64 = row.try_get(0)?;
        if n.serial.is_none() {
            tx.cached_execute("UPDATE certificate SET serial = id WHERE id = $1", &[&id]).await?;
        }
        if let Some(old) = n.replaces {
            let replaced = tx
                .cached_execute(
                    "UPDATE certificate SET status = 1, replaced_by = $2 \
                     WHERE id = $1 AND status = 0 AND replaced_by IS NULL",
                    &[&old, &id],
                )
                .await?;
            if replaced != 1 {
                // Dropping the transaction rolls the insert back.
                return Err(StoreError::Conflict);
            }
        }
        let row = tx
            .cached_query_one(&format!("SELECT {CERT_COLUMNS} FROM certificate WHERE id = $1"), &[&id])
            .await?;
        let record = cert_row(&row)?;
        let signed = sign(&record)?;
        if !signed.template.is_empty() {
            tx.cached_execute(
                "INSERT INTO certificate_template (certificate_id, holder_copy) VALUES ($1, $2)",
                &[&id, &signed.template],
            )
            .await?;
        }
        for copy in signed.copies {
            tx.cached_execute(
                "INSERT INTO certificate_copy (certificate_id, device_id, holder_copy) VALUES ($1, $2, $3) \
                 ON CONFLICT (certificate_id, device_id) DO UPDATE SET holder_copy = excluded.holder_copy",
                &[&id, &copy.device_id, &copy.holder_copy],
            )
            .await?;
            insert_event(&tx, &copy_event(&record, copy.device_id, record.issued_at)).await?;
        }
        for event in &signed.events {
            insert_event(&tx, event).await?;
        }
        tx.commit().await?;
        Ok(record)
    }

    async fn certificate_template(&self, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        let client = self.client().await?;
        let row = client
            .cached_query_opt(
                "SELECT holder_copy FROM certificate_template WHERE certificate_id = $1",
                &[&id],
            )
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    async fn certificate(&self, id: i64) -> Result<Option<CertificateRecord>, StoreError> {
        let client = self.client().await?;
        client
            .cached_query_opt(&format!("SELECT {CERT_COLUMNS} FROM certificate WHERE id = $1"), &[&id])
            .await?
            .as_ref()
            .map(cert_row)
            .transpose()
    }

    async fn certificate_by_request_key(
        &self,
        department_code: &str,
        request_key: &str,
    ) -> Result<Option<CertificateRecord>, StoreError> {
        let client = self.client().await?;
        client
            .cached_query_opt(
                &format!(
                    "SELECT {CERT_COLUMNS} FROM certificate WHERE department_code = $1 AND request_key = $2"
                ),
                &[&department_code, &request_key],
            )
            .await?
            .as_ref()
            .map(cert_row)
            .transpose()
    }

    async fn certificates_of(&self, citizen_id_number: &str) -> Result<Vec<CertificateRecord>, StoreError> {
        let client = self.client().await?;
        client
            .cached_query(
                &format!(
                    "SELECT {CERT_COLUMNS} FROM certificate WHERE citizen_id_number = $1 ORDER BY id DESC"
                ),
                &[&citizen_id_number],
            )
            .await?
            .iter()
            .map(cert_row)
            .collect()
    }

    async fn set_status(
        &self,
        id: i64,
        expected: StoredStatus,
        status: StoredStatus,
        events: Vec<NewEvent>,
    ) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // The row lock the UPDATE takes makes a concurrent change wait, then re-check `status`
        // against the committed row (READ COMMITTED re-evaluates the WHERE clause).
        let changed = tx
            .cached_execute(
                "UPDATE certificate SET status = $3 WHERE id = $1 AND status = $2 AND replaced_by IS NULL",
                &[&id, &expected.value(), &status.value()],
            )
            .await?;
        if changed != 1 {
            return Ok(false);
        }
        for e in &events {
            insert_event(&tx, e).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn status_list(&self, id: i64) -> Result<Option<StatusListRecord>, StoreError> {
        let client = self.client().await?;
        client
            .cached_query_opt("SELECT id, department_code, capacity FROM status_list WHERE id = $1", &[&id])
            .await?
            .map(|r| {
                Ok(StatusListRecord {
                    id: r.try_get(0)?,
                    department_code: r.try_get(1)?,
                    capacity: r.try_get(2)?,
                })
            })
            .transpose()
    }

    async fn all_status_list_ids(&self) -> Result<Vec<i64>, StoreError> {
        let client = self.client().await?;
        client
            .cached_query("SELECT id FROM status_list ORDER BY id", &[])
            .await?
            .iter()
            .map(|r| Ok(r.try_get(0)?))
            .collect()
    }

    async fn status_entries(&self, list_id: i64) -> Result<Vec<(i64, i64)>, StoreError> {
        let client = self.client().await?;
        client
            .cached_query(
                "SELECT status_index, status FROM certificate WHERE status_list_id = $1 AND status <> 0 \
                 ORDER BY status_index",
                &[&list_id],
            )
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    async fn put_copy(
        &self,
        certificate_id: i64,
        device_id: i64,
        holder_copy: Vec<u8>,
        event: NewEvent,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.cached_execute(
            "INSERT INTO certificate_copy (certificate_id, device_id, holder_copy) VALUES ($1, $2, $3) \
             ON CONFLICT (certificate_id, device_id) DO UPDATE SET holder_copy = excluded.holder_copy",
            &[&certificate_id, &device_id, &holder_copy],
        )
        .await?;
        insert_event(&tx, &event).await?;
        tx.commit().await?;
        Ok(())
    }
}

const CERT_COLUMNS: &str = "id, citizen_id_number, department_code, type_slug, serial, version, status_list_id, \
     status_index, status, valid_from, valid_until, expires_at, fields_json, issued_at, replaced_by";

fn cert_row(r: &Row) -> Result<CertificateRecord, StoreError> {
    Ok(CertificateRecord {
        id: r.try_get(0)?,
        citizen_id_number: r.try_get(1)?,
        department_code: r.try_get(2)?,
        type_slug: r.try_get(3)?,
        serial: r.try_get(4)?,
        version: u16::try_from(r.try_get::<_, i64>(5)?).map_err(|_| StoreError::Corrupt("version"))?,
        status_list_id: r.try_get(6)?,
        status_index: r.try_get(7)?,
        status: StoredStatus::from_value(r.try_get(8)?)?,
        valid_from: r.try_get(9)?,
        valid_until: r.try_get(10)?,
        expires_at: r.try_get(11)?,
        fields_json: r.try_get(12)?,
        issued_at: r.try_get(13)?,
        replaced_by: r.try_get(14)?,
    })
}
