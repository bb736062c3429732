//! `shimin present` (the demo holder shows a certificate) and `shimin verify` (an offline
//! verifier with files for its cached lists).

use std::path::{Path, PathBuf};

use shimin_core::crypto::VerifyingKey;
use shimin_core::present::{Presentation, Preset};
use shimin_core::verifier::{Outcome, Verdict};
use shimin_core::wallet::{Lists, SignedListsError};

use crate::dev_issuer::DevDir;
use crate::{Exit, holder_copy, read};

/// `shimin present`: signs a presentation of the certificate in `cert` with the demo device key
/// at `now`; writes the QR code to `png` if asked. Returns the `SM1:` text.
pub fn present(
    dir: &DevDir,
    cert: &Path,
    preset: &Preset,
    now: i64,
    png: Option<&Path>,
) -> Result<String, Exit> {
    let issued = holder_copy::decode(&read(cert)?)
        .map_err(|_| Exit(3, format!("{} is not a holder's certificate file", cert.display())))?;
    let device_key = dir.key("device")?;
    let signed = Presentation::new(&issued)
        .map_err(|e| Exit(3, format!("{}: {e}", cert.display())))?
        .disclose(preset)
        .map_err(|e| Exit(1, format!("cannot disclose: {e}")))?
        .sign(&device_key, now)
        .map_err(|e| Exit(1, format!("cannot sign the presentation: {e}")))?;
    if let Some(png) = png {
        let bytes = signed
            .to_qr()
            .and_then(|qr| qr.to_png(4))
            .map_err(|e| Exit(1, format!("cannot draw the QR code: {e}")))?;
        std::fs::write(png, bytes).map_err(|e| Exit(3, format!("cannot write {}: {e}", png.display())))?;
    }
    Ok(signed.text().to_owned())
}

/// What `shimin verify` is given.
pub struct VerifyRequest {
    pub trust: PathBuf,
    pub root_key: PathBuf,
    pub status: Vec<PathBuf>,
    pub fetched_at: Option<i64>,
    pub text: Option<String>,
    pub image: Option<PathBuf>,
}

/// When a file was fetched: `--fetched-at`, else its modification time.
fn fetched_at(path: &Path, given: Option<i64>) -> Result<i64, Exit> {
    if let Some(at) = given {
        return Ok(at);
    }
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map_err(|e| Exit(3, format!("cannot read the time of {}: {e}", path.display())))?;
    let secs = match modified.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    };
    Ok(secs)
}

/// `shimin verify`: the verdict, and the exit code it maps to (0 valid, 4 warning, 1 invalid).
/// The files are the lists a verifier caches, checked by the same rules as the app's
/// (`shimin_core::wallet::Lists`).
pub fn verify(req: &VerifyRequest, now: i64) -> Result<(Verdict, u8), Exit> {
    let root = VerifyingKey::p256_from_sec1(&read(&req.root_key)?)
        .map_err(|_| Exit(3, format!("{} is not a P-256 public key (SEC1)", req.root_key.display())))?;
    let trust = read(&req.trust)?;
    let status = req
        .status
        .iter()
        .map(|path| Ok((read(path)?, fetched_at(path, req.fetched_at)?)))
        .collect::<Result<Vec<_>, Exit>>()?;
    let lists = Lists::from_signed(&root, (&trust, fetched_at(&req.trust, req.fetched_at)?), &status)
        .map_err(|e| match e {
            SignedListsError::TrustList => {
                Exit(3, format!("trust list {} refused with this root key: {e}", req.trust.display()))
            }
            SignedListsError::StatusList { index } => Exit(
                3,
                format!(
                    "status list {} is not signed by a key on the trust list",
                    req.status.get(index).map_or_else(String::new, |p| p.display().to_string())
                ),
            ),
        })?;
    let verifier = lists.verifier().ok_or_else(|| Exit(3, "no trust list".into()))?;
    let verdict = match (&req.text, &req.image) {
        (Some(text), _) => verifier.verify_text(text, now),
        (None, Some(image)) => verifier.verify_image(&read(image)?, now),
        (None, None) => return Err(Exit(2, "give --text or an image".into())),
    };
    let code = match verdict.outcome {
        Outcome::Valid => 0,
        Outcome::Invalid => 1,
        Outcome::Warning => 4,
    };
    Ok((verdict, code))
}
