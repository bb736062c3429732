//! The envelope the case QR and the result document share: a CBOR payload signed by a
//! department's issuer key as a tagged COSE_Sign1 (ES256, key id in the protected header, the
//! purpose's label as `external_aad`), deflated (zlib) and Base45-encoded after a prefix of its
//! own, as `<PREFIX><Base45(zlib(COSE_Sign1))>`.
//!
//! Opening checks, in order: the prefix, Base45, zlib (capped), the COSE shape, the key id on the
//! trust list, the key not compromised, the signature for this purpose, the payload's shape (the
//! caller's), the signer's department equal to the payload's, and the signing time inside the
//! key's window and not in the future.

use ciborium::value::Value;

use crate::base45;
use crate::clock::UnixSeconds;
use crate::cose::{self, CoseError, Sign1};
use crate::crypto::{SigningKey, SigningPurpose};
use crate::trust::VerifiedTrustList;
use crate::zlib::{self, InflateError};

/// The most bytes a code inflates to (a QR code holds under 3 KB).
pub const MAX_INFLATED: usize = 4 * 1024;
/// How far a signing time may lie ahead of the verifier's clock.
pub const CLOCK_TOLERANCE_SECS: i64 = 300;

/// Why a signed code (case QR, result document) was refused. Carries nothing of its content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// The text does not start with the format's prefix (another kind of code).
    #[error("not this kind of code")]
    BadPrefix,
    /// Not Base45.
    #[error("the code is not valid Base45")]
    BadBase45,
    /// Not one complete zlib stream.
    #[error("the code is not a valid zlib stream")]
    BadZlib,
    /// Inflates to more than [`MAX_INFLATED`].
    #[error("the code inflates to more than {MAX_INFLATED} bytes")]
    TooLarge,
    /// Not a COSE_Sign1 of our shape.
    #[error("the code's signature envelope is malformed: {0}")]
    Envelope(CoseError),
    /// The key id is on no trust list entry.
    #[error("the code was signed by an unknown key")]
    UnknownKey,
    /// The signing key is marked compromised.
    #[error("the code was signed by a compromised key")]
    KeyCompromised,
    /// The signature does not verify for this format (altered, another key, another purpose).
    #[error("the code's signature does not verify")]
    BadSignature,
    /// The payload does not have the format's shape.
    #[error("the code's content is malformed: {0}")]
    Payload(&'static str),
    /// A format version this code does not read.
    #[error("unsupported format version {0}")]
    Version(u64),
    /// The key belongs to another department than the one the code names.
    #[error("the code names another department than its signer's")]
    WrongDepartment,
    /// The service code belongs to another organ than the department.
    #[error("the service is not the department's")]
    WrongService,
    /// Signed outside the key's signing window (or after its retirement).
    #[error("the code was signed outside its key's validity")]
    KeyNotValidThen,
    /// Signed in the future by more than [`CLOCK_TOLERANCE_SECS`].
    #[error("the code was signed in the future")]
    FromTheFuture,
    /// The document's text is not the one whose digest was signed.
    #[error("the document's text is not the one signed")]
    DigestMismatch,
    /// Signing failed.
    #[error("the code could not be signed: {0}")]
    Sign(CoseError),
}

/// Signs `payload` for `purpose` and gives the text: `prefix` then Base45 of the deflated
/// COSE_Sign1.
pub(super) fn seal(
    prefix: &str,
    purpose: SigningPurpose,
    payload: &Value,
    key_id: &[u8],
    key: &SigningKey,
) -> Result<String, CodeError> {
    let mut bytes = Vec::new();
    ciborium::ser::into_writer(payload, &mut bytes).map_err(|_| CodeError::Sign(CoseError::Encode))?;
    let signed = cose::sign(purpose, &bytes, key_id, key).map_err(CodeError::Sign)?;
    Ok(format!("{prefix}{}", base45::encode(&zlib::deflate(&signed))))
}

/// A verified envelope: its payload's entries, and the department whose key signed it.
pub(super) struct Opened {
    /// The payload map's entries (integer keys, none twice).
    pub entries: Vec<(i64, Value)>,
    /// The signer's department (credit code) on the trust list.
    pub department: String,
    /// The signer key's window, to check the signing time against.
    pub window: (UnixSeconds, UnixSeconds),
}

/// Opens `text` of the format `prefix`/`purpose` against the trust list.
pub(super) fn open(
    text: &str,
    prefix: &str,
    purpose: SigningPurpose,
    trust: &VerifiedTrustList,
) -> Result<Opened, CodeError> {
    let body = text.strip_prefix(prefix).ok_or(CodeError::BadPrefix)?;
    let compressed = base45::decode(body).map_err(|_| CodeError::BadBase45)?;
    let signed = zlib::inflate(&compressed, MAX_INFLATED).map_err(|e| match e {
        InflateError::TooLarge { .. } => CodeError::TooLarge,
        _ => CodeError::BadZlib,
    })?;
    let message = Sign1::decode(&signed).map_err(CodeError::Envelope)?;
    let key_id = message.key_id().ok_or(CodeError::Envelope(CoseError::MissingKeyId))?;
    let entry = trust.entry(key_id).ok_or(CodeError::UnknownKey)?;
    if !entry.is_trusted() {
        return Err(CodeError::KeyCompromised);
    }
    let payload = message.verify_own(purpose, entry.public_key()).map_err(|e| match e {
        CoseError::BadSignature => CodeError::BadSignature,
        other => CodeError::Envelope(other),
    })?;
    let mut rest = payload;
    let value: Value = ciborium::de::from_reader(&mut rest).map_err(|_| CodeError::Payload("not CBOR"))?;
    if !rest.is_empty() {
        return Err(CodeError::Payload("bytes after the payload"));
    }
    let Value::Map(map) = value else { return Err(CodeError::Payload("not a map")) };
    let mut entries: Vec<(i64, Value)> = Vec::with_capacity(map.len());
    for (k, v) in map {
        let key = k.as_integer().and_then(|i| i64::try_from(i).ok()).ok_or(CodeError::Payload("a key"))?;
        if entries.iter().any(|(seen, _)| *seen == key) {
            return Err(CodeError::Payload("a key twice"));
        }
        entries.push((key, v));
    }
    let validity = entry.validity();
    let end = entry.retirement().map_or(validity.to, |r| r.min(validity.to));
    Ok(Opened { entries, department: entry.department().code().to_owned(), window: (validity.from, end) })
}

impl Opened {
    /// Takes the value under `key`.
    pub fn take(&mut self, key: i64) -> Option<Value> {
        let at = self.entries.iter().position(|(k, _)| *k == key)?;
        Some(self.entries.swap_remove(at).1)
    }

    /// Takes a text.
    pub fn text(&mut self, key: i64, what: &'static str) -> Result<String, CodeError> {
        match self.take(key) {
            Some(Value::Text(t)) => Ok(t),
            _ => Err(CodeError::Payload(what)),
        }
    }

    /// Takes an integer.
    pub fn int(&mut self, key: i64, what: &'static str) -> Result<i64, CodeError> {
        self.take(key)
            .and_then(|v| v.as_integer())
            .and_then(|i| i64::try_from(i).ok())
            .ok_or(CodeError::Payload(what))
    }

    /// Checks the format version under key 1.
    pub fn version(&mut self, supported: u64) -> Result<(), CodeError> {
        let version = self
            .take(1)
            .and_then(|v| v.as_integer())
            .and_then(|i| u64::try_from(i).ok())
            .ok_or(CodeError::Payload("the version"))?;
        if version == supported { Ok(()) } else { Err(CodeError::Version(version)) }
    }

    /// After every known key was taken: nothing else may be there.
    pub fn finish(&self) -> Result<(), CodeError> {
        if self.entries.is_empty() { Ok(()) } else { Err(CodeError::Payload("an unknown key")) }
    }

    /// Checks that `department` signed (its key) and that `signed_at` lies in the key's window
    /// and not after `now` (beyond the tolerance).
    pub fn check_signer(
        &self,
        department: &str,
        signed_at: UnixSeconds,
        now: UnixSeconds,
    ) -> Result<(), CodeError> {
        if department != self.department {
            return Err(CodeError::WrongDepartment);
        }
        if signed_at < self.window.0 || signed_at >= self.window.1 {
            return Err(CodeError::KeyNotValidThen);
        }
        if signed_at > now.saturating_add(CLOCK_TOLERANCE_SECS) {
            return Err(CodeError::FromTheFuture);
        }
        Ok(())
    }
}

/// An integer as CBOR.
pub(super) fn int(i: i64) -> Value {
    Value::Integer(i.into())
}
