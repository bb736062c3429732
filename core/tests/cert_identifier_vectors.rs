//! Certificate identifiers against `vectors/identifiers.json`, whose expected values come from
//! an independent implementation of GB 32100 and ISO 7064 MOD 37,36 (`vectors/identifiers_gen.py`).

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

use serde::Deserialize;
use shimin_core::cert::{CertificateId, CertificateType};

#[derive(Deserialize)]
struct Vectors {
    valid: Vec<Valid>,
    invalid: Vec<Invalid>,
}

#[derive(Deserialize)]
struct Valid {
    id: String,
    type_code: String,
    issuer: String,
    serial: String,
    version: u16,
}

#[derive(Deserialize)]
struct Invalid {
    id: String,
    error: String,
}

fn vectors() -> Vectors {
    let text = include_str!("vectors/identifiers.json");
    serde_json::from_str(text).expect("identifiers.json parses")
}

#[test]
fn valid_identifiers_parse_into_their_parts_and_print_back() {
    let vectors = vectors();
    assert!(vectors.valid.len() >= 5);
    for v in vectors.valid {
        let id = CertificateId::parse(&v.id).unwrap_or_else(|e| panic!("{}: {e:?}", v.id));
        assert_eq!(id.type_code().to_string(), v.type_code);
        assert_eq!(id.issuer().as_str(), v.issuer);
        assert_eq!(id.serial().as_str(), v.serial);
        assert_eq!(id.version(), v.version);
        assert_eq!(id.to_string(), v.id);
        assert_eq!(Some(id.check_character()), v.id.chars().last());
    }
}

#[test]
fn invalid_identifiers_are_refused_with_the_expected_reason() {
    let vectors = vectors();
    assert!(vectors.invalid.len() >= 20);
    for v in vectors.invalid {
        match CertificateId::parse(&v.id) {
            Ok(_) => panic!("accepted {:?}, expected {}", v.id, v.error),
            Err(e) => assert_eq!(format!("{e:?}"), v.error, "{:?}", v.id),
        }
    }
}

#[test]
fn every_wrong_check_character_of_a_valid_identifier_is_refused() {
    for v in vectors().valid {
        let (body, right) = v.id.split_at(v.id.len() - 1);
        for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".chars().filter(|c| c.to_string() != right) {
            let candidate = format!("{body}{c}");
            let err = CertificateId::parse(&candidate).expect_err("wrong check character accepted");
            assert_eq!(format!("{err:?}"), "ChecksumMismatch");
        }
    }
}

#[test]
fn the_type_table_uses_codes_that_form_valid_identifiers() {
    let valid = vectors().valid;
    let id_card = valid.iter().find(|v| v.type_code == CertificateType::ResidentIdCard.code_str());
    assert!(id_card.is_some(), "the vectors include the resident ID card type code");
}
