//! Issuing a certificate: salt and hash every attribute, sign the digests with the holder's
//! device key and a status reference as a COSE_Sign1 CWT, and hand the holder the signed bytes
//! with the salted attributes.

use std::fmt;

use time::{Date, OffsetDateTime, UtcOffset};

use super::attributes::{Disclosure, DisclosureEncodeError};
use super::codes;
use super::credit_code::CreditCode;
use super::identifier::{CertificateId, CertificateIdError};
use super::kinds::Certificate;
use super::payload::{CertificatePayload, StatusReference};
use super::types::CHINA_UTC_OFFSET_HOURS;
use crate::cose::{self, CoseError};
use crate::crypto::{CryptoError, PublicKeyKind, SigningKey, SigningPurpose, VerifyingKey};

/// Why a certificate could not be issued. Never carries the certificate's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssueError {
    /// The identifier's type code is not the certificate's type.
    #[error("the identifier's type code does not match the certificate type")]
    TypeMismatch,
    /// The identifier's issuer, the metadata's issuer code and the signing issuer disagree.
    #[error("the issuer code of the identifier, the metadata and the signer disagree")]
    IssuerMismatch,
    /// The holder's device key is not a P-256 key.
    #[error("the holder's device key must be a P-256 key")]
    DeviceKeyNotP256,
    /// A time or date is outside what the calendar handles.
    #[error("a time or date is out of range")]
    TimeOutOfRange,
    /// Two fields map to the same attribute name.
    #[error("two fields give the attribute {0}")]
    DuplicateAttribute(String),
    /// An attribute name has no code in [`crate::cert::codes`].
    #[error("the attribute {0} is not in the registry")]
    UnregisteredAttribute(String),
    /// There is no next version to renew into.
    #[error("cannot make the renewed identifier: {0}")]
    Renewal(CertificateIdError),
    /// Randomness for the salts was unavailable.
    #[error("cryptographic failure: {0}")]
    Crypto(CryptoError),
    /// A disclosure could not be encoded for hashing.
    #[error("an attribute could not be encoded")]
    Encode,
    /// Signing or encoding the COSE message failed.
    #[error("could not sign: {0}")]
    Sign(CoseError),
    /// The certificate to bind to another device is not one this code issued.
    #[error("the stored certificate could not be read")]
    Template,
}

impl From<DisclosureEncodeError> for IssueError {
    fn from(_: DisclosureEncodeError) -> Self {
        IssueError::Encode
    }
}

/// What the holder keeps: the issuer-signed COSE_Sign1 and every attribute with its salt.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedCertificate {
    /// The tagged COSE_Sign1 bytes.
    pub signed: Vec<u8>,
    /// Every attribute with its salt, in the issuer's order.
    pub disclosures: Vec<Disclosure>,
}

impl fmt::Debug for IssuedCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedCertificate")
            .field("signed_len", &self.signed.len())
            .field("disclosures", &self.disclosures)
            .finish()
    }
}

/// An issuing department's signing key, its key id and credit code.
pub struct CertificateIssuer<'k> {
    key: &'k SigningKey,
    key_id: Vec<u8>,
    code: CreditCode,
}

impl fmt::Debug for CertificateIssuer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificateIssuer").field("code", &self.code).finish_non_exhaustive()
    }
}

/// The UTC offset of China Standard Time.
fn china_offset() -> Result<UtcOffset, IssueError> {
    UtcOffset::from_hms(CHINA_UTC_OFFSET_HOURS, 0, 0).map_err(|_| IssueError::TimeOutOfRange)
}

/// The calendar day (China Standard Time) of a Unix time.
///
/// # Errors
/// [`IssueError::TimeOutOfRange`] for a time the calendar cannot hold.
pub fn china_date_of(unix_seconds: i64) -> Result<Date, IssueError> {
    let at = OffsetDateTime::from_unix_timestamp(unix_seconds).map_err(|_| IssueError::TimeOutOfRange)?;
    Ok(at.to_offset(china_offset()?).date())
}

/// The Unix time of midnight (China Standard Time) starting `day`.
///
/// # Errors
/// [`IssueError::TimeOutOfRange`] never in practice; kept for dates at the calendar's edges.
pub fn china_midnight(day: Date) -> Result<i64, IssueError> {
    Ok(day.midnight().assume_offset(china_offset()?).unix_timestamp())
}

impl<'k> CertificateIssuer<'k> {
    /// An issuer signing with `key`, announced as `key_id`, for the department `code`.
    pub fn new(key: &'k SigningKey, key_id: impl Into<Vec<u8>>, code: CreditCode) -> Self {
        Self { key, key_id: key_id.into(), code }
    }

    /// The department's credit code.
    pub fn code(&self) -> &CreditCode {
        &self.code
    }

    /// Issues `certificate` under `id` to the holder of `device_key`, at `issued_at` (Unix
    /// seconds). Validity runs from midnight starting the first valid day to midnight ending the
    /// last one, China Standard Time. Every attribute gets a fresh random salt.
    ///
    /// # Errors
    /// [`IssueError`] when the identifier, metadata and issuer disagree, the device key is not
    /// P-256, or signing fails.
    pub fn issue(
        &self,
        certificate: &Certificate,
        id: &CertificateId,
        device_key: &VerifyingKey,
        status: &StatusReference,
        issued_at: i64,
    ) -> Result<IssuedCertificate, IssueError> {
        let certificate_type = certificate.certificate_type();
        if *id.type_code() != certificate_type.type_code() {
            return Err(IssueError::TypeMismatch);
        }
        if *id.issuer() != self.code || certificate.metadata.issuer_code != self.code {
            return Err(IssueError::IssuerMismatch);
        }
        if device_key.kind() != PublicKeyKind::EcP256 {
            return Err(IssueError::DeviceKeyNotP256);
        }
        let attributes = certificate
            .attributes(china_date_of(issued_at)?)
            .map_err(|duplicate| IssueError::DuplicateAttribute(duplicate.0))?;
        let mut disclosures = Vec::with_capacity(attributes.len());
        let mut digests = Vec::with_capacity(attributes.len());
        for (name, value) in attributes.iter() {
            if codes::code_of(name).is_none() {
                return Err(IssueError::UnregisteredAttribute(name.to_owned()));
            }
            let disclosure = Disclosure::with_random_salt(name, value.clone()).map_err(IssueError::Crypto)?;
            digests.push((name.to_owned(), disclosure.digest()?));
            disclosures.push(disclosure);
        }
        let validity = certificate.metadata.validity;
        let expires_at = match validity.until() {
            Some(last_day) => Some(china_midnight(last_day.next_day().ok_or(IssueError::TimeOutOfRange)?)?),
            None => None,
        };
        let payload = CertificatePayload {
            id: id.clone(),
            certificate_type,
            issued_at,
            not_before: china_midnight(validity.from())?,
            expires_at,
            jurisdiction: certificate.metadata.jurisdiction.clone(),
            digests,
            device_key: device_key.clone(),
            status: status.clone(),
        };
        let signed = cose::sign_cwt(
            SigningPurpose::Certificate,
            &payload.to_claims().map_err(|_| IssueError::Encode)?,
            &self.key_id,
            self.key,
        )
        .map_err(IssueError::Sign)?;
        Ok(IssuedCertificate { signed, disclosures })
    }

    /// A copy of the certificate `template` for another device of the holder: the same
    /// identifier, dates, status entry, salted digests and disclosures, bound to `device_key`
    /// and signed by this issuer. Nothing is drawn again from the registry, so a copy made years
    /// later says exactly what the certificate said when it was issued.
    ///
    /// # Errors
    /// [`IssueError::Template`] when `template` is not a certificate, [`IssueError::IssuerMismatch`]
    /// when it is another department's, [`IssueError::DeviceKeyNotP256`], or signing fails.
    pub fn rebind(
        &self,
        template: &IssuedCertificate,
        device_key: &VerifyingKey,
    ) -> Result<IssuedCertificate, IssueError> {
        if device_key.kind() != PublicKeyKind::EcP256 {
            return Err(IssueError::DeviceKeyNotP256);
        }
        // The template is the backend's own stored data, not input from outside: it was signed
        // by this department when issued, possibly under a key since rotated.
        let message = cose::Sign1::decode(&template.signed).map_err(|_| IssueError::Template)?;
        let claims =
            cose::CwtClaims::from_slice(message.unverified_payload()).map_err(|_| IssueError::Template)?;
        let mut payload = CertificatePayload::from_claims(&claims).map_err(|_| IssueError::Template)?;
        if *payload.issuer() != self.code {
            return Err(IssueError::IssuerMismatch);
        }
        payload.device_key = device_key.clone();
        let signed = cose::sign_cwt(
            SigningPurpose::Certificate,
            &payload.to_claims().map_err(|_| IssueError::Encode)?,
            &self.key_id,
            self.key,
        )
        .map_err(IssueError::Sign)?;
        Ok(IssuedCertificate { signed, disclosures: template.disclosures.clone() })
    }

    /// Issues the renewal of the certificate identified by `previous`: the same serial under the
    /// next version number. Returns the new identifier with the certificate.
    ///
    /// # Errors
    /// [`IssueError::Renewal`] after version 999, and everything [`CertificateIssuer::issue`]
    /// returns.
    pub fn renew(
        &self,
        previous: &CertificateId,
        certificate: &Certificate,
        device_key: &VerifyingKey,
        status: &StatusReference,
        issued_at: i64,
    ) -> Result<(CertificateId, IssuedCertificate), IssueError> {
        let id = previous.next_version().map_err(IssueError::Renewal)?;
        let issued = self.issue(certificate, &id, device_key, status, issued_at)?;
        Ok((id, issued))
    }
}
