//! The app's sync client against the real backend over real HTTP on loopback: issuance → sync →
//! certificate in the wallet → presentation verifies → revocation → sync → the same presentation
//! is revoked; and faults: a server stopped and restarted mid-sync, a client killed at random
//! points of a sync, a push whose answer never arrived — nothing lost, nothing duplicated.
#![allow(clippy::expect_used, clippy::panic)]

use std::time::Duration;

use shimin_backend::local::LocalBackend;
use shimin_client::BackendClient;
use shimin_core::present::{Presentation, Preset};
use shimin_core::verifier::{Outcome, Reason, Verifier, VerifierPolicy};
use shimin_core::wallet::sync::{RootOfTrust, enrol, round};
use shimin_core::wallet::{BackendError, SyncFailure};
use shimin_store::{PinWrapper, Wallet, cache, schema};
use shimin_wire::backend::{CertificateFields, IssueCertificateRequest, OutboxItem, StatusAction};

/// One sync round, as the app runs it (no progress line).
async fn sync(
    wallet: &mut Wallet,
    client: &BackendClient,
    now: i64,
) -> Result<shimin_core::wallet::SyncReport, SyncFailure> {
    round(wallet, client, now, |_| {}).await
}

/// The root key an app built for this backend ships with.
fn shipped(server: &LocalBackend) -> RootOfTrust<'static> {
    RootOfTrust::Shipped(Box::leak(Box::new(server.backend().root().verifying_key())))
}

fn now() -> i64 {
    shimin_backend::now()
}

/// A fresh temporary directory, removed when dropped (also when the test fails).
fn temp_dir(what: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("shimin-client-{what}-")).tempdir().expect("temp dir")
}

/// The seeded demo world on a real backend, and a citizen's wallet enrolled on a phone.
struct World {
    server: LocalBackend,
    wallet: Wallet,
    client: BackendClient,
    /// The backend's and the wallet's files; the last field, so it is removed after they close.
    dir: tempfile::TempDir,
}

const POLICE: &str = "police-issuer";

impl World {
    async fn new(what: &str) -> Self {
        let dir = temp_dir(what);
        let server = LocalBackend::start(dir.path(), 5).await.expect("backend");
        let conn = schema::open_file(&dir.path().join("wallet.db")).expect("wallet db");
        let pin = PinWrapper::insecure_low_iterations_for_tests("246810", 10).expect("pin");
        let mut wallet = Wallet::create(conn, &pin, now()).expect("wallet");
        let client = BackendClient::new(&server.base_url()).expect("client");
        let (id_number, _, code) = &server.seed().demo[0];
        enrol(&mut wallet, &client, shipped(&server), id_number, code, "test phone").await.expect("enrol");
        Self { server, wallet, client, dir }
    }

    fn holder(&self) -> &str {
        &self.server.seed().demo[0].0
    }

    async fn issue_id_card(&self) -> i64 {
        let request = IssueCertificateRequest {
            holder_id_number: self.holder().to_owned(),
            valid_from: "2024-06-01".into(),
            valid_until: Some("2044-05-31".into()),
            fields: CertificateFields::ResidentIdCard,
        };
        self.server.issue_as(POLICE, request).await.expect("issued").id
    }

    async fn change_status(&self, id: i64, action: StatusAction) {
        self.server.change_status_as(POLICE, id, action).await.expect("status changed");
    }

    /// An "identity" presentation of the wallet's first certificate, verified offline with the
    /// wallet's cached trust and status lists.
    fn present_and_verify(&self) -> shimin_core::verifier::Verdict {
        let stored = self.wallet.list().expect("list");
        let issued = &stored.first().expect("a certificate").issued;
        let signed = Presentation::new(issued)
            .expect("new")
            .disclose(&Preset::Identity)
            .expect("preset")
            .sign(self.wallet.device_key(), now())
            .expect("sign");
        self.verify(signed.text())
    }

    fn verify(&self, text: &str) -> shimin_core::verifier::Verdict {
        let enrolment = self.wallet.enrolment().expect("read").expect("enrolled");
        let conn = self.wallet.connection();
        let trust = cache::load_trust_list(conn, &enrolment.root_key).expect("load").expect("a trust list");
        let lists = cache::load_status_lists(conn, trust.list()).expect("status lists");
        Verifier::new(&trust, lists.as_slice(), VerifierPolicy::default()).verify_text(text, now())
    }

    async fn server_outbox_count(&self) -> u64 {
        let device_id = self.wallet.enrolment().expect("read").expect("enrolled").device_id;
        self.server.backend().store.count_outbox(device_id).await.expect("count")
    }
}

#[tokio::test]
async fn issuance_reaches_the_wallet_and_revocation_reaches_the_verifier() {
    let mut w = World::new("flow").await;
    let nothing = sync(&mut w.wallet, &w.client, now()).await.expect("first sync");
    assert_eq!((nothing.imported, nothing.refused), (0, 0));
    assert!(nothing.trust_list_updated, "the first sync stores the trust list");
    assert!(w.wallet.list().expect("list").is_empty());

    let card = w.issue_id_card().await;
    let report = sync(&mut w.wallet, &w.client, now()).await.expect("sync");
    assert_eq!((report.imported, report.refused), (1, 0), "{report:?}");
    assert_eq!(report.status_lists, 1);
    let stored = w.wallet.list().expect("list");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].holder_name(), Some(w.server.seed().demo[0].1.as_str()));
    assert!(w.wallet.sync_progress().expect("progress").last_sync_at.is_some());
    assert!(!w.wallet.notifications().expect("notifications").is_empty(), "an issuance notice");

    let before = w.present_and_verify();
    assert_eq!(before.outcome, Outcome::Valid, "{:?}", before.reasons);

    // A second sync with nothing new changes nothing.
    let again = sync(&mut w.wallet, &w.client, now()).await.expect("sync again");
    assert_eq!((again.imported, again.already_had), (0, 0), "{again:?}");
    assert_eq!(w.wallet.list().expect("list").len(), 1);

    w.change_status(card, StatusAction::Revoke).await;
    sync(&mut w.wallet, &w.client, now()).await.expect("sync after revocation");
    let after = w.present_and_verify();
    assert_eq!(after.outcome, Outcome::Invalid);
    assert!(after.reasons.iter().any(|r| matches!(r, Reason::Revoked { .. })), "{:?}", after.reasons);
    w.server.stop().await.expect("stopped");
}

#[tokio::test]
async fn the_network_gone_leaves_the_wallet_as_it_was_and_presentations_still_work() {
    let mut w = World::new("offline").await;
    w.issue_id_card().await;
    sync(&mut w.wallet, &w.client, now()).await.expect("sync");
    let progress = w.wallet.sync_progress().expect("progress");
    w.server.stop().await.expect("stopped");

    let failure = sync(&mut w.wallet, &w.client, now()).await.expect_err("no server");
    assert!(failure.is_transient(), "{failure}");
    assert_eq!(w.wallet.sync_progress().expect("progress"), progress);
    assert_eq!(w.wallet.list().expect("list").len(), 1);
    // Offline, the holder still presents and the verifier (offline too) still accepts.
    assert_eq!(w.present_and_verify().outcome, Outcome::Valid);
}

#[tokio::test]
async fn a_client_killed_at_random_points_of_sync_loses_and_duplicates_nothing() {
    let mut w = World::new("kill-client").await;
    for _ in 0..3 {
        w.issue_id_card().await;
    }
    for i in 0..4 {
        w.wallet.queue_outbox("presentation-log", &format!("{{\"n\":{i}}}"), now()).expect("queue");
    }
    // Abort the sync future after a pseudo-random delay, again and again: like killing the app
    // at whatever await point it reached (every write to the wallet is its own transaction).
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..25 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let delay = Duration::from_micros(x % 40_000);
        let _ = tokio::time::timeout(delay, sync(&mut w.wallet, &w.client, now())).await;
    }
    let report = sync(&mut w.wallet, &w.client, now()).await.expect("a full sync at last");
    assert_eq!(report.refused, 0);
    // Three certificates were issued, none renewed: the wallet holds exactly those three, each
    // once, with no second version of any.
    let stored = w.wallet.list().expect("list");
    assert_eq!(stored.len(), 3);
    for c in &stored {
        assert_eq!(w.wallet.history(&c.id).expect("history").len(), 1);
    }
    assert_eq!(w.wallet.sync_progress().expect("progress").pending_outbox, 0);
    assert_eq!(w.server_outbox_count().await, 4, "every item reached the server exactly once");
    w.server.stop().await.expect("stopped");
}

#[tokio::test]
async fn a_push_whose_answer_was_lost_is_sent_again_and_recorded_once() {
    let mut w = World::new("lost-answer").await;
    for i in 0..3 {
        w.wallet.queue_outbox("feedback", &format!("{{\"n\":{i}}}"), now()).expect("queue");
    }
    // The app sent the batch, the server recorded it, and the app died before reading the answer.
    let enrolment = w.wallet.enrolment().expect("read").expect("enrolled");
    let token = w.client.device_token(enrolment.device_id, w.wallet.device_key()).await.expect("token");
    let items: Vec<OutboxItem> = w
        .wallet
        .pending_outbox(100)
        .expect("pending")
        .into_iter()
        .map(|r| OutboxItem { idempotency_key: r.idempotency_key, kind: r.kind, payload: r.payload })
        .collect();
    w.client.push(&token, items).await.expect("delivered");
    assert_eq!(w.server_outbox_count().await, 3);
    assert_eq!(w.wallet.sync_progress().expect("progress").pending_outbox, 3, "no receipt kept");

    let report = sync(&mut w.wallet, &w.client, now()).await.expect("sync");
    assert_eq!(report.pushed, 3);
    assert_eq!(w.wallet.sync_progress().expect("progress").pending_outbox, 0);
    assert_eq!(w.server_outbox_count().await, 3, "the retry duplicated nothing");
    w.server.stop().await.expect("stopped");
}

#[tokio::test]
async fn a_server_restarted_mid_sync_loses_and_duplicates_nothing() {
    let mut w = World::new("restart-server").await;
    w.issue_id_card().await;
    for i in 0..3 {
        w.wallet.queue_outbox("presentation-log", &format!("{{\"n\":{i}}}"), now()).expect("queue");
    }
    // Stop the server at pseudo-random moments while a sync runs, then start it again on the same
    // address and database.
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..6 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let delay = Duration::from_micros(x % 30_000);
        let outcome = {
            let syncing = sync(&mut w.wallet, &w.client, now());
            tokio::pin!(syncing);
            tokio::select! {
                done = &mut syncing => Some(done),
                () = tokio::time::sleep(delay) => {
                    w.server.stop().await.expect("stopped");
                    Some(syncing.await)
                }
            }
        };
        if let Some(Err(e)) = outcome {
            assert!(e.is_transient() || matches!(e, SyncFailure::Backend(_)), "{e}");
        }
        w.server.restart().await.expect("restarted");
    }
    sync(&mut w.wallet, &w.client, now()).await.expect("a full sync at last");
    assert_eq!(w.wallet.list().expect("list").len(), 1);
    assert_eq!(w.wallet.sync_progress().expect("progress").pending_outbox, 0);
    assert_eq!(w.server_outbox_count().await, 3);
    assert_eq!(w.present_and_verify().outcome, Outcome::Valid);
    w.server.stop().await.expect("stopped");
}

#[tokio::test]
async fn enrolment_with_a_wrong_code_is_refused_and_records_nothing() {
    let w = World::new("bad-code").await;
    let conn = schema::open_file(&w.dir.path().join("other.db")).expect("db");
    let pin = PinWrapper::insecure_low_iterations_for_tests("135790", 10).expect("pin");
    let mut other = Wallet::create(conn, &pin, now()).expect("wallet");
    let (id_number, _, _) = &w.server.seed().demo[1];
    let refused = enrol(&mut other, &w.client, shipped(&w.server), id_number, "000000", "phone")
        .await
        .expect_err("wrong code");
    assert!(
        matches!(refused, SyncFailure::Backend(BackendError::Refused { .. } | BackendError::Unauthorized)),
        "{refused}"
    );
    assert!(!refused.is_transient());
    assert_eq!(other.enrolment().expect("read"), None);
    assert!(matches!(sync(&mut other, &w.client, now()).await, Err(SyncFailure::NotEnrolled)));
}

/// Issue 20: declining an identity request through the app's use case and this client reaches
/// the registrar's case with its reason; a second answer, and a case that is not the citizen's,
/// are refused with what they mean to the user.
#[tokio::test]
async fn a_declined_identity_request_reaches_the_registrar() {
    use shimin_core::wallet::WalletError;
    use shimin_core::wallet::liveness::{decline_request, identity_requests};
    use shimin_wire::backend::{
        CasePartyRequest, DeclineReasonView, OpenCaseRequest, PartyRoleView, RequestStateView,
    };

    let mut w = World::new("decline").await;
    let holder = w.holder().to_owned();
    let case = w
        .server
        .open_case_as(
            "market-issuer",
            OpenCaseRequest {
                company_name: "福州闽江软件有限公司".into(),
                credit_code: None,
                parties: vec![CasePartyRequest {
                    id_number: holder.clone(),
                    role: PartyRoleView::LegalRepresentative,
                }],
            },
        )
        .await
        .expect("case");
    let seen = identity_requests(&mut w.wallet, &w.client).await.expect("requests");
    assert_eq!(
        seen.iter().map(|r| (r.case_id, r.state)).collect::<Vec<_>>(),
        [(case.id, RequestStateView::Pending)]
    );

    let declined =
        decline_request(&mut w.wallet, &w.client, case.id, DeclineReasonView::NotMe).await.expect("declined");
    assert_eq!(
        (declined.state, declined.decline_reason),
        (RequestStateView::Declined, Some(DeclineReasonView::NotMe))
    );
    let registrar = w.server.case_as("market-issuer", case.id).await.expect("case");
    assert!(registrar.declined);
    assert_eq!(registrar.parties[0].decline_reason, Some(DeclineReasonView::NotMe));

    let again = decline_request(&mut w.wallet, &w.client, case.id, DeclineReasonView::Refused).await;
    assert!(matches!(again, Err(WalletError::AlreadyDone)), "{again:?}");
    let other = decline_request(&mut w.wallet, &w.client, case.id + 100, DeclineReasonView::Refused).await;
    assert!(matches!(other, Err(WalletError::EnrolmentRefused)), "{other:?}");
    assert_eq!(
        w.server.case_as("market-issuer", case.id).await.expect("case").parties[0].decline_reason,
        Some(DeclineReasonView::NotMe),
        "the first reason stays"
    );
}
