//! COSE_Sign1 (RFC 9052) and CWT claims (RFC 8392): signing and verifying.
//!
//! Parsing is done by `coset` on top of `ciborium`; this module adds what our verifiers need on
//! top: CBOR tags 18 (COSE_Sign1) and 61 (CWT) are both accepted and optional, the key id is
//! taken from the protected header or else (legacy) from the unprotected one, and every failure
//! is a typed [`CoseError`]. Nothing here panics on any input bytes.
//!
//! Our own formats sign through [`sign`] / [`sign_cwt`] and verify through
//! [`Sign1::verify_for`], which bind a [`SigningPurpose`] label as the COSE `external_aad`.
//! Foreign messages (EU DCC, the COSE working group examples) verify with [`Sign1::verify`] or
//! [`Sign1::verify_with_key`] and their own `external_aad`, usually empty.
//!
//! The message and its signatures are in `sign1.rs`, the claims set a CWT carries as its payload
//! in `cwt.rs`; what both need (the tags, the error, reading one CBOR item) is here.
//!
//! [`SigningPurpose`]: crate::crypto::SigningPurpose

mod cwt;
mod sign1;

pub use coset::cbor::value::Value;
pub use cwt::{ClaimsTimeError, CwtClaims, sign_cwt};
pub use sign1::{Sign1, sign};
pub(crate) use sign1::{sign_detached_with, sign_with};

use crate::crypto::CryptoError;

/// CBOR tag of a COSE_Sign1 message.
pub const TAG_COSE_SIGN1: u64 = 18;
/// CBOR tag of a CWT.
pub const TAG_CWT: u64 = 61;

/// Why a COSE_Sign1 message or its CWT claims were rejected. Never carries payload data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoseError {
    /// The bytes are not one well-formed CBOR item of the COSE_Sign1 shape.
    #[error("malformed COSE_Sign1: {0}")]
    Malformed(String),
    /// The message carries a CBOR tag other than 18 (COSE_Sign1) or 61 (CWT).
    #[error("unexpected CBOR tag {0}")]
    UnexpectedTag(u64),
    /// The payload is detached (`nil`); we only handle embedded payloads.
    #[error("the payload is detached")]
    DetachedPayload,
    /// No `alg` header at all.
    #[error("no signature algorithm in the headers")]
    MissingAlgorithm,
    /// An `alg` other than ES256, ES384 or PS256.
    #[error("unsupported signature algorithm")]
    UnsupportedAlgorithm,
    /// The protected header marks as critical a header we do not understand.
    #[error("unsupported critical header")]
    UnsupportedCriticalHeader,
    /// No key id in either header, but the verifier needs one to find the key.
    #[error("no key id in the message")]
    MissingKeyId,
    /// The key id names no key the verifier knows.
    #[error("unknown key id")]
    UnknownKeyId,
    /// The algorithm of the message cannot be used with the key found for it.
    #[error("the message's algorithm does not fit the key")]
    AlgorithmKeyMismatch,
    /// The signature does not verify.
    #[error("bad signature")]
    BadSignature,
    /// Another cryptographic failure, e.g. no randomness while signing.
    #[error("cryptographic failure: {0}")]
    Crypto(CryptoError),
    /// The payload is not a valid CWT claims set.
    #[error("invalid CWT claims: {0}")]
    Claims(String),
    /// A message could not be encoded (while signing).
    #[error("could not encode the message")]
    Encode,
}

impl From<CryptoError> for CoseError {
    fn from(e: CryptoError) -> Self {
        match e {
            CryptoError::BadSignature => CoseError::BadSignature,
            CryptoError::AlgorithmKeyMismatch => CoseError::AlgorithmKeyMismatch,
            other => CoseError::Crypto(other),
        }
    }
}

/// Reads exactly one CBOR item from `bytes`.
fn read_one_item(bytes: &[u8]) -> Result<Value, String> {
    let mut rest = bytes;
    let value: Value = ciborium::de::from_reader(&mut rest).map_err(|e| format!("not CBOR ({e})"))?;
    if !rest.is_empty() {
        return Err("extra data after the CBOR item".into());
    }
    Ok(value)
}

/// Keys and key lookups for the unit tests of both halves.
#[cfg(test)]
#[allow(clippy::expect_used)]
mod test_keys {
    use crate::crypto::{SigningKey, VerifyingKey};

    /// A fresh P-256 key.
    pub(super) fn key() -> SigningKey {
        SigningKey::generate_p256().expect("keygen")
    }

    /// A lookup that knows one key id, `kid`, for `key`'s public half.
    pub(super) fn lookup_for(
        kid: &'static [u8],
        key: &SigningKey,
    ) -> impl FnOnce(&[u8]) -> Option<VerifyingKey> {
        let public = key.verifying_key();
        move |asked: &[u8]| (asked == kid).then_some(public)
    }
}
