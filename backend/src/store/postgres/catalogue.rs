//! [`CatalogueStore`] on PostgreSQL.
//!
//! Each change draws its version with `UPDATE catalogue_head SET version = version + 1
//! RETURNING version`: the row lock is held until the transaction ends, so a second writer waits
//! for the first to commit before it draws the next number, and versions become visible in the
//! order they were drawn. (An identity column would not do: its numbers are drawn at insert and
//! seen at commit, in either order.)

use async_trait::async_trait;
use shimin_core::catalogue::guide::Service;

use super::{Cached, PgStore};
use crate::store::catalogue::{parse_row, read_version, status_str, stored_version};
use crate::store::{
    CatalogueChangeRecord, CatalogueOp, CataloguePage, CatalogueStore, NewCatalogueChange, StoreError,
};

#[async_trait]
impl CatalogueStore for PgStore {
    async fn catalogue_head(&self) -> Result<u64, StoreError> {
        let client = self.client().await?;
        read_version(
            client
                .cached_query_one("SELECT version FROM catalogue_head WHERE id = 1", &[])
                .await?
                .try_get(0)?,
        )
    }

    async fn apply_catalogue_changes(
        &self,
        changes: Vec<NewCatalogueChange>,
        expect_head: Option<u64>,
        now: i64,
    ) -> Result<Option<u64>, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // The head's lock, taken before anything is compared or drawn.
        let head: i64 = tx
            .cached_query_one("SELECT version FROM catalogue_head WHERE id = 1 FOR UPDATE", &[])
            .await?
            .try_get(0)?;
        if let Some(expected) = expect_head
            && head != stored_version(expected)?
        {
            return Ok(None);
        }
        let mut head = read_version(head)?;
        for change in changes {
            let version: i64 = tx
                .cached_query_one(
                    "UPDATE catalogue_head SET version = version + 1 WHERE id = 1 RETURNING version",
                    &[],
                )
                .await?
                .try_get(0)?;
            head = read_version(version)?;
            let service = change.service.at_version(head);
            let code = service.code.to_string();
            let popularity = i64::try_from(service.popularity).unwrap_or(i64::MAX);
            tx.cached_execute(
                "INSERT INTO catalogue_service (code, status, version, popularity, document) \
                 VALUES ($1, $2, $3, $4, $5::text::jsonb) ON CONFLICT (code) DO UPDATE SET \
                 status = excluded.status, version = excluded.version, \
                 popularity = excluded.popularity, document = excluded.document",
                &[&code, &status_str(service.status), &version, &popularity, &service.to_json()],
            )
            .await?;
            tx.cached_execute(
                "INSERT INTO catalogue_change (version, op, code, created_at) VALUES ($1, $2, $3, $4)",
                &[&version, &change.op.name(), &code, &now],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Some(head))
    }

    async fn catalogue_service(&self, code: &str) -> Result<Option<Service>, StoreError> {
        let client = self.client().await?;
        let row = client
            .cached_query_opt(
                "SELECT document::text, version FROM catalogue_service WHERE code = $1",
                &[&code],
            )
            .await?;
        row.map(|r| parse_row(r.try_get(0)?, r.try_get(1)?)).transpose()
    }

    async fn catalogue_services(&self) -> Result<Vec<Service>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .cached_query("SELECT document::text, version FROM catalogue_service ORDER BY code", &[])
            .await?;
        rows.iter().map(|r| parse_row(r.try_get(0)?, r.try_get(1)?)).collect()
    }

    async fn catalogue_changes(
        &self,
        since: u64,
        limit: u64,
        snapshot: bool,
    ) -> Result<CataloguePage, StoreError> {
        let since = stored_version(since)?;
        let limit = stored_version(limit)?;
        let client = self.client().await?;
        // The head first: every version up to it has committed (in order), so the page read
        // after it holds all of them that are still current.
        let head: i64 = client
            .cached_query_one("SELECT version FROM catalogue_head WHERE id = 1", &[])
            .await?
            .try_get(0)?;
        let rows = client
            .cached_query(
                "SELECT ch.version, ch.op, s.document::text FROM catalogue_change ch \
                 JOIN catalogue_service s ON s.code = ch.code AND s.version = ch.version \
                 WHERE ch.version > $1 AND ch.version <= $2 AND (NOT $3 OR s.status <> 'cancelled') \
                 ORDER BY ch.version LIMIT $4",
                &[&since, &head, &snapshot, &limit],
            )
            .await?;
        let changes = rows
            .iter()
            .map(|r| {
                let version: i64 = r.try_get(0)?;
                Ok(CatalogueChangeRecord {
                    version: read_version(version)?,
                    op: if snapshot {
                        CatalogueOp::Add
                    } else {
                        CatalogueOp::from_name(r.try_get(1)?)
                            .ok_or(StoreError::Corrupt("catalogue change op"))?
                    },
                    service: parse_row(r.try_get(2)?, version)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(CataloguePage { head: read_version(head)?, changes })
    }
}
