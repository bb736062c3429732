//! The offline service catalogue, `catalogue.db`: a file of its own beside the wallet, because
//! it is public data needed before any wallet exists (and on the verify-only path), so it is
//! neither sealed nor tied to the PIN. Its schema follows the same numbered-migration discipline
//! as the wallet's (`catalogue_migrations/`).
//!
//! Rows hold each guide's JSON as the backend sent it; every read parses it again
//! (`Service::from_json`), so a damaged row is never shown: it is skipped and counted, and the
//! app then asks for the whole catalogue again.

use rusqlite::{Connection, OptionalExtension, params};
use shimin_core::catalogue::code::ServiceCode;
use shimin_core::catalogue::guide::Service;
use shimin_core::catalogue::sync::{CataloguePage, CatalogueStore};

use crate::error::StoreError;
use crate::schema;

/// The catalogue file's migrations.
pub const MIGRATIONS: &[(&str, &str)] =
    &[("001_catalogue", include_str!("../catalogue_migrations/001_catalogue.sql"))];

const TABLE: &str = "services";

/// The services held, and how many rows did not parse.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every service that parsed, in code order.
    pub services: Vec<Service>,
    /// Rows skipped because they did not parse.
    pub corrupt: usize,
}

/// The catalogue database.
#[derive(Debug)]
pub struct CatalogueDb {
    conn: Connection,
}

impl CatalogueDb {
    /// Opens the catalogue on `conn` (from [`schema::open_file`]), bringing its schema up to date.
    ///
    /// # Errors
    /// [`StoreError::SchemaTooNew`] for a file of a newer build, or a database error.
    pub fn open(mut conn: Connection) -> Result<Self, StoreError> {
        schema::upgrade_with(&mut conn, MIGRATIONS, MIGRATIONS.len() as u32)?;
        Ok(Self { conn })
    }

    /// The version held (0: none).
    ///
    /// # Errors
    /// A database error, or [`StoreError::CorruptRow`] for a negative version.
    pub fn version(&self) -> Result<u64, StoreError> {
        let version: i64 =
            self.conn.query_row("SELECT version FROM catalogue_state WHERE id = 1", [], |r| r.get(0))?;
        u64::try_from(version)
            .map_err(|_| StoreError::CorruptRow { table: "catalogue_state", column: "version" })
    }

    /// When the last round finished.
    ///
    /// # Errors
    /// A database error.
    pub fn synced_at(&self) -> Result<Option<i64>, StoreError> {
        Ok(self.conn.query_row("SELECT synced_at FROM catalogue_state WHERE id = 1", [], |r| r.get(0))?)
    }

    /// Records that a round finished at `now`.
    ///
    /// # Errors
    /// A database error.
    pub fn set_synced_at(&self, now: i64) -> Result<(), StoreError> {
        self.conn.execute("UPDATE catalogue_state SET synced_at = ?1 WHERE id = 1", [now])?;
        Ok(())
    }

    /// Forgets the version held, so that the next round downloads the whole catalogue again (after
    /// damaged rows were found). The services stay until the new download replaces them.
    ///
    /// # Errors
    /// A database error.
    pub fn forget_version(&self) -> Result<(), StoreError> {
        self.conn.execute("UPDATE catalogue_state SET version = 0 WHERE id = 1", [])?;
        Ok(())
    }

    /// Every service held.
    ///
    /// # Errors
    /// A database error.
    pub fn services(&self) -> Result<Loaded, StoreError> {
        let mut stmt = self.conn.prepare("SELECT document FROM services ORDER BY code")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut loaded = Loaded::default();
        for row in rows {
            match Service::from_json(row?.as_bytes()) {
                Ok(service) => loaded.services.push(service),
                Err(_) => loaded.corrupt += 1,
            }
        }
        Ok(loaded)
    }

    /// One service.
    ///
    /// # Errors
    /// A database error, or [`StoreError::CorruptRow`] when its row does not parse.
    pub fn service(&self, code: &ServiceCode) -> Result<Option<Service>, StoreError> {
        let document: Option<String> = self
            .conn
            .query_row("SELECT document FROM services WHERE code = ?1", [code.to_string()], |r| r.get(0))
            .optional()?;
        document
            .map(|d| {
                Service::from_json(d.as_bytes())
                    .map_err(|_| StoreError::CorruptRow { table: TABLE, column: "document" })
            })
            .transpose()
    }

    /// The connection, for tests that damage rows.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

impl CatalogueStore for CatalogueDb {
    type Error = StoreError;

    fn catalogue_version(&self) -> Result<u64, StoreError> {
        self.version()
    }

    fn apply_catalogue_page(&mut self, page: &CataloguePage) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        if page.reset {
            tx.execute("DELETE FROM services", [])?;
        }
        {
            let mut upsert = tx.prepare(
                "INSERT INTO services (code, version, document) VALUES (?1, ?2, ?3)
                 ON CONFLICT (code) DO UPDATE SET version = excluded.version, document = excluded.document
                 WHERE excluded.version > services.version",
            )?;
            for (_, service) in &page.changes {
                let version = i64::try_from(service.version)
                    .map_err(|_| StoreError::CorruptRow { table: TABLE, column: "version" })?;
                upsert.execute(params![service.code.to_string(), version, service.to_json()])?;
            }
        }
        let to = i64::try_from(page.to)
            .map_err(|_| StoreError::CorruptRow { table: "catalogue_state", column: "version" })?;
        tx.execute("UPDATE catalogue_state SET version = ?1 WHERE id = 1", [to])?;
        tx.commit()?;
        Ok(())
    }
}
