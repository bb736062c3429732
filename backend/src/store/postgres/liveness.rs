//! [`LivenessStore`] on PostgreSQL.

use async_trait::async_trait;
use deadpool_postgres::Object;
use tokio_postgres::Row;

use super::{Cached, PgStore, conflict};
use crate::store::liveness::{parse_purpose, purpose_columns};
use crate::store::{
    CaseRecord, DeclineReason, Declined, LivenessCheckRecord, LivenessOutcome, LivenessStore, PartyRecord,
    PartyRole, StoreError,
};

#[async_trait]
impl LivenessStore for PgStore {
    async fn insert_liveness_check(
        &self,
        check: LivenessCheckRecord,
        since_ms: i64,
        max_attempts: i64,
    ) -> Result<Option<i64>, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // The citizen's row lock serialises concurrent requests for the same citizen, so the
        // count and the insert cannot interleave with another's.
        tx.cached_execute(
            "SELECT 1 FROM citizen WHERE id_number = $1 FOR UPDATE",
            &[&check.citizen_id_number],
        )
        .await?;
        let (purpose, case_id) = purpose_columns(check.purpose);
        let issued: i64 = tx
            .cached_query_one(
                "SELECT count(*) FROM liveness_check \
                 WHERE citizen_id_number = $1 AND issued_at_ms >= $2 AND purpose = $3",
                &[&check.citizen_id_number, &since_ms, &purpose],
            )
            .await?
            .try_get(0)?;
        if issued >= max_attempts {
            return Ok(None);
        }
        let id: i64 = tx
            .cached_query_one(
                "INSERT INTO liveness_check (citizen_id_number, purpose, case_id, device_id, device_key, \
                 device_label, nonce, actions, time_limit_ms, issued_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                &[
                    &check.citizen_id_number,
                    &purpose,
                    &case_id,
                    &check.device_id,
                    &check.device_key,
                    &check.device_label,
                    &check.nonce,
                    &check.actions,
                    &check.time_limit_ms,
                    &check.issued_at_ms,
                ],
            )
            .await
            .map_err(conflict)?
            .try_get(0)?;
        tx.commit().await?;
        Ok(Some(id))
    }

    async fn spend_source_attempt(
        &self,
        source: &str,
        since_ms: i64,
        now_ms: i64,
        max_attempts: i64,
    ) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // A lock on the source's name for the transaction serialises its concurrent asks, so
        // the count and the insert cannot interleave with another's.
        tx.cached_execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))", &[&source]).await?;
        tx.cached_execute("DELETE FROM liveness_source_attempt WHERE at_ms < $1", &[&since_ms]).await?;
        let asked: i64 = tx
            .cached_query_one("SELECT count(*) FROM liveness_source_attempt WHERE source = $1", &[&source])
            .await?
            .try_get(0)?;
        if asked >= max_attempts {
            return Ok(false);
        }
        tx.cached_execute(
            "INSERT INTO liveness_source_attempt (source, at_ms) VALUES ($1, $2)",
            &[&source, &now_ms],
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn liveness_check(&self, id: i64) -> Result<Option<LivenessCheckRecord>, StoreError> {
        let client = self.client().await?;
        let row = client
            .cached_query_opt(&format!("SELECT {LIVENESS_COLUMNS} FROM liveness_check WHERE id = $1"), &[&id])
            .await?;
        row.as_ref().map(liveness_row).transpose()
    }

    async fn answer_liveness_check(
        &self,
        id: i64,
        now: i64,
    ) -> Result<Option<LivenessCheckRecord>, StoreError> {
        let client = self.client().await?;
        let row = client
            .cached_query_opt(
                &format!(
                    "UPDATE liveness_check SET answered_at = $2 WHERE id = $1 AND answered_at IS NULL \
                     RETURNING {LIVENESS_COLUMNS}"
                ),
                &[&id, &now],
            )
            .await?;
        row.as_ref().map(liveness_row).transpose()
    }

    async fn record_liveness_outcome(&self, id: i64, outcome: LivenessOutcome) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let passed = !matches!(outcome, LivenessOutcome::Failed);
        tx.cached_execute("UPDATE liveness_check SET passed = $2 WHERE id = $1", &[&id, &passed]).await?;
        if let LivenessOutcome::Confirmed { case_id, id_number, at } = outcome {
            tx.cached_execute(
                "UPDATE case_party SET confirmed_at = $3 \
                 WHERE case_id = $1 AND id_number = $2 AND confirmed_at IS NULL AND declined_at IS NULL",
                &[&case_id, &id_number, &at],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn fail_interrupted_liveness_checks(&self) -> Result<u64, StoreError> {
        let client = self.client().await?;
        Ok(client
            .cached_execute(
                "UPDATE liveness_check SET passed = false WHERE answered_at IS NOT NULL AND passed IS NULL",
                &[],
            )
            .await?)
    }

    async fn insert_case(&self, case: CaseRecord) -> Result<i64, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let id: i64 = tx
            .cached_query_one(
                "INSERT INTO registration_case (department_code, company_name, credit_code, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[&case.department_code, &case.company_name, &case.credit_code, &case.created_by, &case.created_at],
            )
            .await?
            .try_get(0)?;
        for party in &case.parties {
            tx.cached_execute(
                "INSERT INTO case_party (case_id, id_number, role) VALUES ($1, $2, $3)",
                &[&id, &party.id_number, &party.role.as_str()],
            )
            .await
            .map_err(conflict)?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn case(&self, id: i64) -> Result<Option<CaseRecord>, StoreError> {
        let client = self.client().await?;
        let Some(row) = client
            .cached_query_opt(&format!("SELECT {CASE_COLUMNS} FROM registration_case WHERE id = $1"), &[&id])
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(with_parties(&client, case_row(&row)?).await?))
    }

    async fn open_cases_of(&self, id_number: &str) -> Result<Vec<CaseRecord>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .cached_query(
                &format!(
                    "SELECT {CASE_COLUMNS} FROM registration_case WHERE proceeded_at IS NULL AND id IN \
                     (SELECT case_id FROM case_party WHERE id_number = $1) ORDER BY id DESC"
                ),
                &[&id_number],
            )
            .await?;
        let mut cases = Vec::with_capacity(rows.len());
        for row in &rows {
            cases.push(with_parties(&client, case_row(row)?).await?);
        }
        Ok(cases)
    }

    async fn decline_case(
        &self,
        case_id: i64,
        id_number: &str,
        reason: DeclineReason,
        at: i64,
    ) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // The case's row lock serialises refusals and the registrar proceeding; the conditions on
        // each party row are checked again on the row a concurrent confirmation committed.
        let open = tx
            .cached_query_opt(
                "SELECT 1 FROM registration_case WHERE id = $1 AND proceeded_at IS NULL FOR UPDATE",
                &[&case_id],
            )
            .await?;
        if open.is_none() {
            return Ok(false);
        }
        let answered: i64 = tx
            .cached_query_one(
                "SELECT count(*) FROM case_party WHERE case_id = $1 AND id_number = $2 \
                 AND (confirmed_at IS NOT NULL OR declined_at IS NOT NULL)",
                &[&case_id, &id_number],
            )
            .await?
            .try_get(0)?;
        if answered > 0 {
            return Ok(false);
        }
        let declined = tx
            .cached_execute(
                "UPDATE case_party SET declined_at = $3, decline_reason = $4 \
                 WHERE case_id = $1 AND id_number = $2 AND confirmed_at IS NULL AND declined_at IS NULL",
                &[&case_id, &id_number, &at, &reason.as_str()],
            )
            .await?;
        tx.commit().await?;
        Ok(declined > 0)
    }

    async fn proceed_case(&self, id: i64, at: i64) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(client
            .cached_execute(
                "UPDATE registration_case SET proceeded_at = $2 WHERE id = $1 AND proceeded_at IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM case_party WHERE case_id = $1 AND confirmed_at IS NULL)",
                &[&id, &at],
            )
            .await?
            == 1)
    }
}

const LIVENESS_COLUMNS: &str = "id, citizen_id_number, purpose, case_id, device_id, device_key, device_label, \
     nonce, actions, time_limit_ms, issued_at_ms, answered_at, passed";

fn liveness_row(r: &Row) -> Result<LivenessCheckRecord, StoreError> {
    let purpose: String = r.try_get(2)?;
    Ok(LivenessCheckRecord {
        id: r.try_get(0)?,
        citizen_id_number: r.try_get(1)?,
        purpose: parse_purpose(&purpose, r.try_get(3)?)?,
        device_id: r.try_get(4)?,
        device_key: r.try_get(5)?,
        device_label: r.try_get(6)?,
        nonce: r.try_get(7)?,
        actions: r.try_get(8)?,
        time_limit_ms: r.try_get(9)?,
        issued_at_ms: r.try_get(10)?,
        answered_at: r.try_get(11)?,
        passed: r.try_get(12)?,
    })
}

const CASE_COLUMNS: &str =
    "id, department_code, company_name, credit_code, created_by, created_at, proceeded_at";

fn case_row(r: &Row) -> Result<CaseRecord, StoreError> {
    Ok(CaseRecord {
        id: r.try_get(0)?,
        department_code: r.try_get(1)?,
        company_name: r.try_get(2)?,
        credit_code: r.try_get(3)?,
        created_by: r.try_get(4)?,
        created_at: r.try_get(5)?,
        proceeded_at: r.try_get(6)?,
        parties: Vec::new(),
    })
}

async fn with_parties(client: &Object, case: CaseRecord) -> Result<CaseRecord, StoreError> {
    let rows = client
        .cached_query(
            "SELECT id_number, role, confirmed_at, declined_at, decline_reason FROM case_party \
             WHERE case_id = $1 ORDER BY role, id_number",
            &[&case.id],
        )
        .await?;
    let parties = rows
        .iter()
        .map(|r| {
            let role: String = r.try_get(1)?;
            Ok(PartyRecord {
                id_number: r.try_get(0)?,
                role: PartyRole::parse(&role).ok_or(StoreError::Corrupt("party role"))?,
                confirmed_at: r.try_get(2)?,
                declined: Declined::from_columns(r.try_get(3)?, r.try_get::<_, Option<&str>>(4)?)?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(CaseRecord { parties, ..case })
}
