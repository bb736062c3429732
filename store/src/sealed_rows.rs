//! The rows sealed under the data key that more than one path writes: a presentation-log entry
//! and a notification. The wallet writes them as it goes; the first unlock after the upgrade to
//! schema 7 writes them from an older build's clear rows (`clear_rows`). Kept apart from the
//! [`crate::wallet::Wallet`] methods so that the wallet's opening can seal old rows without the
//! modules that extend the wallet.

use rusqlite::{Transaction, params};
use serde::{Deserialize, Serialize};
use shimin_core::wallet::{NotificationRecord, Recipient};

use crate::error::StoreError;
use crate::keys::DataKey;
use crate::sealed::Sealed;

/// What is sealed for one entry: [`PresentationRecord`] with the identifier as text. An entry
/// sealed before the recipient was kept has none, and reads as shown to a scanner (which is all
/// the wallet could do then).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub(crate) presented_at: i64,
    pub(crate) certificate_id: String,
    pub(crate) preset: String,
    pub(crate) disclosed: Vec<String>,
    #[serde(default)]
    pub(crate) recipient: Recipient,
}

/// Seals `entry` into a new row: numbered `seq` when given (an entry of an older build keeps its
/// number), else the next number. The number is only known once the row exists, so the row is
/// inserted empty and sealed in the same transaction.
pub(crate) fn append(
    tx: &Transaction<'_>,
    key: &DataKey,
    seq: Option<i64>,
    entry: &Entry,
) -> Result<(), StoreError> {
    let plaintext = serde_json::to_vec(entry).map_err(|_| StoreError::Encode("log"))?;
    tx.execute("INSERT INTO presentations (seq, sealed) VALUES (?1, x'')", [seq])?;
    let seq = tx.last_insert_rowid();
    let sealed = key.seal(Sealed::Presentation, &seq.to_string(), &plaintext)?;
    tx.execute("UPDATE presentations SET sealed = ?1 WHERE seq = ?2", params![sealed, seq])?;
    Ok(())
}

/// Stores `n` with its text sealed under `key`, bound to its number; a number already stored
/// (a page pulled twice) is kept as it is.
pub(crate) fn insert_notification(
    tx: &Transaction<'_>,
    key: &DataKey,
    n: &NotificationRecord,
    acknowledged: bool,
) -> Result<(), StoreError> {
    let sealed = key.seal(Sealed::Notification, &n.id.to_string(), n.message.as_bytes())?;
    tx.execute(
        "INSERT INTO notifications (id, created_at, acknowledged, sealed) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO NOTHING",
        params![n.id, n.created_at, acknowledged, sealed],
    )?;
    Ok(())
}
