//! Load benchmark: many devices syncing at once against a registry of a million citizens, over
//! real HTTP on loopback, on SQLite and on PostgreSQL.
//!
//! ```sh
//! cargo bench -p shimin-backend --bench sync_load                      # both databases
//! LOAD_DB=sqlite LOAD_CITIZENS=1000000 LOAD_DEVICES=1000 LOAD_SECONDS=20 \
//!     cargo bench -p shimin-backend --bench sync_load
//! ```
//!
//! Setup (not measured): seed the registry, register `LOAD_DEVICES` devices of different
//! citizens (one issued certificate each), get each a device token over HTTP. Then every device
//! pulls (`GET /v1/sync/pull`, first from the start, then from the cursor it got), all devices at
//! once, until `LOAD_SECONDS` have passed or each made `MAX_REQUESTS_PER_DEVICE` requests:
//!
//! - paced (`LOAD_INTERVAL_MS`, default 1000): each device syncs once per interval, at its own
//!   phase — a thousand phones syncing, the offered load the goal is about;
//! - saturated (`LOAD_INTERVAL_MS=0`): each device pulls again as soon as it has its answer —
//!   the server's ceiling; with a thousand requests always outstanding, latency is queueing.
//!
//! The server runs on its own two-thread runtime; the clients on another. Bounded in time and
//! count, loopback only. `LOAD_SQLITE_READERS` sets the SQLite store's read-only connections
//! (default: one per CPU, at least 2; 0 sends reads to the writer). `LOAD_PG_URL` runs against
//! an empty database of a cluster of one's own instead of a fresh test cluster (the test cluster
//! runs with `fsync=off`, `synchronous_commit=off`, `full_page_writes=off`, like every backend
//! test; pulls only read, so durability settings do not enter their figure).
#![allow(clippy::expect_used, clippy::panic, missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use shimin_backend::seed::{self, generated_citizen};
use shimin_backend::server::{self, Limits};
use shimin_backend::service::{Backend, Config};
use shimin_backend::store::sqlite::SqliteOptions;
use shimin_backend::store::{DatabaseUrl, Store};
use shimin_core::cose;
use shimin_core::crypto::{SigningKey, SigningPurpose};
use shimin_wire::backend::{
    CertificateFields, ChallengeResponse, DeviceTokenRequest, DeviceTokenResponse, IssueCertificateRequest,
    RegisterDeviceRequest, SyncPullResponse,
};

const MAX_REQUESTS_PER_DEVICE: usize = 1_000;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

struct Figures {
    database: &'static str,
    interval_ms: u128,
    citizens: u64,
    devices: usize,
    requests: usize,
    errors: usize,
    seconds: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    seed_seconds: f64,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1_000.0
}

fn run(database: &'static str, url: String) -> Figures {
    let citizens = env_or("LOAD_CITIZENS", 1_000_000);
    let devices = env_or("LOAD_DEVICES", 1_000) as usize;
    let seconds = env_or("LOAD_SECONDS", 20);
    let interval = Duration::from_millis(env_or("LOAD_INTERVAL_MS", 1_000));

    // The server: its own runtime with two worker threads, like `shimin-backend serve` here.
    let server_rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    let listener = server_rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let mut sqlite = SqliteOptions::default();
    sqlite.readers = env_or("LOAD_SQLITE_READERS", sqlite.readers as u64) as usize;
    let store: Arc<dyn Store> =
        server_rt.block_on(url.parse::<DatabaseUrl>().expect("url").open_with(sqlite)).expect("open");
    let config = Config {
        public_url: base.clone(),
        password_cost: shimin_backend::service::password::PasswordCost::CHEAP,
        ..Config::default()
    };
    let backend = server_rt.block_on(Backend::new(store, config)).expect("backend");

    let started = Instant::now();
    let now = shimin_backend::now();
    server_rt.block_on(seed::seed(&backend, u32::try_from(citizens).expect("count"), now)).expect("seed");
    let seed_seconds = started.elapsed().as_secs_f64();

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let limits = Limits { auth_burst: 1_000_000, auth_per_minute: 1_000_000, ..Limits::default() };
    let serving = server_rt.spawn(server::serve(listener, backend.clone(), limits, async {
        let _ = stopped.await;
    }));

    // Devices of generated citizens, each with one certificate, registered in the service.
    let staff = server_rt
        .block_on(backend.store.staff_by_login("police-issuer"))
        .expect("store")
        .expect("the seeded police issuer");
    let mut registered = Vec::with_capacity(devices);
    for n in 0..devices {
        let (id_number, _) = generated_citizen(u32::try_from(n).expect("n")).expect("citizen");
        let key = SigningKey::generate_p256().expect("key");
        let code = server_rt.block_on(backend.enrolment_code(&staff, &id_number, now)).expect("code").code;
        let request = RegisterDeviceRequest {
            id_number: id_number.clone(),
            enrolment_code: code,
            public_key_b64: common::b64(key.verifying_key().as_bytes()),
            label: "load".into(),
        };
        let device_id = server_rt.block_on(backend.register_device(request, now)).expect("register");
        let issue = IssueCertificateRequest {
            holder_id_number: id_number,
            valid_from: "2024-06-01".into(),
            valid_until: Some("2044-05-31".into()),
            fields: CertificateFields::ResidentIdCard,
        };
        server_rt.block_on(backend.issue(&staff, issue, now)).expect("issue");
        registered.push((device_id, key));
    }

    // The clients: tokens over HTTP, then everyone pulls at once.
    let client_rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    let http = reqwest::Client::builder().pool_max_idle_per_host(devices).build().expect("client");
    // Signed in over plain HTTP on loopback with reqwest itself: `shimin_client` refuses `http://`
    // in a release build, and the bench is one.
    let tokens: Vec<String> = client_rt.block_on(async {
        let mut tokens = Vec::with_capacity(devices);
        for (device_id, key) in &registered {
            let challenge: ChallengeResponse = http
                .post(format!("{base}/v1/devices/{device_id}/challenge"))
                .send()
                .await
                .expect("challenge")
                .json()
                .await
                .expect("challenge body");
            let nonce = common::unb64(challenge.challenge_b64.trim_end_matches('='));
            let signature = cose::sign(SigningPurpose::DeviceBinding, &nonce, b"device", key).expect("sign");
            let body = DeviceTokenRequest {
                challenge_b64: common::b64(&nonce),
                signature_b64: common::b64(&signature),
            };
            let token: DeviceTokenResponse = http
                .post(format!("{base}/v1/devices/{device_id}/token"))
                .json(&body)
                .send()
                .await
                .expect("token")
                .json()
                .await
                .expect("token body");
            tokens.push(token.token);
        }
        tokens
    });
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let load_started = Instant::now();
    let results: Vec<(Vec<Duration>, usize)> = client_rt.block_on(async {
        let tasks: Vec<_> = tokens
            .into_iter()
            .enumerate()
            .map(|(n, token)| {
                let http = http.clone();
                // Devices spread evenly over the interval.
                let phase = interval.mul_f64(n as f64 / devices as f64);
                let url = format!("{base}/v1/sync/pull");
                tokio::spawn(async move {
                    let mut latencies = Vec::new();
                    let mut errors = 0;
                    let mut cursor: Option<String> = None;
                    let mut next = tokio::time::Instant::now() + phase;
                    while Instant::now() < deadline && latencies.len() + errors < MAX_REQUESTS_PER_DEVICE {
                        if !interval.is_zero() {
                            tokio::time::sleep_until(next).await;
                            next += interval;
                        }
                        let mut request = http.get(&url).bearer_auth(&token);
                        if let Some(c) = &cursor {
                            request = request.query(&[("cursor", c)]);
                        }
                        let t = Instant::now();
                        match request.send().await {
                            Ok(r) if r.status().is_success() => match r.json::<SyncPullResponse>().await {
                                Ok(page) => {
                                    latencies.push(t.elapsed());
                                    cursor = Some(page.cursor);
                                }
                                Err(_) => errors += 1,
                            },
                            _ => errors += 1,
                        }
                    }
                    (latencies, errors)
                })
            })
            .collect();
        let mut out = Vec::with_capacity(tasks.len());
        for t in tasks {
            out.push(t.await.expect("task"));
        }
        out
    });
    let elapsed = load_started.elapsed().as_secs_f64();
    let _ = stop.send(());
    server_rt.block_on(serving).expect("join").expect("shutdown");

    let errors = results.iter().map(|(_, e)| e).sum();
    let mut all: Vec<Duration> = results.into_iter().flat_map(|(l, _)| l).collect();
    all.sort();
    Figures {
        database,
        interval_ms: interval.as_millis(),
        citizens,
        devices,
        requests: all.len(),
        errors,
        seconds: elapsed,
        p50_ms: percentile(&all, 50.0),
        p99_ms: percentile(&all, 99.0),
        max_ms: all.last().map_or(f64::NAN, |d| d.as_secs_f64() * 1_000.0),
        seed_seconds,
    }
}

fn main() {
    // `cargo test` runs benches with `--bench` absent: do nothing then (this is no test).
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let which = std::env::var("LOAD_DB").unwrap_or_else(|_| "both".into());
    let mut rows = Vec::new();
    if which == "sqlite" || which == "both" {
        let dir = common::temp_dir("load");
        rows.push(run("SQLite", format!("sqlite://{}", dir.path().join("load.db").display())));
        drop(dir);
    }
    if which == "postgres" || which == "both" {
        if let Ok(url) = std::env::var("LOAD_PG_URL") {
            // A cluster of one's own (e.g. with `pg_stat_statements` loaded, to count statements).
            rows.push(run("PostgreSQL", url));
        } else {
            let pg = common::Postgres::start();
            rows.push(run("PostgreSQL", pg.url.clone()));
            drop(pg);
        }
    }
    println!(
        "| database | citizens | devices | each device pulls | requests | errors | throughput | p50 | p99 | max | seeding |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for f in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.0} req/s | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} s |",
            f.database,
            f.citizens,
            f.devices,
            if f.interval_ms == 0 {
                "back to back".to_owned()
            } else {
                format!("every {} ms", f.interval_ms)
            },
            f.requests,
            f.errors,
            f.requests as f64 / f.seconds,
            f.p50_ms,
            f.p99_ms,
            f.max_ms,
            f.seed_seconds
        );
    }
}
