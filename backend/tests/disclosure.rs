//! Attack tests of issue 15's Low items on disclosure: what an answer reveals beyond what the
//! caller may know. `/healthz` is public and must not count the registry; staff of one
//! department probing another department's certificate ids must get the answer an id that does
//! not exist gets, or the ids (numbered in order) map out every department's issuance. Real
//! server on a loopback port, real SQLite and PostgreSQL.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

#[macro_use]
mod common;

use common::{Db, TestServer, error_code};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use shimin_backend::seed;
use shimin_backend::server::Limits;
use shimin_wire::backend::{CertificateView, StaffLoginResponse};

on_both_databases!(
    healthz_reveals_no_counts,
    another_departments_certificate_answers_like_one_that_does_not_exist,
);

async fn login(server: &TestServer, http: &Client, login: &str, password: &str) -> String {
    let response = http
        .post(server.url("/v1/staff/login"))
        .json(&json!({"login": login, "password": password}))
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<StaffLoginResponse>().await.expect("login json").token
}

async fn healthz_reveals_no_counts(db: Db) {
    let server = TestServer::on(db, Limits::default()).await;
    seed::seed(&server.backend, 5, shimin_backend::now()).await.expect("seed");
    let health: Value =
        Client::new().get(server.url("/healthz")).send().await.expect("get").json().await.expect("json");
    assert_eq!(health, json!({"status": "ok"}), "nothing but whether the server and its database answer");
    server.shutdown().await;
}

async fn another_departments_certificate_answers_like_one_that_does_not_exist(db: Db) {
    let server = TestServer::on(db, Limits::default()).await;
    seed::seed(&server.backend, 5, shimin_backend::now()).await.expect("seed");
    let http = Client::new();
    let police = login(&server, &http, "police-issuer", "demo-police-2024").await;
    let education = login(&server, &http, "edu-issuer", "demo-degree-2024").await;
    let body = json!({"holder_id_number": "420106199003071238", "valid_from": "2024-06-01",
        "valid_until": "2034-05-31", "fields": {"type": "resident-id-card"}});
    let issued =
        http.post(server.url("/v1/staff/certificates")).bearer_auth(&police).json(&body).send().await;
    let card: CertificateView = issued.expect("issue").json().await.expect("view");

    // The education department's issuer probes the police's card and an id nobody has.
    for id in [card.id, card.id + 1_000] {
        let read = http.get(server.url(&format!("/v1/staff/certificates/{id}"))).bearer_auth(&education);
        let status = http
            .post(server.url(&format!("/v1/staff/certificates/{id}/status")))
            .bearer_auth(&education)
            .json(&json!({"action": "revoke"}));
        let renew = http
            .post(server.url(&format!("/v1/staff/certificates/{id}/renew")))
            .bearer_auth(&education)
            .json(&json!({"valid_until": "2044-05-31"}));
        for request in [read, status, renew] {
            let answer = error_code(request.send().await.expect("probe")).await;
            assert_eq!(
                answer,
                (StatusCode::NOT_FOUND, shimin_wire::error::ErrorCode::NotFound),
                "certificate {id} (the police's is {})",
                card.id
            );
        }
    }
    server.shutdown().await;
}
