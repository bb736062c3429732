//! Presenting a certificate as a QR code and verifying it offline, end to end: a national root
//! vouches for the Beijing police's issuer key, which issues every certificate type to Zhang San's
//! phone; the phone discloses a preset and signs it with its device key; a verifier with cached
//! trust and status lists reads the text (or the picture of the QR code) and gives a verdict.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

mod present_common;

use present_common::*;
use shimin_core::cert::issue::china_date_of;
use shimin_core::cert::types::names;
use shimin_core::cert::{AttributeValue, CertificateType};
use shimin_core::present::{PRESENTATION_REFRESH_SECS, PresentError, Presentation, Preset};
use shimin_core::qr;
use shimin_core::verifier::{Outcome, ValueView, Verdict};

/// The value the verifier should show for an attribute, written out independently.
fn view(value: &AttributeValue) -> ValueView {
    match value {
        AttributeValue::Text(s) => ValueView::Text(s.clone()),
        AttributeValue::Date(d) => ValueView::Date(format!("{d}")),
        AttributeValue::Bool(b) => ValueView::Bool(*b),
        AttributeValue::Integer(i) => ValueView::Integer(*i),
        // Only the photo is bytes: the verdict shows its thumbnail as a whole JPEG.
        AttributeValue::Bytes(b) => ValueView::Bytes(
            shimin_core::photo::Thumbnail::from_bytes(b).expect("thumbnail").to_jpeg().expect("jpeg"),
        ),
    }
}

fn is_person(t: CertificateType) -> bool {
    t != CertificateType::BusinessLicence
}

fn assert_valid(verdict: &Verdict) {
    assert_eq!(verdict.outcome, Outcome::Valid, "reasons: {:?}", verdict.reasons);
    assert!(verdict.reasons.is_empty());
}

#[test]
fn every_certificate_type_round_trips_with_every_preset_that_applies() {
    let world = World::new();
    // Zhang San's ID number, masked by hand: the first and last four characters stay.
    let id = holder_id();
    let id = id.as_str();
    let masked = format!("{}**********{}", &id[..4], &id[14..]);
    for t in CertificateType::ALL {
        let certificate = certificate_of(t);
        let issued = world.issue(t);
        let everything = certificate.attributes(china_date_of(ISSUED_AT).expect("date")).expect("attributes");

        // "full": every attribute, with the values the certificate was issued with.
        let verdict = world.verify(&world.present(&issued, &Preset::Full, NOW), NOW);
        assert_valid(&verdict);
        let shown: Vec<(&str, &ValueView)> =
            verdict.attributes.iter().map(|a| (a.name.as_str(), &a.value)).collect();
        let expected: Vec<(&str, ValueView)> = everything.iter().map(|(n, v)| (n, view(v))).collect();
        assert_eq!(shown.len(), expected.len(), "{t:?}");
        for ((name, value), (e_name, e_value)) in shown.iter().zip(&expected) {
            assert_eq!((name, *value), (e_name, e_value), "{t:?}");
        }
        let cert = verdict.certificate.as_ref().expect("certificate view");
        assert_eq!(cert.type_code, t.code_str());
        assert_eq!(cert.identifier, id_for(t).to_string());
        assert_eq!(cert.issuer_code, ISSUER_CODE);
        assert_eq!(cert.valid_from, VALID_FROM);
        // Valid to 2034-05-31 inclusive: until midnight starting 2034-06-01, China Standard Time.
        assert_eq!(cert.valid_until, Some(2_032_704_000));
        assert_eq!(verdict.device_signed_at, Some(NOW));
        // Ages count from each list's signed issue time (a day, and a minute, before its fetch).
        assert_eq!(verdict.trust_list.age_seconds, 3_600 + 86_400);
        assert_eq!(verdict.status_list.map(|s| s.age_seconds), Some(660));

        // "identity": name, masked ID number and the photo where the certificate has one.
        let identity = Presentation::new(&issued).expect("new").disclose(&Preset::Identity);
        if is_person(t) {
            let verdict = world.verify(&world.present(&issued, &Preset::Identity, NOW), NOW);
            assert_valid(&verdict);
            assert_eq!(verdict.attribute(names::NAME), Some(&ValueView::Text("张三".into())));
            assert_eq!(verdict.attribute(names::ID_NUMBER_MASKED), Some(&ValueView::Text(masked.clone())));
            let has_photo = everything.get(names::PHOTO).is_some();
            assert_eq!(verdict.attributes.len(), if has_photo { 3 } else { 2 }, "{t:?}");
            if has_photo {
                assert_eq!(verdict.attribute(names::PHOTO), Some(&view(&AttributeValue::Bytes(thumbnail()))));
            }
            assert_eq!(verdict.attribute(names::ID_NUMBER), None);
        } else {
            assert_eq!(identity.err(), Some(PresentError::PresetNotApplicable(names::ID_NUMBER_MASKED)));
        }

        // "age_over_18": the derived boolean (born 1990, issued 2024: true) and the photo where
        // the certificate has one, so the verifier can match the person; nothing else.
        let age = Presentation::new(&issued).expect("new").disclose(&Preset::AgeOver18);
        if is_person(t) {
            let verdict = world.verify(&world.present(&issued, &Preset::AgeOver18, NOW), NOW);
            assert_valid(&verdict);
            let names: Vec<&str> = verdict.attributes.iter().map(|a| a.name.as_str()).collect();
            if everything.get(names::PHOTO).is_some() {
                assert_eq!(names, [names::AGE_OVER_18, names::PHOTO], "{t:?}");
                assert_eq!(verdict.attribute(names::PHOTO), Some(&view(&AttributeValue::Bytes(thumbnail()))));
            } else {
                assert_eq!(names, [names::AGE_OVER_18], "{t:?}");
            }
            assert_eq!(verdict.attribute(names::AGE_OVER_18), Some(&ValueView::Bool(true)));
        } else {
            assert_eq!(age.err(), Some(PresentError::PresetNotApplicable(names::AGE_OVER_18)));
        }
    }
}

#[test]
fn a_holders_own_choice_verifies_with_exactly_what_was_disclosed() {
    // The app offers only presets; a verifier still accepts any choice a holder's wallet signs.
    let world = World::new();
    let issued = world.issue(CertificateType::DrivingLicence);
    let verdict =
        world.verify(&world.present_chosen(&issued, &["vehicle_classes", "first_issue_date"], NOW), NOW);
    assert_valid(&verdict);
    let names: Vec<&str> = verdict.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["vehicle_classes", "first_issue_date"]);
    assert_eq!(verdict.attribute("vehicle_classes"), Some(&ValueView::Text("C1".into())));
    assert_eq!(verdict.attribute("first_issue_date"), Some(&ValueView::Date("2012-07-20".into())));

    // Nothing at all still proves a genuine certificate held by its device.
    let verdict = world.verify(&world.present_chosen(&issued, &[], NOW), NOW);
    assert_valid(&verdict);
    assert!(verdict.attributes.is_empty());
}

#[test]
fn a_stored_copy_that_holds_an_attribute_twice_is_refused() {
    let world = World::new();
    let mut issued = world.issue(CertificateType::DrivingLicence);
    let name = issued.disclosures.iter().find(|d| d.name == "name").cloned().expect("a name");
    issued.disclosures.push(name);
    let twice = Presentation::new(&issued).expect("new").disclose(&Preset::Full);
    assert_eq!(twice.err(), Some(PresentError::DuplicateAttribute("name".into())));
}

#[test]
fn the_identity_preset_with_a_thumbnail_fits_a_qr_code() {
    let world = World::new();
    let photo = thumbnail();
    assert!(photo.len() <= 1_200, "thumbnail {} bytes", photo.len());
    let jpeg =
        shimin_core::photo::Thumbnail::from_bytes(&photo).expect("a thumbnail").to_jpeg().expect("jpeg");
    assert!(jpeg.starts_with(&[0xFF, 0xD8]), "shown as a JPEG");
    let mut report = Vec::new();
    for (label, preset) in
        [("identity", Preset::Identity), ("age_over_18", Preset::AgeOver18), ("full", Preset::Full)]
    {
        let text = world.present(&world.issue(CertificateType::ResidentIdCard), &preset, NOW);
        let version = qr::encode(&text).map_or("none (too long)".to_owned(), |m| m.version().to_string());
        report.push(format!("{label}: {} characters, QR version {version}", text.len()));
    }
    let issued = world.issue(CertificateType::ResidentIdCard);
    println!(
        "resident ID card, issuer COSE_Sign1 {} bytes, thumbnail {} bytes: {}",
        issued.signed.len(),
        photo.len(),
        report.join("; ")
    );
    let text = world.present(&world.issue(CertificateType::ResidentIdCard), &Preset::Identity, NOW);
    // Version 40 at level M holds 3,391 alphanumeric characters; the identity preset fits with room.
    let version = qr::encode(&text).expect("the identity preset fits a QR code").version();
    assert!(text.len() <= 3_391 && version <= 40);
}

#[test]
fn the_identity_preset_fits_version_25() {
    let world = World::new();
    let text = world.present(&world.issue(CertificateType::ResidentIdCard), &Preset::Identity, NOW);
    let version = qr::encode(&text).expect("encode").version();
    assert!(version <= 25, "version {version}, {} characters", text.len());
}

#[test]
fn a_drawn_qr_code_verifies_from_its_png() {
    let world = World::new();
    let text = world.present(&world.issue(CertificateType::ResidentIdCard), &Preset::Identity, NOW);
    let png = qr::encode(&text).expect("encode").to_png(4).expect("png");
    let verifier = shimin_core::verifier::Verifier::new(
        &world.trust,
        &world.status_lists,
        shimin_core::verifier::VerifierPolicy::default(),
    );
    let verdict = verifier.verify_image(&png, NOW);
    assert_valid(&verdict);
    assert_eq!(verdict.attribute(names::NAME), Some(&ValueView::Text("张三".into())));
}

#[test]
fn the_code_is_redrawn_every_thirty_seconds() {
    let world = World::new();
    let issued = world.issue(CertificateType::ResidentIdCard);
    let signed = Presentation::new(&issued)
        .expect("new")
        .disclose(&Preset::AgeOver18)
        .expect("preset")
        .sign(&world.device_key, NOW)
        .expect("sign");
    assert_eq!(PRESENTATION_REFRESH_SECS, 30);
    assert_eq!(signed.seconds_until_refresh(NOW), 30);
    assert_eq!(signed.seconds_until_refresh(NOW + 12), 18);
    assert_eq!(signed.seconds_until_refresh(NOW + 30), 0);
    assert_eq!(signed.disclosed_names(), [names::AGE_OVER_18, names::PHOTO]);
    assert_eq!(signed.signed_at(), NOW);
    // Debug never shows the text (it carries personal data).
    assert!(!format!("{signed:?}").contains("SM1:"));
    // Two codes for the same choice differ (a fresh signature each time).
    let again = world.present(&issued, &Preset::AgeOver18, NOW);
    assert_ne!(again, signed.text());
}

#[test]
fn the_verdict_serializes_for_the_cli_and_its_debug_hides_values() {
    let world = World::new();
    let issued = world.issue_at_index(&certificate_of(CertificateType::ResidentIdCard), REVOKED_INDEX);
    let verdict = world.verify(&world.present(&issued, &Preset::Identity, NOW), NOW);
    let json = serde_json::to_value(&verdict).expect("json");
    assert_eq!(json["outcome"], "invalid");
    assert_eq!(json["reasons"][0]["reason"], "revoked");
    assert_eq!(json["reasons"][0]["list_age_seconds"], 660);
    assert_eq!(json["attributes"][0]["name"], "name");
    assert_eq!(json["attributes"][0]["value"]["type"], "text");
    assert_eq!(json["attributes"][0]["value"]["value"], "张三");
    let debug = format!("{verdict:?}");
    assert!(!debug.contains("张三") && debug.contains("name"), "{debug}");
}
