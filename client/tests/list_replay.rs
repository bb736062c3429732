//! Attack: someone between the wallet and the backend (a hostile network, a mirror) keeps a status
//! list signed before a revocation and hands it over again a day later. The real backend over
//! real HTTP on loopback, the real wallet database and the real verifier; the attacker is a
//! [`Backend`] that passes every call through except the status list, which it replays.
#![allow(clippy::expect_used, clippy::panic)]

use std::sync::Mutex;

use shimin_backend::local::LocalBackend;
use shimin_client::BackendClient;
use shimin_core::crypto::{SigningKey, VerifyingKey};
use shimin_core::present::{Presentation, Preset};
use shimin_core::verifier::{Outcome, Reason, Verifier, VerifierPolicy};
use shimin_core::wallet::sync::{RootOfTrust, enrol, round};
use shimin_core::wallet::{Backend, BackendError, LivenessChallenge, PaceAnswer};
use shimin_store::{PinWrapper, Wallet, cache, schema};
use shimin_wire::backend::{
    CertificateFields, DeviceListResponse, IdentityRequestView, IssueCertificateRequest, OutboxItem,
    StatusAction, SyncPullResponse, SyncPushResponse,
};

const HOUR: i64 = 3_600;

/// The backend as seen through an attacker who keeps the first status list it passes on and
/// answers every later request for a status list with that copy.
struct Replaying {
    real: BackendClient,
    kept: Mutex<Option<Vec<u8>>>,
}

impl Backend for Replaying {
    fn base_url(&self) -> &str {
        Backend::base_url(&self.real)
    }
    async fn root_key(&self) -> Result<VerifyingKey, BackendError> {
        Backend::root_key(&self.real).await
    }
    async fn trust_list(&self) -> Result<Vec<u8>, BackendError> {
        Backend::trust_list(&self.real).await
    }
    async fn status_list(&self, uri: &str) -> Result<Vec<u8>, BackendError> {
        let kept = self.kept.lock().expect("lock").clone();
        if let Some(old) = kept {
            return Ok(old);
        }
        let fresh = Backend::status_list(&self.real, uri).await?;
        *self.kept.lock().expect("lock") = Some(fresh.clone());
        Ok(fresh)
    }
    async fn register_device(
        &self,
        id_number: &str,
        enrolment_code: &str,
        device_key: &VerifyingKey,
        label: &str,
    ) -> Result<i64, BackendError> {
        Backend::register_device(&self.real, id_number, enrolment_code, device_key, label).await
    }
    async fn sign_in(&self, device_id: i64, device_key: &SigningKey) -> Result<String, BackendError> {
        Backend::sign_in(&self.real, device_id, device_key).await
    }
    async fn pull(&self, token: &str, cursor: Option<&str>) -> Result<SyncPullResponse, BackendError> {
        Backend::pull(&self.real, token, cursor).await
    }
    async fn push(&self, token: &str, items: Vec<OutboxItem>) -> Result<SyncPushResponse, BackendError> {
        Backend::push(&self.real, token, items).await
    }
    async fn remove_device(&self, token: &str, device_id: i64) -> Result<(), BackendError> {
        Backend::remove_device(&self.real, token, device_id).await
    }
    async fn my_devices(&self, token: &str) -> Result<DeviceListResponse, BackendError> {
        Backend::my_devices(&self.real, token).await
    }
    async fn device_challenge(&self, device_id: i64) -> Result<Vec<u8>, BackendError> {
        Backend::device_challenge(&self.real, device_id).await
    }
    async fn remove_other_device(
        &self,
        token: &str,
        device_id: i64,
        challenge: &[u8],
        signature: &[u8],
    ) -> Result<(), BackendError> {
        Backend::remove_other_device(&self.real, token, device_id, challenge, signature).await
    }
    async fn liveness_enrolment_challenge(
        &self,
        id_number: &str,
        device_key: &VerifyingKey,
        label: &str,
    ) -> Result<LivenessChallenge, BackendError> {
        Backend::liveness_enrolment_challenge(&self.real, id_number, device_key, label).await
    }
    async fn stream_enrolment_frames(
        &self,
        check_id: i64,
        signed: Vec<u8>,
    ) -> Result<PaceAnswer, BackendError> {
        Backend::stream_enrolment_frames(&self.real, check_id, signed).await
    }
    async fn stream_case_frames(
        &self,
        token: &str,
        check_id: i64,
        signed: Vec<u8>,
    ) -> Result<PaceAnswer, BackendError> {
        Backend::stream_case_frames(&self.real, token, check_id, signed).await
    }
    async fn identity_requests(&self, token: &str) -> Result<Vec<IdentityRequestView>, BackendError> {
        Backend::identity_requests(&self.real, token).await
    }
    async fn case_challenge(&self, token: &str, case_id: i64) -> Result<LivenessChallenge, BackendError> {
        Backend::case_challenge(&self.real, token, case_id).await
    }
    async fn decline_case(
        &self,
        token: &str,
        case_id: i64,
        reason: shimin_wire::backend::DeclineReasonView,
    ) -> Result<IdentityRequestView, BackendError> {
        Backend::decline_case(&self.real, token, case_id, reason).await
    }
    async fn upload_application_file(
        &self,
        token: &str,
        application_id: &str,
        sha256: &str,
        media_type: shimin_wire::application::UploadTypeDto,
        bytes: Vec<u8>,
    ) -> Result<(), BackendError> {
        Backend::upload_application_file(&self.real, token, application_id, sha256, media_type, bytes).await
    }
    async fn submit_application(
        &self,
        token: &str,
        request: &shimin_wire::application::SubmissionRequest,
    ) -> Result<shimin_wire::application::SubmissionReceipt, BackendError> {
        Backend::submit_application(&self.real, token, request).await
    }
    async fn resubmit_application(
        &self,
        token: &str,
        request: &shimin_wire::application::SubmissionRequest,
    ) -> Result<shimin_wire::application::SubmissionReceipt, BackendError> {
        Backend::resubmit_application(&self.real, token, request).await
    }
    async fn application_timeline(
        &self,
        token: &str,
        application_id: &str,
    ) -> Result<shimin_wire::workflow::TimelineView, BackendError> {
        Backend::application_timeline(&self.real, token, application_id).await
    }
}

#[tokio::test]
async fn a_status_list_replayed_a_day_later_is_not_stored_and_its_age_is_told_from_its_signing() {
    let dir = tempfile::Builder::new().prefix("shimin-client-replay-").tempdir().expect("temp dir");
    let mut server = LocalBackend::start(dir.path(), 5).await.expect("backend");
    let t0 = shimin_backend::now();
    let conn = schema::open_file(&dir.path().join("wallet.db")).expect("wallet db");
    let pin = PinWrapper::insecure_low_iterations_for_tests("246810", 10).expect("pin");
    let mut wallet = Wallet::create(conn, &pin, t0).expect("wallet");
    let attacker =
        Replaying { real: BackendClient::new(&server.base_url()).expect("client"), kept: Mutex::new(None) };
    let (id_number, _, code) = &server.seed().demo[0];
    let root = server.backend().root().verifying_key();
    enrol(&mut wallet, &attacker, RootOfTrust::Shipped(&root), id_number, code, "test phone")
        .await
        .expect("enrol");
    let request = IssueCertificateRequest {
        holder_id_number: id_number.clone(),
        valid_from: "2024-06-01".into(),
        valid_until: Some("2044-05-31".into()),
        fields: CertificateFields::ResidentIdCard,
    };
    let card = server.issue_as("police-issuer", request).await.expect("issued").id;
    // The wallet's clock is read after the issuance: a certificate signed in a later second than
    // `t0` is not yet valid at `t0`, and the first sync would hold no certificate to check.
    let t1 = shimin_backend::now();
    let first = round(&mut wallet, &attacker, t1, |_| {}).await.expect("first sync");
    assert_eq!(first.status_lists, 1, "the honest list, which the attacker keeps");

    // The card is revoked; a day later the attacker hands over the list signed before that.
    server.change_status_as("police-issuer", card, StatusAction::Revoke).await.expect("revoked");
    let later = t1 + 23 * HOUR;
    let replayed = round(&mut wallet, &attacker, later, |_| {}).await.expect("sync with the replay");
    assert_eq!(replayed.status_lists, 0, "a list already past its refresh time is a replay, not stored");

    // Whatever the wallet holds, the verifier tells its age from when it was signed.
    let stored = wallet.list().expect("list");
    let signed = Presentation::new(&stored[0].issued)
        .expect("new")
        .disclose(&Preset::Identity)
        .expect("preset")
        .sign(wallet.device_key(), later)
        .expect("sign");
    let enrolment = wallet.enrolment().expect("read").expect("enrolled");
    let conn = wallet.connection();
    let trust = cache::load_trust_list(conn, &enrolment.root_key).expect("load").expect("trust list");
    let lists = cache::load_status_lists(conn, trust.list()).expect("status lists");
    let verdict =
        Verifier::new(&trust, lists.as_slice(), VerifierPolicy::default()).verify_text(signed.text(), later);
    let age = verdict.status_list.expect("a status list was checked");
    assert!(age.age_seconds >= (23 * HOUR) as u64, "{age:?}");
    assert!(age.refresh_due, "{age:?}");
    assert!(!verdict.reasons.iter().any(|r| matches!(r, Reason::Revoked { .. })), "the replay hides it");
    assert_eq!(verdict.outcome, Outcome::Valid);
    server.stop().await.expect("stopped");
}
