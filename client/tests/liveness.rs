//! Enrolment by the face through the client, against the real backend and its real judge, with
//! the test film (`shimin_testkit::film`) as the camera: a refused check leaves the wallet
//! unenrolled and the backend without a device; the next, passed check enrols the wallet, whose
//! first sync brings the citizen's certificate.
#![allow(clippy::expect_used, clippy::panic)]

use shimin_backend::local::LocalBackend;
use shimin_backend::service::Config;
use shimin_client::{BackendClient, ClientError, is_liveness_failure};
use shimin_core::IdNumber;
use shimin_core::crypto::SigningKey;
use shimin_core::liveness::Challenge;
use shimin_core::wallet::WalletError;
use shimin_core::wallet::liveness::{Purpose, begin, finish};
use shimin_store::{PinWrapper, Wallet, schema};
use shimin_testkit::film::{self, FILMABLE, key_frame_jpeg, scene};
use shimin_wire::backend::{CertificateFields, IssueCertificateRequest};
use shimin_wire::error::ErrorCode;

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

    // The actions in the reverse of the order asked: the backend refuses, nothing is recorded.
    let asked = begin(&mut wallet, &client, &enrolment, "phone").await.expect("challenge");
    let mut reversed = asked.challenge.actions().to_vec();
    reversed.reverse();
    let performed =
        Challenge::new(asked.challenge.nonce().to_vec(), reversed, asked.challenge.time_limit_ms())
            .expect("challenge");
    let evidence = film::evidence(&performed, &scene().take(performed.actions()), key_frame_jpeg);
    match finish(&mut wallet, &client, &enrolment, asked.check_id, &evidence).await {
        Err(WalletError::LivenessRejected) => {}
        other => panic!("expected the judge's refusal, got {other:?}"),
    }
    assert_eq!(wallet.enrolment().expect("read"), None, "a refused check enrols nothing");
    assert!(server.backend().store.active_devices(&holder).await.expect("devices").is_empty());

    // Done as asked: enrolled, and the first sync brings the ID card.
    let asked = begin(&mut wallet, &client, &enrolment, "phone").await.expect("challenge");
    let evidence = film::evidence(&asked.challenge, &scene().take(asked.challenge.actions()), key_frame_jpeg);
    finish(&mut wallet, &client, &enrolment, asked.check_id, &evidence).await.expect("enrolled");
    let enrolment = wallet.enrolment().expect("read").expect("the enrolment is recorded");
    assert_eq!(enrolment.backend_url, client.base_url());
    let devices = server.backend().store.active_devices(&holder).await.expect("devices");
    assert_eq!(devices.iter().map(|d| d.id).collect::<Vec<_>>(), vec![enrolment.device_id]);
    let report = shimin_core::wallet::sync::round(&mut wallet, &client, shimin_backend::now(), |_| {})
        .await
        .expect("sync");
    assert_eq!(report.imported, 1);
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

    let refused = client.answer_liveness_enrolment(999_999, vec![1]).await.expect_err("no such check");
    assert!(matches!(refused, ClientError::Refused { code: ErrorCode::NotFound, .. }), "{refused}");
    assert!(!is_liveness_failure(&refused));
}

/// A server-paced check through the client (issue 15, finding 1): the phone streams the film's
/// frames in real time in signed batches and performs each action as the server reveals it; a
/// server that paces its checks does not take evidence.
#[tokio::test]
async fn a_paced_check_streams_through_the_client_and_enrols() {
    use shimin_core::liveness::{Action, FrameBatch, StreamedFrame};
    use shimin_core::sensitive::Sensitive;
    use shimin_testkit::film::Shot;
    use shimin_wire::backend::LivenessPaceResponse;

    let dir = tempfile::Builder::new().prefix("shimin-client-paced-").tempdir().expect("temp dir");
    let config = Config { liveness_actions: FILMABLE.to_vec(), liveness_paced: true, ..Config::default() };
    let server = LocalBackend::start_with(dir.path(), 5, config).await.expect("backend");
    let holder = server.seed().demo[0].0.clone();
    assert!(server.set_registry_photo(&holder, scene().registry.clone()).await.expect("photo"));
    let client = BackendClient::new(&server.base_url()).expect("client");
    let key = SigningKey::generate_p256().expect("key");
    let asked =
        client.liveness_enrolment_challenge(&holder, &key.verifying_key(), "phone").await.expect("asked");

    // Evidence is not taken by a paced server.
    let evidence = film::evidence(&asked.challenge, &scene().take(asked.challenge.actions()), key_frame_jpeg)
        .sign(&key, b"device")
        .expect("signs");
    match client.answer_liveness_enrolment(asked.check_id, evidence).await {
        Err(ClientError::Refused { code: ErrorCode::NotFound, .. }) => {}
        other => panic!("expected evidence not to be served, got {other:?}"),
    }

    let s = scene();
    let (mut seq, mut captured) = (0u64, 0u64);
    let mut told = LivenessPaceResponse::Calibrating;
    let mut revealed = Vec::new();
    for _ in 0..12 {
        let shots: Vec<&Shot> = match &told {
            LivenessPaceResponse::Calibrating => vec![&s.neutral; 5],
            LivenessPaceResponse::Act { action, .. } => {
                let action = Action::parse(action).expect("an action");
                revealed.push(action);
                let (n, a) = (&s.neutral, s.action(action));
                match action {
                    Action::Blink => vec![n, n, a, n, n],
                    Action::MouthOpen => [vec![n, n], vec![a; 6], vec![n, n]].concat(),
                    _ => [vec![n, n, a, a, a], vec![n; 5]].concat(),
                }
            }
            LivenessPaceResponse::Passed { .. } => break,
        };
        for chunk in shots.chunks(5) {
            tokio::time::sleep(std::time::Duration::from_millis(100 * chunk.len() as u64)).await;
            let frames = chunk
                .iter()
                .enumerate()
                .map(|(i, shot)| StreamedFrame {
                    captured_ms: captured + 100 * i as u64,
                    jpeg: Sensitive::new(film::jpeg(&shot.image)),
                })
                .collect();
            captured += 100 * chunk.len() as u64;
            let batch = FrameBatch::new(asked.challenge.nonce().to_vec(), seq, frames).expect("batch");
            seq += 1;
            let signed = batch.sign(&key, b"device").expect("signs");
            told = client.stream_enrolment_frames(asked.check_id, signed).await.expect("streamed");
        }
    }
    assert_eq!(revealed, asked.challenge.actions().to_vec());
    let LivenessPaceResponse::Passed { device_id: Some(device_id) } = told else {
        panic!("expected a pass: {told:?}")
    };
    let devices = server.backend().store.active_devices(&holder).await.expect("devices");
    assert_eq!(devices.iter().map(|d| d.id).collect::<Vec<_>>(), vec![device_id]);
}
