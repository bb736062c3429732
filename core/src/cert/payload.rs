//! The signed payload of a certificate: a CWT claims set (RFC 8392).
//!
//! | key | claim | CBOR value |
//! |---|---|---|
//! | 1 | `iss` | text: the issuer's credit code (equal to the one inside `sub`) |
//! | 2 | `sub` | text: the certificate identifier, `1.2.156.3005.2.…` (its type code says the certificate type) |
//! | 4 | `exp` | int: end of the last valid day (absent for a long-term certificate) |
//! | 5 | `nbf` | int: start of the first valid day |
//! | 6 | `iat` | int: issue time |
//! | -70000 | format version | uint: `1` |
//! | -70002 | digests | map: attribute code ([`crate::cert::codes`]) → digest of `[salt, name, value]` (bstr 16, [`crate::cert::attributes`]) |
//! | -70003 | holder device key | bstr: P-256 public key, SEC1 compressed (33 bytes) |
//! | -70004 | status | map `{"status_list": {"idx": uint, "uri": text}}` (IETF Token Status List) |
//! | -70005 | jurisdiction | text: six-digit administrative division code |
//!
//! Times are Unix seconds; the validity dates a person reads are `nbf` and `exp` in China Standard
//! Time. The private claims sit below -65536, the CWT private-use range. No attribute value
//! appears in the payload, only digests.

use ciborium::value::Value;

use super::attributes::{AttributeDigest, DIGEST_LEN};
use super::codes;
use super::credit_code::CreditCode;
use super::identifier::{CertificateId, CertificateIdError};
use super::types::{CertificateType, DivisionCode};
use crate::cose::CwtClaims;
use crate::crypto::VerifyingKey;

/// Claim key of the format version.
pub const CLAIM_FORMAT_VERSION: i64 = -70_000;
/// Claim key of the attribute digests.
pub const CLAIM_DIGESTS: i64 = -70_002;
/// Claim key of the holder's device public key.
pub const CLAIM_DEVICE_KEY: i64 = -70_003;
/// Claim key of the status-list reference. (The IETF Token Status List's own `status` key, 65535,
/// is not yet in the IANA registry `coset` follows, which refuses unregistered positive keys.)
pub const CLAIM_STATUS: i64 = -70_004;
/// Claim key of the jurisdiction.
pub const CLAIM_JURISDICTION: i64 = -70_005;
/// The payload format this module writes and reads.
pub const FORMAT_VERSION: u64 = 1;
/// The most attribute digests a payload may hold.
pub const MAX_DIGESTS: usize = 256;

/// Where the certificate's revocation status is published: a status list and an index into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReference {
    /// The status list's URI.
    pub uri: String,
    /// The certificate's index in the list.
    pub index: u64,
}

/// Why a verified payload is not a certificate payload. Carries claim names, never values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// The payload is not a CWT claims set.
    #[error("the payload is not a CWT claims set")]
    NotClaims,
    /// The format version is absent or not one this code reads.
    #[error("unsupported certificate format version")]
    UnsupportedVersion,
    /// A required claim is absent.
    #[error("the {0} claim is missing")]
    Missing(&'static str),
    /// A claim has the wrong CBOR shape.
    #[error("the {0} claim has the wrong shape")]
    WrongShape(&'static str),
    /// The subject is not a valid certificate identifier.
    #[error("the subject is not a valid certificate identifier: {0}")]
    Identifier(CertificateIdError),
    /// `iss` differs from the issuer code inside the identifier.
    #[error("the iss claim does not match the identifier's issuer")]
    IssuerMismatch,
    /// An attribute code that the registry does not know (reading), or an attribute name it does
    /// not know (writing).
    #[error("an attribute is not in the registry")]
    UnregisteredAttribute,
    /// The type code names no certificate type Shimin knows.
    #[error("unknown certificate type")]
    UnknownType,
    /// An attribute name appears twice in the digests.
    #[error("an attribute has two digests")]
    DuplicateDigest,
    /// More digests than [`MAX_DIGESTS`].
    #[error("too many attribute digests")]
    TooManyDigests,
}

/// The content of a certificate's signed payload, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificatePayload {
    /// The certificate identifier (`sub`); its issuer is `iss`.
    pub id: CertificateId,
    /// The certificate type, agreeing with the identifier's type code.
    pub certificate_type: CertificateType,
    /// Issue time.
    pub issued_at: i64,
    /// Start of validity.
    pub not_before: i64,
    /// End of validity (exclusive), `None` for long-term.
    pub expires_at: Option<i64>,
    /// The jurisdiction.
    pub jurisdiction: DivisionCode,
    /// Attribute name → digest, in the issuer's order.
    pub digests: Vec<(String, AttributeDigest)>,
    /// The holder's device key (holder binding).
    pub device_key: VerifyingKey,
    /// Where the status is published.
    pub status: StatusReference,
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

impl CertificatePayload {
    /// The issuer's credit code.
    pub fn issuer(&self) -> &CreditCode {
        self.id.issuer()
    }

    /// The digest signed for attribute `name`.
    pub fn digest_of(&self, name: &str) -> Option<&AttributeDigest> {
        self.digests.iter().find(|(n, _)| n == name).map(|(_, d)| d)
    }

    /// The claims set to sign.
    ///
    /// # Errors
    /// [`PayloadError::UnregisteredAttribute`] when an attribute name has no code.
    pub fn to_claims(&self) -> Result<CwtClaims, PayloadError> {
        let digests = self
            .digests
            .iter()
            .map(|(n, d)| {
                let code = codes::code_of(n).ok_or(PayloadError::UnregisteredAttribute)?;
                Ok((Value::Integer(code.into()), Value::Bytes(d.to_vec())))
            })
            .collect::<Result<Vec<_>, PayloadError>>()?;
        let status = Value::Map(vec![(
            text("status_list"),
            Value::Map(vec![
                (text("idx"), Value::Integer(self.status.index.into())),
                (text("uri"), text(&self.status.uri)),
            ]),
        )]);
        let mut claims = CwtClaims::new()
            .with_issuer(self.issuer().as_str())
            .with_subject(self.id.to_string())
            .with_not_before(self.not_before)
            .with_issued_at(self.issued_at);
        if let Some(exp) = self.expires_at {
            claims = claims.with_expires_at(exp);
        }
        Ok(claims
            .with_private_claim(CLAIM_STATUS, status)
            .with_private_claim(CLAIM_FORMAT_VERSION, Value::Integer(FORMAT_VERSION.into()))
            .with_private_claim(CLAIM_DIGESTS, Value::Map(digests))
            .with_private_claim(
                CLAIM_DEVICE_KEY,
                Value::Bytes(
                    self.device_key
                        .p256_compressed()
                        .map_err(|_| PayloadError::WrongShape("device key"))?
                        .to_vec(),
                ),
            )
            .with_private_claim(CLAIM_JURISDICTION, text(self.jurisdiction.as_str())))
    }

    /// Reads a payload from its claims.
    ///
    /// # Errors
    /// [`PayloadError`] naming the first claim that is missing, malformed or inconsistent.
    pub fn from_claims(claims: &CwtClaims) -> Result<Self, PayloadError> {
        use PayloadError::{Missing, WrongShape};
        let version = claims.claim(CLAIM_FORMAT_VERSION).ok_or(PayloadError::UnsupportedVersion)?;
        if *version != Value::Integer(FORMAT_VERSION.into()) {
            return Err(PayloadError::UnsupportedVersion);
        }
        let subject = claims.subject().ok_or(Missing("sub"))?;
        let id = CertificateId::parse(subject).map_err(PayloadError::Identifier)?;
        if claims.issuer().ok_or(Missing("iss"))? != id.issuer().as_str() {
            return Err(PayloadError::IssuerMismatch);
        }
        let certificate_type =
            CertificateType::from_type_code(id.type_code()).ok_or(PayloadError::UnknownType)?;
        let jurisdiction = claims.claim(CLAIM_JURISDICTION).ok_or(Missing("jurisdiction"))?;
        let jurisdiction = jurisdiction
            .as_text()
            .and_then(|t| DivisionCode::parse(t).ok())
            .ok_or(WrongShape("jurisdiction"))?;
        let key = claims.claim(CLAIM_DEVICE_KEY).ok_or(Missing("device key"))?;
        let device_key = key
            .as_bytes()
            .and_then(|b| VerifyingKey::p256_from_compressed(b).ok())
            .ok_or(WrongShape("device key"))?;
        Ok(Self {
            id,
            certificate_type,
            issued_at: claims.issued_at().ok_or(Missing("iat"))?,
            not_before: claims.not_before().ok_or(Missing("nbf"))?,
            expires_at: claims.expires_at(),
            jurisdiction,
            digests: read_digests(claims.claim(CLAIM_DIGESTS).ok_or(Missing("digests"))?)?,
            device_key,
            status: read_status(claims.claim(CLAIM_STATUS).ok_or(Missing("status"))?)?,
        })
    }
}

fn read_digests(value: &Value) -> Result<Vec<(String, AttributeDigest)>, PayloadError> {
    let map = value.as_map().ok_or(PayloadError::WrongShape("digests"))?;
    if map.len() > MAX_DIGESTS {
        return Err(PayloadError::TooManyDigests);
    }
    let mut out: Vec<(String, AttributeDigest)> = Vec::with_capacity(map.len());
    for (code, digest) in map {
        let code = code
            .as_integer()
            .and_then(|c| u16::try_from(c).ok())
            .ok_or(PayloadError::WrongShape("digests"))?;
        let name = codes::name_of(code).ok_or(PayloadError::UnregisteredAttribute)?;
        let digest: AttributeDigest = digest
            .as_bytes()
            .filter(|b| b.len() == DIGEST_LEN)
            .and_then(|b| b.as_slice().try_into().ok())
            .ok_or(PayloadError::WrongShape("digests"))?;
        if out.iter().any(|(n, _)| n == name) {
            return Err(PayloadError::DuplicateDigest);
        }
        out.push((name.to_owned(), digest));
    }
    Ok(out)
}

/// Finds `key` in a CBOR map with text keys.
fn field<'a>(map: &'a [(Value, Value)], key: &str) -> Option<&'a Value> {
    map.iter().find(|(k, _)| k.as_text() == Some(key)).map(|(_, v)| v)
}

fn read_status(value: &Value) -> Result<StatusReference, PayloadError> {
    let shape = PayloadError::WrongShape("status");
    let outer = value.as_map().ok_or_else(|| shape.clone())?;
    let list = field(outer, "status_list").and_then(Value::as_map).ok_or_else(|| shape.clone())?;
    let index = field(list, "idx")
        .and_then(Value::as_integer)
        .and_then(|i| u64::try_from(i).ok())
        .ok_or_else(|| shape.clone())?;
    let uri = field(list, "uri").and_then(Value::as_text).ok_or(shape)?;
    Ok(StatusReference { uri: uri.to_owned(), index })
}
