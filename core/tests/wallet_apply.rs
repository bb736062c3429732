//! Applying online from the wallet (issue 17): the form prefilled from the wallet, the sources
//! of each material, the application checked on the device and kept in the outbox, sent exactly
//! once — a lost answer sent again with the same id, uploads before the submission and never
//! twice — over the in-memory store and the scripted backend.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod present_common;
mod wallet_common;

use std::collections::BTreeMap;

use present_common::*;
use shimin_core::application::material::{Source, Unusable, UploadError};
use shimin_core::application::submission::ApplicationId;
use shimin_core::catalogue::guide::Service;
use shimin_core::cert::{CertificateType, IssuedCertificate, verify_certificate};
use shimin_core::wallet::applications::{
    self, ApplyError, LocalPhase, Pick, StagedUpload, prepare_with_id, send_pending,
};
use shimin_core::wallet::{BackendError, Lists, WalletStore};
use shimin_wire::application::{
    FieldValueDto, FindingDto, MaterialSourceDto, PrecheckView, SubmissionReceipt,
};
use time::{Date, Month};
use wallet_common::{Call, MemoryStore, ScriptedBackend, block_on, copy_of};

const PDF: &[u8] = include_bytes!("vectors/application/tenancy-agreement.pdf");

fn service() -> Service {
    Service::from_json(include_bytes!("vectors/application/residence-permit.json"))
        .expect("the vector parses")
}

fn today() -> Date {
    Date::from_calendar_date(2024, Month::July, 1).expect("date")
}

fn wallet(world: &World, issued: &[IssuedCertificate]) -> MemoryStore {
    let mut store = MemoryStore::new(copy_of(&world.device_key));
    for i in issued {
        let verified =
            verify_certificate(&i.signed, &i.disclosures, |kid| world.trust.list().key_info(kid), ISSUED_AT)
                .expect("a genuine certificate");
        store.put(i, verified, ISSUED_AT);
    }
    store
}

fn lists(world: &World) -> Lists {
    Lists::from_verified(world.trust.clone(), world.status_lists.clone())
}

fn text(s: &str) -> FieldValueDto {
    FieldValueDto::Text(s.into())
}

/// The prefilled answers and the ones the citizen types.
fn answers(store: &MemoryStore) -> BTreeMap<String, FieldValueDto> {
    let mut a = applications::prefill(store, service().form.as_ref().expect("a form")).expect("prefill");
    for (k, v) in [
        ("phone", text("13800138000")),
        ("address", text("北京市西城区某街1号")),
        ("arrived", text("2024-03-01")),
        ("lease_end", text("2027-02-28")),
        ("months", text("40")),
        ("basis", text("work")),
        ("employed", FieldValueDto::YesNo(false)),
    ] {
        a.insert(k.to_owned(), v);
    }
    a
}

fn id_card_id(store: &MemoryStore) -> String {
    store
        .certificates()
        .expect("certificates")
        .iter()
        .find(|c| c.certificate_type == CertificateType::ResidentIdCard)
        .expect("an ID card")
        .id
        .to_string()
}

fn picks(store: &MemoryStore) -> Vec<(u8, Pick)> {
    let pdf = || Pick::Upload(StagedUpload::from_named("租赁合同.pdf", PDF.to_vec()).expect("a PDF"));
    vec![(0, Pick::Wallet(id_card_id(store))), (1, pdf()), (4, pdf())]
}

fn app_id(n: u8) -> ApplicationId {
    ApplicationId::parse(&format!("{n:02x}").repeat(16)).expect("an id")
}

fn passed(id: &str) -> SubmissionReceipt {
    SubmissionReceipt {
        application_id: id.to_owned(),
        precheck: PrecheckView { passed: true, findings: Vec::new() },
        received_at: Some(NOW),
        timeline: None,
    }
}

fn backend(world: &World) -> ScriptedBackend {
    ScriptedBackend::new(world.root.verifying_key(), Vec::new())
}

fn submits(b: &ScriptedBackend) -> Vec<String> {
    b.calls()
        .into_iter()
        .filter_map(|c| match c {
            Call::Submit(id) => Some(id),
            _ => None,
        })
        .collect()
}

fn uploads(b: &ScriptedBackend) -> usize {
    b.calls().iter().filter(|c| matches!(c, Call::Upload(..))).count()
}

/// A prepared application of the ID card holder, in the outbox.
fn queued(world: &World, n: u8) -> (MemoryStore, String) {
    let mut store = wallet(world, &[world.issue(CertificateType::ResidentIdCard)]);
    let a = answers(&store);
    let p = picks(&store);
    let record = prepare_with_id(&mut store, &service(), &lists(world), &a, p, app_id(n), NOW, today())
        .expect("queued");
    (store, record.id)
}

#[test]
fn the_form_is_prefilled_from_the_wallets_id_card() {
    let world = World::new();
    let store = wallet(&world, &[world.issue(CertificateType::ResidentIdCard)]);
    let a = applications::prefill(&store, service().form.as_ref().expect("a form")).expect("prefill");
    assert_eq!(a.get("name"), Some(&text("张三")));
    assert_eq!(a.get("id_number"), Some(&text(holder_id().as_str())));
    assert_eq!(a.len(), 2, "only the prefilled fields");
    // An empty wallet prefills nothing.
    let empty = wallet(&world, &[]);
    assert!(
        applications::prefill(&empty, service().form.as_ref().expect("a form")).expect("prefill").is_empty()
    );
}

#[test]
fn each_material_shows_its_best_source_and_why_a_better_one_cannot_be_used() {
    let world = World::new();
    let store = wallet(&world, &[world.issue(CertificateType::ResidentIdCard)]);
    let sources = applications::sources(&store, &service(), &lists(&world), NOW).expect("sources");
    assert_eq!(sources.len(), service().materials.len());
    assert_eq!(sources[0][0].source, Source::Wallet(id_card_id(&store)), "the ID card from the wallet first");
    assert_eq!(sources[0][0].usable, Ok(()));
    assert_eq!(sources[1][0].source, Source::Upload, "no certificate stands for a lease");
    // Once the ID card has expired it is listed with its reason, after the upload.
    let later = NOW + 40 * 365 * DAY;
    let sources = applications::sources(&store, &service(), &lists(&world), later).expect("sources");
    assert_eq!(sources[0][0].source, Source::Upload);
    assert_eq!(sources[0][1].usable, Err(Unusable::CertificateExpired));
}

#[test]
fn an_application_made_offline_waits_in_the_outbox_and_is_sent_once() {
    let world = World::new();
    let (mut store, id) = queued(&world, 1);
    let stored = applications::application(&store, &id).expect("stored");
    assert_eq!(stored.phase, LocalPhase::Waiting);
    assert_eq!(stored.request.application_id, id);
    assert!(matches!(stored.request.materials[0].source, MaterialSourceDto::Wallet { .. }));
    assert_eq!(store.log.len(), 1, "the presentation to the department is in the log");

    // Offline: the uploads fail on the network; nothing leaves the outbox.
    let offline = backend(&world);
    offline.upload_answers.lock().expect("uploads").push_back(Err(BackendError::Network("down".into())));
    let report = block_on(send_pending(&mut store, &offline, "t", NOW)).expect("a pass");
    assert_eq!((report.sent, report.waiting), (0, 1));
    assert_eq!(applications::application(&store, &id).expect("kept").phase, LocalPhase::Waiting);
    assert!(submits(&offline).is_empty(), "no submission before its uploads");

    // Online: the uploads, then the submission; then it is out of the outbox.
    let online = backend(&world);
    online.receipts.lock().expect("receipts").push_back(Ok(passed(&id)));
    let report = block_on(send_pending(&mut store, &online, "t", NOW + 60)).expect("a pass");
    assert_eq!(report.sent, 1);
    assert_eq!(uploads(&online), 1, "the same file for two materials is one upload");
    assert_eq!(submits(&online), std::slice::from_ref(&id));
    let calls = online.calls();
    assert!(matches!(calls.last(), Some(Call::Submit(_))), "the submission comes last: {calls:?}");
    assert_eq!(applications::application(&store, &id).expect("kept").phase, LocalPhase::Sent);
    assert!(store.uploads.is_empty(), "the uploads are let go once sent");

    // The next round sends nothing again.
    let again = backend(&world);
    block_on(send_pending(&mut store, &again, "t", NOW + 120)).expect("a pass");
    assert!(again.calls().is_empty(), "{:?}", again.calls());
}

#[test]
fn a_lost_answer_is_sent_again_with_the_same_id_and_uploads_are_not_sent_twice() {
    let world = World::new();
    let (mut store, id) = queued(&world, 2);
    let b = backend(&world);
    // The first answer is lost on the way back; the second arrives.
    b.receipts.lock().expect("receipts").push_back(Err(BackendError::Network("reset".into())));
    b.receipts.lock().expect("receipts").push_back(Ok(passed(&id)));
    let first = block_on(send_pending(&mut store, &b, "t", NOW)).expect("a pass");
    assert_eq!(first.waiting, 1);
    let request_before = applications::application(&store, &id).expect("kept").request;
    let second = block_on(send_pending(&mut store, &b, "t", NOW + 60)).expect("a pass");
    assert_eq!(second.sent, 1);
    assert_eq!(submits(&b), [id.clone(), id.clone()], "the same id both times");
    assert_eq!(uploads(&b), 1, "the acknowledged upload is not sent again");
    assert_eq!(applications::application(&store, &id).expect("kept").request, request_before);
}

#[test]
fn the_backends_refusal_keeps_its_findings_and_a_refused_call_leaves_it_waiting() {
    let world = World::new();
    let (mut store, id) = queued(&world, 3);
    let b = backend(&world);
    // A backend without the route refuses the call: the application waits for a later round.
    b.receipts
        .lock()
        .expect("receipts")
        .push_back(Err(BackendError::Refused { status: 404, code: shimin_wire::error::ErrorCode::Unknown }));
    let report = block_on(send_pending(&mut store, &b, "t", NOW)).expect("a pass");
    assert_eq!(report.waiting, 1);
    assert_eq!(applications::application(&store, &id).expect("kept").phase, LocalPhase::Waiting);
    // The backend's pre-review refuses it: its findings are kept for the citizen.
    let findings = vec![FindingDto::MaterialMissing { material: 1 }];
    b.receipts.lock().expect("receipts").push_back(Ok(SubmissionReceipt {
        application_id: id.clone(),
        precheck: PrecheckView { passed: false, findings: findings.clone() },
        received_at: None,
        timeline: None,
    }));
    let report = block_on(send_pending(&mut store, &b, "t", NOW + 60)).expect("a pass");
    assert_eq!(report.refused, 1);
    let record = applications::application(&store, &id).expect("kept");
    assert_eq!((record.phase, record.findings), (LocalPhase::Refused, findings));
}

#[test]
fn every_wrong_answer_is_listed_at_once_and_nothing_is_stored() {
    let world = World::new();
    let mut store = wallet(&world, &[world.issue(CertificateType::ResidentIdCard)]);
    let mut a = answers(&store);
    a.remove("phone");
    a.insert("months".into(), text("many"));
    let p = picks(&store);
    let Err(ApplyError::Form(problems)) =
        prepare_with_id(&mut store, &service(), &lists(&world), &a, p, app_id(4), NOW, today())
    else {
        panic!("refused for its answers")
    };
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["phone", "months"]);
    assert!(store.applications.is_empty() && store.log.is_empty());
}

#[test]
fn the_devices_pre_review_refuses_a_missing_material_before_sending() {
    let world = World::new();
    let mut store = wallet(&world, &[world.issue(CertificateType::ResidentIdCard)]);
    let a = answers(&store);
    let mut p = picks(&store);
    p.retain(|(i, _)| *i != 1);
    let Err(ApplyError::Precheck(findings)) =
        prepare_with_id(&mut store, &service(), &lists(&world), &a, p, app_id(5), NOW, today())
    else {
        panic!("refused on the device")
    };
    assert_eq!(findings, [FindingDto::MaterialMissing { material: 1 }]);
    assert!(store.applications.is_empty());
}

#[test]
fn an_upload_that_is_not_jpeg_png_or_pdf_or_too_large_is_refused() {
    assert_eq!(StagedUpload::from_named("notes.docx", PDF.to_vec()).err(), Some(UploadError::NotAllowed));
    assert_eq!(
        StagedUpload::from_named("fake.pdf", b"GIF89a....".to_vec()).err(),
        Some(UploadError::NotAllowed)
    );
    assert!(matches!(
        StagedUpload::from_named("photo.jpg", PDF.to_vec()).err(),
        Some(UploadError::Mismatch { .. })
    ));
    let mut huge = PDF.to_vec();
    huge.resize(11 * 1024 * 1024, b' ');
    assert_eq!(StagedUpload::from_named("big.pdf", huge).err(), Some(UploadError::TooLarge));
    assert!(StagedUpload::from_named("ok.PDF", PDF.to_vec()).is_ok());
}

#[test]
fn a_paper_only_material_is_not_asked_for_online() {
    let world = World::new();
    let mut store = wallet(&world, &[world.issue(CertificateType::ResidentIdCard)]);
    let mut paper = service();
    paper.materials[4].form = shimin_wire::catalogue::MaterialFormDto::Paper;
    let a = answers(&store);
    let mut p = picks(&store);
    p.retain(|(i, _)| *i != 4);
    let sources = applications::sources(&store, &paper, &lists(&world), NOW).expect("sources");
    assert_eq!(sources[4][0].usable, Err(Unusable::PaperOnly), "no upload for a paper-only material");
    prepare_with_id(&mut store, &paper, &lists(&world), &a, p, app_id(6), NOW, today())
        .expect("handed over at the counter, not missing online");
}
