//! The database: URL parsing, opening, and numbered migrations.

use std::path::PathBuf;
use std::str::FromStr;

use rusqlite::Connection;

/// Why the database could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL is not `sqlite://PATH`.
    #[error("unsupported database URL (expected sqlite://PATH)")]
    UnsupportedUrl,
    /// SQLite refused.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The directory for the database file could not be created.
    #[error("cannot create the database directory: {0}")]
    Io(#[from] std::io::Error),
}

/// A parsed database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file, created if missing.
    Sqlite(PathBuf),
}

impl FromStr for DatabaseUrl {
    type Err = DbError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.strip_prefix("sqlite://") {
            Some(path) if !path.is_empty() => Ok(DatabaseUrl::Sqlite(PathBuf::from(path))),
            _ => Err(DbError::UnsupportedUrl),
        }
    }
}

/// Migrations in order; `PRAGMA user_version` records how many have run.
const MIGRATIONS: &[&str] = &[include_str!("../migrations/sqlite/001_citizens.sql")];

impl DatabaseUrl {
    /// Opens (creating if needed) and migrates the database.
    ///
    /// # Errors
    /// When the file cannot be created or a migration fails.
    pub fn open(&self) -> Result<Connection, DbError> {
        let DatabaseUrl::Sqlite(path) = self;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(conn)
    }
}

/// Runs the migrations that have not run yet, one transaction each.
///
/// # Errors
/// When a migration fails; the database stays at the last one that succeeded.
pub fn migrate(conn: &mut Connection) -> Result<(), DbError> {
    let done: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_parsed_not_guessed() {
        assert_eq!(
            "sqlite://var/x.db".parse::<DatabaseUrl>().ok(),
            Some(DatabaseUrl::Sqlite("var/x.db".into()))
        );
        assert!("sqlite://".parse::<DatabaseUrl>().is_err());
        assert!("mysql://x".parse::<DatabaseUrl>().is_err());
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
