//! The app's wallet against the real backend on loopback: enrolment (a wrong code and a bad ID
//! number refused, nothing recorded), the first sync bringing the certificate the department
//! issued, a revocation arriving with "sync now", the background loop syncing after unlock, and
//! the network gone: the status line says offline with a retry time, and the wallet still
//! presents; a PIN change; removing the device (refused offline, then unregistered and erased).
#![allow(clippy::expect_used, clippy::panic)]

use std::time::Duration;

use shimin_app::wallet::{AppError, WalletState};
use shimin_backend::local::LocalBackend;
use shimin_wire::backend::{CertificateFields, IssueCertificateRequest, StatusAction};
use shimin_wire::sync::SyncProblemView;
use shimin_wire::wallet::{PresentRequest, PresetView, StatusBadge};

const PIN: &str = "246810";
const POLICE: &str = "police-issuer";

/// A fresh temporary directory, removed when dropped (also when the test fails): held by the test
/// for as long as the backend and the wallet in it run.
fn temp_dir(what: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("shimin-app-sync-{what}-")).tempdir().expect("temp dir")
}

async fn issue_id_card(server: &LocalBackend, holder: &str) -> i64 {
    let request = IssueCertificateRequest {
        holder_id_number: holder.to_owned(),
        valid_from: "2024-06-01".into(),
        valid_until: Some("2044-05-31".into()),
        fields: CertificateFields::ResidentIdCard,
    };
    server.issue_as(POLICE, request).await.expect("issued").id
}

async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..200 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen within 10 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrol_sync_revoke_background_and_offline() {
    let dir = temp_dir("flow");
    let mut server = LocalBackend::start(dir.path(), 5).await.expect("backend");
    let (holder, _, code) = server.seed().demo[0].clone();
    let card = issue_id_card(&server, &holder).await;

    let state = std::sync::Arc::new(
        WalletState::in_dir(dir.path().join("app"), None)
            .with_backend(&server.base_url(), Duration::from_secs(3_600)),
    );
    state.create(PIN).expect("create");
    let fresh = state.sync_status().expect("status");
    assert!(fresh.backend_configured && !fresh.enrolled && fresh.last_sync_at.is_none(), "{fresh:?}");

    // Refusals record nothing.
    assert!(matches!(state.enrol("110105194912310021", &code).await, Err(AppError::InvalidIdNumber)));
    assert!(matches!(state.enrol(&holder, "WRONG-CODE").await, Err(AppError::EnrolmentRefused)));
    assert!(matches!(state.sync_now().await, Err(AppError::NotEnrolled)));
    assert!(!state.sync_status().expect("status").enrolled);

    // Enrolment runs the first round: the card the department issued is in the wallet.
    let enrolled = state.enrol(&holder, &code).await.expect("enrol");
    assert!(enrolled.enrolled && enrolled.last_sync_at.is_some(), "{enrolled:?}");
    assert_eq!((enrolled.problem, enrolled.last_imported), (None, 1), "{enrolled:?}");
    let cards = state.certificates("").expect("cards");
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].badge, StatusBadge::Valid);
    // The one-time code is spent.
    assert!(matches!(state.enrol(&holder, &code).await, Err(AppError::EnrolmentRefused)));

    // A revocation reaches the wallet with "sync now".
    server.change_status_as(POLICE, card, StatusAction::Revoke).await.expect("revoked");
    let after = state.sync_now().await.expect("sync");
    assert_eq!(after.problem, None, "{after:?}");
    assert_eq!(
        state.certificates("").expect("cards")[0].badge,
        StatusBadge::Cancelled,
        "an ID card is cancelled"
    );

    // The background loop syncs on unlock: a new card arrives without "sync now".
    let background = tokio::spawn({
        let state = state.clone();
        async move { state.background_sync().await }
    });
    issue_id_card(&server, &holder).await;
    state.lock().expect("lock");
    state.unlock(PIN).expect("unlock");
    eventually("the background round", || state.certificates("").map(|c| c.len() == 2).unwrap_or(false))
        .await;

    // The network gone: the round fails as offline, with a retry scheduled; nothing is lost and
    // the wallet still presents.
    server.stop().await.expect("stopped");
    let last_good = state.sync_status().expect("status").last_sync_at;
    let offline = state.sync_now().await.expect("a failed round is a status, not an error");
    assert_eq!(offline.problem, Some(SyncProblemView::Offline), "{offline:?}");
    let retry = offline.next_attempt_at.expect("a retry is scheduled");
    assert!(retry >= shimin_backend::now(), "{offline:?}");
    assert_eq!(offline.last_sync_at, last_good, "a failed round is not a sync");
    let cards = state.certificates("").expect("cards");
    assert_eq!(cards.len(), 2);
    let valid = cards.iter().find(|c| c.badge == StatusBadge::Valid).expect("the new card is valid");
    let shown = state
        .present(&PresentRequest { id: valid.id.clone(), preset: PresetView::Identity, refresh: false })
        .expect("presents offline");
    assert!(shown.disclosed.iter().any(|a| a == "name"), "{:?}", shown.disclosed);

    // A new PIN: the old one no longer opens the wallet; a wrong current PIN changes nothing.
    assert!(matches!(state.change_pin("000000", "135790"), Err(AppError::WrongPin { .. })));
    assert!(matches!(state.change_pin(PIN, "12"), Err(AppError::InvalidPin)));
    state.change_pin(PIN, "135790").expect("change");
    state.lock().expect("lock");
    assert!(matches!(state.unlock(PIN), Err(AppError::WrongPin { .. })));
    state.unlock("135790").expect("the new PIN opens it");

    // Removing the device needs the backend: offline, nothing is erased.
    assert!(matches!(state.remove_device().await, Err(AppError::Backend(_))));
    assert_eq!(state.certificates("").expect("cards").len(), 2, "nothing erased");
    server.restart().await.expect("back");
    assert_eq!(server.backend().store.active_devices(&holder).await.expect("devices").len(), 1);
    state.remove_device().await.expect("removed");
    assert!(server.backend().store.active_devices(&holder).await.expect("devices").is_empty());
    assert!(!state.status().expect("status").exists, "the wallet is gone from the device");
    assert!(matches!(state.certificates(""), Err(AppError::Locked)));
    background.abort();
}
