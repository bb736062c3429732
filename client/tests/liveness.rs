//! Enrolment by the face through the client, against the real backend and its real judge, with
//! the test film (`shimin_testkit::film`) as the camera, streamed in real time to the
//! server-paced check (issue 15, finding 1): a refused check leaves the wallet unenrolled and
//! the backend without a device; the next, passed check registers the wallet's key, which signs
//! in and pulls the citizen's certificate.
#![allow(clippy::expect_used, clippy::panic)]

use std::time::Duration;

use shimin_backend::local::LocalBackend;
use shimin_backend::service::Config;
use shimin_client::{BackendClient, ClientError, LivenessChallenge, is_liveness_failure};
use shimin_core::IdNumber;
use shimin_core::crypto::SigningKey;
use shimin_core::liveness::{Action, FrameBatch, StreamedFrame};
use shimin_core::sensitive::Sensitive;
use shimin_core::wallet::liveness::{Purpose, begin, refusal};
use shimin_core::wallet::{Backend, PaceAnswer, WalletError, WalletStore};
use shimin_store::{PinWrapper, Wallet, schema};
use shimin_testkit::film::{self, FILMABLE, Shot, scene};
use shimin_wire::backend::{CertificateFields, IssueCertificateRequest, LivenessPaceResponse};
use shimin_wire::error::ErrorCode;

/// Frames are captured 100 ms apart; a batch holds at most five.
const FRAME_MS: u64 = 100;

/// The film performing `action`, or looking at the camera (`None`).
fn shots_for(action: Option<Action>) -> Vec<&'static Shot> {
    action.map_or_else(|| scene().looking(), |a| scene().performing(a))
}

/// A phone filming one check in real time and signing its frames in batches.
struct Camera<'a> {
    key: &'a SigningKey,
    check: &'a LivenessChallenge,
    seq: u64,
    captured: u64,
}

impl<'a> Camera<'a> {
    fn new(key: &'a SigningKey, check: &'a LivenessChallenge) -> Self {
        Self { key, check, seq: 0, captured: 0 }
    }

    /// Films `shots` in real time and signs them in batches of five.
    async fn film(&mut self, shots: &[&Shot]) -> Vec<Vec<u8>> {
        let mut batches = Vec::new();
        for chunk in shots.chunks(5) {
            tokio::time::sleep(Duration::from_millis(FRAME_MS * chunk.len() as u64)).await;
            batches.push(self.batch(chunk));
        }
        batches
    }

    fn batch(&mut self, shots: &[&Shot]) -> Vec<u8> {
        let frames = shots
            .iter()
            .enumerate()
            .map(|(i, shot)| StreamedFrame {
                captured_ms: self.captured + FRAME_MS * i as u64,
                jpeg: Sensitive::new(film::jpeg(&shot.image)),
            })
            .collect();
        self.captured += FRAME_MS * shots.len() as u64;
        let batch = FrameBatch::new(self.check.nonce.clone(), self.seq, frames).expect("batch");
        self.seq += 1;
        batch.sign(self.key, b"device").expect("signs")
    }
}

/// Streams an enrolment check through the core's `Backend` trait as the app does, performing
/// what `perform` makes of each action revealed, until the server says passed or refuses.
async fn stream_enrolment(
    client: &BackendClient,
    key: &SigningKey,
    check: &LivenessChallenge,
    perform: impl Fn(Action) -> Action,
) -> Result<PaceAnswer, WalletError> {
    let mut camera = Camera::new(key, check);
    let mut told = PaceAnswer::Calibrating;
    for _ in 0..12 {
        let shots = match told {
            PaceAnswer::Calibrating => shots_for(None),
            PaceAnswer::Act { action, .. } => shots_for(Some(perform(action))),
            PaceAnswer::Passed { .. } => break,
        };
        for batch in camera.film(&shots).await {
            told = Backend::stream_enrolment_frames(client, check.check_id, batch)
                .await
                .map_err(|e| refusal(e.into()))?;
        }
    }
    Ok(told)
}

#[tokio::test]
async fn a_refused_face_check_enrols_nothing_and_a_passed_one_enrols_the_wallet() {
    let dir = tempfile::Builder::new().prefix("shimin-client-liveness-").tempdir().expect("temp dir");
    let config = Config { liveness_actions: FILMABLE.to_vec(), ..Config::default() };
    let server = LocalBackend::start_with(dir.path(), 5, config).await.expect("backend");
    let holder = server.seed().demo[0].0.clone();
    assert!(server.set_registry_photo(&holder, scene().registry.clone()).await.expect("photo"));
    let card = IssueCertificateRequest {
        holder_id_number: holder.clone(),
        valid_from: "2024-06-01".into(),
        valid_until: Some("2044-05-31".into()),
        fields: CertificateFields::ResidentIdCard,
    };
    server.issue_as("police-issuer", card).await.expect("issued");

    let conn = schema::open_file(&dir.path().join("wallet.db")).expect("wallet db");
    let pin = PinWrapper::insecure_low_iterations_for_tests("246810", 10).expect("pin");
    let mut wallet = Wallet::create(conn, &pin, shimin_backend::now()).expect("wallet");
    let client = BackendClient::new(&server.base_url()).expect("client");
    let enrolment = Purpose::Enrolment(IdNumber::parse(&holder).expect("an ID number"));

    // Another action than the one revealed (never a blink, which people do unasked): the
    // backend refuses, nothing is registered.
    let asked = begin(&mut wallet, &client, enrolment.clone(), "phone").await.expect("challenge");
    let other = |a| if a == Action::MouthOpen { Action::Nod } else { Action::MouthOpen };
    match stream_enrolment(&client, WalletStore::device_key(&wallet), asked.challenge(), other).await {
        Err(WalletError::LivenessRejected) => {}
        other => panic!("expected the judge's refusal, got {other:?}"),
    }
    assert_eq!(wallet.enrolment().expect("read"), None, "a refused check enrols nothing");
    assert!(server.backend().store.active_devices(&holder).await.expect("devices").is_empty());

    // Done as told: the wallet's key is registered; it signs in and pulls the ID card.
    let asked = begin(&mut wallet, &client, enrolment.clone(), "phone").await.expect("challenge");
    let key = WalletStore::device_key(&wallet);
    let told = stream_enrolment(&client, key, asked.challenge(), |a| a).await.expect("streamed");
    let PaceAnswer::Passed { device_id: Some(device_id) } = told else { panic!("expected a pass: {told:?}") };
    let devices = server.backend().store.active_devices(&holder).await.expect("devices");
    assert_eq!(devices.iter().map(|d| d.id).collect::<Vec<_>>(), vec![device_id]);
    assert_eq!(devices[0].public_key, key.verifying_key().as_bytes());
    let token = client.device_token(device_id, key).await.expect("signed in");
    assert_eq!(client.pull(&token, None).await.expect("pulled").certificates.len(), 1);
}

#[tokio::test]
async fn the_backends_refusals_reach_the_caller_as_codes() {
    let dir = tempfile::Builder::new().prefix("shimin-client-codes-").tempdir().expect("temp dir");
    let config = Config {
        liveness_actions: FILMABLE.to_vec(),
        liveness_enrolment_attempts_per_day: 1,
        liveness_source_attempts_per_day: 4,
        ..Config::default()
    };
    let server = LocalBackend::start_with(dir.path(), 5, config).await.expect("backend");
    let client = BackendClient::new(&server.base_url()).expect("client");
    let key = SigningKey::generate_p256().expect("key").verifying_key();
    let (photographed, unphotographed) = (server.seed().demo[0].0.clone(), server.seed().demo[1].0.clone());
    assert!(server.set_registry_photo(&photographed, scene().registry.clone()).await.expect("photo"));

    let refused =
        client.liveness_enrolment_challenge(&unphotographed, &key, "phone").await.expect_err("no photo");
    assert!(matches!(refused, ClientError::Refused { code: ErrorCode::NoRegistryPhoto, .. }), "{refused}");
    let unknown = "35010219990101123";
    let unknown =
        format!("{unknown}{}", shimin_core::id_number::check_character(unknown).expect("17 digits"));
    // An unknown number gets the same answer as one without a photo (finding 7).
    let refused = client.liveness_enrolment_challenge(&unknown, &key, "phone").await.expect_err("unknown");
    assert!(matches!(refused, ClientError::Refused { code: ErrorCode::NoRegistryPhoto, .. }), "{refused}");

    // One enrolment check a day per number here: the second gets that answer too.
    client.liveness_enrolment_challenge(&photographed, &key, "phone").await.expect("the one attempt");
    let refused =
        client.liveness_enrolment_challenge(&photographed, &key, "phone").await.expect_err("used up");
    assert!(matches!(refused, ClientError::Refused { code: ErrorCode::NoRegistryPhoto, .. }), "{refused}");
    // Four asks from this address a day here: the fifth is refused for today, and says "later".
    let refused =
        client.liveness_enrolment_challenge(&photographed, &key, "phone").await.expect_err("address");
    assert!(
        matches!(refused, ClientError::Unavailable { code: ErrorCode::TooManyRequests, .. }),
        "{refused}"
    );
    assert!(refused.is_transient());

    let refused = client.stream_enrolment_frames(999_999, vec![1]).await.expect_err("no such check");
    assert!(matches!(refused, ClientError::Refused { code: ErrorCode::NotFound, .. }), "{refused}");
    assert!(!is_liveness_failure(&refused));
}

/// A server-paced check through the client's own calls (issue 15, finding 1): the challenge
/// says how many actions, not which; the phone streams the film's frames in real time in signed
/// batches and performs each action as the server reveals it.
#[tokio::test]
async fn a_paced_check_streams_through_the_client_and_enrols() {
    let dir = tempfile::Builder::new().prefix("shimin-client-paced-").tempdir().expect("temp dir");
    let config = Config { liveness_actions: FILMABLE.to_vec(), ..Config::default() };
    let server = LocalBackend::start_with(dir.path(), 5, config).await.expect("backend");
    let holder = server.seed().demo[0].0.clone();
    assert!(server.set_registry_photo(&holder, scene().registry.clone()).await.expect("photo"));
    let client = BackendClient::new(&server.base_url()).expect("client");
    let key = SigningKey::generate_p256().expect("key");
    let asked =
        client.liveness_enrolment_challenge(&holder, &key.verifying_key(), "phone").await.expect("asked");
    assert_eq!(usize::from(asked.steps), 3, "the configured number of actions");

    let mut camera = Camera::new(&key, &asked);
    let mut told = LivenessPaceResponse::Calibrating;
    let mut revealed = Vec::new();
    for _ in 0..12 {
        let shots = match &told {
            LivenessPaceResponse::Calibrating => shots_for(None),
            LivenessPaceResponse::Act { action, step } => {
                let action = Action::parse(action).expect("an action");
                revealed.push(action);
                assert_eq!(usize::from(*step), revealed.len(), "the step counts the actions revealed");
                shots_for(Some(action))
            }
            LivenessPaceResponse::Passed { .. } => break,
        };
        for batch in camera.film(&shots).await {
            told = client.stream_enrolment_frames(asked.check_id, batch).await.expect("streamed");
        }
    }
    let drawn = server.backend().store.liveness_check(asked.check_id).await.expect("read").expect("check");
    let drawn: Vec<Action> = drawn.actions.split(',').map(|a| Action::parse(a).expect("an action")).collect();
    assert_eq!(revealed, drawn, "each action revealed in the server's order");
    let LivenessPaceResponse::Passed { device_id: Some(device_id) } = told else {
        panic!("expected a pass: {told:?}")
    };
    let devices = server.backend().store.active_devices(&holder).await.expect("devices");
    assert_eq!(devices.iter().map(|d| d.id).collect::<Vec<_>>(), vec![device_id]);
}
