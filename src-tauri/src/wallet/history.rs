//! The presentation log: what the holder showed, and its export as JSON Lines.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use shimin_core::cert::CertificateType;
use shimin_core::views;
use shimin_store::Wallet;
use shimin_wire::wallet::{ExportView, HistoryEntryView};

use super::AppError;

/// The log, newest first.
///
/// # Errors
/// [`AppError::Store`] for a damaged log.
pub fn entries(wallet: &Wallet) -> Result<Vec<HistoryEntryView>, AppError> {
    Ok(wallet
        .presentation_log()?
        .into_iter()
        .rev()
        .map(|r| HistoryEntryView {
            presented_at: views::time_text(r.presented_at),
            type_slug: CertificateType::from_type_code(r.certificate_id.type_code())
                .map(|t| t.slug().to_owned()),
            certificate_id: r.certificate_id.to_string(),
            preset: r.preset,
            disclosed: r.disclosed,
        })
        .collect())
}

/// Writes the log to a new file in `dir` and says where.
///
/// # Errors
/// [`AppError::Io`] when the file cannot be written.
pub fn export(wallet: &Wallet, dir: &Path, now: i64) -> Result<ExportView, AppError> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("shimin-presentations-{now}.jsonl"));
    let mut out = BufWriter::new(File::create(&path)?);
    let lines = shimin_core::wallet::history::export(wallet, &mut out).map_err(|e| match e {
        shimin_core::wallet::WalletError::Io(io) => AppError::Io(io),
        _ => AppError::Internal("the presentation log could not be exported"),
    })?;
    Ok(ExportView { path: path.display().to_string(), lines })
}
