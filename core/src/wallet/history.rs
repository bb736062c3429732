//! The presentation log: what the holder showed, newest first on screen, and its export.
//!
//! The export is JSON Lines (one JSON object per line, UTF-8, `\n`-terminated), oldest first,
//! with the names of the disclosed attributes and never their values:
//!
//! ```text
//! {"presented_at":1717200000,"presented_at_utc":"2024-06-01T00:00:00Z","certificate_id":"1.2.156.3005.2.…","preset":"identity","disclosed":["name","id_number_masked","photo"]}
//! ```

use std::io::Write;

use shimin_wire::wallet::HistoryEntryView;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::error::WalletError;
use super::store::WalletStore;
use crate::views;

/// One line of the export.
#[derive(serde::Serialize)]
struct ExportLine<'a> {
    presented_at: i64,
    presented_at_utc: String,
    certificate_id: String,
    preset: &'a str,
    disclosed: &'a [String],
}

/// The log, newest first.
///
/// # Errors
/// [`WalletError::Store`] for a damaged log.
pub fn entries<S: WalletStore + ?Sized>(store: &S) -> Result<Vec<HistoryEntryView>, WalletError> {
    Ok(store.presentation_log()?.iter().rev().map(views::history_entry_view).collect())
}

/// The name of the export file written at `now`.
pub fn export_file_name(now: i64) -> String {
    format!("shimin-presentations-{now}.jsonl")
}

/// Writes the log to `out` as JSON Lines (see the module documentation) and returns the number
/// of lines.
///
/// # Errors
/// [`WalletError::Io`] when writing fails; [`WalletError::Store`] for a damaged log.
pub fn export<S: WalletStore + ?Sized>(store: &S, out: &mut dyn Write) -> Result<usize, WalletError> {
    let log = store.presentation_log()?;
    for record in &log {
        let utc = OffsetDateTime::from_unix_timestamp(record.presented_at)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
            .ok_or(WalletError::Internal("a logged time is out of range"))?;
        let line = ExportLine {
            presented_at: record.presented_at,
            presented_at_utc: utc,
            certificate_id: record.certificate_id.to_string(),
            preset: &record.preset,
            disclosed: &record.disclosed,
        };
        serde_json::to_writer(&mut *out, &line).map_err(|_| WalletError::Internal("export line"))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(log.len())
}
