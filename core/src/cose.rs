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

use std::fmt;

use coset::cwt::{ClaimsSet, Timestamp};
use coset::iana::{self, EnumI64};
use coset::{
    AsCborValue, CborSerializable, CoseSign1, CoseSign1Builder, HeaderBuilder, Label,
    RegisteredLabelWithPrivate,
};

pub use coset::cbor::value::Value;

use crate::crypto::{CryptoError, SignatureAlgorithm, SigningKey, SigningPurpose, VerifyingKey};

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

/// A decoded but not yet verified COSE_Sign1 message. `Debug` shows the headers' shape, not the
/// payload.
#[derive(Clone)]
pub struct Sign1 {
    inner: CoseSign1,
    tags: Vec<u64>,
}

impl fmt::Debug for Sign1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sign1")
            .field("tags", &self.tags)
            .field("algorithm", &self.algorithm().ok())
            .field("key_id_len", &self.key_id().map(<[u8]>::len))
            .field("payload_len", &self.inner.payload.as_ref().map(Vec::len))
            .finish()
    }
}

impl Sign1 {
    /// Decodes a COSE_Sign1 message: tagged 18 or untagged, optionally wrapped in CWT tag 61.
    ///
    /// # Errors
    /// [`CoseError::Malformed`] when the bytes are not a COSE_Sign1, [`CoseError::UnexpectedTag`]
    /// for any other tag, and [`CoseError::DetachedPayload`] for a `nil` payload.
    pub fn decode(bytes: &[u8]) -> Result<Self, CoseError> {
        let message = Self::decode_any(bytes)?;
        if message.inner.payload.is_none() {
            return Err(CoseError::DetachedPayload);
        }
        Ok(message)
    }

    /// Decodes a COSE_Sign1 message whose payload is detached (`nil`), supplying the `payload`
    /// the signature covers; the message then verifies like one with the payload embedded.
    ///
    /// # Errors
    /// As [`Sign1::decode`], and [`CoseError::Malformed`] when the message embeds a payload.
    pub fn decode_detached(bytes: &[u8], payload: Vec<u8>) -> Result<Self, CoseError> {
        let mut message = Self::decode_any(bytes)?;
        if message.inner.payload.is_some() {
            return Err(CoseError::Malformed("expected a detached payload".into()));
        }
        // Nothing but the signature covers the bytes of a detached message's own encoding, so
        // only the one canonical encoding is accepted: no `undefined` for `nil`, no long forms.
        let canonical = match message.tags.as_slice() {
            [] => coset::CborSerializable::to_vec(message.inner.clone()),
            [TAG_COSE_SIGN1] => coset::TaggedCborSerializable::to_tagged_vec(message.inner.clone()),
            _ => return Err(CoseError::Malformed("unexpected tags on a detached message".into())),
        };
        if canonical.ok().as_deref() != Some(bytes) {
            return Err(CoseError::Malformed("not the canonical encoding".into()));
        }
        message.inner.payload = Some(payload);
        Ok(message)
    }

    fn decode_any(bytes: &[u8]) -> Result<Self, CoseError> {
        let mut value = read_one_item(bytes).map_err(CoseError::Malformed)?;
        let mut tags = Vec::new();
        while let Value::Tag(tag, inner) = value {
            let allowed = match tag {
                TAG_CWT => tags.is_empty(),
                TAG_COSE_SIGN1 => !tags.contains(&TAG_COSE_SIGN1),
                _ => false,
            };
            if !allowed {
                return Err(CoseError::UnexpectedTag(tag));
            }
            tags.push(tag);
            value = *inner;
        }
        let mut inner = CoseSign1::from_cbor_value(value).map_err(|e| CoseError::Malformed(e.to_string()))?;
        // RFC 9052 section 4.4: with no protected attributes, the Sig_structure holds a
        // zero-length bstr, even when the message spells the empty map out as `h'A0'`.
        if inner.protected.header.is_empty() {
            inner.protected.original_data = None;
        }
        let critical_ok = inner.protected.header.crit.iter().all(|label| {
            matches!(
                label,
                RegisteredLabelWithPrivate::Assigned(iana::HeaderParameter::Alg | iana::HeaderParameter::Kid)
            )
        });
        if !critical_ok {
            return Err(CoseError::UnsupportedCriticalHeader);
        }
        Ok(Self { inner, tags })
    }

    /// The CBOR tags found around the message, outermost first (e.g. `[61, 18]`).
    pub fn tags(&self) -> &[u64] {
        &self.tags
    }

    /// The key id: from the protected header if it has one, otherwise from the unprotected header
    /// (the legacy placement). An id in the unprotected header never overrides a protected one.
    pub fn key_id(&self) -> Option<&[u8]> {
        let protected = &self.inner.protected.header.key_id;
        let unprotected = &self.inner.unprotected.key_id;
        if !protected.is_empty() {
            Some(protected)
        } else if !unprotected.is_empty() {
            Some(unprotected)
        } else {
            None
        }
    }

    /// The signature algorithm, from the protected header or else the unprotected one.
    ///
    /// # Errors
    /// [`CoseError::MissingAlgorithm`] or [`CoseError::UnsupportedAlgorithm`].
    pub fn algorithm(&self) -> Result<SignatureAlgorithm, CoseError> {
        let alg = self
            .inner
            .protected
            .header
            .alg
            .as_ref()
            .or(self.inner.unprotected.alg.as_ref())
            .ok_or(CoseError::MissingAlgorithm)?;
        match alg {
            RegisteredLabelWithPrivate::Assigned(iana::Algorithm::ES256) => Ok(SignatureAlgorithm::Es256),
            RegisteredLabelWithPrivate::Assigned(iana::Algorithm::ES384) => Ok(SignatureAlgorithm::Es384),
            RegisteredLabelWithPrivate::Assigned(iana::Algorithm::PS256) => Ok(SignatureAlgorithm::Ps256),
            _ => Err(CoseError::UnsupportedAlgorithm),
        }
    }

    /// The payload, before any signature check: only for inspecting structure.
    pub fn unverified_payload(&self) -> &[u8] {
        self.inner.payload.as_deref().unwrap_or_default()
    }

    /// A value from the protected header under an integer label other than alg/kid/crit/content
    /// type, e.g. a private header of our own formats.
    pub fn protected_header_value(&self, label: i64) -> Option<&Value> {
        self.inner.protected.header.rest.iter().find(|(l, _)| *l == Label::Int(label)).map(|(_, v)| v)
    }

    /// The `Sig_structure` that the signature covers, for `external_aad` (RFC 9052 section 4.4).
    pub fn to_be_signed(&self, external_aad: &[u8]) -> Vec<u8> {
        self.inner.tbs_data(external_aad)
    }

    /// Verifies the signature with `key` and `external_aad`, returning the payload.
    ///
    /// # Errors
    /// [`CoseError::BadSignature`], or an algorithm problem.
    pub fn verify_with_key(&self, external_aad: &[u8], key: &VerifyingKey) -> Result<&[u8], CoseError> {
        let algorithm = self.algorithm()?;
        self.inner.verify_signature(external_aad, |signature, to_be_signed| {
            key.verify(algorithm, to_be_signed, signature)
        })?;
        Ok(self.unverified_payload())
    }

    /// Verifies the signature with the key that `lookup` returns for the message's key id,
    /// returning the payload.
    ///
    /// # Errors
    /// [`CoseError::MissingKeyId`], [`CoseError::UnknownKeyId`] when `lookup` answers `None`,
    /// [`CoseError::BadSignature`], or an algorithm problem.
    pub fn verify(
        &self,
        external_aad: &[u8],
        lookup: impl FnOnce(&[u8]) -> Option<VerifyingKey>,
    ) -> Result<&[u8], CoseError> {
        let key_id = self.key_id().ok_or(CoseError::MissingKeyId)?;
        let key = lookup(key_id).ok_or(CoseError::UnknownKeyId)?;
        self.verify_with_key(external_aad, &key)
    }

    /// Verifies a message of one of our own formats, signed for `purpose` by [`sign`].
    ///
    /// # Errors
    /// As [`Sign1::verify`]; a message signed for another purpose fails with
    /// [`CoseError::BadSignature`].
    pub fn verify_for(
        &self,
        purpose: SigningPurpose,
        lookup: impl FnOnce(&[u8]) -> Option<VerifyingKey>,
    ) -> Result<&[u8], CoseError> {
        self.verify(purpose.label(), lookup)
    }
}

/// Signs `payload` for `purpose` as a tagged COSE_Sign1 with ES256, the algorithm and `key_id` in
/// the protected header and the purpose's label as `external_aad`.
///
/// # Errors
/// [`CoseError::Crypto`] when signing fails, [`CoseError::Encode`] when encoding does.
pub fn sign(
    purpose: SigningPurpose,
    payload: &[u8],
    key_id: &[u8],
    key: &SigningKey,
) -> Result<Vec<u8>, CoseError> {
    sign_with(purpose, payload, key_id, |to_be_signed| {
        key.sign_raw(to_be_signed).map(|s| s.to_vec()).map_err(CoseError::from)
    })
}

/// Signs `payload` for `purpose` like [`sign`], with the ES256 signature made by `sign_es256`
/// over the `Sig_structure` it is given: for keys held outside this crate (a platform key store).
///
/// # Errors
/// What `sign_es256` returns, and [`CoseError::Encode`] when encoding fails.
pub fn sign_with(
    purpose: SigningPurpose,
    payload: &[u8],
    key_id: &[u8],
    sign_es256: impl FnOnce(&[u8]) -> Result<Vec<u8>, CoseError>,
) -> Result<Vec<u8>, CoseError> {
    let protected = HeaderBuilder::new().algorithm(iana::Algorithm::ES256).key_id(key_id.to_vec()).build();
    let message = CoseSign1Builder::new()
        .protected(protected)
        .payload(payload.to_vec())
        .try_create_signature(purpose.label(), sign_es256)?
        .build();
    coset::TaggedCborSerializable::to_tagged_vec(message).map_err(|_| CoseError::Encode)
}

/// Signs `payload` for `purpose` like [`sign_with`], but leaves the payload out of the message
/// (`nil`, RFC 9052 section 4.1): the verifier rebuilds it and reads the message with
/// [`Sign1::decode_detached`]. For signatures over data the verifier already has.
///
/// # Errors
/// As [`sign_with`].
pub fn sign_detached_with(
    purpose: SigningPurpose,
    payload: &[u8],
    key_id: &[u8],
    sign_es256: impl FnOnce(&[u8]) -> Result<Vec<u8>, CoseError>,
) -> Result<Vec<u8>, CoseError> {
    let protected = HeaderBuilder::new().algorithm(iana::Algorithm::ES256).key_id(key_id.to_vec()).build();
    let message = CoseSign1Builder::new()
        .protected(protected)
        .try_create_detached_signature(payload, purpose.label(), sign_es256)?
        .build();
    coset::TaggedCborSerializable::to_tagged_vec(message).map_err(|_| CoseError::Encode)
}

/// Signs CWT `claims` for `purpose`; see [`sign`].
///
/// # Errors
/// As [`sign`], and [`CoseError::Encode`] when the claims cannot be encoded.
pub fn sign_cwt(
    purpose: SigningPurpose,
    claims: &CwtClaims,
    key_id: &[u8],
    key: &SigningKey,
) -> Result<Vec<u8>, CoseError> {
    sign(purpose, &claims.to_vec()?, key_id, key)
}

/// A CWT claims set (RFC 8392): iss=1, sub=2, aud=3, exp=4, nbf=5, iat=6, cti=7, and private
/// claims. `Debug` is redacted because claims carry personal data.
#[derive(Clone, Default, PartialEq)]
pub struct CwtClaims(ClaimsSet);

impl fmt::Debug for CwtClaims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CwtClaims([redacted])")
    }
}

/// Why a CWT is not valid at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClaimsTimeError {
    /// `now` is before `nbf` or before `iat`.
    #[error("the token is not valid yet")]
    NotYetValid,
    /// `now` is at or after `exp`.
    #[error("the token has expired")]
    Expired,
    /// A time claim the check requires is absent.
    #[error("the token has no {0} claim")]
    Missing(&'static str),
}

fn timestamp_seconds(t: &Timestamp) -> Option<i64> {
    match *t {
        Timestamp::WholeSeconds(s) => Some(s),
        // `as` saturates; NaN becomes 0, so reject non-finite values explicitly.
        Timestamp::FractionalSeconds(f) if f.is_finite() => Some(f.floor() as i64),
        Timestamp::FractionalSeconds(_) => None,
    }
}

impl CwtClaims {
    /// An empty claims set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes a claims set from CBOR (the payload of a CWT).
    ///
    /// # Errors
    /// [`CoseError::Claims`] when the bytes are not one CBOR map of valid claims.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CoseError> {
        let value = read_one_item(bytes).map_err(CoseError::Claims)?;
        ClaimsSet::from_cbor_value(value).map(Self).map_err(|e| CoseError::Claims(e.to_string()))
    }

    /// Encodes the claims set as CBOR.
    ///
    /// # Errors
    /// [`CoseError::Encode`] when a claim cannot be encoded (e.g. a duplicate private claim).
    pub fn to_vec(&self) -> Result<Vec<u8>, CoseError> {
        self.0.clone().to_vec().map_err(|_| CoseError::Encode)
    }

    /// Sets the issuer (`iss`).
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.0.issuer = Some(issuer.into());
        self
    }
    /// Sets the subject (`sub`).
    pub fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.0.subject = Some(subject.into());
        self
    }
    /// Sets the audience (`aud`).
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.0.audience = Some(audience.into());
        self
    }
    /// Sets the expiry (`exp`), in Unix seconds.
    pub fn with_expires_at(mut self, at: i64) -> Self {
        self.0.expiration_time = Some(Timestamp::WholeSeconds(at));
        self
    }
    /// Sets the start of validity (`nbf`), in Unix seconds.
    pub fn with_not_before(mut self, at: i64) -> Self {
        self.0.not_before = Some(Timestamp::WholeSeconds(at));
        self
    }
    /// Sets the issue time (`iat`), in Unix seconds.
    pub fn with_issued_at(mut self, at: i64) -> Self {
        self.0.issued_at = Some(Timestamp::WholeSeconds(at));
        self
    }
    /// Sets the token id (`cti`).
    pub fn with_cwt_id(mut self, id: impl Into<Vec<u8>>) -> Self {
        self.0.cwt_id = Some(id.into());
        self
    }
    /// Adds or replaces a claim under an integer label outside 1..=7 (e.g. -260 for hcert).
    pub fn with_private_claim(mut self, label: i64, value: Value) -> Self {
        self.0.rest.retain(|(l, _)| claim_label_int(l) != Some(label));
        let name = match iana::CwtClaimName::from_i64(label) {
            Some(assigned) => RegisteredLabelWithPrivate::Assigned(assigned),
            None => RegisteredLabelWithPrivate::PrivateUse(label),
        };
        self.0.rest.push((name, value));
        self
    }

    /// The issuer (`iss`).
    pub fn issuer(&self) -> Option<&str> {
        self.0.issuer.as_deref()
    }
    /// The subject (`sub`); personal data in most formats.
    pub fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }
    /// The audience (`aud`).
    pub fn audience(&self) -> Option<&str> {
        self.0.audience.as_deref()
    }
    /// The expiry (`exp`) in Unix seconds; fractional times are rounded down.
    pub fn expires_at(&self) -> Option<i64> {
        self.0.expiration_time.as_ref().and_then(timestamp_seconds)
    }
    /// The start of validity (`nbf`) in Unix seconds.
    pub fn not_before(&self) -> Option<i64> {
        self.0.not_before.as_ref().and_then(timestamp_seconds)
    }
    /// The issue time (`iat`) in Unix seconds.
    pub fn issued_at(&self) -> Option<i64> {
        self.0.issued_at.as_ref().and_then(timestamp_seconds)
    }
    /// The token id (`cti`).
    pub fn cwt_id(&self) -> Option<&[u8]> {
        self.0.cwt_id.as_deref()
    }
    /// The claim under an integer label other than the registered 1..=7.
    pub fn claim(&self, label: i64) -> Option<&Value> {
        self.0.rest.iter().find(|(l, _)| claim_label_int(l) == Some(label)).map(|(_, v)| v)
    }

    /// Checks `nbf`, `iat` and `exp` against `now`: valid from `max(nbf, iat)` until just before
    /// `exp`. Absent claims are not checked unless listed in `required` (of "iat", "exp", "nbf").
    ///
    /// # Errors
    /// [`ClaimsTimeError`] saying which bound is broken or which required claim is missing.
    pub fn check_time(&self, now: i64, required: &[&'static str]) -> Result<(), ClaimsTimeError> {
        let claims = [("iat", self.issued_at()), ("nbf", self.not_before()), ("exp", self.expires_at())];
        for (name, value) in claims {
            if value.is_none() && required.contains(&name) {
                return Err(ClaimsTimeError::Missing(name));
            }
        }
        if self.not_before().is_some_and(|t| now < t) || self.issued_at().is_some_and(|t| now < t) {
            return Err(ClaimsTimeError::NotYetValid);
        }
        if self.expires_at().is_some_and(|t| now >= t) {
            return Err(ClaimsTimeError::Expired);
        }
        Ok(())
    }
}

fn claim_label_int(label: &coset::cwt::ClaimName) -> Option<i64> {
    match label {
        RegisteredLabelWithPrivate::Assigned(a) => Some(a.to_i64()),
        RegisteredLabelWithPrivate::PrivateUse(i) => Some(*i),
        RegisteredLabelWithPrivate::Text(_) => None,
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use coset::TaggedCborSerializable;

    fn key() -> SigningKey {
        SigningKey::generate_p256().expect("keygen")
    }

    fn lookup_for(kid: &'static [u8], key: &SigningKey) -> impl FnOnce(&[u8]) -> Option<VerifyingKey> {
        let public = key.verifying_key();
        move |asked: &[u8]| (asked == kid).then_some(public)
    }

    #[test]
    fn sign_then_verify_round_trips() {
        let key = key();
        let bytes = sign(SigningPurpose::Certificate, b"hello", b"kid-1", &key).expect("sign");
        let message = Sign1::decode(&bytes).expect("decode");
        assert_eq!(message.tags(), [TAG_COSE_SIGN1]);
        assert_eq!(message.key_id(), Some(&b"kid-1"[..]));
        assert_eq!(message.algorithm(), Ok(SignatureAlgorithm::Es256));
        let payload =
            message.verify_for(SigningPurpose::Certificate, lookup_for(b"kid-1", &key)).expect("verifies");
        assert_eq!(payload, b"hello");
    }

    #[test]
    fn a_signature_for_one_purpose_never_verifies_for_another() {
        let key = key();
        for signed_for in SigningPurpose::ALL {
            let bytes = sign(signed_for, b"same payload", b"k", &key).expect("sign");
            let message = Sign1::decode(&bytes).expect("decode");
            for checked_as in SigningPurpose::ALL {
                let result = message.verify_for(checked_as, lookup_for(b"k", &key));
                if signed_for == checked_as {
                    assert!(result.is_ok(), "{signed_for:?}");
                } else {
                    assert_eq!(result, Err(CoseError::BadSignature), "{signed_for:?} as {checked_as:?}");
                }
            }
            // Nor as a plain COSE message with an empty external_aad.
            assert_eq!(message.verify(b"", lookup_for(b"k", &key)), Err(CoseError::BadSignature));
        }
    }

    #[test]
    fn unknown_and_missing_key_ids_are_told_apart() {
        let key = key();
        let bytes = sign(SigningPurpose::Presentation, b"p", b"kid-1", &key).expect("sign");
        let message = Sign1::decode(&bytes).expect("decode");
        assert_eq!(
            message.verify_for(SigningPurpose::Presentation, lookup_for(b"kid-2", &key)),
            Err(CoseError::UnknownKeyId)
        );
        let no_kid = CoseSign1Builder::new()
            .protected(HeaderBuilder::new().algorithm(iana::Algorithm::ES256).build())
            .payload(b"p".to_vec())
            .build()
            .to_tagged_vec()
            .expect("encode");
        let message = Sign1::decode(&no_kid).expect("decode");
        assert_eq!(message.verify(b"", lookup_for(b"kid-1", &key)), Err(CoseError::MissingKeyId));
    }

    #[test]
    fn tampering_with_any_part_fails() {
        let key = key();
        let public = key.verifying_key();
        let bytes = sign(SigningPurpose::TrustList, b"list of issuers", b"k", &key).expect("sign");
        let original = Sign1::decode(&bytes).expect("decode");
        assert!(original.verify_with_key(SigningPurpose::TrustList.label(), &public).is_ok());

        let mut payload_changed = original.clone();
        payload_changed.inner.payload = Some(b"list of issuerz".to_vec());
        assert_eq!(
            payload_changed.verify_with_key(SigningPurpose::TrustList.label(), &public),
            Err(CoseError::BadSignature)
        );
        let mut signature_changed = original.clone();
        if let Some(b) = signature_changed.inner.signature.first_mut() {
            *b ^= 0x80;
        }
        assert_eq!(
            signature_changed.verify_with_key(SigningPurpose::TrustList.label(), &public),
            Err(CoseError::BadSignature)
        );
        let other = SigningKey::generate_p256().expect("keygen").verifying_key();
        assert_eq!(
            original.verify_with_key(SigningPurpose::TrustList.label(), &other),
            Err(CoseError::BadSignature)
        );
    }

    /// Re-encodes a signed message with different tags and a key id only in the unprotected
    /// header, signing it again so that only the envelope differs.
    fn envelope(key: &SigningKey, protected_kid: &[u8], unprotected_kid: &[u8]) -> CoseSign1 {
        CoseSign1Builder::new()
            .protected(
                HeaderBuilder::new().algorithm(iana::Algorithm::ES256).key_id(protected_kid.to_vec()).build(),
            )
            .unprotected(HeaderBuilder::new().key_id(unprotected_kid.to_vec()).build())
            .payload(b"payload".to_vec())
            .try_create_signature(b"", |tbs| key.sign_raw(tbs).map(|s| s.to_vec()))
            .expect("sign")
            .build()
    }

    #[test]
    fn tags_18_and_61_are_optional_and_other_tags_are_rejected() {
        let key = key();
        let value = envelope(&key, b"k", b"").to_cbor_value().expect("value");
        let encode = |v: Value| {
            let mut out = Vec::new();
            ciborium::ser::into_writer(&v, &mut out).expect("encode");
            out
        };
        let tag = |t: u64, v: Value| Value::Tag(t, Box::new(v));
        let cases = [
            (encode(value.clone()), Ok(vec![])),
            (encode(tag(18, value.clone())), Ok(vec![18])),
            (encode(tag(61, tag(18, value.clone()))), Ok(vec![61, 18])),
            (encode(tag(61, value.clone())), Ok(vec![61])),
            (encode(tag(998, value.clone())), Err(CoseError::UnexpectedTag(998))),
            (encode(tag(18, tag(61, value.clone()))), Err(CoseError::UnexpectedTag(61))),
            (encode(tag(18, tag(18, value))), Err(CoseError::UnexpectedTag(18))),
        ];
        for (bytes, expected) in cases {
            let decoded = Sign1::decode(&bytes);
            match (&decoded, expected) {
                (Ok(message), Ok(tags)) => {
                    assert_eq!(message.tags(), tags);
                    assert!(message.verify(b"", lookup_for(b"k", &key)).is_ok());
                }
                (Err(e), Err(expected)) => assert_eq!(*e, expected),
                (got, want) => panic!("got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn protected_key_id_wins_over_unprotected() {
        let key = key();
        let legacy = envelope(&key, b"", b"legacy").to_tagged_vec().expect("encode");
        let message = Sign1::decode(&legacy).expect("decode");
        assert_eq!(message.key_id(), Some(&b"legacy"[..]));
        assert!(message.verify(b"", lookup_for(b"legacy", &key)).is_ok());

        let both = envelope(&key, b"right", b"wrong").to_tagged_vec().expect("encode");
        let message = Sign1::decode(&both).expect("decode");
        assert_eq!(message.key_id(), Some(&b"right"[..]));
        assert_eq!(message.verify(b"", lookup_for(b"wrong", &key)), Err(CoseError::UnknownKeyId));
    }

    #[test]
    fn unsupported_algorithms_are_rejected() {
        let message = CoseSign1Builder::new()
            .protected(HeaderBuilder::new().algorithm(iana::Algorithm::EdDSA).key_id(b"k".to_vec()).build())
            .payload(b"p".to_vec())
            .signature(vec![0; 64])
            .build()
            .to_tagged_vec()
            .expect("encode");
        let message = Sign1::decode(&message).expect("decode");
        assert_eq!(message.algorithm(), Err(CoseError::UnsupportedAlgorithm));
        let public = key().verifying_key();
        assert_eq!(message.verify_with_key(b"", &public), Err(CoseError::UnsupportedAlgorithm));
    }

    #[test]
    fn cwt_claims_round_trip_and_time_checks() {
        let claims = CwtClaims::new()
            .with_issuer("CN")
            .with_subject("holder")
            .with_audience("verifier")
            .with_issued_at(1_000)
            .with_not_before(1_100)
            .with_expires_at(2_000)
            .with_cwt_id(b"id".to_vec())
            .with_private_claim(-260, Value::Text("old".into()))
            .with_private_claim(-260, Value::Text("hcert".into()))
            .with_private_claim(-70_000, Value::Integer(5.into()));
        let key = key();
        let bytes = sign_cwt(SigningPurpose::Certificate, &claims, b"k", &key).expect("sign");
        let message = Sign1::decode(&bytes).expect("decode");
        let payload =
            message.verify_for(SigningPurpose::Certificate, lookup_for(b"k", &key)).expect("verify");
        let decoded = CwtClaims::from_slice(payload).expect("claims");
        assert_eq!(decoded, claims);
        assert_eq!(decoded.issuer(), Some("CN"));
        assert_eq!(decoded.subject(), Some("holder"));
        assert_eq!(decoded.audience(), Some("verifier"));
        assert_eq!(
            (decoded.issued_at(), decoded.not_before(), decoded.expires_at()),
            (Some(1_000), Some(1_100), Some(2_000))
        );
        assert_eq!(decoded.cwt_id(), Some(&b"id"[..]));
        assert_eq!(decoded.claim(-260), Some(&Value::Text("hcert".into())));
        assert_eq!(decoded.claim(-70_000), Some(&Value::Integer(5.into())));
        assert_eq!(decoded.claim(-261), None);

        assert_eq!(decoded.check_time(1_050, &[]), Err(ClaimsTimeError::NotYetValid));
        assert_eq!(decoded.check_time(1_100, &["exp"]), Ok(()));
        assert_eq!(decoded.check_time(1_999, &[]), Ok(()));
        assert_eq!(decoded.check_time(2_000, &[]), Err(ClaimsTimeError::Expired));
        let open_ended = CwtClaims::new().with_issued_at(10);
        assert_eq!(open_ended.check_time(20, &[]), Ok(()));
        assert_eq!(open_ended.check_time(20, &["iat", "exp"]), Err(ClaimsTimeError::Missing("exp")));
        assert!(!format!("{decoded:?}").contains("holder"));
    }

    #[test]
    fn claims_that_are_not_a_map_are_rejected() {
        assert!(matches!(CwtClaims::from_slice(&[0x01]), Err(CoseError::Claims(_))));
        assert!(matches!(CwtClaims::from_slice(&[0xa0, 0x00]), Err(CoseError::Claims(_))));
        assert!(matches!(CwtClaims::from_slice(&[]), Err(CoseError::Claims(_))));
    }

    #[test]
    fn garbage_never_panics() {
        let key = key();
        let public = key.verifying_key();
        let claims = CwtClaims::new().with_issuer("X").with_expires_at(5);
        let valid = sign_cwt(SigningPurpose::Certificate, &claims, b"kid", &key).expect("sign");
        // Returns whether the bytes were accepted as a validly signed message.
        let try_bytes = |bytes: &[u8]| -> bool {
            let _ = CwtClaims::from_slice(bytes);
            let Ok(message) = Sign1::decode(bytes) else { return false };
            let _ = message.key_id();
            let _ = format!("{message:?}");
            match message.verify_with_key(SigningPurpose::Certificate.label(), &public) {
                Ok(payload) => {
                    let _ = CwtClaims::from_slice(payload);
                    true
                }
                Err(_) => false,
            }
        };
        assert!(try_bytes(&valid));
        for len in 0..valid.len() {
            assert!(!try_bytes(&valid[..len]), "truncated to {len} bytes");
        }
        for bit in 0..valid.len() * 8 {
            let mut flipped = valid.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            assert!(!try_bytes(&flipped), "bit {bit} flipped");
        }
        // Deep nesting must not overflow the stack.
        assert!(!try_bytes(&[0x81; 100_000]));
        assert!(!try_bytes(&[0xd8, 0x3d].repeat(50_000)));
    }
}
