//! Attack tests of issue 15, finding 14: guessing staff passwords and hammering the
//! unauthenticated routes. An attacker may spread guesses over many addresses (the whole of
//! 127.0.0.0/8 stands in for them here: each test client binds its own source address), spend
//! one route's budget to block another, or hold the server busy with bodies sent slowly; and one
//! who steals the staff table wants cheap hashes. Real server on a loopback port, real SQLite
//! and PostgreSQL.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

#[macro_use]
mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use common::{Db, TestServer, error_code};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use shimin_backend::seed;
use shimin_backend::server::Limits;
use shimin_wire::error::ErrorCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

on_both_databases!(a_staff_account_is_locked_after_repeated_failed_logins);

/// A server whose sensitive routes allow bursts of `burst` and one request a minute after.
async fn server(db: Db, burst: u32) -> TestServer {
    let server =
        TestServer::on(db, Limits { auth_burst: burst, auth_per_minute: 1, ..Limits::default() }).await;
    seed::seed(&server.backend, 5, shimin_backend::now()).await.expect("seed");
    server
}

/// A client whose requests come from 127.0.0.`n`.
fn from(n: u8) -> Client {
    Client::builder().local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, n))).build().expect("client")
}

async fn post(client: &Client, server: &TestServer, path: &str, body: Value) -> reqwest::Response {
    client.post(server.url(path)).json(&body).send().await.expect("post")
}

fn wrong_password(login: &str) -> Value {
    json!({"login": login, "password": "not-the-password"})
}

#[tokio::test]
async fn each_route_class_has_its_own_budget() {
    let server = server(Db::Sqlite, 2).await;
    let attacker = from(2);
    for _ in 0..2 {
        let guess = post(&attacker, &server, "/v1/staff/login", wrong_password("police-issuer")).await;
        assert_eq!(guess.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = post(&attacker, &server, "/v1/staff/login", wrong_password("police-issuer")).await;
    assert_eq!(error_code(limited).await, (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyRequests));
    // Spending the login budget does not block the same address's device sign-in or enrolment.
    let challenge = attacker.post(server.url("/v1/devices/1/challenge")).send().await.expect("challenge");
    assert_ne!(challenge.status(), StatusCode::TOO_MANY_REQUESTS, "device sign-in has its own budget");
    let enrol = post(
        &attacker,
        &server,
        "/v1/devices",
        json!({"id_number": "420106199003071238", "enrolment_code": "x", "public_key_b64": "x"}),
    )
    .await;
    assert_ne!(enrol.status(), StatusCode::TOO_MANY_REQUESTS, "enrolment has its own budget");
    server.shutdown().await;
}

#[tokio::test]
async fn a_limited_request_is_refused_before_its_body_is_read() {
    let server = server(Db::Sqlite, 1).await;
    let attacker = from(3);
    let guess = post(&attacker, &server, "/v1/staff/login", wrong_password("police-issuer")).await;
    assert_eq!(guess.status(), StatusCode::UNAUTHORIZED);
    // Headers announcing a body that never comes: a limited request is answered at once.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.bind("127.0.0.3:0".parse().expect("addr")).expect("bind");
    let addr = server.base.trim_start_matches("http://").parse().expect("server addr");
    let mut stream = socket.connect(addr).await.expect("connect");
    stream
        .write_all(
            b"POST /v1/staff/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
              Content-Length: 200\r\n\r\n{\"login\":",
        )
        .await
        .expect("write");
    let mut answer = vec![0; 512];
    let read = tokio::time::timeout(Duration::from_secs(3), stream.read(&mut answer))
        .await
        .expect("answered without waiting for the body")
        .expect("read");
    let head = String::from_utf8_lossy(&answer[..read]);
    assert!(head.starts_with("HTTP/1.1 429"), "refused before the body: {head}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_device_is_limited_whatever_address_asks_for_it() {
    let server = server(Db::Sqlite, 3).await;
    let mut answers = Vec::new();
    // One request from each of six addresses, all for device 1.
    for n in 10..16 {
        let response = from(n).post(server.url("/v1/devices/1/challenge")).send().await.expect("challenge");
        answers.push(response.status());
    }
    assert_eq!(answers[..3].iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count(), 0);
    assert!(
        answers[3..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "the device's own budget is spent: {answers:?}"
    );
    // Another device is not affected.
    let other = from(16).post(server.url("/v1/devices/2/challenge")).send().await.expect("challenge");
    assert_ne!(other.status(), StatusCode::TOO_MANY_REQUESTS);
    server.shutdown().await;
}

async fn a_staff_account_is_locked_after_repeated_failed_logins(db: Db) {
    let server = server(db, 20).await;
    // Five guesses, each from another address: no address is limited, the account is.
    for n in 20..25 {
        let guess = post(&from(n), &server, "/v1/staff/login", wrong_password("police-issuer")).await;
        assert_eq!(guess.status(), StatusCode::UNAUTHORIZED);
    }
    let right = json!({"login": "police-issuer", "password": "demo-police-2024"});
    let locked = post(&from(30), &server, "/v1/staff/login", right).await;
    assert_eq!(
        error_code(locked).await,
        (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
        "even the right password is refused while the account is locked, with the same answer"
    );
    // Another account is not locked.
    let other = json!({"login": "police-reviewer", "password": "demo-review-2024"});
    assert_eq!(post(&from(30), &server, "/v1/staff/login", other).await.status(), StatusCode::OK);
    server.shutdown().await;
}

#[tokio::test]
async fn staff_passwords_are_hashed_with_argon2id_at_the_owasp_figure() {
    let dir = common::temp_dir("hash");
    let url = format!("sqlite://{}", dir.path().join("backend.db").display());
    let store = url.parse::<shimin_backend::store::DatabaseUrl>().expect("url").open().await.expect("open");
    // The production settings, not the tests' cheap ones.
    let backend = shimin_backend::service::Backend::new(store, shimin_backend::service::Config::default())
        .await
        .expect("backend");
    backend.put_department(seed::POLICE_CODE, "北京市公安局西城分局", &[], 0).await.expect("department");
    backend
        .create_staff(
            "officer",
            "a long enough password",
            seed::POLICE_CODE,
            shimin_wire::backend::StaffRole::Issuer,
        )
        .await
        .expect("staff");
    let stored = backend.store.staff_by_login("officer").await.expect("read").expect("stored");
    let hash = String::from_utf8(stored.password_hash).expect("a PHC string");
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "stored as {hash:.32}…");
    let login = backend.staff_login("officer", "a long enough password", 0).await;
    assert!(login.is_ok(), "the right password logs in");
}

/// A paced enrolment check streams several batches a second for as long as it takes: its
/// frames are not held to the enrolment budget (which cut an honest stream off after 20
/// batches with the default limits), while opening checks still is.
#[tokio::test]
async fn a_paced_checks_stream_is_not_cut_off_by_the_enrolment_budget() {
    let server = server(Db::Sqlite, 2).await;
    let phone = from(20);
    for n in 0..12 {
        let batch = phone
            .post(server.url("/v1/enrolment/liveness/1/frames"))
            .header(reqwest::header::CONTENT_TYPE, "application/cose")
            .body(vec![0xd2, 0x84, n])
            .send()
            .await
            .expect("batch");
        assert_ne!(batch.status(), StatusCode::TOO_MANY_REQUESTS, "batch {n} held to the enrolment budget");
    }
    let body = json!({"id_number": "420106199003071238", "public_key_b64": "x", "label": "x"});
    let mut opened = Vec::new();
    for _ in 0..3 {
        opened.push(post(&phone, &server, "/v1/enrolment/liveness", body.clone()).await.status());
    }
    assert_eq!(opened[2], StatusCode::TOO_MANY_REQUESTS, "opening checks keeps its budget: {opened:?}");
    server.shutdown().await;
}
