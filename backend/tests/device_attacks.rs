//! Attacks on enrolment and devices, played against the real server on a loopback port and a
//! real database (SQLite and PostgreSQL): each test is one attack of the security review
//! (issue 15, findings 2, 3 and 12, and the enrolment codes of "Low"), and asserts it is refused.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

#[macro_use]
mod common;

use std::path::PathBuf;
use std::sync::Arc;

use common::{Db, Phone, Postgres, TestServer, error_code};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use shimin_backend::seed;
use shimin_backend::server::Limits;
use shimin_backend::store::{DeviceRecord, NewEnrolmentCode};
use shimin_core::cert::IssuedCertificate;
use shimin_core::cose::Sign1;
use shimin_core::crypto::{SigningPurpose, VerifyingKey, sha256};
use shimin_core::trust::TrustList;
use shimin_core::wallet::devices::remove_device_payload;
use shimin_wire::backend::{ChallengeResponse, DeviceListResponse, EnrolmentCodeResponse, SyncPullResponse};
use shimin_wire::error::ErrorCode;

/// 张伟 of the demo data.
const ZHANG: &str = "420106199003071238";

on_both_databases!(
    only_identity_issuers_can_mint_enrolment_codes,
    a_new_code_withdraws_the_outstanding_one,
    a_leaked_code_table_does_not_give_the_codes,
    an_issuance_that_fails_midway_leaves_nothing,
    a_new_device_gets_the_certificate_as_issued_whatever_the_registry_says_now,
    a_new_enrolment_is_announced_to_every_other_device,
    a_stolen_token_cannot_remove_the_owners_device,
    device_ids_can_be_neither_guessed_nor_probed,
);

/// The raw database under the server, as an attacker who stole it (or its backup) reads it.
enum Raw {
    Sqlite(PathBuf),
    Postgres(String),
}

struct World {
    server: TestServer,
    http: Client,
    raw: Raw,
    _dir: Option<tempfile::TempDir>,
    _postgres: Option<Arc<Postgres>>,
}

impl World {
    async fn new(db: Db) -> Self {
        let (url, raw, dir, postgres) = match db {
            Db::Sqlite => {
                let dir = common::temp_dir("attacks");
                let file = dir.path().join("backend.db");
                (format!("sqlite://{}", file.display()), Raw::Sqlite(file), Some(dir), None)
            }
            Db::Postgres => {
                let postgres = Arc::new(Postgres::start());
                let url = postgres.create_database().await;
                (url.clone(), Raw::Postgres(url), None, Some(postgres))
            }
        };
        let store =
            url.parse::<shimin_backend::store::DatabaseUrl>().expect("url").open().await.expect("open");
        let server = TestServer::start(store, Limits::default()).await;
        seed::seed(&server.backend, 5, shimin_backend::now()).await.expect("seed");
        Self { server, http: Client::new(), raw, _dir: dir, _postgres: postgres }
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

    async fn code(&self, staff_token: &str, holder: &str) -> reqwest::Response {
        self.post("/v1/staff/enrolment-codes", Some(staff_token), json!({"holder_id_number": holder})).await
    }

    async fn register(&self, holder: &str, code: &str) -> reqwest::Response {
        let phone = Phone::new();
        self.post(
            "/v1/devices",
            None,
            json!({"id_number": holder, "enrolment_code": code, "public_key_b64": phone.public_key_b64(), "label": "phone"}),
        )
        .await
    }

    async fn staff_id(&self, login: &str) -> i64 {
        self.server.backend.store.staff_by_login(login).await.expect("store").expect("seeded staff").id
    }

    /// Every stored enrolment-code hash, read from the database itself.
    async fn stored_code_hashes(&self) -> Vec<Vec<u8>> {
        match &self.raw {
            Raw::Sqlite(file) => {
                let conn = rusqlite::Connection::open(file).expect("open the stolen file");
                let mut stmt = conn.prepare("SELECT hash FROM enrolment_code").expect("prepare");
                stmt.query_map([], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("rows")
            }
            Raw::Postgres(url) => {
                let (client, connection) =
                    tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect");
                let connection = tokio::spawn(connection);
                let rows = client.query("SELECT hash FROM enrolment_code", &[]).await.expect("query");
                drop(client);
                let _ = connection.await;
                rows.iter().map(|r| r.get(0)).collect()
            }
        }
    }
}

/// Finding 2: issuer staff of a department that does not issue identity documents (education,
/// civil affairs) and reviewers cannot mint a code that would put a citizen's certificates on
/// a device of their choosing; the police issuer can, and who did is recorded.
async fn only_identity_issuers_can_mint_enrolment_codes(db: Db) {
    let w = World::new(db).await;
    for (login, password) in [
        ("edu-issuer", "demo-degree-2024"),
        ("civil-issuer", "demo-civil-2024"),
        ("market-issuer", "demo-market-2024"),
        ("police-reviewer", "demo-review-2024"),
    ] {
        let token = w.login(login, password).await;
        let response = w.code(&token, ZHANG).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{login} must not mint an enrolment code");
    }
    let before = w.server.backend.store.enrolment_codes(ZHANG).await.expect("audit").len();

    let police = w.login("police-issuer", "demo-police-2024").await;
    let response = w.code(&police, ZHANG).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let code: EnrolmentCodeResponse = response.json().await.expect("code");
    let audit = w.server.backend.store.enrolment_codes(ZHANG).await.expect("audit");
    assert_eq!(audit.len(), before + 1, "only the police issuer's code was stored");
    let last = audit.last().expect("the new code");
    assert_eq!(last.issued_by, Some(w.staff_id("police-issuer").await), "who issued it is recorded");
    assert!(last.issued_at.is_some());
    assert_eq!(w.register(ZHANG, &code.code).await.status(), StatusCode::CREATED);
}

/// "Low": a citizen has at most one outstanding code; a code mislaid earlier (a letter in the
/// wrong hands) stops working once a new one is issued.
async fn a_new_code_withdraws_the_outstanding_one(db: Db) {
    let w = World::new(db).await;
    let police = w.login("police-issuer", "demo-police-2024").await;
    let first: EnrolmentCodeResponse = w.code(&police, ZHANG).await.json().await.expect("first");
    let second: EnrolmentCodeResponse = w.code(&police, ZHANG).await.json().await.expect("second");
    assert_eq!(
        error_code(w.register(ZHANG, &first.code).await).await,
        (StatusCode::UNAUTHORIZED, ErrorCode::BadEnrolmentCode),
        "the earlier code is withdrawn"
    );
    assert_eq!(w.register(ZHANG, &second.code).await.status(), StatusCode::CREATED);
}

/// "Low": the codes are stored by a keyed hash, so a stolen table cannot be searched for the
/// codes by hashing the ~10^15 candidates.
async fn a_leaked_code_table_does_not_give_the_codes(db: Db) {
    let w = World::new(db).await;
    let police = w.login("police-issuer", "demo-police-2024").await;
    let code: EnrolmentCodeResponse = w.code(&police, ZHANG).await.json().await.expect("code");
    let unkeyed = sha256(code.code.as_bytes()).to_vec();
    let hashes = w.stored_code_hashes().await;
    assert!(!hashes.is_empty());
    assert!(!hashes.contains(&unkeyed), "the stored hash must not be the code's plain SHA-256");
}

impl World {
    /// Issues a resident ID card by the police to `holder`; the raw answer.
    async fn issue_id_card(&self, police: &str, holder: &str) -> reqwest::Response {
        let body = json!({
            "holder_id_number": holder,
            "valid_from": "2024-06-01",
            "valid_until": "2034-05-31",
            "fields": {"type": "resident-id-card"}
        });
        self.post("/v1/staff/certificates", Some(police), body).await
    }

    async fn pull(&self, token: &str) -> SyncPullResponse {
        let response =
            self.http.get(self.server.url("/v1/sync/pull")).bearer_auth(token).send().await.expect("pull");
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("pull json")
    }

    /// Verifies the COSE signature of a holder copy with the key the trust list names for it.
    async fn check_signature(&self, copy: &IssuedCertificate) {
        let root = self.http.get(self.server.url("/v1/root-key")).send().await.expect("root");
        let root = VerifyingKey::p256_from_sec1(&root.bytes().await.expect("root")).expect("root key");
        let list = self.http.get(self.server.url("/v1/trust-list")).send().await.expect("trust list");
        let trust = TrustList::verify(&list.bytes().await.expect("bytes"), &root, shimin_backend::now())
            .expect("trust list");
        let message = Sign1::decode(&copy.signed).expect("cose");
        let key = trust.entry(message.key_id().expect("kid")).expect("a listed key").public_key().clone();
        message.verify_for(SigningPurpose::Certificate, |_| Some(key)).expect("signed by the department");
    }
}

/// Finding 12: a failure after the certificate row is written (here one of the citizen's
/// devices has a key nothing can be bound to) leaves no certificate behind with copies missing.
async fn an_issuance_that_fails_midway_leaves_nothing(db: Db) {
    let w = World::new(db).await;
    let store = &w.server.backend.store;
    let police = w.login("police-issuer", "demo-police-2024").await;
    let (_phone, _, token) = w.server.enrol_by_code(&w.http, &police, ZHANG).await;
    // A second device whose stored key is not a P-256 point: signing its copy fails.
    let now = shimin_backend::now();
    store
        .insert_enrolment_code(NewEnrolmentCode {
            hash: vec![0xee; 32],
            citizen_id_number: ZHANG.into(),
            issued_by: w.staff_id("police-issuer").await,
            issued_at: now,
            expires_at: now + 600,
        })
        .await
        .expect("code");
    let broken = DeviceRecord {
        id: 0,
        citizen_id_number: ZHANG.into(),
        public_key: vec![0; 3],
        label: "broken".into(),
        created_at: now,
        removed_at: None,
    };
    store.enrol_device(vec![0xee; 32], broken, now).await.expect("enrol").expect("enrolled");
    let before = store.certificates_of(ZHANG).await.expect("certificates").len();

    let response = w.issue_id_card(&police, ZHANG).await;
    assert!(response.status().is_server_error(), "issuance fails: {}", response.status());
    assert_eq!(
        store.certificates_of(ZHANG).await.expect("certificates").len(),
        before,
        "no certificate is left without its copies"
    );
    let pulled = w.pull(&token).await;
    assert!(
        pulled.certificates.is_empty() && pulled.notifications.iter().all(|n| !n.message.contains("签发"))
    );
}

/// Finding 12: a device enrolled after the registry changed (the department may no longer
/// issue the type) still gets the certificate as it was issued, and the enrolment code is not
/// spent on a failure.
async fn a_new_device_gets_the_certificate_as_issued_whatever_the_registry_says_now(db: Db) {
    let w = World::new(db).await;
    let police = w.login("police-issuer", "demo-police-2024").await;
    let (_, _, first_token) = w.server.enrol_by_code(&w.http, &police, ZHANG).await;
    assert_eq!(w.issue_id_card(&police, ZHANG).await.status(), StatusCode::CREATED);
    let first = w.pull(&first_token).await;
    assert_eq!(first.certificates.len(), 1);

    // Today's registry: the department no longer issues ID cards (it still keeps household
    // registers, so its issuer can give enrolment codes).
    w.server
        .backend
        .put_department(
            seed::POLICE_CODE,
            "北京市公安局西城分局",
            &["household-register"],
            shimin_backend::now(),
        )
        .await
        .expect("department changed");

    let code: EnrolmentCodeResponse = w.code(&police, ZHANG).await.json().await.expect("code");
    let phone = Phone::new();
    let response = w
        .post(
            "/v1/devices",
            None,
            json!({"id_number": ZHANG, "enrolment_code": code.code, "public_key_b64": phone.public_key_b64(), "label": "tablet"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "the new device is enrolled");
    let device_id = response.json::<Value>().await.expect("json")["device_id"].as_i64().expect("device_id");
    let token = w.server.device_token(&w.http, &phone, device_id).await;
    let second = w.pull(&token).await;
    assert_eq!(second.certificates.len(), 1, "the new device has the certificate");

    let decode = |b64: &str| IssuedCertificate::from_holder_copy(&common::unb64(b64)).expect("holder copy");
    let a = decode(&first.certificates[0].holder_copy_b64);
    let b = decode(&second.certificates[0].holder_copy_b64);
    assert_eq!(a.disclosures, b.disclosures, "the same attributes, salts and all, as issued");
    w.check_signature(&b).await;
}

impl World {
    /// A step-up of `phone` (device `device_id`) for removing `target`: a fresh challenge
    /// signed over the removal payload.
    async fn step_up(&self, phone: &Phone, device_id: i64, target: i64) -> Value {
        let challenge: ChallengeResponse = self
            .post(&format!("/v1/devices/{device_id}/challenge"), None, json!({}))
            .await
            .json()
            .await
            .expect("challenge");
        let nonce = common::unb64(&challenge.challenge_b64);
        let signature = phone.sign(&remove_device_payload(target, &nonce));
        json!({"challenge_b64": challenge.challenge_b64, "signature_b64": common::b64(&signature)})
    }

    async fn remove(&self, token: &str, target: i64, body: Option<Value>) -> reqwest::Response {
        let mut request =
            self.http.delete(self.server.url(&format!("/v1/sync/devices/{target}"))).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("delete")
    }
}

/// Finding 3: a device enrolled by someone else (a code obtained by fraud) does not go
/// unnoticed: every device of the citizen hears of it, and "my devices" lists it.
async fn a_new_enrolment_is_announced_to_every_other_device(db: Db) {
    let w = World::new(db).await;
    let police = w.login("police-issuer", "demo-police-2024").await;
    let (_, owner_id, owner) = w.server.enrol_by_code(&w.http, &police, ZHANG).await;
    let cursor = w.pull(&owner).await.cursor;
    let (_, intruder_id, _) = w.server.enrol_by_code(&w.http, &police, ZHANG).await;

    let response = w
        .http
        .get(w.server.url(&format!("/v1/sync/pull?cursor={cursor}")))
        .bearer_auth(&owner)
        .send()
        .await
        .expect("pull");
    let pulled: SyncPullResponse = response.json().await.expect("pull json");
    assert!(
        pulled
            .notifications
            .iter()
            .any(|n| n.message.starts_with(shimin_backend::service::devices::NEW_DEVICE_NOTICE)),
        "the owner's device is told of the new device"
    );
    let response =
        w.http.get(w.server.url("/v1/sync/devices")).bearer_auth(&owner).send().await.expect("list");
    assert_eq!(response.status(), StatusCode::OK);
    let list: DeviceListResponse = response.json().await.expect("list json");
    let mut ids: Vec<(i64, bool)> = list.devices.iter().map(|d| (d.device_id, d.this_device)).collect();
    ids.sort_unstable();
    let mut expected = [(owner_id, true), (intruder_id, false)];
    expected.sort_unstable();
    assert_eq!(ids, expected);
}

/// Finding 3: a device token alone (a stolen or intruding device) cannot remove another
/// device of the citizen; it takes a fresh signature of the calling device over that removal,
/// which the app makes only after the PIN.
async fn a_stolen_token_cannot_remove_the_owners_device(db: Db) {
    let w = World::new(db).await;
    let police = w.login("police-issuer", "demo-police-2024").await;
    let (owner_phone, owner_id, owner) = w.server.enrol_by_code(&w.http, &police, ZHANG).await;
    let (intruder_phone, intruder_id, intruder) = w.server.enrol_by_code(&w.http, &police, ZHANG).await;

    let bare = w.remove(&intruder, owner_id, None).await;
    assert_eq!(bare.status(), StatusCode::FORBIDDEN, "no removal on a bearer token alone");
    // A signature by another key, and one made for removing another device, are refused.
    let forged = w.step_up(&Phone::new(), intruder_id, owner_id).await;
    assert_eq!(w.remove(&intruder, owner_id, Some(forged)).await.status(), StatusCode::UNAUTHORIZED);
    let other_target = w.step_up(&intruder_phone, intruder_id, intruder_id + 1).await;
    assert_eq!(w.remove(&intruder, owner_id, Some(other_target)).await.status(), StatusCode::UNAUTHORIZED);
    // The owner's device is still there.
    assert_eq!(w.pull(&owner).await.certificates.len(), 0);

    // A step-up's challenge is spent by a failed attempt too.
    let step_up = w.step_up(&owner_phone, owner_id, intruder_id).await;
    let mut tampered = step_up.clone();
    tampered["signature_b64"] = json!(common::b64(&owner_phone.sign(b"something else")));
    assert_eq!(w.remove(&owner, intruder_id, Some(tampered)).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(w.remove(&owner, intruder_id, Some(step_up)).await.status(), StatusCode::UNAUTHORIZED);

    // The owner, with a fresh step-up, removes the intruding device.
    let step_up = w.step_up(&owner_phone, owner_id, intruder_id).await;
    assert_eq!(w.remove(&owner, intruder_id, Some(step_up)).await.status(), StatusCode::NO_CONTENT);
    let gone = w.http.get(w.server.url("/v1/sync/pull")).bearer_auth(&intruder).send().await.expect("pull");
    assert_eq!(gone.status(), StatusCode::UNAUTHORIZED);
}

/// Finding 3: device ids are random, and the unauthenticated device routes answer an unknown
/// id exactly as they answer a known one, so ids cannot be counted or probed.
async fn device_ids_can_be_neither_guessed_nor_probed(db: Db) {
    let w = World::new(db).await;
    let police = w.login("police-issuer", "demo-police-2024").await;
    let (_, a, _) = w.server.enrol_by_code(&w.http, &police, ZHANG).await;
    let (_, b, _) = w.server.enrol_by_code(&w.http, &police, ZHANG).await;
    assert!(a >= 1 << 52 && b >= 1 << 52 && (a - b).abs() > 1_000, "ids are random: {a}, {b}");

    for id in [a, a ^ 1, 1, 999_999] {
        let response = w.post(&format!("/v1/devices/{id}/challenge"), None, json!({})).await;
        assert_eq!(response.status(), StatusCode::OK, "a challenge for any id");
        let challenge: ChallengeResponse = response.json().await.expect("challenge");
        let signature = Phone::new().sign(&common::unb64(&challenge.challenge_b64));
        let token = w
            .post(
                &format!("/v1/devices/{id}/token"),
                None,
                json!({"challenge_b64": challenge.challenge_b64, "signature_b64": common::b64(&signature)}),
            )
            .await;
        assert_eq!(token.status(), StatusCode::UNAUTHORIZED, "one answer for a wrong key and an unknown id");
    }
}
