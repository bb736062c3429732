//! Golden vectors of Shimin's own formats, in `golden/` (each file is described in
//! `golden/README.md`, written for people implementing the formats elsewhere).
//!
//! A vector is an artifact as committed — signed bytes, the text of a QR code, a JSON body — made
//! once with the fixed test keys of `golden/keys.json` at the fixed times of `present_common`,
//! and a JSON file of what today's code reads from it. Each test decodes and verifies the
//! committed artifact and compares what it gets with that JSON, so a change of format or of
//! meaning is a failing test or, once regenerated, a visible diff. ECDSA signatures are
//! randomised, so an artifact cannot be rebuilt and compared byte for byte; the parts that are
//! deterministic are: the signed structure of a list rebuilt from the same input, the CBOR a
//! presentation or evidence re-encodes to, a holder's copy, the JSON of a sync page.
//!
//! `SHIMIN_BLESS=1 cargo test -p shimin-core --test golden` writes every artifact and JSON file
//! again (with the keys of `keys.json`, made only if it is missing) and says so; review the diff
//! before committing it.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

mod present_common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use image::{DynamicImage, ImageFormat, RgbImage};
use present_common::*;
use serde_json::{Value, json};
use shimin_core::cert::{
    AttributeValue, CertificateType, Disclosure, IssuedCertificate, codes, verify_certificate,
};
use shimin_core::cose::Sign1;
use shimin_core::crypto::{SigningKey, SigningPurpose, VerifyingKey, sha256};
use shimin_core::liveness::{
    Action, CALIBRATION_FRAMES, Challenge, Evidence, FaceBox, FaceMeasures, FaceObservation, FaceShape,
    Frame, FrameBatch, FrameRotation, KeyFrameKind, Step, StreamedFrame, TracedFace, audit,
};
use shimin_core::present::{DeviceSignedPayload, MAX_DECOMPRESSED_LEN, PresentationWire, Preset};
use shimin_core::sensitive::Sensitive;
use shimin_core::status_list::VerifiedStatusList;
use shimin_core::sync::PulledPage;
use shimin_core::trust::{CachedCopy, Department, IssuerEntry, KeyValidity, TrustList, VerifiedTrustList};
use shimin_core::verifier::Verdict;
use shimin_wire::backend::{
    CertificateStatusView, Notification, Reminder, SyncCertificate, SyncPullResponse, SyncStatusChange,
    TrustListVersion,
};

/// The environment variable that makes the tests write the vectors instead of checking them.
const BLESS: &str = "SHIMIN_BLESS";

/// The roles of the fixed test keys, as named in `keys.json`.
const ROLES: [&str; 5] = ["root", "issuer", "status", "device", "previous-issuer"];

/// The key id of the department's previous, retired issuer key on the trust list.
const PREVIOUS_KID: &[u8] = b"bj-psb-2021";
/// When the previous key was retired: the day before the current certificates were issued.
const RETIRED_AT: i64 = ISSUED_AT - DAY;
/// The liveness challenge: the server's nonce, the actions in order, and the time limit.
const NONCE: [u8; 16] = *b"golden-nonce-001";
const ACTIONS: [Action; 3] = [Action::Blink, Action::MouthOpen, Action::Nod];
const TIME_LIMIT_MS: u64 = 30_000;
/// The key id the device signs its evidence under.
const EVIDENCE_KID: &[u8] = b"golden-device";
/// The frames of the liveness session are 100 ms apart.
const FRAME_MS: u64 = 100;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Tells whoever runs the tests, even when the harness captures their output: writing to
/// stderr directly is not captured, unlike `eprintln!`.
fn say(message: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{message}");
}

fn blessing() -> bool {
    std::env::var_os(BLESS).is_some_and(|v| v == "1")
}

/// The folder of the vectors; with `SHIMIN_BLESS=1`, written again first (once per run, whatever
/// test asks first).
fn golden() -> PathBuf {
    static READY: OnceLock<()> = OnceLock::new();
    READY.get_or_init(|| {
        if blessing() {
            bless_all();
        }
    });
    golden_dir()
}

// ---------------------------------------------------------------------------------------------
// Files

fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("cannot read the golden file {}: {e}; `{BLESS}=1` writes the vectors", path.display())
    })
}

fn write_text(path: &Path, text: &str) {
    let dir = path.parent().expect("a file in a folder");
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// Bytes as hex, 32 bytes to a line, so that a diff shows where they changed.
fn write_hex(path: &Path, bytes: &[u8]) {
    let lines: Vec<String> = bytes.chunks(32).map(hex::encode).collect();
    write_text(path, &format!("{}\n", lines.join("\n")));
}

fn read_hex(path: &Path) -> Vec<u8> {
    let text: String = read_text(path).split_whitespace().collect();
    hex::decode(&text).unwrap_or_else(|e| panic!("{} is not hex: {e}", path.display()))
}

fn write_json(path: &Path, value: &Value) {
    let text = serde_json::to_string_pretty(value).expect("JSON");
    write_text(path, &format!("{text}\n"));
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&read_text(path)).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Compares what today's code reads from an artifact with its golden JSON.
fn check_json(path: &Path, today: &Value) {
    let golden = read_json(path);
    if golden != *today {
        let pretty = |v: &Value| serde_json::to_string_pretty(v).expect("JSON");
        assert_eq!(
            pretty(&golden),
            pretty(today),
            "{} differs from what today's code reads (left: committed, right: today). If the format \
             changed on purpose, run `{BLESS}=1 cargo test -p shimin-core --test golden` and review \
             the diff.",
            path.display()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Keys

/// The fixed test keys (PKCS#8), by role. Test-only: published with the repository.
struct Keys(Vec<(String, Vec<u8>)>);

impl Keys {
    fn get(&self, role: &str) -> SigningKey {
        let (_, pkcs8) =
            self.0.iter().find(|(r, _)| r == role).unwrap_or_else(|| panic!("keys.json has no {role} key"));
        SigningKey::from_pkcs8(pkcs8).unwrap_or_else(|e| panic!("the {role} key: {e}"))
    }

    fn public(&self, role: &str) -> VerifyingKey {
        self.get(role).verifying_key()
    }
}

/// The keys of `keys.json`. With `make_missing`, a role without a key gets a new one and the
/// file is written again; otherwise a missing key fails the test.
fn load_keys(make_missing: bool) -> Keys {
    let path = golden_dir().join("keys.json");
    let file = if path.exists() { read_json(&path) } else { json!({}) };
    let mut keys = Vec::new();
    let mut made = false;
    for role in ROLES {
        let pkcs8 = match file[role]["pkcs8"].as_str() {
            Some(text) => {
                hex::decode(text).unwrap_or_else(|e| panic!("keys.json: {role}.pkcs8 is not hex: {e}"))
            }
            None if make_missing => {
                made = true;
                SigningKey::generate_p256().expect("key").to_pkcs8().expose().clone()
            }
            None => panic!("{} has no {role} key; `{BLESS}=1` makes the missing ones", path.display()),
        };
        keys.push((role.to_owned(), pkcs8));
    }
    let keys = Keys(keys);
    for role in ROLES {
        if let Some(public) = file[role]["public_key"].as_str() {
            assert_eq!(public, hex::encode(keys.public(role).as_bytes()), "keys.json: {role}.public_key");
        }
    }
    if made {
        let mut out = serde_json::Map::new();
        for (role, pkcs8) in &keys.0 {
            out.insert(
                role.clone(),
                json!({ "pkcs8": hex::encode(pkcs8), "public_key": hex::encode(keys.public(role).as_bytes()) }),
            );
        }
        write_json(&path, &Value::Object(out));
        say(&format!("{BLESS}=1: made the missing test keys in {}", path.display()));
    }
    keys
}

// ---------------------------------------------------------------------------------------------
// The inputs, built with the presentation tests' world

/// The trust list's entries: the Beijing police's current issuer key and status key
/// (`present_common`), and their previous issuer key, retired the day before the current
/// certificates were issued.
fn trust_entries(keys: &Keys) -> Vec<IssuerEntry> {
    let previous = IssuerEntry::new(
        PREVIOUS_KID.to_vec(),
        Department::new("北京市公安局西城分局", ISSUER_CODE).expect("department"),
        keys.public("previous-issuer"),
        KeyValidity { from: ISSUED_AT - 3 * 365 * DAY, to: ISSUED_AT + 365 * DAY },
        [CertificateType::ResidentIdCard.code_str()],
    )
    .expect("entry")
    .retired_at(RETIRED_AT);
    vec![
        issuer_entry(&keys.get("issuer"), &CertificateType::ALL, ISSUED_AT - DAY),
        status_entry(&keys.get("status")),
        previous,
    ]
}

/// The trust list, signed now (a new signature each time), as a verifier caches it.
fn sign_trust_list(keys: &Keys) -> CachedCopy<VerifiedTrustList> {
    trust_list(&keys.get("root"), &trust_entries(keys), NOW + 30 * DAY)
}

/// The status list, signed now, as a verifier caches it.
fn sign_status_list(keys: &Keys) -> CachedCopy<VerifiedStatusList> {
    status_list(&keys.get("status"), NOW + DAY)
}

/// The committed trust list, verified and cached as `present_common` caches its lists.
fn committed_trust_list(dir: &Path, keys: &Keys) -> CachedCopy<VerifiedTrustList> {
    let bytes = read_hex(&dir.join("trust-list/trust-list.cose.hex"));
    let list =
        TrustList::verify_ignoring_expiry(&bytes, &keys.public("root")).expect("the trust list verifies");
    CachedCopy::new(list, TRUST_FETCHED_AT)
}

fn committed_status_list(dir: &Path, keys: &Keys) -> CachedCopy<VerifiedStatusList> {
    let bytes = read_hex(&dir.join("status-list/status-list.cose.hex"));
    let list = VerifiedStatusList::verify_ignoring_expiry(&bytes, &keys.public("status"))
        .expect("the status list verifies");
    CachedCopy::new(list, STATUS_FETCHED_AT)
}

/// The presentation tests' world with the fixed keys and the given lists.
fn world(keys: &Keys, trust: CachedCopy<VerifiedTrustList>, status: CachedCopy<VerifiedStatusList>) -> World {
    World {
        root: keys.get("root"),
        issuer_key: keys.get("issuer"),
        status_key: keys.get("status"),
        device_key: keys.get("device"),
        trust,
        status_lists: vec![status],
    }
}

/// The presentations: a preset, the certificate type shown, and the file of its text.
const PRESENTATIONS: [(&str, CertificateType, Preset); 2] = [
    ("identity", CertificateType::ResidentIdCard, Preset::Identity),
    ("age-over-18", CertificateType::DrivingLicence, Preset::AgeOver18),
];

/// The face the liveness session sees at rest, as the core's own liveness tests measure it.
fn face() -> FaceMeasures {
    FaceMeasures {
        face_box: FaceBox { x: 0.35, y: 0.3, width: 0.3, height: 0.4 },
        left_eye_aspect_ratio: 0.30,
        right_eye_aspect_ratio: 0.28,
        mouth_aspect_ratio: 0.03,
        mouth_width_ratio: 0.80,
        yaw_degrees: 3.0,
        pitch_degrees: -4.0,
        roll_degrees: 1.0,
        shape: FaceShape([1.0, 0.8, 1.2, 0.5, 0.7, 1.5]),
    }
}

fn seen(face: FaceMeasures) -> FaceObservation {
    FaceObservation { face_count: 1, face: Some(face), brightness: 120.0, sharpness: 200.0 }
}

/// A cooperative user: calibration, then a blink, an open mouth and a nod, with neutral frames
/// around each.
fn liveness_script() -> Vec<FaceObservation> {
    let neutral = || seen(face());
    let mut script = vec![neutral(); CALIBRATION_FRAMES];
    let around = |script: &mut Vec<FaceObservation>, action: Vec<FaceObservation>| {
        script.extend([neutral(), neutral()]);
        script.extend(action);
        script.extend([neutral(), neutral()]);
    };
    let closed = seen(FaceMeasures { left_eye_aspect_ratio: 0.08, right_eye_aspect_ratio: 0.07, ..face() });
    around(&mut script, vec![closed, neutral()]);
    let open = seen(FaceMeasures { mouth_aspect_ratio: 0.55, mouth_width_ratio: 0.74, ..face() });
    around(&mut script, vec![open; 6]);
    let down = seen(FaceMeasures { pitch_degrees: face().pitch_degrees + 20.0, ..face() });
    let mut nod = vec![down; 3];
    nod.extend(vec![neutral(); 3]);
    around(&mut script, nod);
    script
}

fn challenge() -> Challenge {
    Challenge::new(NONCE.to_vec(), ACTIONS.to_vec(), TIME_LIMIT_MS).expect("challenge")
}

/// The session run over the script, its evidence signed by the device key. The frames are plain
/// grey 64×48 pictures (the observations, not the pixels, drive the session), encoded as JPEG by
/// the `image` crate.
fn sign_evidence(keys: &Keys) -> Vec<u8> {
    let mut step = Step::start(challenge());
    for (i, observation) in liveness_script().iter().enumerate() {
        // A shade of grey per frame, so that each key frame is a different picture.
        let grey = 60 + (i % 128) as u8;
        let frame = Frame::new(64, 48, vec![grey; 64 * 48 * 3], i as u64 * FRAME_MS, FrameRotation::None)
            .expect("frame");
        step = step.push(frame, observation);
        if step.is_finished() {
            break;
        }
    }
    let Step::Passed(passed) = step else {
        panic!("the scripted session did not pass: {:?}", step.failure())
    };
    let evidence = Evidence::from_session(passed, |frame| {
        let picture = RgbImage::from_raw(frame.width(), frame.height(), frame.rgb().to_vec())
            .ok_or_else(|| "frame size".to_owned())?;
        let mut jpeg = std::io::Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(picture).write_to(&mut jpeg, ImageFormat::Jpeg).map_err(|e| e.to_string())?;
        Ok(jpeg.into_inner())
    })
    .expect("evidence");
    evidence.sign(&keys.get("device"), EVIDENCE_KID).expect("sign evidence")
}

/// The third batch (sequence number 2) a device streams in the golden check: three plain grey
/// 64×48 JPEGs captured 200 ms apart, signed by the device key.
fn sign_frame_batch(keys: &Keys) -> Vec<u8> {
    let frames = (0..3u64)
        .map(|i| {
            let picture = RgbImage::from_pixel(64, 48, image::Rgb([90 + 20 * i as u8; 3]));
            let mut jpeg = std::io::Cursor::new(Vec::new());
            DynamicImage::ImageRgb8(picture).write_to(&mut jpeg, ImageFormat::Jpeg).expect("JPEG");
            StreamedFrame { captured_ms: 12_000 + 200 * i, jpeg: Sensitive::new(jpeg.into_inner()) }
        })
        .collect();
    let batch = FrameBatch::new(NONCE.to_vec(), 2, frames).expect("batch");
    batch.sign(&keys.get("device"), EVIDENCE_KID).expect("sign the batch")
}

/// A page as the reference backend answers `GET /v1/sync/pull`: two certificates issued to the
/// device, a status change, the current trust list's version, a reminder and a notification.
fn sync_page(world: &World) -> SyncPullResponse {
    let certificate = |t: CertificateType| {
        let holder_copy = world.issue(t).to_holder_copy().expect("holder copy");
        SyncCertificate {
            certificate_id: id_for(t).to_string(),
            certificate_type: t.slug().to_owned(),
            version: 0,
            holder_copy_b64: URL_SAFE_NO_PAD.encode(holder_copy),
        }
    };
    let trust = world.trust.list();
    let digest = sha256(trust.signed_bytes());
    SyncPullResponse {
        // The reference backend's cursor (base64url of `v1:<feed position>`); opaque to the app.
        cursor: URL_SAFE_NO_PAD.encode("v1:42"),
        more: false,
        certificates: vec![
            certificate(CertificateType::ResidentIdCard),
            certificate(CertificateType::DrivingLicence),
        ],
        status_changes: vec![SyncStatusChange {
            certificate_id: id_for(CertificateType::HouseholdRegister).to_string(),
            status: CertificateStatusView::Suspended,
            changed_at: NOW - 2 * DAY,
        }],
        trust_list: Some(TrustListVersion {
            sequence: trust.info().sequence,
            etag: format!("\"{}\"", hex::encode(&digest[..16])),
        }),
        reminders: vec![Reminder {
            certificate_id: id_for(CertificateType::ResidencePermit).to_string(),
            certificate_type: CertificateType::ResidencePermit.slug().to_owned(),
            expires_at: NOW + 12 * DAY,
            days_left: 12,
        }],
        notifications: vec![Notification {
            id: 7,
            created_at: NOW - DAY,
            message: "您的居住证将于12天后到期。".into(),
        }],
    }
}

// ---------------------------------------------------------------------------------------------
// Blessing

/// Writes every artifact, then every golden JSON from the artifacts just written.
fn bless_all() {
    let dir = golden_dir();
    let keys = load_keys(true);
    let trust = sign_trust_list(&keys);
    let status = sign_status_list(&keys);
    write_hex(&dir.join("trust-list/trust-list.cose.hex"), trust.list().signed_bytes());
    write_hex(&dir.join("status-list/status-list.cose.hex"), status.list().signed_bytes());
    let world = world(&keys, trust, status);
    for (name, t, preset) in &PRESENTATIONS {
        let text = world.present(&world.issue(*t), preset, NOW);
        write_text(&dir.join(format!("presentation/{name}.txt")), &format!("{text}\n"));
    }
    write_hex(&dir.join("liveness-evidence/evidence.cose.hex"), &sign_evidence(&keys));
    write_hex(&dir.join("liveness-frames/batch.cose.hex"), &sign_frame_batch(&keys));
    write_json(&dir.join("sync-page/page.json"), &serde_json::to_value(sync_page(&world)).expect("JSON"));

    write_json(&dir.join("trust-list/expected.json"), &read_trust_list(&dir, &keys));
    write_json(&dir.join("status-list/expected.json"), &read_status_list(&dir, &keys));
    for (name, _, _) in &PRESENTATIONS {
        write_json(&dir.join(format!("presentation/{name}.json")), &read_presentation(&dir, &keys, name));
    }
    write_json(&dir.join("liveness-evidence/expected.json"), &read_evidence(&dir, &keys));
    write_json(&dir.join("liveness-frames/expected.json"), &read_frame_batch(&dir, &keys));
    write_json(&dir.join("sync-page/expected.json"), &read_sync_page(&dir, &keys));
    say(&format!(
        "{BLESS}=1: wrote the golden vectors in {}; review the diff before committing",
        dir.display()
    ));
}

// ---------------------------------------------------------------------------------------------
// What today's code reads from each committed artifact

fn hex_of(bytes: &[u8]) -> Value {
    Value::String(hex::encode(bytes))
}

/// A byte string shown as text when it is (key ids, purpose labels), and as hex.
fn label(bytes: &[u8]) -> Value {
    json!({ "text": std::str::from_utf8(bytes).ok(), "hex": hex::encode(bytes) })
}

/// An `f32` as the decimal it prints as (a JSON number that reads back the same).
fn number(value: f32) -> Value {
    json!(value.to_string().parse::<f64>().expect("a finite float"))
}

fn attribute_value(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::Text(text) => json!({ "text": text }),
        AttributeValue::Date(date) => json!({ "date": date.to_string() }),
        AttributeValue::Bool(b) => json!({ "bool": b }),
        AttributeValue::Integer(i) => json!({ "integer": i }),
        AttributeValue::Bytes(bytes) => json!({ "bytes": hex::encode(bytes) }),
    }
}

fn disclosure(d: &Disclosure) -> Value {
    json!({
        "name": d.name,
        "code": codes::code_of(&d.name),
        "salt": hex::encode(&d.salt),
        "value": attribute_value(&d.value),
    })
}

/// The verdict as it serialises, byte strings (the photo) as hex instead of arrays of numbers.
fn verdict(verdict: &Verdict) -> Value {
    let mut value = serde_json::to_value(verdict).expect("verdict JSON");
    for attribute in value["attributes"].as_array_mut().expect("attributes") {
        if attribute["value"]["type"] == "bytes" {
            let bytes: Vec<u8> = serde_json::from_value(attribute["value"]["value"].take()).expect("bytes");
            attribute["value"]["value"] = hex_of(&bytes);
        }
    }
    value
}

fn read_trust_list(dir: &Path, keys: &Keys) -> Value {
    let bytes = read_hex(&dir.join("trust-list/trust-list.cose.hex"));
    let root = keys.public("root");
    let list = TrustList::verify(&bytes, &root, NOW).expect("the trust list verifies at NOW");
    let message = Sign1::decode(&bytes).expect("COSE_Sign1");
    let info = list.info();
    let entries: Vec<Value> = list
        .entries()
        .iter()
        .map(|e| {
            json!({
                "key_id": label(e.key_id()),
                "department_name": e.department().name(),
                "department_code": e.department().code(),
                "public_key": hex_of(e.public_key().as_bytes()),
                "valid_from": e.validity().from,
                "valid_to": e.validity().to,
                "retired_at": e.retirement(),
                "allowed_types": e.allowed_types(),
            })
        })
        .collect();
    let resident_id = CertificateType::ResidentIdCard.code_str();
    let may_sign = |kid: &[u8], issued_at: i64| match list.issuer_for(kid, resident_id, issued_at) {
        Ok(entry) => json!({ "ok": entry.department().code() }),
        Err(e) => json!({ "refused": e.to_string() }),
    };
    json!({
        "verified_at": NOW,
        "root_public_key": hex_of(root.as_bytes()),
        "root_key_id": hex_of(&TrustList::root_key_id(&root)),
        "key_id": message.key_id().map(hex::encode),
        "external_aad": label(SigningPurpose::TrustList.label()),
        "payload": hex_of(message.unverified_payload()),
        "sequence": info.sequence,
        "issued_at": info.issued_at,
        "next_update": info.next_update,
        "expires_at": info.expires_at,
        "entries": entries,
        "issuer_for_a_resident_id_card": {
            "current_key_issued_at_ISSUED_AT": may_sign(KID, ISSUED_AT),
            "previous_key_before_its_retirement": may_sign(PREVIOUS_KID, RETIRED_AT - 1),
            "previous_key_at_its_retirement": may_sign(PREVIOUS_KID, RETIRED_AT),
            "unknown_key": may_sign(b"nobody", ISSUED_AT),
        },
        "verified_at_expiry": TrustList::verify(&bytes, &root, info.expires_at).err().map(|e| e.to_string()),
    })
}

fn read_status_list(dir: &Path, keys: &Keys) -> Value {
    let bytes = read_hex(&dir.join("status-list/status-list.cose.hex"));
    let key = keys.public("status");
    let verified = VerifiedStatusList::verify(&bytes, &key, NOW).expect("the status list verifies at NOW");
    let message = Sign1::decode(&bytes).expect("COSE_Sign1");
    let claims = verified.claims();
    let list = verified.list();
    let not_valid: Vec<Value> = (0..list.len())
        .filter_map(|i| {
            let status = list.get(i).expect("in range");
            (status.value() != 0).then(|| json!({ "index": i, "status": status.value() }))
        })
        .collect();
    let at = |index: u64| {
        verified.status_for(STATUS_URI, index as usize).map(|s| s.value()).map_err(|e| e.to_string())
    };
    json!({
        "verified_at": NOW,
        "public_key": hex_of(key.as_bytes()),
        "key_id": message.key_id().map(label),
        "external_aad": label(SigningPurpose::Revocation.label()),
        "payload": hex_of(message.unverified_payload()),
        "uri": claims.uri,
        "issued_at": claims.issued_at,
        "expires_at": claims.expires_at,
        "ttl_seconds": claims.ttl_seconds,
        "bits": list.bits().get(),
        "len": list.len(),
        "compressed_list": hex_of(&list.compress().expect("compress")),
        "not_valid": not_valid,
        "status_at": {
            "GOOD_INDEX": at(GOOD_INDEX).ok(),
            "REVOKED_INDEX": at(REVOKED_INDEX).ok(),
            "SUSPENDED_INDEX": at(SUSPENDED_INDEX).ok(),
            "past_the_end": at(STATUS_LEN as u64).err(),
        },
        "verified_at_expiry": claims
            .expires_at
            .and_then(|exp| VerifiedStatusList::verify(&bytes, &key, exp).err())
            .map(|e| e.to_string()),
    })
}

fn read_presentation(dir: &Path, keys: &Keys, name: &str) -> Value {
    let text = read_text(&dir.join(format!("presentation/{name}.txt")));
    let text = text.trim_end();
    let cbor = PresentationWire::cbor_from_text(text, MAX_DECOMPRESSED_LEN).expect("the text layers");
    let wire = PresentationWire::from_cbor(&cbor).expect("the presentation CBOR");
    let issuer = Sign1::decode(&wire.issuer_signed).expect("the issuer's COSE_Sign1");
    let device = wire.device_signature.as_ref().expect("a device signature");
    let device_payload = DeviceSignedPayload {
        issuer_payload_digest: sha256(issuer.unverified_payload()),
        disclosed_names: wire.disclosures.iter().map(|d| d.name.clone()).collect(),
        signed_at: device.signed_at,
        request_nonce: device.request_nonce,
    };
    let world = world(keys, committed_trust_list(dir, keys), committed_status_list(dir, keys));
    json!({
        "verified_at": NOW,
        "cbor": hex_of(&cbor),
        "issuer_signed": hex_of(&wire.issuer_signed),
        "issuer_key_id": issuer.key_id().map(label),
        "disclosures": wire.disclosures.iter().map(disclosure).collect::<Vec<_>>(),
        "device_signed_at": device.signed_at,
        "device_signature": hex_of(&device.cose),
        "device_external_aad": label(SigningPurpose::Presentation.label()),
        "device_signed_payload": hex_of(&device_payload.to_cbor().expect("device payload")),
        "verdict": verdict(&world.verify(text, NOW)),
        "verdict_an_hour_later": verdict(&world.verify(text, NOW + 3_600)),
    })
}

fn traced_face(face: &TracedFace) -> Value {
    let b = face.face_box;
    json!({
        "box": [number(b.x), number(b.y), number(b.width), number(b.height)],
        "eye_aspect_ratio": [number(face.left_eye_aspect_ratio), number(face.right_eye_aspect_ratio)],
        "mouth_aspect_ratio": number(face.mouth_aspect_ratio),
        "mouth_width_ratio": number(face.mouth_width_ratio),
        "yaw_pitch_roll": [number(face.yaw_degrees), number(face.pitch_degrees), number(face.roll_degrees)],
        "shape": face.shape.0.iter().map(|v| number(*v)).collect::<Vec<_>>(),
    })
}

fn kind(kind: KeyFrameKind) -> &'static str {
    kind.action().map_or("neutral", Action::as_str)
}

fn read_evidence(dir: &Path, keys: &Keys) -> Value {
    let bytes = read_hex(&dir.join("liveness-evidence/evidence.cose.hex"));
    let key = keys.public("device");
    let evidence = Evidence::verify(&bytes, &key).expect("the evidence verifies");
    let message = Sign1::decode(&bytes).expect("COSE_Sign1");
    let frames: Vec<Value> = evidence
        .key_frames()
        .iter()
        .map(|f| {
            json!({
                "kind": kind(f.key.kind),
                "frame_index": f.key.frame_index,
                "timestamp_ms": f.key.timestamp_ms,
                "jpeg_len": f.jpeg.expose().len(),
                "jpeg_sha256": hex_of(&sha256(f.jpeg.expose())),
            })
        })
        .collect();
    let trace: Vec<Value> = evidence
        .trace()
        .iter()
        .map(|e| {
            json!({
                "frame_index": e.frame_index,
                "timestamp_ms": e.timestamp_ms,
                "step": e.step,
                "face_count": e.face_count,
                "brightness": number(e.brightness),
                "sharpness": number(e.sharpness),
                "face": e.face.as_ref().map(traced_face),
            })
        })
        .collect();
    let challenge = challenge();
    let audit = match audit(&challenge, &evidence) {
        Ok(audited) => json!({
            "passed": audited
                .key_frames()
                .iter()
                .map(|k| json!({ "kind": kind(k.kind), "frame_index": k.frame_index }))
                .collect::<Vec<_>>(),
        }),
        Err(failure) => json!({ "failed": failure.to_string() }),
    };
    json!({
        "public_key": hex_of(key.as_bytes()),
        "key_id": message.key_id().map(label),
        "external_aad": label(SigningPurpose::LivenessEvidence.label()),
        "challenge": {
            "nonce": hex_of(challenge.nonce()),
            "actions": challenge.actions().iter().map(|a| json!({ "name": a.as_str(), "code": a.code() })).collect::<Vec<_>>(),
            "time_limit_ms": TIME_LIMIT_MS,
        },
        "nonce": hex_of(evidence.nonce()),
        "actions": evidence.actions().iter().map(|a| a.as_str()).collect::<Vec<_>>(),
        "key_frames": frames,
        "trace": trace,
        "audit": audit,
    })
}

fn read_frame_batch(dir: &Path, keys: &Keys) -> Value {
    let bytes = read_hex(&dir.join("liveness-frames/batch.cose.hex"));
    let key = keys.public("device");
    let batch = FrameBatch::verify(&bytes, &key).expect("the batch verifies");
    let message = Sign1::decode(&bytes).expect("COSE_Sign1");
    let frames: Vec<Value> = batch
        .frames()
        .iter()
        .map(|f| {
            json!({
                "captured_ms": f.captured_ms,
                "jpeg_len": f.jpeg.expose().len(),
                "jpeg_sha256": hex_of(&sha256(f.jpeg.expose())),
            })
        })
        .collect();
    json!({
        "public_key": hex_of(key.as_bytes()),
        "key_id": message.key_id().map(label),
        "external_aad": label(SigningPurpose::LivenessFrames.label()),
        "nonce": hex_of(batch.nonce()),
        "seq": batch.seq(),
        "frames": frames,
    })
}

fn read_sync_page(dir: &Path, keys: &Keys) -> Value {
    let page: SyncPullResponse = serde_json::from_value(read_json(&dir.join("sync-page/page.json")))
        .expect("page.json is a SyncPullResponse");
    let trust = committed_trust_list(dir, keys);
    let parsed = PulledPage::parse(page).expect("the page parses");
    let certificates: Vec<Value> = parsed
        .certificates
        .iter()
        .map(|c| {
            let verified =
                verify_certificate(&c.signed, &c.disclosures, |kid| trust.list().key_info(kid), NOW);
            let verified = match verified {
                Ok(v) => json!({
                    "identifier": v.payload.id.to_string(),
                    "type": v.payload.certificate_type.slug(),
                    "issued_at": v.payload.issued_at,
                    "not_before": v.payload.not_before,
                    "expires_at": v.payload.expires_at,
                    "device_key": hex_of(v.payload.device_key.as_bytes()),
                    "status": { "uri": v.payload.status.uri, "index": v.payload.status.index },
                    "key_id": label(&v.key_id),
                }),
                Err(e) => json!({ "refused": e.to_string() }),
            };
            json!({
                "signed_sha256": hex_of(&sha256(&c.signed)),
                "disclosures": c.disclosures.iter().map(disclosure).collect::<Vec<_>>(),
                "verified_at_NOW": verified,
            })
        })
        .collect();
    json!({
        "cursor": parsed.cursor,
        "more": parsed.more,
        "certificates": certificates,
        "status_changes": parsed.status_changes,
        "trust_list": parsed.trust_list,
        "reminders": parsed.reminders,
        "notifications": parsed.notifications,
    })
}

/// The Sig_structure of the COSE_Sign1 `bytes` for `purpose`: everything the signature covers.
fn signed_structure(bytes: &[u8], purpose: SigningPurpose) -> String {
    hex::encode(Sign1::decode(bytes).expect("COSE_Sign1").to_be_signed(purpose.label()))
}

// ---------------------------------------------------------------------------------------------
// The tests

#[test]
fn trust_list_vector_reads_as_committed() {
    let dir = golden();
    let keys = load_keys(false);
    check_json(&dir.join("trust-list/expected.json"), &read_trust_list(&dir, &keys));
    // Signing the same input again gives another signature over the very same bytes.
    let committed = read_hex(&dir.join("trust-list/trust-list.cose.hex"));
    let again = sign_trust_list(&keys);
    assert_eq!(
        signed_structure(again.list().signed_bytes(), SigningPurpose::TrustList),
        signed_structure(&committed, SigningPurpose::TrustList),
        "the trust list's signed structure changed for the same input"
    );
}

#[test]
fn status_list_vector_reads_as_committed() {
    let dir = golden();
    let keys = load_keys(false);
    check_json(&dir.join("status-list/expected.json"), &read_status_list(&dir, &keys));
    let committed = read_hex(&dir.join("status-list/status-list.cose.hex"));
    let again = sign_status_list(&keys);
    assert_eq!(
        signed_structure(again.list().signed_bytes(), SigningPurpose::Revocation),
        signed_structure(&committed, SigningPurpose::Revocation),
        "the status list's signed structure changed for the same input"
    );
}

#[test]
fn presentation_vectors_read_as_committed() {
    let dir = golden();
    let keys = load_keys(false);
    for (name, _, _) in &PRESENTATIONS {
        let today = read_presentation(&dir, &keys, name);
        check_json(&dir.join(format!("presentation/{name}.json")), &today);
        assert_eq!(today["verdict"]["outcome"], "valid", "{name}: {}", today["verdict"]);
        // The decoded presentation encodes back to the very same CBOR.
        let text = read_text(&dir.join(format!("presentation/{name}.txt")));
        let cbor = PresentationWire::cbor_from_text(text.trim_end(), MAX_DECOMPRESSED_LEN).expect("layers");
        let again = PresentationWire::from_cbor(&cbor).expect("CBOR").to_cbor().expect("encode");
        assert_eq!(hex::encode(again), hex::encode(&cbor), "{name}: the presentation re-encodes differently");
    }
}

#[test]
fn liveness_evidence_vector_reads_as_committed() {
    let dir = golden();
    let keys = load_keys(false);
    let today = read_evidence(&dir, &keys);
    check_json(&dir.join("liveness-evidence/expected.json"), &today);
    assert!(
        today["audit"]["passed"].is_array(),
        "the committed evidence no longer passes the audit: {}",
        today["audit"]
    );
    // The verified evidence encodes back to the very payload that was signed.
    let bytes = read_hex(&dir.join("liveness-evidence/evidence.cose.hex"));
    let evidence = Evidence::verify(&bytes, &keys.public("device")).expect("verifies");
    let message = Sign1::decode(&bytes).expect("COSE_Sign1");
    assert_eq!(
        hex::encode(evidence.to_cbor().expect("encode")),
        hex::encode(message.unverified_payload()),
        "the evidence re-encodes differently"
    );
}

#[test]
fn liveness_frame_batch_vector_reads_as_committed() {
    let dir = golden();
    let keys = load_keys(false);
    check_json(&dir.join("liveness-frames/expected.json"), &read_frame_batch(&dir, &keys));
    // The verified batch encodes back to the very payload that was signed, and it is refused
    // under any other key.
    let bytes = read_hex(&dir.join("liveness-frames/batch.cose.hex"));
    let batch = FrameBatch::verify(&bytes, &keys.public("device")).expect("verifies");
    let message = Sign1::decode(&bytes).expect("COSE_Sign1");
    assert_eq!(
        hex::encode(batch.to_cbor().expect("encode")),
        hex::encode(message.unverified_payload()),
        "the batch re-encodes differently"
    );
    assert!(FrameBatch::verify(&bytes, &keys.public("issuer")).is_err(), "verified under another key");
}

#[test]
fn sync_page_vector_reads_as_committed() {
    let dir = golden();
    let keys = load_keys(false);
    check_json(&dir.join("sync-page/expected.json"), &read_sync_page(&dir, &keys));
    // The page's JSON is exactly what the wire type writes back, and every holder's copy is
    // exactly what the parsed certificate encodes to.
    let json = read_json(&dir.join("sync-page/page.json"));
    let page: SyncPullResponse = serde_json::from_value(json.clone()).expect("a SyncPullResponse");
    assert_eq!(serde_json::to_value(&page).expect("JSON"), json, "the sync page re-serialises differently");
    for c in &page.certificates {
        let bytes = URL_SAFE_NO_PAD.decode(&c.holder_copy_b64).expect("base64url");
        let parsed = IssuedCertificate::from_holder_copy(&bytes).expect("a holder's copy");
        assert_eq!(
            parsed.to_holder_copy().map(hex::encode),
            Some(hex::encode(&bytes)),
            "{}",
            c.certificate_id
        );
    }
}

#[test]
fn every_vector_is_signed_by_its_own_key() {
    // A vector that verified with any key would prove nothing: each is refused under another role's key.
    let dir = golden();
    let keys = load_keys(false);
    let trust = read_hex(&dir.join("trust-list/trust-list.cose.hex"));
    assert!(TrustList::verify(&trust, &keys.public("issuer"), NOW).is_err());
    let status = read_hex(&dir.join("status-list/status-list.cose.hex"));
    assert!(VerifiedStatusList::verify(&status, &keys.public("root"), NOW).is_err());
    let evidence = read_hex(&dir.join("liveness-evidence/evidence.cose.hex"));
    assert!(Evidence::verify(&evidence, &keys.public("issuer")).is_err());
}
