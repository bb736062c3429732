//! The presentation log: every presentation the holder made — when, which certificate, which
//! preset and the *names* of the attributes disclosed (never their values) — for the holder to
//! read and export.
//!
//! The export is JSON Lines (one JSON object per line, UTF-8, `\n`-terminated), oldest first:
//!
//! ```text
//! {"presented_at":1717200000,"presented_at_utc":"2024-06-01T00:00:00Z","certificate_id":"1.2.156.3005.2.…","preset":"identity","disclosed":["name","id_number_masked","photo"]}
//! ```

use std::io::Write;

use rusqlite::{Connection, OptionalExtension, params};
use shimin_core::cert::CertificateId;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::StoreError;
use crate::wallet::Wallet;

const TABLE: &str = "presentations";

/// One presentation the holder made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresentationRecord {
    /// When (Unix seconds).
    pub presented_at: i64,
    /// The certificate shown (exact version).
    pub certificate_id: CertificateId,
    /// The preset used, e.g. `identity`, `age_over_18`, `full`.
    pub preset: String,
    /// The names of the disclosed attributes.
    pub disclosed: Vec<String>,
}

/// One line of the export.
#[derive(serde::Serialize)]
struct ExportLine<'a> {
    presented_at: i64,
    presented_at_utc: String,
    certificate_id: String,
    preset: &'a str,
    disclosed: &'a [String],
}

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

    /// Writes the log to `out` as JSON Lines (see the module documentation) and returns the
    /// number of lines.
    ///
    /// # Errors
    /// [`StoreError::Io`] when writing fails, or as [`Wallet::presentation_log`].
    pub fn export_presentation_log(&self, out: &mut dyn Write) -> Result<usize, StoreError> {
        let log = self.presentation_log()?;
        for record in &log {
            let utc = OffsetDateTime::from_unix_timestamp(record.presented_at)
                .ok()
                .and_then(|t| t.format(&Rfc3339).ok())
                .ok_or(StoreError::CorruptRow { table: TABLE, column: "presented_at" })?;
            let line = ExportLine {
                presented_at: record.presented_at,
                presented_at_utc: utc,
                certificate_id: record.certificate_id.to_string(),
                preset: &record.preset,
                disclosed: &record.disclosed,
            };
            serde_json::to_writer(&mut *out, &line).map_err(|_| StoreError::Encode("log"))?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        Ok(log.len())
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
