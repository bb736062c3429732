//! COSE_Sign1 messages: decoding with our tolerances, verifying, and signing for a purpose.

use std::fmt;

use coset::iana;
use coset::{AsCborValue, CoseSign1, CoseSign1Builder, HeaderBuilder, Label, RegisteredLabelWithPrivate};

use super::{CoseError, TAG_COSE_SIGN1, TAG_CWT, Value, read_one_item};
use crate::crypto::{
    PublicKeyKind, SignatureAlgorithm, SigningKey, SigningPurpose, ToBeSigned, VerifyingKey,
};

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

    /// Verifies a message of one of the project's own formats (certificates, presentations,
    /// trust and status lists), signed for `purpose` with `key`. Stricter than
    /// [`Sign1::verify_with_key`], which also reads others' messages (EU DCCs, test vectors): the
    /// algorithm is read from the protected header only and must be ES256, the one our formats
    /// sign with; an algorithm in the unprotected header (which the signature does not cover) is
    /// refused, and so is any key but P-256 (no ES384 over a P-256 key, no mixing of hashes).
    ///
    /// # Errors
    /// [`CoseError::MissingAlgorithm`], [`CoseError::UnsupportedAlgorithm`],
    /// [`CoseError::BadSignature`].
    pub fn verify_own(&self, purpose: SigningPurpose, key: &VerifyingKey) -> Result<&[u8], CoseError> {
        match &self.inner.protected.header.alg {
            Some(RegisteredLabelWithPrivate::Assigned(iana::Algorithm::ES256)) => {}
            Some(_) => return Err(CoseError::UnsupportedAlgorithm),
            None => return Err(CoseError::MissingAlgorithm),
        }
        if self.inner.unprotected.alg.is_some() || key.kind() != PublicKeyKind::EcP256 {
            return Err(CoseError::UnsupportedAlgorithm);
        }
        self.inner.verify_signature(purpose.label(), |signature, to_be_signed| {
            key.verify(SignatureAlgorithm::Es256, to_be_signed, signature)
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
    sign_with(purpose, payload, key_id, |tbs| {
        key.sign_raw(tbs.as_bytes()).map(|s| s.to_vec()).map_err(CoseError::from)
    })
}

/// Signs `payload` for `purpose` like [`sign`], with the ES256 signature made by `sign_es256`
/// over the [`ToBeSigned`] it is given: for keys held outside this crate (a platform key store,
/// behind [`crate::present::DeviceSigner`]). Crate-private, like the `ToBeSigned` it builds: a
/// device key signs only what the presentation session and the liveness evidence put together.
///
/// # Errors
/// What `sign_es256` returns, and [`CoseError::Encode`] when encoding fails.
pub(crate) fn sign_with(
    purpose: SigningPurpose,
    payload: &[u8],
    key_id: &[u8],
    sign_es256: impl FnOnce(&ToBeSigned) -> Result<Vec<u8>, CoseError>,
) -> Result<Vec<u8>, CoseError> {
    let protected = HeaderBuilder::new().algorithm(iana::Algorithm::ES256).key_id(key_id.to_vec()).build();
    let message = CoseSign1Builder::new()
        .protected(protected)
        .payload(payload.to_vec())
        .try_create_signature(purpose.label(), |sig_structure| {
            sign_es256(&ToBeSigned::new(purpose, sig_structure.to_vec()))
        })?
        .build();
    coset::TaggedCborSerializable::to_tagged_vec(message).map_err(|_| CoseError::Encode)
}

/// Signs `payload` for `purpose` like [`sign_with`], but leaves the payload out of the message
/// (`nil`, RFC 9052 section 4.1): the verifier rebuilds it and reads the message with
/// [`Sign1::decode_detached`]. For signatures over data the verifier already has.
///
/// # Errors
/// As [`sign_with`].
pub(crate) fn sign_detached_with(
    purpose: SigningPurpose,
    payload: &[u8],
    key_id: &[u8],
    sign_es256: impl FnOnce(&ToBeSigned) -> Result<Vec<u8>, CoseError>,
) -> Result<Vec<u8>, CoseError> {
    let protected = HeaderBuilder::new().algorithm(iana::Algorithm::ES256).key_id(key_id.to_vec()).build();
    let message = CoseSign1Builder::new()
        .protected(protected)
        .try_create_detached_signature(payload, purpose.label(), |sig_structure| {
            sign_es256(&ToBeSigned::new(purpose, sig_structure.to_vec()))
        })?
        .build();
    coset::TaggedCborSerializable::to_tagged_vec(message).map_err(|_| CoseError::Encode)
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::cose::test_keys::{key, lookup_for};
    use coset::TaggedCborSerializable;

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
}
