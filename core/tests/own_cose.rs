//! Attack: algorithm confusion in the project's own COSE formats. The algorithm of a COSE_Sign1
//! may sit in the unprotected header, which the signature does not cover, and a generic reader
//! picks whatever it names. Our formats are signed ES256 with the algorithm in the protected
//! header; a message that says otherwise is refused before any signature check, with the real
//! verifier of each format.
#![allow(clippy::expect_used, clippy::panic)]

use coset::{CoseSign1Builder, HeaderBuilder, TaggedCborSerializable, iana};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use shimin_core::cose::{CoseError, Sign1};
use shimin_core::crypto::{SigningKey, SigningPurpose};
use shimin_core::status_list::{Bits, StatusList, StatusListClaims, StatusListError, VerifiedStatusList};

/// Re-signs `payload` for `purpose` with `key` (a genuine ES256 signature over what is sent),
/// with the algorithm `protected_alg` in the protected header and `unprotected_alg` in the other.
fn resigned(
    key: &SigningKey,
    purpose: SigningPurpose,
    payload: &[u8],
    protected_alg: Option<iana::Algorithm>,
    unprotected_alg: Option<iana::Algorithm>,
) -> Vec<u8> {
    let rng = SystemRandom::new();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, key.to_pkcs8().expose(), &rng)
        .expect("the key");
    let mut protected = HeaderBuilder::new().key_id(b"kid".to_vec());
    if let Some(alg) = protected_alg {
        protected = protected.algorithm(alg);
    }
    let mut unprotected = HeaderBuilder::new();
    if let Some(alg) = unprotected_alg {
        unprotected = unprotected.algorithm(alg);
    }
    CoseSign1Builder::new()
        .protected(protected.build())
        .unprotected(unprotected.build())
        .payload(payload.to_vec())
        .create_signature(purpose.label(), |tbs| pair.sign(&rng, tbs).expect("sign").as_ref().to_vec())
        .build()
        .to_tagged_vec()
        .expect("encode")
}

#[test]
fn our_formats_read_the_algorithm_from_the_protected_header_only_and_only_es256() {
    let key = SigningKey::generate_p256().expect("key");
    let public = key.verifying_key();
    let claims = StatusListClaims {
        uri: "https://s.example/1".into(),
        issued_at: 100,
        expires_at: None,
        ttl_seconds: None,
    };
    let genuine = StatusList::new(Bits::One, 16).sign(&claims, b"kid", &key).expect("sign");
    assert!(VerifiedStatusList::verify(&genuine, &public, 200).is_ok());
    let payload = Sign1::decode(&genuine).expect("decode").unverified_payload().to_vec();

    // The same claims, validly signed, but the algorithm named only where the signature does not
    // reach: accepted by a generic reader (and by this code before), refused now.
    let unprotected =
        resigned(&key, SigningPurpose::Revocation, &payload, None, Some(iana::Algorithm::ES256));
    assert_eq!(
        VerifiedStatusList::verify(&unprotected, &public, 200).err(),
        Some(StatusListError::Envelope(CoseError::MissingAlgorithm))
    );
    // Both headers naming one, even agreeing: refused (which one rules is not for an attacker to
    // pick).
    let both = resigned(
        &key,
        SigningPurpose::Revocation,
        &payload,
        Some(iana::Algorithm::ES256),
        Some(iana::Algorithm::ES256),
    );
    assert_eq!(
        VerifiedStatusList::verify(&both, &public, 200).err(),
        Some(StatusListError::Envelope(CoseError::UnsupportedAlgorithm))
    );
    // ES384 named over a P-256 key: refused before any hash is computed.
    let es384 = resigned(&key, SigningPurpose::Revocation, &payload, Some(iana::Algorithm::ES384), None);
    assert_eq!(
        VerifiedStatusList::verify(&es384, &public, 200).err(),
        Some(StatusListError::Envelope(CoseError::UnsupportedAlgorithm))
    );
    // The protected ES256 form, re-signed the same way, still verifies.
    let honest = resigned(&key, SigningPurpose::Revocation, &payload, Some(iana::Algorithm::ES256), None);
    assert!(VerifiedStatusList::verify(&honest, &public, 200).is_ok());
}
