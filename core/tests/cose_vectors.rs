//! The COSE working group examples (`tests/data/cose`) against [`shimin_core::cose`]:
//! `sign1-tests/sign-pass-*` must verify, `sign-fail-*` must not, the ECDSA Sign1 examples verify
//! where we support the algorithm, and the RFC 8392 appendix A.3 CWT verifies with its claims.
//! Keys come from each file's `input.sign0.key`.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine;
use serde_json::Value;
use shimin_core::cose::{CoseError, CwtClaims, Sign1};
use shimin_core::crypto::VerifyingKey;

mod test_data;

fn cose_dir() -> PathBuf {
    test_data::path("cose")
}

fn load(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The files in `sub` whose names start with `prefix`, sorted.
fn files(sub: &str, prefix: &str) -> Vec<PathBuf> {
    let dir = cose_dir().join(sub);
    let mut found: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(prefix)))
        .collect();
    found.sort();
    found
}

fn hex_field(value: &Value, what: &str) -> Vec<u8> {
    let text = value.as_str().unwrap_or_else(|| panic!("{what} is not a string"));
    hex::decode(text).unwrap_or_else(|e| panic!("{what} is not hex: {e}"))
}

/// A key coordinate, base64url (`x`) or hex (`x_hex`).
fn coordinate(key: &Value, name: &str) -> Vec<u8> {
    if let Some(text) = key[name].as_str() {
        return base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .unwrap_or_else(|e| panic!("key.{name} is not base64url: {e}"));
    }
    hex_field(&key[format!("{name}_hex")], &format!("key.{name}_hex"))
}

/// The public key of `input.sign0.key` (P-256 or P-384).
fn public_key(case: &Value) -> VerifyingKey {
    let key = &case["input"]["sign0"]["key"];
    let mut sec1 = vec![0x04];
    sec1.extend(coordinate(key, "x"));
    sec1.extend(coordinate(key, "y"));
    match key["crv"].as_str() {
        Some("P-256") => VerifyingKey::p256_from_sec1(&sec1).expect("a P-256 key"),
        Some("P-384") => VerifyingKey::p384_from_sec1(&sec1).expect("a P-384 key"),
        other => panic!("unexpected curve {other:?}"),
    }
}

/// The key id of `input.sign0.key`, as the bytes of its text.
fn key_id(case: &Value) -> Vec<u8> {
    case["input"]["sign0"]["key"]["kid"].as_str().expect("the key has a kid").as_bytes().to_vec()
}

/// `input.sign0.external` as bytes; empty when absent.
fn external_aad(case: &Value) -> Vec<u8> {
    let external = &case["input"]["sign0"]["external"];
    if external.is_null() { Vec::new() } else { hex_field(external, "external") }
}

fn message_bytes(case: &Value) -> Vec<u8> {
    hex_field(&case["output"]["cbor"], "output.cbor")
}

/// Decodes and verifies a case the way a verifier with a key store would: looking the key up by
/// the message's key id.
fn verify_by_kid(case: &Value) -> Result<Vec<u8>, CoseError> {
    let message = Sign1::decode(&message_bytes(case))?;
    let (kid, key) = (key_id(case), public_key(case));
    message.verify(&external_aad(case), |asked| (asked == kid.as_slice()).then_some(key)).map(<[u8]>::to_vec)
}

#[test]
fn sign1_pass_vectors_verify_and_rebuild_the_signed_structure() {
    let cases = files("sign1-tests", "sign-pass-");
    assert!(cases.len() >= 3, "expected the sign-pass vectors, found {}", cases.len());
    for path in cases {
        let case = load(&path);
        let name = path.display();
        let message = Sign1::decode(&message_bytes(&case)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            hex::encode_upper(message.to_be_signed(&external_aad(&case))),
            case["intermediates"]["ToBeSign_hex"].as_str().expect("ToBeSign_hex"),
            "{name}: Sig_structure"
        );
        let payload = verify_by_kid(&case).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(payload, case["input"]["plaintext"].as_str().expect("plaintext").as_bytes(), "{name}");
    }
}

#[test]
fn sign1_fail_vectors_are_rejected_for_the_right_reason() {
    let cases = files("sign1-tests", "sign-fail-");
    assert!(cases.len() >= 6, "expected the sign-fail vectors, found {}", cases.len());
    for path in cases {
        let case = load(&path);
        let name = path.display();
        let failures = case["input"]["failures"].as_object().expect("a sign-fail case names its failure");
        let error = verify_by_kid(&case).expect_err(&format!("{name} must not verify"));
        let kind = failures.keys().next().map(String::as_str);
        let fits = match kind {
            Some("ChangeCBORTag") => matches!(error, CoseError::UnexpectedTag(_)),
            Some("ChangeAttr") => matches!(error, CoseError::UnsupportedAlgorithm | CoseError::Malformed(_)),
            Some("ChangeTag" | "AddProtected" | "RemoveProtected") => error == CoseError::BadSignature,
            other => panic!("{name}: unknown failure kind {other:?}"),
        };
        assert!(fits, "{name}: {kind:?} rejected as {error:?}");
    }
}

#[test]
fn a_pass_vector_fails_with_a_different_external_aad_or_key() {
    let case = load(&cose_dir().join("sign1-tests/sign-pass-02.json"));
    let message = Sign1::decode(&message_bytes(&case)).expect("decodes");
    let key = public_key(&case);
    assert!(message.verify_with_key(&external_aad(&case), &key).is_ok());
    assert_eq!(message.verify_with_key(b"", &key), Err(CoseError::BadSignature));
    let other = public_key(&load(&cose_dir().join("CWT/A_3.json")));
    assert_eq!(message.verify_with_key(&external_aad(&case), &other), Err(CoseError::BadSignature));
}

#[test]
fn ecdsa_sign1_examples_verify_when_the_algorithm_is_supported() {
    let cases = files("ecdsa-examples", "ecdsa-sig-");
    assert!(cases.len() >= 4, "expected the ecdsa-sig vectors, found {}", cases.len());
    let mut verified = 0;
    for path in cases {
        let case = load(&path);
        let name = path.display();
        match case["input"]["sign0"]["alg"].as_str() {
            Some("ES256" | "ES384") => {
                let payload = verify_by_kid(&case).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(payload, case["input"]["plaintext"].as_str().expect("plaintext").as_bytes());
                verified += 1;
            }
            // ES512 (P-521) is not supported: it must be refused, not accepted.
            Some("ES512") => {
                let message = Sign1::decode(&message_bytes(&case)).expect("decodes");
                assert_eq!(message.algorithm(), Err(CoseError::UnsupportedAlgorithm), "{name}");
            }
            other => panic!("{name}: unexpected algorithm {other:?}"),
        }
    }
    assert!(verified >= 2, "only {verified} ECDSA examples verified");
}

#[test]
fn rfc_8392_a3_signed_cwt_verifies_with_its_claims() {
    let case = load(&cose_dir().join("CWT/A_3.json"));
    let message = Sign1::decode(&message_bytes(&case)).expect("decodes");
    assert_eq!(message.key_id(), None);
    assert_eq!(
        hex::encode_upper(message.to_be_signed(b"")),
        case["intermediates"]["ToBeSign_hex"].as_str().expect("ToBeSign_hex")
    );
    let payload = message.verify_with_key(b"", &public_key(&case)).expect("verifies");
    assert_eq!(payload, hex_field(&case["input"]["plaintext_hex"], "plaintext_hex"));

    // The claims of RFC 8392 appendix A.1.
    let claims = CwtClaims::from_slice(payload).expect("claims");
    assert_eq!(claims.issuer(), Some("coap://as.example.com"));
    assert_eq!(claims.subject(), Some("erikw"));
    assert_eq!(claims.audience(), Some("coap://light.example.com"));
    assert_eq!(claims.expires_at(), Some(1_444_064_944));
    assert_eq!(claims.not_before(), Some(1_443_944_944));
    assert_eq!(claims.issued_at(), Some(1_443_944_944));
    assert_eq!(claims.cwt_id(), Some(&[0x0b, 0x71][..]));
    assert_eq!(claims.check_time(1_444_000_000, &["exp"]), Ok(()));

    // One flipped bit anywhere in the payload breaks the signature.
    let mut tampered = message_bytes(&case);
    let payload_start = tampered.len() - 64 - 2 - payload.len();
    tampered[payload_start + 3] ^= 0x01;
    let tampered = Sign1::decode(&tampered).expect("still decodes");
    assert_eq!(tampered.verify_with_key(b"", &public_key(&case)), Err(CoseError::BadSignature));
}
