//! The presentation log: every presentation the holder made — when, which certificate, which
//! preset and the *names* of the attributes disclosed (never their values). Its export is a use
//! case of `shimin_core::wallet::history`.
//!
//! Each entry is sealed whole under the data key, bound to its sequence number: a copy of the
//! file tells only how many presentations were made, not what was shown, nor when. Reading the
//! log opens every entry and orders them in memory (5,000 entries in about 0.1 s here, in a
//! debug build).

use rusqlite::{Connection, OptionalExtension};
use shimin_core::cert::CertificateId;
use shimin_core::wallet::PresentationRecord;

use crate::error::StoreError;
use crate::keys::DataKey;
use crate::sealed::Sealed;
use crate::sealed_rows::{Entry, append};
use crate::wallet::Wallet;

const TABLE: &str = "presentations";

impl Wallet {
    /// Appends `record` to the log.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the certificate is not in the wallet.
    pub fn log_presentation(&mut self, record: &PresentationRecord) -> Result<(), StoreError> {
        let entry = Entry {
            presented_at: record.presented_at,
            certificate_id: record.certificate_id.to_string(),
            preset: record.preset.clone(),
            disclosed: record.disclosed.clone(),
        };
        let tx = self.conn.transaction()?;
        let known = tx
            .query_row("SELECT 1 FROM certificates WHERE id = ?1", [&entry.certificate_id], |_| Ok(()))
            .optional()?
            .is_some();
        if !known {
            return Err(StoreError::NotFound);
        }
        append(&tx, &self.data_key, None, &entry)?;
        tx.commit()?;
        Ok(())
    }

    /// The whole log, oldest first (entries of the same second in the order they were logged).
    ///
    /// # Errors
    /// [`StoreError::Undecryptable`] or [`StoreError::CorruptRow`] for a damaged row.
    pub fn presentation_log(&self) -> Result<Vec<PresentationRecord>, StoreError> {
        read_log(&self.conn, &self.data_key)
    }
}

/// The log, oldest first.
fn read_log(conn: &Connection, key: &DataKey) -> Result<Vec<PresentationRecord>, StoreError> {
    let mut stmt = conn.prepare("SELECT seq, sealed FROM presentations ORDER BY seq")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut log = rows
        .into_iter()
        .map(|(seq, sealed)| {
            let plaintext = key.open(Sealed::Presentation, &seq.to_string(), &sealed)?;
            let entry: Entry = serde_json::from_slice(plaintext.expose())
                .map_err(|_| StoreError::CorruptRow { table: TABLE, column: "sealed" })?;
            let certificate_id = CertificateId::parse(&entry.certificate_id)
                .map_err(|_| StoreError::CorruptRow { table: TABLE, column: "sealed" })?;
            Ok(PresentationRecord {
                presented_at: entry.presented_at,
                certificate_id,
                preset: entry.preset,
                disclosed: entry.disclosed,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    // Stable: entries of the same second keep their sequence order.
    log.sort_by_key(|r| r.presented_at);
    Ok(log)
}
