//! Storage: one async trait per area of the backend, an SQLite and a PostgreSQL implementation
//! of each, and [`Store`], their union, which the service layer holds as `Arc<dyn Store>`.
//!
//! The traits speak in records of the backend's domain, not in SQL, so the service layer never
//! knows which database it runs on. They are `async` (through `async_trait`, so that they can
//! be used as `Arc<dyn Store>`): PostgreSQL is natively async (tokio-postgres), and the SQLite
//! implementation runs its synchronous rusqlite calls on threads of its own, never on the async
//! workers: writes on one writer connection, pure reads on a few read-only connections (WAL), so
//! a slow statement never stalls the async workers and readers never queue behind the writer.
//!
//! Operations that must be atomic (consume an enrolment code and add a device, allocate a status
//! index, record an outbox item once) are single trait methods, each one transaction inside.
//!
//! | area | records and trait | SQLite | PostgreSQL |
//! |---|---|---|---|
//! | registry: citizens, households, companies, departments, staff, registry photos | `registry.rs`, [`RegistryStore`] | `sqlite/registry.rs` | `postgres/registry.rs` |
//! | issuance: issuer keys, settings, published documents, certificates, status lists | `issuance.rs`, [`IssuanceStore`] | `sqlite/issuance.rs` | `postgres/issuance.rs` |
//! | devices: devices, enrolment codes, challenges, tokens | `devices.rs`, [`DeviceStore`] | `sqlite/devices.rs` | `postgres/devices.rs` |
//! | sync: the feed (cursors, copies, status changes, notifications), outbox receipts | `sync.rs`, [`SyncStore`] | `sqlite/sync.rs` | `postgres/sync.rs` |
//! | liveness: checks and their attempts, registration cases | `liveness.rs`, [`LivenessStore`] | `sqlite/liveness.rs` | `postgres/liveness.rs` |
//! | catalogue: the version counter, each service's current guide, the change rows of the public feed | `catalogue.rs`, [`CatalogueStore`] | `sqlite/catalogue.rs` | `postgres/catalogue.rs` |
//! | applications: state, branch rows, events, materials, uploads, 材料库, case counters, ratings, rectifications | `applications.rs`, [`ApplicationStore`] | `sqlite/applications.rs` | `postgres/applications.rs` |
//!
//! A new area (applications and their cases) is one more row: its
//! records and trait in `store/<area>.rs`, one file per database implementing it, its trait
//! added to [`Store`]'s bounds, its tables in the next numbered migration of both databases, and
//! its part of the shared suite in `tests/store_suite/`. `sqlite/mod.rs` and `postgres/mod.rs`
//! hold only the connections and the migrations.

mod applications;
mod catalogue;
mod devices;
mod issuance;
mod liveness;
pub mod postgres;
mod registry;
pub mod sqlite;
mod sync;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

pub use self::applications::{
    ApplicationRecord, ApplicationStore, ApplicationUpdate, BranchRow, LibraryItem, MaterialRecord,
    MaterialSource, NewApplication, NewLibraryItem, OverdueBranch, QueueRow, RatingRecord, ReceiptRecord,
    RectificationRecord, Resubmission, Resubmitted, ResultRecord, Staged, StagedUpload, SubmitWithUploads,
    Submitted, UploadDecl, UploadPut, UploadRecord,
};
pub use self::catalogue::{
    CatalogueChangeRecord, CatalogueOp, CataloguePage, CatalogueStore, NewCatalogueChange,
};
pub use self::devices::{
    DeviceRecord, DeviceStore, EnrolmentCodeRecord, EnrolmentGrant, NewEnrolmentCode, TokenRecord,
    TokenSubject,
};
pub use self::issuance::{
    CertificateCopies, CertificateRecord, IssuanceStore, IssuerKeyRecord, LegacyPrivateKey, NewCertificate,
    NewCopy, PublishedDoc, SignCopies, StatusListRecord, StoredStatus, copy_event,
};
pub use self::liveness::{
    CaseRecord, DeclineReason, Declined, LivenessCheckRecord, LivenessOutcome, LivenessPurpose,
    LivenessStore, PartyRecord, PartyRole,
};
pub use self::registry::{
    CitizenRecord, CompanyRecord, DepartmentRecord, HouseholdRecord, RegistryStore, StaffRecord,
};
pub use self::sync::{EventKind, EventRecord, NewEvent, OutboxRecord, PullRecord, SyncStore};

/// Why the storage failed. Never carries personal data.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL is neither `sqlite://PATH` nor `postgres://…`.
    #[error("unsupported database URL (expected sqlite://PATH or postgres://…)")]
    UnsupportedUrl,
    /// SQLite refused.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL refused.
    #[error("postgres: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    /// No PostgreSQL connection could be had from the pool.
    #[error("postgres pool: {0}")]
    Pool(String),
    /// A file or directory could not be created.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// A unique key is taken (a login, a device key…).
    #[error("already exists")]
    Conflict,
    /// A row holds something the backend never writes.
    #[error("corrupt row: {0}")]
    Corrupt(&'static str),
    /// What a transaction was to store could not be signed; nothing was stored.
    #[error("signing inside a transaction failed")]
    Signing,
    /// The blocking task running an SQLite call failed.
    #[error("storage task failed")]
    Task,
}

/// A parsed database URL.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A PostgreSQL connection string (`postgres://` or `postgresql://`).
    Postgres(String),
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            // The URL may hold a password.
            DatabaseUrl::Postgres(_) => f.write_str("Postgres([redacted])"),
        }
    }
}

impl FromStr for DatabaseUrl {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(path) = s.strip_prefix("sqlite://") {
            return if path.is_empty() {
                Err(StoreError::UnsupportedUrl)
            } else {
                Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
            };
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(s.to_owned()));
        }
        Err(StoreError::UnsupportedUrl)
    }
}

impl DatabaseUrl {
    /// Opens (creating if needed) and migrates the database.
    ///
    /// # Errors
    /// When it cannot be reached, created or migrated.
    pub async fn open(&self) -> Result<Arc<dyn Store>, StoreError> {
        self.open_with(sqlite::SqliteOptions::default()).await
    }

    /// As [`DatabaseUrl::open`], with these options for an SQLite database (PostgreSQL ignores
    /// them).
    ///
    /// # Errors
    /// When it cannot be reached, created or migrated.
    pub async fn open_with(&self, sqlite: sqlite::SqliteOptions) -> Result<Arc<dyn Store>, StoreError> {
        match self {
            DatabaseUrl::Sqlite(path) => Ok(Arc::new(sqlite::SqliteStore::open_with(path, sqlite)?)),
            DatabaseUrl::Postgres(url) => Ok(Arc::new(postgres::PgStore::connect(url).await?)),
        }
    }
}

/// Everything the backend stores: the union of the areas' traits, implemented by every type
/// that implements them all. Callers hold an `Arc<dyn Store>` and call any area's methods on it.
pub trait Store:
    RegistryStore
    + IssuanceStore
    + DeviceStore
    + SyncStore
    + LivenessStore
    + CatalogueStore
    + ApplicationStore
    + fmt::Debug
    + 'static
{
}

impl<T> Store for T where
    T: RegistryStore
        + IssuanceStore
        + DeviceStore
        + SyncStore
        + LivenessStore
        + CatalogueStore
        + ApplicationStore
        + fmt::Debug
        + 'static
{
}
