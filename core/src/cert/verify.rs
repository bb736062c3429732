//! Verifying an issued certificate and the attributes disclosed with it.
//!
//! The checks run in this order, and the first failure is the verdict: COSE structure, key id,
//! issuer key known, signature (bound to [`SigningPurpose::Certificate`]), payload structure,
//! issuer and type allowed for the key, validity at `now`, then every disclosed attribute's
//! digest.

use super::attributes::{Attributes, Disclosure};
use super::credit_code::CreditCode;
use super::payload::{CertificatePayload, PayloadError};
use super::types::CertificateType;
use crate::cose::{CoseError, CwtClaims, Sign1};
use crate::crypto::{SigningPurpose, VerifyingKey};

/// What a verifier knows about an issuer key, found by key id (from a trust list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerKeyInfo {
    /// The public key.
    pub key: VerifyingKey,
    /// The department the key belongs to; the certificate's `iss` must be this code.
    pub issuer_code: CreditCode,
    /// The certificate types the key may sign.
    pub allowed_types: Vec<CertificateType>,
}

/// Why a certificate was refused. Carries attribute names, never attribute values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateVerifyError {
    /// The bytes are not a COSE_Sign1 we can read.
    #[error("bad structure: {0}")]
    BadStructure(CoseError),
    /// The message has no key id.
    #[error("the certificate names no issuer key")]
    MissingKeyId,
    /// No known issuer key has this key id.
    #[error("unknown issuer key id")]
    UnknownKeyId,
    /// The issuer signature does not verify (wrong key, tampered bytes, other purpose).
    #[error("bad issuer signature")]
    BadSignature,
    /// The signature algorithm is missing or unsupported, or does not fit the key.
    #[error("unsupported signature algorithm: {0}")]
    Algorithm(CoseError),
    /// The signed payload is not a certificate payload.
    #[error("bad payload: {0}")]
    BadPayload(PayloadError),
    /// The certificate's issuer is not the department the key belongs to.
    #[error("the key belongs to another issuer")]
    IssuerMismatch,
    /// The key is not allowed to sign this certificate type.
    #[error("the issuer key may not sign this certificate type")]
    TypeNotAllowed,
    /// `now` is before the start of validity or before the issue time.
    #[error("the certificate is not valid yet")]
    NotYetValid,
    /// `now` is at or after the end of validity.
    #[error("the certificate has expired")]
    Expired,
    /// A disclosed attribute does not match the digest the issuer signed for it.
    #[error("the disclosed attribute {attribute} does not match its signed digest")]
    DigestMismatch {
        /// The attribute's name.
        attribute: String,
    },
    /// A disclosed attribute has no signed digest at all.
    #[error("the disclosed attribute {attribute} was not signed by the issuer")]
    MissingDigest {
        /// The attribute's name.
        attribute: String,
    },
    /// The same attribute is disclosed twice.
    #[error("the attribute {attribute} is disclosed twice")]
    DuplicateDisclosure {
        /// The attribute's name.
        attribute: String,
    },
}

/// A certificate that passed every check, with its verified disclosed attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCertificate {
    /// The signed payload (identifier, type, validity, device key, status reference, digests).
    pub payload: CertificatePayload,
    /// The key id the issuer signed with.
    pub key_id: Vec<u8>,
    /// The disclosed attributes, each checked against its digest, in the order disclosed.
    pub disclosed: Attributes,
}

impl VerifiedCertificate {
    /// The names of the attributes the issuer signed but the holder did not disclose.
    pub fn undisclosed(&self) -> impl Iterator<Item = &str> {
        self.payload.digests.iter().map(|(n, _)| n.as_str()).filter(|n| self.disclosed.get(n).is_none())
    }
}

fn from_cose(e: CoseError) -> CertificateVerifyError {
    match e {
        CoseError::MissingKeyId => CertificateVerifyError::MissingKeyId,
        CoseError::UnknownKeyId => CertificateVerifyError::UnknownKeyId,
        CoseError::BadSignature => CertificateVerifyError::BadSignature,
        e @ (CoseError::MissingAlgorithm
        | CoseError::UnsupportedAlgorithm
        | CoseError::AlgorithmKeyMismatch) => CertificateVerifyError::Algorithm(e),
        other => CertificateVerifyError::BadStructure(other),
    }
}

/// Verifies the issuer-signed certificate `signed` and the `disclosures` shown with it, at
/// `now` (Unix seconds). `key_lookup` answers what the verifier knows about a key id.
///
/// # Errors
/// The first failed check as a [`CertificateVerifyError`]; see the module documentation for the
/// order. Never panics, whatever the bytes.
pub fn verify_certificate(
    signed: &[u8],
    disclosures: &[Disclosure],
    key_lookup: impl Fn(&[u8]) -> Option<IssuerKeyInfo>,
    now: i64,
) -> Result<VerifiedCertificate, CertificateVerifyError> {
    let message = Sign1::decode(signed).map_err(from_cose)?;
    let key_id = message.key_id().ok_or(CertificateVerifyError::MissingKeyId)?;
    let info = key_lookup(key_id).ok_or(CertificateVerifyError::UnknownKeyId)?;
    let payload_bytes = message.verify_own(SigningPurpose::Certificate, &info.key).map_err(from_cose)?;
    let claims = CwtClaims::from_slice(payload_bytes)
        .map_err(|_| CertificateVerifyError::BadPayload(PayloadError::NotClaims))?;
    let payload = CertificatePayload::from_claims(&claims).map_err(CertificateVerifyError::BadPayload)?;
    if *payload.issuer() != info.issuer_code {
        return Err(CertificateVerifyError::IssuerMismatch);
    }
    if !info.allowed_types.contains(&payload.certificate_type) {
        return Err(CertificateVerifyError::TypeNotAllowed);
    }
    if now < payload.not_before || now < payload.issued_at {
        return Err(CertificateVerifyError::NotYetValid);
    }
    if payload.expires_at.is_some_and(|exp| now >= exp) {
        return Err(CertificateVerifyError::Expired);
    }
    let mut disclosed = Attributes::new();
    for d in disclosures {
        let signed_digest = payload
            .digest_of(&d.name)
            .ok_or_else(|| CertificateVerifyError::MissingDigest { attribute: d.name.clone() })?;
        let mismatch = || CertificateVerifyError::DigestMismatch { attribute: d.name.clone() };
        if d.digest().map_err(|_| mismatch())? != *signed_digest {
            return Err(mismatch());
        }
        disclosed
            .insert(d.name.clone(), d.value.clone())
            .map_err(|dup| CertificateVerifyError::DuplicateDisclosure { attribute: dup.0 })?;
    }
    Ok(VerifiedCertificate { payload, key_id: key_id.to_vec(), disclosed })
}
