//! Attack test of issue 15, finding 10 (backend side): a thief holds a copy of an issuer's
//! private key and signs certificates with it, their `iat` back-dated to before the key was
//! retired — which a retired key's old certificates are allowed. Once staff mark the key
//! compromised, the backend's next trust list (fetched over HTTP, checked against the root
//! as the verifier does) distrusts the key outright, and the backend never signs with it
//! again. Real server on a loopback port, real SQLite and PostgreSQL, the real verifier.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

#[macro_use]
mod common;

use common::{Db, TestServer};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use shimin_backend::seed::{self, POLICE_CODE};
use shimin_backend::server::Limits;
use shimin_backend::service::ServiceError;
use shimin_core::cert::{CertificateIssuer, CreditCode, IssuedCertificate};
use shimin_core::crypto::SigningKey;
use shimin_core::present::{Presentation, Preset};
use shimin_core::status_list::VerifiedStatusList;
use shimin_core::trust::{CachedCopy, TrustList, VerifiedTrustList};
use shimin_core::verifier::{Outcome, Reason, Verdict, Verifier, VerifierPolicy};

/// 张伟 of the demo data.
const ZHANG: &str = "420106199003071238";

on_both_databases!(
    a_compromised_key_signs_nothing_that_verifies_whatever_its_iat,
    only_the_trust_administrator_marks_a_key_compromised_over_http,
);

/// `make run`'s path: `seed` and `compromise-key` of the real binary on one database and key
/// file, as an operator would run them.
#[tokio::test]
async fn the_operator_marks_a_key_compromised_from_the_command_line() {
    let dir = common::temp_dir("cli");
    let database = format!("sqlite://{}", dir.path().join("demo.db").display());
    let keys = dir.path().join("demo.keys");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_shimin-backend"))
            .args(args)
            .args(["--database", &database, "--key-file", keys.to_str().expect("path")])
            .output()
            .expect("run shimin-backend");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["seed", "--citizens", "5"]);
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&keys).expect("the seed made the key file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let open = || async {
        let store =
            database.parse::<shimin_backend::store::DatabaseUrl>().expect("url").open().await.expect("open");
        let config = shimin_backend::service::Config { key_file: Some(keys.clone()), ..Default::default() };
        shimin_backend::service::Backend::new(store, config).await.expect("backend")
    };
    let (key_id, _) = open().await.current_key(POLICE_CODE).await.expect("police key");
    let out = run(&["compromise-key", "--key-id", &key_id]);
    assert!(out.contains("marked compromised"), "{out}");
    let backend = open().await;
    let record = backend.store.issuer_keys().await.expect("keys").into_iter().find(|k| k.key_id == key_id);
    assert!(record.expect("still listed").compromised_at.is_some());
    assert_ne!(backend.current_key(POLICE_CODE).await.expect("a new key").0, key_id);
    assert!(!std::fs::read_to_string(&keys).expect("key file").contains(&key_id), "its private half is gone");
    run(&["seed", "--citizens", "5"]);
}

/// What a verifier holds after fetching the backend's lists over HTTP: the trust list checked
/// against the national root, and the status lists whose signer that trust list trusts.
async fn verify(server: &TestServer, text: &str, now: i64) -> Verdict {
    let http = Client::new();
    let bytes =
        http.get(server.url("/v1/trust-list")).send().await.expect("get").bytes().await.expect("body");
    let root = server.backend.root().verifying_key();
    let trust: CachedCopy<VerifiedTrustList> = CachedCopy::new(
        TrustList::verify(&bytes, &root, now).expect("the backend's trust list verifies"),
        now,
    );
    let mut statuses = Vec::new();
    for id in server.backend.store.status_list_ids(POLICE_CODE).await.expect("ids") {
        let bytes = http
            .get(server.url(&format!("/v1/status-lists/{id}")))
            .send()
            .await
            .expect("get")
            .bytes()
            .await
            .expect("body");
        if let Some(key) = trust.list().status_list_key(&bytes) {
            let list = VerifiedStatusList::verify_ignoring_expiry(&bytes, key).expect("status list");
            statuses.push(CachedCopy::new(list, now));
        }
    }
    Verifier::new(&trust, &statuses, VerifierPolicy::default()).verify_text(text, now)
}

/// The thief's copy of the police department's current key, and what they make with it: the
/// data of 张伟's police certificate (issued at `issued_at`), signed with the stolen key to a
/// device of their own, keeping its `iat` — any date before the key's retirement — and presented.
/// Returns the key's id and the presentation's text.
async fn stolen_police_key(server: &TestServer) -> (String, impl Fn() -> String) {
    let record = server
        .backend
        .store
        .certificates_of(ZHANG)
        .await
        .expect("certificates")
        .into_iter()
        .find(|c| c.department_code == POLICE_CODE)
        .expect("a police certificate");
    let template =
        server.backend.store.certificate_template(record.id).await.expect("read").expect("template");
    let template = IssuedCertificate::from_holder_copy(&template).expect("holder copy");
    let (key_id, stolen) = server.backend.current_key(POLICE_CODE).await.expect("current key");
    let thief_device = SigningKey::generate_p256().expect("device key");
    let kid = key_id.clone();
    let forge = move || {
        let code = CreditCode::parse(POLICE_CODE).expect("code");
        let forged = CertificateIssuer::new(&stolen, kid.as_bytes().to_vec(), code)
            .rebind(&template, &thief_device.verifying_key())
            .expect("forge");
        Presentation::new(&forged)
            .expect("certificate")
            .disclose(&Preset::Identity)
            .expect("preset")
            .sign(&thief_device, shimin_backend::now())
            .expect("present")
            .text()
            .to_owned()
    };
    (key_id, forge)
}

async fn a_compromised_key_signs_nothing_that_verifies_whatever_its_iat(db: Db) {
    let server = TestServer::on(db, Limits::default()).await;
    let issued_at = shimin_backend::now() - 3_600;
    seed::seed(&server.backend, 5, issued_at).await.expect("seed");
    seed::demo_certificates(&server.backend, issued_at).await.expect("issue");
    let (key_id, forge) = stolen_police_key(&server).await;

    // Retiring the key (a rotation, all there was before) leaves the forgery trusted: its
    // `iat` is before the retirement.
    let now = shimin_backend::now();
    server.backend.rotate_key(POLICE_CODE, now).await.expect("rotate");
    let verdict = verify(&server, &forge(), now).await;
    assert_eq!(verdict.outcome, Outcome::Valid, "a retired key's back-dated forgery passes: {verdict:?}");

    // Marked compromised (found an hour and a half ago): the next trust list distrusts it.
    server.backend.mark_key_compromised(&key_id, issued_at - 1_800, now).await.expect("mark");
    let verdict = verify(&server, &forge(), now).await;
    assert_eq!(verdict.outcome, Outcome::Invalid, "{verdict:?}");
    assert!(verdict.reasons.contains(&Reason::IssuerKeyCompromised), "{verdict:?}");

    // The backend never signs with it again: it is not the department's key, it is gone from
    // the key file, and a second marking is refused.
    let (current, _) = server.backend.current_key(POLICE_CODE).await.expect("a key signs on");
    assert_ne!(current, key_id);
    assert!(matches!(
        server.backend.mark_key_compromised(&key_id, now, now).await,
        Err(ServiceError::Conflict(_))
    ));
    assert!(matches!(
        server.backend.mark_key_compromised(&key_id, now + 60, now).await,
        Err(ServiceError::BadInput(_))
    ));

    // The key signing now found compromised: a new one is rotated in at once, and the status
    // lists the verifier fetches next are signed by it (a list by the compromised key would
    // say nothing).
    let replacement = server.backend.mark_key_compromised(&current, now, now).await.expect("mark current");
    assert_ne!(replacement, current);
    let trust = server.backend.trust_list(now).await.expect("trust list");
    let trust = TrustList::verify(&trust.bytes, &server.backend.root().verifying_key(), now).expect("verify");
    for id in server.backend.store.status_list_ids(POLICE_CODE).await.expect("ids") {
        let list = server.backend.status_list(id, now).await.expect("status list");
        assert!(trust.status_list_key(&list.bytes).is_some(), "status list {id} is signed by a trusted key");
    }
    let verdict = verify(&server, &forge(), now).await;
    assert_eq!(verdict.outcome, Outcome::Invalid, "{verdict:?}");
}

/// The staff route (`POST /v1/staff/issuer-keys/{key_id}/compromise`): staff of a department —
/// the key's own issuer, its reviewer, another department's issuer — cannot mark a key
/// compromised (a thief holding an issuer's password would otherwise be able to switch off a
/// department's keys, or pick which of them verifiers stop trusting); without a token it is 401;
/// the trust-list administrator can, and the verifier reading the next trust list over HTTP
/// then refuses what the key signed after the compromise was found.
async fn only_the_trust_administrator_marks_a_key_compromised_over_http(db: Db) {
    let server = TestServer::on(db, Limits::default()).await;
    let issued_at = shimin_backend::now() - 3_600;
    seed::seed(&server.backend, 5, issued_at).await.expect("seed");
    seed::demo_certificates(&server.backend, issued_at).await.expect("issue");
    let (key_id, forge) = stolen_police_key(&server).await;
    let http = Client::new();
    let route = server.url(&format!("/v1/staff/issuer-keys/{key_id}/compromise"));
    // Found half an hour before the certificate's data was signed again by the thief (their
    // presentation signs "now"; the certificate's `iat` is an hour ago).
    let found = issued_at - 1_800;
    let body = json!({ "compromised_at": found });
    let mark = |token: Option<String>| {
        let request = http.post(&route).json(&body);
        let request = match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        async move { request.send().await.expect("post") }
    };
    let now = shimin_backend::now();
    assert_eq!(verify(&server, &forge(), now).await.outcome, Outcome::Valid, "before: the key is trusted");

    assert_eq!(mark(None).await.status(), StatusCode::UNAUTHORIZED);
    for (login, password) in [
        ("police-issuer", "demo-police-2024"),
        ("police-reviewer", "demo-review-2024"),
        ("edu-issuer", "demo-degree-2024"),
        ("market-issuer", "demo-market-2024"),
    ] {
        let token = server.staff_login(&http, login, password).await;
        let (status, code) = common::error_code(mark(Some(token)).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{login} must not mark a key compromised");
        assert_eq!(code, shimin_wire::error::ErrorCode::Forbidden);
    }
    let keys = server.backend.store.issuer_keys().await.expect("keys");
    let record = keys.iter().find(|k| k.key_id == key_id).expect("the key");
    assert!(record.compromised_at.is_none() && record.retired_at.is_none(), "refused marks change nothing");
    assert_eq!(server.backend.current_key(POLICE_CODE).await.expect("key").0, key_id);
    assert_eq!(verify(&server, &forge(), now).await.outcome, Outcome::Valid, "still trusted");

    // The administrator of the trust list: the mark is taken, the department signs with a new
    // key, and the next trust list distrusts the stolen one outright.
    let admin = server.staff_login(&http, "trust-admin", "demo-trust-2024").await;
    let response = mark(Some(admin.clone())).await;
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = response.json().await.expect("json");
    assert_eq!(answer["department_code"], POLICE_CODE);
    let current = server.backend.current_key(POLICE_CODE).await.expect("a key signs on").0;
    assert_ne!(current, key_id);
    assert_eq!(answer["key_id"], current.as_str(), "the answer names the key signing now");
    let record = server.backend.store.issuer_keys().await.expect("keys");
    let record = record.iter().find(|k| k.key_id == key_id).expect("the key stays listed");
    assert_eq!(record.compromised_at, Some(found));
    let verdict = verify(&server, &forge(), shimin_backend::now()).await;
    assert_eq!(verdict.outcome, Outcome::Invalid, "{verdict:?}");
    assert!(verdict.reasons.contains(&Reason::IssuerKeyCompromised), "{verdict:?}");

    // Marked once: again is 409; an unknown key is 404; a compromise found in the future is 400.
    assert_eq!(mark(Some(admin.clone())).await.status(), StatusCode::CONFLICT);
    let unknown = http
        .post(server.url("/v1/staff/issuer-keys/no-such-key/compromise"))
        .bearer_auth(&admin)
        .json(&json!({}))
        .send()
        .await
        .expect("post");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let future = http
        .post(server.url(&format!("/v1/staff/issuer-keys/{current}/compromise")))
        .bearer_auth(&admin)
        .json(&json!({ "compromised_at": shimin_backend::now() + 3_600 }))
        .send()
        .await
        .expect("post");
    assert_eq!(future.status(), StatusCode::BAD_REQUEST);

    // The administrator keeps the trust list and nothing else: no issuing, no enrolment codes.
    let issue = http
        .post(server.url("/v1/staff/certificates"))
        .bearer_auth(&admin)
        .json(&json!({"holder_id_number": ZHANG, "valid_from": "2024-06-01", "fields": {"type": "resident-id-card"}}))
        .send()
        .await
        .expect("post");
    assert_eq!(issue.status(), StatusCode::FORBIDDEN);
    let code = http
        .post(server.url("/v1/staff/enrolment-codes"))
        .bearer_auth(&admin)
        .json(&json!({"holder_id_number": ZHANG}))
        .send()
        .await
        .expect("post");
    assert_eq!(code.status(), StatusCode::FORBIDDEN);
}
