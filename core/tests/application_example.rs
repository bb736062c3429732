//! An application from the guide to its signed result, as the backend will drive it: 新生儿出生
//! 一件事 — four departments in parallel, one of them late — with the case QR given at acceptance
//! and a result document at the end. The calendar is a weekends-only test double.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

use shimin_core::application::case_qr::CaseQr;
use shimin_core::application::result::{Decision, ResultDocument};
use shimin_core::application::workflow::{
    Action, Actor, Application, CaseNo, EventAction, Holder, OverdueLevel, Phase, StepRef, china_date,
};
use shimin_core::application::{CodeKind, kind_of};
use shimin_core::calendar::Calendar;
use shimin_core::catalogue::guide::Service;
use shimin_core::cert::credit_code::CreditCode;
use shimin_core::crypto::SigningKey;
use shimin_core::trust::{Department, IssuerEntry, KeyValidity, TrustList, TrustListInfo};
use shimin_wire::catalogue::ServiceDocument;

/// The official calendar: the State Council's notices. The tests' days lie in March 2026, a month
/// of no holiday, unless a test says otherwise.
fn official() -> &'static Calendar {
    Calendar::official().expect("the embedded notices")
}

const POLICE: &str = "111101050000000017";
const HEALTH: &str = "11110105MB0000010A";
const MEDICAL: &str = "11110105MB0000004M";
const HRSS: &str = "11110105MB0000003J";
/// Monday 2 March 2026, 09:00 China Standard Time.
const MONDAY: i64 = 1_772_413_200;
const HOUR: i64 = 3_600;
const DAY: i64 = 24 * HOUR;

fn code(c: &str) -> CreditCode {
    CreditCode::parse(c).expect("a credit code")
}

fn officer(unit: &str) -> Actor {
    Actor::Officer(Holder::new("officer-1", code(unit)).expect("a staff member"))
}

/// A guide of the police (the licence renewal of the test vectors) given the one-thing process
/// of the test vectors: the police pre-review and sign, four departments approve.
fn service() -> Service {
    let mut document: ServiceDocument =
        serde_json::from_str(include_str!("vectors/catalogue/driving-licence-renewal.json"))
            .expect("a guide");
    document.process =
        Some(serde_json::from_str(include_str!("vectors/workflow/newborn-process.json")).expect("a process"));
    Service::parse(document).expect("a guide with its process")
}

fn approve(app: &mut Application, department: &str, at: i64) -> Vec<EventAction> {
    let branch = app.stages()[0].iter().find(|b| b.department == code(department)).expect("the branch");
    let step = StepRef { stage: 0, department: code(department), step: branch.step, version: branch.version };
    let events = app.act(&officer(department), Action::Approve(step), at, official()).expect("approved");
    events.iter().map(|e| e.action).collect()
}

#[test]
fn a_newborn_one_thing_from_submission_to_its_signed_result() {
    let service = service();
    assert_eq!(service.process.stages()[0].branches.len(), 4);

    // The police (the guide's organ) key signs case QRs and results; the trust list vouches for it.
    let root = SigningKey::generate_p256().expect("root");
    let police_key = SigningKey::generate_p256().expect("police");
    let entry = IssuerEntry::new(
        b"bj-psb-2026".to_vec(),
        Department::new("北京市公安局朝阳分局", POLICE).expect("a department"),
        police_key.verifying_key(),
        KeyValidity { from: MONDAY - 30 * DAY, to: MONDAY + 365 * DAY },
        ["11100000000000001M001"],
    )
    .expect("an entry");
    let info = TrustListInfo {
        sequence: 1,
        issued_at: MONDAY - DAY,
        next_update: MONDAY + 30 * DAY,
        expires_at: MONDAY + 60 * DAY,
    };
    let list = TrustList::sign(&[entry], &root, info).expect("a trust list");
    let trust = TrustList::verify(&list, &root.verifying_key(), MONDAY).expect("verified");

    // Submitted Monday, checked, accepted the same day: the receipt carries the case QR.
    let (mut app, submitted) =
        Application::submitted(service.organ.code.clone(), service.process.clone(), MONDAY);
    let mut timeline = vec![submitted];
    timeline.extend(app.act(&Actor::System, Action::ChecksPassed, MONDAY, official()).expect("checks"));
    let case_no = CaseNo::parse("110105-20260302-000001").expect("a case number");
    let version = app.version();
    timeline.extend(
        app.act(
            &officer(POLICE),
            Action::Accept { version, case_no: case_no.clone() },
            MONDAY + HOUR,
            official(),
        )
        .expect("accepted"),
    );
    let receipt = CaseQr {
        case_no: case_no.clone(),
        department: code(POLICE),
        service: service.code.clone(),
        issued_at: MONDAY + HOUR,
    };
    let qr = receipt.sign(b"bj-psb-2026", &police_key).expect("signed");
    assert_eq!(kind_of(&qr), Some(CodeKind::CaseQr));
    assert_eq!(CaseQr::verify(&qr, &trust, MONDAY + 2 * HOUR), Ok(receipt));

    // Three departments finish by Wednesday; social security is late and gets escalated.
    for department in [HEALTH, POLICE, MEDICAL] {
        approve(&mut app, department, MONDAY + DAY);
        approve(&mut app, department, MONDAY + 2 * DAY);
    }
    let today = china_date(MONDAY + 8 * DAY).expect("a date"); // Tuesday 10 March
    let late = app.overdue(today, 3, official()).expect("counted");
    assert_eq!(late.len(), 1);
    assert_eq!((late[0].department.as_str(), late[0].level), (HRSS, OverdueLevel::Escalated));
    approve(&mut app, HRSS, MONDAY + 8 * DAY);
    assert_eq!(
        approve(&mut app, HRSS, MONDAY + 9 * DAY),
        [EventAction::StepApproved, EventAction::StageDecided]
    );
    assert_eq!(app.phase(), Phase::Approved);

    // The result: a registration record, signed, its text bound.
    let text = "出生登记办结通知：110105-20260302-000001 已办结。";
    let result = ResultDocument {
        case_no,
        service: service.code.clone(),
        decision: Decision::Granted,
        date: china_date(MONDAY + 9 * DAY).expect("a date"),
        unit: code(POLICE),
        digest: ResultDocument::digest_of(text),
        issued_at: MONDAY + 9 * DAY,
        title: "办结通知书".into(),
    };
    let signed = result.sign(b"bj-psb-2026", &police_key).expect("signed");
    assert_eq!(ResultDocument::verify(&signed, Some(text), &trust, MONDAY + 10 * DAY), Ok(result));
    app.act(&Actor::System, Action::IssueResult, MONDAY + 9 * DAY, official()).expect("issued");
    app.act(&Actor::System, Action::Close, MONDAY + 9 * DAY, official()).expect("closed");

    // What the application's page shows, and what the backend stores.
    let view = app.timeline(&timeline, official()).expect("a timeline");
    assert_eq!(view.phase, Phase::Closed);
    assert_eq!(view.steps.len(), 8);
    assert_eq!(Application::from_json(&app.to_json()), Ok(app));
}
