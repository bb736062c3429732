//! The sync and liveness use cases against a scripted backend and a store in memory: the rules
//! of a round (a page's cursor saved only after its certificates, a bad certificate refused and
//! counted, the trust list fetched again only when a page names a newer one, an outbox item kept
//! until its receipt), enrolment, the schedule of background rounds, and what each liveness
//! refusal means.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod present_common;
mod wallet_common;

use std::time::Duration;

use base64::Engine as _;
use present_common::*;
use shimin_core::cert::CertificateType;
use shimin_core::liveness::Action;
use shimin_core::trust::{TrustList, TrustListInfo};
use shimin_core::wallet::liveness::{self, Purpose};
use shimin_core::wallet::sync::{self, MAX_PAGES};
use shimin_core::wallet::{
    BackendError, Enrolment, LivenessChallenge, SyncFailure, SyncProgress, SyncReport, SyncSchedule,
    SyncStep, WalletError, WalletStore,
};
use shimin_wire::backend::{SyncCertificate, SyncPullResponse, TrustListVersion};
use shimin_wire::error::ErrorCode;
use shimin_wire::liveness::LivenessPurposeView;
use shimin_wire::sync::{SyncLineView, SyncProblemView};
use wallet_common::{Call, MemoryStore, ScriptedBackend, block_on, copy_of};

fn signed_trust_list(world: &World, sequence: u64) -> Vec<u8> {
    let entries = [
        issuer_entry(&world.issuer_key, &CertificateType::ALL, ISSUED_AT - DAY),
        status_entry(&world.status_key),
    ];
    let info =
        TrustListInfo { sequence, issued_at: NOW - DAY, next_update: NOW + DAY, expires_at: NOW + 30 * DAY };
    TrustList::sign(&entries, &world.root, info).expect("sign")
}

fn page(
    cursor: &str,
    more: bool,
    certificates: &[&shimin_core::cert::IssuedCertificate],
    sequence: u64,
) -> SyncPullResponse {
    SyncPullResponse {
        cursor: cursor.into(),
        more,
        certificates: certificates
            .iter()
            .map(|c| SyncCertificate {
                certificate_id: String::new(),
                certificate_type: String::new(),
                version: 0,
                holder_copy_b64: base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(c.to_holder_copy().expect("holder copy")),
            })
            .collect(),
        status_changes: Vec::new(),
        trust_list: Some(TrustListVersion { sequence, etag: format!("\"{sequence}\"") }),
        reminders: Vec::new(),
        notifications: Vec::new(),
    }
}

fn enrolled(world: &World, backend: &ScriptedBackend) -> MemoryStore {
    let mut store = MemoryStore::new(copy_of(&world.device_key));
    store.enrolment = Some(Enrolment {
        backend_url: backend.base_url.clone(),
        device_id: 7,
        root_key: world.root.verifying_key(),
    });
    store
}

fn backend(world: &World) -> ScriptedBackend {
    let mut backend = ScriptedBackend::new(world.root.verifying_key(), signed_trust_list(world, 1));
    backend.status_lists =
        vec![(STATUS_URI.to_owned(), world.status_lists[0].list().signed_bytes().to_vec())];
    backend
}

#[test]
fn a_round_imports_each_page_before_saving_its_cursor_and_counts_what_it_refuses() {
    let world = World::new();
    let backend = backend(&world);
    let card = world.issue(CertificateType::ResidentIdCard);
    let licence = world.issue(CertificateType::DrivingLicence);
    // Genuine, but bound to another device: verified, and then not kept by the store.
    let other = world
        .issuer()
        .issue(
            &certificate_of(CertificateType::DegreeCertificate),
            &id_for(CertificateType::DegreeCertificate),
            &key().verifying_key(),
            &shimin_core::cert::StatusReference { uri: STATUS_URI.into(), index: GOOD_INDEX },
            ISSUED_AT,
        )
        .expect("issue");
    backend.page(Ok(page("c1", true, &[&card], 1)));
    backend.page(Ok(page("c2", false, &[&licence, &other, &card], 1)));
    let mut store = enrolled(&world, &backend);
    store.queue("k1", "presentation-log", "{}");

    let mut steps = Vec::new();
    let report = block_on(sync::round(&mut store, &backend, NOW, |s| steps.push(s))).expect("round");
    assert_eq!(
        report,
        SyncReport {
            pages: 2,
            imported: 2,
            already_had: 1,
            refused: 1,
            trust_list_updated: true,
            status_lists: 1,
            pushed: 1,
            applications: Default::default(),
        }
    );
    assert_eq!(
        steps,
        [
            SyncStep::SigningIn,
            SyncStep::Pulling(1),
            SyncStep::Pulling(2),
            SyncStep::StatusLists,
            SyncStep::Pushing
        ]
    );
    assert_eq!(store.progress.cursor.as_deref(), Some("c2"));
    assert_eq!(store.progress.last_sync_at, Some(NOW));
    assert!(store.outbox.is_empty(), "the item left the outbox with its receipt");
    assert_eq!(
        backend.calls(),
        [
            Call::SignIn(7),
            Call::Pull(None),
            Call::TrustList,
            Call::Pull(Some("c1".into())),
            Call::StatusList(STATUS_URI.into()),
            Call::Push(vec!["k1".into()]),
        ],
        "the trust list is fetched once: the second page names the same sequence"
    );
}

/// A phone whose clock runs a few minutes behind the server's still takes a certificate issued
/// a moment ago (refused, it would be skipped and the cursor moved past it, lost for good); one
/// signed further ahead than the tolerance is refused and counted.
#[test]
fn a_certificate_signed_a_little_ahead_of_the_devices_clock_is_imported() {
    let world = World::new();
    let backend = backend(&world);
    let signed_at = |at: i64, t: CertificateType| {
        let status = shimin_core::cert::StatusReference { uri: STATUS_URI.into(), index: GOOD_INDEX };
        world
            .issuer()
            .issue(&certificate_of(t), &id_for(t), &world.device_key.verifying_key(), &status, at)
            .expect("issue")
    };
    let soon = signed_at(NOW + sync::IMPORT_CLOCK_TOLERANCE_SECS - 60, CertificateType::ResidentIdCard);
    let far = signed_at(NOW + sync::IMPORT_CLOCK_TOLERANCE_SECS + 60, CertificateType::DrivingLicence);
    backend.page(Ok(page("c1", false, &[&soon, &far], 1)));
    let mut store = enrolled(&world, &backend);
    let report = block_on(sync::round(&mut store, &backend, NOW, |_| {})).expect("round");
    assert_eq!((report.imported, report.refused), (1, 1), "{report:?}");
    assert_eq!(store.certificates().expect("list").len(), 1);
}

#[test]
fn a_round_that_fails_midway_keeps_what_it_applied_and_resumes_from_the_saved_cursor() {
    let world = World::new();
    let backend = backend(&world);
    let card = world.issue(CertificateType::ResidentIdCard);
    backend.page(Ok(page("c1", true, &[&card], 1)));
    backend.page(Err(BackendError::Network("the connection broke".into())));
    let mut store = enrolled(&world, &backend);

    let failure = block_on(sync::round(&mut store, &backend, NOW, |_| {})).expect_err("offline");
    assert!(failure.is_transient());
    assert_eq!(failure.problem(), SyncProblemView::Offline);
    assert_eq!(store.certificates.len(), 1, "the first page's certificate stays");
    assert_eq!(store.progress.cursor.as_deref(), Some("c1"));
    assert_eq!(store.progress.last_sync_at, None, "the round did not finish");

    // The next round pulls from c1; a page naming a newer trust list has it fetched again.
    let mut newer = backend;
    newer.trust_list = signed_trust_list(&world, 2);
    newer.page(Ok(page("c2", false, &[], 2)));
    let report = block_on(sync::round(&mut store, &newer, NOW, |_| {})).expect("round");
    assert!(report.trust_list_updated);
    assert!(newer.calls().contains(&Call::Pull(Some("c1".into()))));
    assert_eq!(store.trust_list.as_ref().map(|(_, seq)| *seq), Some(2));
}

#[test]
fn a_round_refuses_a_trust_list_not_signed_by_the_pinned_root_and_a_server_that_never_ends() {
    let world = World::new();
    let mut backend = backend(&world);
    let impostor = World { root: key(), ..World::new() };
    backend.trust_list = signed_trust_list(&impostor, 5);
    backend.page(Ok(page("c1", false, &[&world.issue(CertificateType::ResidentIdCard)], 5)));
    let mut store = enrolled(&world, &backend);
    let failure = block_on(sync::round(&mut store, &backend, NOW, |_| {})).expect_err("refused");
    assert!(matches!(failure, SyncFailure::TrustList), "{failure:?}");
    assert!(store.certificates.is_empty() && store.trust_list.is_none(), "nothing of it was stored");

    let backend = backend_pages_forever(&world);
    let mut store = enrolled(&world, &backend);
    let failure = block_on(sync::round(&mut store, &backend, NOW, |_| {})).expect_err("too many");
    assert!(matches!(failure, SyncFailure::TooManyPages), "{failure:?}");
    assert_eq!(store.progress.cursor.as_deref(), Some(format!("c{MAX_PAGES}").as_str()));
}

fn backend_pages_forever(world: &World) -> ScriptedBackend {
    let backend = backend(world);
    for n in 1..=MAX_PAGES + 1 {
        backend.page(Ok(page(&format!("c{n}"), true, &[], 1)));
    }
    backend
}

#[test]
fn an_outbox_item_stays_until_a_receipt_comes_back() {
    let world = World::new();
    let mut backend = backend(&world);
    backend.acknowledge_pushes = false;
    backend.page(Ok(page("c1", false, &[], 1)));
    let mut store = enrolled(&world, &backend);
    store.queue("k1", "presentation-log", "{}");
    let failure = block_on(sync::round(&mut store, &backend, NOW, |_| {})).expect_err("no receipt");
    assert_eq!(failure.problem(), SyncProblemView::BadData);
    assert_eq!(store.outbox.len(), 1);
}

#[test]
fn enrolment_records_the_backend_and_a_refused_code_records_nothing() {
    let world = World::new();
    let backend = backend(&world);
    *backend.register.lock().expect("script") =
        Some(Err(BackendError::Refused { status: 403, code: ErrorCode::Unknown }));
    let mut store = MemoryStore::new(copy_of(&world.device_key));
    let root = world.root.verifying_key();
    let shipped = sync::RootOfTrust::Shipped(&root);
    let refused = block_on(sync::enrol(&mut store, &backend, shipped, holder_id().as_str(), "WRONG", "test"));
    assert!(matches!(refused, Err(SyncFailure::Backend(BackendError::Refused { .. }))));
    assert_eq!(store.enrolment, None);

    let enrolment =
        block_on(sync::enrol(&mut store, &backend, shipped, holder_id().as_str(), "GOOD", "test"))
            .expect("enrol");
    assert_eq!(enrolment.root_key, world.root.verifying_key(), "the national root key is pinned");
    assert_eq!(store.enrolment, Some(enrolment));
    assert!(matches!(
        block_on(sync::round(&mut MemoryStore::new(key()), &backend, NOW, |_| {})),
        Err(SyncFailure::NotEnrolled)
    ));
    let mut elsewhere = ScriptedBackend::new(world.root.verifying_key(), Vec::new());
    elsewhere.base_url = "https://another.example.invalid".into();
    assert!(matches!(
        block_on(sync::round(&mut store, &elsewhere, NOW, |_| {})),
        Err(SyncFailure::OtherBackend)
    ));
}

#[test]
fn what_the_citizen_typed_to_enrol_is_parsed_before_anything_is_sent() {
    let holder = holder_id();
    let (id, code) =
        sync::parse_enrolment(&format!(" {} ", holder.as_str()), "  K7Q2-9XMP \n").expect("parsed");
    assert_eq!((id.as_str(), code), (holder.as_str(), "K7Q2-9XMP"));
    assert!(matches!(sync::parse_enrolment("110105194912310021", "K7Q2"), Err(WalletError::InvalidIdNumber)));
    for code in ["", "   ", &"X".repeat(sync::MAX_ENROLMENT_CODE_LEN + 1)] {
        assert!(
            matches!(sync::parse_enrolment(holder.as_str(), code), Err(WalletError::EnrolmentRefused)),
            "{code:?}"
        );
    }
    assert!(sync::parse_enrolment(holder.as_str(), &"X".repeat(sync::MAX_ENROLMENT_CODE_LEN)).is_ok());
}

#[test]
fn the_schedule_runs_at_once_when_asked_backs_off_after_trouble_and_waits_after_a_refusal() {
    let interval = Duration::from_secs(900);
    let synced = SyncProgress { last_sync_at: Some(NOW - 60), ..SyncProgress::default() };
    let mut schedule = SyncSchedule::default();
    assert_eq!(schedule.due_in(&SyncProgress::default(), interval, NOW), 0, "never synced: at once");
    assert_eq!(schedule.due_in(&synced, interval, NOW), 840, "an interval after the last round");
    schedule.request();
    assert_eq!(schedule.due_in(&synced, interval, NOW), 0, "asked for: at once");

    schedule.started(NOW);
    schedule.step(SyncStep::Pulling(1));
    assert_eq!(
        schedule.view(true, true, &synced, NOW).running,
        Some(shimin_wire::sync::SyncStepView::Pulling { page: 1 })
    );
    let offline = Err(SyncFailure::Backend(BackendError::Network("down".into())));
    schedule.finished(&offline, NOW, 0.0);
    let view = schedule.view(true, true, &synced, NOW);
    assert_eq!((view.running, view.problem), (None, Some(SyncProblemView::Offline)));
    // One line, with no countdown: offline, the certificates present as they are.
    assert!(matches!(view.line, SyncLineView::Offline { at: Some(_) }), "{:?}", view.line);
    assert_eq!(view.attention, None, "the app retries by itself");
    let first_retry = view.next_attempt_at.expect("a retry time") - NOW;
    assert!(first_retry > 0 && first_retry <= 900, "{first_retry}");
    schedule.started(NOW + first_retry);
    schedule.finished(&offline, NOW + first_retry, 0.0);
    let second_retry =
        schedule.view(true, true, &synced, NOW).next_attempt_at.expect("retry") - (NOW + first_retry);
    assert!(second_retry > first_retry, "the backoff grows: {first_retry} then {second_retry}");

    let refused = Err(SyncFailure::Backend(BackendError::Unauthorized));
    schedule.started(NOW + 1_000);
    schedule.finished(&refused, NOW + 1_000, 0.0);
    let view = schedule.view(true, true, &synced, NOW);
    assert_eq!((view.problem, view.next_attempt_at), (Some(SyncProblemView::DeviceRefused), None));
    assert_eq!(view.attention, Some(SyncProblemView::DeviceRefused), "the user has to act");
    assert!(matches!(view.line, SyncLineView::Synced { .. }), "{:?}", view.line);
    assert_eq!(
        schedule.due_in(&synced, interval, NOW + 1_000),
        900,
        "a refused device waits an interval after its last attempt, not a backoff"
    );

    schedule.finished(&Ok(SyncReport { imported: 3, ..SyncReport::default() }), NOW + 2_000, 0.0);
    let view = schedule.view(true, true, &synced, NOW);
    assert_eq!((view.problem, view.next_attempt_at, view.last_imported), (None, None, 3));
}

fn challenge() -> LivenessChallenge {
    LivenessChallenge { check_id: 41, nonce: vec![9; 16], steps: 3, time_limit_ms: 60_000 }
}

#[test]
fn an_enrolment_check_is_only_for_a_wallet_not_enrolled_and_each_refusal_has_its_meaning() {
    let world = World::new();
    let mut backend = backend(&world);
    backend.challenge = Some(challenge());
    let purpose = Purpose::parse(&LivenessPurposeView::Enrolment { id_number: holder_id().as_str().into() })
        .expect("purpose");
    assert!(purpose.enrols());
    assert!(matches!(
        Purpose::parse(&LivenessPurposeView::Enrolment { id_number: "110105194912310021".into() }),
        Err(WalletError::InvalidIdNumber)
    ));

    let mut store = MemoryStore::new(copy_of(&world.device_key));
    assert_eq!(
        block_on(liveness::begin(&mut store, &backend, purpose.clone(), "test")).expect("begin").challenge,
        challenge()
    );
    let mut enrolled = enrolled(&world, &backend);
    assert!(matches!(
        block_on(liveness::begin(&mut enrolled, &backend, purpose, "test")),
        Err(WalletError::AlreadyDone)
    ));

    let refused = |code| SyncFailure::Backend(BackendError::Refused { status: 422, code });
    assert!(matches!(liveness::refusal(refused(ErrorCode::LivenessFailed)), WalletError::LivenessRejected));
    assert!(matches!(liveness::refusal(refused(ErrorCode::NoRegistryPhoto)), WalletError::NoRegistryPhoto));
    assert!(matches!(liveness::refusal(refused(ErrorCode::AlreadyAnswered)), WalletError::AlreadyDone));
    assert!(matches!(liveness::refusal(refused(ErrorCode::AlreadyConfirmed)), WalletError::AlreadyDone));
    assert!(matches!(liveness::refusal(refused(ErrorCode::AlreadyDeclined)), WalletError::AlreadyDone));
    assert!(matches!(liveness::refusal(refused(ErrorCode::RequestExpired)), WalletError::RequestExpired));
    assert!(matches!(liveness::refusal(refused(ErrorCode::UnknownCitizen)), WalletError::EnrolmentRefused));
    assert!(
        matches!(liveness::refusal(refused(ErrorCode::Conflict)), WalletError::Backend(_)),
        "a code it does not name is the backend's trouble"
    );
    let busy =
        SyncFailure::Backend(BackendError::Unavailable { status: 429, code: ErrorCode::AttemptsExhausted });
    assert!(matches!(liveness::refusal(busy), WalletError::TooManyAttempts));
    let offline = SyncFailure::Backend(BackendError::Network("down".into()));
    assert!(matches!(liveness::refusal(offline), WalletError::Backend(_)));
}

#[test]
fn a_case_check_needs_the_device_signed_in() {
    let world = World::new();
    let mut backend = backend(&world);
    backend.challenge = Some(challenge());
    let mut store = MemoryStore::new(copy_of(&world.device_key));
    let case = Purpose::Case(3);
    assert!(matches!(
        block_on(liveness::begin(&mut store, &backend, case.clone(), "test")),
        Err(WalletError::Backend(SyncFailure::NotEnrolled))
    ));
    let mut store = enrolled(&world, &backend);
    block_on(liveness::begin(&mut store, &backend, case, "test")).expect("begin");
    assert_eq!(backend.calls(), [Call::SignIn(7), Call::CaseChallenge(3)]);
}

/// Issue 20: declining a request signs in and sends the case and the reason; the backend's
/// answer is what the screen shows, and its refusals mean what they say.
#[test]
fn declining_a_request_sends_the_case_and_the_reason_once_signed_in() {
    use shimin_wire::backend::{DeclineReasonView, IdentityRequestView, MatterView, RequestStateView};

    let world = World::new();
    let backend = backend(&world);
    let mut store = MemoryStore::new(copy_of(&world.device_key));
    assert!(matches!(
        block_on(liveness::decline_request(&mut store, &backend, 3, DeclineReasonView::NotMe)),
        Err(WalletError::NotEnrolled)
    ));
    assert!(!backend.calls().iter().any(|c| matches!(c, Call::Decline(..))), "nothing sent unenrolled");

    let mut store = enrolled(&world, &backend);
    let answered = IdentityRequestView {
        case_id: 3,
        company_name: "福州闽江软件有限公司".into(),
        department_name: "福州市市场监督管理局".into(),
        roles: Vec::new(),
        created_at: 1_000,
        matter: MatterView::CompanyEstablishment,
        shared: Vec::new(),
        respond_by: 1_000 + 7 * 86_400,
        state: RequestStateView::Declined,
        confirmed_at: None,
        declined_at: Some(2_000),
        decline_reason: Some(DeclineReasonView::NotMe),
    };
    *backend.decline.lock().expect("decline") = Some(Ok(answered.clone()));
    let seen = block_on(liveness::decline_request(&mut store, &backend, 3, DeclineReasonView::NotMe))
        .expect("declined");
    assert_eq!(seen, answered);
    assert_eq!(backend.calls(), [Call::SignIn(7), Call::Decline(3, DeclineReasonView::NotMe)]);

    *backend.decline.lock().expect("decline") =
        Some(Err(BackendError::Refused { status: 409, code: ErrorCode::AlreadyDeclined }));
    assert!(matches!(
        block_on(liveness::decline_request(&mut store, &backend, 3, DeclineReasonView::Refused)),
        Err(WalletError::AlreadyDone)
    ));
    *backend.decline.lock().expect("decline") =
        Some(Err(BackendError::Refused { status: 404, code: ErrorCode::NotFound }));
    assert!(matches!(
        block_on(liveness::decline_request(&mut store, &backend, 4, DeclineReasonView::Refused)),
        Err(WalletError::EnrolmentRefused)
    ));
}

/// Finding 1 (issue 15): a check's frame batches are signed by the device key, name the check's
/// nonce, and a case check's go with the token it signed in with once (no sign-in per batch);
/// the server's answers are what the device shows, and a refusal is the check's failure.
#[test]
fn a_case_check_streams_batches_signed_by_the_device_with_the_token_it_began_with() {
    use shimin_core::liveness::{FrameBatch, StreamedFrame};
    use shimin_core::sensitive::Sensitive;
    use shimin_core::wallet::PaceAnswer;

    let world = World::new();
    let mut backend = backend(&world);
    backend.challenge = Some(challenge());
    backend.paced.lock().expect("paced").extend([
        Ok(PaceAnswer::Act { action: Action::Nod, step: 1 }),
        Err(BackendError::Refused { status: 422, code: ErrorCode::LivenessFailed }),
    ]);
    let mut store = enrolled(&world, &backend);
    let check = block_on(liveness::begin(&mut store, &backend, Purpose::Case(3), "test")).expect("begin");
    assert_eq!((check.check_id(), check.nonce(), check.steps()), (41, &[9; 16][..], 3));

    let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0xFF, 0xD9];
    let frames = vec![StreamedFrame { captured_ms: 5, jpeg: Sensitive::new(jpeg) }];
    let batch = FrameBatch::new(check.nonce().to_vec(), 0, frames).expect("batch");
    let signed = liveness::sign_batch(&store, &batch).expect("signs");
    let told = block_on(check.send(&backend, signed.clone())).expect("an answer");
    assert_eq!(told, PaceAnswer::Act { action: Action::Nod, step: 1 });
    let refused = block_on(check.send(&backend, signed.clone()));
    assert!(matches!(refused, Err(WalletError::LivenessRejected)), "{refused:?}");

    let calls = backend.calls();
    assert_eq!(calls.iter().filter(|c| matches!(c, Call::SignIn(_))).count(), 1, "{calls:?}");
    let Some(Call::StreamCase(41, token, sent)) = calls.iter().find(|c| matches!(c, Call::StreamCase(..)))
    else {
        panic!("no batch streamed: {calls:?}")
    };
    assert_eq!((token.as_str(), sent), ("token-7", &signed));
    let verified = FrameBatch::verify(sent, &world.device_key.verifying_key()).expect("signed by the device");
    assert_eq!((verified.nonce(), verified.seq()), (&[9; 16][..], 0));
    assert!(FrameBatch::verify(sent, &world.issuer_key.verifying_key()).is_err());
}

/// A passed enrolment check records the enrolment with the device id the server gave and the
/// national root key; a passed case check records nothing; an enrolment "passed" without a
/// device id records nothing either.
#[test]
fn a_passed_enrolment_check_records_the_enrolment_and_a_case_check_nothing() {
    let world = World::new();
    let backend = backend(&world);
    let id = Purpose::parse(&LivenessPurposeView::Enrolment { id_number: holder_id().as_str().into() })
        .expect("purpose");
    let mut store = MemoryStore::new(copy_of(&world.device_key));
    assert!(matches!(
        block_on(liveness::complete(&mut store, &backend, &id, None)),
        Err(WalletError::Internal(_))
    ));
    block_on(liveness::complete(&mut store, &backend, &Purpose::Case(3), None)).expect("a case");
    assert!(WalletStore::enrolment(&store).expect("reads").is_none());
    block_on(liveness::complete(&mut store, &backend, &id, Some(4_503_599_627_370_497))).expect("enrols");
    let enrolment = WalletStore::enrolment(&store).expect("reads").expect("enrolled");
    assert_eq!(
        (enrolment.device_id, enrolment.backend_url.as_str(), enrolment.root_key),
        (4_503_599_627_370_497, backend.base_url.as_str(), world.root.verifying_key())
    );
}

/// Finding 3 (issue 15): removing another device signs the removal of *that* device over the
/// backend's fresh challenge with this device's key; this device is not removed this way.
#[test]
fn removing_another_device_signs_that_removal_with_this_devices_key() {
    use shimin_core::cose::Sign1;
    use shimin_core::crypto::SigningPurpose;
    use shimin_core::wallet::devices::{remove_device_payload, remove_other_device};
    use wallet_common::SCRIPTED_CHALLENGE;

    let world = World::new();
    let backend = backend(&world);
    let mut store = enrolled(&world, &backend);
    block_on(remove_other_device(&mut store, &backend, 4_503_599_627_370_497)).expect("removed");
    let calls = backend.calls();
    assert!(calls.contains(&Call::DeviceChallenge(7)), "a fresh challenge for this device: {calls:?}");
    let Some(Call::RemoveOther(target, signature)) = calls.last() else { panic!("no removal: {calls:?}") };
    assert_eq!(*target, 4_503_599_627_370_497);
    let key = world.device_key.verifying_key();
    let message = Sign1::decode(signature).expect("COSE_Sign1");
    let payload = message
        .verify_for(SigningPurpose::DeviceBinding, |_| Some(key.clone()))
        .expect("signed by this device's key");
    assert_eq!(payload, remove_device_payload(4_503_599_627_370_497, SCRIPTED_CHALLENGE));

    let before = backend.calls().len();
    let refused = block_on(remove_other_device(&mut store, &backend, 7));
    assert!(matches!(refused, Err(WalletError::BadRequest)), "this device is removed by erasing the wallet");
    assert_eq!(backend.calls().len(), before, "nothing was sent");
}

/// Finding 3: a new enrolment reported by the backend stays as a notice until acknowledged;
/// other notifications are not notices of new devices.
#[test]
fn a_new_device_notice_stays_until_acknowledged() {
    use shimin_core::records::NotificationRecord;
    use shimin_core::wallet::devices::{acknowledge_notices, device_notices};
    use shimin_wire::sync::NEW_DEVICE_NOTICE;

    let world = World::new();
    let backend = backend(&world);
    let mut store = enrolled(&world, &backend);
    store.notifications = vec![
        NotificationRecord { id: 1, created_at: NOW, message: "证书已签发".into() },
        NotificationRecord { id: 2, created_at: NOW, message: format!("{NEW_DEVICE_NOTICE}陌生的手机") },
    ];
    let notices = device_notices(&store).expect("notices");
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!((notices[0].id, notices[0].label.as_str()), (2, "陌生的手机"));
    acknowledge_notices(&mut store, 1).expect("acknowledge");
    assert_eq!(device_notices(&store).expect("notices").len(), 1, "an earlier acknowledgement leaves it");
    acknowledge_notices(&mut store, 2).expect("acknowledge");
    assert!(device_notices(&store).expect("notices").is_empty());
}

#[test]
fn a_sync_round_sends_the_application_waiting_in_the_outbox_once() {
    use shimin_core::wallet::applications::{ApplicationRecord, LocalPhase, application};
    use shimin_wire::application::{PrecheckView, SubmissionReceipt, SubmissionRequest};
    let world = World::new();
    let backend = ScriptedBackend::new(world.root.verifying_key(), signed_trust_list(&world, 1));
    backend.page(Ok(page("c1", false, &[], 1)));
    let mut store = enrolled(&world, &backend);
    let id = "0f".repeat(16);
    let waiting = ApplicationRecord {
        id: id.clone(),
        service_name: shimin_wire::catalogue::Localized {
            hans: "居住证签发".into(), hant: None, en: None
        },
        created_at: NOW - 3_600,
        phase: LocalPhase::Waiting,
        request: SubmissionRequest {
            application_id: id.clone(),
            service_code: "x".into(),
            catalogue_version: 1,
            values: Default::default(),
            materials: Vec::new(),
        },
        uploads_sent: Vec::new(),
        findings: Vec::new(),
        timeline: None,
        updated_at: None,
    };
    store.queue_application(&waiting, &[]).expect("queued");
    backend.receipts.lock().expect("receipts").push_back(Ok(SubmissionReceipt {
        application_id: id.clone(),
        precheck: PrecheckView { passed: true, findings: Vec::new() },
        received_at: Some(NOW),
        timeline: None,
    }));
    let report = block_on(sync::round(&mut store, &backend, NOW, |_| {})).expect("round");
    assert_eq!(report.applications.sent, 1);
    assert_eq!(application(&store, &id).expect("kept").phase, LocalPhase::Sent);
    backend.page(Ok(page("c2", false, &[], 1)));
    block_on(sync::round(&mut store, &backend, NOW + 60, |_| {})).expect("round");
    let submits = backend.calls().iter().filter(|c| matches!(c, Call::Submit(_))).count();
    assert_eq!(submits, 1, "sent once");
}
