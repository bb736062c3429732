//! Golden vectors of the application formats (issue 17): the case QR (`golden/case-qr/`) and the
//! result document (`golden/result-document/`), signed with the fixed `issuer` key of
//! `golden/keys.json` and verified against the committed trust list (`golden/trust-list/`) at the
//! fixed `NOW` of the other vectors. `golden/README.md` describes the files; the formats are in
//! `docs/formats/case-qr.md` and `docs/formats/result-document.md`.
//!
//! `SHIMIN_BLESS=1 cargo test -p shimin-core --test golden_application` writes them again.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use shimin_core::application::case_qr::{CASE_QR_PREFIX, CaseQr};
use shimin_core::application::result::{Decision, RESULT_PREFIX, ResultDocument};
use shimin_core::application::workflow::CaseNo;
use shimin_core::application::{CodeError, MAX_INFLATED};
use shimin_core::catalogue::code::ServiceCode;
use shimin_core::cert::credit_code::CreditCode;
use shimin_core::cose::Sign1;
use shimin_core::crypto::{SigningKey, SigningPurpose, VerifyingKey};
use shimin_core::trust::{TrustList, VerifiedTrustList};

/// 2024-07-01 12:00 China Standard Time, as in the other vectors.
const NOW: i64 = 1_719_806_400;
/// The current issuer key's id on the committed trust list.
const KID: &[u8] = b"bj-psb-2024";
/// The department of that key.
const DEPARTMENT: &str = "111101050000000017";
const SERVICE: &str = "0100461000-110105-111101050000000017-05";
const CASE_NO: &str = "110105-20240701-000042";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn blessing() -> bool {
    std::env::var_os("SHIMIN_BLESS").is_some_and(|v| v == "1")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("cannot read {}: {e}; `SHIMIN_BLESS=1` writes the vectors", path.display())
    })
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    let _ =
        std::io::Write::write_all(&mut std::io::stderr(), format!("wrote {}\n", path.display()).as_bytes());
}

fn keys() -> Value {
    serde_json::from_str(&read(&dir().join("keys.json"))).expect("keys.json")
}

fn issuer_key() -> SigningKey {
    let pkcs8 = keys()["issuer"]["pkcs8"].as_str().map(hex::decode).expect("issuer.pkcs8").expect("hex");
    SigningKey::from_pkcs8(&pkcs8).expect("the issuer key")
}

fn trust() -> VerifiedTrustList {
    let root = keys()["root"]["public_key"].as_str().map(hex::decode).expect("root.public_key").expect("hex");
    let root = VerifyingKey::p256_from_sec1(&root).expect("the root key");
    let text: String = read(&dir().join("trust-list/trust-list.cose.hex")).split_whitespace().collect();
    TrustList::verify(&hex::decode(text).expect("hex"), &root, NOW).expect("the committed trust list")
}

fn label(purpose: SigningPurpose) -> Value {
    let bytes = purpose.label();
    json!({ "text": String::from_utf8_lossy(bytes), "hex": hex::encode(bytes) })
}

/// The layers of a code: the COSE_Sign1 after Base45 and zlib, and its payload.
fn layers(text: &str, prefix: &str) -> (Vec<u8>, Vec<u8>) {
    let body = text.strip_prefix(prefix).expect("the prefix");
    let compressed = shimin_core::base45::decode(body).expect("base45");
    let cose = shimin_core::zlib::inflate(&compressed, MAX_INFLATED).expect("zlib");
    let payload = Sign1::decode(&cose).expect("COSE").unverified_payload().to_vec();
    (cose, payload)
}

/// What a verifier must answer to altered copies of `text` (one verdict per forgery).
fn forgeries(text: &str, prefix: &str, verify: impl Fn(&str) -> Result<(), CodeError>) -> Value {
    let (cose, _) = layers(text, prefix);
    let mut flipped = cose.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x01;
    let reencode =
        |bytes: &[u8]| format!("{prefix}{}", shimin_core::base45::encode(&shimin_core::zlib::deflate(bytes)));
    let verdict = |r: Result<(), CodeError>| match r {
        Ok(()) => "valid".to_owned(),
        Err(e) => format!("{e:?}"),
    };
    json!({
        "as_committed": verdict(verify(text)),
        "last_signature_bit_flipped": verdict(verify(&reencode(&flipped))),
        "presentation_prefix": verdict(verify(&text.replacen(prefix, "SM1:", 1))),
    })
}

fn case_qr() -> CaseQr {
    CaseQr {
        case_no: CaseNo::parse(CASE_NO).expect("a case number"),
        department: CreditCode::parse(DEPARTMENT).expect("a code"),
        service: ServiceCode::parse(SERVICE).expect("a service code"),
        issued_at: NOW - 3_600,
    }
}

const DOCUMENT_TEXT: &str = "北京市公安局朝阳分局\n不予行政许可决定书\n编号：110105-20240701-000042\n\
经审查，你提出的申请不符合法定条件，根据《中华人民共和国行政许可法》第三十八条第二款，决定不予许可。\n\
如不服本决定，可以自收到本决定书之日起六十日内申请行政复议，或者六个月内提起行政诉讼。\n";

fn result_document() -> ResultDocument {
    ResultDocument {
        case_no: CaseNo::parse(CASE_NO).expect("a case number"),
        service: ServiceCode::parse(SERVICE).expect("a service code"),
        decision: Decision::Refused,
        date: time::Date::from_calendar_date(2024, time::Month::July, 1).expect("a date"),
        unit: CreditCode::parse(DEPARTMENT).expect("a code"),
        digest: ResultDocument::digest_of(DOCUMENT_TEXT),
        issued_at: NOW - 3_600,
        title: "不予行政许可决定书".into(),
    }
}

fn compare(path: &Path, actual: &Value) {
    let pretty = serde_json::to_string_pretty(actual).expect("JSON") + "\n";
    if blessing() {
        write(path, &pretty);
    }
    let committed: Value = serde_json::from_str(&read(path)).expect("the committed JSON");
    assert_eq!(&committed, actual, "{} differs from what the code reads", path.display());
}

#[test]
fn the_case_qr_vector_reads_as_committed() {
    let folder = dir().join("case-qr");
    let text_path = folder.join("case-qr.txt");
    if blessing() {
        write(&text_path, &(case_qr().sign(KID, &issuer_key()).expect("signed") + "\n"));
    }
    let text = read(&text_path).trim().to_owned();
    let trust = trust();
    let read_back = CaseQr::verify(&text, &trust, NOW).expect("the committed case QR verifies");
    assert_eq!(read_back, case_qr());
    let (cose, payload) = layers(&text, CASE_QR_PREFIX);
    let mut reencoded = Vec::new();
    ciborium::ser::into_writer(&read_back.to_cbor_value(), &mut reencoded).expect("CBOR");
    assert_eq!(reencoded, payload, "the payload re-encodes to the committed bytes");
    let expected = json!({
        "prefix": CASE_QR_PREFIX,
        "key_id": { "text": "bj-psb-2024", "hex": hex::encode(KID) },
        "external_aad": label(SigningPurpose::CaseQr),
        "cose_sign1": hex::encode(&cose),
        "payload": hex::encode(&payload),
        "fields": {
            "version": 1,
            "case_no": read_back.case_no.as_str(),
            "department": read_back.department.as_str(),
            "service": read_back.service.to_string(),
            "issued_at": read_back.issued_at,
        },
        "verified_at": NOW,
        "verdicts": forgeries(&text, CASE_QR_PREFIX, |t| CaseQr::verify(t, &trust, NOW).map(|_| ())),
    });
    compare(&folder.join("expected.json"), &expected);
}

#[test]
fn the_result_document_vector_reads_as_committed() {
    let folder = dir().join("result-document");
    let code_path = folder.join("result.txt");
    let text_path = folder.join("document.txt");
    if blessing() {
        write(&code_path, &(result_document().sign(KID, &issuer_key()).expect("signed") + "\n"));
        write(&text_path, DOCUMENT_TEXT);
    }
    let code = read(&code_path).trim().to_owned();
    let document = read(&text_path);
    let trust = trust();
    let read_back =
        ResultDocument::verify(&code, Some(&document), &trust, NOW).expect("the committed document verifies");
    assert_eq!(read_back, result_document());
    let (cose, payload) = layers(&code, RESULT_PREFIX);
    let mut reencoded = Vec::new();
    ciborium::ser::into_writer(&read_back.to_cbor_value(), &mut reencoded).expect("CBOR");
    assert_eq!(reencoded, payload, "the payload re-encodes to the committed bytes");
    let altered = document.replace("不予许可", "准予许可");
    let expected = json!({
        "prefix": RESULT_PREFIX,
        "key_id": { "text": "bj-psb-2024", "hex": hex::encode(KID) },
        "external_aad": label(SigningPurpose::ResultDocument),
        "cose_sign1": hex::encode(&cose),
        "payload": hex::encode(&payload),
        "fields": {
            "version": 1,
            "case_no": read_back.case_no.as_str(),
            "service": read_back.service.to_string(),
            "decision": 2,
            "date": "2024-07-01",
            "unit": read_back.unit.as_str(),
            "document_sha256": hex::encode(read_back.digest),
            "issued_at": read_back.issued_at,
            "title": read_back.title,
        },
        "verified_at": NOW,
        "verdicts": forgeries(&code, RESULT_PREFIX, |t| ResultDocument::verify(t, Some(&document), &trust, NOW).map(|_| ())),
        "altered_text": format!("{:?}", ResultDocument::verify(&code, Some(&altered), &trust, NOW).map(|_| ())),
        "as_a_case_qr": format!("{:?}", CaseQr::verify(&code.replacen(RESULT_PREFIX, CASE_QR_PREFIX, 1), &trust, NOW).map(|_| ())),
    });
    compare(&folder.join("expected.json"), &expected);
}
