//! [`ApplicationStore`] on SQLite. One writer: a compare-and-set is an `UPDATE … WHERE version`.

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, Row, params};
use shimin_core::application::submission::ApplicationId;
use shimin_wire::workflow::EventView;

mod submission;

use super::{SqliteStore, conflict};
use crate::store::applications::{
    COLUMNS, RawApplication, digest, event_json, level, parse_event, parse_id, phase_str, to_i64,
};
use crate::store::{
    ApplicationRecord, ApplicationStore, ApplicationUpdate, BranchRow, LibraryItem, MaterialRecord,
    MaterialSource, NewApplication, NewLibraryItem, OverdueBranch, QueueRow, RatingRecord, ReceiptRecord,
    RectificationRecord, Resubmission, Resubmitted, ResultRecord, Staged, StagedUpload, StoreError,
    SubmitWithUploads, Submitted, UploadDecl, UploadPut, UploadRecord,
};

pub(super) fn raw(r: &Row<'_>) -> rusqlite::Result<RawApplication> {
    Ok(RawApplication {
        id: r.get(0)?,
        region: r.get(1)?,
        arrival_month: r.get(2)?,
        case_no: r.get(3)?,
        citizen: r.get(4)?,
        service_code: r.get(5)?,
        catalogue_version: r.get(6)?,
        department: r.get(7)?,
        arrived_at: r.get(8)?,
        body_sha256: r.get(9)?,
        submission: r.get(10)?,
        state: r.get(11)?,
        version: r.get(12)?,
        next_deadline: r.get(13)?,
        overdue: r.get(14)?,
        updated_at: r.get(15)?,
    })
}

pub(super) fn get(c: &Connection, id: ApplicationId) -> Result<Option<ApplicationRecord>, StoreError> {
    c.query_row(
        &format!("SELECT {COLUMNS} FROM application a WHERE a.id = ?1"),
        [id.as_bytes().as_slice()],
        raw,
    )
    .optional()?
    .map(RawApplication::parse)
    .transpose()
}

fn append_events(c: &Connection, id: ApplicationId, events: &[EventView]) -> Result<(), StoreError> {
    let next: i64 = c.query_row(
        "SELECT coalesce(max(seq) + 1, 0) FROM application_event WHERE application_id = ?1",
        [id.as_bytes().as_slice()],
        |r| r.get(0),
    )?;
    for (i, event) in events.iter().enumerate() {
        c.execute(
            "INSERT INTO application_event (application_id, seq, arrival_month, at, event) \
             SELECT id, ?2, arrival_month, ?3, ?4 FROM application WHERE id = ?1",
            params![id.as_bytes().as_slice(), next + to_i64(i as u64)?, event.end, event_json(event)],
        )?;
    }
    Ok(())
}

fn rectification_row(r: &Row<'_>) -> rusqlite::Result<(Vec<u8>, RectRow)> {
    Ok((
        r.get(0)?,
        RectRow {
            department: r.get(1)?,
            opened_at: r.get(2)?,
            due: r.get(3)?,
            called_back_at: r.get(4)?,
            report: r.get(5)?,
            reported_at: r.get(6)?,
            satisfied: r.get(7)?,
            rated_at: r.get(8)?,
            call_back_due: r.get(9)?,
        },
    ))
}

struct RectRow {
    department: String,
    opened_at: i64,
    due: String,
    called_back_at: Option<i64>,
    report: Option<String>,
    reported_at: Option<i64>,
    satisfied: Option<bool>,
    rated_at: Option<i64>,
    call_back_due: String,
}

fn rectification_record((id, r): (Vec<u8>, RectRow)) -> Result<RectificationRecord, StoreError> {
    Ok(RectificationRecord {
        id: parse_id(&id)?,
        department: r.department,
        opened_at: r.opened_at,
        due: r.due,
        called_back_at: r.called_back_at,
        report: r.report,
        reported_at: r.reported_at,
        satisfied: r.satisfied,
        call_back_due: r.call_back_due,
        rated_at: r.rated_at,
    })
}

const RECTIFICATION: &str = "SELECT application_id, department, opened_at, due, called_back_at, report, \
     reported_at, satisfied, rated_at, call_back_due FROM rectification";

/// Inserts a new application with its events, materials and upload declarations in `tx`, or
/// tells what holds its id.
pub(super) fn insert_application(tx: &Connection, new: &NewApplication) -> Result<Submitted, StoreError> {
    let id = new.id;
    let taken: Option<(Vec<u8>, String)> = tx
        .query_row(
            "SELECT body_sha256, citizen FROM application WHERE id = ?1",
            [id.as_bytes().as_slice()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((body, citizen)) = taken {
        if digest(&body)? != new.body_sha256 || citizen != new.citizen {
            return Ok(Submitted::OtherBody);
        }
        return Ok(Submitted::Same(Box::new(get(tx, id)?.ok_or(StoreError::Corrupt("application"))?)));
    }
    let state = &new.state;
    tx.execute(
        "INSERT INTO application (id, region, arrival_month, case_no, citizen, service_code, \
             catalogue_version, department, arrived_at, body_sha256, submission, state, version, phase, \
             next_deadline, overdue, open, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, 0, ?16, ?9)",
        params![
            id.as_bytes().as_slice(),
            new.region,
            new.arrival_month,
            state.case_no().map(|c| c.as_str()),
            new.citizen,
            new.service_code,
            to_i64(new.catalogue_version)?,
            new.department,
            new.arrived_at,
            new.body_sha256.as_slice(),
            new.submission,
            state.to_json(),
            to_i64(state.version())?,
            phase_str(state.phase()),
            new.next_deadline,
            !state.is_closed(),
        ],
    )
    .map_err(conflict)?;
    append_events(tx, id, &new.events)?;
    for m in &new.materials {
        tx.execute(
            "INSERT INTO application_material (application_id, material, source, reference) \
                 VALUES (?1, ?2, ?3, ?4)",
            params![id.as_bytes().as_slice(), m.material, m.source.name(), m.reference],
        )
        .map_err(conflict)?;
    }
    for u in &new.uploads {
        tx.execute(
            "INSERT INTO application_upload (application_id, sha256, media_type, size) \
                 VALUES (?1, ?2, ?3, ?4)",
            params![id.as_bytes().as_slice(), u.sha256.as_slice(), u.media_type, to_i64(u.size)?],
        )
        .map_err(conflict)?;
    }
    Ok(Submitted::New(Box::new(get(tx, id)?.ok_or(StoreError::Corrupt("application"))?)))
}

/// Writes a change of state in `tx` if the stored version is still the expected one.
pub(super) fn write_update(tx: &Connection, update: &ApplicationUpdate) -> Result<bool, StoreError> {
    let id = update.id;
    let state = &update.state;
    let changed = tx
        .execute(
            "UPDATE application SET state = ?1, version = ?2, phase = ?3, case_no = ?4, \
                     next_deadline = ?5, overdue = ?6, open = ?7, updated_at = ?8 \
                     WHERE id = ?9 AND version = ?10",
            params![
                state.to_json(),
                to_i64(state.version())?,
                phase_str(state.phase()),
                state.case_no().map(|c| c.as_str()),
                update.next_deadline,
                update.overdue,
                !state.is_closed(),
                update.at,
                id.as_bytes().as_slice(),
                to_i64(update.expect_version)?,
            ],
        )
        .map_err(conflict)?;
    if changed == 0 {
        return Ok(false);
    }
    tx.execute("DELETE FROM application_branch WHERE application_id = ?1", [id.as_bytes().as_slice()])?;
    for b in &update.branches {
        tx.execute(
            "INSERT INTO application_branch (application_id, stage, department, region, arrival_month, \
                     step, due, overdue, open) \
                     SELECT id, ?2, ?3, region, arrival_month, ?4, ?5, ?6, ?7 FROM application WHERE id = ?1",
            params![
                id.as_bytes().as_slice(),
                i64::from(b.stage),
                b.department,
                i64::from(b.step),
                b.due,
                b.overdue,
                b.open
            ],
        )
        .map_err(conflict)?;
    }
    append_events(tx, id, &update.events)?;
    Ok(true)
}

#[async_trait]
impl ApplicationStore for SqliteStore {
    async fn submit_application(&self, new: NewApplication) -> Result<Submitted, StoreError> {
        self.tx(move |tx| insert_application(tx, &new)).await
    }

    async fn application(&self, id: ApplicationId) -> Result<Option<ApplicationRecord>, StoreError> {
        self.read(move |c| get(c, id)).await
    }

    async fn citizen_applications(
        &self,
        citizen: &str,
        limit: u64,
    ) -> Result<Vec<ApplicationRecord>, StoreError> {
        let citizen = citizen.to_owned();
        let limit = to_i64(limit)?;
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM application a WHERE a.citizen = ?1 ORDER BY a.arrived_at DESC, a.id LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![citizen, limit], raw)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(RawApplication::parse).collect()
        })
        .await
    }

    async fn update_application(&self, update: ApplicationUpdate) -> Result<bool, StoreError> {
        self.tx(move |tx| write_update(tx, &update)).await
    }

    async fn application_events(&self, id: ApplicationId) -> Result<Vec<EventView>, StoreError> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT event FROM application_event WHERE application_id = ?1 ORDER BY seq",
            )?;
            let rows = stmt
                .query_map([id.as_bytes().as_slice()], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            rows.iter().map(|e| parse_event(e)).collect()
        })
        .await
    }

    async fn application_materials(&self, id: ApplicationId) -> Result<Vec<MaterialRecord>, StoreError> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT material, source, reference FROM application_material WHERE application_id = ?1 \
                 ORDER BY material",
            )?;
            let rows = stmt
                .query_map([id.as_bytes().as_slice()], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(material, source, reference)| {
                    Ok(MaterialRecord {
                        material,
                        source: MaterialSource::from_name(&source)
                            .ok_or(StoreError::Corrupt("material source"))?,
                        reference,
                    })
                })
                .collect()
        })
        .await
    }

    async fn application_uploads(&self, id: ApplicationId) -> Result<Vec<UploadRecord>, StoreError> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT sha256, media_type, size, stored_at FROM application_upload WHERE application_id = ?1 \
                 ORDER BY sha256",
            )?;
            let rows = stmt
                .query_map([id.as_bytes().as_slice()], |r| {
                    Ok((
                        r.get::<_, Vec<u8>>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, Option<i64>>(3)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(sha, media_type, size, stored_at)| {
                    Ok(UploadRecord {
                        decl: UploadDecl {
                            sha256: digest(&sha)?,
                            media_type,
                            size: u64::try_from(size).map_err(|_| StoreError::Corrupt("upload size"))?,
                        },
                        stored_at,
                    })
                })
                .collect()
        })
        .await
    }

    async fn put_upload(
        &self,
        id: ApplicationId,
        sha256: [u8; 32],
        media_type: &str,
        bytes: Vec<u8>,
        at: i64,
    ) -> Result<UploadPut, StoreError> {
        let media_type = media_type.to_owned();
        self.tx(move |tx| {
            let declared: Option<(String, i64, bool)> = tx
                .query_row(
                    "SELECT media_type, size, bytes IS NOT NULL FROM application_upload \
                     WHERE application_id = ?1 AND sha256 = ?2",
                    params![id.as_bytes().as_slice(), sha256.as_slice()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((declared_type, size, stored)) = declared else {
                return Ok(UploadPut::NotDeclared);
            };
            if declared_type != media_type || Ok(size) != i64::try_from(bytes.len()) {
                return Ok(UploadPut::Mismatch);
            }
            if stored {
                return Ok(UploadPut::AlreadyStored);
            }
            tx.execute(
                "UPDATE application_upload SET bytes = ?3, stored_at = ?4 WHERE application_id = ?1 AND sha256 = ?2",
                params![id.as_bytes().as_slice(), sha256.as_slice(), bytes, at],
            )?;
            Ok(UploadPut::Stored)
        })
        .await
    }

    async fn upload_bytes(&self, id: ApplicationId, sha256: [u8; 32]) -> Result<Option<Vec<u8>>, StoreError> {
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT bytes FROM application_upload WHERE application_id = ?1 AND sha256 = ?2",
                params![id.as_bytes().as_slice(), sha256.as_slice()],
                |r| r.get::<_, Option<Vec<u8>>>(0),
            )
            .optional()?
            .flatten())
        })
        .await
    }

    async fn next_case_serial(&self, department: &str, day: &str) -> Result<u64, StoreError> {
        let (department, day) = (department.to_owned(), day.to_owned());
        self.tx(move |tx| {
            let last: i64 = tx.query_row(
                "INSERT INTO application_case_counter (department, day, last) VALUES (?1, ?2, 1) \
                 ON CONFLICT (department, day) DO UPDATE SET last = last + 1 RETURNING last",
                params![department, day],
                |r| r.get(0),
            )?;
            u64::try_from(last).map_err(|_| StoreError::Corrupt("case counter"))
        })
        .await
    }

    async fn pre_review_queue(
        &self,
        department: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<ApplicationRecord>, StoreError> {
        let department = department.to_owned();
        let (offset, limit) = (to_i64(offset)?, to_i64(limit)?);
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM application a WHERE a.department = ?1 AND a.open = 1 \
                 AND a.phase = 'pre_review' ORDER BY a.arrived_at, a.id LIMIT ?2 OFFSET ?3"
            ))?;
            let rows =
                stmt.query_map(params![department, limit, offset], raw)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(RawApplication::parse).collect()
        })
        .await
    }

    async fn department_closed(
        &self,
        department: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<ApplicationRecord>, StoreError> {
        let department = department.to_owned();
        let (offset, limit) = (to_i64(offset)?, to_i64(limit)?);
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM application a WHERE a.department = ?1 \
                 AND a.phase IN ('approved', 'refused', 'result_issued', 'closed', 'not_accepted') \
                 ORDER BY a.updated_at DESC, a.id LIMIT ?2 OFFSET ?3"
            ))?;
            let rows =
                stmt.query_map(params![department, limit, offset], raw)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(RawApplication::parse).collect()
        })
        .await
    }

    async fn application_by_case_no(&self, case_no: &str) -> Result<Option<ApplicationRecord>, StoreError> {
        let case_no = case_no.to_owned();
        self.read(move |c| {
            let mut stmt =
                c.prepare_cached(&format!("SELECT {COLUMNS} FROM application a WHERE a.case_no = ?1"))?;
            let rows = stmt.query_map(params![case_no], raw)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().next().map(RawApplication::parse).transpose()
        })
        .await
    }

    async fn branch_queue(
        &self,
        department: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<QueueRow>, StoreError> {
        let department = department.to_owned();
        let (offset, limit) = (to_i64(offset)?, to_i64(limit)?);
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS}, b.stage, b.department, b.step, b.due, b.overdue, b.open \
                 FROM application_branch b JOIN application a ON a.id = b.application_id \
                 WHERE b.department = ?1 AND b.open = 1 \
                 ORDER BY b.due IS NULL, b.due, b.application_id, b.stage LIMIT ?2 OFFSET ?3"
            ))?;
            let rows = stmt
                .query_map(params![department, limit, offset], |r| {
                    Ok((
                        raw(r)?,
                        r.get::<_, i64>(16)?,
                        r.get::<_, String>(17)?,
                        r.get::<_, i64>(18)?,
                        r.get::<_, Option<String>>(19)?,
                        r.get::<_, bool>(20)?,
                        r.get::<_, bool>(21)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(a, stage, department, step, due, overdue, open)| {
                    Ok(QueueRow {
                        application: a.parse()?,
                        branch: BranchRow {
                            stage: u32::try_from(stage).map_err(|_| StoreError::Corrupt("branch stage"))?,
                            department,
                            step: u32::try_from(step).map_err(|_| StoreError::Corrupt("branch step"))?,
                            due,
                            overdue,
                            open,
                        },
                    })
                })
                .collect()
        })
        .await
    }

    async fn pre_review_past(&self, today: &str, limit: u64) -> Result<Vec<ApplicationId>, StoreError> {
        let today = today.to_owned();
        let limit = to_i64(limit)?;
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id FROM application WHERE open = 1 AND phase = 'pre_review' AND next_deadline < ?1 \
                 ORDER BY next_deadline, id LIMIT ?2",
            )?;
            let rows = stmt
                .query_map(params![today, limit], |r| r.get::<_, Vec<u8>>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            rows.iter().map(|id| parse_id(id)).collect()
        })
        .await
    }

    async fn awaiting_deadline(
        &self,
        after: Option<ApplicationId>,
        limit: u64,
    ) -> Result<Vec<ApplicationId>, StoreError> {
        let after = after.map(|id| id.as_bytes().to_vec());
        let limit = to_i64(limit)?;
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id FROM application WHERE open = 1 AND next_deadline IS NULL \
                 AND phase IN ('submitted', 'pre_review', 'in_approval') AND (?1 IS NULL OR id > ?1) \
                 ORDER BY id LIMIT ?2",
            )?;
            let rows = stmt
                .query_map(params![after, limit], |r| r.get::<_, Vec<u8>>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            rows.iter().map(|id| parse_id(id)).collect()
        })
        .await
    }

    async fn branches_falling_overdue(
        &self,
        today: &str,
        limit: u64,
    ) -> Result<Vec<OverdueBranch>, StoreError> {
        open_branches_due_before(self, false, today, limit).await
    }

    async fn add_library_item(&self, item: NewLibraryItem) -> Result<i64, StoreError> {
        self.tx(move |tx| {
            tx.query_row(
                "INSERT INTO library_item (citizen, material_kind, department, accepted_at, valid_until, \
                 from_application) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                params![
                    item.citizen,
                    item.material_kind,
                    item.department,
                    item.accepted_at,
                    item.valid_until,
                    item.from_application.as_bytes().as_slice()
                ],
                |r| r.get(0),
            )
            .map_err(conflict)
        })
        .await
    }

    async fn library_items(&self, citizen: &str) -> Result<Vec<LibraryItem>, StoreError> {
        let citizen = citizen.to_owned();
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, citizen, material_kind, department, accepted_at, valid_until, from_application \
                 FROM library_item WHERE citizen = ?1 ORDER BY material_kind, id",
            )?;
            let rows = stmt
                .query_map([citizen], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, Option<i64>>(5)?,
                        r.get::<_, Vec<u8>>(6)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(id, citizen, material_kind, department, accepted_at, valid_until, from)| {
                    Ok(LibraryItem {
                        id,
                        item: NewLibraryItem {
                            citizen,
                            material_kind,
                            department,
                            accepted_at,
                            valid_until,
                            from_application: parse_id(&from)?,
                        },
                    })
                })
                .collect()
        })
        .await
    }

    async fn rate_application(
        &self,
        id: ApplicationId,
        rating: RatingRecord,
        rectification: Option<RectificationRecord>,
    ) -> Result<bool, StoreError> {
        self.tx(move |tx| {
            let added = tx.execute(
                "INSERT INTO application_rating (application_id, level, tags, text, rated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (application_id) DO NOTHING",
                params![
                    id.as_bytes().as_slice(),
                    i64::from(rating.level),
                    rating.tags,
                    rating.text,
                    rating.rated_at
                ],
            )?;
            if added == 0 {
                return Ok(false);
            }
            if let Some(r) = rectification {
                tx.execute(
                    "INSERT INTO rectification (application_id, department, opened_at, call_back_due, due) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id.as_bytes().as_slice(), r.department, r.opened_at, r.call_back_due, r.due],
                )?;
            }
            Ok(true)
        })
        .await
    }

    async fn application_rating(&self, id: ApplicationId) -> Result<Option<RatingRecord>, StoreError> {
        self.read(move |c| {
            let row: Option<(i64, String, Option<String>, i64)> = c
                .query_row(
                    "SELECT level, tags, text, rated_at FROM application_rating WHERE application_id = ?1",
                    [id.as_bytes().as_slice()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            row.map(|(l, tags, text, rated_at)| Ok(RatingRecord { level: level(l)?, tags, text, rated_at }))
                .transpose()
        })
        .await
    }

    async fn rectification(&self, id: ApplicationId) -> Result<Option<RectificationRecord>, StoreError> {
        self.read(move |c| {
            c.query_row(
                &format!("{RECTIFICATION} WHERE application_id = ?1"),
                [id.as_bytes().as_slice()],
                rectification_row,
            )
            .optional()?
            .map(rectification_record)
            .transpose()
        })
        .await
    }

    async fn department_rectifications(
        &self,
        department: &str,
        limit: u64,
    ) -> Result<Vec<RectificationRecord>, StoreError> {
        let department = department.to_owned();
        let limit = to_i64(limit)?;
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "{RECTIFICATION} WHERE department = ?1 ORDER BY opened_at, application_id LIMIT ?2"
            ))?;
            let rows = stmt
                .query_map(params![department, limit], rectification_row)?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(rectification_record).collect()
        })
        .await
    }

    async fn rectification_called_back(&self, id: ApplicationId, at: i64) -> Result<bool, StoreError> {
        self.tx(move |tx| {
            Ok(tx.execute(
                "UPDATE rectification SET called_back_at = ?2 WHERE application_id = ?1 AND called_back_at IS NULL",
                params![id.as_bytes().as_slice(), at],
            )? == 1)
        })
        .await
    }

    async fn rectification_report(
        &self,
        id: ApplicationId,
        report: &str,
        at: i64,
    ) -> Result<bool, StoreError> {
        let report = report.to_owned();
        self.tx(move |tx| {
            Ok(tx.execute(
                "UPDATE rectification SET report = ?2, reported_at = ?3 WHERE application_id = ?1 \
                 AND called_back_at IS NOT NULL AND reported_at IS NULL",
                params![id.as_bytes().as_slice(), report, at],
            )? == 1)
        })
        .await
    }

    async fn rate_rectification(
        &self,
        id: ApplicationId,
        satisfied: bool,
        at: i64,
    ) -> Result<bool, StoreError> {
        self.tx(move |tx| {
            Ok(tx.execute(
                "UPDATE rectification SET satisfied = ?2, rated_at = ?3 WHERE application_id = ?1 \
                 AND reported_at IS NOT NULL AND rated_at IS NULL",
                params![id.as_bytes().as_slice(), satisfied, at],
            )? == 1)
        })
        .await
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
        self.tx(move |tx| {
            let added = tx.execute(
                "INSERT INTO application_result (application_id, title, text, code, issued_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (application_id) DO NOTHING",
                params![id.as_bytes().as_slice(), result.title, result.text, result.code, result.issued_at],
            )?;
            Ok(added == 1)
        })
        .await
    }

    async fn branches_to_escalate(
        &self,
        due_before: &str,
        limit: u64,
    ) -> Result<Vec<OverdueBranch>, StoreError> {
        open_branches_due_before(self, true, due_before, limit).await
    }

    async fn application_result(&self, id: ApplicationId) -> Result<Option<ResultRecord>, StoreError> {
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT title, text, code, issued_at FROM application_result WHERE application_id = ?1",
                [id.as_bytes().as_slice()],
                |r| {
                    Ok(ResultRecord {
                        title: r.get(0)?,
                        text: r.get(1)?,
                        code: r.get(2)?,
                        issued_at: r.get(3)?,
                    })
                },
            )
            .optional()?)
        })
        .await
    }
}

/// Open branches due before `before`, soonest first: those not yet flagged (the overdue sweep) or
/// those flagged (the escalation sweep). Two statements, each matching its partial index.
async fn open_branches_due_before(
    store: &SqliteStore,
    flagged: bool,
    before: &str,
    limit: u64,
) -> Result<Vec<OverdueBranch>, StoreError> {
    let sql = if flagged {
        "SELECT application_id, stage, department FROM application_branch \
         WHERE open = 1 AND overdue = 1 AND due < ?1 ORDER BY due, application_id, stage LIMIT ?2"
    } else {
        "SELECT application_id, stage, department FROM application_branch \
         WHERE open = 1 AND overdue = 0 AND due < ?1 ORDER BY due, application_id, stage LIMIT ?2"
    };
    let before = before.to_owned();
    let limit = to_i64(limit)?;
    store
        .read(move |c| {
            let mut stmt = c.prepare_cached(sql)?;
            let rows = stmt
                .query_map(params![before, limit], |r| {
                    Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(id, stage, department)| {
                    Ok(OverdueBranch {
                        id: parse_id(&id)?,
                        stage: u32::try_from(stage).map_err(|_| StoreError::Corrupt("branch stage"))?,
                        department,
                    })
                })
                .collect()
        })
        .await
}
