//! The holder's presentation session as type states: [`Presentation<Init>`] holds a certificate,
//! choosing what to disclose gives [`Presentation<Ready>`], and signing with the device key (held
//! by the caller, behind [`DeviceSigner`]) gives a [`SignedPresentation`] with the QR text.

use std::fmt;

use super::request::{PresentationRequest, REQUEST_NONCE_LEN};
use super::wire::{DeviceSignature, DeviceSignedPayload, PresentationWire, WireError};
use crate::cert::types::names;
use crate::cert::{Disclosure, IssuedCertificate};
use crate::cose::{self, CoseError, Sign1};
use crate::crypto::{self, SigningKey, SigningPurpose, ToBeSigned};
use crate::qr::{self, QrEncodeError, QrMatrix};

/// How often the app draws a fresh presentation code, in seconds.
pub const PRESENTATION_REFRESH_SECS: u64 = 30;

/// Seconds left at `now` until a presentation signed at `signed_at` should be redrawn: from
/// [`PRESENTATION_REFRESH_SECS`] right after signing down to 0 when it is due (and after).
pub fn seconds_until_refresh(signed_at: i64, now: i64) -> u64 {
    let refresh = i128::from(PRESENTATION_REFRESH_SECS);
    let left = i128::from(signed_at) + refresh - i128::from(now);
    u64::try_from(left.clamp(0, refresh)).unwrap_or(0)
}

/// Why a device key could not sign. Carries no key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceSignerError {
    /// The key store refused or failed (locked, user cancelled, hardware error).
    #[error("the device key store could not sign: {0}")]
    KeyStore(String),
}

/// The holder's device key, wherever it lives (a platform key store, or a [`SigningKey`] in
/// memory). It signs with ES256 (P-256, SHA-256).
///
/// It is handed only a [`ToBeSigned`], which only this crate builds (for a presentation or for
/// liveness evidence, each with its purpose label), so whoever holds a signer can have it sign
/// nothing else. A key store outside the crate implements it by signing `tbs.as_bytes()`:
///
/// ```
/// use shimin_core::crypto::{SigningKey, ToBeSigned};
/// use shimin_core::present::{DeviceSigner, DeviceSignerError};
///
/// /// A key kept somewhere else; here, for the example, in memory.
/// struct KeyStore(SigningKey);
///
/// impl DeviceSigner for KeyStore {
///     fn sign_es256(&self, tbs: &ToBeSigned) -> Result<[u8; 64], DeviceSignerError> {
///         self.0.sign_es256(tbs)
///     }
/// }
/// ```
///
/// Chosen bytes are not accepted, from a key in memory or anywhere else:
///
/// ```compile_fail
/// use shimin_core::crypto::SigningKey;
/// use shimin_core::present::{DeviceSigner, DeviceSignerError};
///
/// fn forge(key: &SigningKey) -> Result<[u8; 64], DeviceSignerError> {
///     key.sign_es256(b"chosen bytes")
/// }
/// ```
pub trait DeviceSigner {
    /// Signs `tbs` (a COSE `Sig_structure` already bound to its purpose) with ES256, giving the
    /// 64-byte `r || s`.
    ///
    /// # Errors
    /// [`DeviceSignerError`] when the key cannot be used.
    fn sign_es256(&self, tbs: &ToBeSigned) -> Result<[u8; 64], DeviceSignerError>;
}

impl DeviceSigner for SigningKey {
    fn sign_es256(&self, tbs: &ToBeSigned) -> Result<[u8; 64], DeviceSignerError> {
        self.sign_raw(tbs.as_bytes()).map_err(|e| DeviceSignerError::KeyStore(e.to_string()))
    }
}

/// Why a presentation could not be made. Carries attribute names, never values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PresentError {
    /// The stored certificate is not a COSE_Sign1 we can read.
    #[error("the stored certificate is malformed: {0}")]
    BadCertificate(CoseError),
    /// The wallet's copy of the certificate holds an attribute twice (an issuer never signs
    /// such a list, so its presentation could not verify).
    #[error("the attribute {0} is in the certificate twice")]
    DuplicateAttribute(String),
    /// The preset needs an attribute this certificate type does not have (e.g. "identity" for a
    /// business licence).
    #[error("the preset does not apply: the certificate has no attribute {0}")]
    PresetNotApplicable(&'static str),
    /// The device key could not sign.
    #[error("the device could not sign: {0}")]
    Signer(DeviceSignerError),
    /// Encoding the device signature or the presentation failed.
    #[error("the presentation could not be encoded")]
    Encode,
}

impl From<WireError> for PresentError {
    fn from(_: WireError) -> Self {
        PresentError::Encode
    }
}

/// What to disclose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// Name, masked ID number and, when the certificate has one, the photo thumbnail.
    Identity,
    /// The issuer-signed derived boolean `age_over_18` and, when the certificate has one, the
    /// photo thumbnail: no birth date, no name. The photo lets the verifier see that the person
    /// showing the code is the one it speaks for (a code on a borrowed phone, or passed on, says
    /// "over 18" about someone else).
    AgeOver18,
    /// Every attribute.
    Full,
}

/// Type state: a certificate is chosen, the disclosures are not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Init;

/// Type state: the disclosures are chosen; ready to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ready {
    disclosed: Vec<Disclosure>,
}

/// A presentation being prepared, in state `S` ([`Init`] or [`Ready`]).
#[derive(Clone, PartialEq, Eq)]
pub struct Presentation<S> {
    issuer_signed: Vec<u8>,
    issuer_payload_digest: [u8; 32],
    all: Vec<Disclosure>,
    state: S,
}

impl<S: fmt::Debug> fmt::Debug for Presentation<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Presentation")
            .field("issuer_signed_len", &self.issuer_signed.len())
            .field("attributes", &self.all)
            .field("state", &self.state)
            .finish()
    }
}

impl Presentation<Init> {
    /// Starts presenting `certificate` as the wallet keeps it.
    ///
    /// # Errors
    /// [`PresentError::BadCertificate`] when its signed bytes are not a COSE_Sign1.
    pub fn new(certificate: &IssuedCertificate) -> Result<Self, PresentError> {
        let message = Sign1::decode(&certificate.signed).map_err(PresentError::BadCertificate)?;
        Ok(Self {
            issuer_signed: certificate.signed.clone(),
            issuer_payload_digest: crypto::sha256(message.unverified_payload()),
            all: certificate.disclosures.clone(),
            state: Init,
        })
    }

    /// Chooses the disclosures of `preset`.
    ///
    /// # Errors
    /// [`PresentError::PresetNotApplicable`] when the certificate lacks an attribute the preset
    /// needs; [`PresentError::DuplicateAttribute`] when the stored copy holds one twice.
    pub fn disclose(self, preset: &Preset) -> Result<Presentation<Ready>, PresentError> {
        let chosen: Vec<&Disclosure> = match preset {
            Preset::Identity => {
                let mut chosen = vec![self.required(names::NAME)?, self.required(names::ID_NUMBER_MASKED)?];
                chosen.extend(self.find(names::PHOTO));
                chosen
            }
            Preset::AgeOver18 => {
                let mut chosen = vec![self.required(names::AGE_OVER_18)?];
                chosen.extend(self.find(names::PHOTO));
                chosen
            }
            Preset::Full => self.all.iter().collect(),
        };
        self.ready(chosen)
    }

    /// Chooses exactly the attributes `names`, in that order, and no others: what a service
    /// needs for an application (`core::application::submission`), where no preset fits.
    ///
    /// # Errors
    /// [`PresentError::PresetNotApplicable`] naming the first attribute the certificate lacks;
    /// [`PresentError::DuplicateAttribute`] when `names` or the stored copy repeats one.
    pub fn disclose_only(self, names: &[&'static str]) -> Result<Presentation<Ready>, PresentError> {
        let chosen = names.iter().map(|name| self.required(name)).collect::<Result<Vec<_>, _>>()?;
        self.ready(chosen)
    }

    fn ready(&self, chosen: Vec<&Disclosure>) -> Result<Presentation<Ready>, PresentError> {
        let mut disclosed: Vec<Disclosure> = Vec::with_capacity(chosen.len());
        for found in chosen {
            if disclosed.iter().any(|d| d.name == found.name) {
                return Err(PresentError::DuplicateAttribute(found.name.clone()));
            }
            disclosed.push(found.clone());
        }
        Ok(Presentation {
            issuer_signed: self.issuer_signed.clone(),
            issuer_payload_digest: self.issuer_payload_digest,
            all: self.all.clone(),
            state: Ready { disclosed },
        })
    }

    fn find(&self, name: &str) -> Option<&Disclosure> {
        self.all.iter().find(|d| d.name == name)
    }

    fn required(&self, name: &'static str) -> Result<&Disclosure, PresentError> {
        self.find(name).ok_or(PresentError::PresetNotApplicable(name))
    }
}

impl Presentation<Ready> {
    /// The names about to be disclosed, in order (to show the holder before signing).
    pub fn disclosed_names(&self) -> impl Iterator<Item = &str> {
        self.state.disclosed.iter().map(|d| d.name.as_str())
    }

    /// Signs the presentation at `now` (Unix seconds) with the device key.
    ///
    /// # Errors
    /// [`PresentError::Signer`] when the key cannot sign, [`PresentError::Encode`] otherwise.
    pub fn sign(self, signer: &dyn DeviceSigner, now: i64) -> Result<SignedPresentation, PresentError> {
        self.sign_bound(signer, now, None)
    }

    /// Signs the presentation at `now` as the answer to a verifier's `request` (the two-way
    /// mode): the device signature covers the request's nonce, so the answer is good for that
    /// request only.
    ///
    /// # Errors
    /// As [`Presentation::sign`].
    pub fn sign_for_request(
        self,
        signer: &dyn DeviceSigner,
        now: i64,
        request: &PresentationRequest,
    ) -> Result<SignedPresentation, PresentError> {
        self.sign_bound(signer, now, Some(request.nonce))
    }

    fn sign_bound(
        self,
        signer: &dyn DeviceSigner,
        now: i64,
        request_nonce: Option<[u8; REQUEST_NONCE_LEN]>,
    ) -> Result<SignedPresentation, PresentError> {
        let payload = DeviceSignedPayload {
            issuer_payload_digest: self.issuer_payload_digest,
            disclosed_names: self.state.disclosed.iter().map(|d| d.name.clone()).collect(),
            signed_at: now,
            request_nonce,
        };
        let mut signer_error = None;
        let device =
            cose::sign_detached_with(SigningPurpose::Presentation, &payload.to_cbor()?, &[], |tbs| {
                signer.sign_es256(tbs).map(|s| s.to_vec()).map_err(|e| {
                    signer_error = Some(e);
                    CoseError::Encode
                })
            });
        let device = match (device, signer_error) {
            (_, Some(e)) => return Err(PresentError::Signer(e)),
            (Err(_), None) => return Err(PresentError::Encode),
            (Ok(d), None) => d,
        };
        let wire = PresentationWire {
            issuer_signed: self.issuer_signed,
            disclosures: self.state.disclosed,
            device_signature: Some(DeviceSignature { signed_at: now, cose: device, request_nonce }),
        };
        let text = wire.to_text()?;
        Ok(SignedPresentation { text, signed_at: now, disclosed_names: payload.disclosed_names })
    }
}

/// A signed presentation: the QR text, when it was signed and what it discloses (for the
/// wallet's log of presentations). `Debug` hides the text, which carries personal data.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedPresentation {
    text: String,
    signed_at: i64,
    disclosed_names: Vec<String>,
}

impl fmt::Debug for SignedPresentation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedPresentation")
            .field("text_len", &self.text.len())
            .field("signed_at", &self.signed_at)
            .field("disclosed_names", &self.disclosed_names)
            .finish()
    }
}

impl SignedPresentation {
    /// The text to put in the QR code: `SM1:` + Base45.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// When it was signed, Unix seconds.
    pub fn signed_at(&self) -> i64 {
        self.signed_at
    }

    /// The disclosed attribute names, in order.
    pub fn disclosed_names(&self) -> &[String] {
        &self.disclosed_names
    }

    /// Seconds left at `now` before the code should be redrawn; see [`seconds_until_refresh`].
    pub fn seconds_until_refresh(&self, now: i64) -> u64 {
        seconds_until_refresh(self.signed_at, now)
    }

    /// The QR code (alphanumeric mode, error correction L: it is shown on the holder's screen,
    /// never printed; ADR 0002).
    ///
    /// # Errors
    /// [`QrEncodeError::TooLong`] when it does not fit a version-40 code.
    pub fn to_qr(&self) -> Result<QrMatrix, QrEncodeError> {
        qr::encode_with(&self.text, qr::Ecl::L)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_counts_down_from_thirty_to_zero() {
        assert_eq!(seconds_until_refresh(1_000, 1_000), 30);
        assert_eq!(seconds_until_refresh(1_000, 1_029), 1);
        assert_eq!(seconds_until_refresh(1_000, 1_030), 0);
        assert_eq!(seconds_until_refresh(1_000, 5_000), 0);
        // A clock that went backwards does not give more than a full period.
        assert_eq!(seconds_until_refresh(1_000, 900), 30);
        assert_eq!(seconds_until_refresh(i64::MAX, i64::MIN), 30);
    }
}
