//! The wrong PINs offered in a row (`core::wallet::pin::PinAttempts`), kept in
//! `pin-attempts.json` beside the wallet and not inside it: they are needed while the wallet is
//! locked, and they must outlive the app, or restarting it would reset the wait. A save is
//! written to a temporary file and renamed, so a crash never leaves half a file.
//!
//! What this stops is guessing at the app's own PIN screen. Someone who copies the data
//! directory can delete this file; what stands against that offline guessing is the cost of
//! each guess (PBKDF2, `shimin_store::keys`) and, where there is one, the platform key store.

use std::path::Path;

use shimin_core::wallet::pin::PinAttempts;

use super::AppError;

/// The attempts file in the data directory.
pub const ATTEMPTS_FILE: &str = "pin-attempts.json";

/// The count in `dir`. A missing file is no wrong PIN; a damaged one counts as the limit less
/// one, so that damaging the file never buys guesses.
pub fn load(dir: &Path) -> PinAttempts {
    match std::fs::read(dir.join(ATTEMPTS_FILE)) {
        Err(_) => PinAttempts::default(),
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or(PinAttempts {
            failures: shimin_core::wallet::pin::DEFAULT_WIPE_AFTER.saturating_sub(1),
            last_failure_at: 0,
        }),
    }
}

/// Saves the count in `dir`.
///
/// # Errors
/// [`AppError::Io`] when the file cannot be written.
pub fn save(dir: &Path, attempts: PinAttempts) -> Result<(), AppError> {
    let json = serde_json::to_vec(&attempts).map_err(|_| AppError::Internal("attempts JSON"))?;
    let tmp = dir.join(format!("{ATTEMPTS_FILE}.tmp"));
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, dir.join(ATTEMPTS_FILE))?;
    Ok(())
}

/// Forgets the count (a right PIN, or the wallet erased).
///
/// # Errors
/// [`AppError::Io`] when the file is there and cannot be removed.
pub fn clear(dir: &Path) -> Result<(), AppError> {
    match std::fs::remove_file(dir.join(ATTEMPTS_FILE)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e.into()),
    }
}
