//! Identity proofing by the face over real HTTP, with the real judge on the test film
//! (`shimin_testkit::film`: Grace Hopper's portrait, edited into blinks, open mouths and nods).
//! Enrolment of a new device by a liveness check instead of a code, and company registration
//! cases whose parties confirm with one. Every test runs on SQLite and on a real PostgreSQL.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

#[macro_use]
mod common;

use common::{Db, Phone, TestServer, error_code};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use shimin_backend::seed;
use shimin_backend::server::MAX_EVIDENCE_BODY;
use shimin_client::LivenessChallenge;
use shimin_core::liveness::Challenge;
use shimin_testkit::film::{self, key_frame_jpeg, scene};
use shimin_wire::backend::{
    CaseView, ErrorResponse, IdentityRequestView, LivenessChallengeResponse, LivenessEnrolmentResponse,
    PartyRoleView, SyncPullResponse,
};
use shimin_wire::error::ErrorCode;

/// 张伟 and 林晓燕 of the demo data.
const ZHANG: &str = "420106199003071238";
const LIN: &str = "350102198506112347";

on_both_databases!(
    a_new_device_enrols_by_the_face_once,
    another_face_the_wrong_order_or_garbage_fails_and_registers_nothing,
    liveness_checks_are_limited_per_citizen_per_day,
    a_registration_case_proceeds_when_every_party_has_confirmed,
    strangers_cannot_spend_a_citizens_own_liveness_attempts,
    one_source_cannot_ask_for_more_than_its_own_attempts,
    the_enrolment_challenge_does_not_tell_whether_a_number_can_enrol,
    an_answer_waits_for_a_busy_judge_no_longer_than_the_queue_timeout,
    a_device_enrolled_by_the_face_gets_a_random_id,
    a_device_enrolled_by_the_face_is_announced_to_every_other_device,
    a_face_enrolment_that_cannot_sign_the_copies_leaves_no_device,
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
        let limits = shimin_backend::server::Limits { auth_burst: 1_000, auth_per_minute: 1_000 };
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
        let mut request = self
            .http
            .post(self.server.url(path))
            .header(reqwest::header::CONTENT_TYPE, "application/cose")
            .body(body);
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        request.send().await.expect("post")
    }

    async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut request = self.http.get(self.server.url(path));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        request.send().await.expect("get")
    }

    async fn enrolment_challenge(&self, holder: &str, phone: &Phone) -> reqwest::Response {
        self.post(
            "/v1/enrolment/liveness",
            None,
            json!({"id_number": holder, "public_key_b64": phone.public_key_b64(), "label": "新手机"}),
        )
        .await
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

async fn challenge_of(response: reqwest::Response) -> LivenessChallenge {
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: LivenessChallengeResponse = response.json().await.expect("challenge");
    LivenessChallenge::parse(body).expect("a well-formed challenge")
}

/// The film performing `challenge` cooperatively, signed by `phone`.
fn filmed(challenge: &Challenge, phone: &Phone) -> Vec<u8> {
    let s = scene();
    film::evidence(challenge, &s.take(challenge.actions()), key_frame_jpeg)
        .sign(&phone.key, b"device")
        .expect("signs")
}

async fn a_new_device_enrols_by_the_face_once(db: Db) {
    let w = World::new(db).await;
    w.photo(ZHANG, &scene().registry).await;
    // A certificate waiting for the new device.
    let body = json!({"holder_id_number": ZHANG, "valid_from": "2024-06-01", "valid_until": "2044-05-31",
        "fields": {"type": "resident-id-card"}});
    assert_eq!(w.post("/v1/staff/certificates", Some(&w.police), body).await.status(), StatusCode::CREATED);

    let phone = Phone::new();
    let asked = challenge_of(w.enrolment_challenge(ZHANG, &phone).await).await;
    assert!(asked.challenge.actions().iter().all(|a| film::FILMABLE.contains(a)), "the configured pool");
    let evidence = filmed(&asked.challenge, &phone);
    let path = format!("/v1/enrolment/liveness/{}", asked.check_id);
    let response = w.post_bytes(&path, None, evidence.clone()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let device_id = response.json::<LivenessEnrolmentResponse>().await.expect("device").device_id;

    // The device is the citizen's: it signs in with its key and pulls the waiting certificate.
    let token = w.token(&phone, device_id).await;
    let pulled: SyncPullResponse = w.get("/v1/sync/pull", Some(&token)).await.json().await.expect("pull");
    assert_eq!(pulled.certificates.len(), 1);

    // The same evidence again: the nonce was answered.
    assert_eq!(
        error_code(w.post_bytes(&path, None, evidence).await).await,
        (StatusCode::CONFLICT, ErrorCode::AlreadyAnswered)
    );
    // The same key cannot enrol twice.
    let again = challenge_of(w.enrolment_challenge(ZHANG, &phone).await).await;
    let path = format!("/v1/enrolment/liveness/{}", again.check_id);
    assert_eq!(
        error_code(w.post_bytes(&path, None, filmed(&again.challenge, &phone)).await).await,
        (StatusCode::CONFLICT, ErrorCode::DeviceAlreadyRegistered)
    );
}

async fn another_face_the_wrong_order_or_garbage_fails_and_registers_nothing(db: Db) {
    let w = World::new(db).await;
    // 林晓燕's registry photo is the astronaut: Grace Hopper's face is not hers.
    w.photo(LIN, &scene().other_registry).await;
    let phone = Phone::new();
    let asked = challenge_of(w.enrolment_challenge(LIN, &phone).await).await;
    let path = format!("/v1/enrolment/liveness/{}", asked.check_id);
    let response = w.post_bytes(&path, None, filmed(&asked.challenge, &phone)).await;
    let status = response.status();
    let text = response.text().await.expect("body");
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let error: ErrorResponse = serde_json::from_str(&text).expect("error body");
    assert_eq!(error.error, ErrorCode::LivenessFailed);
    // Pass or fail only: no reason, no score.
    for leak in ["registry", "match", "distance", "0."] {
        assert!(!text.contains(leak), "the answer says more than pass/fail: {text}");
    }
    assert!(w.server.backend.store.active_devices(LIN).await.expect("devices").is_empty());

    // The right person, the actions in another order than asked.
    w.photo(LIN, &scene().registry).await;
    let asked = challenge_of(w.enrolment_challenge(LIN, &phone).await).await;
    let mut reversed = asked.challenge.actions().to_vec();
    reversed.reverse();
    let performed =
        Challenge::new(asked.challenge.nonce().to_vec(), reversed, asked.challenge.time_limit_ms())
            .expect("challenge");
    let path = format!("/v1/enrolment/liveness/{}", asked.check_id);
    let (status, code) = error_code(w.post_bytes(&path, None, filmed(&performed, &phone)).await).await;
    assert_eq!((status, code), (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::LivenessFailed));

    // Evidence signed by another key does not spend the check; garbage neither; then the
    // rightful answer passes.
    let asked = challenge_of(w.enrolment_challenge(LIN, &phone).await).await;
    let path = format!("/v1/enrolment/liveness/{}", asked.check_id);
    let thief = Phone::new();
    let (status, code) = error_code(w.post_bytes(&path, None, filmed(&asked.challenge, &thief)).await).await;
    assert_eq!((status, code), (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::LivenessFailed));
    let (status, code) = error_code(w.post_bytes(&path, None, b"\xd2\x84not cose".to_vec()).await).await;
    assert_eq!((status, code), (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::LivenessFailed));
    assert_eq!(
        error_code(w.post_bytes(&path, None, Vec::new()).await).await,
        (StatusCode::BAD_REQUEST, ErrorCode::BadRequest)
    );
    let huge = vec![0u8; MAX_EVIDENCE_BODY + 1];
    assert_eq!(w.post_bytes(&path, None, huge).await.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(w.server.backend.store.active_devices(LIN).await.expect("devices").is_empty());
    assert_eq!(
        w.post_bytes(&path, None, filmed(&asked.challenge, &phone)).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(w.server.backend.store.active_devices(LIN).await.expect("devices").len(), 1);

    // Unknown checks, citizens and keys.
    let (status, code) = error_code(w.post_bytes("/v1/enrolment/liveness/999999", None, vec![1]).await).await;
    assert_eq!((status, code), (StatusCode::NOT_FOUND, ErrorCode::NotFound));
    // A valid number that is not in the registry.
    let unknown = "35010219990101123";
    let unknown =
        format!("{unknown}{}", shimin_core::id_number::check_character(unknown).expect("17 digits"));
    let stranger = json!({"id_number": unknown, "public_key_b64": phone.public_key_b64()});
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
    let answer = format!("/v1/sync/liveness-checks/{}", asked.check_id);
    // Another device of another citizen cannot answer 张伟's check.
    let stolen = filmed(&asked.challenge, &lin_phone);
    assert_eq!(
        error_code(w.post_bytes(&answer, Some(&lin), stolen).await).await,
        (StatusCode::NOT_FOUND, ErrorCode::NotFound)
    );
    let response = w.post_bytes(&answer, Some(&zhang), filmed(&asked.challenge, &zhang_phone)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
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

    // 林晓燕 fails once (the wrong order), then confirms.
    let asked = challenge_of(w.post(&ask, Some(&lin), json!({})).await).await;
    let mut reversed = asked.challenge.actions().to_vec();
    reversed.reverse();
    let wrong = Challenge::new(asked.challenge.nonce().to_vec(), reversed, asked.challenge.time_limit_ms())
        .expect("c");
    let answer = format!("/v1/sync/liveness-checks/{}", asked.check_id);
    assert_eq!(
        error_code(w.post_bytes(&answer, Some(&lin), filmed(&wrong, &lin_phone)).await).await,
        (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::LivenessFailed)
    );
    assert!(
        w.case(case.id).await.parties.iter().filter(|p| p.id_number == LIN).all(|p| p.confirmed_at.is_none())
    );
    let asked = challenge_of(w.post(&ask, Some(&lin), json!({})).await).await;
    let answer = format!("/v1/sync/liveness-checks/{}", asked.check_id);
    let response = w.post_bytes(&answer, Some(&lin), filmed(&asked.challenge, &lin_phone)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

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

/// Finding 7: with the judge busy, an answer waits at most the queue timeout and is refused
/// with 503, its check still open: a flood of answers cannot pile up waiting without end.
async fn an_answer_waits_for_a_busy_judge_no_longer_than_the_queue_timeout(db: Db) {
    let w = World::configured(db, |c| {
        c.liveness_judges = 1;
        c.liveness_queue_timeout_ms = 1;
    })
    .await;
    w.photo(ZHANG, &scene().registry).await;
    let (first, second) = (Phone::new(), Phone::new());
    let a = challenge_of(w.enrolment_challenge(ZHANG, &first).await).await;
    let b = challenge_of(w.enrolment_challenge(ZHANG, &second).await).await;
    let (path_a, path_b) =
        (format!("/v1/enrolment/liveness/{}", a.check_id), format!("/v1/enrolment/liveness/{}", b.check_id));
    let (evidence_a, evidence_b) = (filmed(&a.challenge, &first), filmed(&b.challenge, &second));
    let (answer_a, answer_b) = tokio::join!(
        w.post_bytes(&path_a, None, evidence_a.clone()),
        w.post_bytes(&path_b, None, evidence_b.clone())
    );
    let (status_a, status_b) = (answer_a.status(), answer_b.status());
    let mut statuses = [status_a, status_b];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::SERVICE_UNAVAILABLE],
        "one judged, one turned away"
    );
    // The one turned away was not spent: sent again to an idle judge, it passes.
    let (path, evidence) =
        if status_a == StatusCode::SERVICE_UNAVAILABLE { (path_a, evidence_a) } else { (path_b, evidence_b) };
    assert_eq!(w.post_bytes(&path, None, evidence).await.status(), StatusCode::CREATED);
}

impl World {
    /// Enrols `phone` for `holder` by the face (the film, the evidence route); its device id.
    async fn enrol_by_face(&self, holder: &str, phone: &Phone) -> reqwest::Response {
        let asked = challenge_of(self.enrolment_challenge(holder, phone).await).await;
        let path = format!("/v1/enrolment/liveness/{}", asked.check_id);
        self.post_bytes(&path, None, filmed(&asked.challenge, phone)).await
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
        let response = w.enrol_by_face(ZHANG, &Phone::new()).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        ids.push(response.json::<LivenessEnrolmentResponse>().await.expect("device").device_id);
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
    let response = w.enrol_by_face(ZHANG, &phone).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let device_id = response.json::<LivenessEnrolmentResponse>().await.expect("device").device_id;

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
    let asked = challenge_of(w.enrolment_challenge(ZHANG, &phone).await).await;
    let path = format!("/v1/enrolment/liveness/{}", asked.check_id);
    let response = w.post_bytes(&path, None, filmed(&asked.challenge, &phone)).await;
    assert!(
        response.status().is_client_error() || response.status().is_server_error(),
        "the enrolment fails: {}",
        response.status()
    );
    assert!(
        store.active_devices(ZHANG).await.expect("devices").is_empty(),
        "no device is left without its certificates"
    );
    let check = store.liveness_check(asked.check_id).await.expect("check").expect("stored");
    assert_ne!(check.passed, Some(true), "the check is not recorded as an enrolment");

    // With a key again the same phone enrols, and gets the certificate.
    w.server.backend.rotate_key(seed::POLICE_CODE, now).await.expect("rotate");
    let response = w.enrol_by_face(ZHANG, &phone).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let device_id = response.json::<LivenessEnrolmentResponse>().await.expect("device").device_id;
    let token = w.token(&phone, device_id).await;
    assert_eq!(w.pull_after(&token, None).await.certificates.len(), 1);
}
