//! The presentation log: every presentation the holder made — when, which certificate, which
//! preset and the *names* of the attributes disclosed (never their values). Its export is a use
//! case of `shimin_core::wallet::history`.

use rusqlite::{Connection, OptionalExtension, params};
use shimin_core::cert::CertificateId;
use shimin_core::wallet::PresentationRecord;

use crate::error::StoreError;
use crate::wallet::Wallet;

const TABLE: &str = "presentations";

impl Wallet {
    /// Appends `record` to the log.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the certificate is not in the wallet.
    pub fn log_presentation(&mut self, record: &PresentationRecord) -> Result<(), StoreError> {
        let disclosed = serde_json::to_string(&record.disclosed).map_err(|_| StoreError::Encode("log"))?;
        let id = record.certificate_id.to_string();
        let tx = self.conn.transaction()?;
        let known =
            tx.query_row("SELECT 1 FROM certificates WHERE id = ?1", [&id], |_| Ok(())).optional()?.is_some();
        if !known {
            return Err(StoreError::NotFound);
        }
        tx.execute(
            "INSERT INTO presentations (presented_at, certificate_id, preset, disclosed)
             VALUES (?1, ?2, ?3, ?4)",
            params![record.presented_at, id, record.preset, disclosed],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The whole log, oldest first.
    ///
    /// # Errors
    /// [`StoreError::CorruptRow`] for a row that does not parse.
    pub fn presentation_log(&self) -> Result<Vec<PresentationRecord>, StoreError> {
        read_log(&self.conn)
    }
}

/// The log, oldest first; needs no key (it holds no values).
fn read_log(conn: &Connection) -> Result<Vec<PresentationRecord>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT presented_at, certificate_id, preset, disclosed FROM presentations
         ORDER BY presented_at, seq",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(presented_at, id, preset, disclosed)| {
            let certificate_id = CertificateId::parse(&id)
                .map_err(|_| StoreError::CorruptRow { table: TABLE, column: "certificate_id" })?;
            let disclosed = serde_json::from_str(&disclosed)
                .map_err(|_| StoreError::CorruptRow { table: TABLE, column: "disclosed" })?;
            Ok(PresentationRecord { presented_at, certificate_id, preset, disclosed })
        })
        .collect()
}
