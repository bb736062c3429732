//! [`IssuanceStore`] on SQLite.

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::sync::insert_event;
use super::{SqliteStore, conflict};
use crate::store::{
    CertificateRecord, IssuanceStore, IssuerKeyRecord, LegacyPrivateKey, NewCertificate, NewEvent,
    PublishedDoc, SignCopies, StatusListRecord, StoreError, StoredStatus, copy_event,
};

#[async_trait]
impl IssuanceStore for SqliteStore {
    async fn add_issuer_key(&self, k: IssuerKeyRecord) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute(
                "INSERT INTO issuer_key \
                 (key_id, department_code, pkcs8, public_key, valid_from, valid_to, retired_at, seq) \
                 VALUES (?1, ?2, X'', ?3, ?4, ?5, ?6, (SELECT coalesce(max(seq), 0) + 1 FROM issuer_key))",
                params![k.key_id, k.department_code, k.public_key, k.valid_from, k.valid_to, k.retired_at],
            )
            .map_err(conflict)?;
            Ok(())
        })
        .await
    }

    async fn retire_issuer_keys(&self, department_code: &str, at: i64) -> Result<u64, StoreError> {
        let code = department_code.to_owned();
        self.tx(move |tx| {
            Ok(tx.execute(
                "UPDATE issuer_key SET retired_at = ?2 WHERE department_code = ?1 AND retired_at IS NULL",
                params![code, at],
            )? as u64)
        })
        .await
    }

    async fn issuer_keys(&self) -> Result<Vec<IssuerKeyRecord>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT key_id, department_code, public_key, valid_from, valid_to, retired_at, compromised_at \
                 FROM issuer_key ORDER BY seq",
            )?;
            Ok(stmt.query_map([], key_row)?.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn compromise_issuer_key(&self, key_id: &str, at: i64, now: i64) -> Result<bool, StoreError> {
        let key_id = key_id.to_owned();
        self.tx(move |tx| {
            Ok(tx.execute(
                "UPDATE issuer_key SET compromised_at = ?2, retired_at = coalesce(retired_at, ?3) \
                 WHERE key_id = ?1 AND compromised_at IS NULL",
                params![key_id, at, now],
            )? == 1)
        })
        .await
    }

    async fn legacy_private_keys(&self) -> Result<Vec<LegacyPrivateKey>, StoreError> {
        self.tx(|tx| {
            let mut stmt = tx.prepare(
                "SELECT key_id, pkcs8 FROM issuer_key WHERE length(pkcs8) > 0 \
                 UNION ALL SELECT NULL, value FROM setting WHERE name = 'root-key'",
            )?;
            let keys = stmt
                .query_map([], |r| Ok(LegacyPrivateKey { key_id: r.get(0)?, pkcs8: r.get(1)? }))?
                .collect::<Result<_, _>>()?;
            Ok(keys)
        })
        .await
    }

    async fn forget_private_keys(&self) -> Result<(), StoreError> {
        self.writer
            .run(|conn| {
                let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                tx.execute("UPDATE issuer_key SET pkcs8 = X'' WHERE length(pkcs8) > 0", [])?;
                tx.execute("DELETE FROM setting WHERE name = 'root-key'", [])?;
                tx.commit()?;
                // The old bytes may still sit in freed space of the file and in WAL frames:
                // VACUUM rewrites the file from the live rows only, and the checkpoint copies
                // it back from the WAL and truncates the WAL to nothing.
                conn.execute_batch("VACUUM")?;
                // A reader in the middle of a read holds the checkpoint back ("busy"): try again
                // for a while (at start nothing reads yet; the automatic checkpoints finish it
                // later in any case).
                for _ in 0..50 {
                    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
                    if busy == 0 {
                        break;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                Ok(())
            })
            .await
    }

    async fn status_list_ids(&self, department_code: &str) -> Result<Vec<i64>, StoreError> {
        let code = department_code.to_owned();
        self.read(move |c| {
            let mut stmt = c.prepare("SELECT id FROM status_list WHERE department_code = ?1 ORDER BY id")?;
            Ok(stmt.query_map([code], |r| r.get(0))?.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn setting_or_insert(&self, name: &str, value: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        let name = name.to_owned();
        self.tx(move |tx| {
            tx.execute("INSERT OR IGNORE INTO setting (name, value) VALUES (?1, ?2)", params![name, value])?;
            Ok(tx.query_row("SELECT value FROM setting WHERE name = ?1", [name], |r| r.get(0))?)
        })
        .await
    }

    async fn publish(&self, d: PublishedDoc) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute(
                "INSERT OR REPLACE INTO published (name, bytes, etag, sequence, published_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![d.name, d.bytes, d.etag, d.sequence, d.published_at],
            )?;
            Ok(())
        })
        .await
    }

    async fn published(&self, name: &str) -> Result<Option<PublishedDoc>, StoreError> {
        let name = name.to_owned();
        self.read(move |c| {
            Ok(c.prepare_cached(
                "SELECT name, bytes, etag, sequence, published_at FROM published WHERE name = ?1",
            )?
            .query_row([name], |r| {
                Ok(PublishedDoc {
                    name: r.get(0)?,
                    bytes: r.get(1)?,
                    etag: r.get(2)?,
                    sequence: r.get(3)?,
                    published_at: r.get(4)?,
                })
            })
            .optional()?)
        })
        .await
    }

    async fn issue_certificate(
        &self,
        n: NewCertificate,
        sign: SignCopies,
    ) -> Result<CertificateRecord, StoreError> {
        self.tx(move |tx| {
            let current: Option<(i64, i64, i64)> = tx
                .query_row(
                    "SELECT id, capacity, next_index FROM status_list WHERE department_code = ?1 \
                     ORDER BY id DESC LIMIT 1",
                    [&n.department_code],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let (list_id, index) = match current {
                Some((id, capacity, next)) if next < capacity => (id, next),
                _ => {
                    tx.execute(
                        "INSERT INTO status_list (department_code, capacity, next_index) VALUES (?1, ?2, 0)",
                        params![n.department_code, n.status_list_capacity],
                    )?;
                    (tx.last_insert_rowid(), 0)
                }
            };
            tx.execute("UPDATE status_list SET next_index = ?2 WHERE id = ?1", params![list_id, index + 1])?;
            tx.execute(
                "INSERT INTO certificate (citizen_id_number, department_code, type_slug, serial, version, \
                 status_list_id, status_index, status, valid_from, valid_until, expires_at, fields_json, issued_at, \
                 request_key) \
                 VALUES (?1, ?2, ?3, coalesce(?4, 0), ?5, ?6, ?7, 0, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    n.citizen_id_number,
                    n.department_code,
                    n.type_slug,
                    n.serial,
                    n.version,
                    list_id,
                    index,
                    n.valid_from,
                    n.valid_until,
                    n.expires_at,
                    n.fields_json,
                    n.issued_at,
                    n.request_key
                ],
            )
            .map_err(conflict)?;
            let id = tx.last_insert_rowid();
            if n.serial.is_none() {
                tx.execute("UPDATE certificate SET serial = id WHERE id = ?1", [id])?;
            }
            if let Some(old) = n.replaces {
                let replaced = tx.execute(
                    "UPDATE certificate SET status = 1, replaced_by = ?2 \
                     WHERE id = ?1 AND status = 0 AND replaced_by IS NULL",
                    params![old, id],
                )?;
                if replaced != 1 {
                    // Dropping the transaction rolls the insert back.
                    return Err(StoreError::Conflict);
                }
            }
            let record = get_cert(tx, id)?.ok_or(StoreError::Corrupt("inserted certificate"))?;
            let signed = sign(&record)?;
            if !signed.template.is_empty() {
                tx.execute(
                    "INSERT INTO certificate_template (certificate_id, holder_copy) VALUES (?1, ?2)",
                    params![id, signed.template],
                )?;
            }
            for copy in signed.copies {
                tx.execute(
                    "INSERT OR REPLACE INTO certificate_copy (certificate_id, device_id, holder_copy) \
                     VALUES (?1, ?2, ?3)",
                    params![id, copy.device_id, copy.holder_copy],
                )?;
                insert_event(tx, &copy_event(&record, copy.device_id, record.issued_at))?;
            }
            for event in &signed.events {
                insert_event(tx, event)?;
            }
            Ok(record)
        })
        .await
    }

    async fn certificate_template(&self, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        self.read(move |c| {
            Ok(c.prepare_cached("SELECT holder_copy FROM certificate_template WHERE certificate_id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?)
        })
        .await
    }

    async fn certificate(&self, id: i64) -> Result<Option<CertificateRecord>, StoreError> {
        self.read(move |c| get_cert(c, id)).await
    }

    async fn certificate_by_request_key(
        &self,
        department_code: &str,
        request_key: &str,
    ) -> Result<Option<CertificateRecord>, StoreError> {
        let (department, key) = (department_code.to_owned(), request_key.to_owned());
        self.read(move |c| {
            let id: Option<i64> = c
                .query_row(
                    "SELECT id FROM certificate WHERE department_code = ?1 AND request_key = ?2",
                    params![department, key],
                    |r| r.get(0),
                )
                .optional()?;
            match id {
                Some(id) => get_cert(c, id),
                None => Ok(None),
            }
        })
        .await
    }

    async fn certificates_of(&self, citizen_id_number: &str) -> Result<Vec<CertificateRecord>, StoreError> {
        let id = citizen_id_number.to_owned();
        self.read(move |c| certificates_of(c, &id)).await
    }

    async fn set_status(
        &self,
        id: i64,
        expected: StoredStatus,
        status: StoredStatus,
        events: Vec<NewEvent>,
    ) -> Result<bool, StoreError> {
        self.tx(move |tx| {
            let changed = tx.execute(
                "UPDATE certificate SET status = ?3 WHERE id = ?1 AND status = ?2 AND replaced_by IS NULL",
                params![id, expected.value(), status.value()],
            )?;
            if changed != 1 {
                return Ok(false);
            }
            for e in &events {
                insert_event(tx, e)?;
            }
            Ok(true)
        })
        .await
    }

    async fn status_list(&self, id: i64) -> Result<Option<StatusListRecord>, StoreError> {
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT id, department_code, capacity FROM status_list WHERE id = ?1",
                [id],
                |r| Ok(StatusListRecord { id: r.get(0)?, department_code: r.get(1)?, capacity: r.get(2)? }),
            )
            .optional()?)
        })
        .await
    }

    async fn all_status_list_ids(&self) -> Result<Vec<i64>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare("SELECT id FROM status_list ORDER BY id")?;
            let ids = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            Ok(ids)
        })
        .await
    }

    async fn status_entries(&self, list_id: i64) -> Result<Vec<(i64, i64)>, StoreError> {
        self.read(move |c| {
            let mut stmt = c.prepare(
                "SELECT status_index, status FROM certificate WHERE status_list_id = ?1 AND status <> 0 \
                 ORDER BY status_index",
            )?;
            Ok(stmt.query_map([list_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn put_copy(
        &self,
        certificate_id: i64,
        device_id: i64,
        holder_copy: Vec<u8>,
        event: NewEvent,
    ) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute(
                "INSERT OR REPLACE INTO certificate_copy (certificate_id, device_id, holder_copy) VALUES (?1, ?2, ?3)",
                params![certificate_id, device_id, holder_copy],
            )?;
            insert_event(tx, &event)?;
            Ok(())
        })
        .await
    }
}

fn key_row(r: &Row<'_>) -> rusqlite::Result<IssuerKeyRecord> {
    Ok(IssuerKeyRecord {
        key_id: r.get(0)?,
        department_code: r.get(1)?,
        public_key: r.get(2)?,
        valid_from: r.get(3)?,
        valid_to: r.get(4)?,
        retired_at: r.get(5)?,
        compromised_at: r.get(6)?,
    })
}

const CERT_COLUMNS: &str = "id, citizen_id_number, department_code, type_slug, serial, version, status_list_id, \
     status_index, status, valid_from, valid_until, expires_at, fields_json, issued_at, replaced_by";

type RawCert = (CertificateRecord, i64, i64);

fn cert_row(r: &Row<'_>) -> rusqlite::Result<RawCert> {
    Ok((
        CertificateRecord {
            id: r.get(0)?,
            citizen_id_number: r.get(1)?,
            department_code: r.get(2)?,
            type_slug: r.get(3)?,
            serial: r.get(4)?,
            version: 0,
            status_list_id: r.get(6)?,
            status_index: r.get(7)?,
            status: StoredStatus::Valid,
            valid_from: r.get(9)?,
            valid_until: r.get(10)?,
            expires_at: r.get(11)?,
            fields_json: r.get(12)?,
            issued_at: r.get(13)?,
            replaced_by: r.get(14)?,
        },
        r.get(5)?,
        r.get(8)?,
    ))
}

fn finish_cert((mut c, version, status): RawCert) -> Result<CertificateRecord, StoreError> {
    c.version = u16::try_from(version).map_err(|_| StoreError::Corrupt("version"))?;
    c.status = StoredStatus::from_value(status)?;
    Ok(c)
}

/// The citizen's certificates, newest first (also read by the sync area's pull).
pub(super) fn certificates_of(
    conn: &Connection,
    citizen_id_number: &str,
) -> Result<Vec<CertificateRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CERT_COLUMNS} FROM certificate WHERE citizen_id_number = ?1 ORDER BY id DESC"
    ))?;
    let rows: Vec<RawCert> = stmt.query_map([citizen_id_number], cert_row)?.collect::<Result<_, _>>()?;
    rows.into_iter().map(finish_cert).collect()
}

fn get_cert(conn: &Connection, id: i64) -> Result<Option<CertificateRecord>, StoreError> {
    conn.prepare_cached(&format!("SELECT {CERT_COLUMNS} FROM certificate WHERE id = ?1"))?
        .query_row([id], cert_row)
        .optional()?
        .map(finish_cert)
        .transpose()
}
