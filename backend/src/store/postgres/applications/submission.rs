//! Submitting on PostgreSQL: uploads held before their submission (one advisory lock per
//! citizen and application keeps the 30 MiB sum true under racing uploads), the submission that
//! claims them with the citizen's notice in one transaction, the resubmission after 补正, the
//! citizen's list.

use deadpool_postgres::{GenericClient, Transaction};
use shimin_core::application::submission::ApplicationId;

use super::super::PgStore;
use super::super::sync::insert_event;
use super::{get, insert_application, raw, write_update};
use crate::store::applications::{COLUMNS, digest, to_i64, to_u64};
use crate::store::{
    ApplicationRecord, EventKind, NewApplication, NewEvent, ReceiptRecord, Resubmission, Resubmitted, Staged,
    StagedUpload, StoreError, SubmitWithUploads, Submitted, UploadDecl,
};

/// The advisory lock class of one citizen's uploads for one application.
const STAGING_LOCK_CLASS: i32 = 0x5354_4147; // "STAG"

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

async fn staged<C: GenericClient + Sync>(
    c: &C,
    citizen: &str,
    id: ApplicationId,
) -> Result<Vec<UploadDecl>, StoreError> {
    let key = id.as_bytes().as_slice();
    let rows = c
        .query(
            "SELECT sha256, media_type, size FROM application_upload_staged \
             WHERE citizen = $1 AND application_id = $2 ORDER BY sha256",
            &[&citizen, &key],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(UploadDecl {
                sha256: digest(r.try_get::<_, &[u8]>(0)?)?,
                media_type: r.try_get(1)?,
                size: to_u64(r.try_get(2)?)?,
            })
        })
        .collect()
}

async fn lock(tx: &Transaction<'_>, citizen: &str, id: ApplicationId) -> Result<(), StoreError> {
    let name = format!("{citizen}/{id}");
    tx.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", &[&STAGING_LOCK_CLASS, &name]).await?;
    Ok(())
}

/// Moves the held bytes of `uploads` into the application's declared rows; `false` (the caller
/// drops the transaction) when one is not held with the declared type and size.
async fn claim(
    tx: &Transaction<'_>,
    citizen: &str,
    id: ApplicationId,
    uploads: &[UploadDecl],
    at: i64,
) -> Result<bool, StoreError> {
    lock(tx, citizen, id).await?;
    let held = staged(tx, citizen, id).await?;
    if !uploads.iter().all(|u| held.contains(u)) {
        return Ok(false);
    }
    let key = id.as_bytes().as_slice();
    for u in uploads {
        tx.execute(
            "UPDATE application_upload SET bytes = s.bytes, stored_at = $4 FROM application_upload_staged s \
             WHERE s.citizen = $3 AND s.application_id = $1 AND s.sha256 = $2 \
               AND application_upload.application_id = $1 AND application_upload.sha256 = $2 \
               AND application_upload.bytes IS NULL",
            &[&key, &u.sha256.as_slice(), &citizen, &at],
        )
        .await?;
    }
    tx.execute(
        "DELETE FROM application_upload_staged WHERE citizen = $1 AND application_id = $2",
        &[&citizen, &key],
    )
    .await?;
    Ok(true)
}

async fn insert_receipt(
    tx: &Transaction<'_>,
    id: ApplicationId,
    round: i64,
    body_sha256: &[u8; 32],
    submission: &str,
    precheck: &str,
    at: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO application_receipt (application_id, round, body_sha256, submission, precheck, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[&id.as_bytes().as_slice(), &round, &body_sha256.as_slice(), &submission, &precheck, &at],
    )
    .await?;
    Ok(())
}

pub(in crate::store::postgres) async fn application_receipt(
    store: &PgStore,
    id: ApplicationId,
    round: u8,
) -> Result<Option<ReceiptRecord>, StoreError> {
    let client = store.client().await?;
    let row = client
        .query_opt(
            "SELECT received_at, precheck, body_sha256 FROM application_receipt \
             WHERE application_id = $1 AND round = $2",
            &[&id.as_bytes().as_slice(), &i64::from(round)],
        )
        .await?;
    row.map(|r| {
        Ok(ReceiptRecord {
            round,
            received_at: r.try_get(0)?,
            precheck: r.try_get(1)?,
            body_sha256: digest(r.try_get::<_, &[u8]>(2)?)?,
        })
    })
    .transpose()
}

pub(in crate::store::postgres) async fn stage_upload(
    store: &PgStore,
    upload: StagedUpload,
    max_total: u64,
) -> Result<Staged, StoreError> {
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    lock(&tx, &upload.citizen, upload.id).await?;
    let key = upload.id.as_bytes().as_slice();
    let sha = upload.sha256.as_slice();
    let size = to_i64(upload.bytes.len() as u64)?;
    let row = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM application_upload_staged \
               WHERE citizen = $1 AND application_id = $2 AND sha256 = $3), \
             EXISTS (SELECT 1 FROM application_upload u JOIN application a ON a.id = u.application_id \
               WHERE a.id = $2 AND a.citizen = $1 AND u.sha256 = $3 AND u.bytes IS NOT NULL), \
             (SELECT coalesce(sum(size), 0)::BIGINT FROM application_upload_staged \
               WHERE citizen = $1 AND application_id = $2)",
            &[&upload.citizen, &key, &sha],
        )
        .await?;
    let (held, stored, total): (bool, bool, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    if held || stored {
        return Ok(Staged::AlreadyStored);
    }
    if to_u64(total)?.saturating_add(to_u64(size)?) > max_total {
        return Ok(Staged::TotalTooLarge);
    }
    tx.execute(
        "INSERT INTO application_upload_staged (citizen, application_id, sha256, media_type, size, bytes, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[&upload.citizen, &key, &sha, &upload.media_type, &size, &upload.bytes, &upload.at],
    )
    .await?;
    tx.commit().await?;
    Ok(Staged::Stored)
}

pub(in crate::store::postgres) async fn staged_uploads(
    store: &PgStore,
    citizen: &str,
    id: ApplicationId,
) -> Result<Vec<UploadDecl>, StoreError> {
    let client = store.client().await?;
    staged(&client, citizen, id).await
}

pub(in crate::store::postgres) async fn submit_with_uploads(
    store: &PgStore,
    new: NewApplication,
    notice: String,
    precheck: String,
) -> Result<SubmitWithUploads, StoreError> {
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    let done = insert_application(&tx, &new).await?;
    if let Submitted::New(_) = &done {
        if !claim(&tx, &new.citizen, new.id, &new.uploads, new.arrived_at).await? {
            // Dropping the transaction rolls the insert back.
            return Ok(SubmitWithUploads::UploadsMissing);
        }
        insert_event(&tx, &notice_event(&new.citizen, notice, new.arrived_at)).await?;
        insert_receipt(&tx, new.id, 0, &new.body_sha256, &new.submission, &precheck, new.arrived_at).await?;
    }
    tx.commit().await?;
    Ok(SubmitWithUploads::Done(done))
}

pub(in crate::store::postgres) async fn resubmit_application(
    store: &PgStore,
    r: Resubmission,
) -> Result<Resubmitted, StoreError> {
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    let id = r.update.id;
    let key = id.as_bytes().as_slice();
    // The row lock orders racing resubmissions: the second reads the first's row.
    let owner = tx.query_opt("SELECT citizen FROM application WHERE id = $1 FOR UPDATE", &[&key]).await?;
    match owner {
        Some(row) if row.try_get::<_, String>(0)? == r.citizen => {}
        _ => return Ok(Resubmitted::OtherBody),
    }
    let before = tx
        .query_opt(
            "SELECT body_sha256 FROM application_receipt WHERE application_id = $1 AND round = 1",
            &[&key],
        )
        .await?;
    if let Some(row) = before {
        let record = get(&tx, id).await?.ok_or(StoreError::Corrupt("application"))?;
        return Ok(if digest(row.try_get::<_, &[u8]>(0)?)? == r.body_sha256 {
            Resubmitted::Same(Box::new(record))
        } else {
            Resubmitted::OtherBody
        });
    }
    if !write_update(&tx, &r.update).await? {
        return Ok(Resubmitted::Moved);
    }
    insert_receipt(&tx, id, 1, &r.body_sha256, &r.submission, &r.precheck, r.update.at).await?;
    tx.execute("DELETE FROM application_material WHERE application_id = $1", &[&key]).await?;
    for m in &r.materials {
        tx.execute(
            "INSERT INTO application_material (application_id, material, source, reference) VALUES ($1, $2, $3, $4)",
            &[&key, &m.material, &m.source.name(), &m.reference],
        )
        .await?;
    }
    let mut fresh = Vec::new();
    for u in &r.uploads {
        let n = tx
            .execute(
                "INSERT INTO application_upload (application_id, sha256, media_type, size) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (application_id, sha256) DO NOTHING",
                &[&key, &u.sha256.as_slice(), &u.media_type, &to_i64(u.size)?],
            )
            .await?;
        if n == 1 {
            fresh.push(u.clone());
        }
    }
    if !claim(&tx, &r.citizen, id, &fresh, r.update.at).await? {
        return Ok(Resubmitted::UploadsMissing);
    }
    insert_event(&tx, &notice_event(&r.citizen, r.notice.clone(), r.update.at)).await?;
    let now = get(&tx, id).await?.ok_or(StoreError::Corrupt("application"))?;
    tx.commit().await?;
    Ok(Resubmitted::New(Box::new(now)))
}

pub(in crate::store::postgres) async fn citizen_applications_page(
    store: &PgStore,
    citizen: &str,
    offset: u64,
    limit: u64,
) -> Result<Vec<ApplicationRecord>, StoreError> {
    let client = store.client().await?;
    let rows = client
        .query(
            &format!(
                "SELECT {COLUMNS} FROM application a WHERE a.citizen = $1 \
                 ORDER BY a.arrived_at DESC, a.id LIMIT $2 OFFSET $3"
            ),
            &[&citizen, &to_i64(limit)?, &to_i64(offset)?],
        )
        .await?;
    rows.iter().map(|r| raw(r)?.parse()).collect()
}

pub(in crate::store::postgres) async fn sweep_staged_uploads(
    store: &PgStore,
    before: i64,
) -> Result<u64, StoreError> {
    let client = store.client().await?;
    Ok(client.execute("DELETE FROM application_upload_staged WHERE created_at < $1", &[&before]).await?)
}
