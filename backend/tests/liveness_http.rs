//! Identity proofing by the face over real HTTP, with the real judge on the test film
//! (`shimin_testkit::film`: Grace Hopper's portrait, edited into blinks, open mouths and nods),
//! streamed in real time to the server-paced check as a phone would (`common::paced`).
//! Enrolment of a new device by a liveness check instead of a code, and company registration
//! cases whose parties confirm with one. Every test runs on SQLite and on a real PostgreSQL.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

#[macro_use]
mod common;

use common::paced::{FAILED, Stream, Told, action_of, calibration, challenge_of, shots_of};
use common::{Db, Phone, TestServer, error_code};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use shimin_backend::seed;
use shimin_backend::server::MAX_FRAME_BATCH_BODY;
use shimin_backend::store::{CaseRecord, PartyRecord, PartyRole};
use shimin_client::LivenessChallenge;
use shimin_core::liveness::Action;
use shimin_testkit::film::scene;
use shimin_wire::backend::{
    CaseView, DeclineReasonView, ErrorResponse, IdentityRequestView, LivenessPaceResponse, MatterView,
    PartyRoleView, RequestStateView, SharedDataView, SyncPullResponse,
};
use shimin_wire::error::ErrorCode;

/// 张伟 and 林晓燕 of the demo data.
const ZHANG: &str = "420106199003071238";
const LIN: &str = "350102198506112347";

on_both_databases!(
    a_new_device_enrols_by_the_face_once,
    another_face_the_wrong_action_or_garbage_fails_and_registers_nothing,
    liveness_checks_are_limited_per_citizen_per_day,
    a_registration_case_proceeds_when_every_party_has_confirmed,
    strangers_cannot_spend_a_citizens_own_liveness_attempts,
    one_source_cannot_ask_for_more_than_its_own_attempts,
    the_enrolment_challenge_does_not_tell_whether_a_number_can_enrol,
    an_answer_waits_for_a_busy_judge_no_longer_than_the_queue_timeout,
    a_device_enrolled_by_the_face_gets_a_random_id,
    a_device_enrolled_by_the_face_is_announced_to_every_other_device,
    a_face_enrolment_that_cannot_sign_the_copies_leaves_no_device,
    a_party_declines_and_the_registrar_sees_why,
);

struct World {
    server: TestServer,
    http: Client,
    police: String,
    market: String,
    /// The named demo citizens' ID numbers.
    demo: Vec<String>,
}

impl World {
    async fn new(db: Db) -> Self {
        Self::configured(db, |_| {}).await
    }

    /// A world whose server's settings are changed by `configure`, with the HTTP rate limit
    /// out of the way (these tests count the liveness limits, not the address's).
    async fn configured(db: Db, configure: impl FnOnce(&mut shimin_backend::service::Config)) -> Self {
        let limits = shimin_backend::server::Limits {
            auth_burst: 1_000,
            auth_per_minute: 1_000,
            ..Default::default()
        };
        let server = TestServer::on_configured(db, limits, configure).await;
        let report = seed::seed(&server.backend, 5, shimin_backend::now()).await.expect("seed");
        let demo = report.demo.iter().map(|(id, _, _)| id.clone()).collect();
        let mut world =
            Self { server, http: Client::new(), police: String::new(), market: String::new(), demo };
        world.police = world.login("police-issuer", "demo-police-2024").await;
        world.market = world.login("market-issuer", "demo-market-2024").await;
        world
    }

    async fn login(&self, login: &str, password: &str) -> String {
        self.server.staff_login(&self.http, login, password).await
    }

    /// Puts Grace Hopper's (the film's) or the astronaut's registry photo on a citizen.
    async fn photo(&self, holder: &str, photo: &[u8]) {
        assert!(
            self.server.backend.store.set_citizen_photo(holder, Some(photo.to_vec())).await.expect("photo")
        );
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> reqwest::Response {
        let mut request = self.http.post(self.server.url(path)).json(&body);
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        request.send().await.expect("post")
    }

    async fn post_bytes(&self, path: &str, token: Option<&str>, body: Vec<u8>) -> reqwest::Response {
        common::paced::post_cose(&self.server, &self.http, path, token, body).await
    }

    async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut request = self.http.get(self.server.url(path));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        request.send().await.expect("get")
    }

    async fn enrolment_challenge(&self, holder: &str, phone: &Phone) -> reqwest::Response {
        common::paced::ask_enrolment(&self.server, &self.http, holder, phone).await
    }

    /// Streams an enrolment check of `holder` answered with `phone`.
    async fn enrolment<'a>(&'a self, holder: &str, phone: &'a Phone) -> Stream<'a> {
        Stream::enrolment(&self.server, &self.http, phone, holder).await
    }

    /// Streams case check `check` of the device signed in with `token`.
    fn case_stream<'a>(&'a self, phone: &'a Phone, check: LivenessChallenge, token: &str) -> Stream<'a> {
        Stream::new(&self.server, &self.http, phone, check, Some(token.to_owned()))
    }

    /// Enrols a phone for `holder` with a staff enrolment code and signs it in.
    async fn enrol_by_code(&self, holder: &str) -> (Phone, i64, String) {
        self.server.enrol_by_code(&self.http, &self.police, holder).await
    }

    async fn token(&self, phone: &Phone, device_id: i64) -> String {
        self.server.device_token(&self.http, phone, device_id).await
    }

    async fn case(&self, id: i64) -> CaseView {
        let response = self.get(&format!("/v1/staff/cases/{id}"), Some(&self.market)).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("case")
    }
}

/// The film doing another action than `asked`: one the check counts as wrong (never a blink,
/// which people do without being asked).
fn other_than(asked: Action) -> Action {
    if asked == Action::MouthOpen { Action::Nod } else { Action::MouthOpen }
}

/// Calibrates, then performs another action than the one revealed until the server refuses.
async fn perform_the_wrong_action(stream: &mut Stream<'_>) -> Told {
    let mut told = stream.perform(&calibration()).await;
    for _ in 0..3 {
        let Some(asked) = told.as_ref().ok().and_then(action_of) else { break };
        told = stream.perform(&shots_of(other_than(asked))).await;
    }
    told
}

async fn a_new_device_enrols_by_the_face_once(db: Db) {
    let w = World::new(db).await;
    w.photo(ZHANG, &scene().registry).await;
    // A certificate waiting for the new device.
    let body = json!({"holder_id_number": ZHANG, "valid_from": "2024-06-01", "valid_until": "2044-05-31",
        "fields": {"type": "resident-id-card"}});
    assert_eq!(w.post("/v1/staff/certificates", Some(&w.police), body).await.status(), StatusCode::CREATED);

    let phone = Phone::new();
    let mut stream = w.enrolment(ZHANG, &phone).await;
    let (revealed, told) = stream.follow().await;
    assert!(revealed.iter().all(|a| shimin_testkit::film::FILMABLE.contains(a)), "the configured pool");
    let Ok(LivenessPaceResponse::Passed { device_id: Some(device_id) }) = told else {
        panic!("expected a pass with a device, got {told:?}")
    };

    // The device is the citizen's: it signs in with its key and pulls the waiting certificate.
    let token = w.token(&phone, device_id).await;
    let pulled: SyncPullResponse = w.get("/v1/sync/pull", Some(&token)).await.json().await.expect("pull");
    assert_eq!(pulled.certificates.len(), 1);

    // The same stream again: the check was answered.
    assert_eq!(
        error_code(stream.post(stream.sent[0].clone()).await).await,
        (StatusCode::CONFLICT, ErrorCode::AlreadyAnswered)
    );
    // The same key cannot enrol twice.
    let mut again = w.enrolment(ZHANG, &phone).await;
    assert_eq!(again.follow().await.1, Err((StatusCode::CONFLICT, ErrorCode::DeviceAlreadyRegistered)));
}

async fn another_face_the_wrong_action_or_garbage_fails_and_registers_nothing(db: Db) {
    let w = World::new(db).await;
    // 林晓燕's registry photo is the astronaut: Grace Hopper's face is not hers.
    w.photo(LIN, &scene().other_registry).await;
    let phone = Phone::new();
    let mut stream = w.enrolment(LIN, &phone).await;
    let (_, told) = stream.follow().await;
    assert_eq!(told, Err(FAILED));
    // Pass or fail only: no reason, no score.
    let text = stream.refusal.clone().expect("the refusal's body");
    for leak in ["registry", "match", "distance", "0."] {
        assert!(!text.contains(leak), "the answer says more than pass/fail: {text}");
    }
    assert!(w.server.backend.store.active_devices(LIN).await.expect("devices").is_empty());

    // The right person, another action than the one revealed.
    w.photo(LIN, &scene().registry).await;
    let mut stream = w.enrolment(LIN, &phone).await;
    assert_eq!(perform_the_wrong_action(&mut stream).await, Err(FAILED));

    // Frames signed by another key do not spend the check; garbage neither; then the rightful
    // stream passes.
    let stream = w.enrolment(LIN, &phone).await;
    let thief = Phone::new();
    let n = &scene().neutral;
    let stolen = stream.batch_signed_by(&thief.key, &[n; 5], 0, stream.captured);
    assert_eq!(error_code(stream.post(stolen).await).await, FAILED);
    assert_eq!(error_code(stream.post(b"\xd2\x84not cose".to_vec()).await).await, FAILED);
    assert_eq!(
        error_code(stream.post(Vec::new()).await).await,
        (StatusCode::BAD_REQUEST, ErrorCode::BadRequest)
    );
    let huge = vec![0u8; MAX_FRAME_BATCH_BODY + 1];
    assert_eq!(stream.post(huge).await.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(w.server.backend.store.active_devices(LIN).await.expect("devices").is_empty());
    let mut stream = stream;
    let (_, told) = stream.follow().await;
    assert!(matches!(told, Ok(LivenessPaceResponse::Passed { device_id: Some(_) })), "{told:?}");
    assert_eq!(w.server.backend.store.active_devices(LIN).await.expect("devices").len(), 1);

    // Unknown checks, citizens and keys.
    let (status, code) =
        error_code(w.post_bytes("/v1/enrolment/liveness/999999/frames", None, vec![1]).await).await;
    assert_eq!((status, code), (StatusCode::NOT_FOUND, ErrorCode::NotFound));
    // A valid number that is not in the registry.
    let stranger = json!({"id_number": unregistered(), "public_key_b64": phone.public_key_b64()});
    assert_eq!(
        error_code(w.post("/v1/enrolment/liveness", None, stranger).await).await,
        (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::NoRegistryPhoto),
        "the one answer of a number that cannot enrol by the face"
    );
    let bad_key = json!({"id_number": LIN, "public_key_b64": "AAAA"});
    assert_eq!(
        error_code(w.post("/v1/enrolment/liveness", None, bad_key).await).await,
        (StatusCode::BAD_REQUEST, ErrorCode::BadRequest)
    );
    let bad_id = json!({"id_number": "350102198506112348", "public_key_b64": phone.public_key_b64()});
    assert_eq!(
        error_code(w.post("/v1/enrolment/liveness", None, bad_id).await).await,
        (StatusCode::BAD_REQUEST, ErrorCode::BadRequest)
    );
}

async fn liveness_checks_are_limited_per_citizen_per_day(db: Db) {
    let w = World::new(db).await;
    let phone = Phone::new();
    // No registry photo: no check is issued (and no attempt spent).
    let (status, code) = error_code(w.enrolment_challenge(ZHANG, &phone).await).await;
    assert_eq!((status, code), (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::NoRegistryPhoto));
    w.photo(ZHANG, &scene().registry).await;
    let limit = w.server.backend.config.liveness_enrolment_attempts_per_day;
    for _ in 0..limit {
        challenge_of(w.enrolment_challenge(ZHANG, &phone).await).await;
    }
    // Used up: the same answer as a number that cannot enrol by the face at all (finding 7).
    let (status, code) = error_code(w.enrolment_challenge(ZHANG, &phone).await).await;
    assert_eq!((status, code), (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::NoRegistryPhoto));
    // Another citizen is not affected.
    w.photo(LIN, &scene().registry).await;
    challenge_of(w.enrolment_challenge(LIN, &phone).await).await;
}

async fn a_registration_case_proceeds_when_every_party_has_confirmed(db: Db) {
    let w = World::new(db).await;
    let (zhang_phone, _, zhang) = w.enrol_by_code(ZHANG).await;
    let (lin_phone, _, lin) = w.enrol_by_code(LIN).await;
    w.photo(ZHANG, &scene().registry).await;
    w.photo(LIN, &scene().registry).await;

    let code = shimin_core::cert::credit_code::check_character("91350100M00020000")
        .map(|c| format!("91350100M00020000{c}"))
        .expect("credit code");
    let body = json!({"company_name": "福州闽江软件有限公司", "credit_code": code, "parties": [
        {"id_number": ZHANG, "role": "legal_representative"},
        {"id_number": ZHANG, "role": "shareholder"},
        {"id_number": LIN, "role": "shareholder"},
    ]});
    // Only the department that registers companies opens cases.
    assert_eq!(
        w.post("/v1/staff/cases", Some(&w.police), body.clone()).await.status(),
        StatusCode::FORBIDDEN
    );
    let response = w.post("/v1/staff/cases", Some(&w.market), body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let case: CaseView = response.json().await.expect("case");
    assert_eq!(case.parties.len(), 3);
    assert!(!case.all_confirmed && case.parties.iter().all(|p| p.confirmed_at.is_none()));
    // Another department does not see it; it cannot proceed yet.
    assert_eq!(
        w.get(&format!("/v1/staff/cases/{}", case.id), Some(&w.police)).await.status(),
        StatusCode::NOT_FOUND
    );
    let proceed = format!("/v1/staff/cases/{}/proceed", case.id);
    assert_eq!(w.post(&proceed, Some(&w.market), json!({})).await.status(), StatusCode::CONFLICT);

    // Each party's app sees the request, with its own roles.
    let requests: Vec<IdentityRequestView> =
        w.get("/v1/sync/identity-requests", Some(&zhang)).await.json().await.expect("requests");
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].case_id, case.id);
    assert_eq!(requests[0].company_name, "福州闽江软件有限公司");
    assert_eq!(requests[0].roles, vec![PartyRoleView::LegalRepresentative, PartyRoleView::Shareholder]);
    assert_eq!(requests[0].confirmed_at, None);
    assert!(!requests[0].department_name.is_empty());
    // Without a token, nothing; a citizen who is not a party sees nothing and cannot answer it.
    assert_eq!(w.get("/v1/sync/identity-requests", None).await.status(), StatusCode::UNAUTHORIZED);
    let third = w.demo.iter().find(|id| *id != ZHANG && *id != LIN).expect("a third demo citizen");
    let (_, _, outsider) = w.enrol_by_code(third).await;
    let none: Vec<IdentityRequestView> =
        w.get("/v1/sync/identity-requests", Some(&outsider)).await.json().await.expect("requests");
    assert!(none.is_empty());
    let ask = format!("/v1/sync/identity-requests/{}/liveness", case.id);
    assert_eq!(
        error_code(w.post(&ask, Some(&outsider), json!({})).await).await,
        (StatusCode::NOT_FOUND, ErrorCode::NotFound)
    );

    // 张伟 confirms with the face.
    let asked = challenge_of(w.post(&ask, Some(&zhang), json!({})).await).await;
    // Another device of another citizen cannot stream 张伟's check, not even with his check's
    // nonce.
    let stolen = w.case_stream(&lin_phone, asked.clone(), &lin);
    let n = &scene().neutral;
    assert_eq!(
        error_code(stolen.post(stolen.batch(&[n; 5], 0, stolen.captured)).await).await,
        (StatusCode::NOT_FOUND, ErrorCode::NotFound)
    );
    let (_, told) = w.case_stream(&zhang_phone, asked, &zhang).follow().await;
    assert_eq!(told, Ok(LivenessPaceResponse::Passed { device_id: None }));
    let seen = w.case(case.id).await;
    assert!(
        seen.parties.iter().filter(|p| p.id_number == ZHANG).all(|p| p.confirmed_at.is_some()),
        "both roles"
    );
    assert!(seen.parties.iter().filter(|p| p.id_number == LIN).all(|p| p.confirmed_at.is_none()));
    assert!(!seen.all_confirmed);
    assert_eq!(
        error_code(w.post(&ask, Some(&zhang), json!({})).await).await,
        (StatusCode::CONFLICT, ErrorCode::AlreadyConfirmed),
        "confirmed already"
    );
    assert_eq!(w.post(&proceed, Some(&w.market), json!({})).await.status(), StatusCode::CONFLICT);

    // 林晓燕 fails once (another action than the one revealed), then confirms.
    let asked = challenge_of(w.post(&ask, Some(&lin), json!({})).await).await;
    assert_eq!(perform_the_wrong_action(&mut w.case_stream(&lin_phone, asked, &lin)).await, Err(FAILED));
    assert!(
        w.case(case.id).await.parties.iter().filter(|p| p.id_number == LIN).all(|p| p.confirmed_at.is_none())
    );
    let asked = challenge_of(w.post(&ask, Some(&lin), json!({})).await).await;
    let (_, told) = w.case_stream(&lin_phone, asked, &lin).follow().await;
    assert_eq!(told, Ok(LivenessPaceResponse::Passed { device_id: None }));

    // Everyone has confirmed: the registrar proceeds once and the company is in the registry.
    assert!(w.case(case.id).await.all_confirmed);
    let response = w.post(&proceed, Some(&w.market), json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let done: CaseView = response.json().await.expect("case");
    assert!(done.proceeded_at.is_some());
    assert_eq!(w.post(&proceed, Some(&w.market), json!({})).await.status(), StatusCode::CONFLICT);
    let company = w.server.backend.store.company(&code).await.expect("company").expect("registered");
    assert_eq!(company.legal_representative, ZHANG);
    assert_eq!(company.shareholders.len(), 2);
    let open: Vec<IdentityRequestView> =
        w.get("/v1/sync/identity-requests", Some(&zhang)).await.json().await.expect("requests");
    assert!(open.is_empty(), "a proceeded case is no longer a request");
}

/// A valid ID number that is not in the registry.
fn unregistered() -> String {
    let unknown = "35010219990101123";
    format!("{unknown}{}", shimin_core::id_number::check_character(unknown).expect("17 digits"))
}

/// Opens a registration case naming `holder` as its legal representative; its id.
async fn case_naming(w: &World, holder: &str) -> i64 {
    let body = json!({"company_name": "福州闽江软件有限公司", "parties": [
        {"id_number": holder, "role": "legal_representative"},
    ]});
    let response = w.post("/v1/staff/cases", Some(&w.market), body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<CaseView>().await.expect("case").id
}

/// Finding 7: a stranger asking for enrolment checks in a citizen's name (no login needed)
/// spends the enrolment attempts of that ID number only; the citizen's own device still gets
/// its case checks.
async fn strangers_cannot_spend_a_citizens_own_liveness_attempts(db: Db) {
    let w = World::configured(db, |c| {
        c.liveness_attempts_per_day = 2;
        c.liveness_enrolment_attempts_per_day = 2;
        c.liveness_source_attempts_per_day = 100;
    })
    .await;
    let (_, _, zhang) = w.enrol_by_code(ZHANG).await;
    w.photo(ZHANG, &scene().registry).await;
    let case_id = case_naming(&w, ZHANG).await;

    // The stranger asks until refused, then keeps asking.
    let stranger = Phone::new();
    let mut issued = 0;
    for _ in 0..5 {
        if w.enrolment_challenge(ZHANG, &stranger).await.status() == StatusCode::CREATED {
            issued += 1;
        }
    }
    assert_eq!(issued, 2, "the ID number's own limit of enrolment checks");

    // 张伟's own device confirms the case as often as his own limit allows.
    let ask = format!("/v1/sync/identity-requests/{case_id}/liveness");
    for _ in 0..2 {
        challenge_of(w.post(&ask, Some(&zhang), json!({})).await).await;
    }
    assert_eq!(
        error_code(w.post(&ask, Some(&zhang), json!({})).await).await,
        (StatusCode::TOO_MANY_REQUESTS, ErrorCode::AttemptsExhausted),
        "his own limit still holds"
    );
}

/// Finding 7: one source spraying enrolment challenges over many ID numbers (registered or
/// not) is stopped by a limit of its own, and stopping it spends no one's attempts.
async fn one_source_cannot_ask_for_more_than_its_own_attempts(db: Db) {
    let w = World::configured(db, |c| {
        c.liveness_enrolment_attempts_per_day = 100;
        c.liveness_source_attempts_per_day = 4;
    })
    .await;
    w.photo(ZHANG, &scene().registry).await;
    w.photo(LIN, &scene().registry).await;
    let phone = Phone::new();
    // Four asks: an unknown number, a number without a photo, then two that can enrol.
    let third = w.demo.iter().find(|id| *id != ZHANG && *id != LIN).expect("a third citizen").clone();
    for holder in [unregistered(), third, ZHANG.to_owned(), ZHANG.to_owned()] {
        assert_ne!(w.enrolment_challenge(&holder, &phone).await.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(
        error_code(w.enrolment_challenge(LIN, &phone).await).await,
        (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyRequests),
        "the source's attempts are used up, whichever number it names"
    );
    // Another source (another loopback address) is not affected, and 林晓燕 lost nothing.
    let elsewhere =
        Client::builder().local_address(std::net::IpAddr::from([127, 0, 0, 2])).build().expect("client");
    let body = json!({"id_number": LIN, "public_key_b64": phone.public_key_b64(), "label": "新手机"});
    let response =
        elsewhere.post(w.server.url("/v1/enrolment/liveness")).json(&body).send().await.expect("post");
    challenge_of(response).await;
}

/// Finding 7: an unknown number, a number without a registry photo and a number whose
/// enrolment attempts are used up get one and the same answer, so the unauthenticated route
/// does not tell who is registered or has a photo.
async fn the_enrolment_challenge_does_not_tell_whether_a_number_can_enrol(db: Db) {
    let w = World::configured(db, |c| {
        c.liveness_enrolment_attempts_per_day = 1;
        c.liveness_source_attempts_per_day = 100;
    })
    .await;
    w.photo(ZHANG, &scene().registry).await;
    let phone = Phone::new();
    challenge_of(w.enrolment_challenge(ZHANG, &phone).await).await;
    let mut answers = Vec::new();
    for holder in [unregistered(), LIN.to_owned(), ZHANG.to_owned()] {
        let response = w.enrolment_challenge(&holder, &phone).await;
        answers.push((response.status(), response.text().await.expect("body")));
    }
    assert_eq!(answers[0], answers[1], "unknown and without a photo");
    assert_eq!(answers[0], answers[2], "unknown and attempts used up");
    let error: ErrorResponse = serde_json::from_str(&answers[0].1).expect("error body");
    assert_eq!((answers[0].0, error.error), (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::NoRegistryPhoto));
}

/// Finding 7: with the judge busy, a frame batch waits at most the queue timeout and is refused
/// with 503, without being taken: a flood of batches cannot pile up waiting without end.
async fn an_answer_waits_for_a_busy_judge_no_longer_than_the_queue_timeout(db: Db) {
    let w = World::configured(db, |c| {
        c.liveness_judges = 1;
        c.liveness_queue_timeout_ms = 1;
    })
    .await;
    w.photo(ZHANG, &scene().registry).await;
    let (first, second) = (Phone::new(), Phone::new());
    let (mut a, mut b) = (w.enrolment(ZHANG, &first).await, w.enrolment(ZHANG, &second).await);
    let looking = calibration();
    let (batch_a, batch_b) = (a.batch(&looking, 0, a.captured), b.batch(&looking, 0, b.captured));
    let (answer_a, answer_b) = tokio::join!(a.post(batch_a.clone()), b.post(batch_b.clone()));
    let (status_a, status_b) = (answer_a.status(), answer_b.status());
    let mut statuses = [status_a, status_b];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::SERVICE_UNAVAILABLE], "one measured, one turned away");
    // The batch turned away was not taken: sent again to an idle judge, it is measured, and its
    // check streams on to a pass.
    let (turned_away, batch) =
        if status_a == StatusCode::SERVICE_UNAVAILABLE { (&mut a, batch_a) } else { (&mut b, batch_b) };
    assert_eq!(turned_away.post(batch).await.status(), StatusCode::OK);
    turned_away.seq = 1;
    turned_away.captured += common::paced::FRAME_MS * looking.len() as u64;
    let (_, told) = turned_away.follow().await;
    assert!(matches!(told, Ok(LivenessPaceResponse::Passed { device_id: Some(_) })), "{told:?}");
}

impl World {
    /// Enrols `phone` for `holder` by the face (the film streamed as each answer says): the
    /// device id, or the refusal that ended the stream.
    async fn enrol_by_face(&self, holder: &str, phone: &Phone) -> Result<i64, (StatusCode, ErrorCode)> {
        let mut stream = self.enrolment(holder, phone).await;
        match stream.follow().await.1? {
            LivenessPaceResponse::Passed { device_id: Some(id) } => Ok(id),
            other => panic!("the stream ended without a pass: {other:?}"),
        }
    }

    /// Everything `token`'s device gets after `cursor` (from the start without one).
    async fn pull_after(&self, token: &str, cursor: Option<&str>) -> SyncPullResponse {
        let path = cursor.map_or_else(|| "/v1/sync/pull".to_owned(), |c| format!("/v1/sync/pull?cursor={c}"));
        let response = self.get(&path, Some(token)).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("pull")
    }
}

/// Finding 3 on the face path: a device enrolled by the face gets a random id, as one enrolled
/// by code does, so that ids cannot be counted from one's own.
async fn a_device_enrolled_by_the_face_gets_a_random_id(db: Db) {
    let w = World::configured(db, |c| c.liveness_enrolment_attempts_per_day = 10).await;
    w.photo(ZHANG, &scene().registry).await;
    let (_, by_code, _) = w.enrol_by_code(ZHANG).await;
    let mut ids = vec![by_code];
    for _ in 0..3 {
        ids.push(w.enrol_by_face(ZHANG, &Phone::new()).await.expect("enrolled by the face"));
    }
    for id in &ids {
        assert!((1 << 52..1 << 53).contains(id), "a 52-bit random id above 2^52, as by code: {ids:?}");
    }
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert!(sorted.windows(2).all(|p| p[1] - p[0] > 1_000), "ids do not follow each other: {ids:?}");
}

/// Finding 3 on the face path: every other device of the citizen is told in its sync feed of
/// a device enrolled by the face, as of one enrolled by code; the new device is not told of
/// itself.
async fn a_device_enrolled_by_the_face_is_announced_to_every_other_device(db: Db) {
    let w = World::new(db).await;
    w.photo(ZHANG, &scene().registry).await;
    let (_, _, owner) = w.enrol_by_code(ZHANG).await;
    let cursor = w.pull_after(&owner, None).await.cursor;
    let is_notice = |m: &&str| m.starts_with(shimin_backend::service::devices::NEW_DEVICE_NOTICE);

    let phone = Phone::new();
    let device_id = w.enrol_by_face(ZHANG, &phone).await.expect("enrolled by the face");

    let pulled = w.pull_after(&owner, Some(&cursor)).await;
    let notices: Vec<&str> =
        pulled.notifications.iter().map(|n| n.message.as_str()).filter(is_notice).collect();
    assert_eq!(
        notices,
        [format!("{}新手机", shimin_backend::service::devices::NEW_DEVICE_NOTICE)],
        "the owner's device is told of the device enrolled by the face, by its label"
    );
    let token = w.token(&phone, device_id).await;
    let own = w.pull_after(&token, None).await;
    assert!(!own.notifications.iter().map(|n| n.message.as_str()).any(|m| is_notice(&m)), "not of itself");
}

/// Finding 3 on the face path: a failure signing the new device's copies (here the issuing
/// department has no active key) leaves no device behind without its certificates; the check
/// is not recorded passed, and a later enrolment gets the certificate.
async fn a_face_enrolment_that_cannot_sign_the_copies_leaves_no_device(db: Db) {
    let w = World::configured(db, |c| c.liveness_enrolment_attempts_per_day = 10).await;
    w.photo(ZHANG, &scene().registry).await;
    let body = json!({"holder_id_number": ZHANG, "valid_from": "2024-06-01", "valid_until": "2044-05-31",
        "fields": {"type": "resident-id-card"}});
    assert_eq!(w.post("/v1/staff/certificates", Some(&w.police), body).await.status(), StatusCode::CREATED);
    let store = &w.server.backend.store;
    let now = shimin_backend::now();
    assert!(store.retire_issuer_keys(seed::POLICE_CODE, now).await.expect("retire") > 0);

    let phone = Phone::new();
    let mut stream = w.enrolment(ZHANG, &phone).await;
    let check_id = stream.check.check_id;
    let (_, told) = stream.follow().await;
    let Err((status, _)) = told else { panic!("the enrolment fails: {told:?}") };
    assert!(status.is_client_error() || status.is_server_error(), "the enrolment fails: {status}");
    assert!(
        store.active_devices(ZHANG).await.expect("devices").is_empty(),
        "no device is left without its certificates"
    );
    let check = store.liveness_check(check_id).await.expect("check").expect("stored");
    assert_ne!(check.passed, Some(true), "the check is not recorded as an enrolment");

    // With a key again the same phone enrols, and gets the certificate.
    w.server.backend.rotate_key(seed::POLICE_CODE, now).await.expect("rotate");
    let device_id = w.enrol_by_face(ZHANG, &phone).await.expect("enrolled once the key is back");
    let token = w.token(&phone, device_id).await;
    assert_eq!(w.pull_after(&token, None).await.certificates.len(), 1);
}

/// Issue 20: a party sees who asks, for what, what would be shared and by when; declines
/// instead of confirming, once, with a reason the registrar sees; and a request past its seven
/// days opens no check but still takes a refusal.
async fn a_party_declines_and_the_registrar_sees_why(db: Db) {
    let w = World::new(db).await;
    let (_, _, zhang) = w.enrol_by_code(ZHANG).await;
    let (_, _, lin) = w.enrol_by_code(LIN).await;
    w.photo(ZHANG, &scene().registry).await;
    let body = json!({"company_name": "福州闽江软件有限公司", "parties": [
        {"id_number": ZHANG, "role": "legal_representative"},
        {"id_number": ZHANG, "role": "shareholder"},
        {"id_number": LIN, "role": "supervisor"},
    ]});
    let response = w.post("/v1/staff/cases", Some(&w.market), body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let case: CaseView = response.json().await.expect("case");
    assert!(!case.declined);

    let requests: Vec<IdentityRequestView> =
        w.get("/v1/sync/identity-requests", Some(&zhang)).await.json().await.expect("requests");
    let request = &requests[0];
    assert_eq!(request.state, RequestStateView::Pending);
    assert_eq!(request.matter, MatterView::CompanyEstablishment);
    assert_eq!(
        request.shared,
        vec![SharedDataView::Name, SharedDataView::IdNumber, SharedDataView::FaceCheckResult]
    );
    assert_eq!(request.respond_by, case.created_at + 7 * 86_400, "seven days to answer");
    assert_eq!((request.declined_at, request.decline_reason), (None, None));

    // Only a party declines; the body names a reason it knows.
    let third = w.demo.iter().find(|id| *id != ZHANG && *id != LIN).expect("a third demo citizen");
    let (_, _, outsider) = w.enrol_by_code(third).await;
    let decline = format!("/v1/sync/identity-requests/{}/decline", case.id);
    assert_eq!(
        error_code(w.post(&decline, Some(&outsider), json!({"reason": "not_me"})).await).await,
        (StatusCode::NOT_FOUND, ErrorCode::NotFound),
        "someone else's case"
    );
    assert_eq!(w.post(&decline, None, json!({"reason": "not_me"})).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        w.post(&decline, Some(&zhang), json!({"reason": "maybe"})).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // 张伟 did not ask for this company: he says so, once.
    let response = w.post(&decline, Some(&zhang), json!({"reason": "not_me"})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let declined: IdentityRequestView = response.json().await.expect("request");
    assert_eq!(declined.state, RequestStateView::Declined);
    assert_eq!(declined.decline_reason, Some(DeclineReasonView::NotMe));
    assert!(declined.declined_at.is_some());
    assert_eq!(
        error_code(w.post(&decline, Some(&zhang), json!({"reason": "refused"})).await).await,
        (StatusCode::CONFLICT, ErrorCode::AlreadyDeclined)
    );
    let ask = format!("/v1/sync/identity-requests/{}/liveness", case.id);
    assert_eq!(
        error_code(w.post(&ask, Some(&zhang), json!({})).await).await,
        (StatusCode::CONFLICT, ErrorCode::AlreadyDeclined),
        "no face check after a refusal"
    );
    let requests: Vec<IdentityRequestView> =
        w.get("/v1/sync/identity-requests", Some(&zhang)).await.json().await.expect("requests");
    assert_eq!(requests[0].state, RequestStateView::Declined, "still listed, as declined");

    // The registrar sees who declined and why, and cannot proceed.
    let seen = w.case(case.id).await;
    assert!(seen.declined && !seen.all_confirmed);
    for party in &seen.parties {
        if party.id_number == ZHANG {
            assert!(party.declined_at.is_some());
            assert_eq!(party.decline_reason, Some(DeclineReasonView::NotMe));
        } else {
            assert_eq!((party.declined_at, party.decline_reason), (None, None), "林晓燕 did not");
        }
    }
    let proceed = format!("/v1/staff/cases/{}/proceed", case.id);
    assert_eq!(w.post(&proceed, Some(&w.market), json!({})).await.status(), StatusCode::CONFLICT);

    // A case opened eight days ago: past its answer, no check; a refusal still reaches the
    // registrar.
    let market = w.server.backend.store.staff_by_login("market-issuer").await.expect("staff").expect("staff");
    let now = shimin_backend::now();
    let old = CaseRecord {
        id: 0,
        department_code: market.department_code.clone(),
        company_name: "福州旧案有限公司".into(),
        credit_code: None,
        created_by: market.id,
        created_at: now - 8 * 86_400,
        proceeded_at: None,
        parties: vec![PartyRecord {
            id_number: LIN.into(),
            role: PartyRole::LegalRepresentative,
            confirmed_at: None,
            declined: None,
        }],
    };
    let old_id = w.server.backend.store.insert_case(old).await.expect("case");
    let requests: Vec<IdentityRequestView> =
        w.get("/v1/sync/identity-requests", Some(&lin)).await.json().await.expect("requests");
    let expired = requests.iter().find(|r| r.case_id == old_id).expect("listed");
    assert_eq!(expired.state, RequestStateView::Expired);
    let current = requests.iter().find(|r| r.case_id == case.id).expect("listed");
    assert_eq!(current.state, RequestStateView::Pending, "the other party's answer is their own");
    assert_eq!(
        error_code(
            w.post(&format!("/v1/sync/identity-requests/{old_id}/liveness"), Some(&lin), json!({})).await
        )
        .await,
        (StatusCode::GONE, ErrorCode::RequestExpired)
    );
    let response = w
        .post(
            &format!("/v1/sync/identity-requests/{old_id}/decline"),
            Some(&lin),
            json!({"reason": "refused"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}
