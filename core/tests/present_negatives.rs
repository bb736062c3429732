//! Every reason a verifier gives, each produced by a crafted presentation: tampering with every
//! layer (text, Base45, zlib, CBOR, COSE, disclosures, device signature), the wrong keys, the
//! wrong times and revoked or unknowable statuses. And garbage never makes the verifier panic.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

mod present_common;

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use present_common::*;
use shimin_core::base45;
use shimin_core::cert::types::names;
use shimin_core::cert::{CertificateIssuer, CertificateType};
use shimin_core::cose::{self, CwtClaims, Value};
use shimin_core::crypto::SigningPurpose;
use shimin_core::present::{
    DeviceSignedPayload, MAX_DECOMPRESSED_LEN, Presentation, PresentationRequest, PresentationWire, Preset,
};
use shimin_core::verifier::{
    NoStatusLists, Outcome, Reason, SeenPresentations, Verdict, Verifier, VerifierPolicy,
};
use time::Month;

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
    z.write_all(data).expect("write");
    z.finish().expect("finish")
}

/// `SM1:` + Base45(zlib(cbor)), built by hand.
fn text_of_cbor(cbor: &[u8]) -> String {
    format!("SM1:{}", base45::encode(&zlib(cbor)))
}

fn cbor_of(text: &str) -> Vec<u8> {
    PresentationWire::cbor_from_text(text, MAX_DECOMPRESSED_LEN).expect("our own text")
}

/// Decodes the presentation's CBOR, lets `edit` change the map, and encodes it again.
fn edit_cbor(text: &str, edit: impl FnOnce(&mut Vec<(Value, Value)>)) -> String {
    let value: Value = ciborium::de::from_reader(cbor_of(text).as_slice()).expect("cbor");
    let Value::Map(mut map) = value else { panic!("a map") };
    edit(&mut map);
    let mut out = Vec::new();
    ciborium::ser::into_writer(&Value::Map(map), &mut out).expect("encode");
    text_of_cbor(&out)
}

fn field(map: &mut [(Value, Value)], key: i64) -> &mut Value {
    &mut map.iter_mut().find(|(k, _)| *k == Value::Integer(key.into())).expect("field").1
}

fn identity(world: &World, at: i64) -> String {
    world.present(&world.issue(CertificateType::ResidentIdCard), &Preset::Identity, at)
}

/// Asserts the verdict is `outcome` with exactly `reasons`.
fn assert_verdict(verdict: &Verdict, outcome: Outcome, reasons: &[Reason]) {
    assert_eq!(verdict.reasons, reasons);
    assert_eq!(verdict.outcome, outcome);
}

fn invalid(verdict: &Verdict, reasons: &[Reason]) {
    assert_verdict(verdict, Outcome::Invalid, reasons);
}

#[test]
fn broken_text_layers_are_named() {
    let world = World::new();
    let good = identity(&world, NOW);
    let body = good.strip_prefix("SM1:").expect("prefix");
    invalid(&world.verify(&format!("HC1:{body}"), NOW), &[Reason::BadPrefix]);
    invalid(&world.verify(&format!("sm1:{body}"), NOW), &[Reason::BadPrefix]);
    invalid(&world.verify("", NOW), &[Reason::BadPrefix]);
    invalid(&world.verify("SM1:abc", NOW), &[Reason::BadBase45]);
    invalid(&world.verify(&format!("SM1:{body}a"), NOW), &[Reason::BadBase45]);
    // A dangling character: Base45 comes in groups of three (or two at the end).
    let dangling = if body.len().is_multiple_of(3) { "A" } else { "AA" };
    invalid(&world.verify(&format!("SM1:{body}{dangling}"), NOW), &[Reason::BadBase45]);
    invalid(&world.verify(&format!("SM1:{}", base45::encode(b"not zlib at all")), NOW), &[Reason::BadZlib]);
    let truncated = zlib(&cbor_of(&good));
    let truncated = format!("SM1:{}", base45::encode(&truncated[..truncated.len() - 3]));
    invalid(&world.verify(&truncated, NOW), &[Reason::BadZlib]);
    // A zlib bomb: a megabyte of zeros packs into about a kilobyte.
    let bomb = format!("SM1:{}", base45::encode(&zlib(&vec![0u8; 1 << 20])));
    invalid(&world.verify(&bomb, NOW), &[Reason::TooLarge { limit: MAX_DECOMPRESSED_LEN }]);
    invalid(&world.verify(&text_of_cbor(&[0xFF, 0x00]), NOW), &[Reason::BadCbor]);
    // Well-formed CBOR of the wrong shape: an array, not a map.
    invalid(&world.verify(&text_of_cbor(&[0x82, 0x01, 0x02]), NOW), &[Reason::BadCbor]);
    // The right map with extra bytes after it.
    let mut trailing = cbor_of(&good);
    trailing.push(0x00);
    invalid(&world.verify(&text_of_cbor(&trailing), NOW), &[Reason::BadCbor]);
    let v2 = edit_cbor(&good, |m| *field(m, 1) = Value::Integer(2.into()));
    invalid(&world.verify(&v2, NOW), &[Reason::UnsupportedVersion { version: 2 }]);
}

#[test]
fn pictures_without_a_code_say_so() {
    let world = World::new();
    let verifier = Verifier::new(&world.trust, &world.status_lists, VerifierPolicy::default());
    let blank = qr_free_png();
    invalid(&verifier.verify_image(&blank, NOW), &[Reason::NoQrCode]);
    invalid(&verifier.verify_image(b"GIF89a not an image", NOW), &[Reason::NoQrCode]);
    invalid(&verifier.verify_image(&[], NOW), &[Reason::NoQrCode]);
}

fn qr_free_png() -> Vec<u8> {
    let img = image::GrayImage::from_fn(64, 64, |x, y| image::Luma([((x * 4 + y) % 256) as u8]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("png");
    out.into_inner()
}

#[test]
fn a_broken_or_forged_issuer_signature_is_named() {
    let world = World::new();
    let good = identity(&world, NOW);
    let not_cose = edit_cbor(&good, |m| *field(m, 2) = Value::Bytes(b"not a COSE_Sign1".to_vec()));
    invalid(&world.verify(&not_cose, NOW), &[Reason::BadCoseStructure]);
    // Flip one bit of the issuer's signature (the last byte of the COSE_Sign1).
    let flipped = edit_cbor(&good, |m| {
        if let Value::Bytes(b) = field(m, 2) {
            let last = b.len() - 1;
            b[last] ^= 0x01;
        }
    });
    invalid(&world.verify(&flipped, NOW), &[Reason::BadIssuerSignature]);

    // A key that is not on the trust list, under its own key id …
    let stranger = key();
    let unknown = CertificateIssuer::new(&stranger, b"somebody".to_vec(), issuer_code());
    let cert = certificate_of(CertificateType::ResidentIdCard);
    let status = shimin_core::cert::StatusReference { uri: STATUS_URI.into(), index: GOOD_INDEX };
    let issue = |issuer: &CertificateIssuer<'_>| {
        let id = id_for(CertificateType::ResidentIdCard);
        issuer.issue(&cert, &id, &world.device_key.verifying_key(), &status, ISSUED_AT).expect("issue")
    };
    let text = world.present(&issue(&unknown), &Preset::Identity, NOW);
    invalid(&world.verify(&text, NOW), &[Reason::UnknownKeyId]);
    // … or pretending to be the listed key.
    let forger = CertificateIssuer::new(&stranger, KID.to_vec(), issuer_code());
    let text = world.present(&issue(&forger), &Preset::Identity, NOW);
    invalid(&world.verify(&text, NOW), &[Reason::BadIssuerSignature]);

    // A genuine issuer signature over something that is not a certificate payload.
    let claims = CwtClaims::new().with_issuer(ISSUER_CODE).with_issued_at(ISSUED_AT);
    let signed = cose::sign_cwt(SigningPurpose::Certificate, &claims, KID, &world.issuer_key).expect("sign");
    let wire = PresentationWire { issuer_signed: signed, disclosures: vec![], device_signature: None };
    invalid(&world.verify(&wire.to_text().expect("text"), NOW), &[Reason::BadCertificatePayload]);
}

#[test]
fn the_trust_list_decides_who_may_issue_what_and_when() {
    let world = World::new();
    let text = identity(&world, NOW);
    let with_entries = |entries: &[shimin_core::trust::IssuerEntry]| {
        let mut entries = entries.to_vec();
        entries.push(status_entry(&world.status_key));
        let trust = trust_list(&world.root, &entries, NOW + DAY);
        Verifier::new(&trust, &world.status_lists, VerifierPolicy::default()).verify_text(&text, NOW)
    };
    let only_driving = issuer_entry(&world.issuer_key, &[CertificateType::DrivingLicence], ISSUED_AT - DAY);
    invalid(&with_entries(&[only_driving]), &[Reason::TypeNotAllowed]);
    // The key's signing window opens an hour after the certificate was issued.
    let late = issuer_entry(&world.issuer_key, &CertificateType::ALL, ISSUED_AT + 3_600);
    invalid(&with_entries(&[late]), &[Reason::IssuerKeyOutsideValidity]);
    // Retired a minute before the certificate was issued.
    let retired =
        issuer_entry(&world.issuer_key, &CertificateType::ALL, ISSUED_AT - DAY).retired_at(ISSUED_AT - 60);
    invalid(&with_entries(&[retired]), &[Reason::IssuerKeyOutsideValidity]);
    // Retired after issuing: old certificates stay good.
    let rotated =
        issuer_entry(&world.issuer_key, &CertificateType::ALL, ISSUED_AT - DAY).retired_at(ISSUED_AT + 60);
    assert_verdict(&with_entries(&[rotated]), Outcome::Valid, &[]);
    // The key id belongs to another department.
    let other = shimin_core::trust::IssuerEntry::new(
        KID.to_vec(),
        shimin_core::trust::Department::new("上海市公安局", "11310000002421333X").expect("department"),
        world.issuer_key.verifying_key(),
        shimin_core::trust::KeyValidity { from: ISSUED_AT - DAY, to: NOW + DAY },
        CertificateType::ALL.iter().map(|t| t.code_str()),
    )
    .expect("entry");
    invalid(&with_entries(&[other]), &[Reason::IssuerMismatch]);
}

#[test]
fn validity_is_checked_at_the_verifiers_now() {
    let world = World::new();
    // Valid until 2024-06-30 inclusive: expired from 2024-07-01 00:00 China Standard Time.
    let short = world.issue_at_index(
        &certificate_until(CertificateType::ResidentIdCard, date(2024, Month::June, 30)),
        GOOD_INDEX,
    );
    let expired_at = VALID_FROM + 30 * DAY;
    invalid(
        &world.verify(&world.present(&short, &Preset::Identity, NOW), NOW),
        &[Reason::Expired { expired_at }],
    );
    let just_before = expired_at - 1;
    assert_verdict(
        &world.verify(&world.present(&short, &Preset::Identity, just_before), just_before),
        Outcome::Valid,
        &[],
    );
    // Issued at 00:30 on its first day: not valid before that.
    let early = ISSUED_AT - 10;
    let text = identity(&world, early);
    invalid(&world.verify(&text, early), &[Reason::NotYetValid { not_before: ISSUED_AT }]);
}

#[test]
fn revoked_and_suspended_certificates_say_how_old_the_list_is() {
    let world = World::new();
    let at = |index| {
        let issued = world.issue_at_index(&certificate_of(CertificateType::ResidentIdCard), index);
        world.verify(&world.present(&issued, &Preset::AgeOver18, NOW), NOW)
    };
    // Ages count from the list's signed issue time, a minute before it was fetched.
    let age = (NOW - STATUS_FETCHED_AT + 60) as u64;
    invalid(&at(REVOKED_INDEX), &[Reason::Revoked { list_age_seconds: age }]);
    invalid(&at(SUSPENDED_INDEX), &[Reason::Suspended { list_age_seconds: age }]);
    invalid(&at(ODD_STATUS_INDEX), &[Reason::UnknownStatus { value: 3, list_age_seconds: age }]);
    let out_of_range = at(STATUS_LEN as u64 + 5);
    assert_verdict(&out_of_range, Outcome::Warning, &[Reason::StatusIndexOutOfRange]);
    assert!(out_of_range.attribute(names::AGE_OVER_18).is_some());
}

#[test]
fn lists_that_cannot_vouch_give_amber_not_silence() {
    let world = World::new();
    let text = identity(&world, NOW);
    let offline =
        Verifier::new(&world.trust, &NoStatusLists, VerifierPolicy::default()).verify_text(&text, NOW);
    assert_verdict(&offline, Outcome::Warning, &[Reason::StatusListMissing]);
    assert_eq!(offline.attributes.len(), 3);
    assert_eq!(offline.status_list, None);

    // A status list at the certificate's URI signed by another department's key on the trust
    // list says nothing about this certificate, nor does one signed by a key not on it.
    let other_department = shimin_core::trust::IssuerEntry::new(
        b"edu-key".to_vec(),
        shimin_core::trust::Department::new("福建省教育厅", education_code()).expect("department"),
        world.device_key.verifying_key(),
        shimin_core::trust::KeyValidity { from: ISSUED_AT - DAY, to: NOW + DAY },
        [CertificateType::DegreeCertificate.code_str()],
    )
    .expect("entry");
    let trust = trust_list(
        &world.root,
        &[
            issuer_entry(&world.issuer_key, &CertificateType::ALL, ISSUED_AT - DAY),
            status_entry(&world.status_key),
            other_department,
        ],
        NOW + DAY,
    );
    for (key, kid) in [(&world.device_key, &b"edu-key"[..]), (&world.device_key, &b"unknown"[..])] {
        let forged = forged_status_list(key, kid);
        let v = Verifier::new(&trust, &vec![forged], VerifierPolicy::default()).verify_text(&text, NOW);
        assert_verdict(&v, Outcome::Warning, &[Reason::StatusListWrongIssuer]);
        assert_eq!(v.status_list, None, "no age for a list that does not count");
    }

    let stale_status = vec![status_list(&world.status_key, NOW - 1)];
    let v = Verifier::new(&world.trust, &stale_status, VerifierPolicy::default()).verify_text(&text, NOW);
    assert_verdict(&v, Outcome::Warning, &[Reason::StatusListStale { age_seconds: 660 }]);
    assert_eq!(v.status_list.map(|s| s.stale), Some(true));

    let entry = issuer_entry(&world.issuer_key, &CertificateType::ALL, ISSUED_AT - DAY);
    let stale_trust = trust_list(&world.root, &[entry, status_entry(&world.status_key)], NOW - 1);
    let v =
        Verifier::new(&stale_trust, &world.status_lists, VerifierPolicy::default()).verify_text(&text, NOW);
    assert_verdict(&v, Outcome::Warning, &[Reason::TrustListStale { age_seconds: 3_600 + DAY as u64 }]);
    assert!(v.trust_list.stale);
}

#[test]
fn an_edited_disclosure_fails_its_digest() {
    let world = World::new();
    let good = identity(&world, NOW);
    // Change the disclosed name inside the CBOR and re-encode everything else as it was.
    let edited = edit_cbor(&good, |m| {
        if let Value::Array(disclosures) = field(m, 3) {
            for d in disclosures {
                if let Value::Array(parts) = d
                    && parts[1] == Value::Integer(1.into())
                {
                    parts[2] = Value::Text("李四".into());
                }
            }
        }
    });
    let verdict = world.verify(&edited, NOW);
    invalid(&verdict, &[Reason::DigestMismatch { attribute: "name".into() }]);
    assert_eq!(verdict.attribute(names::NAME), None);
    assert_eq!(verdict.attributes.len(), 2);

    // An attribute the issuer never signed (a degree's university on an ID card), one disclosed
    // twice (the device signed neither), and a code no registry has.
    let mut extra = None;
    let disclose = |code: u16| {
        edit_cbor(&good, |m| {
            if let Value::Array(disclosures) = field(m, 3) {
                disclosures.push(Value::Array(vec![
                    Value::Bytes(vec![0; 16]),
                    Value::Integer(code.into()),
                    Value::Text("某大学".into()),
                ]));
            }
        })
    };
    let university = shimin_core::cert::codes::code_of("university").expect("registered");
    invalid(
        &world.verify(&disclose(university), NOW),
        &[Reason::NotSignedAttribute { attribute: "university".into() }, Reason::DeviceSignatureBad],
    );
    invalid(&world.verify(&disclose(999), NOW), &[Reason::UnknownAttribute]);
    let twice = edit_cbor(&good, |m| {
        if let Value::Array(disclosures) = field(m, 3) {
            extra = Some(disclosures[0].clone());
            disclosures.push(disclosures[0].clone());
        }
    });
    assert!(extra.is_some());
    invalid(
        &world.verify(&twice, NOW),
        &[Reason::DuplicateDisclosure { attribute: "name".into() }, Reason::DeviceSignatureBad],
    );
}

#[test]
fn the_device_signature_must_be_there_be_right_and_be_fresh() {
    let world = World::new();
    let issued = world.issue(CertificateType::ResidentIdCard);
    let good = world.present(&issued, &Preset::Identity, NOW);
    let unsigned = edit_cbor(&good, |m| {
        m.retain(|(k, _)| *k != Value::Integer(4.into()) && *k != Value::Integer(5.into()))
    });
    invalid(&world.verify(&unsigned, NOW), &[Reason::DeviceSignatureMissing]);
    let no_time = edit_cbor(&good, |m| m.retain(|(k, _)| *k != Value::Integer(5.into())));
    invalid(&world.verify(&no_time, NOW), &[Reason::BadCbor]);
    // The signing time is signed: moving it (to dodge the screenshot check) breaks the signature.
    let moved = edit_cbor(&good, |m| *field(m, 5) = Value::Integer((NOW + 1).into()));
    invalid(&world.verify(&moved, NOW), &[Reason::DeviceSignatureBad]);
    let garbage = edit_cbor(&good, |m| *field(m, 4) = Value::Bytes(vec![0xA0]));
    invalid(&world.verify(&garbage, NOW), &[Reason::DeviceSignatureBad]);

    // Signed by another phone's key.
    let thief = key();
    let stolen = shimin_core::present::Presentation::new(&issued)
        .expect("new")
        .disclose(&Preset::Identity)
        .expect("preset")
        .sign(&thief, NOW)
        .expect("sign");
    invalid(&world.verify(stolen.text(), NOW), &[Reason::DeviceSignatureBad]);

    // The right key and content, signed for another purpose.
    let issuer_payload = cose::Sign1::decode(&issued.signed).expect("cose").unverified_payload().to_vec();
    let payload = DeviceSignedPayload {
        issuer_payload_digest: shimin_core::crypto::sha256(&issuer_payload),
        disclosed_names: vec![names::NAME.into(), names::ID_NUMBER_MASKED.into(), names::PHOTO.into()],
        signed_at: NOW,
        request_nonce: None,
    };
    let payload = payload.to_cbor().expect("cbor");
    let other_purpose = device_signature_by_hand(&world.device_key, SigningPurpose::DeviceBinding, &payload);
    let right_purpose = device_signature_by_hand(&world.device_key, SigningPurpose::Presentation, &payload);
    let resigned = edit_cbor(&good, |m| *field(m, 4) = Value::Bytes(right_purpose));
    assert_verdict(&world.verify(&resigned, NOW), Outcome::Valid, &[]);
    let swapped = edit_cbor(&good, |m| *field(m, 4) = Value::Bytes(other_purpose));
    invalid(&world.verify(&swapped, NOW), &[Reason::DeviceSignatureBad]);

    // A device signature taken from another presentation: other attributes, or another certificate.
    let device_sig = |text: &str| {
        let mut sig = None;
        edit_cbor(text, |m| sig = Some(field(m, 4).clone()));
        sig.expect("device signature")
    };
    let age_sig = device_sig(&world.present(&issued, &Preset::AgeOver18, NOW));
    let mixed = edit_cbor(&good, |m| *field(m, 4) = age_sig);
    invalid(&world.verify(&mixed, NOW), &[Reason::DeviceSignatureBad]);
    let other_cert = world.issue(CertificateType::ResidencePermit);
    let other_sig = device_sig(&world.present(&other_cert, &Preset::Identity, NOW));
    let mixed = edit_cbor(&good, |m| *field(m, 4) = other_sig);
    invalid(&world.verify(&mixed, NOW), &[Reason::DeviceSignatureBad]);
}

#[test]
fn a_screenshot_expires_after_a_minute_and_a_code_from_the_future_is_refused() {
    let world = World::new();
    // Up to the refresh interval plus the clocks' tolerance old, up to the tolerance ahead.
    for skew in [0, 1, 59, 60, -29, -30] {
        let v = world.verify(&identity(&world, NOW - skew), NOW);
        assert_verdict(&v, Outcome::Valid, &[]);
        assert_eq!(v.device_signed_at, Some(NOW - skew));
    }
    // Attack: a screenshot kept for a minute and a half (accepted until the window was made
    // asymmetric), and codes pre-made on a device whose clock was set forward, to be shown
    // later by someone else.
    for skew in [61, 89, 3_600, -31, -89, -300, -86_400] {
        invalid(
            &world.verify(&identity(&world, NOW - skew), NOW),
            &[Reason::ExpiredScreenshot { skew_seconds: skew }],
        );
    }
    let lenient = VerifierPolicy { max_age_secs: 300, ..VerifierPolicy::default() };
    let v = Verifier::new(&world.trust, &world.status_lists, lenient)
        .verify_text(&identity(&world, NOW - 200), NOW);
    assert_verdict(&v, Outcome::Valid, &[]);
    let v = Verifier::new(&world.trust, &world.status_lists, lenient)
        .verify_text(&identity(&world, NOW + 200), NOW);
    assert_verdict(&v, Outcome::Invalid, &[Reason::ExpiredScreenshot { skew_seconds: -200 }]);
}

#[test]
fn a_code_shown_again_at_the_same_verifier_is_flagged_however_it_is_re_encoded() {
    let world = World::new();
    let mut seen = SeenPresentations::new();
    let mut verify = |text: &str, at: i64| {
        let mut verdict = world.verify(text, at);
        seen.check(&mut verdict, at);
        verdict
    };
    let code = identity(&world, NOW);
    assert_verdict(&verify(&code, NOW), Outcome::Valid, &[]);
    // Attack: the same code, screenshotted and shown again twenty seconds later.
    let again = verify(&code, NOW + 20);
    assert_verdict(&again, Outcome::Warning, &[Reason::SeenBefore { first_seen_at: NOW }]);
    // ... and re-encoded (a stored, not a fast, deflate) so that its text differs.
    let cbor = cbor_of(&code);
    let mut stored = ZlibEncoder::new(Vec::new(), Compression::none());
    stored.write_all(&cbor).expect("deflate");
    let re_encoded = format!("SM1:{}", base45::encode(&stored.finish().expect("zlib")));
    assert_ne!(re_encoded, code);
    let v = verify(&re_encoded, NOW + 25);
    assert_verdict(&v, Outcome::Warning, &[Reason::SeenBefore { first_seen_at: NOW }]);
    // The holder's next code (drawn 30 s later) is a new one; a forged one is not remembered.
    assert_verdict(&verify(&identity(&world, NOW + 30), NOW + 31), Outcome::Valid, &[]);
    let forged = identity(&world, NOW + 40).replacen('A', "B", 1);
    assert_ne!(verify(&forged, NOW + 41).outcome, Outcome::Valid);
    // Past the window the first code is refused as too old, memory or not.
    let late = verify(&code, NOW + 61);
    assert_eq!(late.outcome, Outcome::Invalid);
    assert!(late.has(&Reason::ExpiredScreenshot { skew_seconds: 61 }));
}

#[test]
fn in_the_two_way_mode_only_an_answer_to_this_request_passes() {
    let world = World::new();
    let issued = world.issue(CertificateType::ResidentIdCard);
    let verifier = Verifier::new(&world.trust, &world.status_lists, VerifierPolicy::default());
    let request = PresentationRequest::new(NOW, Preset::AgeOver18).expect("request");
    // The request crosses as a QR code: the holder's app reads it back from the text.
    let scanned = PresentationRequest::from_text(&request.to_text().expect("text")).expect("scanned");
    let answer = |request: &PresentationRequest, at: i64| {
        Presentation::new(&issued)
            .expect("new")
            .disclose(&Preset::AgeOver18)
            .expect("preset")
            .sign_for_request(&world.device_key, at, request)
            .expect("sign")
            .text()
            .to_owned()
    };
    let good = answer(&scanned, NOW + 5);
    assert_verdict(&verifier.verify_answer(&good, &request, NOW + 8), Outcome::Valid, &[]);
    // An answer is an ordinary code to a one-way verifier too.
    assert_verdict(&verifier.verify_text(&good, NOW + 8), Outcome::Valid, &[]);

    // Attack: the same answer (recorded, forwarded) shown to the verifier's next request.
    let next = PresentationRequest::new(NOW + 20, Preset::AgeOver18).expect("request");
    invalid(&verifier.verify_answer(&good, &next, NOW + 21), &[Reason::NotThisRequest]);
    // Attack: a one-way code, or a screenshot of one, where an answer is asked for.
    let one_way = identity(&world, NOW + 20);
    invalid(&verifier.verify_answer(&one_way, &next, NOW + 21), &[Reason::NotThisRequest]);
    // Attack: the nonce in the code rewritten to the new request's: the signature breaks.
    let rewritten = edit_cbor(&good, |m| *field(m, 6) = Value::Bytes(next.nonce.to_vec()));
    invalid(&verifier.verify_answer(&rewritten, &next, NOW + 21), &[Reason::DeviceSignatureBad]);
    // The holder's fresh answer to the new request passes.
    assert_verdict(&verifier.verify_answer(&answer(&next, NOW + 22), &next, NOW + 23), Outcome::Valid, &[]);
}

#[test]
fn a_compromised_issuer_key_is_distrusted_outright_with_its_status_lists() {
    let world = World::new();
    // The thief of the issuer key back-dates what it signs: `iat` is the issuer's own claim.
    let code = identity(&world, NOW);
    assert_verdict(&world.verify(&code, NOW), Outcome::Valid, &[]);
    let statuses = || vec![status_list(&world.status_key, NOW + DAY)];

    // Retiring the key (all the root could do before) leaves what it "signed before" trusted.
    let retired =
        issuer_entry(&world.issuer_key, &CertificateType::ALL, ISSUED_AT - DAY).retired_at(NOW - 60);
    let trust = trust_list(&world.root, &[retired, status_entry(&world.status_key)], NOW + DAY);
    let status = statuses();
    let v = Verifier::new(&trust, &status, VerifierPolicy::default()).verify_text(&code, NOW);
    assert_verdict(&v, Outcome::Valid, &[]);

    // Marked compromised, it vouches for nothing, whatever date the certificate claims.
    let compromised =
        issuer_entry(&world.issuer_key, &CertificateType::ALL, ISSUED_AT - DAY).compromised_at(NOW - 60);
    let trust = trust_list(&world.root, &[compromised, status_entry(&world.status_key)], NOW + DAY);
    let v = Verifier::new(&trust, &status, VerifierPolicy::default()).verify_text(&code, NOW);
    invalid(&v, &[Reason::IssuerKeyCompromised]);
    assert!(trust.list().key_info(KID).is_none(), "a wallet imports nothing it signed");

    // A compromised status-list key: its lists say nothing (the thief could mark anything valid).
    let entry = issuer_entry(&world.issuer_key, &CertificateType::ALL, ISSUED_AT - DAY);
    let trust = trust_list(
        &world.root,
        &[entry, status_entry(&world.status_key).compromised_at(NOW - 60)],
        NOW + DAY,
    );
    let v = Verifier::new(&trust, &status, VerifierPolicy::default()).verify_text(&code, NOW);
    assert_verdict(&v, Outcome::Warning, &[Reason::StatusListWrongIssuer]);
    assert!(trust.list().status_list_key(status[0].list().signed_bytes()).is_none());
}

#[test]
fn garbage_never_panics_and_never_passes() {
    let world = World::new();
    let good = world.present(&world.issue(CertificateType::ResidentIdCard), &Preset::AgeOver18, NOW);
    assert_eq!(world.verify(&good, NOW).outcome, Outcome::Valid);
    let chars: Vec<char> = good.chars().collect();
    // Every truncation of the text.
    for len in 0..chars.len() {
        let cut: String = chars[..len].iter().collect();
        assert_ne!(world.verify(&cut, NOW).outcome, Outcome::Valid, "truncated to {len}");
    }
    // A changed character at every position after the prefix (swapped within the alphabet).
    for at in 4..chars.len() {
        let mut changed = chars.clone();
        changed[at] = if changed[at] == '0' { '1' } else { '0' };
        let changed: String = changed.into_iter().collect();
        assert_ne!(world.verify(&changed, NOW).outcome, Outcome::Valid, "changed at {at}");
    }
    // Every single-bit flip and every truncation of the decompressed CBOR.
    let cbor = cbor_of(&good);
    for at in 0..cbor.len() {
        for bit in 0..8 {
            let mut flipped = cbor.clone();
            flipped[at] ^= 1 << bit;
            let v = world.verify(&text_of_cbor(&flipped), NOW);
            assert_ne!(v.outcome, Outcome::Valid, "bit {bit} of byte {at}");
        }
        assert_ne!(world.verify(&text_of_cbor(&cbor[..at]), NOW).outcome, Outcome::Valid, "cut at {at}");
    }
    // Random-ish bytes behind the prefix, in every layer.
    let mut x: u32 = 0x1234_5678;
    for len in [0, 1, 2, 3, 50, 500] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        for text in [format!("SM1:{}", base45::encode(&bytes)), text_of_cbor(&bytes)] {
            assert_ne!(world.verify(&text, NOW).outcome, Outcome::Valid);
        }
    }
}
