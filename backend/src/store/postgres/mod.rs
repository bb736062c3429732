//! The PostgreSQL store: tokio-postgres with a deadpool connection pool. This module connects
//! and migrates; each area's trait is implemented in the file of that name.

mod applications;
mod catalogue;
mod devices;
mod issuance;
mod liveness;
mod registry;
mod sync;

use async_trait::async_trait;
use deadpool_postgres::{ClientWrapper, Manager, ManagerConfig, Object, Pool, RecyclingMethod, Transaction};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};

use super::StoreError;

/// Migrations in order; the table `schema_migration` records which have run.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/postgres/001_citizens.sql"),
    include_str!("../../../migrations/postgres/002_registry.sql"),
    include_str!("../../../migrations/postgres/003_issuers.sql"),
    include_str!("../../../migrations/postgres/004_certificates.sql"),
    include_str!("../../../migrations/postgres/005_devices_sync.sql"),
    include_str!("../../../migrations/postgres/006_liveness_cases.sql"),
    include_str!("../../../migrations/postgres/007_staff_lockout.sql"),
    include_str!("../../../migrations/postgres/008_enrolment_code_audit.sql"),
    include_str!("../../../migrations/postgres/009_certificate_template.sql"),
    include_str!("../../../migrations/postgres/010_liveness_sources.sql"),
    include_str!("../../../migrations/postgres/011_keys_out_of_the_database.sql"),
    include_str!("../../../migrations/postgres/012_issuance_key.sql"),
    include_str!("../../../migrations/postgres/013_staff_administrator.sql"),
    include_str!("../../../migrations/postgres/014_case_consent.sql"),
    include_str!("../../../migrations/postgres/015_catalogue.sql"),
    include_str!("../../../migrations/postgres/016_applications.sql"),
    include_str!("../../../migrations/postgres/017_application_submission.sql"),
    include_str!("../../../migrations/postgres/018_application_result.sql"),
];

/// Statements through the connection's statement cache (deadpool's): each text is prepared once
/// per connection, so a query is one round trip (bind, execute) instead of two (parse and
/// describe, then bind and execute), and the server parses it once and, after five runs, keeps a
/// generic plan. Every statement of the store goes through these; their texts are constants, so
/// the cache holds a bounded set.
#[async_trait]
pub(super) trait Cached {
    /// [`tokio_postgres::Client::execute`], prepared once.
    async fn cached_execute(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, tokio_postgres::Error>;
    /// [`tokio_postgres::Client::query`], prepared once.
    async fn cached_query(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, tokio_postgres::Error>;
    /// [`tokio_postgres::Client::query_one`], prepared once.
    async fn cached_query_one(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Row, tokio_postgres::Error>;
    /// [`tokio_postgres::Client::query_opt`], prepared once.
    async fn cached_query_opt(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, tokio_postgres::Error>;
}

macro_rules! cached_impl {
    ($t:ty) => {
        #[async_trait]
        impl Cached for $t {
            async fn cached_execute(
                &self,
                sql: &str,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<u64, tokio_postgres::Error> {
                let statement = self.prepare_cached(sql).await?;
                self.execute(&statement, params).await
            }
            async fn cached_query(
                &self,
                sql: &str,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<Vec<Row>, tokio_postgres::Error> {
                let statement = self.prepare_cached(sql).await?;
                self.query(&statement, params).await
            }
            async fn cached_query_one(
                &self,
                sql: &str,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<Row, tokio_postgres::Error> {
                let statement = self.prepare_cached(sql).await?;
                self.query_one(&statement, params).await
            }
            async fn cached_query_opt(
                &self,
                sql: &str,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<Option<Row>, tokio_postgres::Error> {
                let statement = self.prepare_cached(sql).await?;
                self.query_opt(&statement, params).await
            }
        }
    };
}
cached_impl!(ClientWrapper);
cached_impl!(Transaction<'_>);

/// The PostgreSQL store.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("pool_size", &self.pool.status().max_size).finish()
    }
}

/// A unique-key clash as [`StoreError::Conflict`], any other failure as it is.
fn conflict(e: tokio_postgres::Error) -> StoreError {
    if e.code() == Some(&SqlState::UNIQUE_VIOLATION) { StoreError::Conflict } else { StoreError::Postgres(e) }
}

impl PgStore {
    /// Connects to `url`, and migrates.
    ///
    /// # Errors
    /// When the URL is malformed, the server cannot be reached, or a migration fails.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url.parse().map_err(StoreError::Postgres)?;
        let manager =
            Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool =
            Pool::builder(manager).max_size(16).build().map_err(|e| StoreError::Pool(e.to_string()))?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn client(&self) -> Result<Object, StoreError> {
        self.pool.get().await.map_err(|e| match e {
            deadpool_postgres::PoolError::Backend(e) => StoreError::Postgres(e),
            other => StoreError::Pool(other.to_string()),
        })
    }

    /// Runs the migrations that have not run yet, one transaction each, under an advisory lock
    /// so that two servers starting together do not both migrate.
    async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        client
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY NOT NULL)",
            )
            .await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock(7340001)", &[]).await?;
        let done: i64 =
            tx.query_one("SELECT coalesce(max(version), 0) FROM schema_migration", &[]).await?.get(0);
        for (i, sql) in MIGRATIONS.iter().enumerate() {
            let version = i as i64 + 1;
            if version <= done {
                continue;
            }
            tx.batch_execute(sql).await?;
            tx.execute("INSERT INTO schema_migration (version) VALUES ($1)", &[&version]).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The number of migrations applied.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn migration_version(&self) -> Result<i64, StoreError> {
        let client = self.client().await?;
        Ok(client.query_one("SELECT coalesce(max(version), 0) FROM schema_migration", &[]).await?.get(0))
    }
}
