//! [`ApplicationStore`] on PostgreSQL. A submission inserts with `ON CONFLICT (id) DO NOTHING`
//! and reads back what holds the id, so two identical submissions racing store one; a
//! compare-and-set is an `UPDATE … WHERE version = $n`, which a racing second writer re-checks
//! after the first commits (READ COMMITTED) and finds moved.

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use shimin_core::application::submission::ApplicationId;
use shimin_wire::workflow::EventView;
use tokio_postgres::Row;

mod submission;

use super::{PgStore, conflict};
use crate::store::applications::{
    COLUMNS, RawApplication, digest, event_json, level, parse_event, parse_id, phase_str, to_i64,
};
use crate::store::{
    ApplicationRecord, ApplicationStore, ApplicationUpdate, BranchRow, LibraryItem, MaterialRecord,
    MaterialSource, NewApplication, NewLibraryItem, OverdueBranch, QueueRow, RatingRecord, ReceiptRecord,
    RectificationRecord, Resubmission, Resubmitted, ResultRecord, Staged, StagedUpload, StoreError,
    SubmitWithUploads, Submitted, UploadDecl, UploadPut, UploadRecord,
};

pub(super) fn raw(r: &Row) -> Result<RawApplication, StoreError> {
    Ok(RawApplication {
        id: r.try_get(0)?,
        region: r.try_get(1)?,
        arrival_month: r.try_get(2)?,
        case_no: r.try_get(3)?,
        citizen: r.try_get(4)?,
        service_code: r.try_get(5)?,
        catalogue_version: r.try_get(6)?,
        department: r.try_get(7)?,
        arrived_at: r.try_get(8)?,
        body_sha256: r.try_get(9)?,
        submission: r.try_get(10)?,
        state: r.try_get(11)?,
        version: r.try_get(12)?,
        next_deadline: r.try_get(13)?,
        overdue: r.try_get(14)?,
        updated_at: r.try_get(15)?,
    })
}

pub(super) async fn get<C: GenericClient + Sync>(
    c: &C,
    id: ApplicationId,
) -> Result<Option<ApplicationRecord>, StoreError> {
    let id = id.as_bytes().as_slice();
    c.query_opt(&format!("SELECT {COLUMNS} FROM application a WHERE a.id = $1"), &[&id])
        .await?
        .map(|r| raw(&r)?.parse())
        .transpose()
}

async fn append_events<C: GenericClient + Sync>(
    c: &C,
    id: ApplicationId,
    events: &[EventView],
) -> Result<(), StoreError> {
    let key = id.as_bytes().as_slice();
    let next: i64 = c
        .query_one(
            "SELECT coalesce(max(seq) + 1, 0) FROM application_event WHERE application_id = $1",
            &[&key],
        )
        .await?
        .try_get(0)?;
    for (i, event) in events.iter().enumerate() {
        let seq = next + to_i64(i as u64)?;
        c.execute(
            "INSERT INTO application_event (application_id, seq, arrival_month, at, event) \
             SELECT id, $2, arrival_month, $3, $4 FROM application WHERE id = $1",
            &[&key, &seq, &event.end, &event_json(event)],
        )
        .await?;
    }
    Ok(())
}

const RECTIFICATION: &str = "SELECT application_id, department, opened_at, due, called_back_at, report, \
     reported_at, satisfied, rated_at, call_back_due FROM rectification";

fn rectification_record(r: &Row) -> Result<RectificationRecord, StoreError> {
    let id: Vec<u8> = r.try_get(0)?;
    Ok(RectificationRecord {
        id: parse_id(&id)?,
        department: r.try_get(1)?,
        opened_at: r.try_get(2)?,
        due: r.try_get(3)?,
        called_back_at: r.try_get(4)?,
        report: r.try_get(5)?,
        reported_at: r.try_get(6)?,
        satisfied: r.try_get(7)?,
        call_back_due: r.try_get(9)?,
        rated_at: r.try_get(8)?,
    })
}

fn small(n: i64, what: &'static str) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(|_| StoreError::Corrupt(what))
}

/// Inserts a new application with its events, materials and upload declarations in `tx` (not
/// committed), or tells what holds its id.
pub(super) async fn insert_application(
    tx: &Transaction<'_>,
    new: &NewApplication,
) -> Result<Submitted, StoreError> {
    let id = new.id;
    let key = id.as_bytes().as_slice();
    let state = &new.state;
    let inserted = tx
        .execute(
            "INSERT INTO application (id, region, arrival_month, case_no, citizen, service_code, \
                 catalogue_version, department, arrived_at, body_sha256, submission, state, version, phase, \
                 next_deadline, overdue, open, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, FALSE, $16, $9) \
                 ON CONFLICT (id) DO NOTHING",
            &[
                &key,
                &new.region,
                &new.arrival_month,
                &state.case_no().map(|c| c.as_str()),
                &new.citizen,
                &new.service_code,
                &to_i64(new.catalogue_version)?,
                &new.department,
                &new.arrived_at,
                &new.body_sha256.as_slice(),
                &new.submission,
                &state.to_json(),
                &to_i64(state.version())?,
                &phase_str(state.phase()),
                &new.next_deadline,
                &!state.is_closed(),
            ],
        )
        .await
        .map_err(conflict)?;
    if inserted == 0 {
        let row = tx.query_one("SELECT body_sha256, citizen FROM application WHERE id = $1", &[&key]).await?;
        let body: Vec<u8> = row.try_get(0)?;
        let citizen: String = row.try_get(1)?;
        if digest(&body)? != new.body_sha256 || citizen != new.citizen {
            return Ok(Submitted::OtherBody);
        }
        let same = get(tx, id).await?.ok_or(StoreError::Corrupt("application"))?;
        return Ok(Submitted::Same(Box::new(same)));
    }
    append_events(tx, id, &new.events).await?;
    for m in &new.materials {
        tx.execute(
            "INSERT INTO application_material (application_id, material, source, reference) \
                 VALUES ($1, $2, $3, $4)",
            &[&key, &m.material, &m.source.name(), &m.reference],
        )
        .await
        .map_err(conflict)?;
    }
    for u in &new.uploads {
        tx.execute(
                "INSERT INTO application_upload (application_id, sha256, media_type, size) VALUES ($1, $2, $3, $4)",
                &[&key, &u.sha256.as_slice(), &u.media_type, &to_i64(u.size)?],
            )
            .await
            .map_err(conflict)?;
    }
    let stored = get(tx, id).await?.ok_or(StoreError::Corrupt("application"))?;
    Ok(Submitted::New(Box::new(stored)))
}

/// Writes a change of state in `tx` (not committed) if the stored version is still the expected one.
pub(super) async fn write_update(
    tx: &Transaction<'_>,
    update: &ApplicationUpdate,
) -> Result<bool, StoreError> {
    let id = update.id;
    let key = id.as_bytes().as_slice();
    let state = &update.state;
    let changed = tx
            .execute(
                "UPDATE application SET state = $1, version = $2, phase = $3, case_no = $4, \
                 next_deadline = $5, overdue = $6, open = $7, updated_at = $8 WHERE id = $9 AND version = $10",
                &[
                    &state.to_json(),
                    &to_i64(state.version())?,
                    &phase_str(state.phase()),
                    &state.case_no().map(|c| c.as_str()),
                    &update.next_deadline,
                    &update.overdue,
                    &!state.is_closed(),
                    &update.at,
                    &key,
                    &to_i64(update.expect_version)?,
                ],
            )
            .await
            .map_err(conflict)?;
    if changed == 0 {
        return Ok(false);
    }
    tx.execute("DELETE FROM application_branch WHERE application_id = $1", &[&key]).await?;
    for b in &update.branches {
        tx.execute(
            "INSERT INTO application_branch (application_id, stage, department, region, arrival_month, \
                 step, due, overdue, open) \
                 SELECT id, $2, $3, region, arrival_month, $4, $5, $6, $7 FROM application WHERE id = $1",
            &[&key, &i64::from(b.stage), &b.department, &i64::from(b.step), &b.due, &b.overdue, &b.open],
        )
        .await
        .map_err(conflict)?;
    }
    append_events(tx, id, &update.events).await?;
    Ok(true)
}

#[async_trait]
impl ApplicationStore for PgStore {
    async fn submit_application(&self, new: NewApplication) -> Result<Submitted, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let done = insert_application(&tx, &new).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn application(&self, id: ApplicationId) -> Result<Option<ApplicationRecord>, StoreError> {
        let client = self.client().await?;
        get(&client, id).await
    }

    async fn citizen_applications(
        &self,
        citizen: &str,
        limit: u64,
    ) -> Result<Vec<ApplicationRecord>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM application a WHERE a.citizen = $1 \
                     ORDER BY a.arrived_at DESC, a.id LIMIT $2"
                ),
                &[&citizen, &to_i64(limit)?],
            )
            .await?;
        rows.iter().map(|r| raw(r)?.parse()).collect()
    }

    async fn update_application(&self, update: ApplicationUpdate) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let done = write_update(&tx, &update).await?;
        if done {
            tx.commit().await?;
        }
        Ok(done)
    }

    async fn application_events(&self, id: ApplicationId) -> Result<Vec<EventView>, StoreError> {
        let client = self.client().await?;
        let key = id.as_bytes().as_slice();
        let rows = client
            .query("SELECT event FROM application_event WHERE application_id = $1 ORDER BY seq", &[&key])
            .await?;
        rows.iter().map(|r| parse_event(r.try_get(0)?)).collect()
    }

    async fn application_materials(&self, id: ApplicationId) -> Result<Vec<MaterialRecord>, StoreError> {
        let client = self.client().await?;
        let key = id.as_bytes().as_slice();
        let rows = client
            .query(
                "SELECT material, source, reference FROM application_material WHERE application_id = $1 \
                 ORDER BY material",
                &[&key],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(MaterialRecord {
                    material: r.try_get(0)?,
                    source: MaterialSource::from_name(r.try_get(1)?)
                        .ok_or(StoreError::Corrupt("material source"))?,
                    reference: r.try_get(2)?,
                })
            })
            .collect()
    }

    async fn application_uploads(&self, id: ApplicationId) -> Result<Vec<UploadRecord>, StoreError> {
        let client = self.client().await?;
        let key = id.as_bytes().as_slice();
        let rows = client
            .query(
                "SELECT sha256, media_type, size, stored_at FROM application_upload WHERE application_id = $1 \
                 ORDER BY sha256",
                &[&key],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let sha: Vec<u8> = r.try_get(0)?;
                let size: i64 = r.try_get(2)?;
                Ok(UploadRecord {
                    decl: UploadDecl {
                        sha256: digest(&sha)?,
                        media_type: r.try_get(1)?,
                        size: u64::try_from(size).map_err(|_| StoreError::Corrupt("upload size"))?,
                    },
                    stored_at: r.try_get(3)?,
                })
            })
            .collect()
    }

    async fn put_upload(
        &self,
        id: ApplicationId,
        sha256: [u8; 32],
        media_type: &str,
        bytes: Vec<u8>,
        at: i64,
    ) -> Result<UploadPut, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let key = id.as_bytes().as_slice();
        let sha = sha256.as_slice();
        let Some(row) = tx
            .query_opt(
                "SELECT media_type, size, bytes IS NOT NULL FROM application_upload \
                 WHERE application_id = $1 AND sha256 = $2 FOR UPDATE",
                &[&key, &sha],
            )
            .await?
        else {
            return Ok(UploadPut::NotDeclared);
        };
        let declared_type: String = row.try_get(0)?;
        let size: i64 = row.try_get(1)?;
        let stored: bool = row.try_get(2)?;
        if declared_type != media_type || Ok(size) != i64::try_from(bytes.len()) {
            return Ok(UploadPut::Mismatch);
        }
        if stored {
            return Ok(UploadPut::AlreadyStored);
        }
        tx.execute(
            "UPDATE application_upload SET bytes = $3, stored_at = $4 WHERE application_id = $1 AND sha256 = $2",
            &[&key, &sha, &bytes, &at],
        )
        .await?;
        tx.commit().await?;
        Ok(UploadPut::Stored)
    }

    async fn upload_bytes(&self, id: ApplicationId, sha256: [u8; 32]) -> Result<Option<Vec<u8>>, StoreError> {
        let client = self.client().await?;
        let key = id.as_bytes().as_slice();
        let sha = sha256.as_slice();
        let row = client
            .query_opt(
                "SELECT bytes FROM application_upload WHERE application_id = $1 AND sha256 = $2",
                &[&key, &sha],
            )
            .await?;
        Ok(row.map(|r| r.try_get::<_, Option<Vec<u8>>>(0)).transpose()?.flatten())
    }

    async fn next_case_serial(&self, department: &str, day: &str) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let last: i64 = client
            .query_one(
                "INSERT INTO application_case_counter (department, day, last) VALUES ($1, $2, 1) \
                 ON CONFLICT (department, day) DO UPDATE SET last = application_case_counter.last + 1 \
                 RETURNING last",
                &[&department, &day],
            )
            .await?
            .try_get(0)?;
        u64::try_from(last).map_err(|_| StoreError::Corrupt("case counter"))
    }

    async fn pre_review_queue(
        &self,
        department: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<ApplicationRecord>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM application a WHERE a.department = $1 AND a.open \
                     AND a.phase = 'pre_review' ORDER BY a.arrived_at, a.id LIMIT $2 OFFSET $3"
                ),
                &[&department, &to_i64(limit)?, &to_i64(offset)?],
            )
            .await?;
        rows.iter().map(|r| raw(r)?.parse()).collect()
    }

    async fn department_closed(
        &self,
        department: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<ApplicationRecord>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM application a WHERE a.department = $1 \
                     AND a.phase IN ('approved', 'refused', 'result_issued', 'closed', 'not_accepted') \
                     ORDER BY a.updated_at DESC, a.id LIMIT $2 OFFSET $3"
                ),
                &[&department, &to_i64(limit)?, &to_i64(offset)?],
            )
            .await?;
        rows.iter().map(|r| raw(r)?.parse()).collect()
    }

    async fn application_by_case_no(&self, case_no: &str) -> Result<Option<ApplicationRecord>, StoreError> {
        let client = self.client().await?;
        client
            .query_opt(&format!("SELECT {COLUMNS} FROM application a WHERE a.case_no = $1"), &[&case_no])
            .await?
            .map(|r| raw(&r)?.parse())
            .transpose()
    }

    async fn branch_queue(
        &self,
        department: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<QueueRow>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {COLUMNS}, b.stage, b.department, b.step, b.due, b.overdue, b.open \
                     FROM application_branch b JOIN application a ON a.id = b.application_id \
                     WHERE b.department = $1 AND b.open \
                     ORDER BY b.due IS NULL, b.due, b.application_id, b.stage LIMIT $2 OFFSET $3"
                ),
                &[&department, &to_i64(limit)?, &to_i64(offset)?],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(QueueRow {
                    application: raw(r)?.parse()?,
                    branch: BranchRow {
                        stage: small(r.try_get(16)?, "branch stage")?,
                        department: r.try_get(17)?,
                        step: small(r.try_get(18)?, "branch step")?,
                        due: r.try_get(19)?,
                        overdue: r.try_get(20)?,
                        open: r.try_get(21)?,
                    },
                })
            })
            .collect()
    }

    async fn pre_review_past(&self, today: &str, limit: u64) -> Result<Vec<ApplicationId>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT id FROM application WHERE open AND phase = 'pre_review' AND next_deadline < $1 \
                 ORDER BY next_deadline, id LIMIT $2",
                &[&today, &to_i64(limit)?],
            )
            .await?;
        rows.iter().map(|r| parse_id(r.try_get(0)?)).collect()
    }

    async fn awaiting_deadline(
        &self,
        after: Option<ApplicationId>,
        limit: u64,
    ) -> Result<Vec<ApplicationId>, StoreError> {
        let client = self.client().await?;
        let after: Option<&[u8]> = after.as_ref().map(|id| id.as_bytes().as_slice());
        let rows = client
            .query(
                "SELECT id FROM application WHERE open AND next_deadline IS NULL \
                 AND phase IN ('submitted', 'pre_review', 'in_approval') AND ($1::bytea IS NULL OR id > $1) \
                 ORDER BY id LIMIT $2",
                &[&after, &to_i64(limit)?],
            )
            .await?;
        rows.iter().map(|r| parse_id(r.try_get(0)?)).collect()
    }

    async fn branches_falling_overdue(
        &self,
        today: &str,
        limit: u64,
    ) -> Result<Vec<OverdueBranch>, StoreError> {
        open_branches_due_before(self, false, today, limit).await
    }

    async fn add_library_item(&self, item: NewLibraryItem) -> Result<i64, StoreError> {
        let client = self.client().await?;
        let from = item.from_application.as_bytes().as_slice();
        Ok(client
            .query_one(
                "INSERT INTO library_item (citizen, material_kind, department, accepted_at, valid_until, \
                 from_application) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    &item.citizen,
                    &item.material_kind,
                    &item.department,
                    &item.accepted_at,
                    &item.valid_until,
                    &from,
                ],
            )
            .await
            .map_err(conflict)?
            .try_get(0)?)
    }

    async fn library_items(&self, citizen: &str) -> Result<Vec<LibraryItem>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT id, citizen, material_kind, department, accepted_at, valid_until, from_application \
                 FROM library_item WHERE citizen = $1 ORDER BY material_kind, id",
                &[&citizen],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(LibraryItem {
                    id: r.try_get(0)?,
                    item: NewLibraryItem {
                        citizen: r.try_get(1)?,
                        material_kind: r.try_get(2)?,
                        department: r.try_get(3)?,
                        accepted_at: r.try_get(4)?,
                        valid_until: r.try_get(5)?,
                        from_application: parse_id(r.try_get(6)?)?,
                    },
                })
            })
            .collect()
    }

    async fn rate_application(
        &self,
        id: ApplicationId,
        rating: RatingRecord,
        rectification: Option<RectificationRecord>,
    ) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let key = id.as_bytes().as_slice();
        let added = tx
            .execute(
                "INSERT INTO application_rating (application_id, level, tags, text, rated_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (application_id) DO NOTHING",
                &[&key, &i64::from(rating.level), &rating.tags, &rating.text, &rating.rated_at],
            )
            .await?;
        if added == 0 {
            return Ok(false);
        }
        if let Some(r) = rectification {
            tx.execute(
                "INSERT INTO rectification (application_id, department, opened_at, call_back_due, due) \
                 VALUES ($1, $2, $3, $4, $5)",
                &[&key, &r.department, &r.opened_at, &r.call_back_due, &r.due],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn application_rating(&self, id: ApplicationId) -> Result<Option<RatingRecord>, StoreError> {
        let client = self.client().await?;
        let key = id.as_bytes().as_slice();
        let row = client
            .query_opt(
                "SELECT level, tags, text, rated_at FROM application_rating WHERE application_id = $1",
                &[&key],
            )
            .await?;
        row.map(|r| {
            Ok(RatingRecord {
                level: level(r.try_get(0)?)?,
                tags: r.try_get(1)?,
                text: r.try_get(2)?,
                rated_at: r.try_get(3)?,
            })
        })
        .transpose()
    }

    async fn rectification(&self, id: ApplicationId) -> Result<Option<RectificationRecord>, StoreError> {
        let client = self.client().await?;
        let key = id.as_bytes().as_slice();
        let row = client.query_opt(&format!("{RECTIFICATION} WHERE application_id = $1"), &[&key]).await?;
        row.as_ref().map(rectification_record).transpose()
    }

    async fn department_rectifications(
        &self,
        department: &str,
        limit: u64,
    ) -> Result<Vec<RectificationRecord>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!("{RECTIFICATION} WHERE department = $1 ORDER BY opened_at, application_id LIMIT $2"),
                &[&department, &to_i64(limit)?],
            )
            .await?;
        rows.iter().map(rectification_record).collect()
    }

    async fn rectification_called_back(&self, id: ApplicationId, at: i64) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let key = id.as_bytes().as_slice();
        Ok(client
            .execute(
                "UPDATE rectification SET called_back_at = $2 WHERE application_id = $1 AND called_back_at IS NULL",
                &[&key, &at],
            )
            .await?
            == 1)
    }

    async fn rectification_report(
        &self,
        id: ApplicationId,
        report: &str,
        at: i64,
    ) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let key = id.as_bytes().as_slice();
        Ok(client
            .execute(
                "UPDATE rectification SET report = $2, reported_at = $3 WHERE application_id = $1 \
                 AND called_back_at IS NOT NULL AND reported_at IS NULL",
                &[&key, &report, &at],
            )
            .await?
            == 1)
    }

    async fn rate_rectification(
        &self,
        id: ApplicationId,
        satisfied: bool,
        at: i64,
    ) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let key = id.as_bytes().as_slice();
        Ok(client
            .execute(
                "UPDATE rectification SET satisfied = $2, rated_at = $3 WHERE application_id = $1 \
                 AND reported_at IS NOT NULL AND rated_at IS NULL",
                &[&key, &satisfied, &at],
            )
            .await?
            == 1)
    }

    async fn stage_upload(&self, upload: StagedUpload, max_total: u64) -> Result<Staged, StoreError> {
        submission::stage_upload(self, upload, max_total).await
    }

    async fn staged_uploads(&self, citizen: &str, id: ApplicationId) -> Result<Vec<UploadDecl>, StoreError> {
        submission::staged_uploads(self, citizen, id).await
    }

    async fn submit_with_uploads(
        &self,
        new: NewApplication,
        notice: String,
        precheck: String,
    ) -> Result<SubmitWithUploads, StoreError> {
        submission::submit_with_uploads(self, new, notice, precheck).await
    }

    async fn application_receipt(
        &self,
        id: ApplicationId,
        round: u8,
    ) -> Result<Option<ReceiptRecord>, StoreError> {
        submission::application_receipt(self, id, round).await
    }

    async fn resubmit_application(&self, resubmission: Resubmission) -> Result<Resubmitted, StoreError> {
        submission::resubmit_application(self, resubmission).await
    }

    async fn citizen_applications_page(
        &self,
        citizen: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<ApplicationRecord>, StoreError> {
        submission::citizen_applications_page(self, citizen, offset, limit).await
    }

    async fn sweep_staged_uploads(&self, before: i64) -> Result<u64, StoreError> {
        submission::sweep_staged_uploads(self, before).await
    }

    async fn put_result(&self, id: ApplicationId, result: ResultRecord) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let key = id.as_bytes().as_slice();
        let added = client
            .execute(
                "INSERT INTO application_result (application_id, title, text, code, issued_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (application_id) DO NOTHING",
                &[&key, &result.title, &result.text, &result.code, &result.issued_at],
            )
            .await?;
        Ok(added == 1)
    }

    async fn branches_to_escalate(
        &self,
        due_before: &str,
        limit: u64,
    ) -> Result<Vec<OverdueBranch>, StoreError> {
        open_branches_due_before(self, true, due_before, limit).await
    }

    async fn application_result(&self, id: ApplicationId) -> Result<Option<ResultRecord>, StoreError> {
        let client = self.client().await?;
        let key = id.as_bytes().as_slice();
        let row = client
            .query_opt(
                "SELECT title, text, code, issued_at FROM application_result WHERE application_id = $1",
                &[&key],
            )
            .await?;
        row.map(|r| {
            Ok(ResultRecord {
                title: r.try_get(0)?,
                text: r.try_get(1)?,
                code: r.try_get(2)?,
                issued_at: r.try_get(3)?,
            })
        })
        .transpose()
    }
}

/// Open branches due before `before`, soonest first: those not yet flagged (the overdue sweep) or
/// those flagged (the escalation sweep). Two statements, each matching its partial index.
async fn open_branches_due_before(
    store: &PgStore,
    flagged: bool,
    before: &str,
    limit: u64,
) -> Result<Vec<OverdueBranch>, StoreError> {
    let sql = if flagged {
        "SELECT application_id, stage, department FROM application_branch \
         WHERE open AND overdue AND due < $1 ORDER BY due, application_id, stage LIMIT $2"
    } else {
        "SELECT application_id, stage, department FROM application_branch \
         WHERE open AND NOT overdue AND due < $1 ORDER BY due, application_id, stage LIMIT $2"
    };
    let client = store.client().await?;
    let rows = client.query(sql, &[&before, &to_i64(limit)?]).await?;
    rows.iter()
        .map(|r| {
            Ok(OverdueBranch {
                id: parse_id(r.try_get(0)?)?,
                stage: small(r.try_get(1)?, "branch stage")?,
                department: r.try_get(2)?,
            })
        })
        .collect()
}
