//! Submitting on SQLite: uploads held before their submission, the submission that claims them
//! with the citizen's notice in one transaction, the resubmission after 补正, the citizen's list.

use rusqlite::{Connection, OptionalExtension, params};
use shimin_core::application::submission::ApplicationId;

use super::super::SqliteStore;
use super::super::sync::insert_event;
use super::{get, insert_application, raw, write_update};
use crate::store::applications::{COLUMNS, RawApplication, digest, to_i64, to_u64};
use crate::store::{
    ApplicationRecord, EventKind, NewApplication, NewEvent, ReceiptRecord, Resubmission, Resubmitted, Staged,
    StagedUpload, StoreError, SubmitWithUploads, Submitted, UploadDecl,
};

fn notice_event(citizen: &str, message: String, at: i64) -> NewEvent {
    NewEvent {
        citizen_id_number: citizen.to_owned(),
        device_id: None,
        kind: EventKind::Notification,
        certificate_id: None,
        status: None,
        message: Some(message),
        created_at: at,
    }
}

fn staged(c: &Connection, citizen: &str, id: ApplicationId) -> Result<Vec<UploadDecl>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT sha256, media_type, size FROM application_upload_staged \
         WHERE citizen = ?1 AND application_id = ?2 ORDER BY sha256",
    )?;
    let rows = stmt
        .query_map(params![citizen, id.as_bytes().as_slice()], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(sha, media_type, size)| {
            Ok(UploadDecl { sha256: digest(&sha)?, media_type, size: to_u64(size)? })
        })
        .collect()
}

/// Moves the held bytes of `uploads` into the application's declared rows; `false` (the caller
/// rolls back) when one is not held with the declared type and size.
fn claim(
    tx: &Connection,
    citizen: &str,
    id: ApplicationId,
    uploads: &[UploadDecl],
    at: i64,
) -> Result<bool, StoreError> {
    let held = staged(tx, citizen, id)?;
    if !uploads.iter().all(|u| held.contains(u)) {
        return Ok(false);
    }
    for u in uploads {
        tx.execute(
            "UPDATE application_upload SET bytes = (SELECT bytes FROM application_upload_staged s \
               WHERE s.citizen = ?3 AND s.application_id = ?1 AND s.sha256 = ?2), stored_at = ?4 \
             WHERE application_id = ?1 AND sha256 = ?2 AND bytes IS NULL",
            params![id.as_bytes().as_slice(), u.sha256.as_slice(), citizen, at],
        )?;
    }
    tx.execute(
        "DELETE FROM application_upload_staged WHERE citizen = ?1 AND application_id = ?2",
        params![citizen, id.as_bytes().as_slice()],
    )?;
    Ok(true)
}

fn insert_receipt(
    tx: &Connection,
    id: ApplicationId,
    round: i64,
    body_sha256: &[u8; 32],
    submission: &str,
    precheck: &str,
    at: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO application_receipt (application_id, round, body_sha256, submission, precheck, received_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id.as_bytes().as_slice(), round, body_sha256.as_slice(), submission, precheck, at],
    )?;
    Ok(())
}

pub(in crate::store::sqlite) async fn application_receipt(
    store: &SqliteStore,
    id: ApplicationId,
    round: u8,
) -> Result<Option<ReceiptRecord>, StoreError> {
    store
        .read(move |c| {
            let row: Option<(i64, String, Vec<u8>)> = c
                .query_row(
                    "SELECT received_at, precheck, body_sha256 FROM application_receipt \
                     WHERE application_id = ?1 AND round = ?2",
                    params![id.as_bytes().as_slice(), i64::from(round)],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            row.map(|(received_at, precheck, body)| {
                Ok(ReceiptRecord { round, received_at, precheck, body_sha256: digest(&body)? })
            })
            .transpose()
        })
        .await
}

pub(in crate::store::sqlite) async fn stage_upload(
    store: &SqliteStore,
    upload: StagedUpload,
    max_total: u64,
) -> Result<Staged, StoreError> {
    store
        .tx(move |tx| {
            let id = upload.id.as_bytes().as_slice().to_vec();
            let size = to_i64(upload.bytes.len() as u64)?;
            let held: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM application_upload_staged \
                 WHERE citizen = ?1 AND application_id = ?2 AND sha256 = ?3)",
                params![upload.citizen, id, upload.sha256.as_slice()],
                |r| r.get(0),
            )?;
            // Already with its submission: the application is this citizen's and holds the bytes.
            let stored: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM application_upload u JOIN application a ON a.id = u.application_id \
                 WHERE a.id = ?1 AND a.citizen = ?2 AND u.sha256 = ?3 AND u.bytes IS NOT NULL)",
                params![id, upload.citizen, upload.sha256.as_slice()],
                |r| r.get(0),
            )?;
            if held || stored {
                return Ok(Staged::AlreadyStored);
            }
            let total: i64 = tx.query_row(
                "SELECT coalesce(sum(size), 0) FROM application_upload_staged \
                 WHERE citizen = ?1 AND application_id = ?2",
                params![upload.citizen, id],
                |r| r.get(0),
            )?;
            if to_u64(total)?.saturating_add(to_u64(size)?) > max_total {
                return Ok(Staged::TotalTooLarge);
            }
            tx.execute(
                "INSERT INTO application_upload_staged (citizen, application_id, sha256, media_type, size, bytes, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![upload.citizen, id, upload.sha256.as_slice(), upload.media_type, size, upload.bytes, upload.at],
            )?;
            Ok(Staged::Stored)
        })
        .await
}

pub(in crate::store::sqlite) async fn staged_uploads(
    store: &SqliteStore,
    citizen: &str,
    id: ApplicationId,
) -> Result<Vec<UploadDecl>, StoreError> {
    let citizen = citizen.to_owned();
    store.read(move |c| staged(c, &citizen, id)).await
}

pub(in crate::store::sqlite) async fn submit_with_uploads(
    store: &SqliteStore,
    new: NewApplication,
    notice: String,
    precheck: String,
) -> Result<SubmitWithUploads, StoreError> {
    store
        .tx(move |tx| {
            // One writer: what is held now is what the insert below claims. A free id whose
            // uploads are not all held writes nothing.
            let taken = get(tx, new.id)?.is_some();
            let held = staged(tx, &new.citizen, new.id)?;
            if !taken && !new.uploads.iter().all(|u| held.contains(u)) {
                return Ok(SubmitWithUploads::UploadsMissing);
            }
            let done = insert_application(tx, &new)?;
            if let Submitted::New(_) = &done {
                if !claim(tx, &new.citizen, new.id, &new.uploads, new.arrived_at)? {
                    return Err(StoreError::Corrupt("held uploads moved inside a transaction"));
                }
                insert_event(tx, &notice_event(&new.citizen, notice, new.arrived_at))?;
                insert_receipt(tx, new.id, 0, &new.body_sha256, &new.submission, &precheck, new.arrived_at)?;
            }
            Ok(SubmitWithUploads::Done(done))
        })
        .await
}

pub(in crate::store::sqlite) async fn resubmit_application(
    store: &SqliteStore,
    r: Resubmission,
) -> Result<Resubmitted, StoreError> {
    store
        .tx(move |tx| {
            let id = r.update.id;
            let key = id.as_bytes().as_slice();
            let Some(record) = get(tx, id)? else { return Ok(Resubmitted::OtherBody) };
            if record.citizen != r.citizen {
                return Ok(Resubmitted::OtherBody);
            }
            let before: Option<Vec<u8>> = tx
                .query_row(
                    "SELECT body_sha256 FROM application_receipt WHERE application_id = ?1 AND round = 1",
                    [key],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(body) = before {
                return Ok(if digest(&body)? == r.body_sha256 {
                    Resubmitted::Same(Box::new(record))
                } else {
                    Resubmitted::OtherBody
                });
            }
            // Every declared upload is stored with the application already or held now; else
            // nothing is written.
            let held = staged(tx, &r.citizen, id)?;
            for u in &r.uploads {
                let stored: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM application_upload WHERE application_id = ?1 AND sha256 = ?2 \
                     AND bytes IS NOT NULL)",
                    params![key, u.sha256.as_slice()],
                    |row| row.get(0),
                )?;
                if !stored && !held.contains(u) {
                    return Ok(Resubmitted::UploadsMissing);
                }
            }
            if !write_update(tx, &r.update)? {
                return Ok(Resubmitted::Moved);
            }
            insert_receipt(tx, id, 1, &r.body_sha256, &r.submission, &r.precheck, r.update.at)?;
            tx.execute("DELETE FROM application_material WHERE application_id = ?1", [key])?;
            for m in &r.materials {
                tx.execute(
                    "INSERT INTO application_material (application_id, material, source, reference) VALUES (?1, ?2, ?3, ?4)",
                    params![key, m.material, m.source.name(), m.reference],
                )?;
            }
            let mut fresh = Vec::new();
            for u in &r.uploads {
                let n = tx.execute(
                    "INSERT INTO application_upload (application_id, sha256, media_type, size) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT (application_id, sha256) DO NOTHING",
                    params![key, u.sha256.as_slice(), u.media_type, to_i64(u.size)?],
                )?;
                if n == 1 {
                    fresh.push(u.clone());
                }
            }
            if !claim(tx, &r.citizen, id, &fresh, r.update.at)? {
                return Err(StoreError::Corrupt("held uploads moved inside a transaction"));
            }
            insert_event(tx, &notice_event(&r.citizen, r.notice.clone(), r.update.at))?;
            let now = get(tx, id)?.ok_or(StoreError::Corrupt("application"))?;
            Ok(Resubmitted::New(Box::new(now)))
        })
        .await
}

pub(in crate::store::sqlite) async fn citizen_applications_page(
    store: &SqliteStore,
    citizen: &str,
    offset: u64,
    limit: u64,
) -> Result<Vec<ApplicationRecord>, StoreError> {
    let citizen = citizen.to_owned();
    let (offset, limit) = (to_i64(offset)?, to_i64(limit)?);
    store
        .read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM application a WHERE a.citizen = ?1 \
                 ORDER BY a.arrived_at DESC, a.id LIMIT ?2 OFFSET ?3"
            ))?;
            let rows =
                stmt.query_map(params![citizen, limit, offset], raw)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(RawApplication::parse).collect()
        })
        .await
}

pub(in crate::store::sqlite) async fn sweep_staged_uploads(
    store: &SqliteStore,
    before: i64,
) -> Result<u64, StoreError> {
    store
        .tx(move |tx| {
            let n = tx.execute("DELETE FROM application_upload_staged WHERE created_at < ?1", [before])?;
            to_u64(i64::try_from(n).map_err(|_| StoreError::Corrupt("count"))?)
        })
        .await
}
