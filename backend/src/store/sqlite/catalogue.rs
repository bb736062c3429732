//! [`CatalogueStore`] on SQLite. One writer: versions commit in order by construction.

use async_trait::async_trait;
use rusqlite::{OptionalExtension, params};
use shimin_core::catalogue::guide::Service;

use super::SqliteStore;
use crate::store::catalogue::{parse_row, read_version, status_str, stored_version};
use crate::store::{
    CatalogueChangeRecord, CatalogueOp, CataloguePage, CatalogueStore, NewCatalogueChange, StoreError,
};

#[async_trait]
impl CatalogueStore for SqliteStore {
    async fn catalogue_head(&self) -> Result<u64, StoreError> {
        self.read(|c| {
            read_version(c.query_row("SELECT version FROM catalogue_head WHERE id = 1", [], |r| r.get(0))?)
        })
        .await
    }

    async fn apply_catalogue_changes(
        &self,
        changes: Vec<NewCatalogueChange>,
        expect_head: Option<u64>,
        now: i64,
    ) -> Result<Option<u64>, StoreError> {
        self.tx(move |tx| {
            let head: i64 =
                tx.query_row("SELECT version FROM catalogue_head WHERE id = 1", [], |r| r.get(0))?;
            if let Some(expected) = expect_head
                && head != stored_version(expected)?
            {
                return Ok(None);
            }
            let mut head = read_version(head)?;
            for change in changes {
                let version: i64 = tx.query_row(
                    "UPDATE catalogue_head SET version = version + 1 WHERE id = 1 RETURNING version",
                    [],
                    |r| r.get(0),
                )?;
                head = read_version(version)?;
                let service = change.service.at_version(head);
                tx.execute(
                    "INSERT INTO catalogue_service (code, status, version, popularity, document) \
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (code) DO UPDATE SET \
                     status = excluded.status, version = excluded.version, \
                     popularity = excluded.popularity, document = excluded.document",
                    params![
                        service.code.to_string(),
                        status_str(service.status),
                        version,
                        i64::try_from(service.popularity).unwrap_or(i64::MAX),
                        service.to_json()
                    ],
                )?;
                tx.execute(
                    "INSERT INTO catalogue_change (version, op, code, created_at) VALUES (?1, ?2, ?3, ?4)",
                    params![version, change.op.as_str(), service.code.to_string(), now],
                )?;
            }
            Ok(Some(head))
        })
        .await
    }

    async fn catalogue_service(&self, code: &str) -> Result<Option<Service>, StoreError> {
        let code = code.to_owned();
        self.read(move |c| {
            let row: Option<(String, i64)> = c
                .query_row("SELECT document, version FROM catalogue_service WHERE code = ?1", [code], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            row.map(|(document, version)| parse_row(&document, version)).transpose()
        })
        .await
    }

    async fn catalogue_services(&self) -> Result<Vec<Service>, StoreError> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT document, version FROM catalogue_service ORDER BY code")?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            rows.iter().map(|(document, version)| parse_row(document, *version)).collect()
        })
        .await
    }

    async fn catalogue_changes(
        &self,
        since: u64,
        limit: u64,
        snapshot: bool,
    ) -> Result<CataloguePage, StoreError> {
        let since = stored_version(since)?;
        let limit = stored_version(limit)?;
        self.read(move |c| {
            // The head first: every version up to it has committed (in order), so the page
            // read after it holds all of them that are still current.
            let head: i64 =
                c.query_row("SELECT version FROM catalogue_head WHERE id = 1", [], |r| r.get(0))?;
            let mut stmt = c.prepare_cached(
                "SELECT ch.version, ch.op, s.document FROM catalogue_change ch \
                     JOIN catalogue_service s ON s.code = ch.code AND s.version = ch.version \
                     WHERE ch.version > ?1 AND ch.version <= ?2 AND (?3 = 0 OR s.status != 'cancelled') \
                     ORDER BY ch.version LIMIT ?4",
            )?;
            let rows = stmt
                .query_map(params![since, head, i64::from(snapshot), limit], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let changes = rows
                .iter()
                .map(|(version, op, document)| {
                    Ok(CatalogueChangeRecord {
                        version: read_version(*version)?,
                        op: if snapshot { CatalogueOp::Add } else { CatalogueOp::parse(op)? },
                        service: parse_row(document, *version)?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            Ok(CataloguePage { head: read_version(head)?, changes })
        })
        .await
    }
}
