//! A phone answering a server-paced liveness check over HTTP (issue 15, finding 1): it films the
//! test film (`shimin_testkit::film`) in real time, signs its frames in batches with the
//! check's key and streams them, doing what each answer says. Shared by the liveness tests that
//! answer checks, so that each plays only its own attack.

use std::time::Duration;

use reqwest::{Client, StatusCode};
use serde_json::json;
use shimin_client::LivenessChallenge;
use shimin_core::liveness::{Action, FrameBatch, StreamedFrame};
use shimin_core::sensitive::Sensitive;
use shimin_testkit::film::{self, Shot, scene};
use shimin_wire::backend::{LivenessChallengeResponse, LivenessPaceResponse};
use shimin_wire::error::ErrorCode;

use super::{Phone, TestServer, error_code};

/// Frames are captured 100 ms apart (10 frames a second).
pub const FRAME_MS: u64 = 100;

/// The answer to a check that failed: `422 liveness_failed`, and nothing more.
pub const FAILED: (StatusCode, ErrorCode) = (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::LivenessFailed);

/// What the server told the phone after a batch, or its refusal.
pub type Told = Result<LivenessPaceResponse, (StatusCode, ErrorCode)>;

/// Asks for an enrolment check of `holder` to be answered with `phone`'s key; the response.
pub async fn ask_enrolment(
    server: &TestServer,
    http: &Client,
    holder: &str,
    phone: &Phone,
) -> reqwest::Response {
    ask_enrolment_at(&server.base, http, holder, phone).await.expect("post")
}

/// [`ask_enrolment`] of the server at `base`; `None` when no answer came (a server killed).
pub async fn ask_enrolment_at(
    base: &str,
    http: &Client,
    holder: &str,
    phone: &Phone,
) -> Option<reqwest::Response> {
    let body = json!({"id_number": holder, "public_key_b64": phone.public_key_b64(), "label": "新手机"});
    http.post(format!("{base}/v1/enrolment/liveness")).json(&body).send().await.ok()
}

/// The check a `201 Created` challenge response opened, parsed as the app parses it.
pub async fn challenge_of(response: reqwest::Response) -> LivenessChallenge {
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: LivenessChallengeResponse = response.json().await.expect("challenge");
    LivenessChallenge::parse(body).expect("a well-formed challenge")
}

/// The actions the server drew for check `check_id`, in order: read from its row, as only a
/// test can (the device is never told them in advance).
pub async fn drawn_actions(server: &TestServer, check_id: i64) -> Vec<Action> {
    let check = server.backend.store.liveness_check(check_id).await.expect("read").expect("the check");
    check.actions.split(',').map(|name| Action::parse(name).expect("an action")).collect()
}

/// POSTs `body` as `application/cose` to `path`, with `token` when given.
pub async fn post_cose(
    server: &TestServer,
    http: &Client,
    path: &str,
    token: Option<&str>,
    body: Vec<u8>,
) -> reqwest::Response {
    post_cose_at(&server.base, http, path, token, body).await.expect("post")
}

/// [`post_cose`] to the server at `base`; `None` when no answer came (a server killed).
pub async fn post_cose_at(
    base: &str,
    http: &Client,
    path: &str,
    token: Option<&str>,
    body: Vec<u8>,
) -> Option<reqwest::Response> {
    let mut request = http
        .post(format!("{base}{path}"))
        .header(reqwest::header::CONTENT_TYPE, "application/cose")
        .body(body);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    request.send().await.ok()
}

/// What a batch's response told the phone.
pub async fn told_of(response: reqwest::Response) -> Told {
    if response.status() == StatusCode::OK {
        Ok(response.json().await.expect("a pace answer"))
    } else {
        Err(error_code(response).await)
    }
}

/// The action an answer asks for, if it asks for one.
pub fn action_of(told: &LivenessPaceResponse) -> Option<Action> {
    match told {
        LivenessPaceResponse::Act { action, .. } => Some(Action::parse(action).expect("an action")),
        _ => None,
    }
}

/// The film performing `action` between neutral frames ([`shimin_testkit::film::Scene::performing`]).
pub fn shots_of(action: Action) -> Vec<&'static Shot> {
    scene().performing(action)
}

/// Half a second looking straight at the camera.
pub fn calibration() -> Vec<&'static Shot> {
    scene().looking()
}

/// A phone streaming one check: it captures 10 frames a second and sends them in batches.
pub struct Stream<'a> {
    /// The server's `http://127.0.0.1:PORT`.
    pub base: String,
    pub http: &'a Client,
    pub phone: &'a Phone,
    pub check: LivenessChallenge,
    /// The sequence number of the next batch.
    pub seq: u64,
    /// The capture time of the next frame (the phone's clock, ms).
    pub captured: u64,
    /// Every batch sent, signed, in order (for the replays).
    pub sent: Vec<Vec<u8>>,
    /// A case check's device token (an enrolment check streams without one).
    pub token: Option<String>,
    /// The body of the last refusal, as the phone received it.
    pub refusal: Option<String>,
}

impl<'a> Stream<'a> {
    /// A stream answering `check` with `phone`: an enrolment check without `token`, a case
    /// check of the signed-in device with it.
    pub fn new(
        server: &TestServer,
        http: &'a Client,
        phone: &'a Phone,
        check: LivenessChallenge,
        token: Option<String>,
    ) -> Self {
        Self::at(&server.base, http, phone, check, token)
    }

    /// [`Stream::new`] to the server at `base`.
    pub fn at(
        base: &str,
        http: &'a Client,
        phone: &'a Phone,
        check: LivenessChallenge,
        token: Option<String>,
    ) -> Self {
        let base = base.to_owned();
        Self { base, http, phone, check, seq: 0, captured: 10_000, sent: Vec::new(), token, refusal: None }
    }

    /// Asks for an enrolment check of `holder` and opens its stream.
    pub async fn enrolment(server: &TestServer, http: &'a Client, phone: &'a Phone, holder: &str) -> Self {
        let check = challenge_of(ask_enrolment(server, http, holder, phone).await).await;
        Self::new(server, http, phone, check, None)
    }

    /// The route the check's batches go to.
    pub fn path(&self) -> String {
        match self.token {
            None => format!("/v1/enrolment/liveness/{}/frames", self.check.check_id),
            Some(_) => format!("/v1/sync/liveness-checks/{}/frames", self.check.check_id),
        }
    }

    /// Signs `shots` as batch `seq` captured from `captured`, 100 ms apart, with `key`.
    pub fn batch_signed_by(
        &self,
        key: &shimin_core::crypto::SigningKey,
        shots: &[&Shot],
        seq: u64,
        captured: u64,
    ) -> Vec<u8> {
        let frames = shots
            .iter()
            .enumerate()
            .map(|(i, s)| StreamedFrame {
                captured_ms: captured + FRAME_MS * i as u64,
                jpeg: Sensitive::new(film::jpeg(&s.image)),
            })
            .collect();
        FrameBatch::new(self.check.nonce.clone(), seq, frames)
            .expect("batch")
            .sign(key, b"device")
            .expect("signs")
    }

    /// Signs `shots` as batch `seq` captured from `captured`, 100 ms apart.
    pub fn batch(&self, shots: &[&Shot], seq: u64, captured: u64) -> Vec<u8> {
        self.batch_signed_by(&self.phone.key, shots, seq, captured)
    }

    /// POSTs `body` to the check's route (with the stream's token).
    pub async fn post(&self, body: Vec<u8>) -> reqwest::Response {
        self.try_post(body).await.expect("post")
    }

    /// [`Stream::post`]; `None` when no answer came (a server killed).
    pub async fn try_post(&self, body: Vec<u8>) -> Option<reqwest::Response> {
        post_cose_at(&self.base, self.http, &self.path(), self.token.as_deref(), body).await
    }

    /// Films `shots` in real time (waits as long as they take to capture), then sends them.
    pub async fn send(&mut self, shots: &[&Shot]) -> reqwest::Response {
        tokio::time::sleep(Duration::from_millis(FRAME_MS * shots.len() as u64)).await;
        self.send_now(shots).await
    }

    /// Sends `shots` at once, as if captured just now.
    pub async fn send_now(&mut self, shots: &[&Shot]) -> reqwest::Response {
        let signed = self.batch(shots, self.seq, self.captured);
        self.seq += 1;
        self.captured += FRAME_MS * shots.len() as u64;
        self.sent.push(signed.clone());
        self.post(signed).await
    }

    /// Sends `shots` in real time in batches of five and reads the last answer.
    pub async fn perform(&mut self, shots: &[&Shot]) -> Told {
        let mut told = LivenessPaceResponse::Calibrating;
        for chunk in shots.chunks(5) {
            let response = self.send(chunk).await;
            if response.status() == StatusCode::OK {
                told = response.json().await.expect("a pace answer");
                continue;
            }
            let status = response.status();
            let body = response.text().await.expect("a body");
            let code = serde_json::from_str::<shimin_wire::backend::ErrorResponse>(&body)
                .map_or(ErrorCode::Unknown, |e| e.error);
            self.refusal = Some(body);
            return Err((status, code));
        }
        Ok(told)
    }

    /// A cooperative stream: calibrates, then performs each action as it is told, until the end;
    /// the actions revealed, in order, and the last answer.
    pub async fn follow(&mut self) -> (Vec<Action>, Told) {
        self.follow_with(shots_of).await
    }

    /// As [`Stream::follow`], performing each action revealed as `perform` films it.
    pub async fn follow_with(
        &mut self,
        perform: impl Fn(Action) -> Vec<&'static Shot>,
    ) -> (Vec<Action>, Told) {
        let mut told = self.perform(&calibration()).await;
        let mut revealed = Vec::new();
        while let Ok(t) = &told {
            let Some(action) = action_of(t) else { break };
            revealed.push(action);
            told = self.perform(&perform(action)).await;
        }
        (revealed, told)
    }
}
