//! EU Digital COVID Certificates ("HC1"): the second format our decoding stack verifies.
//!
//! An HC1 text is `HC1:` + Base45(zlib(COSE_Sign1(CWT))), where the CWT carries the certificate
//! under claim -260 (`hcert`), key 1. [`verify_hc1`] runs the steps of the EU DCC test suite in
//! order and reports each as passed, failed or not reached:
//!
//! 1. `unprefix` — the `HC1:` context identifier;
//! 2. `b45_decode` — Base45 (RFC 9285);
//! 3. `compression` — zlib;
//! 4. `decode` — the COSE_Sign1 structure and a CWT with an `hcert` claim;
//! 5. `verify` — the signature, with the key of the signer certificate whose key id (first 8
//!    bytes of the SHA-256 of its DER) the message names;
//! 6. `expiration_check` — `iat` and `exp` against an explicit `now`;
//! 7. `key_usage` — the signer certificate's extended key usage allows the certificate's type.
//!
//! Steps 1–5 each need the one before. Steps 6 and 7 both need a verified payload but not each
//! other, so an expired certificate still gets its key usage checked. `picture_decode` (reading
//! the QR image) happens elsewhere and is left `None` here.

mod signer;

use crate::base45::{self, Base45Error};
use crate::cose::{ClaimsTimeError, CoseError, CwtClaims, Sign1, Value};

pub use signer::{CertificateType, SignerCertificate, SignerError, key_id_of};

/// The context identifier of an EU DCC text.
pub const PREFIX: &str = "HC1:";

/// The CWT claim that carries health certificates (`hcert`).
pub const HCERT_CLAIM: i64 = -260;

/// Largest decompressed size we accept. A QR code holds under 3 KB, so real certificates are far
/// below this; the limit stops a small "zip bomb" from taking the memory.
pub const MAX_DECOMPRESSED_LEN: usize = 256 * 1024;

/// Why a step of HC1 verification failed. Never carries personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DccError {
    /// The text does not start with `HC1:`.
    #[error("the text does not start with the HC1: context identifier")]
    MissingPrefix,
    /// The text after the prefix is not Base45.
    #[error("invalid Base45: {0}")]
    Base45(#[from] Base45Error),
    /// The data is not a complete, valid zlib stream.
    #[error("the data is not valid zlib")]
    Decompression,
    /// The data inflates to more than [`MAX_DECOMPRESSED_LEN`] bytes.
    #[error("the data inflates to more than the allowed size")]
    TooLarge,
    /// The COSE_Sign1 message or its CWT is malformed, or its signature does not verify.
    #[error("COSE: {0}")]
    Cose(#[from] CoseError),
    /// The CWT has no `hcert` claim holding a certificate under key 1.
    #[error("the CWT carries no health certificate")]
    MissingHcert,
    /// The signer certificate cannot be used.
    #[error("signer certificate: {0}")]
    Signer(#[from] SignerError),
    /// `now` is before `iat`, at or after `exp`, or one of them is missing.
    #[error("validity period: {0}")]
    Time(#[from] ClaimsTimeError),
    /// The certificate has no vaccination, test or recovery entry.
    #[error("the certificate has no vaccination, test or recovery entry")]
    NoEntry,
    /// The signer's extended key usage does not allow a type the certificate has.
    #[error("the signer may not sign {0:?} certificates")]
    KeyUsage(CertificateType),
}

/// One step of HC1 verification, as named in [`DccReport`], in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// `unprefix`.
    Unprefix,
    /// `b45_decode`.
    B45Decode,
    /// `compression`.
    Compression,
    /// `decode`.
    Decode,
    /// `verify`.
    Verify,
    /// `expiration_check`.
    ExpirationCheck,
    /// `key_usage`.
    KeyUsage,
}

/// The outcome of each step: `Some(true)` passed, `Some(false)` failed, `None` not reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DccReport {
    /// Reading the QR image into text (done by the QR module, not here).
    pub picture_decode: Option<bool>,
    /// The `HC1:` prefix.
    pub unprefix: Option<bool>,
    /// Base45 decoding.
    pub b45_decode: Option<bool>,
    /// zlib decompression.
    pub compression: Option<bool>,
    /// COSE_Sign1 / CWT / hcert structure.
    pub decode: Option<bool>,
    /// The signature with the signer certificate.
    pub verify: Option<bool>,
    /// `iat` and `exp` against the clock.
    pub expiration_check: Option<bool>,
    /// The signer's extended key usage against the certificate's type.
    pub key_usage: Option<bool>,
}

impl DccReport {
    /// The outcome of `step`.
    pub fn step(&self, step: Step) -> Option<bool> {
        match step {
            Step::Unprefix => self.unprefix,
            Step::B45Decode => self.b45_decode,
            Step::Compression => self.compression,
            Step::Decode => self.decode,
            Step::Verify => self.verify,
            Step::ExpirationCheck => self.expiration_check,
            Step::KeyUsage => self.key_usage,
        }
    }

    fn set(&mut self, step: Step, ok: bool) {
        let slot = match step {
            Step::Unprefix => &mut self.unprefix,
            Step::B45Decode => &mut self.b45_decode,
            Step::Compression => &mut self.compression,
            Step::Decode => &mut self.decode,
            Step::Verify => &mut self.verify,
            Step::ExpirationCheck => &mut self.expiration_check,
            Step::KeyUsage => &mut self.key_usage,
        };
        *slot = Some(ok);
    }

    /// Whether every step that ran passed and the certificate was verified, in date and allowed
    /// for its signer.
    pub fn is_valid(&self) -> bool {
        self.verify == Some(true) && self.expiration_check == Some(true) && self.key_usage == Some(true)
    }
}

/// A decoded (not yet verified) HC1 message.
#[derive(Debug, Clone)]
pub struct DecodedDcc {
    message: Sign1,
    claims: CwtClaims,
    types: Vec<CertificateType>,
}

impl DecodedDcc {
    /// The COSE_Sign1 message.
    pub fn message(&self) -> &Sign1 {
        &self.message
    }

    /// The CWT claims (before verification: do not trust them yet).
    pub fn unverified_claims(&self) -> &CwtClaims {
        &self.claims
    }

    /// The certificate types present (`v`, `t`, `r` arrays); a valid DCC has exactly one.
    pub fn certificate_types(&self) -> &[CertificateType] {
        &self.types
    }
}

/// Step 1: strips the `HC1:` prefix.
///
/// # Errors
/// [`DccError::MissingPrefix`].
pub fn unprefix(text: &str) -> Result<&str, DccError> {
    text.strip_prefix(PREFIX).ok_or(DccError::MissingPrefix)
}

/// Step 2: Base45-decodes the text after the prefix.
///
/// # Errors
/// [`DccError::Base45`].
pub fn b45_decode(text: &str) -> Result<Vec<u8>, DccError> {
    Ok(base45::decode(text)?)
}

/// Step 3: inflates the zlib stream, up to [`MAX_DECOMPRESSED_LEN`] bytes.
///
/// # Errors
/// [`DccError::Decompression`] for a broken or missing zlib stream, [`DccError::TooLarge`].
pub fn decompress(data: &[u8]) -> Result<Vec<u8>, DccError> {
    crate::zlib::inflate(data, MAX_DECOMPRESSED_LEN).map_err(|e| match e {
        crate::zlib::InflateError::Corrupt => DccError::Decompression,
        crate::zlib::InflateError::TooLarge { .. } => DccError::TooLarge,
    })
}

/// Step 4: decodes the COSE_Sign1 message, its CWT claims and the `hcert` claim.
///
/// # Errors
/// [`DccError::Cose`] for a malformed message or claims, [`DccError::MissingHcert`].
pub fn decode(cose: &[u8]) -> Result<DecodedDcc, DccError> {
    let message = Sign1::decode(cose)?;
    let claims = CwtClaims::from_slice(message.unverified_payload())?;
    let types = certificate_types(&claims)?;
    Ok(DecodedDcc { message, claims, types })
}

/// The value under integer `key` in a CBOR map.
fn map_get(map: &Value, key: i64) -> Option<&Value> {
    map.as_map()?
        .iter()
        .find(|(k, _)| k.as_integer().is_some_and(|i| i128::from(i) == i128::from(key)))
        .map(|(_, v)| v)
}

fn certificate_types(claims: &CwtClaims) -> Result<Vec<CertificateType>, DccError> {
    let hcert = claims.claim(HCERT_CLAIM).ok_or(DccError::MissingHcert)?;
    let certificate = map_get(hcert, 1).and_then(Value::as_map).ok_or(DccError::MissingHcert)?;
    let mut types = Vec::new();
    for (key, value) in certificate {
        let kind = match key.as_text() {
            Some("v") => CertificateType::Vaccination,
            Some("t") => CertificateType::Test,
            Some("r") => CertificateType::Recovery,
            _ => continue,
        };
        if value.as_array().is_some_and(|entries| !entries.is_empty()) && !types.contains(&kind) {
            types.push(kind);
        }
    }
    Ok(types)
}

/// Step 5: verifies the signature with `signer`, which must be the certificate the message's key
/// id names. Returns the verified claims.
///
/// # Errors
/// [`DccError::Cose`] with [`CoseError::UnknownKeyId`] when the key id is not `signer`'s,
/// [`CoseError::BadSignature`] and the like.
pub fn verify<'a>(decoded: &'a DecodedDcc, signer: &SignerCertificate) -> Result<&'a CwtClaims, DccError> {
    decoded.message.verify(b"", |kid| (kid == signer.key_id()).then(|| signer.verifying_key().clone()))?;
    Ok(&decoded.claims)
}

/// Step 6: the certificate was issued (`iat`) at or before `now` and has not expired (`exp`) before
/// it. Both claims are required. As in the EU DCC test suite and reference verifiers, `exp` itself
/// is still valid (`iat <= now <= exp`); fractions of a second are dropped.
///
/// # Errors
/// [`DccError::Time`].
pub fn expiration_check(claims: &CwtClaims, now: i64) -> Result<(), DccError> {
    let issued_at = claims.issued_at().ok_or(ClaimsTimeError::Missing("iat"))?;
    let expires_at = claims.expires_at().ok_or(ClaimsTimeError::Missing("exp"))?;
    if now < issued_at {
        return Err(ClaimsTimeError::NotYetValid.into());
    }
    if now > expires_at {
        return Err(ClaimsTimeError::Expired.into());
    }
    Ok(())
}

/// Step 7: `signer` may sign every type the certificate has.
///
/// # Errors
/// [`DccError::NoEntry`] for a certificate with no entry, [`DccError::KeyUsage`] naming the first
/// type not allowed.
pub fn key_usage(types: &[CertificateType], signer: &SignerCertificate) -> Result<(), DccError> {
    if types.is_empty() {
        return Err(DccError::NoEntry);
    }
    match types.iter().find(|kind| !signer.allows(**kind)) {
        Some(kind) => Err(DccError::KeyUsage(*kind)),
        None => Ok(()),
    }
}

/// Runs every step on an HC1 `text` with the DER `signer_certificate`, at `now` (Unix seconds).
pub fn verify_hc1(text: &str, signer_certificate: &[u8], now: i64) -> DccReport {
    verify_hc1_explained(text, signer_certificate, now).0
}

/// As [`verify_hc1`], with the reason for each failed step.
pub fn verify_hc1_explained(
    text: &str,
    signer_certificate: &[u8],
    now: i64,
) -> (DccReport, Vec<(Step, DccError)>) {
    let mut run = Run::default();
    run.all_steps(text, signer_certificate, now);
    (run.report, run.failures)
}

/// The record of one run of the steps.
#[derive(Default)]
struct Run {
    report: DccReport,
    failures: Vec<(Step, DccError)>,
}

impl Run {
    /// Records the outcome of `step` and hands on its value when it passed.
    fn record<T>(&mut self, step: Step, result: Result<T, DccError>) -> Option<T> {
        self.report.set(step, result.is_ok());
        result.map_err(|e| self.failures.push((step, e))).ok()
    }

    /// Runs the steps in order; `None` as soon as one that others need fails.
    fn all_steps(&mut self, text: &str, signer_certificate: &[u8], now: i64) -> Option<()> {
        let body = self.record(Step::Unprefix, unprefix(text))?;
        let compressed = self.record(Step::B45Decode, b45_decode(body))?;
        let cose = self.record(Step::Compression, decompress(&compressed))?;
        let decoded = self.record(Step::Decode, decode(&cose))?;
        let verified = SignerCertificate::from_der(signer_certificate)
            .map_err(DccError::from)
            .and_then(|signer| verify(&decoded, &signer).map(|claims| (signer, claims)));
        let (signer, claims) = self.record(Step::Verify, verified)?;
        self.record(Step::ExpirationCheck, expiration_check(claims, now));
        self.record(Step::KeyUsage, key_usage(decoded.certificate_types(), &signer));
        Some(())
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::cose;
    use crate::crypto::{SigningKey, SigningPurpose};

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).expect("compress");
        encoder.finish().expect("compress")
    }

    /// A signed CWT whose hcert claim holds `certificate` under key 1.
    fn signed_cwt(certificate: Option<Value>, iat: i64, exp: i64) -> Vec<u8> {
        let mut claims = CwtClaims::new().with_issuer("XX").with_issued_at(iat).with_expires_at(exp);
        if let Some(certificate) = certificate {
            claims = claims
                .with_private_claim(HCERT_CLAIM, Value::Map(vec![(Value::Integer(1.into()), certificate)]));
        }
        let key = SigningKey::generate_p256().expect("keygen");
        cose::sign_cwt(SigningPurpose::Certificate, &claims, b"kid", &key).expect("sign")
    }

    fn entries(kinds: &[&str]) -> Value {
        let mut map = vec![(Value::Text("ver".into()), Value::Text("1.3.0".into()))];
        for kind in kinds {
            map.push((Value::Text((*kind).into()), Value::Array(vec![Value::Map(vec![])])));
        }
        Value::Map(map)
    }

    #[test]
    fn only_the_exact_hc1_prefix_is_accepted() {
        assert_eq!(unprefix("HC1:6BF"), Ok("6BF"));
        for text in ["HC2:6BF", "hc1:6BF", "HL0:6BF", "6BF", ""] {
            assert_eq!(unprefix(text), Err(DccError::MissingPrefix), "{text}");
        }
    }

    #[test]
    fn decompression_round_trips_and_refuses_garbage_and_bombs() {
        assert_eq!(decompress(&zlib(b"certificate")).expect("inflate"), b"certificate");
        assert_eq!(decompress(b"\xd2\x84not zlib"), Err(DccError::Decompression));
        let truncated = zlib(&[7u8; 1000]);
        assert_eq!(decompress(&truncated[..truncated.len() / 2]), Err(DccError::Decompression));
        let bomb = zlib(&vec![0u8; 4 * 1024 * 1024]);
        assert!(bomb.len() < 10_000);
        assert_eq!(decompress(&bomb), Err(DccError::TooLarge));
    }

    #[test]
    fn decode_finds_the_certificate_types() {
        let decoded = decode(&signed_cwt(Some(entries(&["v"])), 0, 1)).expect("decode");
        assert_eq!(decoded.certificate_types(), [CertificateType::Vaccination]);
        let decoded = decode(&signed_cwt(Some(entries(&["t", "r"])), 0, 1)).expect("decode");
        assert_eq!(decoded.certificate_types(), [CertificateType::Test, CertificateType::Recovery]);
        let decoded = decode(&signed_cwt(Some(entries(&[])), 0, 1)).expect("decode");
        assert!(decoded.certificate_types().is_empty());
    }

    #[test]
    fn decode_requires_the_hcert_claim() {
        assert_eq!(decode(&signed_cwt(None, 0, 1)).err(), Some(DccError::MissingHcert));
        let not_a_map = signed_cwt(Some(Value::Text("v".into())), 0, 1);
        assert_eq!(decode(&not_a_map).err(), Some(DccError::MissingHcert));
        assert!(matches!(decode(b"\x00"), Err(DccError::Cose(CoseError::Malformed(_)))));
    }

    #[test]
    fn expiration_check_is_inclusive_of_iat_and_exp() {
        let decoded = decode(&signed_cwt(Some(entries(&["v"])), 100, 200)).expect("decode");
        let claims = decoded.unverified_claims();
        assert_eq!(expiration_check(claims, 99), Err(DccError::Time(ClaimsTimeError::NotYetValid)));
        assert_eq!(expiration_check(claims, 100), Ok(()));
        assert_eq!(expiration_check(claims, 200), Ok(()));
        assert_eq!(expiration_check(claims, 201), Err(DccError::Time(ClaimsTimeError::Expired)));
        let no_exp = CwtClaims::new().with_issued_at(1);
        assert_eq!(expiration_check(&no_exp, 5), Err(DccError::Time(ClaimsTimeError::Missing("exp"))));
    }

    #[test]
    fn the_report_stops_at_the_first_failed_step() {
        let (report, failures) = verify_hc1_explained("HC1:GGW", b"", 0);
        assert_eq!(
            report,
            DccReport { unprefix: Some(true), b45_decode: Some(false), ..DccReport::default() }
        );
        assert_eq!(
            failures,
            [(Step::B45Decode, DccError::Base45(Base45Error::ValueOutOfRange { position: 0 }))]
        );

        // A well-formed DCC with an unusable signer certificate: decoded, not verified, and the
        // checks that need a verified payload are not reached.
        let text = format!("{PREFIX}{}", base45::encode(&zlib(&signed_cwt(Some(entries(&["v"])), 0, 9))));
        let (report, failures) = verify_hc1_explained(&text, b"not a certificate", 5);
        assert_eq!(report.decode, Some(true));
        assert_eq!(report.verify, Some(false));
        assert_eq!((report.expiration_check, report.key_usage), (None, None));
        assert_eq!(failures, [(Step::Verify, DccError::Signer(SignerError::Malformed))]);
        assert!(!report.is_valid());
    }

    #[test]
    fn the_report_serialises_with_the_step_names() {
        let report = DccReport { unprefix: Some(true), b45_decode: Some(false), ..DccReport::default() };
        let json = serde_json::to_value(report).expect("json");
        let keys: Vec<&str> = json.as_object().expect("object").keys().map(String::as_str).collect();
        for key in [
            "picture_decode",
            "unprefix",
            "b45_decode",
            "compression",
            "decode",
            "verify",
            "expiration_check",
            "key_usage",
        ] {
            assert!(keys.contains(&key), "{key} missing from {json}");
        }
        assert_eq!(keys.len(), 8);
        assert_eq!(json["unprefix"], true);
        assert_eq!(json["b45_decode"], false);
        assert!(json["decode"].is_null());
    }

    #[test]
    fn garbage_text_never_panics() {
        let valid = format!("{PREFIX}{}", base45::encode(&zlib(&signed_cwt(Some(entries(&["t"])), 0, 9))));
        for len in 0..valid.len() {
            let _ = verify_hc1(&valid[..len], b"", 1);
        }
        let alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
        for (i, replacement) in (4..valid.len()).zip(alphabet.chars().cycle()) {
            let mut mutated = valid.clone();
            mutated.replace_range(i..=i, &replacement.to_string());
            // Only panics matter here; tests/dcc_conformance.rs mutates real, verifiable cases.
            let _ = verify_hc1(&mutated, b"", 1);
        }
    }
}
