//! The SQLite store: WAL, one writer connection and a few read-only connections, each on a
//! thread of its own behind a fair queue (module `pool`), so no rusqlite call ever runs on a
//! tokio worker. This module opens and migrates the database and runs the calls; each area's
//! trait is implemented in the file of that name.

mod applications;
mod catalogue;
mod devices;
mod issuance;
mod liveness;
mod pool;
mod registry;
mod sync;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction};

use self::pool::Connections;
use super::StoreError;

/// Migrations in order; `PRAGMA user_version` records how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/sqlite/001_citizens.sql"),
    include_str!("../../../migrations/sqlite/002_registry.sql"),
    include_str!("../../../migrations/sqlite/003_issuers.sql"),
    include_str!("../../../migrations/sqlite/004_certificates.sql"),
    include_str!("../../../migrations/sqlite/005_devices_sync.sql"),
    include_str!("../../../migrations/sqlite/006_liveness_cases.sql"),
    include_str!("../../../migrations/sqlite/007_staff_lockout.sql"),
    include_str!("../../../migrations/sqlite/008_enrolment_code_audit.sql"),
    include_str!("../../../migrations/sqlite/009_certificate_template.sql"),
    include_str!("../../../migrations/sqlite/010_liveness_sources.sql"),
    include_str!("../../../migrations/sqlite/011_keys_out_of_the_database.sql"),
    include_str!("../../../migrations/sqlite/012_issuance_key.sql"),
    include_str!("../../../migrations/sqlite/013_staff_administrator.sql"),
    include_str!("../../../migrations/sqlite/014_case_consent.sql"),
    include_str!("../../../migrations/sqlite/015_catalogue.sql"),
    include_str!("../../../migrations/sqlite/016_applications.sql"),
    include_str!("../../../migrations/sqlite/017_application_submission.sql"),
    include_str!("../../../migrations/sqlite/018_application_result.sql"),
];

/// Runs the migrations that have not run yet, one transaction each.
///
/// # Errors
/// When a migration fails; the database stays at the last one that succeeded.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let done: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// The number of migrations.
pub fn migration_count() -> usize {
    MIGRATIONS.len()
}

/// How an SQLite store is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteOptions {
    /// Read-only connections opened beside the one writer; the reads of the store's traits run
    /// on them, in parallel with each other and with the writer (WAL). 0 sends reads to the
    /// writer, and so does an in-memory database, whose connections cannot share it.
    pub readers: usize,
    /// How long a statement waits for a lock held by another connection or process before it
    /// fails with "database is locked".
    pub busy_timeout: Duration,
}

impl SqliteOptions {
    /// The default number of readers: the available parallelism, at least 2.
    pub fn default_readers() -> usize {
        std::thread::available_parallelism().map_or(2, |n| n.get()).max(2)
    }
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self { readers: Self::default_readers(), busy_timeout: Duration::from_secs(5) }
    }
}

/// The SQLite store: one writer connection for every write (and every read-then-write
/// transaction), and a small pool of read-only connections for the pure reads.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: Arc<Connections>,
    /// `None`: reads go to the writer (in-memory database, or no readers asked for).
    readers: Option<Arc<Connections>>,
}

impl SqliteStore {
    /// Opens (creating) and migrates the file at `path`, with the default options.
    ///
    /// # Errors
    /// When the file cannot be created or migrated.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, SqliteOptions::default())
    }

    /// Opens (creating) and migrates the file at `path`, then opens the readers.
    ///
    /// # Errors
    /// When the file cannot be created, migrated or opened again for reading.
    pub fn open_with(path: &Path, options: SqliteOptions) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        Self::from_writer(Connection::open(path)?, options)
    }

    /// An in-memory database, for tests. It has no readers: every call runs on its one connection.
    ///
    /// # Errors
    /// When migrating fails.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::from_writer(Connection::open_in_memory()?, SqliteOptions::default())
    }

    /// How many read-only connections serve reads (0: the writer does).
    pub fn reader_count(&self) -> usize {
        self.readers.as_ref().map_or(0, |r| r.size())
    }

    fn from_writer(mut conn: Connection, options: SqliteOptions) -> Result<Self, StoreError> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a commit is on disk (the WAL synced) before it is answered. With NORMAL, WAL
        // mode stays consistent but may lose the last commits on power loss, and every table
        // the writer writes holds something whose loss is a security event, so there is no
        // table to leave at NORMAL (`synchronous` is per connection, and one connection writes):
        // a revocation or suspension (`certificate`, `event`) would be undone; a spent enrolment
        // code (`enrolment_code`), an answered liveness nonce (`liveness_check`) or a revoked
        // token (`token`) could be used again; failed staff logins (`staff_login_failure`) and
        // the daily liveness attempts would be forgotten; an acknowledged outbox item would be
        // lost although the device was told it was stored; a new device or copy would vanish
        // after the holder was told it exists. The price is one more sync of the WAL per
        // commit, on a server whose writes are rare next to its reads.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(options.busy_timeout)?;
        migrate(&mut conn)?;
        // SQLite names the file it opened; an in-memory database has none ("").
        let file = conn.path().filter(|p| !p.is_empty()).map(PathBuf::from);
        let readers = match file {
            Some(file) if options.readers > 0 => {
                let readers =
                    (0..options.readers).map(|_| open_reader(&file, options)).collect::<Result<_, _>>()?;
                Some(Arc::new(Connections::start("reader", readers)?))
            }
            _ => None,
        };
        Ok(Self { writer: Arc::new(Connections::start("writer", vec![conn])?), readers })
    }

    /// Runs a pure read on a reader (or on the writer when there are none).
    async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.readers.as_ref().unwrap_or(&self.writer).run(move |conn| f(conn)).await
    }

    /// Runs `f` in one immediate transaction on the writer.
    async fn tx<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        self.writer
            .run(move |conn| {
                let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let out = f(&tx)?;
                tx.commit()?;
                Ok(out)
            })
            .await
    }
}

/// A read-only connection to the (already migrated, WAL) file.
fn open_reader(file: &Path, options: SqliteOptions) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(options.busy_timeout)?;
    Ok(conn)
}

/// A unique-key clash as [`StoreError::Conflict`], any other failure as it is.
fn conflict(e: rusqlite::Error) -> StoreError {
    match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            StoreError::Conflict
        }
        other => StoreError::Sqlite(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{CitizenRecord, DatabaseUrl, EventKind, NewEvent, RegistryStore, SyncStore};

    /// A database file in a fresh temporary directory; the directory is removed when the returned
    /// guard is dropped, so the caller holds it until the store is gone.
    fn temp_db(what: &str) -> (tempfile::TempDir, PathBuf) {
        let dir =
            tempfile::Builder::new().prefix(&format!("shimin-sqlite-{what}-")).tempdir().expect("temp dir");
        let path = dir.path().join("store.db");
        (dir, path)
    }

    fn person(n: u32) -> CitizenRecord {
        CitizenRecord {
            id_number: format!("11010519491231{n:04}"),
            name: "测试".into(),
            ethnicity: 1,
            address: "某街1号".into(),
            household_number: None,
            relation: "01".into(),
            photo: None,
        }
    }

    fn note(n: u32) -> NewEvent {
        NewEvent {
            citizen_id_number: person(n).id_number,
            device_id: None,
            kind: EventKind::Notification,
            certificate_id: None,
            status: None,
            message: None,
            created_at: 1,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reads_run_on_read_only_connections_while_the_writer_is_busy() {
        let (_dir, path) = temp_db("readers");
        let store = SqliteStore::open_with(&path, SqliteOptions { readers: 3, ..SqliteOptions::default() })
            .expect("open");
        assert_eq!(store.reader_count(), 3);
        store.insert_citizens(vec![person(1)]).await.expect("insert");

        // Keep the writer busy until told to stop, and wait until it is: otherwise the write
        // below could reach the writer first on a loaded machine.
        let (release, released) = std::sync::mpsc::channel::<()>();
        let (started, is_busy) = std::sync::mpsc::channel::<()>();
        let writer = Arc::clone(&store.writer);
        let busy = tokio::spawn(async move {
            writer
                .run(move |_| {
                    let _ = started.send(());
                    released.recv().map_err(|_| StoreError::Task)
                })
                .await
        });
        tokio::task::spawn_blocking(move || is_busy.recv_timeout(Duration::from_secs(10)))
            .await
            .expect("join")
            .expect("the writer takes the busy job");
        let read = tokio::time::timeout(Duration::from_secs(10), store.citizen(&person(1).id_number))
            .await
            .expect("a read does not wait for the writer")
            .expect("read");
        assert_eq!(read, Some(person(1)));
        let write = tokio::time::timeout(Duration::from_millis(100), store.append_event(note(1))).await;
        assert!(write.is_err(), "a write waits for the writer");
        release.send(()).expect("release");
        busy.await.expect("join").expect("the busy job");
        store.append_event(note(2)).await.expect("the writer is free again");

        let readers = store.readers.clone().expect("readers");
        let refused = readers.run(|c| Ok(c.execute("DELETE FROM citizen", [])?)).await;
        assert!(
            matches!(&refused, Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)))
                if f.code == rusqlite::ErrorCode::ReadOnly),
            "readers are read-only: {refused:?}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_read_sees_every_write_that_finished_before_it() {
        let (_dir, path) = temp_db("visibility");
        let store = SqliteStore::open_with(&path, SqliteOptions { readers: 2, ..SqliteOptions::default() })
            .expect("open");
        let tasks: Vec<_> = (0..64)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    store.insert_citizens(vec![person(n)]).await.expect("insert");
                    assert_eq!(store.citizen(&person(n).id_number).await.expect("read"), Some(person(n)));
                    store.append_event(note(n)).await.expect("event");
                    let events = store.events(&person(n).id_number, 0, 0, 10).await.expect("events");
                    assert_eq!(events.len(), 1);
                })
            })
            .collect();
        for t in tasks {
            t.await.expect("task");
        }
        assert_eq!(store.count_citizens().await.expect("count"), 64);
    }

    /// Issue 15 (Low): what the writer commits survives a power loss. Pulling the power cannot
    /// be done in a test; what can be checked is that every commit is synced before it returns.
    #[tokio::test]
    async fn every_write_is_synced_before_it_is_answered() {
        let (_dir, path) = temp_db("synchronous");
        let store = SqliteStore::open(&path).expect("open");
        let (journal, synchronous): (String, i64) = store
            .tx(|tx| {
                let journal = tx.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
                Ok((journal, tx.pragma_query_value(None, "synchronous", |r| r.get(0))?))
            })
            .await
            .expect("pragmas");
        assert_eq!((journal.as_str(), synchronous), ("wal", 2), "WAL with synchronous = FULL (2)");
    }

    #[tokio::test]
    async fn a_job_that_panics_gives_its_connection_back() {
        let (_dir, path) = temp_db("panic");
        let store = SqliteStore::open_with(&path, SqliteOptions { readers: 1, ..SqliteOptions::default() })
            .expect("open");
        let readers = store.readers.clone().expect("readers");
        let failed = readers.run(|_| -> Result<(), StoreError> { panic!("a bug in a job") }).await;
        assert!(matches!(failed, Err(StoreError::Task)));
        assert_eq!(store.count_citizens().await.expect("the one reader still serves"), 0);
    }

    #[tokio::test]
    async fn an_in_memory_database_reads_through_its_writer() {
        let store = SqliteStore::open_in_memory().expect("open");
        assert_eq!(store.reader_count(), 0, "other connections would see another, empty database");
        store.insert_citizens(vec![person(1)]).await.expect("insert");
        assert_eq!(store.citizen(&person(1).id_number).await.expect("read"), Some(person(1)));

        // The same through the URL the server takes.
        let store = "sqlite://:memory:".parse::<DatabaseUrl>().expect("url").open().await.expect("open");
        assert_eq!(store.count_citizens().await.expect("count"), 0);
        store.insert_citizens(vec![person(1), person(2)]).await.expect("insert");
        assert_eq!(store.count_citizens().await.expect("count"), 2);
        assert_eq!(store.citizen(&person(2).id_number).await.expect("read"), Some(person(2)));
    }

    #[tokio::test]
    async fn without_readers_the_writer_serves_reads() {
        let (_dir, path) = temp_db("no-readers");
        let store = SqliteStore::open_with(&path, SqliteOptions { readers: 0, ..SqliteOptions::default() })
            .expect("open");
        assert_eq!(store.reader_count(), 0);
        store.insert_citizens(vec![person(1)]).await.expect("insert");
        assert_eq!(store.count_citizens().await.expect("count"), 1);
    }

    /// Migration 013 rebuilds `staff` (SQLite cannot widen a CHECK in place): the accounts keep
    /// their ids, what points at them still does, and the new role is accepted.
    #[test]
    fn the_staff_table_rebuilt_by_013_keeps_its_rows_and_what_points_at_them() {
        let mut conn = Connection::open_in_memory().expect("open");
        conn.pragma_update(None, "foreign_keys", true).expect("foreign keys");
        for sql in &MIGRATIONS[..12] {
            conn.execute_batch(sql).expect("migration before 013");
        }
        conn.pragma_update(None, "user_version", 12).expect("version");
        conn.execute_batch(
            "INSERT INTO department (code, name, allowed_types) VALUES ('111101050000000017', 'p', '');
             INSERT INTO staff (login, department_code, role, password_salt, password_hash)
                 VALUES ('a', '111101050000000017', 'issuer', x'00', x'00'),
                        ('b', '111101050000000017', 'reviewer', x'00', x'00');
             INSERT INTO staff_login_failure (staff_id, failures, locked_until) VALUES (2, 3, NULL);",
        )
        .expect("rows before 013");
        migrate(&mut conn).expect("013");
        let rows: Vec<(i64, String, String)> = conn
            .prepare("SELECT id, login, role FROM staff ORDER BY id")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(rows, vec![(1, "a".into(), "issuer".into()), (2, "b".into(), "reviewer".into())]);
        let broken: i64 =
            conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).expect("check");
        assert_eq!(broken, 0);
        conn.execute(
            "INSERT INTO staff (login, department_code, role, password_salt, password_hash) \
             VALUES ('c', '111101050000000017', 'administrator', x'00', x'00')",
            [],
        )
        .expect("the new role");
        let id: i64 = conn.query_row("SELECT id FROM staff WHERE login = 'c'", [], |r| r.get(0)).expect("id");
        assert_eq!(id, 3, "ids go on from where they were");
        assert!(
            conn.execute("INSERT INTO staff_login_failure VALUES (9, 1, NULL)", []).is_err(),
            "still enforced"
        );
        assert!(
            conn.execute(
                "INSERT INTO staff (login, department_code, role, password_salt, password_hash) \
                 VALUES ('d', '111101050000000017', 'root', x'00', x'00')",
                [],
            )
            .is_err(),
            "no other role"
        );
    }

    #[test]
    fn migrating_twice_changes_nothing() {
        let mut conn = Connection::open_in_memory().expect("open");
        migrate(&mut conn).expect("first");
        migrate(&mut conn).expect("second");
        let v: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0)).expect("pragma");
        assert_eq!(v, MIGRATIONS.len());
    }
}
