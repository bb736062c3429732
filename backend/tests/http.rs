//! The real server on a loopback port, driven over real HTTP like the app and the staff
//! console drive it; every test runs twice, on SQLite and on a real PostgreSQL.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

#[macro_use]
mod common;

use common::{Db, Phone, TestServer, b64, error_code, unb64};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use shimin_backend::seed;
use shimin_backend::server::Limits;
use shimin_core::cert::{CertificateType, IssuedCertificate, IssuerKeyInfo, verify_certificate};
use shimin_core::cose::Sign1;
use shimin_core::crypto::VerifyingKey;
use shimin_core::status_list::{Status, VerifiedStatusList};
use shimin_core::trust::{TrustList, VerifiedTrustList};
use shimin_wire::backend::{
    CertificateStatusView, CertificateView, ChallengeResponse, EnrolmentCodeResponse, SyncPullResponse,
    SyncPushResponse,
};
use shimin_wire::error::ErrorCode;

/// 张伟 and 林晓燕 of the demo data.
const ZHANG: &str = "420106199003071238";
const LIN: &str = "350102198506112347";

fn id(first17: &str) -> String {
    let c = shimin_core::id_number::check_character(first17).expect("17 digits");
    format!("{first17}{c}")
}

on_both_databases!(
    healthz_and_openapi_answer,
    trust_list_has_a_strong_etag_and_answers_304,
    issuance_reaches_the_device_and_revocation_reaches_the_status_list,
    renewal_is_the_next_version_and_near_expiry_gives_a_reminder,
    sync_needs_a_device_token_bound_to_the_device_key,
    citizens_see_only_their_own_and_staff_act_only_for_their_department,
    a_citizens_device_gets_only_that_citizens_certificates,
    staff_cannot_change_renew_or_read_another_departments_certificates,
    a_retried_push_is_recorded_once,
    bad_input_gets_a_clear_4xx,
    logins_are_rate_limited,
);

struct World {
    server: TestServer,
    http: Client,
    police: String,
    reviewer: String,
    education: String,
}

impl World {
    async fn new(db: Db) -> Self {
        Self::with(db, Limits::default()).await
    }

    async fn with(db: Db, limits: Limits) -> Self {
        let server = TestServer::on(db, limits).await;
        seed::seed(&server.backend, 5, shimin_backend::now()).await.expect("seed");
        let http = Client::new();
        let mut world =
            Self { server, http, police: String::new(), reviewer: String::new(), education: String::new() };
        world.police = world.login("police-issuer", "demo-police-2024").await;
        world.reviewer = world.login("police-reviewer", "demo-review-2024").await;
        world.education = world.login("edu-issuer", "demo-degree-2024").await;
        world
    }

    async fn login(&self, login: &str, password: &str) -> String {
        self.server.staff_login(&self.http, login, password).await
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> reqwest::Response {
        let mut request = self.http.post(self.server.url(path)).json(&body);
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

    /// Issues a resident ID card by the police to `holder`.
    async fn issue_id_card(&self, holder: &str, until: &str) -> CertificateView {
        let body = json!({
            "holder_id_number": holder,
            "valid_from": "2024-06-01",
            "valid_until": until,
            "fields": {"type": "resident-id-card"}
        });
        let response = self.post("/v1/staff/certificates", Some(&self.police), body).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.expect("view")
    }

    /// Enrols a new phone for `holder` and gets it a device token.
    async fn enrol(&self, holder: &str) -> (Phone, i64, String) {
        self.server.enrol_by_code(&self.http, &self.police, holder).await
    }

    async fn token(&self, phone: &Phone, device_id: i64) -> String {
        self.server.device_token(&self.http, phone, device_id).await
    }

    async fn pull(&self, token: &str, cursor: Option<&str>) -> SyncPullResponse {
        let path = match cursor {
            Some(c) => format!("/v1/sync/pull?cursor={c}"),
            None => "/v1/sync/pull".to_owned(),
        };
        let response = self.get(&path, Some(token)).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("pull")
    }

    async fn trust(&self) -> VerifiedTrustList {
        let root =
            VerifyingKey::p256_from_sec1(&self.get("/v1/root-key", None).await.bytes().await.expect("root"))
                .expect("root key");
        let bytes = self.get("/v1/trust-list", None).await.bytes().await.expect("trust list");
        TrustList::verify(&bytes, &root, shimin_backend::now()).expect("a trust list signed by the root")
    }

    async fn status_of(&self, list_id: i64, index: u64) -> Status {
        let bytes =
            self.get(&format!("/v1/status-lists/{list_id}"), None).await.bytes().await.expect("status list");
        let trust = self.trust().await;
        let kid = Sign1::decode(&bytes).expect("cose").key_id().expect("kid").to_vec();
        let key = trust.entry(&kid).expect("the status list's key is on the trust list").public_key().clone();
        let list =
            VerifiedStatusList::verify(&bytes, &key, shimin_backend::now()).expect("signed status list");
        list.status_at(index as usize).expect("index in list")
    }
}

fn verify_copy(copy_b64: &str, trust: &VerifiedTrustList) -> shimin_core::cert::VerifiedCertificate {
    let issued = IssuedCertificate::from_holder_copy(&unb64(copy_b64)).expect("holder copy");
    verify_certificate(
        &issued.signed,
        &issued.disclosures,
        |kid| {
            trust.entry(kid).map(|e| IssuerKeyInfo {
                key: e.public_key().clone(),
                issuer_code: shimin_core::cert::CreditCode::parse(e.department().code()).expect("code"),
                allowed_types: e
                    .allowed_types()
                    .iter()
                    .filter_map(|c| CertificateType::ALL.into_iter().find(|t| t.code_str() == c))
                    .collect(),
            })
        },
        shimin_backend::now(),
    )
    .expect("a genuine certificate")
}

async fn healthz_and_openapi_answer(db: Db) {
    let w = World::new(db).await;
    let health: Value = w.get("/healthz", None).await.json().await.expect("json");
    // Issue 15 (Low): no counts any more (was: the number of citizens).
    assert_eq!(health, json!({"status": "ok"}));
    let doc: Value = w.get("/openapi.json", None).await.json().await.expect("openapi");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    for path in ["/v1/trust-list", "/v1/sync/pull", "/v1/sync/push", "/v1/staff/certificates"] {
        assert!(doc["paths"][path].is_object(), "{path} is described");
    }
    let listed = &doc["components"]["schemas"]["ErrorResponse"]["properties"]["error"]["enum"];
    for code in ErrorCode::ALL {
        assert!(
            listed.as_array().is_some_and(|codes| codes.contains(&Value::from(code.as_str()))),
            "{code} is listed"
        );
    }
    assert_eq!(error_code(w.get("/nope", None).await).await, (StatusCode::NOT_FOUND, ErrorCode::NotFound));
    w.server.shutdown().await;
}

async fn trust_list_has_a_strong_etag_and_answers_304(db: Db) {
    let w = World::new(db).await;
    let first = w.get("/v1/trust-list", None).await;
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()["etag"].to_str().expect("etag").to_owned();
    assert!(etag.starts_with('"') && !etag.starts_with("W/"), "strong ETag: {etag}");
    assert!(first.headers()["cache-control"].to_str().expect("cache").contains("max-age"));
    let trust = w.trust().await;
    let departments = w.server.backend.store.departments().await.expect("departments").len();
    assert_eq!(trust.entries().len(), departments, "one key per department");

    let again =
        w.http.get(w.server.url("/v1/trust-list")).header("if-none-match", &etag).send().await.expect("get");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.expect("body").is_empty());

    // Rotation: a new list, and a certificate signed by the retired key still verifies.
    let (_, _, token) = w.enrol(ZHANG).await;
    w.issue_id_card(ZHANG, "2034-05-31").await;
    let before = w.pull(&token, None).await;
    let rotated = w.post("/v1/staff/key-rotation", Some(&w.police), json!({})).await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let changed =
        w.http.get(w.server.url("/v1/trust-list")).header("if-none-match", &etag).send().await.expect("get");
    assert_eq!(changed.status(), StatusCode::OK, "the old ETag no longer matches");
    assert_ne!(changed.headers()["etag"].to_str().expect("etag"), etag);
    let trust = w.trust().await;
    assert_eq!(trust.entries().len(), departments + 1);
    assert_eq!(trust.entries().iter().filter(|e| e.retirement().is_some()).count(), 1);
    verify_copy(&before.certificates[0].holder_copy_b64, &trust);
    w.server.shutdown().await;
}

async fn issuance_reaches_the_device_and_revocation_reaches_the_status_list(db: Db) {
    let w = World::new(db).await;
    let (_, _, token) = w.enrol(ZHANG).await;
    let card = w.issue_id_card(ZHANG, "2034-05-31").await;
    assert_eq!(card.certificate_type, "resident-id-card");

    let pulled = w.pull(&token, None).await;
    assert_eq!(pulled.certificates.len(), 1);
    assert_eq!(pulled.certificates[0].certificate_id, card.certificate_id);
    let verified = verify_copy(&pulled.certificates[0].holder_copy_b64, &w.trust().await);
    assert_eq!(verified.payload.status.index, card.status_index);
    assert_eq!(
        verified.payload.status.uri,
        w.server.url(&format!("/v1/status-lists/{}", card.status_list_id))
    );
    assert!(pulled.notifications.iter().any(|n| n.message.contains("居民身份证")));
    // The seed published the trust list once per department it added.
    let departments = w.server.backend.store.departments().await.expect("departments").len() as u64;
    assert_eq!(pulled.trust_list.as_ref().map(|t| t.sequence), Some(departments));
    assert_eq!(w.status_of(card.status_list_id, card.status_index).await, Status::Valid);

    // Nothing new: the same cursor gives nothing.
    let quiet = w.pull(&token, Some(&pulled.cursor)).await;
    assert!(
        quiet.certificates.is_empty() && quiet.status_changes.is_empty() && quiet.notifications.is_empty()
    );

    let suspend = w
        .post(
            &format!("/v1/staff/certificates/{}/status", card.id),
            Some(&w.police),
            json!({"action": "suspend"}),
        )
        .await;
    assert_eq!(suspend.status(), StatusCode::OK);
    assert_eq!(w.status_of(card.status_list_id, card.status_index).await, Status::Suspended);
    let revoke = w
        .post(
            &format!("/v1/staff/certificates/{}/status", card.id),
            Some(&w.police),
            json!({"action": "revoke"}),
        )
        .await;
    assert_eq!(revoke.status(), StatusCode::OK);
    assert_eq!(w.status_of(card.status_list_id, card.status_index).await, Status::Invalid);
    let again = w
        .post(
            &format!("/v1/staff/certificates/{}/status", card.id),
            Some(&w.police),
            json!({"action": "reinstate"}),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "a revoked certificate stays revoked");

    let changes = w.pull(&token, Some(&pulled.cursor)).await;
    let statuses: Vec<_> = changes.status_changes.iter().map(|c| c.status).collect();
    use shimin_wire::backend::CertificateStatusView::{Revoked, Suspended};
    assert_eq!(statuses, [Suspended, Revoked]);
    w.server.shutdown().await;
}

async fn renewal_is_the_next_version_and_near_expiry_gives_a_reminder(db: Db) {
    let w = World::new(db).await;
    let (_, _, token) = w.enrol(ZHANG).await;
    let soon = time::OffsetDateTime::now_utc().date() + time::Duration::days(10);
    let until = format!("{:04}-{:02}-{:02}", soon.year(), u8::from(soon.month()), soon.day());
    let card = w.issue_id_card(ZHANG, &until).await;
    let first = w.pull(&token, None).await;
    assert_eq!(first.reminders.len(), 1, "expires within 30 days");
    assert_eq!(first.reminders[0].certificate_id, card.certificate_id);

    let renewed = w
        .post(
            &format!("/v1/staff/certificates/{}/renew", card.id),
            Some(&w.police),
            json!({"valid_until": "2034-05-31"}),
        )
        .await;
    assert_eq!(renewed.status(), StatusCode::CREATED);
    let renewed: CertificateView = renewed.json().await.expect("view");
    assert_eq!(renewed.version, 1);
    assert_ne!(renewed.certificate_id, card.certificate_id);
    let old: CertificateView = w
        .get(&format!("/v1/staff/certificates/{}", card.id), Some(&w.police))
        .await
        .json()
        .await
        .expect("old");
    assert_eq!(old.status, shimin_wire::backend::CertificateStatusView::Revoked);
    assert_eq!(w.status_of(card.status_list_id, card.status_index).await, Status::Invalid);

    let next = w.pull(&token, Some(&first.cursor)).await;
    assert_eq!(next.certificates.len(), 1);
    assert_eq!(next.certificates[0].version, 1);
    assert!(next.reminders.is_empty(), "the renewal is not expiring");
    w.server.shutdown().await;
}

async fn sync_needs_a_device_token_bound_to_the_device_key(db: Db) {
    let w = World::new(db).await;
    assert_eq!(
        error_code(w.get("/v1/sync/pull", None).await).await,
        (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized)
    );
    assert_eq!(w.get("/v1/sync/anything", None).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(w.get("/v1/sync/pull", Some("not-a-token")).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        w.get("/v1/sync/pull", Some(&w.police)).await.status(),
        StatusCode::UNAUTHORIZED,
        "staff tokens are not device tokens"
    );

    let (phone, device_id, token) = w.enrol(ZHANG).await;
    assert_eq!(w.get("/v1/sync/pull", Some(&token)).await.status(), StatusCode::OK);
    // The pull judges its own token (read with the rest of the pull), and before the cursor,
    // like every route behind the sync layer; other methods stay behind that layer.
    assert_eq!(w.get("/v1/sync/pull?cursor=bad", Some(&token)).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        w.get("/v1/sync/pull?cursor=bad", Some("not-a-token")).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(w.get("/v1/sync/pull?cursor=bad", Some(&w.police)).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(w.post("/v1/sync/pull", None, json!({})).await.status(), StatusCode::UNAUTHORIZED);

    // A signature by another key, or a reused challenge, gets no token.
    let challenge: ChallengeResponse = w
        .post(&format!("/v1/devices/{device_id}/challenge"), None, json!({}))
        .await
        .json()
        .await
        .expect("challenge");
    let thief = Phone::new();
    let forged = b64(&thief.sign(&unb64(&challenge.challenge_b64)));
    let body = json!({"challenge_b64": challenge.challenge_b64, "signature_b64": forged});
    assert_eq!(
        w.post(&format!("/v1/devices/{device_id}/token"), None, body).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let genuine = b64(&phone.sign(&unb64(&challenge.challenge_b64)));
    let body = json!({"challenge_b64": challenge.challenge_b64, "signature_b64": genuine});
    assert_eq!(
        w.post(&format!("/v1/devices/{device_id}/token"), None, body).await.status(),
        StatusCode::UNAUTHORIZED,
        "a challenge is spent by the first attempt"
    );

    // An enrolment code works once.
    let code: EnrolmentCodeResponse = w
        .post("/v1/staff/enrolment-codes", Some(&w.police), json!({"holder_id_number": ZHANG}))
        .await
        .json()
        .await
        .expect("code");
    let register =
        |key: String| json!({"id_number": ZHANG, "enrolment_code": code.code, "public_key_b64": key});
    assert_eq!(
        w.post("/v1/devices", None, register(Phone::new().public_key_b64())).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        error_code(w.post("/v1/devices", None, register(Phone::new().public_key_b64())).await).await,
        (StatusCode::UNAUTHORIZED, ErrorCode::BadEnrolmentCode)
    );

    // Logout revokes the token; removing the device revokes all of its tokens.
    let second = w.token(&phone, device_id).await;
    assert_eq!(w.post("/v1/sync/logout", Some(&token), json!({})).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(w.get("/v1/sync/pull", Some(&token)).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(w.get("/v1/sync/pull", Some(&second)).await.status(), StatusCode::OK);
    let removed = w
        .http
        .delete(w.server.url(&format!("/v1/sync/devices/{device_id}")))
        .bearer_auth(&second)
        .send()
        .await
        .expect("delete");
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_eq!(w.get("/v1/sync/pull", Some(&second)).await.status(), StatusCode::UNAUTHORIZED);
    // A removed device's id is answered like any other (issue 15, finding 3): a challenge that
    // no signature can turn into a token.
    let challenge = w.post(&format!("/v1/devices/{device_id}/challenge"), None, json!({})).await;
    let challenge: ChallengeResponse = challenge.json().await.expect("challenge");
    let signature = phone.sign(&unb64(&challenge.challenge_b64));
    let token = w
        .post(
            &format!("/v1/devices/{device_id}/token"),
            None,
            json!({"challenge_b64": challenge.challenge_b64, "signature_b64": b64(&signature)}),
        )
        .await;
    assert_eq!(token.status(), StatusCode::UNAUTHORIZED);
    w.server.shutdown().await;
}

async fn citizens_see_only_their_own_and_staff_act_only_for_their_department(db: Db) {
    let w = World::new(db).await;
    let (_, _, zhang) = w.enrol(ZHANG).await;
    let (_, lin_device, lin) = w.enrol(LIN).await;
    let lins_card = w.issue_id_card(LIN, "2034-05-31").await;

    assert_eq!(
        w.get(&format!("/v1/sync/certificates/{}", lins_card.id), Some(&zhang)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&format!("/v1/sync/certificates/{}", lins_card.id), Some(&lin)).await.status(),
        StatusCode::OK
    );
    let mine: Vec<CertificateView> =
        w.get("/v1/sync/certificates", Some(&zhang)).await.json().await.expect("list");
    assert!(mine.is_empty());
    let pulled = w.pull(&zhang, None).await;
    assert!(pulled.certificates.is_empty() && pulled.notifications.is_empty(), "nothing of 林晓燕's");
    let removed = w
        .http
        .delete(w.server.url(&format!("/v1/sync/devices/{lin_device}")))
        .bearer_auth(&zhang)
        .send()
        .await
        .expect("delete");
    assert_eq!(removed.status(), StatusCode::NOT_FOUND, "cannot remove another citizen's device");
    assert_eq!(w.get("/v1/sync/pull", Some(&lin)).await.status(), StatusCode::OK);

    // The education department may issue degrees, not ID cards; reviewers issue nothing.
    let id_card = json!({"holder_id_number": ZHANG, "valid_from": "2024-06-01", "fields": {"type": "resident-id-card"}});
    assert_eq!(
        error_code(w.post("/v1/staff/certificates", Some(&w.education), id_card.clone()).await).await,
        (StatusCode::FORBIDDEN, ErrorCode::Forbidden)
    );
    assert_eq!(
        w.post("/v1/staff/certificates", Some(&w.reviewer), id_card.clone()).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(w.post("/v1/staff/certificates", None, id_card).await.status(), StatusCode::UNAUTHORIZED);
    let degree = json!({"holder_id_number": ZHANG, "valid_from": "2024-06-01", "fields": {
        "type": "degree-certificate", "level": "bachelor", "discipline": "工学", "major": "软件工程",
        "university": "福州大学", "conferral_date": "2012-06-30"}});
    assert_eq!(
        w.post("/v1/staff/certificates", Some(&w.police), degree.clone()).await.status(),
        StatusCode::FORBIDDEN
    );
    let issued = w.post("/v1/staff/certificates", Some(&w.education), degree).await;
    assert_eq!(issued.status(), StatusCode::CREATED);
    let degree: CertificateView = issued.json().await.expect("view");
    let revoke = json!({"action": "revoke"});
    let path = format!("/v1/staff/certificates/{}/status", degree.id);
    // Another department's certificate is "not found", like an unknown id (issue 15; was 403).
    assert_eq!(
        w.post(&path, Some(&w.police), revoke.clone()).await.status(),
        StatusCode::NOT_FOUND,
        "another department's"
    );
    assert_eq!(
        w.get(&format!("/v1/staff/certificates/{}", degree.id), Some(&w.police)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(w.post(&path, Some(&w.education), revoke).await.status(), StatusCode::OK);
    w.server.shutdown().await;
}

async fn a_citizens_device_gets_only_that_citizens_certificates(db: Db) {
    let w = World::new(db).await;
    let (zhang_phone, zhang_device, zhang) = w.enrol(ZHANG).await;
    let (_, lin_device, lin) = w.enrol(LIN).await;
    let zhangs_card = w.issue_id_card(ZHANG, "2034-05-31").await;
    let lins_card = w.issue_id_card(LIN, "2034-05-31").await;
    let degree = json!({"holder_id_number": LIN, "valid_from": "2024-06-01", "fields": {
        "type": "degree-certificate", "level": "master", "discipline": "理学", "major": "数学",
        "university": "厦门大学", "conferral_date": "2010-06-30"}});
    let lins_degree: CertificateView =
        w.post("/v1/staff/certificates", Some(&w.education), degree).await.json().await.expect("degree");
    let suspend = json!({"action": "suspend"});
    let path = format!("/v1/staff/certificates/{}/status", lins_card.id);
    assert_eq!(w.post(&path, Some(&w.police), suspend).await.status(), StatusCode::OK);

    // The pull: 张伟's certificate and notification, nothing of 林晓燕's.
    let pulled = w.pull(&zhang, None).await;
    let ids: Vec<_> = pulled.certificates.iter().map(|c| c.certificate_id.as_str()).collect();
    assert_eq!(ids, [zhangs_card.certificate_id.as_str()]);
    assert!(pulled.status_changes.is_empty(), "not 林晓燕's suspension");
    assert_eq!(pulled.notifications.len(), 1, "only the one about 张伟's card");
    let theirs = w.pull(&lin, None).await;
    let mut ids: Vec<_> = theirs.certificates.iter().map(|c| c.certificate_id.clone()).collect();
    ids.sort();
    let mut expected = vec![lins_card.certificate_id.clone(), lins_degree.certificate_id.clone()];
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(theirs.status_changes.len(), 1);

    // The lists and the certificates by id: another citizen's is "not found", like a missing one.
    let mine: Vec<CertificateView> =
        w.get("/v1/sync/certificates", Some(&zhang)).await.json().await.expect("list");
    assert_eq!(mine.iter().map(|c| c.id).collect::<Vec<_>>(), [zhangs_card.id]);
    for other in [lins_card.id, lins_degree.id, lins_degree.id + 1_000] {
        let response = w.get(&format!("/v1/sync/certificates/{other}"), Some(&zhang)).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(!response.text().await.expect("body").contains(LIN), "nothing of hers in the answer");
    }
    assert_eq!(
        w.get(&format!("/v1/sync/certificates/{}", zhangs_card.id), Some(&lin)).await.status(),
        StatusCode::NOT_FOUND
    );

    // 张伟's key gets no token for 林晓燕's device; a device token opens no staff endpoint.
    let challenge: ChallengeResponse = w
        .post(&format!("/v1/devices/{lin_device}/challenge"), None, json!({}))
        .await
        .json()
        .await
        .expect("challenge");
    let signed = b64(&zhang_phone.sign(&unb64(&challenge.challenge_b64)));
    let body = json!({"challenge_b64": challenge.challenge_b64, "signature_b64": signed});
    assert_eq!(
        w.post(&format!("/v1/devices/{lin_device}/token"), None, body).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        w.get(&format!("/v1/staff/certificates/{}", lins_card.id), Some(&zhang)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let revoke = json!({"action": "revoke"});
    assert_eq!(w.post(&path, Some(&zhang), revoke).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        w.post("/v1/staff/enrolment-codes", Some(&zhang), json!({"holder_id_number": LIN})).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let removed = w
        .http
        .delete(w.server.url(&format!("/v1/sync/devices/{zhang_device}")))
        .bearer_auth(&lin)
        .send()
        .await
        .expect("delete");
    assert_eq!(removed.status(), StatusCode::NOT_FOUND);
    assert_eq!(w.get("/v1/sync/pull", Some(&zhang)).await.status(), StatusCode::OK, "still enrolled");
    w.server.shutdown().await;
}

async fn staff_cannot_change_renew_or_read_another_departments_certificates(db: Db) {
    let w = World::new(db).await;
    let card = w.issue_id_card(ZHANG, "2034-05-31").await;
    let status = format!("/v1/staff/certificates/{}/status", card.id);
    let renew = format!("/v1/staff/certificates/{}/renew", card.id);

    // Education staff: the police's card is out of reach, whatever the action, and answers as
    // an unknown id does (issue 15; was 403).
    for action in ["suspend", "revoke", "reinstate"] {
        assert_eq!(
            w.post(&status, Some(&w.education), json!({"action": action})).await.status(),
            StatusCode::NOT_FOUND,
            "{action}"
        );
    }
    assert_eq!(
        w.post(&renew, Some(&w.education), json!({"valid_until": "2044-05-31"})).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&format!("/v1/staff/certificates/{}", card.id), Some(&w.education)).await.status(),
        StatusCode::NOT_FOUND
    );
    // Nor may they issue the police's types, whichever.
    for fields in [json!({"type": "resident-id-card"}), json!({"type": "household-register"})] {
        let body = json!({"holder_id_number": ZHANG, "valid_from": "2024-06-01", "fields": fields});
        assert_eq!(
            w.post("/v1/staff/certificates", Some(&w.education), body).await.status(),
            StatusCode::FORBIDDEN
        );
    }
    // A reviewer of the right department changes nothing either.
    assert_eq!(
        w.post(&status, Some(&w.reviewer), json!({"action": "revoke"})).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.post(&renew, Some(&w.reviewer), json!({"valid_until": "2044-05-31"})).await.status(),
        StatusCode::FORBIDDEN
    );
    // An unknown certificate is 404 for everyone.
    let unknown = format!("/v1/staff/certificates/{}/status", card.id + 1_000);
    assert_eq!(
        w.post(&unknown, Some(&w.education), json!({"action": "revoke"})).await.status(),
        StatusCode::NOT_FOUND
    );

    // Nothing happened: the card is valid, version 0, and its own department still manages it.
    assert_eq!(w.status_of(card.status_list_id, card.status_index).await, Status::Valid);
    let unchanged: CertificateView = w
        .get(&format!("/v1/staff/certificates/{}", card.id), Some(&w.police))
        .await
        .json()
        .await
        .expect("view");
    assert_eq!((unchanged.version, unchanged.status), (0, CertificateStatusView::Valid));
    assert_eq!(w.post(&status, Some(&w.police), json!({"action": "revoke"})).await.status(), StatusCode::OK);
    w.server.shutdown().await;
}

async fn a_retried_push_is_recorded_once(db: Db) {
    let w = World::new(db).await;
    let (_, device_id, token) = w.enrol(ZHANG).await;
    let body = json!({"items": [
        {"idempotency_key": "9b2f-1", "kind": "feedback", "payload": "{\"rating\":5}"},
        {"idempotency_key": "9b2f-2", "kind": "feedback", "payload": "{\"rating\":4}"}
    ]});
    let first: SyncPushResponse =
        w.post("/v1/sync/push", Some(&token), body.clone()).await.json().await.expect("push");
    let retry: SyncPushResponse =
        w.post("/v1/sync/push", Some(&token), body).await.json().await.expect("retry");
    assert_eq!(first, retry, "the same receipts");
    assert_eq!(first.receipts.len(), 2);
    assert_eq!(w.server.backend.store.count_outbox(device_id).await.expect("count"), 2);
    assert_eq!(w.post("/v1/sync/push", None, json!({"items": []})).await.status(), StatusCode::UNAUTHORIZED);
    w.server.shutdown().await;
}

async fn bad_input_gets_a_clear_4xx(db: Db) {
    let w = World::new(db).await;
    let (_, _, token) = w.enrol(ZHANG).await;
    let raw = |path: &str, body: &'static str| {
        w.http
            .post(w.server.url(path))
            .bearer_auth(&w.police)
            .header("content-type", "application/json")
            .body(body)
    };
    let bad_json = raw("/v1/staff/certificates", "{not json").send().await.expect("post");
    assert_eq!(bad_json.status(), StatusCode::BAD_REQUEST);
    let error: Value = bad_json.json().await.expect("error body");
    assert_eq!(error["error"], "bad_json");
    let wrong_shape = raw("/v1/staff/certificates", "{\"holder\": 1}").send().await.expect("post");
    assert_eq!(error_code(wrong_shape).await, (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidBody));
    let no_type = w.http.post(w.server.url("/v1/staff/login")).body("{}").send().await.expect("post");
    assert_eq!(
        error_code(no_type).await,
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::UnsupportedMediaType)
    );

    // A wrong check digit is refused, and the number is not echoed back.
    let bad_id = format!("{}0", &ZHANG[..17]);
    let body = json!({"holder_id_number": bad_id, "valid_from": "2024-06-01", "fields": {"type": "resident-id-card"}});
    let refused = w.post("/v1/staff/certificates", Some(&w.police), body).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let text = refused.text().await.expect("text");
    assert!(!text.contains(&bad_id));
    assert_eq!(serde_json::from_str::<Value>(&text).expect("error body")["error"], "bad_request");
    let unknown = json!({"holder_id_number": id("11010519800101001"), "valid_from": "2024-06-01", "fields": {"type": "resident-id-card"}});
    assert_eq!(
        error_code(w.post("/v1/staff/certificates", Some(&w.police), unknown).await).await,
        (StatusCode::NOT_FOUND, ErrorCode::UnknownCitizen)
    );
    let backwards = json!({"holder_id_number": ZHANG, "valid_from": "2024-06-01", "valid_until": "2020-01-01", "fields": {"type": "resident-id-card"}});
    assert_eq!(
        w.post("/v1/staff/certificates", Some(&w.police), backwards).await.status(),
        StatusCode::BAD_REQUEST
    );
    let bad_date = json!({"holder_id_number": ZHANG, "valid_from": "2024-13-01", "fields": {"type": "resident-id-card"}});
    assert_eq!(
        w.post("/v1/staff/certificates", Some(&w.police), bad_date).await.status(),
        StatusCode::BAD_REQUEST
    );
    let no_household = json!({"holder_id_number": LIN, "valid_from": "2024-06-01", "fields": {"type": "household-register"}});
    assert_eq!(
        error_code(w.post("/v1/staff/certificates", Some(&w.police), no_household).await).await,
        (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Unprocessable)
    );

    let oversize = "x".repeat(shimin_backend::server::MAX_BODY + 1);
    let body = json!({"items": [{"idempotency_key": "k", "kind": "note", "payload": oversize}]});
    assert_eq!(
        error_code(w.post("/v1/sync/push", Some(&token), body).await).await,
        (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge)
    );
    let not_json_payload = json!({"items": [{"idempotency_key": "k", "kind": "note", "payload": "{"}]});
    assert_eq!(
        error_code(w.post("/v1/sync/push", Some(&token), not_json_payload).await).await,
        (StatusCode::BAD_REQUEST, ErrorCode::BadRequest)
    );
    assert_eq!(w.get("/v1/sync/pull?cursor=%%%", Some(&token)).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(w.get("/v1/sync/pull?cursor=djE6LTE", Some(&token)).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(w.get("/v1/staff/certificates/abc", Some(&w.police)).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        error_code(w.get("/v1/status-lists/999", None).await).await,
        (StatusCode::NOT_FOUND, ErrorCode::NotFound)
    );
    let bad_key = json!({"id_number": ZHANG, "enrolment_code": "X", "public_key_b64": b64(&[4, 1, 2, 3])});
    assert_eq!(w.post("/v1/devices", None, bad_key).await.status(), StatusCode::BAD_REQUEST);
    let bad_login = w
        .post("/v1/staff/login", None, json!({"login": "police-issuer", "password": "wrong-password"}))
        .await;
    assert_eq!(error_code(bad_login).await, (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized));
    w.server.shutdown().await;
}

async fn logins_are_rate_limited(db: Db) {
    let w = World::with(db, Limits { auth_burst: 4, auth_per_minute: 1, ..Limits::default() }).await;
    // `World::with` spent three tokens on its logins; one is left.
    let wrong = json!({"login": "police-issuer", "password": "wrong-password"});
    assert_eq!(w.post("/v1/staff/login", None, wrong.clone()).await.status(), StatusCode::UNAUTHORIZED);
    let limited = w.post("/v1/staff/login", None, wrong).await;
    assert_eq!(error_code(limited).await, (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyRequests));
    // Issue 15, finding 14: each route class has a budget of its own (was: one shared budget).
    let enrolment = w
        .post("/v1/devices", None, json!({"id_number": ZHANG, "enrolment_code": "x", "public_key_b64": "x"}))
        .await;
    assert_ne!(enrolment.status(), StatusCode::TOO_MANY_REQUESTS, "enrolment has its own budget");
    w.server.shutdown().await;
}
