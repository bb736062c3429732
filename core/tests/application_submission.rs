//! An application's submission and its automatic pre-review (issue 17): wallet presentations
//! bound to the department and the application and verified as offline codes are, library items
//! by their reuse class, uploads by their size, completeness by the form's answers — and every
//! crafted wrong submission refused with its reason.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

mod present_common;

use std::collections::BTreeMap;

use present_common::*;
use shimin_core::application::material::{LibraryItem, MAX_UPLOAD_BYTES, Unusable, UploadType};
use shimin_core::application::submission::{
    ApplicationId, Finding, MaterialSource, Precheck, SourceRefusal, Submission, SubmissionError,
    UploadRefusal, binding_nonce, needed_attributes, precheck, present_for_application,
};
use shimin_core::catalogue::guide::{Service, ServiceStatus};
use shimin_core::cert::types::names;
use shimin_core::cert::{CertificateType, CreditCode, IssuedCertificate};
use shimin_core::present::{Presentation, PresentationRequest, Preset};
use shimin_core::verifier::Reason;
use shimin_wire::application::{
    FieldValueDto, FindingDto, MaterialSourceDto, MaterialSubmissionDto, SubmissionRequest, UploadTypeDto,
};
use time::{Date, Month};

fn service() -> Service {
    Service::from_json(include_bytes!("vectors/application/residence-permit.json"))
        .expect("the vector parses")
}

/// The day of [`NOW`] in China time.
fn today() -> Date {
    Date::from_calendar_date(2024, Month::July, 1).expect("date")
}

fn app_id(n: u8) -> ApplicationId {
    ApplicationId::parse(&format!("{n:02x}").repeat(16)).expect("an id")
}

fn text(s: &str) -> FieldValueDto {
    FieldValueDto::Text(s.into())
}

fn answers() -> BTreeMap<String, FieldValueDto> {
    let credit = CreditCode::parse("91350100M000100Y43").expect("credit code");
    [
        ("name", text("张三")),
        ("id_number", text(holder_id().as_str())),
        ("phone", text("13800138000")),
        ("address", text("北京市西城区某街1号")),
        ("arrived", text("2024-03-01")),
        ("lease_end", text("2027-02-28")),
        ("months", text("40")),
        ("basis", text("work")),
        ("with", FieldValueDto::Codes(vec!["child".into()])),
        ("employed", FieldValueDto::YesNo(true)),
        ("employer", text(credit.as_str())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn upload(size: u64) -> MaterialSource {
    MaterialSource::Upload { sha256: [7; 32], kind: UploadType::Pdf, size }
}

fn library() -> Vec<LibraryItem> {
    let item = |id: &str, name: &str, valid_until| LibraryItem {
        id: id.into(),
        material_name: name.into(),
        accepted_at: NOW - 400 * DAY,
        valid_until,
    };
    vec![
        item("lease", "房屋租赁合同", Some(NOW + 200 * DAY)),
        item("old-lease", "房屋租赁合同", Some(NOW - 1)),
        item("birth", "出生医学证明", Some(NOW - 3_000 * DAY)),
        item("old-form", "居住证申领登记表", None),
    ]
}

/// The holder's presentation of the ID card for `service`'s application `id`, at `at`.
fn id_card(world: &World, service: &Service, id: &ApplicationId, at: i64) -> String {
    let issued = world.issue(CertificateType::ResidentIdCard);
    present_for_application(&issued, CertificateType::ResidentIdCard, service, id, &world.device_key, at)
        .expect("present")
        .text()
        .to_owned()
}

/// A full submission of application `id` with the ID card from `presentation`.
fn submission(id: ApplicationId, presentation: String) -> Submission {
    Submission {
        id,
        service_code: service().code,
        catalogue_version: service().version,
        values: answers(),
        materials: vec![
            (0, MaterialSource::Wallet(presentation)),
            (1, MaterialSource::Library("lease".into())),
            (2, upload(200_000)),
            (4, upload(48_000)),
            (5, MaterialSource::Library("birth".into())),
        ],
    }
}

fn check(world: &World, s: &Submission, now: i64) -> Precheck {
    precheck(&service(), s, &world.trust, &world.status_lists, &library(), now, today())
}

#[test]
fn a_complete_application_passes_with_a_bound_minimal_presentation() {
    let world = World::new();
    let id = app_id(1);
    let presentation = id_card(&world, &service(), &id, NOW - 60);
    let verdict = check(&world, &submission(id, presentation.clone()), NOW);
    assert_eq!(verdict.findings, []);
    assert!(verdict.passed());
    assert!(verdict.values.is_some());
    // Only what the service needs left the phone: the holder's number and the name.
    let shown = world.verify(&presentation, NOW - 60);
    let names: Vec<&str> = shown.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, [names::ID_NUMBER, names::NAME]);
    assert_eq!(
        needed_attributes(&service(), CertificateType::ResidentIdCard),
        [names::ID_NUMBER, names::NAME]
    );
    // An attribute the certificate lacks is refused by name, not left out.
    let issued = world.issue(CertificateType::ResidentIdCard);
    assert_eq!(
        Presentation::new(&issued).expect("certificate").disclose_only(&["spouse_name"]).map(|_| ()),
        Err(shimin_core::present::PresentError::PresetNotApplicable("spouse_name"))
    );
}

#[test]
fn the_binding_nonce_matches_the_vectors_computed_apart() {
    #[derive(serde::Deserialize)]
    struct Vector {
        department: String,
        application_id: String,
        nonce: String,
    }
    let vectors: Vec<Vector> =
        serde_json::from_str(include_str!("vectors/application/binding-nonces.json")).expect("vectors");
    assert_eq!(vectors.len(), 4);
    for v in vectors {
        let department = CreditCode::parse(&v.department).expect("a credit code");
        let id = ApplicationId::parse(&v.application_id).expect("an id");
        assert_eq!(hex::encode(binding_nonce(&department, &id)), v.nonce, "{}", v.application_id);
    }
}

#[test]
fn the_binding_nonce_is_the_documented_digest() {
    // SHA-256("shimin/application/v1" ‖ "111101050000000017" ‖ 00 01 … 0f)[..16], computed apart.
    let id = ApplicationId::parse("000102030405060708090a0b0c0d0e0f").expect("id");
    let nonce = binding_nonce(&issuer_code(), &id);
    assert_eq!(hex::encode(nonce), "397204ed6ed4e102532d186bb1027f2b");
    assert_ne!(binding_nonce(&CreditCode::parse(&education_code()).expect("code"), &id), nonce);
    assert_ne!(binding_nonce(&issuer_code(), &app_id(1)), nonce);
}

fn bound_to(world: &World, issued: &IssuedCertificate, preset: &Preset, nonce: [u8; 16]) -> String {
    let request = PresentationRequest { nonce, issued_at: NOW, asked: Preset::Full };
    Presentation::new(issued)
        .expect("certificate")
        .disclose(preset)
        .expect("preset")
        .sign_for_request(&world.device_key, NOW - 60, &request)
        .expect("sign")
        .text()
        .to_owned()
}

#[test]
fn a_presentation_for_another_department_or_application_or_none_is_not_bound() {
    let world = World::new();
    let (id, other) = (app_id(1), app_id(2));
    let issued = world.issue(CertificateType::ResidentIdCard);
    let education = CreditCode::parse(&education_code()).expect("code");
    let cases = [
        ("another department", bound_to(&world, &issued, &Preset::Full, binding_nonce(&education, &id))),
        ("another application", id_card(&world, &service(), &other, NOW - 60)),
        ("a one-way code", world.present(&issued, &Preset::Full, NOW - 10)),
    ];
    for (what, presentation) in cases {
        let verdict = check(&world, &submission(id, presentation), NOW);
        assert_eq!(verdict.findings, [Finding::PresentationNotBound(0)], "{what}");
        assert!(!verdict.passed(), "{what}");
    }
}

#[test]
fn a_presentation_replayed_into_another_application_is_refused() {
    let world = World::new();
    let first = submission(app_id(1), id_card(&world, &service(), &app_id(1), NOW - 60));
    assert!(check(&world, &first, NOW).passed());
    let Some((_, MaterialSource::Wallet(captured))) = first.materials.first().cloned() else {
        panic!("wallet")
    };
    let replay = submission(app_id(3), captured);
    assert_eq!(check(&world, &replay, NOW).findings, [Finding::PresentationNotBound(0)]);
}

#[test]
fn a_genuine_but_wrong_presentation_is_refused_with_its_reason() {
    let world = World::new();
    let id = app_id(1);
    let nonce = binding_nonce(&service().organ.code, &id);
    // Another certificate type.
    let licence = bound_to(&world, &world.issue(CertificateType::DrivingLicence), &Preset::Full, nonce);
    assert_eq!(check(&world, &submission(id, licence), NOW).findings, [Finding::WrongCertificate(0)]);
    // The identity preset carries the masked number only.
    let identity = bound_to(&world, &world.issue(CertificateType::ResidentIdCard), &Preset::Identity, nonce);
    assert_eq!(
        check(&world, &submission(id, identity), NOW).findings,
        [Finding::AttributeMissing(0, names::ID_NUMBER)]
    );
    // The form says another name than the card: a typing mistake, or someone else's card.
    let mut other_name = submission(id, id_card(&world, &service(), &id, NOW - 60));
    other_name.values.insert("name".into(), text("李四"));
    assert_eq!(check(&world, &other_name, NOW).findings, [Finding::AnswerDiffers(0, "name".into())]);
    // A revoked certificate.
    let revoked = world.issue_at_index(&certificate_of(CertificateType::ResidentIdCard), REVOKED_INDEX);
    let text = present_for_application(
        &revoked,
        CertificateType::ResidentIdCard,
        &service(),
        &id,
        &world.device_key,
        NOW,
    )
    .expect("present")
    .text()
    .to_owned();
    let findings = check(&world, &submission(id, text), NOW).findings;
    assert!(
        matches!(&findings[..], [Finding::PresentationInvalid(0, r)] if matches!(r[..], [Reason::Revoked { .. }])),
        "{findings:?}"
    );
    let dto: Vec<FindingDto> = findings.iter().map(Into::into).collect();
    assert_eq!(dto, [FindingDto::PresentationInvalid { material: 0, reasons: vec!["revoked".into()] }]);
}

#[test]
fn a_presentation_may_wait_in_the_outbox_for_a_week_and_no_longer() {
    let world = World::new();
    let id = app_id(1);
    let six_days = submission(id, id_card(&world, &service(), &id, NOW - 6 * DAY));
    assert!(check(&world, &six_days, NOW).passed());
    let eight_days = submission(id, id_card(&world, &service(), &id, NOW - 8 * DAY));
    let findings = check(&world, &eight_days, NOW).findings;
    assert!(
        matches!(&findings[..], [Finding::PresentationInvalid(0, r)] if matches!(r[..], [Reason::ExpiredScreenshot { .. }])),
        "{findings:?}"
    );
}

#[test]
fn completeness_sources_and_answers_are_all_reported_at_once() {
    let world = World::new();
    let id = app_id(1);
    let mut s = submission(id, id_card(&world, &service(), &id, NOW - 60));
    s.values.insert("months".into(), text("2"));
    s.materials = vec![
        (0, MaterialSource::Library("lease".into())),
        (1, MaterialSource::Library("old-lease".into())),
        (4, MaterialSource::Library("old-form".into())),
        (4, upload(1)),
        (9, upload(1)),
        (5, MaterialSource::Library("nobody's".into())),
        (3, upload(MAX_UPLOAD_BYTES + 1)),
    ];
    let findings = check(&world, &s, NOW).findings;
    assert_eq!(
        findings,
        [
            Finding::Field(shimin_core::catalogue::form::FieldProblem {
                field: "months".into(),
                problem: shimin_core::catalogue::form::Problem::BelowMinimum { min: "6".into() },
            }),
            Finding::SourceNotAccepted(0, SourceRefusal::Unusable(Unusable::OtherMaterial)),
            Finding::SourceNotAccepted(1, SourceRefusal::Unusable(Unusable::Expired)),
            Finding::SourceNotAccepted(4, SourceRefusal::Unusable(Unusable::NeverReused)),
            Finding::MaterialUnknown(4),
            Finding::MaterialUnknown(9),
            Finding::SourceNotAccepted(5, SourceRefusal::UnknownItem),
            Finding::UploadRefused(3, UploadRefusal::TooLarge),
        ]
    );
    // With good answers the form decides the conditional materials: employed → the contract
    // (2) is missing; a child moves → the birth certificate (5) was given (if badly).
    s.values = answers();
    let findings = check(&world, &s, NOW).findings;
    assert_eq!(findings.iter().filter(|f| matches!(f, Finding::MaterialMissing(_))).count(), 1);
    assert!(findings.contains(&Finding::MaterialMissing(2)));
    // Not employed, no child: neither is needed.
    s.values.insert("employed".into(), FieldValueDto::YesNo(false));
    s.values.remove("with");
    s.materials = vec![
        (0, MaterialSource::Wallet(id_card(&world, &service(), &id, NOW - 60))),
        (1, upload(9)),
        (4, upload(9)),
    ];
    assert_eq!(check(&world, &s, NOW).findings, []);
}

#[test]
fn a_closed_service_or_an_older_guide_is_said_so() {
    let world = World::new();
    let id = app_id(1);
    let s = submission(id, id_card(&world, &service(), &id, NOW - 60));
    let mut suspended = service();
    suspended.status = ServiceStatus::Suspended;
    let verdict = precheck(&suspended, &s, &world.trust, &world.status_lists, &library(), NOW, today());
    assert_eq!(verdict.findings, [Finding::ServiceNotOpen]);
    let newer = service().at_version(9);
    let verdict = precheck(&newer, &s, &world.trust, &world.status_lists, &library(), NOW, today());
    assert_eq!(verdict.findings, [Finding::OlderCatalogue { current: 9 }]);
    assert!(verdict.passed(), "not blocking: the clerk sees it");
}

#[test]
fn the_wire_submission_is_read_strictly_and_its_debug_hides_the_presentation() {
    let request = SubmissionRequest {
        application_id: app_id(0xab).to_string(),
        service_code: service().code.to_string(),
        catalogue_version: 3,
        values: answers(),
        materials: vec![
            MaterialSubmissionDto {
                material: 0,
                source: MaterialSourceDto::Wallet { presentation: "SM1:SECRET".into() },
            },
            MaterialSubmissionDto {
                material: 4,
                source: MaterialSourceDto::Upload {
                    sha256: "ab".repeat(32),
                    media_type: UploadTypeDto::Pdf,
                    size: 9,
                },
            },
        ],
    };
    let s = Submission::try_from(&request).expect("reads");
    assert_eq!(s.id, app_id(0xab));
    assert_eq!(
        s.materials[1],
        (4, MaterialSource::Upload { sha256: [0xab; 32], kind: UploadType::Pdf, size: 9 })
    );
    assert!(!format!("{s:?}").contains("SECRET"));
    assert_eq!(SubmissionRequest::from(&s), request, "the device sends what the backend reads");
    let with = |change: fn(&mut SubmissionRequest)| {
        let mut r = request.clone();
        change(&mut r);
        Submission::try_from(&r)
    };
    assert_eq!(with(|r| r.application_id = "AB".repeat(16)), Err(SubmissionError::ApplicationId));
    assert_eq!(with(|r| r.application_id = "ab".repeat(15)), Err(SubmissionError::ApplicationId));
    assert_eq!(with(|r| r.service_code = "nope".into()), Err(SubmissionError::ServiceCode));
    assert_eq!(
        with(|r| r.materials[1].source =
            MaterialSourceDto::Upload { sha256: "xy".repeat(32), media_type: UploadTypeDto::Png, size: 1 }),
        Err(SubmissionError::Digest)
    );
    assert_eq!(
        with(|r| r.materials[0].source = MaterialSourceDto::Wallet { presentation: "A".repeat(20_000) }),
        Err(SubmissionError::PresentationTooLong)
    );
    assert_ne!(ApplicationId::random().expect("random"), ApplicationId::random().expect("random"));
}
