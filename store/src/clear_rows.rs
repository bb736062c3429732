//! Sealing what a build before migration 007 kept in clear: the presentation log and the
//! notification texts.
//!
//! Why at unlock and not in the migration: migrations run before the data key is unwrapped —
//! [`crate::Wallet::open`] migrates first so that it can read the key material of any version,
//! and a wrong PIN migrates too — so migration 007 can only set the clear tables aside
//! (`presentations_clear`, `notifications_clear`). The first unlock that has the key seals their
//! rows into the new tables and drops the old ones in one transaction, so a crash leaves either
//! the clear rows or the sealed ones, never both nor neither.
//!
//! Dropping a table leaves its bytes in the file's free pages and in the WAL's old frames, so
//! the transaction runs with `secure_delete` (freed pages are overwritten with zeros), and after
//! it the file is rewritten from the live rows (`VACUUM`) and the WAL folded back and truncated,
//! as the backend's migration 011 does for private keys.

use std::thread;
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::StoreError;
use crate::keys::DataKey;
use crate::sealed_rows::{Entry, append, insert_notification};
use shimin_core::wallet::NotificationRecord;

/// How often, and how long apart, the final checkpoint is tried while another connection reads.
/// Past that the clear frames are overwritten by later checkpoints, and the WAL is deleted when
/// the last connection closes.
const CHECKPOINT_TRIES: u32 = 20;
const CHECKPOINT_PAUSE: Duration = Duration::from_millis(50);

/// Seals the rows of the clear tables, if there still are any tables, into the sealed ones, drops
/// the clear tables and rewrites the file. Does nothing on a wallet already sealed (or new).
///
/// # Errors
/// [`StoreError::CorruptRow`] for a clear row that does not parse (nothing is changed), crypto or
/// database errors.
pub(crate) fn seal(conn: &mut Connection, key: &DataKey) -> Result<(), StoreError> {
    if !has_table(conn, "presentations_clear")? && !has_table(conn, "notifications_clear")? {
        return Ok(());
    }
    let secure_delete: i64 = conn.pragma_query_value(None, "secure_delete", |r| r.get(0))?;
    conn.pragma_update(None, "secure_delete", true)?;
    let moved = move_rows(conn, key);
    conn.pragma_update(None, "secure_delete", secure_delete)?;
    moved?;
    conn.execute_batch("VACUUM")?;
    for _ in 0..CHECKPOINT_TRIES {
        let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy == 0 {
            break;
        }
        thread::sleep(CHECKPOINT_PAUSE);
    }
    Ok(())
}

fn move_rows(conn: &mut Connection, key: &DataKey) -> Result<(), StoreError> {
    // IMMEDIATE: a second process unlocking at the same moment waits, then finds nothing to do.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if has_table(&tx, "presentations_clear")? {
        let corrupt = |column| StoreError::CorruptRow { table: "presentations_clear", column };
        let rows = {
            let mut stmt = tx.prepare(
                "SELECT seq, presented_at, certificate_id, preset, disclosed FROM presentations_clear
                 ORDER BY seq",
            )?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get::<_, String>(4)?)))?
                .collect::<Result<Vec<(i64, i64, String, String, String)>, _>>()?
        };
        for (seq, presented_at, certificate_id, preset, disclosed) in rows {
            let disclosed = serde_json::from_str(&disclosed).map_err(|_| corrupt("disclosed"))?;
            let entry =
                Entry { presented_at, certificate_id, preset, disclosed, recipient: Default::default() };
            append(&tx, key, Some(seq), &entry)?;
        }
        tx.execute_batch("DROP TABLE presentations_clear")?;
    }
    if has_table(&tx, "notifications_clear")? {
        let rows = {
            let mut stmt = tx.prepare(
                "SELECT id, created_at, message, acknowledged FROM notifications_clear ORDER BY id",
            )?;
            stmt.query_map([], |r| {
                Ok((
                    NotificationRecord { id: r.get(0)?, created_at: r.get(1)?, message: r.get(2)? },
                    r.get(3)?,
                ))
            })?
            .collect::<Result<Vec<(NotificationRecord, bool)>, _>>()?
        };
        for (notification, acknowledged) in &rows {
            insert_notification(&tx, key, notification, *acknowledged)?;
        }
        tx.execute_batch("DROP TABLE notifications_clear")?;
    }
    tx.commit()?;
    Ok(())
}

fn has_table(conn: &Connection, name: &str) -> Result<bool, StoreError> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [name],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}
