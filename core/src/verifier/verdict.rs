//! The verifier's answer: an [`Outcome`], what was disclosed, and every [`Reason`] behind it.
//! Serializable for the CLI (JSON) and the UI.

use std::fmt;

use serde::Serialize;

use crate::cert::AttributeValue;
use crate::trust::Freshness;

/// The overall answer, as a colour for the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Green: genuine, current, not revoked, shown by its holder, checked against fresh lists.
    Valid,
    /// Amber: every check that could run passed, but something could not be checked fully
    /// (a stale list, revocation not checkable offline).
    Warning,
    /// Red: at least one check failed.
    Invalid,
}

/// How much a reason weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Makes the verdict [`Outcome::Warning`] (unless something is fatal).
    Warning,
    /// Makes the verdict [`Outcome::Invalid`].
    Fatal,
}

/// One finding of the verifier. Carries attribute names, times and ages, never personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// No QR code could be read in the picture.
    #[error("no QR code could be read in the picture")]
    NoQrCode,
    /// The text does not start with `SM1:`.
    #[error("this is not a Shimin presentation (no SM1: prefix)")]
    BadPrefix,
    /// The text is not valid Base45.
    #[error("the code's text is not valid Base45")]
    BadBase45,
    /// The data is not a valid zlib stream.
    #[error("the code's data is not a valid zlib stream")]
    BadZlib,
    /// The data inflates past the verifier's limit (a zlib bomb).
    #[error("the code's data inflates to more than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The inflated data is not a presentation in CBOR.
    #[error("the presentation is not well-formed CBOR")]
    BadCbor,
    /// A disclosure names an attribute code this verifier's registry does not have (a newer
    /// issuer, or a forged code).
    #[error("the presentation discloses an attribute this verifier does not know")]
    UnknownAttribute,
    /// The presentation's format version is unknown.
    #[error("unsupported presentation format version {version}")]
    UnsupportedVersion {
        /// The version found.
        version: u64,
    },
    /// The issuer's certificate is not a well-formed COSE_Sign1.
    #[error("the certificate is not a well-formed COSE_Sign1")]
    BadCoseStructure,
    /// The certificate names no issuer key, or one the trust list does not know.
    #[error("the issuer key is unknown")]
    UnknownKeyId,
    /// The issuer's signature does not verify.
    #[error("the issuer signature is not valid")]
    BadIssuerSignature,
    /// The signed payload is not a certificate payload.
    #[error("the signed certificate payload is malformed")]
    BadCertificatePayload,
    /// The certificate's issuer is not the department that holds the key.
    #[error("the certificate's issuer does not hold the signing key")]
    IssuerMismatch,
    /// The trust list does not allow this issuer key to sign this certificate type.
    #[error("the issuer is not allowed to issue this certificate type")]
    TypeNotAllowed,
    /// The certificate was issued outside the issuer key's signing window (or after retirement).
    #[error("the certificate was issued outside the issuer key's validity")]
    IssuerKeyOutsideValidity,
    /// The trust list marks the issuer key compromised: nothing it signed is trusted, whatever
    /// date the certificate claims.
    #[error("the issuer key is compromised")]
    IssuerKeyCompromised,
    /// `now` is before the certificate's validity starts.
    #[error("the certificate is not valid yet")]
    NotYetValid {
        /// Start of validity, Unix seconds.
        not_before: i64,
    },
    /// `now` is at or after the certificate's validity ends.
    #[error("the certificate has expired")]
    Expired {
        /// End of validity, Unix seconds.
        expired_at: i64,
    },
    /// The status list says revoked.
    #[error("the certificate is revoked (status list {list_age_seconds} s old)")]
    Revoked {
        /// The cached status list's age, seconds.
        list_age_seconds: u64,
    },
    /// The status list says suspended.
    #[error("the certificate is suspended (status list {list_age_seconds} s old)")]
    Suspended {
        /// The cached status list's age, seconds.
        list_age_seconds: u64,
    },
    /// The status list holds a status value this code does not know; treated as not valid.
    #[error("the certificate has the unknown status {value}")]
    UnknownStatus {
        /// The value.
        value: u8,
        /// The cached status list's age, seconds.
        list_age_seconds: u64,
    },
    /// No cached status list for the certificate's list URI: revocation not checkable offline.
    #[error("revocation cannot be checked offline: no cached status list")]
    StatusListMissing,
    /// The cached status list at the certificate's URI is not signed by a key of the
    /// certificate's own department on the trust list: it says nothing about this certificate.
    #[error("revocation cannot be checked: the status list is not signed by the certificate's issuer")]
    StatusListWrongIssuer,
    /// The cached status list does not reach the certificate's index.
    #[error("revocation cannot be checked: the status list does not cover the certificate")]
    StatusIndexOutOfRange,
    /// The cached status list is past its expiry.
    #[error("the cached status list is stale ({age_seconds} s old)")]
    StatusListStale {
        /// Its age, seconds.
        age_seconds: u64,
    },
    /// The cached trust list is past its expiry.
    #[error("the cached trust list is stale ({age_seconds} s old)")]
    TrustListStale {
        /// Its age, seconds.
        age_seconds: u64,
    },
    /// A disclosed attribute does not match the digest the issuer signed.
    #[error("the disclosed attribute {attribute} does not match its signed digest")]
    DigestMismatch {
        /// The attribute's name.
        attribute: String,
    },
    /// A disclosed attribute has no digest in the certificate.
    #[error("the disclosed attribute {attribute} was not signed by the issuer")]
    NotSignedAttribute {
        /// The attribute's name.
        attribute: String,
    },
    /// The same attribute is disclosed twice.
    #[error("the attribute {attribute} is disclosed twice")]
    DuplicateDisclosure {
        /// The attribute's name.
        attribute: String,
    },
    /// The presentation has no device signature: it does not show that the holder is present.
    #[error("the presentation has no device signature")]
    DeviceSignatureMissing,
    /// The device signature is malformed, not made by the certificate's device key, or made
    /// over another certificate, other disclosures or another time.
    #[error("the device signature is not valid for this certificate and these attributes")]
    DeviceSignatureBad,
    /// The device's time is too far from the verifier's: an expired screenshot (or a wrong clock).
    #[error("expired screenshot: signed {skew_seconds} s from the verifier's clock")]
    ExpiredScreenshot {
        /// `now - signed_at`: positive when the code is old, negative when from the future.
        skew_seconds: i64,
    },
    /// This very code was already accepted here a moment ago ([`super::SeenPresentations`]): a
    /// screenshot passed on, or the same screen scanned twice. Ask for a fresh code.
    #[error("this code was already shown here at {first_seen_at}")]
    SeenBefore {
        /// When it was first accepted, Unix seconds.
        first_seen_at: i64,
    },
    /// In the two-way mode: the code does not answer this verifier's request (no nonce, or
    /// another one): made earlier, for someone else, or recorded.
    #[error("the code does not answer this verifier's request")]
    NotThisRequest,
}

impl Reason {
    /// Whether this reason makes the verdict invalid or only amber.
    pub fn severity(&self) -> Severity {
        match self {
            Reason::StatusListMissing
            | Reason::StatusListWrongIssuer
            | Reason::StatusIndexOutOfRange
            | Reason::StatusListStale { .. }
            | Reason::TrustListStale { .. }
            | Reason::SeenBefore { .. } => Severity::Warning,
            _ => Severity::Fatal,
        }
    }
}

/// A disclosed attribute's value as the UI and the CLI show it. `Debug` hides the value.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum ValueView {
    /// Text.
    Text(String),
    /// A date, `YYYY-MM-DD`.
    Date(String),
    /// A yes/no fact.
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// Bytes, e.g. the photo thumbnail (JPEG or PNG).
    Bytes(Vec<u8>),
}

impl fmt::Debug for ValueView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ValueView([redacted])")
    }
}

impl From<&AttributeValue> for ValueView {
    fn from(value: &AttributeValue) -> Self {
        match value {
            AttributeValue::Text(s) => ValueView::Text(s.clone()),
            AttributeValue::Date(d) => {
                ValueView::Date(format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
            }
            AttributeValue::Bool(b) => ValueView::Bool(*b),
            AttributeValue::Integer(i) => ValueView::Integer(*i),
            AttributeValue::Bytes(b) => ValueView::Bytes(b.clone()),
        }
    }
}

/// One disclosed attribute whose digest matched the issuer's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttributeView {
    /// The attribute's name, e.g. `name`, `age_over_18`, `photo`.
    pub name: String,
    /// Its value.
    pub value: ValueView,
}

impl AttributeView {
    /// The view of a verified attribute. A photo thumbnail ([`crate::photo::Thumbnail`]) is shown
    /// as the complete JPEG it stands for, so any image viewer can draw it.
    pub fn new(name: &str, value: &AttributeValue) -> Self {
        let value = match value {
            AttributeValue::Bytes(b) if name == crate::cert::types::names::PHOTO => {
                match crate::photo::Thumbnail::from_bytes(b).and_then(|t| t.to_jpeg()) {
                    Ok(jpeg) => ValueView::Bytes(jpeg),
                    Err(_) => ValueView::Bytes(b.clone()),
                }
            }
            other => other.into(),
        };
        Self { name: name.to_owned(), value }
    }
}

/// What the certificate is, from its verified payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateView {
    /// The 21-character type code.
    pub type_code: String,
    /// The type's printed name, e.g. 居民身份证.
    pub type_name: String,
    /// The GB/T 36904 identifier, `1.2.156.3005.2.…`.
    pub identifier: String,
    /// The issuing department's credit code.
    pub issuer_code: String,
    /// The issuing department's name, from the trust list.
    pub issuer_name: String,
    /// Start of validity, Unix seconds.
    pub valid_from: i64,
    /// End of validity (exclusive), Unix seconds; `None` for long-term.
    pub valid_until: Option<i64>,
}

/// How old a cached list was at verification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ListAge {
    /// Seconds since it was fetched.
    pub age_seconds: u64,
    /// Past its refresh time: fetch a new one when online.
    pub refresh_due: bool,
    /// Past its expiry.
    pub stale: bool,
}

impl From<Freshness> for ListAge {
    fn from(f: Freshness) -> Self {
        Self { age_seconds: f.age_seconds, refresh_due: f.refresh_due, stale: f.stale }
    }
}

/// The verifier's verdict on one presentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Valid, warning (amber) or invalid.
    pub outcome: Outcome,
    /// The certificate, once its issuer signature verified.
    pub certificate: Option<CertificateView>,
    /// The disclosed attributes whose digests matched, in the order shown. Only to be shown as
    /// facts when `outcome` is not [`Outcome::Invalid`].
    pub attributes: Vec<AttributeView>,
    /// When the holder's device signed, Unix seconds, if a device signature was read.
    pub device_signed_at: Option<i64>,
    /// What names this code once its device signature verified: SHA-256 over the device key and
    /// the device-signed payload (certificate, disclosures, signing time). Every copy of one code
    /// has the same key, however its text is re-encoded; [`super::SeenPresentations`] remembers it.
    #[serde(skip)]
    pub presentation_key: Option<[u8; 32]>,
    /// The cached trust list's age.
    pub trust_list: ListAge,
    /// The cached status list's age, if there was one for the certificate.
    pub status_list: Option<ListAge>,
    /// Every finding; empty exactly when `outcome` is [`Outcome::Valid`].
    pub reasons: Vec<Reason>,
}

impl Verdict {
    /// The outcome that `reasons` imply.
    pub fn outcome_of(reasons: &[Reason]) -> Outcome {
        if reasons.iter().any(|r| r.severity() == Severity::Fatal) {
            Outcome::Invalid
        } else if reasons.is_empty() {
            Outcome::Valid
        } else {
            Outcome::Warning
        }
    }

    /// Whether `reason` is among the findings.
    pub fn has(&self, reason: &Reason) -> bool {
        self.reasons.contains(reason)
    }

    /// The value of the disclosed attribute `name`, if it was disclosed and matched.
    pub fn attribute(&self, name: &str) -> Option<&ValueView> {
        self.attributes.iter().find(|a| a.name == name).map(|a| &a.value)
    }
}
