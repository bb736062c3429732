//! The database schema: numbered migrations applied in order, one transaction per step, with the
//! reached step recorded in `PRAGMA user_version`; and the settings every connection gets.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::StoreError;

/// The migrations, in order: step `n` (1-based) brings the database to `user_version = n`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("001_wallet", include_str!("../migrations/001_wallet.sql")),
    ("002_presentation_log", include_str!("../migrations/002_presentation_log.sql")),
    ("003_cached_lists", include_str!("../migrations/003_cached_lists.sql")),
    ("004_list_order", include_str!("../migrations/004_list_order.sql")),
    ("005_sync", include_str!("../migrations/005_sync.sql")),
    ("006_notices_acknowledged", include_str!("../migrations/006_notices_acknowledged.sql")),
    ("007_sealed_log_and_notifications", include_str!("../migrations/007_sealed_log_and_notifications.sql")),
    ("008_hall_marks", include_str!("../migrations/008_hall_marks.sql")),
    ("009_applications", include_str!("../migrations/009_applications.sql")),
];

/// The schema version this build writes: the number of migrations.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Opens (creating if needed) the database file at `path` with the store's settings: WAL
/// journal, foreign keys on, a busy timeout. Does not migrate; [`crate::Wallet`] does.
///
/// # Errors
/// [`StoreError::Sqlite`] when the file cannot be opened or configured.
pub fn open_file(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    configure(&conn)?;
    Ok(conn)
}

/// A private in-memory database with the store's settings (WAL does not apply in memory).
///
/// # Errors
/// [`StoreError::Sqlite`] when SQLite cannot be initialised.
pub fn open_in_memory() -> Result<Connection, StoreError> {
    let conn = Connection::open_in_memory()?;
    configure(&conn)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    // Answers the mode in effect: "wal" for files, "memory" for in-memory databases.
    let _mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(())
}

/// The schema version recorded in the database (`PRAGMA user_version`); 0 for a new file.
///
/// # Errors
/// [`StoreError::Sqlite`] when the pragma cannot be read, [`StoreError::CorruptRow`] for a
/// negative version.
pub fn user_version(conn: &Connection) -> Result<u32, StoreError> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    u32::try_from(version).map_err(|_| StoreError::CorruptRow { table: "pragma", column: "user_version" })
}

/// Brings the database to [`SCHEMA_VERSION`].
///
/// # Errors
/// As [`upgrade_to`].
pub fn upgrade(conn: &mut Connection) -> Result<(), StoreError> {
    upgrade_to(conn, SCHEMA_VERSION)
}

/// Applies the migrations after the database's version up to `target`, each in its own
/// transaction that also records the new version, so a failed or interrupted step leaves the
/// database at the previous version. Exposed so tests and tools can build an older schema.
///
/// # Errors
/// [`StoreError::SchemaTooNew`] when the database was written by a newer build (or `target` is
/// beyond this build), [`StoreError::Sqlite`] when a step fails.
pub fn upgrade_to(conn: &mut Connection, target: u32) -> Result<(), StoreError> {
    upgrade_with(conn, MIGRATIONS, target)
}

/// Applies `migrations` (step `n` brings the database to `user_version = n`) after the
/// database's version up to `target`, each in its own transaction that also records the new
/// version: the one discipline of every database file of the app.
///
/// # Errors
/// [`StoreError::SchemaTooNew`] when the database was written by a newer build (or `target` is
/// beyond `migrations`), [`StoreError::Sqlite`] when a step fails.
pub fn upgrade_with(
    conn: &mut Connection,
    migrations: &[(&str, &str)],
    target: u32,
) -> Result<(), StoreError> {
    let supported = u32::try_from(migrations.len()).unwrap_or(u32::MAX);
    if target > supported {
        return Err(StoreError::SchemaTooNew { found: target, supported });
    }
    loop {
        // IMMEDIATE takes the write lock first, so two processes cannot run the same step.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = user_version(&tx)?;
        if current > supported {
            return Err(StoreError::SchemaTooNew { found: current, supported });
        }
        if current >= target {
            return Ok(());
        }
        let Some((_name, sql)) = migrations.get(current as usize) else {
            return Err(StoreError::SchemaTooNew { found: current, supported });
        };
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", current + 1)?;
        tx.commit()?;
    }
}

/// Every object of the schema as `(type, name, sql)`, sorted: what "this database has the same
/// schema as that one" compares (a migrated database against a fresh one).
///
/// # Errors
/// A database error.
pub fn schema_snapshot(conn: &Connection) -> Result<Vec<(String, String, Option<String>)>, StoreError> {
    let mut stmt = conn.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    Ok(rows)
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn schema_of(conn: &Connection) -> Vec<(String, String, Option<String>)> {
        schema_snapshot(conn).expect("schema")
    }

    #[test]
    fn migration_names_are_numbered_in_order() {
        for (i, (name, sql)) in MIGRATIONS.iter().enumerate() {
            assert!(name.starts_with(&format!("{:03}_", i + 1)), "{name}");
            assert!(!sql.trim().is_empty(), "{name}");
        }
    }

    #[test]
    fn each_step_records_its_version_and_upgrading_is_idempotent() {
        let mut conn = open_in_memory().expect("db");
        assert_eq!(user_version(&conn).expect("version"), 0);
        for step in 1..=SCHEMA_VERSION {
            upgrade_to(&mut conn, step).expect("step");
            assert_eq!(user_version(&conn).expect("version"), step);
        }
        let before = schema_of(&conn);
        upgrade(&mut conn).expect("again");
        assert_eq!(schema_of(&conn), before);
    }

    #[test]
    fn a_database_from_a_newer_build_is_refused() {
        let mut conn = open_in_memory().expect("db");
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).expect("set");
        assert!(matches!(upgrade(&mut conn), Err(StoreError::SchemaTooNew { .. })));
        assert!(matches!(upgrade_to(&mut conn, SCHEMA_VERSION + 1), Err(StoreError::SchemaTooNew { .. })));
    }

    #[test]
    fn a_failing_step_leaves_the_previous_version() {
        let mut conn = open_in_memory().expect("db");
        upgrade_to(&mut conn, 1).expect("step 1");
        // Make step 2 fail half-way: its table name is already taken.
        conn.execute_batch("CREATE TABLE presentations (x INTEGER)").expect("squat");
        assert!(upgrade(&mut conn).is_err());
        assert_eq!(user_version(&conn).expect("version"), 1);
    }
}
