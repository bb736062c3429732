//! [`LivenessStore`] on SQLite.

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{SqliteStore, conflict};
use crate::store::liveness::{parse_purpose, purpose_columns};
use crate::store::{
    CaseRecord, DeclineReason, Declined, LivenessCheckRecord, LivenessOutcome, LivenessPurpose,
    LivenessStore, PartyRecord, PartyRole, StoreError,
};

#[async_trait]
impl LivenessStore for SqliteStore {
    async fn insert_liveness_check(
        &self,
        check: LivenessCheckRecord,
        since_ms: i64,
        max_attempts: i64,
    ) -> Result<Option<i64>, StoreError> {
        self.tx(move |tx| {
            let (purpose, case_id) = purpose_columns(check.purpose);
            let issued: i64 = tx.query_row(
                "SELECT count(*) FROM liveness_check \
                 WHERE citizen_id_number = ?1 AND issued_at_ms >= ?2 AND purpose = ?3",
                params![check.citizen_id_number, since_ms, purpose],
                |r| r.get(0),
            )?;
            if issued >= max_attempts {
                return Ok(None);
            }
            tx.execute(
                "INSERT INTO liveness_check (citizen_id_number, purpose, case_id, device_id, device_key, \
                 device_label, nonce, actions, time_limit_ms, issued_at_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    check.citizen_id_number,
                    purpose,
                    case_id,
                    check.device_id,
                    check.device_key,
                    check.device_label,
                    check.nonce,
                    check.actions,
                    check.time_limit_ms,
                    check.issued_at_ms
                ],
            )
            .map_err(conflict)?;
            Ok(Some(tx.last_insert_rowid()))
        })
        .await
    }

    async fn spend_source_attempt(
        &self,
        source: &str,
        since_ms: i64,
        now_ms: i64,
        max_attempts: i64,
    ) -> Result<bool, StoreError> {
        let source = source.to_owned();
        self.tx(move |tx| {
            tx.execute("DELETE FROM liveness_source_attempt WHERE at_ms < ?1", params![since_ms])?;
            let asked: i64 = tx.query_row(
                "SELECT count(*) FROM liveness_source_attempt WHERE source = ?1",
                params![source],
                |r| r.get(0),
            )?;
            if asked >= max_attempts {
                return Ok(false);
            }
            tx.execute(
                "INSERT INTO liveness_source_attempt (source, at_ms) VALUES (?1, ?2)",
                params![source, now_ms],
            )?;
            Ok(true)
        })
        .await
    }

    async fn liveness_check(&self, id: i64) -> Result<Option<LivenessCheckRecord>, StoreError> {
        self.read(move |c| {
            let row = c
                .query_row(
                    &format!("SELECT {LIVENESS_COLUMNS} FROM liveness_check WHERE id = ?1"),
                    [id],
                    liveness_row,
                )
                .optional()?;
            row.map(parse_liveness_row).transpose()
        })
        .await
    }

    async fn answer_liveness_check(
        &self,
        id: i64,
        now: i64,
    ) -> Result<Option<LivenessCheckRecord>, StoreError> {
        self.tx(move |tx| {
            let row = tx
                .query_row(
                    &format!(
                        "UPDATE liveness_check SET answered_at = ?2 WHERE id = ?1 AND answered_at IS NULL \
                         RETURNING {LIVENESS_COLUMNS}"
                    ),
                    params![id, now],
                    liveness_row,
                )
                .optional()?;
            row.map(parse_liveness_row).transpose()
        })
        .await
    }

    async fn record_liveness_outcome(&self, id: i64, outcome: LivenessOutcome) -> Result<(), StoreError> {
        self.tx(move |tx| {
            let passed = !matches!(outcome, LivenessOutcome::Failed);
            tx.execute("UPDATE liveness_check SET passed = ?2 WHERE id = ?1", params![id, passed])?;
            if let LivenessOutcome::Confirmed { case_id, id_number, at } = outcome {
                tx.execute(
                    "UPDATE case_party SET confirmed_at = ?3 \
                     WHERE case_id = ?1 AND id_number = ?2 AND confirmed_at IS NULL AND declined_at IS NULL",
                    params![case_id, id_number, at],
                )?;
            }
            Ok(())
        })
        .await
    }

    async fn fail_interrupted_liveness_checks(&self) -> Result<u64, StoreError> {
        self.tx(|tx| {
            let failed = tx.execute(
                "UPDATE liveness_check SET passed = 0 WHERE answered_at IS NOT NULL AND passed IS NULL",
                [],
            )?;
            Ok(u64::try_from(failed).unwrap_or(u64::MAX))
        })
        .await
    }

    async fn insert_case(&self, case: CaseRecord) -> Result<i64, StoreError> {
        self.tx(move |tx| {
            tx.execute(
                "INSERT INTO registration_case (department_code, company_name, credit_code, created_by, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![case.department_code, case.company_name, case.credit_code, case.created_by, case.created_at],
            )?;
            let id = tx.last_insert_rowid();
            let mut stmt = tx.prepare("INSERT INTO case_party (case_id, id_number, role) VALUES (?1, ?2, ?3)")?;
            for party in &case.parties {
                stmt.execute(params![id, party.id_number, party.role.as_str()]).map_err(conflict)?;
            }
            Ok(id)
        })
        .await
    }

    async fn case(&self, id: i64) -> Result<Option<CaseRecord>, StoreError> {
        self.read(move |c| {
            let Some(case) = c
                .query_row(
                    &format!("SELECT {CASE_COLUMNS} FROM registration_case WHERE id = ?1"),
                    [id],
                    case_row,
                )
                .optional()?
            else {
                return Ok(None);
            };
            Ok(Some(with_parties(c, case)?))
        })
        .await
    }

    async fn open_cases_of(&self, id_number: &str) -> Result<Vec<CaseRecord>, StoreError> {
        let id = id_number.to_owned();
        self.read(move |c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {CASE_COLUMNS} FROM registration_case WHERE proceeded_at IS NULL AND id IN \
                 (SELECT case_id FROM case_party WHERE id_number = ?1) ORDER BY id DESC"
            ))?;
            let cases: Vec<CaseRecord> = stmt.query_map([id], case_row)?.collect::<Result<_, _>>()?;
            cases.into_iter().map(|case| with_parties(c, case)).collect()
        })
        .await
    }

    async fn decline_case(
        &self,
        case_id: i64,
        id_number: &str,
        reason: DeclineReason,
        at: i64,
    ) -> Result<bool, StoreError> {
        let id_number = id_number.to_owned();
        self.tx(move |tx| {
            // Every role of the citizen in the case, or none: all of them still unanswered, in a
            // case not proceeded with.
            let declined = tx.execute(
                "UPDATE case_party SET declined_at = ?3, decline_reason = ?4 \
                 WHERE case_id = ?1 AND id_number = ?2 AND confirmed_at IS NULL AND declined_at IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM case_party p WHERE p.case_id = ?1 AND p.id_number = ?2 \
                     AND (p.confirmed_at IS NOT NULL OR p.declined_at IS NOT NULL)) \
                 AND EXISTS (SELECT 1 FROM registration_case c WHERE c.id = ?1 AND c.proceeded_at IS NULL)",
                params![case_id, id_number, at, reason.as_str()],
            )?;
            Ok(declined > 0)
        })
        .await
    }

    async fn proceed_case(&self, id: i64, at: i64) -> Result<bool, StoreError> {
        self.tx(move |tx| {
            Ok(tx.execute(
                "UPDATE registration_case SET proceeded_at = ?2 WHERE id = ?1 AND proceeded_at IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM case_party WHERE case_id = ?1 AND confirmed_at IS NULL)",
                params![id, at],
            )? == 1)
        })
        .await
    }
}

const LIVENESS_COLUMNS: &str = "id, citizen_id_number, purpose, case_id, device_id, device_key, device_label, \
     nonce, actions, time_limit_ms, issued_at_ms, answered_at, passed";

/// A `liveness_check` row with its purpose still as stored.
type LivenessRow = (LivenessCheckRecord, String, Option<i64>);

fn liveness_row(r: &Row<'_>) -> rusqlite::Result<LivenessRow> {
    Ok((
        LivenessCheckRecord {
            id: r.get(0)?,
            citizen_id_number: r.get(1)?,
            purpose: LivenessPurpose::Enrolment,
            device_id: r.get(4)?,
            device_key: r.get(5)?,
            device_label: r.get(6)?,
            nonce: r.get(7)?,
            actions: r.get(8)?,
            time_limit_ms: r.get(9)?,
            issued_at_ms: r.get(10)?,
            answered_at: r.get(11)?,
            passed: r.get(12)?,
        },
        r.get(2)?,
        r.get(3)?,
    ))
}

fn parse_liveness_row((record, purpose, case_id): LivenessRow) -> Result<LivenessCheckRecord, StoreError> {
    Ok(LivenessCheckRecord { purpose: parse_purpose(&purpose, case_id)?, ..record })
}

const CASE_COLUMNS: &str =
    "id, department_code, company_name, credit_code, created_by, created_at, proceeded_at";

fn case_row(r: &Row<'_>) -> rusqlite::Result<CaseRecord> {
    Ok(CaseRecord {
        id: r.get(0)?,
        department_code: r.get(1)?,
        company_name: r.get(2)?,
        credit_code: r.get(3)?,
        created_by: r.get(4)?,
        created_at: r.get(5)?,
        proceeded_at: r.get(6)?,
        parties: Vec::new(),
    })
}

fn with_parties(c: &Connection, case: CaseRecord) -> Result<CaseRecord, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT id_number, role, confirmed_at, declined_at, decline_reason FROM case_party \
         WHERE case_id = ?1 ORDER BY role, id_number",
    )?;
    type PartyRow = (String, String, Option<i64>, Option<i64>, Option<String>);
    let rows: Vec<PartyRow> = stmt
        .query_map([case.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<Result<_, _>>()?;
    let parties = rows
        .into_iter()
        .map(|(id_number, role, confirmed_at, declined_at, reason)| {
            let role = PartyRole::parse(&role).ok_or(StoreError::Corrupt("party role"))?;
            let declined = Declined::from_columns(declined_at, reason.as_deref())?;
            Ok(PartyRecord { id_number, role, confirmed_at, declined })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(CaseRecord { parties, ..case })
}
